"""Spot trading, plan orders, transfers and margin loans on the simulator: exact balances,
fees, statuses and Bitget's error codes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from helpers import signed_post

from bitget_async import (
    APIError,
    BitgetClient,
    DuplicateClientOidError,
    InsufficientBalanceError,
    InvalidParameterError,
    MinimumAmountError,
    OrderNotFoundError,
    ValidationError,
)
from bitget_async.testing import Simulator

D = Decimal


def frozen(sim: Simulator, coin: str, account_type: str = "spot") -> Decimal:
    return sim.account().wallet(account_type).locked(coin)


# -- spot orders ----------------------------------------------------------------------------
@pytest.mark.anyio
async def test_limit_order_rests_then_fills_when_the_price_path_crosses() -> None:
    sim = Simulator()
    async with sim.client() as client:
        placed = await client.spot.trade.place_order(
            symbol="BTCUSDT", side="buy", order_type="limit", force="gtc", price="64800", size="0.01", client_oid="limit-1"
        )
        assert (placed.client_oid, sim.balance("USDT"), frozen(sim, "USDT")) == ("limit-1", D("99352.00"), D("648.00"))
        unfilled = await client.spot.trade.unfilled_orders(symbol="BTCUSDT")
        assert [(o.order_id, o.status, o.price_avg, o.size) for o in unfilled] == [(placed.order_id, "live", D("64800"), D("0.01"))]
        sim.advance(1)  # the path stays above 64800 for the first 258 s
        assert (await client.spot.trade.order_info(order_id=placed.order_id))[0].status == "live"
        sim.advance(299)
        info = (await client.spot.trade.order_info(client_oid="limit-1"))[0]
        fills = await client.spot.trade.fills(symbol="BTCUSDT")
        history = await client.spot.trade.history_orders(symbol="BTCUSDT")
        assert await client.spot.trade.unfilled_orders(symbol="BTCUSDT") == []
    assert (info.status, info.price_avg, info.base_volume, info.quote_volume) == ("filled", D("64800"), D("0.01"), D("648.00"))
    assert info.fee_detail == {
        "newFees": {"c": 0, "d": 0, "deduction": False, "r": D("-0.00001"), "t": D("-0.00001"), "totalDeductionFee": 0},
        "BTC": {"deduction": False, "feeCoinCode": "BTC", "totalDeductionFee": 0, "totalFee": D("-0.00001")},
    }
    [fill] = fills
    assert (fill.order_id, fill.trade_scope, fill.price_avg, fill.size, fill.amount) == (placed.order_id, "maker", D("64800"), D("0.01"), D("648.00"))
    assert fill.fee_detail is not None
    assert (fill.fee_detail.fee_coin, fill.fee_detail.total_fee) == ("BTC", D("-0.00001"))
    assert [o.order_id for o in history] == [placed.order_id]
    assert (sim.balance("BTC"), sim.balance("USDT"), frozen(sim, "USDT")) == (D("1.00999"), D("99352.00"), D("0"))


@pytest.mark.anyio
async def test_market_orders_fill_at_once_with_fee_in_received_coin() -> None:
    sim = Simulator()
    async with sim.client() as client:
        bought = await client.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="market", force="gtc", size="100")
        sold = await client.spot.trade.place_order(symbol="ETHUSDT", side="sell", order_type="market", force="gtc", size="2")
        buy, sell = (await client.spot.trade.order_info(order_id=bought.order_id))[0], (await client.spot.trade.order_info(order_id=sold.order_id))[0]
        bills = await client.spot.account.bills(coin="USDT")
    # 100 USDT at 65000: 0.001538 BTC (6 decimals), costing 99.97; 0.1 % fee taken in BTC.
    assert (buy.status, buy.base_volume, buy.quote_volume, buy.order_source) == ("filled", D("0.001538"), D("99.97"), "market")
    assert sim.balance("BTC") == D("1.001536462")
    # 2 ETH at 3400 = 6800 USDT, 0.1 % fee (6.8 USDT) taken in USDT.
    assert (sell.base_volume, sell.quote_volume) == (D("2"), D("6800.00"))
    assert sim.balance("ETH") == D("8")
    assert sim.balance("USDT") == D("100000") - D("99.97") + D("6800.00") - D("6.8")
    assert [(b.business_type, b.size, b.fees) for b in bills] == [("SELL", D("6793.2"), D("-6.8")), ("BUY", D("-99.97"), D("0"))]


@pytest.mark.anyio
async def test_marketable_limit_takes_post_only_and_ioc_cancel() -> None:
    sim = Simulator()
    async with sim.client() as client:
        taker = await client.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="limit", force="gtc", price="66000", size="0.01")
        maker_only = await client.spot.trade.place_order(
            symbol="BTCUSDT", side="buy", order_type="limit", force="post_only", price="66000", size="0.01"
        )
        ioc = await client.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="limit", force="ioc", price="60000", size="0.01")
        rows = {o.order_id: o for o in await client.spot.trade.history_orders(symbol="BTCUSDT")}
        fills = await client.spot.trade.fills(symbol="BTCUSDT")
    # Crossing limit fills at the market (65000, not its 66000 limit) as a taker.
    assert (rows[taker.order_id].status, rows[taker.order_id].price_avg) == ("filled", D("65000.00"))
    assert [f.trade_scope for f in fills] == ["taker"]
    assert (rows[maker_only.order_id].status, rows[maker_only.order_id].cancel_reason) == ("cancelled", "normal_cancel")
    assert rows[ioc.order_id].status == "cancelled"
    assert (sim.balance("USDT"), frozen(sim, "USDT")) == (D("100000") - D("650.0000"), D("0"))


@pytest.mark.anyio
async def test_cancel_releases_funds_and_unknown_order_is_43001() -> None:
    sim = Simulator()
    async with sim.client() as client:
        placed = await client.spot.trade.place_order(symbol="BTCUSDT", side="sell", order_type="limit", force="gtc", price="70000", size="0.5")
        assert (sim.balance("BTC"), frozen(sim, "BTC")) == (D("0.5"), D("0.5"))
        cancelled = await client.spot.trade.cancel_order(symbol="BTCUSDT", order_id=placed.order_id)
        with pytest.raises(OrderNotFoundError) as again:
            await client.spot.trade.cancel_order(symbol="BTCUSDT", order_id=placed.order_id)
        with pytest.raises(OrderNotFoundError) as unknown:
            await client.spot.trade.order_info(order_id="12345")
    assert cancelled.order_id == placed.order_id
    assert (sim.balance("BTC"), frozen(sim, "BTC")) == (D("1"), D("0"))
    assert (again.value.code, again.value.msg) == ("43001", "The order does not exist")
    assert unknown.value.code == "43001"


@pytest.mark.anyio
async def test_batch_place_and_batch_cancel_report_per_item() -> None:
    sim = Simulator()
    async with sim.client() as client:
        placed = await client.spot.trade.batch_orders(
            symbol="BTCUSDT",
            order_list=[
                {"side": "buy", "order_type": "limit", "force": "gtc", "price": "60000", "size": "0.01", "client_oid": "b-1"},
                {"side": "buy", "order_type": "limit", "force": "gtc", "price": "60000", "size": "0.00001", "client_oid": "b-2"},
                {"side": "sell", "order_type": "limit", "force": "gtc", "price": "70000", "size": "0.02", "client_oid": "b-3"},
            ],
        )
        cancelled = await client.spot.trade.batch_cancel_order(
            symbol="BTCUSDT", order_list=[{"client_oid": "b-1"}, {"client_oid": "b-3"}, {"order_id": "1"}]
        )
    assert [s.client_oid for s in placed.success_list or []] == ["b-1", "b-3"]
    [failure] = placed.failure_list or []
    assert (failure.client_oid, failure.error_msg) == ("b-2", "less than the minimum amount 1 USDT")
    assert [s.client_oid for s in cancelled.success_list or []] == ["b-1", "b-3"]
    assert [(f.order_id, f.error_msg) for f in cancelled.failure_list or []] == [("1", "The order does not exist")]
    assert all(not o.is_open for o in sim.account().orders.values())


@pytest.mark.anyio
async def test_spot_error_codes() -> None:
    sim = Simulator()
    async with sim.client() as client:
        with pytest.raises(InsufficientBalanceError) as insufficient:
            await client.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="limit", force="gtc", price="65000", size="2")
        with pytest.raises(MinimumAmountError) as minimum:
            await client.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="market", force="gtc", size="0.5")
        with pytest.raises(InvalidParameterError) as precision:
            await client.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="limit", force="gtc", price="64000.001", size="0.01")
        body = {"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "force": "gtc", "price": "60000", "size": "0.01", "clientOid": "dup"}
        first = await signed_post(sim, "/api/v2/spot/trade/place-order", body)
        duplicate = await signed_post(sim, "/api/v2/spot/trade/place-order", body)
        # A clientOid the caller reuses is the caller's error on the first attempt, even for the
        # same order: nothing this call sent can have placed it.
        with pytest.raises(DuplicateClientOidError) as reused:
            await client.spot.trade.place_order(
                symbol="BTCUSDT", side="buy", order_type="limit", force="gtc", price="60000", size="0.01", client_oid="dup"
            )
    assert (insufficient.value.code, insufficient.value.msg) == ("43012", "Insufficient balance")
    assert (minimum.value.code, minimum.value.msg) == ("45110", "less than the minimum amount 1 USDT")
    assert (precision.value.code, precision.value.msg) == (
        "40808",
        "Parameter verification exception price checkBDScale error value=64000.001 checkScale=2",
    )
    assert (duplicate["code"], duplicate["msg"], duplicate["data"]) == ("43118", "clientOrderId duplicate", None)
    assert (reused.value.code, reused.value.client_oid) == ("43118", "dup")
    assert first["code"] == "00000"
    assert [o.client_oid for o in sim.account().orders.values()] == ["dup"]


# -- plan orders ----------------------------------------------------------------------------
async def _fill_price_plan(client: BitgetClient, symbol: str, side: str, trigger: str, order_type: str, size: str,
                           **more: str) -> Any:
    """A spot plan order triggered by the last fill price, the kind these tests walk the path through."""
    return await client.spot.trade.place_plan_order(
        symbol=symbol, side=side, trigger_price=trigger, order_type=order_type, size=size, trigger_type="fill_price", **more
    )


@pytest.mark.anyio
async def test_spot_plan_order_triggers_when_the_path_rises_through_it() -> None:
    sim = Simulator()
    async with sim.client() as client:
        plan = await _fill_price_plan(client, "BTCUSDT", "buy", "65500", "market", "100", plan_type="total", client_oid="plan-1")
        live = await client.spot.trade.current_plan_order(symbol="BTCUSDT")
        sim.advance(1290)  # first at >= 65500 after 1295 s
        assert [o.status for o in (await client.spot.trade.current_plan_order(symbol="BTCUSDT")).order_list or []] == ["live"]
        sim.advance(10)
        current = await client.spot.trade.current_plan_order(symbol="BTCUSDT")
        done = await client.spot.trade.history_plan_order(symbol="BTCUSDT")
        [sub] = await client.spot.trade.plan_sub_order(plan_order_id=plan.order_id)
        order = (await client.spot.trade.order_info(order_id=sub.order_id))[0]
    assert [(o.order_id, o.status, o.trigger_price) for o in live.order_list or []] == [(plan.order_id, "live", D("65500"))]
    assert current.order_list == []
    assert [(o.order_id, o.status) for o in done.order_list or []] == [(plan.order_id, "executed")]
    assert (sub.status, sub.type_) == ("success", "market")
    assert order.price_avg >= D("65500") and order.order_source == "plan"
    qty = (D("100") / order.price_avg).quantize(D("0.000001"), rounding="ROUND_DOWN")
    assert sim.balance("BTC") == D("1") + qty - qty * D("0.001")


@pytest.mark.anyio
async def test_spot_plan_limit_fires_on_a_price_jump_and_plan_errors() -> None:
    sim = Simulator()
    async with sim.client() as client:
        plan = await _fill_price_plan(client, "BTCUSDT", "sell", "60000", "limit", "0.1", execute_price="59990")
        other = await _fill_price_plan(client, "ETHUSDT", "buy", "3000", "market", "10")
        moved = await client.spot.trade.modify_plan_order(
            order_id=other.order_id, trigger_price="3100", order_type="market", size="20"
        )
        cancelled = await client.spot.trade.cancel_plan_order(order_id=other.order_id)
        with pytest.raises(APIError) as closed:
            await client.spot.trade.cancel_plan_order(order_id=other.order_id)
        with pytest.raises(OrderNotFoundError) as missing:
            await client.spot.trade.cancel_plan_order(order_id="42")
        sim.set_price("BTCUSDT", "59999")
        [sub] = await client.spot.trade.plan_sub_order(plan_order_id=plan.order_id)
    assert moved.order_id == other.order_id and cancelled.result == "success"
    assert (closed.value.code, missing.value.code) == ("43026", "43025")
    # The limit sell at 59990 is marketable at 59999: it fills at the market as a taker.
    order = sim.account().orders[sub.order_id]
    assert (order.status, order.price_avg, order.quote_volume, order.fee) == ("filled", D("59999.00"), D("5999.900"), D("5.9999000"))
    assert sim.balance("USDT") == D("100000") + D("5999.900") - D("5.9999000")
    assert sim.account().plans[plan.order_id].status == "executed"


# -- transfers ------------------------------------------------------------------------------
@pytest.mark.anyio
async def test_transfers_move_balances_and_are_recorded() -> None:
    sim = Simulator()
    async with sim.client() as client:
        done = await client.spot.wallet.transfer(from_type="spot", to_type="usdt_futures", amount="1000", coin="USDT", client_oid="t-1")
        await client.spot.wallet.transfer(from_type="spot", to_type="isolated_margin", amount="0.5", coin="BTC", symbol="BTCUSDT")
        records = await client.spot.account.transfer_records(coin="USDT")
        with pytest.raises(InsufficientBalanceError) as insufficient:
            await client.spot.wallet.transfer(from_type="spot", to_type="p2p", amount="1000000", coin="USDT")
        with pytest.raises(ValidationError):  # the typed method checks the condition before any I/O
            await client.spot.wallet.transfer(from_type="spot", to_type="isolated_margin", amount="1", coin="USDT")
        with pytest.raises(InvalidParameterError) as no_symbol:  # and so does the simulator, for raw calls
            await client.request(
                "POST", "/api/v2/spot/wallet/transfer",
                body={"fromType": "spot", "toType": "isolated_margin", "amount": "1", "coin": "USDT"},
            )
        with pytest.raises(APIError) as wrong_coin:
            await client.spot.wallet.transfer(from_type="spot", to_type="usdt_futures", amount="0.1", coin="BTC")
        with pytest.raises(APIError) as duplicate:
            await client.spot.wallet.transfer(from_type="spot", to_type="usdt_futures", amount="1", coin="USDT", client_oid="t-1")
        coins = await client.spot.wallet.transfer_coin_info(from_type="spot", to_type="usdt_futures")
        bills = await client.spot.account.bills(coin="USDT", group_type="transfer")
    assert done.client_oid == "t-1"
    assert sim.balance("USDT") == D("99000")
    assert sim.balance("USDT", account_type="usdt_futures") == D("101000")
    assert sim.balance("BTC", account_type="isolated_margin:BTCUSDT") == D("0.5")
    assert [(r.transfer_id, r.from_type, r.to_type, r.size, r.status, r.client_oid) for r in records] == [
        (done.transfer_id, "spot", "usdt_futures", D("1000"), "Successful", "t-1")
    ]
    assert (insufficient.value.code, no_symbol.value.code, wrong_coin.value.code, duplicate.value.code) == ("43012", "40019", "43129", "43118")
    assert coins == ["USDT"]
    assert [(b.business_type, b.size, b.balance) for b in bills] == [("TRANSFER_OUT", D("-1000"), D("99000"))]


# -- margin ---------------------------------------------------------------------------------
@pytest.mark.anyio
async def test_cross_margin_borrow_interest_and_repay() -> None:
    sim = Simulator()
    async with sim.client() as client:
        await client.spot.wallet.transfer(from_type="spot", to_type="crossed_margin", amount="1000", coin="USDT")
        limit = await client.margin.crossed.account.max_borrowable_amount(coin="USDT")
        loan = await client.margin.crossed.account.borrow(coin="USDT", borrow_amount="500", client_oid="loan-1")
        with pytest.raises(APIError) as too_much:
            await client.margin.crossed.account.borrow(coin="USDT", borrow_amount="5000")
        [asset] = await client.margin.crossed.account.assets(coin="USDT")
        sim.advance(3 * 3600)  # three hourly charges
        start = sim.now_ms() - 86_400_000
        interest = await client.margin.crossed.interest_history(coin="USDT", start_time=start)
        with pytest.raises(APIError) as over_available:
            await client.margin.crossed.account.repay(coin="USDT", repay_amount="2000")
        partial = await client.margin.crossed.account.repay(coin="USDT", repay_amount="100")
        rest = await client.margin.crossed.account.repay(coin="USDT", repay_amount="1000")
        with pytest.raises(APIError) as nothing_owed:
            await client.margin.crossed.account.repay(coin="USDT", repay_amount="1")
        repays = await client.margin.crossed.repay_history(coin="USDT", start_time=start)
        loans = await client.margin.crossed.borrow_history(coin="USDT", start_time=start)
    assert limit.max_borrowable_amount == D("2000")  # 3x leverage: equity 1000 x (3 - 1)
    assert (loan.coin, loan.borrow_amount) == ("USDT", D("500"))
    assert (too_much.value.code, too_much.value.msg) == ("50035", "The maximum borrowing amount is exceeded")
    # First hour charged when borrowing: 500 x 0.03 % / 24 = 0.00625.
    assert (asset.available, asset.borrow, asset.interest, asset.net) == (D("1500"), D("500"), D("0.00625"), D("999.99375"))
    assert [(r.interest_type, r.interest_amount) for r in interest.result_list or []] == [
        ("scheduled", D("0.00625")), ("scheduled", D("0.00625")), ("scheduled", D("0.00625")), ("first", D("0.00625"))
    ]
    assert over_available.value.code == "50041"
    # Interest (0.025) is paid before principal.
    assert (partial.repay_amount, partial.remain_debt_amount) == (D("100"), D("400.025"))
    assert (rest.repay_amount, rest.remain_debt_amount) == (D("400.025"), D("0"))
    assert nothing_owed.value.code == "50040"
    assert [(r.repay_interest, r.repay_principal) for r in repays.result_list or []] == [(D("0"), D("400.025")), (D("0.025"), D("99.975"))]
    assert [(r.loan_id, r.borrow_amount, r.borrow_type) for r in loans.result_list or []] == [(loan.loan_id, D("500"), "manual_loan")]
    assert sim.balance("USDT", account_type="crossed_margin") == D("1500") - D("500.025")


@pytest.mark.anyio
async def test_isolated_margin_loan_limits_and_coin_checks() -> None:
    sim = Simulator()
    async with sim.client() as client:
        await client.spot.wallet.transfer(from_type="spot", to_type="isolated_margin", amount="1000", coin="USDT", symbol="BTCUSDT")
        limits = await client.margin.isolated.account.max_borrowable_amount(symbol="BTCUSDT")
        loan = await client.margin.isolated.account.borrow(symbol="BTCUSDT", coin="BTC", borrow_amount="0.01")
        with pytest.raises(APIError) as wrong_coin:
            await client.margin.isolated.account.borrow(symbol="BTCUSDT", coin="ETH", borrow_amount="1")
        assets = await client.margin.isolated.account.assets(symbol="BTCUSDT")
        repaid = await client.margin.isolated.account.repay(symbol="BTCUSDT", coin="BTC", repay_amount="0.01")
    # 5x: equity 1000 USDT x 4 = 4000 USDT of room, 4000 / 65000 BTC.
    assert (limits.base_coin_max_borrow_amount, limits.quote_coin_max_borrow_amount) == (D("0.06153846"), D("4000"))
    assert (loan.symbol, loan.coin, loan.borrow_amount) == ("BTCUSDT", "BTC", D("0.01"))
    assert (wrong_coin.value.code, wrong_coin.value.msg) == ("50039", "The currency and the trading pair do not match")
    # First hour: 0.01 x 0.01 % / 24 = 0.0000000416..., rounded up to 8 decimals.
    assert {(a.coin, a.borrow, a.interest) for a in assets} == {("BTC", D("0.01"), D("5E-8")), ("USDT", D("0"), D("0"))}
    # 0.01 BTC repaid: the interest goes first, so 0.00000005 BTC of principal remains.
    assert repaid.remain_debt_amount == D("5E-8")


@pytest.mark.anyio
async def test_margin_orders_auto_loan_and_history() -> None:
    sim = Simulator()
    async with sim.client() as client:
        await client.spot.wallet.transfer(from_type="spot", to_type="crossed_margin", amount="1000", coin="USDT")
        bought = await client.margin.crossed.place_order(
            symbol="BTCUSDT", order_type="market", loan_type="autoLoan", force="gtc", quote_size="1500", side="buy"
        )
        resting = await client.margin.crossed.place_order(
            symbol="BTCUSDT", order_type="limit", price="70000", loan_type="normal", force="gtc", base_size="0.001", side="sell"
        )
        start = sim.now_ms() - 60_000
        open_orders = await client.margin.crossed.open_orders(symbol="BTCUSDT", start_time=start)
        await client.margin.crossed.cancel_order(symbol="BTCUSDT", order_id=resting.order_id)
        history = await client.margin.crossed.history_orders(symbol="BTCUSDT", start_time=start)
        fills = await client.margin.crossed.fills(symbol="BTCUSDT", start_time=start)
        [asset] = await client.margin.crossed.account.assets(coin="USDT")
    assert [o.order_id for o in open_orders.order_list or []] == [resting.order_id]
    assert {(o.order_id, o.status) for o in history.order_list or []} == {(bought.order_id, "filled"), (resting.order_id, "cancelled")}
    [fill] = fills.fills or []
    # 1500 USDT at 65000 = 0.023076 BTC for 1499.94; the 500 USDT shortfall was borrowed first.
    assert (fill.size, fill.amount) == (D("0.023076"), D("1499.94"))
    assert (asset.borrow, asset.available) == (D("500"), D("0.06"))
    assert sim.balance("BTC", account_type="crossed_margin") == D("0.023076") - D("0.000023076")
