"""Futures on the simulator: positions with exact PnL, fees and margin, one-way and hedge mode,
settings, trigger orders, TP/SL, and Bitget's futures error codes."""

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
    MinimumAmountError,
    OrderNotFoundError,
    PositionNotFoundError,
)
from bitget_async.testing import Simulator

D = Decimal
BTC: dict[str, Any] = {"symbol": "BTCUSDT", "product_type": "USDT-FUTURES", "margin_coin": "USDT"}


def futures_cash(sim: Simulator) -> Decimal:
    return sim.balance("USDT", account_type="usdt_futures")


async def open_long(client: BitgetClient, size: str = "0.1", **extra: Any) -> str:
    placed = await client.mix.order.place_order(
        symbol="BTCUSDT", product_type="USDT-FUTURES", margin_coin="USDT", margin_mode="crossed", size=size,
        side="buy", order_type="market", **extra,
    )
    return placed.order_id


@pytest.mark.anyio
async def test_open_and_close_long_with_exact_pnl_and_fees() -> None:
    sim = Simulator()
    async with sim.client() as client:
        opened = await open_long(client)
        [position] = await client.mix.position.single_position(**BTC)
        cash_after_open = futures_cash(sim)
        sim.set_price("BTCUSDT", "66000")
        [marked] = await client.mix.position.all_position(product_type="USDT-FUTURES")
        account = await client.mix.account.account(**BTC)
        closed = await client.mix.order.place_order(
            symbol="BTCUSDT", product_type="USDT-FUTURES", margin_coin="USDT", margin_mode="crossed", size="0.1",
            side="sell", order_type="market", reduce_only="YES",
        )
        detail = await client.mix.order.detail(symbol="BTCUSDT", product_type="USDT-FUTURES", order_id=closed.order_id)
        history = await client.mix.position.history_position(product_type="USDT-FUTURES", symbol="BTCUSDT")
        fills = await client.mix.order.fills(product_type="USDT-FUTURES", symbol="BTCUSDT")
        assert await client.mix.position.all_position(product_type="USDT-FUTURES") == []
    # 0.1 BTC at 65000, 20x: margin 325, taker fee 0.06 % of 6500 = 3.9.
    assert (position.hold_side, position.total, position.open_price_avg, position.margin_size) == ("long", D("0.1"), D("65000"), D("325"))
    assert (position.leverage, position.pos_mode, position.margin_mode) == (D("20"), "one_way_mode", "crossed")
    assert cash_after_open == D("100000") - D("325") - D("3.9")
    # Mark 66000: +100 unrealized.
    assert (marked.mark_price, marked.unrealized_pl) == (D("66000.00"), D("100.00"))
    assert (account.account_equity, account.unrealized_pl) == (D("100096.10"), D("100.00"))
    # Closing at 66000: +100 PnL, 3.96 fee; margin back.
    assert futures_cash(sim) == D("100000") - D("3.9") + D("100") - D("3.96")
    assert (detail.state, detail.price_avg, detail.total_profits, detail.fee, detail.trade_side) == (
        "filled", D("66000.00"), D("100.00"), D("-3.96"), "reduce_sell_single"
    )
    [closed_position] = history.list_ or []
    assert (closed_position.open_avg_price, closed_position.close_avg_price, closed_position.pnl) == (D("65000"), D("66000"), D("100"))
    assert (closed_position.net_profit, closed_position.open_fee, closed_position.close_fee) == (D("92.14"), D("-3.9"), D("-3.96"))
    assert [(f.order_id, f.profit, f.trade_scope) for f in fills.fill_list or []] == [
        (closed.order_id, D("100.00"), "taker"),
        (opened, D("0"), "taker"),
    ]


@pytest.mark.anyio
async def test_one_way_mode_reverses_through_zero() -> None:
    sim = Simulator()
    async with sim.client() as client:
        await open_long(client, "0.1")
        await client.mix.order.place_order(
            symbol="BTCUSDT", product_type="USDT-FUTURES", margin_coin="USDT", margin_mode="crossed", size="0.3",
            side="sell", order_type="market",
        )
        [short] = await client.mix.position.all_position(product_type="USDT-FUTURES")
    assert (short.hold_side, short.total) == ("short", D("0.2"))


@pytest.mark.anyio
async def test_hedge_mode_holds_both_sides_and_needs_trade_side() -> None:
    sim = Simulator()
    async with sim.client() as client:
        mode = await client.mix.account.set_position_mode(product_type="USDT-FUTURES", pos_mode="hedge_mode")
        common: dict[str, Any] = {**BTC, "margin_mode": "crossed", "size": "0.1", "order_type": "market"}
        await client.mix.order.place_order(**common, side="buy", trade_side="open")
        await client.mix.order.place_order(**common, side="sell", trade_side="open")
        both = await client.mix.position.all_position(product_type="USDT-FUTURES")
        with pytest.raises(APIError) as no_trade_side:
            await client.mix.order.place_order(**common, side="buy")
        with pytest.raises(APIError) as switch_back:
            await client.mix.account.set_position_mode(product_type="USDT-FUTURES", pos_mode="one_way_mode")
        sim.set_price("BTCUSDT", "64000")
        # Hedge mode: ``side`` names the position, so closing the long is buy + close.
        await client.mix.order.place_order(**common, side="buy", trade_side="close")
        [left] = await client.mix.position.all_position(product_type="USDT-FUTURES")
    assert mode.pos_mode == "hedge_mode"
    assert sorted((p.hold_side, p.total) for p in both) == [("long", D("0.1")), ("short", D("0.1"))]
    assert (no_trade_side.value.code, switch_back.value.code) == ("40774", "40920")
    assert (left.hold_side, left.unrealized_pl) == ("short", D("100.00"))
    history = sim.account().closed_positions
    assert [(p.hold_side, p.achieved) for p in history] == [("long", D("-100.00"))]


@pytest.mark.anyio
async def test_futures_error_codes() -> None:
    sim = Simulator()
    async with sim.client() as client:
        with pytest.raises(InsufficientBalanceError) as insufficient:
            await open_long(client, "100")
        with pytest.raises(MinimumAmountError) as minimum:
            await open_long(client, "0.00001")
        with pytest.raises(PositionNotFoundError) as nothing_to_close:
            await client.mix.order.close_positions(product_type="USDT-FUTURES", symbol="BTCUSDT")
        reduce: dict[str, Any] = {
            "symbol": "BTCUSDT", "productType": "USDT-FUTURES", "marginCoin": "USDT", "marginMode": "crossed",
            "side": "sell", "orderType": "market", "reduceOnly": "YES",
        }
        with pytest.raises(PositionNotFoundError) as close_missing:
            await client.request("POST", "/api/v2/mix/order/place-order", body={**reduce, "size": "0.1"})
        await open_long(client, "0.1")
        with pytest.raises(APIError) as close_too_much:
            await client.request("POST", "/api/v2/mix/order/place-order", body={**reduce, "size": "0.2"})
        body = {**reduce, "side": "buy", "reduceOnly": "NO", "size": "0.01", "clientOid": "f-dup"}
        await signed_post(sim, "/api/v2/mix/order/place-order", body)
        duplicate = await signed_post(sim, "/api/v2/mix/order/place-order", body)
        with pytest.raises(OrderNotFoundError) as unknown:
            await client.mix.order.detail(symbol="BTCUSDT", product_type="USDT-FUTURES", order_id="777")
        with pytest.raises(OrderNotFoundError) as cancel_unknown:
            await client.mix.order.cancel_order(symbol="BTCUSDT", product_type="USDT-FUTURES", order_id="777")
        with pytest.raises(APIError) as wrong_coin:
            await client.mix.order.place_order(**{**BTC, "margin_coin": "USDC"}, margin_mode="crossed", size="0.01", side="buy", order_type="market")
    assert (insufficient.value.code, insufficient.value.msg) == ("40762", "The order size is greater than the max open size")
    assert (minimum.value.code, minimum.value.msg) == ("45110", "less than the minimum amount 5 USDT")
    assert (nothing_to_close.value.code, nothing_to_close.value.msg) == ("22002", "No position to close")
    assert close_missing.value.code == "22002"
    assert (close_too_much.value.code, close_too_much.value.msg) == ("40757", "Not enough position is available.")
    assert (duplicate["code"], duplicate["msg"]) == ("40786", "Duplicate clientOid")
    assert (unknown.value.code, unknown.value.msg) == ("40768", "Order does not exist")
    assert cancel_unknown.value.code == "40768"
    assert wrong_coin.value.code == "40778"


@pytest.mark.anyio
async def test_closing_more_than_held_is_not_a_duplicate_client_oid() -> None:
    sim = Simulator()
    async with sim.client() as client:
        await open_long(client, "0.1")
        with pytest.raises(APIError) as info:
            await client.request(
                "POST",
                "/api/v2/mix/order/place-order",
                body={"symbol": "BTCUSDT", "productType": "USDT-FUTURES", "marginCoin": "USDT", "marginMode": "crossed",
                      "side": "sell", "orderType": "market", "reduceOnly": "YES", "size": "0.2"},
            )
    assert not isinstance(info.value, DuplicateClientOidError)


@pytest.mark.anyio
async def test_leverage_margin_mode_and_isolated_margin_adjustment() -> None:
    sim = Simulator()
    async with sim.client() as client:
        switched = await client.mix.account.set_margin_mode(**BTC, margin_mode="isolated")
        lever = await client.mix.account.set_leverage(**BTC, leverage="10", hold_side="long")
        with pytest.raises(APIError) as too_high:
            await client.mix.account.set_leverage(**BTC, leverage="200", hold_side="long")
        await client.mix.order.place_order(**BTC, margin_mode="isolated", size="0.1", side="buy", order_type="market")
        [position] = await client.mix.position.single_position(**BTC)
        with pytest.raises(APIError) as busy:
            await client.mix.account.set_margin_mode(**BTC, margin_mode="crossed")
        await client.mix.account.set_margin(**BTC, hold_side="long", amount="50")
        [topped_up] = await client.mix.position.single_position(**BTC)
        await client.mix.account.set_leverage(**BTC, leverage="5", hold_side="long")
        [relevered] = await client.mix.position.single_position(**BTC)
    assert (switched.margin_mode, lever.long_leverage, lever.short_leverage) == ("isolated", D("10"), D("20"))
    assert (too_high.value.code, busy.value.code) == ("45045", "45117")
    assert (position.margin_mode, position.leverage, position.margin_size) == ("isolated", D("10"), D("650"))
    assert topped_up.margin_size == D("700")
    # 5x on 6500 notional needs 1300 margin: 600 more comes from the account.
    assert (relevered.leverage, relevered.margin_size) == (D("5"), D("1300"))
    assert futures_cash(sim) == D("100000") - D("650") - D("3.9") - D("50") - D("600")


@pytest.mark.anyio
async def test_limit_order_rests_freezes_margin_and_fills_as_maker() -> None:
    sim = Simulator()
    async with sim.client() as client:
        placed = await client.mix.order.place_order(
            **BTC, margin_mode="crossed", size="0.01", side="buy", order_type="limit", price="64800", force="gtc"
        )
        pending = await client.mix.order.orders_pending(product_type="USDT-FUTURES", symbol="BTCUSDT")
        reserved = sim.account().wallet("usdt_futures").locked("USDT")
        sim.advance(300)
        history = await client.mix.order.orders_history(product_type="USDT-FUTURES", symbol="BTCUSDT")
        [position] = await client.mix.position.single_position(**BTC)
    assert [(o.order_id, o.status) for o in pending.entrusted_list or []] == [(placed.order_id, "live")]
    # 648 notional / 20 = 32.4 margin plus a taker-fee reserve of 0.3888.
    assert reserved == D("32.4") + D("0.38880")
    assert [(o.order_id, o.status, o.price_avg) for o in history.entrusted_list or []] == [(placed.order_id, "filled", D("64800"))]
    assert (position.open_price_avg, position.total) == (D("64800"), D("0.01"))
    # Maker fee 0.02 %: 0.1296.
    assert futures_cash(sim) == D("100000") - D("32.4") - D("0.1296")
    assert sim.account().wallet("usdt_futures").locked("USDT") == D("0")


@pytest.mark.anyio
async def test_plan_order_triggers_and_is_listed_in_history() -> None:
    sim = Simulator()
    async with sim.client() as client:
        plan = await client.mix.order.place_plan_order(
            **BTC, plan_type="normal_plan", margin_mode="crossed", size="0.01", trigger_price="65500",
            trigger_type="mark_price", side="buy", order_type="market", client_oid="fp-1",
        )
        pending = await client.mix.order.orders_plan_pending(product_type="USDT-FUTURES", plan_type="normal_plan")
        sim.advance(1300)
        done = await client.mix.order.orders_plan_history(product_type="USDT-FUTURES", plan_type="normal_plan")
        [position] = await client.mix.position.single_position(**BTC)
    assert [(p.order_id, p.client_oid, p.plan_status) for p in pending.entrusted_list or []] == [(plan.order_id, "fp-1", "live")]
    [executed] = done.entrusted_list or []
    assert (executed.order_id, executed.plan_status) == (plan.order_id, "executed")
    order = sim.account().f_orders[executed.execute_order_id]
    assert (order.source, order.status) == ("plan_market", "filled")
    assert order.price_avg >= D("65500")
    assert (position.total, position.open_price_avg) == (D("0.01"), order.price_avg)


@pytest.mark.anyio
async def test_take_profit_fires_and_cancels_the_stop_loss() -> None:
    sim = Simulator()
    async with sim.client() as client:
        await open_long(client, "0.1")
        take_profit = await client.mix.order.place_tpsl_order(
            **BTC, plan_type="profit_plan", trigger_price="66000", trigger_type="mark_price", hold_side="buy", size="0.1"
        )
        [stop] = await client.mix.order.place_pos_tpsl(**BTC, hold_side="buy", stop_loss_trigger_price="64000")
        with pytest.raises(APIError) as wrong_side:
            await client.mix.order.place_tpsl_order(**BTC, plan_type="profit_plan", trigger_price="64000", hold_side="buy", size="0.1")
        listed = await client.mix.order.orders_plan_pending(product_type="USDT-FUTURES", plan_type="profit_loss")
        sim.set_price("BTCUSDT", "66100")
        history = await client.mix.order.orders_plan_history(product_type="USDT-FUTURES", plan_type="profit_loss")
        positions = await client.mix.position.all_position(product_type="USDT-FUTURES")
    assert wrong_side.value.code == "40830"
    assert sorted(p.plan_type for p in listed.entrusted_list or []) == ["pos_loss", "profit_plan"]
    statuses = {p.order_id: p.plan_status for p in history.entrusted_list or []}
    assert statuses == {take_profit.order_id: "executed", stop.order_id: "cancelled"}
    assert positions == []
    [closed] = sim.account().closed_positions
    assert closed.achieved == D("110.00")  # (66100 - 65000) x 0.1


@pytest.mark.anyio
async def test_cancel_all_and_batch_operations() -> None:
    sim = Simulator()
    async with sim.client() as client:
        batch = await client.mix.order.batch_place_order(
            **BTC, margin_mode="crossed",
            order_list=[
                {"size": "0.01", "side": "buy", "order_type": "limit", "price": "60000", "force": "gtc", "client_oid": "m-1"},
                {"size": "0.01", "side": "buy", "order_type": "limit", "price": "61000", "force": "gtc", "client_oid": "m-2"},
                {"size": "500", "side": "buy", "order_type": "limit", "price": "61000", "force": "gtc", "client_oid": "m-3"},
            ],
        )
        cancelled = await client.mix.order.batch_cancel_orders(
            product_type="USDT-FUTURES", symbol="BTCUSDT", order_id_list=[{"client_oid": "m-1"}]
        )
        rest = await client.mix.order.cancel_all_orders(product_type="USDT-FUTURES")
    assert [s.client_oid for s in batch.success_list or []] == ["m-1", "m-2"]
    assert [(f.client_oid, f.error_msg) for f in batch.failure_list or []] == [("m-3", "The order size is greater than the max open size")]
    assert [s.client_oid for s in cancelled.success_list or []] == ["m-1"]
    assert [s.client_oid for s in rest.success_list or []] == ["m-2"]
    assert futures_cash(sim) == D("100000")
