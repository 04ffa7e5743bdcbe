"""Decoding failures and the answers that broke decoding before: typed errors naming the route, real success bodies that now decode."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from models_helpers import EXAMPLES, decode, example

import bitget_async
from bitget_async import find_route


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
