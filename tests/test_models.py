"""Response models: every official example decodes through its route, with exact values.

The examples are Bitget's own (``example_response`` in ``spec/schemas-*.json``); the field
assertions pin the conversions the exchange's wire format needs: decimal strings to exact
``Decimal``, ms strings to ``int``, ``""``/``null`` to ``None``, ``"true"`` to ``True``, candle
arrays to typed rows, the three shapes of ``feeDetail``, misspelled wire names, string ids.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from models_helpers import EXAMPLES, SCHEMAS, _check_type, decode, example

import bitget_async
from bitget_async import find_route
from bitget_async._fields import JsonObject
from bitget_async.models import (
    SpotCandle,
    SpotTradeFillFeeDetail,
)


# -- every route -----------------------------------------------------------------------------
def test_schemas_cover_every_route() -> None:
    assert len(SCHEMAS) == len(bitget_async.ROUTES) == 313
    assert {(m, p) for m, p, _ in SCHEMAS} == {(r.method, r.path) for r in bitget_async.ROUTES}


@pytest.mark.parametrize(("method", "path", "rec"), SCHEMAS, ids=[f"{m} {p}" for m, p, _ in SCHEMAS])
def test_official_example_decodes_into_its_typed_struct(method: str, path: str, rec: dict[str, Any]) -> None:
    route = find_route(method, path)
    data = route.decode(json.dumps(rec["example_response"]).encode())
    _check_type(data, route.response_type, route.python_name)
    if rec["data_shape"] in ("object", "list", "list_of_arrays") and rec["fields"]:
        assert data is not None
    if rec["data_shape"] == "null":
        assert data is None


def _add_unknown_fields(node: Any) -> Any:
    if isinstance(node, dict):
        return {**{k: _add_unknown_fields(v) for k, v in node.items()}, "fieldBitgetAddsLater": {"x": [1]}}
    if isinstance(node, list):
        return [_add_unknown_fields(v) for v in node]
    return node


@pytest.mark.parametrize(("method", "path", "rec"), SCHEMAS, ids=[f"{m} {p}" for m, p, _ in SCHEMAS])
def test_unknown_fields_are_ignored(method: str, path: str, rec: dict[str, Any]) -> None:
    body = copy.deepcopy(rec["example_response"])
    if isinstance(body.get("data"), (dict, list)):
        body["data"] = _add_unknown_fields(body["data"])
    body["newEnvelopeField"] = True
    assert decode(method, path, body) == decode(method, path)


def test_every_response_struct_is_frozen() -> None:
    structs = [getattr(bitget_async.models, n) for n in bitget_async.models.__all__ if n != "JsonObject"]
    responses = [s for s in structs if not s.__name__.endswith("Item")]
    assert len(responses) == 428  # every response Struct the generator writes today (Items excluded)
    for s in responses:
        assert s.__struct_config__.frozen, s.__name__


def test_one_decoder_per_route_built_once() -> None:
    route = find_route("GET", "/api/v2/spot/market/tickers")
    codec = route.codec
    decode("GET", "/api/v2/spot/market/tickers")
    decode("GET", "/api/v2/spot/market/tickers")
    assert route.codec is codec


# -- spot ------------------------------------------------------------------------------------
def test_spot_ticker_decimals_and_ms_timestamp() -> None:
    (t,) = decode("GET", "/api/v2/spot/market/tickers")
    assert t.symbol == "BTCUSDT"
    assert t.last_pr == Decimal("34413.1") and type(t.last_pr) is Decimal
    assert t.bid_sz == Decimal("0.0663")
    assert t.change24h == Decimal("0.00069")
    assert t.ts == 1625125755277 and type(t.ts) is int


def test_spot_candles_are_typed_rows_of_8_columns() -> None:
    rows = decode("GET", "/api/v2/spot/market/candles")
    assert len(rows) == 2 and all(type(r) is SpotCandle for r in rows)
    assert len(SpotCandle.__struct_fields__) == 8
    r = rows[0]
    assert (r.ts, r.open, r.high, r.low, r.close, r.base_volume, r.quote_volume, r.usdt_volume) == (
        1656604800000,
        Decimal("37834.5"),
        Decimal("37849.5"),
        Decimal("37773.5"),
        Decimal("37773.5"),
        Decimal("428.3462"),
        Decimal("16198849.1079"),
        Decimal("16198849.1079"),
    )


def test_spot_candle_with_7_columns_leaves_the_missing_column_none() -> None:
    body = example("GET", "/api/v2/spot/market/candles")
    body["data"] = [row[:7] for row in body["data"]]
    rows = decode("GET", "/api/v2/spot/market/candles", body)
    assert [r.usdt_volume for r in rows] == [None, None]
    assert rows[0].quote_volume == Decimal("16198849.1079")


def test_candle_row_that_is_not_an_array_is_a_decode_error() -> None:
    body = example("GET", "/api/v2/spot/market/candles")
    body["data"] = [{"ts": "1"}]
    raw = json.dumps(body).encode()
    with pytest.raises(bitget_async.ResponseDecodeError) as info:
        find_route("GET", "/api/v2/spot/market/candles").decode(raw)
    assert info.value.code == "DECODE" and info.value.body == raw
    assert "$.data[0]" in info.value.msg


def test_spot_order_info_exact_decimals_string_ids_and_fee_detail_json_string() -> None:
    (o,) = decode("GET", "/api/v2/spot/trade/orderInfo")
    assert o.order_id == "121211212122" and o.client_oid == "121211212122"
    assert str(o.size) == "10.0000000000000000"  # exact: trailing zeros kept
    assert str(o.price_avg) == "13000.0000000000000000"
    assert o.base_volume == Decimal("0.0007")
    assert o.c_time == 1695865232127 and o.u_time == 1695865233051
    assert o.cancel_reason is None  # sent as ""
    assert type(o.fee_detail) is JsonObject  # parsed from the JSON string Bitget sends
    assert o.fee_detail == {
        "BGB": {
            "deduction": True,
            "feeCoinCode": "BGB",
            "totalDeductionFee": Decimal("-0.0041"),
            "totalFee": Decimal("-0.0041"),
        },
        "newFees": {
            "c": 0,
            "d": 0,
            "deduction": False,
            "r": Decimal("-0.112079256"),
            "t": Decimal("-0.112079256"),
            "totalDeductionFee": 0,
        },
    }
    assert type(o.fee_detail["newFees"]["r"]) is Decimal  # never a float


def test_spot_history_fee_detail_keeps_every_digit() -> None:
    (o,) = decode("GET", "/api/v2/spot/trade/history-orders")
    assert o.fee_detail is not None
    assert str(o.fee_detail["USDT"]["totalFee"]) == "-0.1120792560000000"


def test_fee_detail_empty_string_is_none() -> None:
    body = example("GET", "/api/v2/spot/trade/orderInfo")
    body["data"][0]["feeDetail"] = ""
    (o,) = decode("GET", "/api/v2/spot/trade/orderInfo", body)
    assert o.fee_detail is None


def test_spot_fills_fee_detail_object_with_empty_string_as_none() -> None:
    (f,) = decode("GET", "/api/v2/spot/trade/fills")
    assert f.fee_detail == SpotTradeFillFeeDetail(
        deduction="no", fee_coin="BTC", total_deduction_fee=None, total_fee=Decimal("-0.0000007")
    )
    assert f.fee_detail.total_deduction_fee is None
    assert f.fee_detail.total_fee == Decimal("-0.0000007")
    assert (f.order_id, f.trade_id) == ("12345678910", "12345678910")


def test_spot_unfilled_empty_string_and_null_are_none() -> None:
    (o,) = decode("GET", "/api/v2/spot/trade/unfilled-orders")
    assert EXAMPLES[("GET", "/api/v2/spot/trade/unfilled-orders")]["data"][0]["executeTakeProfitPrice"] == ""
    assert o.execute_take_profit_price is None
    assert o.execute_stop_loss_price is None
    assert o.trigger_price is None  # JSON null
    assert o.preset_take_profit_price == Decimal("70000")
    assert o.order_id == "2222222"


def test_spot_unfilled_decimal_when_present() -> None:
    body = example("GET", "/api/v2/spot/trade/unfilled-orders")
    body["data"][0].update(executeTakeProfitPrice="70000.50", triggerPrice="69000.1")
    (o,) = decode("GET", "/api/v2/spot/trade/unfilled-orders", body)
    assert str(o.execute_take_profit_price) == "70000.50"
    assert o.trigger_price == Decimal("69000.1")


def test_true_false_strings_decode_to_bool() -> None:
    (coin,) = decode("GET", "/api/v2/spot/public/coins")
    assert coin.transfer is True
    assert coin.chains is not None
    chain = coin.chains[0]
    assert (chain.need_tag, chain.withdrawable, chain.rechargeable) == (False, True, True)
    assert chain.withdraw_fee == Decimal("0.005")
    assert chain.deposit_confirm == 1


def test_ids_stay_strings_even_when_sent_as_json_integers() -> None:
    a, b = decode("GET", "/api/v2/spot/account/subaccount-assets")
    assert (a.id_, a.user_id, b.id_) == ("1111", "1234567890", "2222")
    info = decode("GET", "/api/v2/spot/account/info")
    assert info.parent_id == "1" and info.user_id == "**********"
    body = example("GET", "/api/v2/spot/account/info")
    body["data"]["parentId"] = "1"
    assert decode("GET", "/api/v2/spot/account/info", body).parent_id == "1"
