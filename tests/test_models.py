"""Response models: every official example decodes through its route, with exact values.

The examples are Bitget's own (``example_response`` in ``spec/schemas-*.json``); the field
assertions pin the conversions the exchange's wire format needs: decimal strings to exact
``Decimal``, ms strings to ``int``, ``""``/``null`` to ``None``, ``"true"`` to ``True``, candle
arrays to typed rows, the three shapes of ``feeDetail``, misspelled wire names, string ids.
"""

from __future__ import annotations

import copy
import json
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest

import bitget_async
from bitget_async import find_route
from bitget_async._lenient import JsonObject
from bitget_async.models import (
    MarginCrossedFillFillFeeDetail,
    MixCandle,
    MixFillsFillListFeeDetail,
    SpotCandle,
    SpotTradeFillFeeDetail,
)

SPEC = Path(__file__).resolve().parent.parent / "spec"


def _schemas() -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for f in sorted(SPEC.glob("schemas-*.json")):
        for path, rec in json.loads(f.read_text()).items():
            out.append((rec["method"], path, rec))
    return out


SCHEMAS = _schemas()
EXAMPLES = {(m, p): rec["example_response"] for m, p, rec in SCHEMAS}


def decode(method: str, path: str, example: dict[str, Any] | None = None) -> Any:
    body = example if example is not None else EXAMPLES[(method, path)]
    return find_route(method, path).decode(json.dumps(body).encode())


def example(method: str, path: str) -> dict[str, Any]:
    """A private copy of an official example, to vary one field."""
    return copy.deepcopy(EXAMPLES[(method, path)])


def _check_type(value: Any, tp: Any, where: str) -> None:
    if tp is None:
        assert value is None, where
    elif tp is Any:
        return
    elif typing.get_origin(tp) is list:
        assert isinstance(value, list), where
        (item,) = typing.get_args(tp)
        for i, v in enumerate(value):
            _check_type(v, item, f"{where}[{i}]")
    elif typing.get_origin(tp) is dict:
        assert isinstance(value, dict), where
    else:
        assert type(value) is tp, f"{where}: {type(value).__name__} is not {tp}"


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
    assert len(responses) > 150
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


# -- mix -------------------------------------------------------------------------------------
def test_mix_candles_are_typed_rows_of_7_columns() -> None:
    rows = decode("GET", "/api/v2/mix/market/candles")
    assert all(type(r) is MixCandle for r in rows)
    assert len(MixCandle.__struct_fields__) == 7
    assert rows[1] == MixCandle(
        1695836100000,
        Decimal("26194.5"),
        Decimal("26194.5"),
        Decimal("26171"),
        Decimal("26171"),
        Decimal("17.98"),
        Decimal("470618.72"),
    )


def test_mix_tickers_null_times_are_none_and_strings_are_ints() -> None:
    perp, delivery = decode("GET", "/api/v2/mix/market/tickers")
    assert (perp.symbol, perp.delivery_start_time, perp.delivery_time) == ("BTCUSD", None, None)
    assert (delivery.delivery_start_time, delivery.delivery_time) == (1693538723186, 1703836799000)
    assert perp.index_price == Decimal("29132.353333")
    assert perp.funding_rate == Decimal("-0.0007")


def test_mix_fills_fee_detail_list() -> None:
    fills = decode("GET", "/api/v2/mix/order/fills")
    assert fills.end_id == "123"
    assert fills.fill_list is not None
    (f,) = fills.fill_list
    assert f.fee_detail == [
        MixFillsFillListFeeDetail(
            deduction="yes",
            fee_coin="BGB",
            total_deduction_fee=Decimal("-0.017118519726"),
            total_fee=Decimal("-0.017118519726"),
        )
    ]
    assert f.c_time == 1627293509612
    assert (f.trade_id, f.order_id) == ("123", "121212")


@pytest.mark.parametrize("leverage", ["20", 20, 14, "12.5"])
def test_mix_leverage_decodes_from_string_or_number(leverage: str | int) -> None:
    body = example("GET", "/api/v2/mix/account/account")
    body["data"].update(crossedMarginLeverage=leverage, isolatedLongLever=leverage)
    acc = decode("GET", "/api/v2/mix/account/account", body)
    assert acc.crossed_margin_leverage == Decimal(str(leverage))
    assert acc.isolated_long_lever == Decimal(str(leverage))
    assert acc.isolated_short_lever == Decimal("20")


def test_mix_account_empty_pnl_is_none() -> None:
    acc = decode("GET", "/api/v2/mix/account/account")
    assert acc.unrealized_pl is None  # sent as ""
    assert acc.crossed_unrealized_pl == Decimal("23")
    assert acc.isolated_unrealized_pl == Decimal("0")
    assert acc.available == Decimal("13168.86110692")


@pytest.mark.parametrize("request_time", [1627292199523, "1627292199523"])
def test_request_time_as_number_or_string(request_time: int | str) -> None:
    body = example("GET", "/api/v2/public/time")
    body["requestTime"] = request_time
    assert decode("GET", "/api/v2/public/time", body).server_time == 1688008631614


# -- margin ----------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["crossed", "isolated"])
def test_misspelled_interst_type_is_interest_type(mode: str) -> None:
    page = decode("GET", f"/api/v2/margin/{mode}/interest-history")
    assert page.result_list is not None
    row = page.result_list[0]
    raw = EXAMPLES[("GET", f"/api/v2/margin/{mode}/interest-history")]["data"]["resultList"][0]
    assert raw["interstType"] == "first"
    assert row.interest_type == "first"
    assert not hasattr(row, "interst_type")
    assert row.daily_interest_rate == Decimal(raw["dailyInterestRate"])
    assert row.interest_amount == Decimal(raw["interestAmount"])
    assert row.c_time == int(raw["cTime"]) and type(row.c_time) is int
    assert row.interest_id == raw["interestId"] == "1"


def test_margin_fill_fee_detail_object() -> None:
    page = decode("GET", "/api/v2/margin/crossed/fills")
    assert page.fills is not None
    fee = page.fills[0].fee_detail
    assert type(fee) is MarginCrossedFillFillFeeDetail
    raw = EXAMPLES[("GET", "/api/v2/margin/crossed/fills")]["data"]["fills"][0]["feeDetail"]
    assert msgspec.to_builtins(fee) == {k: str(v) for k, v in raw.items()}


def test_margin_currencies_json_bools_and_decimals() -> None:
    (c,) = decode("GET", "/api/v2/margin/currencies")
    assert (c.is_borrowable, c.is_cross_borrowable) == (True, True)
    assert str(c.warning_risk_ratio) == "0.80000000"
    assert c.price_precision == 4


# -- common ----------------------------------------------------------------------------------
def test_public_time_ms_string_is_int() -> None:
    t = decode("GET", "/api/v2/public/time")
    assert t.server_time == 1688008631614 and type(t.server_time) is int


def test_common_area_sample() -> None:
    (ann, *_) = decode("GET", "/api/v2/public/annoucements")
    raw = EXAMPLES[("GET", "/api/v2/public/annoucements")]["data"][0]
    assert ann.ann_id == raw["annId"]
    assert ann.c_time == int(raw["cTime"])
    rate = decode("GET", "/api/v2/common/trade-rate")
    raw_rate = EXAMPLES[("GET", "/api/v2/common/trade-rate")]["data"]
    assert rate.maker_fee_rate == Decimal(raw_rate["makerFeeRate"])
    assert rate.taker_fee_rate == Decimal(raw_rate["takerFeeRate"])


# -- errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "status", "cls", "code"),
    [
        (b'{"code":"43012","msg":"Insufficient balance","requestTime":1,"data":null}', 200,
         bitget_async.InsufficientBalanceError, "43012"),
        (b'{"code":"40034","msg":"Parameter does not exist","requestTime":1,"data":null}', 400,
         bitget_async.InvalidParameterError, "40034"),
        (b'{"code":40008,"msg":"Request timestamp expired","requestTime":"1"}', 400,
         bitget_async.TimestampError, "40008"),
        (b'{"code":"429","msg":"Too Many Requests","requestTime":1,"data":null}', 429,
         bitget_async.RateLimitError, "429"),
        (b'<html>bad gateway</html>', 502, bitget_async.ServerError, "HTTP502"),
    ],
)
def test_non_success_envelope_raises_typed_error(
    body: bytes, status: int, cls: type[bitget_async.APIError], code: str
) -> None:
    route = find_route("POST", "/api/v2/spot/trade/place-order")
    with pytest.raises(cls) as info:
        route.decode(body, status=status)
    assert type(info.value) is cls
    assert (info.value.code, info.value.http_status) == (code, status)
    assert (info.value.method, info.value.path) == ("POST", "/api/v2/spot/trade/place-order")


def test_success_code_with_data_of_the_wrong_shape_is_a_decode_error() -> None:
    """The message names the route's model (``list[SpotTicker]``), not just ``list``."""
    route = find_route("GET", "/api/v2/spot/market/tickers")
    body = b'{"code":"00000","msg":"success","requestTime":1,"data":{"symbol":"BTCUSDT","lastPr":"1"}}'
    with pytest.raises(bitget_async.ResponseDecodeError) as info:
        route.decode(body)
    assert info.value.body == body
    assert info.value.msg == (
        "response data did not match list[SpotTicker]: Expected `array | null`, got `object` - at `$.data`"
    )


def test_text_where_a_number_belongs_decodes_to_none_not_an_error() -> None:
    """A scalar that is not a number (the accounts doc example shows ``"111,1"``) is no value."""
    route = find_route("GET", "/api/v2/spot/market/tickers")
    body = b'{"code":"00000","msg":"success","requestTime":1,"data":[{"symbol":"BTCUSDT","lastPr":"abc","bidPr":"1.50"}]}'
    (t,) = route.decode(body)
    assert (t.symbol, t.last_pr, t.bid_pr) == ("BTCUSDT", None, Decimal("1.50"))
    (acc,) = decode("GET", "/api/v2/mix/account/accounts")
    assert acc.union_total_margin is None


def test_misspelled_key_is_also_read_under_its_correct_spelling() -> None:
    body = example("GET", "/api/v2/mix/account/accounts")
    row = body["data"][0]
    del row["unionTotalMagin"]
    row["unionTotalMargin"] = "12.5"
    (acc,) = decode("GET", "/api/v2/mix/account/accounts", body)
    assert acc.union_total_margin == Decimal("12.5")


@pytest.mark.parametrize("key", ["ctime", "cTime"])
def test_history_position_time_under_either_spelling(key: str) -> None:
    body = example("GET", "/api/v2/mix/position/history-position")
    row = body["data"]["list"][0]
    del row["ctime"]
    row[key] = "1988824171001"
    page = decode("GET", "/api/v2/mix/position/history-position", body)
    assert page.list_[0].c_time == 1988824171001
    assert page.list_[0].u_time == 1988824171000  # the example's utime


def test_both_spellings_present_the_documented_one_wins() -> None:
    body = example("GET", "/api/v2/mix/position/history-position")
    body["data"]["list"][0]["cTime"] = "5"
    page = decode("GET", "/api/v2/mix/position/history-position", body)
    assert page.list_[0].c_time == 5


def test_list_route_answered_with_null_or_blank_is_empty() -> None:
    route = find_route("GET", "/api/v2/spot/market/tickers")
    for data in (b"null", b'""'):
        assert route.decode(b'{"code":"00000","msg":"success","requestTime":1,"data":' + data + b"}") == []


def test_blank_list_field_is_an_empty_list() -> None:
    body = example("GET", "/api/v2/mix/order/fills")
    body["data"]["fillList"] = None
    assert decode("GET", "/api/v2/mix/order/fills", body).fill_list == []
    body["data"]["fillList"] = ""
    assert decode("GET", "/api/v2/mix/order/fills", body).fill_list == []
    del body["data"]["fillList"]
    assert decode("GET", "/api/v2/mix/order/fills", body).fill_list == []


def test_id_sent_as_a_json_number_is_its_text() -> None:
    route = find_route("POST", "/api/v2/spot/trade/place-order")
    body = b'{"code":"00000","msg":"success","requestTime":1,"data":{"orderId":1234567890123456789,"clientOid":""}}'
    order = route.decode(body)
    assert (order.order_id, order.client_oid) == ("1234567890123456789", None)


def test_required_order_id_blank_is_a_decode_error() -> None:
    route = find_route("POST", "/api/v2/spot/trade/place-order")
    for data in (b'{"orderId":"","clientOid":"x"}', b'{"clientOid":"x"}', b'{"orderId":null}'):
        body = b'{"code":"00000","msg":"success","requestTime":1,"data":' + data + b"}"
        with pytest.raises(bitget_async.ResponseDecodeError) as info:
            route.decode(body)
        assert info.value.body == body
        assert "$.data" in info.value.msg


# -- the answers that broke decoding before (issue: real success bodies that failed) ------------
def test_market_order_detail_with_blank_price() -> None:
    body = example("GET", "/api/v2/mix/order/detail")
    body["data"].update(price="", orderType="market")
    d = decode("GET", "/api/v2/mix/order/detail", body)
    assert d.price is None and d.order_type == "market"
    assert d.size == Decimal(EXAMPLES[("GET", "/api/v2/mix/order/detail")]["data"]["size"])


@pytest.mark.parametrize(
    ("path", "absent", "attr"),
    [
        ("/api/v2/mix/market/tickers", "markPrice", "mark_price"),
        ("/api/v2/spot/public/symbols", "areaSymbol", "area_symbol"),
        ("/api/v2/mix/position/all-position", "breakEvenPrice", "break_even_price"),
        ("/api/v2/mix/market/contracts", "maxMarketOrderQty", "max_market_order_qty"),
        ("/api/v2/spot/trade/unfilled-orders", "presetTakeProfitPrice", "preset_take_profit_price"),
    ],
)
def test_a_field_absent_in_other_account_types_or_versions_is_none(path: str, absent: str, attr: str) -> None:
    body = example("GET", path)
    for row in body["data"]:
        row.pop(absent, None)
    rows = decode("GET", path, body)
    assert rows and all(getattr(r, attr) is None for r in rows)


def test_accounts_without_asset_mode_and_union_available() -> None:
    body = example("GET", "/api/v2/mix/account/accounts")
    for row in body["data"]:
        row.pop("assetMode", None)
        row.pop("unionAvailable", None)
    (acc,) = decode("GET", "/api/v2/mix/account/accounts", body)
    assert (acc.asset_mode, acc.union_available) == (None, None)
    raw = EXAMPLES[("GET", "/api/v2/mix/account/accounts")]["data"][0]
    assert acc.available == Decimal(raw["available"])


def test_coin_chain_without_congestion() -> None:
    body = example("GET", "/api/v2/spot/public/coins")
    del body["data"][0]["chains"][0]["congestion"]
    (coin,) = decode("GET", "/api/v2/spot/public/coins", body)
    assert coin.chains[0].congestion is None and coin.chains[0].withdraw_fee == Decimal("0.005")


def test_history_orders_without_tpsl_type() -> None:
    body = example("GET", "/api/v2/spot/trade/history-orders")
    for row in body["data"]:
        row.pop("tpslType", None)
    rows = decode("GET", "/api/v2/spot/trade/history-orders", body)
    assert rows and all(o.tpsl_type is None for o in rows)


def test_futures_fill_fee_detail_with_null_total_fee() -> None:
    body = example("GET", "/api/v2/mix/order/fills")
    body["data"]["fillList"][0]["feeDetail"][0]["totalFee"] = None
    (f,) = decode("GET", "/api/v2/mix/order/fills", body).fill_list
    assert f.fee_detail[0].total_fee is None
    assert f.fee_detail[0].total_deduction_fee == Decimal("-0.017118519726")


@pytest.mark.parametrize("ts", ["", None])
def test_candle_row_without_its_timestamp_is_a_decode_error(ts: str | None) -> None:
    body = example("GET", "/api/v2/spot/market/candles")
    body["data"][0][0] = ts
    raw = json.dumps(body).encode()
    with pytest.raises(bitget_async.ResponseDecodeError) as info:
        find_route("GET", "/api/v2/spot/market/candles").decode(raw)
    assert info.value.body == raw and "$.data[0][0]" in info.value.msg
