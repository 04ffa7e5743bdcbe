"""Decoded models for futures, margin and the common routes: exact values from the documented examples."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest
from models_helpers import EXAMPLES, decode, example

from bitget_async.models import (
    MarginCrossedFillFillFeeDetail,
    MixCandle,
    MixFillsFillListFeeDetail,
)


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
