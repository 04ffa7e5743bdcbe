"""Validation never stricter than Bitget, and never looser where Bitget certainly refuses.

Pure checks run on the route table (``Route.encode_values`` is the whole validation step, before
any I/O), with hypothesis generating the variants; the end-to-end tests go through the typed
methods to an ``httpx.MockTransport`` and compare the exact bytes that reach the wire.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from helpers import Recorder
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bitget_async import ROUTES, BitgetClient, Param, ValidationError, find_route
from bitget_async._build import encode_wire
from bitget_async.models import MixOrderBatchPlaceOrderItem, SpotTradeBatchOrdersItem

DATA = Path(__file__).parent / "data"
OK = b'{"code":"00000","msg":"success","requestTime":1,"data":null}'
PLACED = b'{"code":"00000","msg":"success","requestTime":1,"data":{"orderId":"1","clientOid":"c1"}}'
BATCH = b'{"code":"00000","msg":"success","requestTime":1,"data":{"successList":[],"failureList":[]}}'
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _all_params() -> list[tuple[str, Param]]:
    out = []
    for route in ROUTES:
        for p in route.params:
            out.append((route.python_name, p))
            out.extend((route.python_name, c) for c in p.children)
    return out


PARAMS = _all_params()
ENUMS = [(r, p) for r, p in PARAMS if p.enum and p.kind in ("str", "list_str")]
NUMBERS = [(r, p) for r, p in PARAMS if p.kind in ("money", "int")]
MONEY = [(r, p) for r, p in NUMBERS if p.kind == "money"]
NONNEG = [(r, p) for r, p in MONEY if p.nonneg]


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
_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=12)
_NON_ASCII_DIGIT = st.characters(categories=["Nd"]).filter(lambda c: c not in "0123456789")


@st.composite
def bad_number_text(draw: st.DrawFn) -> str:
    """Text that Python's ``Decimal()`` (or ``int()``) may accept but Bitget's plain numbers are not."""
    digits = draw(st.text(alphabet="0123456789", min_size=2, max_size=8))
    kind = draw(st.sampled_from(["exp", "underscore", "padded", "non_ascii", "special", "junk"]))
    if kind == "exp":
        return f"{draw(_DIGITS)}{draw(st.sampled_from(['e', 'E']))}{draw(st.sampled_from(['', '-', '+']))}{draw(_DIGITS)}"
    if kind == "underscore":
        cut = draw(st.integers(1, len(digits) - 1))
        return f"{digits[:cut]}_{digits[cut:]}"
    if kind == "padded":
        pad = draw(st.sampled_from([" ", "\t", "\n", "\u00a0", "\u2003"]))
        return draw(st.sampled_from([pad + digits, digits + pad, pad + digits + pad]))
    if kind == "non_ascii":
        pos = draw(st.integers(0, len(digits) - 1))
        return digits[:pos] + draw(_NON_ASCII_DIGIT) + digits[pos + 1 :]
    if kind == "special":
        return draw(st.sampled_from(["NaN", "nan", "-NaN", "sNaN", "Infinity", "-Infinity", "inf", "-inf"]))
    return draw(st.sampled_from(["", ".", "-", "1.2.3", "0x10", "1,5", "+1", "--1", "1-"]))


_BAD_VALUES = st.one_of(
    bad_number_text(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from([Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"), b"1", [1], None]),
)


@FAST
@given(data=st.data())
def test_bad_numbers_are_refused_naming_the_parameter(data: st.DataObject) -> None:
    route, p = data.draw(st.sampled_from(NUMBERS))
    bad = data.draw(_BAD_VALUES)
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


# -- names: typo protection, extra_params, batch items ------------------------------------------
def test_extra_params_never_override_a_typed_parameter() -> None:
    route = find_route("GET", "/api/v2/spot/market/tickers")
    for key in ("symbol",):
        with pytest.raises(ValidationError) as info:
            route.encode_values({"symbol": "BTCUSDT"}, {key: "ETHUSDT"})
        assert info.value.param == key
        assert info.value.route == "spot.market.tickers"
        assert str(info.value) == (
            "spot.market.tickers: extra_params: 'symbol' is the typed parameter 'symbol'; pass it as symbol=... so it "
            "is validated (extra_params carries only names the table does not know, and never overrides a typed one)"
        )
    candles = find_route("GET", "/api/v2/mix/market/candles")
    for key in ("productType", "product_type"):  # wire and python spelling alike, given or not
        with pytest.raises(ValidationError) as info:
            candles.encode_values({"symbol": "BTCUSDT", "product_type": "USDT-FUTURES", "granularity": "1m"},
                                  {key: "COIN-FUTURES"})
        assert info.value.param == key
        assert f"{key!r} is the typed parameter 'product_type'" in str(info.value)
    with pytest.raises(ValidationError) as info:
        find_route("POST", "/api/v2/spot/trade/place-order").encode_values(
            {"symbol": "BTCUSDT", "side": "buy", "order_type": "market", "force": "gtc", "size": "1"},
            {"clientOid": "sneaky"},
        )
    assert info.value.param == "clientOid"


def test_unknown_names_suggest_the_closest_and_v1_names_name_their_v2_twin() -> None:
    route = find_route("POST", "/api/v2/mix/order/place-order")
    base = {"symbol": "BTCUSDT", "product_type": "USDT-FUTURES", "margin_mode": "crossed", "margin_coin": "USDT",
            "side": "buy", "order_type": "limit", "size": "0.01", "price": "50000"}
    for key in ("timeInForceValue", "time_in_force_value"):
        with pytest.raises(ValidationError) as info:
            route.encode_values({**base, key: "GTC"})
        assert info.value.param == key
        assert str(info.value).startswith(
            f"mix.order.place_order: unknown parameter {key!r} (the v1 name of 'force', which Bitget v2 ignores); "
            "did you mean 'force'? (known: "
        )
    with pytest.raises(ValidationError) as info:
        route.encode_values({**base, "forse": "gtc"})
    assert str(info.value).startswith("mix.order.place_order: unknown parameter 'forse'; did you mean 'force'?")


def test_batch_item_keys_are_checked_like_top_level_ones() -> None:
    route = find_route("POST", "/api/v2/spot/trade/batch-orders")
    item = {"side": "buy", "orderType": "limit", "force": "gtc", "price": "1", "size": "1", "clientOid": "a"}
    with pytest.raises(ValidationError) as info:
        route.encode_values({"symbol": "BTCUSDT", "order_list": [{**item, "sise": "2"}]})
    assert info.value.param == "order_list"
    assert str(info.value).startswith(
        "spot.trade.batch_orders: order_list[0]: unknown field 'sise'; did you mean 'size'? (known: symbol, side, "
    )
    assert str(info.value).endswith("put fields the table does not know yet in the item's 'extra_params' mapping)")
    with pytest.raises(ValidationError) as info:
        route.encode_values({"symbol": "BTCUSDT", "order_list": [{**item, "extra_params": {"size": "2"}}]})
    assert "'size' is the typed parameter 'size'" in str(info.value)
    with pytest.raises(ValidationError) as info:
        route.encode_values({"symbol": "BTCUSDT", "order_list": [{**item, "client_oid": "b"}]})
    assert str(info.value) == (
        "spot.trade.batch_orders: order_list[0]: field 'client_oid' given twice (as 'client_oid' and 'clientOid')"
    )


# -- the peers' requests and the reference document ------------------------------------------
PEER = json.loads((DATA / "peer_requests.json").read_text())


def _wire_to_kwargs(route_params: tuple[Param, ...], wire: dict[str, Any]) -> dict[str, Any]:
    by_wire = {p.wire: p for p in route_params}
    unknown = sorted(set(wire) - set(by_wire))
    assert not unknown, f"table lacks {unknown}"
    return {by_wire[k].py: v for k, v in wire.items()}


def _as_wire(value: Any) -> Any:
    """What the peer sent, as our wire form: JSON numbers become their exact decimal strings."""
    if isinstance(value, list):
        return [_as_wire(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_wire(v) for k, v in value.items()}
    return value if isinstance(value, str) else str(value)


@pytest.mark.parametrize(
    "case", PEER["cases"], ids=[f"{c['method']} {c['path']} {i}" for i, c in enumerate(PEER["cases"])]
)
def test_what_ccxt_sends_to_the_live_exchange_passes_unchanged(case: dict[str, Any]) -> None:
    route = find_route(case["method"], case["path"])
    sent = dict(parse_qsl(case["query"], keep_blank_values=True)) if case["method"] == "GET" else case["body"]
    values = route.encode_values(_wire_to_kwargs(route.params, sent))
    assert values == _as_wire(sent)


def test_peer_requests_cover_the_gaps_named_in_issue_12() -> None:
    seen = {(c["path"], k) for c in PEER["cases"] for k in (c.get("body") or dict(parse_qsl(c.get("query", ""))))}
    assert {
        ("/api/v2/spot/market/history-candles", "startTime"),
        ("/api/v2/mix/account/bill", "marginCoin"),
        ("/api/v2/mix/order/place-tpsl-order", "orderType"),
        ("/api/v2/mix/order/place-plan-order", "force"),
        ("/api/v2/mix/order/cancel-plan-order", "planType"),
    } <= seen


@pytest.fixture
def client(recorded_client: BitgetClient) -> BitgetClient:
    return recorded_client  # the shared recorded client (conftest.py), under this module's name


def _reference_body(title: str) -> dict[str, Any]:
    """A request body from BITGET_API_REFERENCE.md, verbatim (copied to tests/data/reference_examples.md)."""
    text = (DATA / "reference_examples.md").read_text()
    block = text.split(f"#### Example: {title}\n```json\n", 1)[1].split("```", 1)[0]
    body: dict[str, Any] = json.loads(block.split("\n", 1)[1])  # drop the "POST /api/..." line
    return body


@pytest.mark.anyio
async def test_reference_spot_place_order_body_reaches_the_wire_unchanged(
    client: BitgetClient, recorder: Recorder
) -> None:
    recorder.body = PLACED
    body = _reference_body("Place Spot Order")
    assert body == {"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "size": "0.001", "price": "50000",
                    "force": "GTC"}
    route = find_route("POST", "/api/v2/spot/trade/place-order")
    await client.spot.trade.place_order(**_wire_to_kwargs(route.params, body))
    (request,) = recorder.requests
    oid = json.loads(request.content)["clientOid"]
    assert re.fullmatch(r"[0-9a-f]{32}", oid)
    assert request.content == (
        b'{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"GTC","price":"50000","size":"0.001",'
        b'"clientOid":"' + oid.encode() + b'"}'
    )
    assert json.loads(request.content) == {**body, "clientOid": oid}


@pytest.mark.anyio
async def test_reference_set_leverage_body_reaches_the_wire_unchanged(client: BitgetClient, recorder: Recorder) -> None:
    body = _reference_body("Set Leverage")
    route = find_route("POST", "/api/v2/mix/account/set-leverage")
    await client.mix.account.set_leverage(**_wire_to_kwargs(route.params, body))
    (request,) = recorder.requests
    assert request.content == (
        b'{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginCoin":"USDT","leverage":"10","holdSide":"long"}'
    )
    assert json.loads(request.content) == body


@pytest.mark.anyio
async def test_reference_futures_body_with_v1_time_in_force_is_refused_naming_force(
    client: BitgetClient, recorder: Recorder
) -> None:
    body = _reference_body("Place Futures Order")
    assert body["timeInForceValue"] == "GTC"
    route = find_route("POST", "/api/v2/mix/order/place-order")
    by_wire = {p.wire: p.py for p in route.params}
    kwargs = {by_wire.get(k, k): v for k, v in body.items()}
    with pytest.raises(ValidationError) as info:
        await client.mix.order.place_order(**kwargs)
    assert recorder.requests == []
    assert info.value.param == "timeInForceValue"
    assert "(the v1 name of 'force', which Bitget v2 ignores); did you mean 'force'?" in str(info.value)
    kwargs["force"] = kwargs.pop("timeInForceValue")  # the one edit the message asks for
    recorder.body = PLACED
    await client.mix.order.place_order(**kwargs)
    sent = json.loads(recorder.requests[0].content)
    assert sent == {**{k: v for k, v in body.items() if k != "timeInForceValue"}, "force": "GTC",
                    "clientOid": sent["clientOid"]}


# -- end to end: letter case, demo types, item extras, conditions --------------------------------
@pytest.mark.anyio
async def test_enum_case_reaches_the_wire_as_written(client: BitgetClient, recorder: Recorder) -> None:
    recorder.body = PLACED
    await client.mix.order.place_order(
        symbol="BTCUSDT", product_type="usdt-futures", margin_mode="Crossed", margin_coin="USDT", side="BUY",
        trade_side="Open", order_type="market", size="0.01", client_oid="c1",
    )
    recorder.body = OK
    await client.mix.market.candles(symbol="BTCUSDT", product_type="USDT-FUTURES", granularity="1m", k_line_type="mark")
    place, candles = recorder.requests
    assert place.content == (
        b'{"symbol":"BTCUSDT","productType":"usdt-futures","marginMode":"Crossed","marginCoin":"USDT","size":"0.01",'
        b'"side":"BUY","tradeSide":"Open","orderType":"market","clientOid":"c1"}'
    )
    assert candles.url.query == b"symbol=BTCUSDT&productType=USDT-FUTURES&granularity=1m&kLineType=mark"


@pytest.mark.anyio
async def test_one_minute_and_one_month_stay_distinct(client: BitgetClient, recorder: Recorder) -> None:
    """Why the user's spelling is kept: '1m' (minute) and '1M' (month) differ only in case."""
    await client.mix.market.candles(symbol="BTCUSDT", product_type="USDT-FUTURES", granularity="1m")
    await client.mix.market.candles(symbol="BTCUSDT", product_type="USDT-FUTURES", granularity="1M")
    assert [r.url.params["granularity"] for r in recorder.requests] == ["1m", "1M"]


@pytest.mark.anyio
async def test_demo_product_types_are_accepted(recorder: Recorder) -> None:
    async with BitgetClient("key", "secret", "pass", demo=True, transport=httpx.MockTransport(recorder)) as demo:
        await demo.mix.market.tickers(product_type="SUSDT-FUTURES")
        await demo.mix.account.accounts(product_type="susdc-futures")
    tickers, accounts = recorder.requests
    assert tickers.url.query == b"productType=SUSDT-FUTURES"
    assert accounts.url.query == b"productType=susdc-futures"
    assert tickers.headers["paptrading"] == "1" and accounts.headers["paptrading"] == "1"


@pytest.mark.anyio
async def test_batch_item_extras_pass_through_exactly(client: BitgetClient, recorder: Recorder) -> None:
    recorder.body = BATCH
    typed = SpotTradeBatchOrdersItem(
        side="buy", order_type="limit", force="gtc", price="1", size="2", client_oid="a",
        extra_params={"brandNew": Decimal("1E-7")},
    )
    plain = {"side": "sell", "orderType": "market", "force": "GTC", "size": "1", "clientOid": "b",
             "extra_params": {"other": "x"}}
    await client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=[typed, plain])
    assert recorder.requests[0].content == (
        b'{"symbol":"BTCUSDT","orderList":['
        b'{"side":"buy","orderType":"limit","force":"gtc","price":"1","size":"2","clientOid":"a","brandNew":"0.0000001"},'
        b'{"side":"sell","orderType":"market","force":"GTC","size":"1","clientOid":"b","other":"x"}]}'
    )


@pytest.mark.anyio
async def test_ccxt_style_futures_batch_items_repeat_the_top_level_fields(client: BitgetClient, recorder: Recorder) -> None:
    recorder.body = BATCH
    item = MixOrderBatchPlaceOrderItem(
        symbol="BTCUSDT", product_type="USDT-FUTURES", margin_coin="USDT", margin_mode="crossed", size="0.001",
        price="25000", side="buy", order_type="limit", force="GTC", client_oid="x",
    )
    await client.mix.order.batch_place_order(
        symbol="BTCUSDT", product_type="USDT-FUTURES", margin_mode="crossed", margin_coin="USDT", order_list=[item]
    )
    body = json.loads(recorder.requests[0].content)
    assert body["orderList"] == [
        {"size": "0.001", "price": "25000", "side": "buy", "orderType": "limit", "force": "GTC", "clientOid": "x",
         "symbol": "BTCUSDT", "productType": "USDT-FUTURES", "marginCoin": "USDT", "marginMode": "crossed"}
    ]


@pytest.mark.anyio
async def test_wallet_transfer_needs_symbol_only_for_isolated_margin(client: BitgetClient, recorder: Recorder) -> None:
    with pytest.raises(ValidationError) as info:
        await client.spot.wallet.transfer(from_type="spot", to_type="isolated_margin", amount="1", coin="USDT")
    assert recorder.requests == []
    assert str(info.value) == (
        "spot.wallet.transfer: parameter 'symbol' is required when fromType = isolated_margin or "
        "toType = isolated_margin"
    )
    await client.spot.wallet.transfer(from_type="spot", to_type="usdt_futures", amount="1", coin="USDT")
    await client.spot.wallet.transfer(from_type="Isolated_Margin", to_type="spot", amount="1", coin="USDT",
                                      symbol="BTCUSDT")
    assert len(recorder.requests) == 2


@pytest.mark.anyio
async def test_isolated_batch_cancel_order_id_list_is_optional(client: BitgetClient, recorder: Recorder) -> None:
    recorder.body = BATCH
    await client.margin.isolated.batch_cancel_order(symbol="BTCUSDT")
    assert recorder.requests[0].content == b'{"symbol":"BTCUSDT"}'


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bad=_BAD_VALUES.filter(lambda v: v is not None), name=st.sampled_from(["size", "price"]))  # None = not given
def test_the_typed_method_refuses_generated_bad_numbers_before_any_io(bad: Any, name: str) -> None:
    """The same variants, end to end: ``client.spot.trade.place_order`` never reaches the transport."""
    import anyio

    recorder = Recorder(body=PLACED)

    async def call() -> ValidationError:
        async with BitgetClient("key", "secret", "pass", transport=httpx.MockTransport(recorder)) as c:
            kwargs: dict[str, Any] = {"size": "1", "price": "100", name: bad}
            with pytest.raises(ValidationError) as info:
                await c.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="limit", force="GTC", **kwargs)
            return info.value

    err = anyio.run(call)
    assert recorder.requests == []
    assert err.param == name
    assert str(err).startswith(f"spot.trade.place_order: parameter {name!r}")
