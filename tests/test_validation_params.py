"""Validation never stricter than Bitget, and never looser where Bitget certainly refuses.

Pure checks run on the route table (``Route.encode_values`` is the whole validation step, before
any I/O), with hypothesis generating the variants; the end-to-end tests go through the typed
methods to an ``httpx.MockTransport`` and compare the exact bytes that reach the wire.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from validation_helpers import BAD_VALUES, ENUMS, FAST, MONEY, NONNEG, NUMBERS

from bitget_async import ValidationError, find_route
from bitget_async._build import encode_wire


# -- enums: any letter case, sent as written --------------------------------------------------
@st.composite
def case_variant(draw: st.DrawFn, value: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(value), max_size=len(value)))
    return "".join(c.swapcase() if f else c for c, f in zip(value, flips, strict=True))


@FAST
@given(data=st.data())
def test_every_enum_value_in_any_letter_case_goes_out_unchanged(data: st.DataObject) -> None:
    route, p = data.draw(st.sampled_from(ENUMS))
    assert p.enum is not None
    value = data.draw(case_variant(data.draw(st.sampled_from(p.enum))))
    wire = p.encode([value] if p.kind == "list_str" else value, route)
    assert wire == ([value] if p.kind == "list_str" else value)


@FAST
@given(data=st.data())
def test_a_value_outside_a_closed_enum_is_still_refused_naming_the_parameter(data: st.DataObject) -> None:
    route, p = data.draw(st.sampled_from([(r, q) for r, q in ENUMS if q.kind == "str"]))
    assert p.enum is not None
    value = data.draw(st.text(min_size=1, max_size=12))
    assume(value.lower() not in {e.lower() for e in p.enum})
    with pytest.raises(ValidationError) as info:
        p.encode(value, route)
    assert info.value.param == p.py
    assert str(info.value).startswith(f"{route}: parameter {p.py!r} must be one of ")
    assert f"(in any letter case), got {value!r}" in str(info.value)


def test_open_fields_take_any_string_and_keep_their_known_values_as_hints() -> None:
    bill = {p.py: p for p in find_route("GET", "/api/v2/mix/account/bill").params}["business_type"]
    assert bill.enum is None
    assert bill.known is not None and "contract_settle_fee" in bill.known
    assert bill.encode("brand_new_bill_type", "mix.account.bill") == "brand_new_bill_type"
    spot = {p.py: p for p in find_route("GET", "/api/v2/spot/account/bills").params}["business_type"]
    assert spot.encode("transfer-in", "spot.account.bills") == "transfer-in"


# -- numbers: plain ASCII decimals only ---------------------------------------------------------
@FAST
@given(data=st.data())
def test_bad_numbers_are_refused_naming_the_parameter(data: st.DataObject) -> None:
    route, p = data.draw(st.sampled_from(NUMBERS))
    bad = data.draw(BAD_VALUES)
    with pytest.raises(ValidationError) as info:
        p.encode(bad, route)
    assert info.value.param == p.py, (route, p.py, bad)
    assert str(info.value).startswith(f"{route}: parameter {p.py!r}")


@FAST
@given(data=st.data())
def test_plain_numbers_go_out_exactly(data: st.DataObject) -> None:
    route, p = data.draw(st.sampled_from([(r, q) for r, q in NUMBERS if q.max is None]))
    if p.kind == "int":
        value: Any = data.draw(st.one_of(st.integers(0, 10**15), st.integers(0, 10**15).map(str)))
        expected = str(value)
    else:
        number = data.draw(st.decimals(min_value=0, max_value=10**12, places=data.draw(st.integers(0, 12))))
        value = data.draw(st.sampled_from([number, format(number, "f")]))
        expected = format(number, "f")
    assert p.encode(value, route) == expected


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (0.1, "spot.trade.place_order: parameter 'size': float 0.1 refused; pass money as Decimal, str or int so it stays exact"),
        (True, "spot.trade.place_order: parameter 'size' expects a Decimal, str or int amount, got bool"),
        ("1_000", "spot.trade.place_order: parameter 'size' expects a plain decimal number (ASCII digits, no exponent, spaces or '_'), got '1_000'"),
        (" 1", "spot.trade.place_order: parameter 'size' expects a plain decimal number (ASCII digits, no exponent, spaces or '_'), got ' 1'"),
        ("١٢", "spot.trade.place_order: parameter 'size' expects a plain decimal number (ASCII digits, no exponent, spaces or '_'), got '١٢'"),
        ("1e-7", "spot.trade.place_order: parameter 'size' expects a plain decimal number (ASCII digits, no exponent, spaces or '_'), got '1e-7'"),
        ("NaN", "spot.trade.place_order: parameter 'size' expects a plain decimal number (ASCII digits, no exponent, spaces or '_'), got 'NaN'"),
        (Decimal("Infinity"), "spot.trade.place_order: parameter 'size': Infinity is not a finite decimal"),
        ("-1", "spot.trade.place_order: parameter 'size' must not be negative, got '-1'"),
        (Decimal("-0.5"), "spot.trade.place_order: parameter 'size' must not be negative, got '-0.5'"),
        (-3, "spot.trade.place_order: parameter 'size' must not be negative, got '-3'"),
    ],
)
def test_refusal_messages_are_exact(bad: Any, message: str) -> None:
    route = find_route("POST", "/api/v2/spot/trade/place-order")
    with pytest.raises(ValidationError) as info:
        route.encode_values({"symbol": "BTCUSDT", "side": "buy", "order_type": "market", "force": "gtc", "size": bad})
    assert str(info.value) == message
    assert info.value.param == "size"


@FAST
@given(data=st.data())
def test_negative_sizes_prices_and_amounts_are_refused(data: st.DataObject) -> None:
    route, p = data.draw(st.sampled_from(NONNEG))
    number = data.draw(st.decimals(max_value=Decimal("-0.00000001"), min_value=-(10**9), places=8))
    with pytest.raises(ValidationError) as info:
        p.encode(data.draw(st.sampled_from([number, format(number, "f")])), route)
    assert info.value.param == p.py
    assert "must not be negative" in str(info.value)


def test_a_negative_margin_change_is_allowed_where_bitget_documents_it() -> None:
    route = find_route("POST", "/api/v2/mix/account/set-margin")
    amount = {p.py: p for p in route.params}["amount"]
    assert not amount.nonneg
    values = route.encode_values(
        {"symbol": "BTCUSDT", "product_type": "USDT-FUTURES", "margin_coin": "USDT", "amount": Decimal("-20.5"),
         "hold_side": "long"}
    )
    _, body = encode_wire(route.method, values, route.python_name)
    assert body == (
        b'{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginCoin":"USDT","holdSide":"long","amount":"-20.5"}'
    )


def test_which_money_parameters_may_be_negative() -> None:
    """Only the ones a fact marks ``signed`` (or whose name is not a size, price or amount)."""
    signed = sorted({(r, p.py) for r, p in MONEY if not p.nonneg and re.search(r"(price|size|amount)$", p.py)})
    assert signed == [("mix.account.set_auto_margin", "amount"), ("mix.account.set_margin", "amount")]
