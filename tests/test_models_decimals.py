"""Decimal fields: decoded as their exact wire text, read as ``Decimal`` (``exact_on_read``).

What a caller sees must be what the eager models gave: ``Decimal`` attributes with the exact
digits, None for a blank or for text that is no number, equality, hash and repr over those
values, pickling and ``msgspec`` encoding that round-trip.  What changed is only inside the slot
(the text until the first read), visible to ``msgspec.structs.astuple``/``to_builtins``, which
give the wire text exactly as Bitget sent it.
"""

from __future__ import annotations

import json
import pickle
from decimal import Decimal
from typing import Any

import msgspec
import pytest
from models_helpers import decode, example

import bitget_async.models as models
from bitget_async._fields import decimal_fields, exact_on_read
from bitget_async.models import MixCandle, SpotCandle, SpotTicker

CANDLES = "/api/v2/spot/market/candles"
TICKERS = "/api/v2/spot/market/tickers"
ROW = ["1656604800000", "37834.50", "37849.5", "0.0000001", "1E+3", "428.3462", "16198849.1079", "111,1"]


def candle(row: list[Any]) -> SpotCandle:
    body = example("GET", CANDLES)
    body["data"] = [row]
    (decoded,) = decode("GET", CANDLES, body)
    assert type(decoded) is SpotCandle
    return decoded


def test_the_slot_holds_the_wire_text_until_the_first_read_keeps_the_decimal() -> None:
    row = candle(ROW)
    assert msgspec.structs.astuple(row) == (1656604800000, *ROW[1:])
    assert vars(row) == {}
    first = row.open
    assert type(first) is Decimal and first.as_tuple() == Decimal("37834.50").as_tuple()
    assert vars(row) == {"open": Decimal("37834.50")}
    assert row.open is first  # the second read is the cached object
    assert msgspec.structs.astuple(row)[1] == "37834.50"  # the slot still holds what arrived


def test_every_column_reads_exactly_and_text_that_is_no_number_reads_none() -> None:
    row = candle(ROW)
    values = (row.open, row.high, row.low, row.close, row.base_volume, row.quote_volume, row.usdt_volume)
    assert [v.as_tuple() if v is not None else None for v in values] == [
        Decimal(x).as_tuple() for x in ROW[1:7]
    ] + [None]


def test_a_row_read_once_equals_the_same_row_unread_and_hashes_alike() -> None:
    read, unread = candle(ROW), candle(ROW)
    read.open, read.close  # noqa: B018 -- reading is the point: it fills the cache of one row
    assert read == unread and unread == read
    assert hash(read) == hash(unread)
    assert len({read, unread}) == 1


def test_equality_compares_values_not_spellings() -> None:
    trailing_zero = candle(["1", "1.50"])
    assert trailing_zero == candle(["1", "1.5"]) == SpotCandle(1, Decimal("1.5"))
    assert hash(trailing_zero) == hash(SpotCandle(1, Decimal("1.5")))
    assert trailing_zero != candle(["1", "1.51"])
    assert trailing_zero != candle(["2", "1.50"])
    assert trailing_zero != MixCandle(1, Decimal("1.5"))  # another model: never equal
    assert trailing_zero.__eq__("1.5") is NotImplemented


def test_the_constructor_takes_decimals_as_before() -> None:
    price = Decimal("26194.5")
    made = MixCandle(1695836100000, price, close=None)
    assert made.open is price and made.high is None and made.close is None
    with pytest.raises(AttributeError):
        made.open = Decimal("1")  # type: ignore[misc]


def test_repr_shows_the_decimals_in_msgspec_s_format() -> None:
    row = candle(["1656604800000", "37834.5", "1"])
    assert repr(row) == (
        "SpotCandle(ts=1656604800000, open=Decimal('37834.5'), high=Decimal('1'), low=None, close=None, "
        "base_volume=None, quote_volume=None, usdt_volume=None)"
    )
    assert row.__rich_repr__()[:2] == [("ts", 1656604800000), ("open", Decimal("37834.5"))]  # type: ignore[attr-defined]
    (ticker,) = decode("GET", TICKERS)
    assert repr(ticker).startswith("SpotTicker(symbol='BTCUSDT', high24h=Decimal('37775.65'), open=Decimal('35134.2'),")


@pytest.mark.parametrize("read_first", [False, True], ids=["unread", "read"])
def test_pickle_and_msgspec_round_trips_are_exact(read_first: bool) -> None:
    row = candle(ROW)
    if read_first:
        row.open, row.quote_volume  # noqa: B018 -- the cache must not leak into what is encoded
    assert pickle.loads(pickle.dumps(row)) == row
    assert msgspec.json.encode(row) == json.dumps([1656604800000, *ROW[1:]], separators=(",", ":")).encode()
    assert msgspec.to_builtins(row) == [1656604800000, *ROW[1:]]
    assert msgspec.json.decode(msgspec.json.encode([row]), type=list[SpotCandle]) == [row]
    (ticker,) = decode("GET", TICKERS)
    again = msgspec.json.decode(msgspec.json.encode(ticker), type=SpotTicker)
    assert again == ticker and again.bid_sz == Decimal("0.0663")


def test_every_decimal_field_of_every_model_reads_as_decimal() -> None:
    """The generator marks each ``Decimal`` field ``DecimalText`` and lists it in the decorator."""
    with_decimals = 0
    for name in models.__all__:
        model = getattr(models, name)
        if not (isinstance(model, type) and issubclass(model, msgspec.Struct)):
            continue
        annotated = tuple(
            f for f in model.__struct_fields__ if "DecimalText" in str(model.__annotations__.get(f, ""))
        )
        assert decimal_fields(model) == annotated, name
        if annotated:
            with_decimals += 1
            assert model.__struct_config__.dict, name
    assert with_decimals == 242


def test_exact_on_read_needs_the_instance_dict_it_caches_in() -> None:
    plain = msgspec.defstruct("Plain", [("price", str)], frozen=True)
    with pytest.raises(TypeError, match="Plain: exact_on_read caches in __dict__; declare it with dict=True"):
        exact_on_read("price")(plain)
