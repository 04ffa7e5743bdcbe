"""USDT-M and USDC-M perpetual futures: settings, orders, positions, trigger orders and TP/SL.

Linear contracts only: PnL = (exit - entry) x size for longs (reversed for shorts), margin =
notional / leverage, fees on notional (maker 0.02 %, taker 0.06 %).  The mark price is the
market price.  In one-way mode a buy first reduces a short and opens a long with the rest;
in hedge mode ``side`` names the position (buy = long) and ``tradeSide`` says open or close,
as in Bitget's v2 API.  Not simulated: liquidation, funding fees, partial fills.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ._catalog import CONTRACTS, PRODUCT_WALLET, Contract, contract
from ._spot import check_scale, wallet_value
from ._state import (
    Account,
    Ctx,
    Exchange,
    FuturesBill,
    FuturesFill,
    FuturesOrder,
    FuturesPlan,
    Handler,
    Position,
)
from ._wire import D0, Params, SimError, fmt, page, quant

__all__ = ["HANDLERS", "futures_equity", "match", "place_order"]

INSUFFICIENT = ("40762", "The order size is greater than the max open size")
NO_POSITION = ("22002", "No position to close")
NOT_ENOUGH_POSITION = ("40757", "Not enough position is available.")
NOT_FOUND = ("40768", "Order does not exist")
PLAN_NOT_FOUND = ("43025", "Plan order does not exist")
DUPLICATE = ("40786", "Duplicate clientOid")
Leg = tuple[str, str, Decimal]


def _wallet_key(c: Contract) -> str:
    return PRODUCT_WALLET[c.product]


def _hold(side: str) -> str:
    return "long" if side in ("buy", "long") else "short"


def _busy(acct: Account, c: Contract) -> bool:
    """Positions or open orders on the contract (settings may not change then)."""
    return any(p.symbol == c.symbol and p.product == c.product for p in acct.positions.values()) or any(
        o.symbol == c.symbol and o.product == c.product for o in acct.open_futures_orders()
    )


def _legs(acct: Account, c: Contract, pos_mode: str, side: str, trade_side: str, reduce_only: bool, size: Decimal) -> list[Leg]:
    if pos_mode == "hedge_mode":
        if trade_side not in ("open", "close"):
            raise SimError("40774", "The order type for unilateral position must also be the unilateral position type.")
        hold = _hold(side)
        if trade_side == "close":
            _check_closable(acct.positions.get((c.product, c.symbol, hold)), size)
        return [(hold, trade_side, size)]
    opposite = "short" if side == "buy" else "long"
    held = acct.positions.get((c.product, c.symbol, opposite))
    if reduce_only:
        _check_closable(held, size)
        return [(opposite, "close", size)]
    closing = min(size, held.available) if held is not None else D0
    legs: list[Leg] = [(opposite, "close", closing)] if closing > 0 else []
    if size > closing:
        legs.append((_hold(side), "open", size - closing))
    return legs


def _check_closable(position: Position | None, size: Decimal) -> None:
    if position is None or position.available <= 0:
        raise SimError(*NO_POSITION)
    if size > position.available:
        raise SimError(*NOT_ENOUGH_POSITION)


def place_order(
    ex: Exchange,
    acct: Account,
    *,
    product: str,
    symbol: str,
    margin_coin: str,
    margin_mode: str,
    side: str,
    trade_side: str,
    order_type: str,
    force: str,
    price: Decimal | None,
    size: Decimal,
    client_oid: str,
    reduce_only: bool,
    now: int,
    source: str = "normal",
    preset_tp: Decimal | None = None,
    preset_sl: Decimal | None = None,
) -> FuturesOrder:
    c = contract(product, symbol)
    if margin_coin.upper() != c.margin_coin:
        raise SimError("40778", f"Coin pair {c.symbol} does not support {margin_coin} currency as margin")
    if size <= 0:
        raise SimError("40020", "Parameter size error")
    check_scale("size", size, c.inst.qty_scale)
    if order_type == "limit":
        if price is None or price <= 0:
            raise SimError("40019", "Parameter price cannot be empty")
        check_scale("price", price, c.inst.price_scale)
    if client_oid and acct.find_client_oid("futures", client_oid) is not None:
        raise SimError(*DUPLICATE)
    settings = acct.contract_settings(c.product, c.symbol)
    if margin_mode and margin_mode != settings.margin_mode:
        if _busy(acct, c):
            raise SimError("45117", "Currently holding positions or orders, the margin mode cannot be adjusted")
        settings.margin_mode = margin_mode
    pos_mode = acct.position_mode(c.product)
    legs = _legs(acct, c, pos_mode, side, trade_side, reduce_only, size)
    current = ex.price(c)
    px = price if order_type == "limit" and price is not None else current
    opening = sum((q for _, action, q in legs if action == "open"), D0)
    if opening and opening * px < c.min_notional:
        raise SimError("45110", f"less than the minimum amount {fmt(c.min_notional)} USDT")
    reserve = D0
    for hold, action, q in legs:
        if action == "open":
            reserve += quant(q * px / settings.leverage(hold), 8, up=True) + q * px * c.taker_fee
    wallet = acct.wallet(_wallet_key(c))
    wallet.freeze(c.margin_coin, reserve, INSUFFICIENT)
    for hold, action, q in legs:
        if action == "close":
            acct.positions[(c.product, c.symbol, hold)].locked += q
    hold_side = legs[-1][0] if legs else _hold(side)
    order = FuturesOrder(
        order_id=ex.ids.next(),
        client_oid=client_oid,
        product=c.product,
        symbol=c.symbol,
        margin_coin=c.margin_coin,
        margin_mode=settings.margin_mode,
        pos_mode=pos_mode,
        side=side,
        trade_side=trade_side if pos_mode == "hedge_mode" else f"{'reduce_' if reduce_only else ''}{side}_single",
        pos_side=hold_side if pos_mode == "hedge_mode" else "net",
        order_type=order_type,
        force=force or "gtc",
        price=price if order_type == "limit" and price is not None else D0,
        size=size,
        reduce_only=reduce_only,
        leverage=settings.leverage(hold_side),
        c_time=now,
        u_time=now,
        frozen_margin=reserve,
        locked_close=sum((q for _, action, q in legs if action == "close"), D0),
        source="market" if order_type == "market" and source == "normal" else source,
        preset_tp=preset_tp or D0,
        preset_sl=preset_sl or D0,
        legs=tuple(legs),
    )
    if client_oid:
        acct.claim_client_oid("futures", client_oid, order.order_id, DUPLICATE)
    acct.add_futures_order(order)
    if order_type == "market":
        _fill(ex, acct, order, current, "taker", now)
    elif _crosses(order, current):
        if order.force == "post_only":
            cancel_order(acct, order, now)
        else:
            _fill(ex, acct, order, current, "taker", now)
    elif order.force in ("ioc", "fok"):
        cancel_order(acct, order, now)
    return order


def _buys(order: FuturesOrder) -> bool:
    """Does filling this order buy the contract?  (Hedge-mode closes trade against ``side``.)"""
    if order.pos_mode == "hedge_mode" and order.trade_side == "close":
        return order.side == "sell"
    return order.side == "buy"


def _crosses(order: FuturesOrder, current: Decimal) -> bool:
    return order.price >= current if _buys(order) else order.price <= current


def _fill(ex: Exchange, acct: Account, order: FuturesOrder, px: Decimal, scope: str, now: int) -> None:
    c = contract(order.product, order.symbol)
    wallet = acct.wallet(_wallet_key(c))
    rate = c.taker_fee if scope == "taker" else c.maker_fee
    settings = acct.contract_settings(c.product, c.symbol)
    wallet.unfreeze(c.margin_coin, order.frozen_margin)
    order.frozen_margin = D0
    total_fee = profit = filled = D0
    for hold, action, q in order.legs:
        key = (c.product, c.symbol, hold)
        notional = q * px
        fee = notional * rate
        if action == "close":
            position = acct.positions.get(key)
            if position is None:
                continue
            q = min(q, position.size)
            notional, fee = q * px, q * px * rate
            position.locked -= min(q, position.locked)
            pnl = (px - position.avg_price) * q if hold == "long" else (position.avg_price - px) * q
            released = position.margin if q == position.size else quant(position.margin * q / position.size, 8)
            wallet.credit(c.margin_coin, released + pnl - fee)
            position.size -= q
            position.margin -= released
            position.achieved += pnl
            position.close_total += q
            position.close_value += notional
            position.close_fee += fee
            position.u_time = now
            profit += pnl
            _futures_bill(ex, acct, c, f"close_{hold}", pnl, fee, now)
            if position.size == 0:
                _close_position(acct, position, now)
        else:
            leverage = settings.leverage(hold)
            margin = quant(notional / leverage, 8, up=True)
            wallet.debit(c.margin_coin, margin + fee, INSUFFICIENT)
            position = acct.positions.get(key)
            if position is None:
                position = acct.positions[key] = Position(
                    position_id=ex.ids.next(), product=c.product, symbol=c.symbol, margin_coin=c.margin_coin,
                    hold_side=hold, margin_mode=settings.margin_mode, pos_mode=order.pos_mode, leverage=leverage,
                    c_time=now, u_time=now,
                )
            position.avg_price = quant((position.avg_price * position.size + notional) / (position.size + q), 8)
            position.size += q
            position.margin += margin
            position.open_total += q
            position.open_fee += fee
            position.u_time = now
            _futures_bill(ex, acct, c, f"open_{hold}", D0, fee, now)
            for plan_type, trigger in (("profit_plan", order.preset_tp), ("loss_plan", order.preset_sl)):
                if trigger:
                    _new_tpsl(ex, acct, c, plan_type, hold, trigger, q, D0, "", now)
        total_fee += fee
        filled += q
    order.status = "filled"
    order.base_volume, order.price_avg, order.fee, order.profit, order.u_time = filled, px, total_fee, profit, now
    acct.f_fills.append(
        FuturesFill(
            ex.ids.next(), order.order_id, c.product, c.symbol, c.margin_coin, order.side, order.trade_side,
            order.pos_mode, px, filled, total_fee, profit, scope, now,
        )
    )


def _close_position(acct: Account, position: Position, now: int) -> None:
    del acct.positions[(position.product, position.symbol, position.hold_side)]
    acct.closed_positions.append(position)
    for plan in acct.live_futures_plans():
        if (
            plan.is_tpsl
            and plan.symbol == position.symbol
            and plan.product == position.product
            and plan.hold_side == position.hold_side
        ):
            plan.status, plan.u_time = "cancelled", now


def _futures_bill(ex: Exchange, acct: Account, c: Contract, business: str, amount: Decimal, fee: Decimal, now: int) -> None:
    balance = acct.wallet(_wallet_key(c)).free(c.margin_coin)
    acct.f_bills.append(FuturesBill(ex.ids.next(), c.product, c.symbol, c.margin_coin, business, amount, -fee, balance, now))


def cancel_order(acct: Account, order: FuturesOrder, now: int) -> None:
    c = contract(order.product, order.symbol)
    acct.wallet(_wallet_key(c)).unfreeze(c.margin_coin, order.frozen_margin)
    for hold, action, q in order.legs:
        position = acct.positions.get((c.product, c.symbol, hold))
        if action == "close" and position is not None:
            position.locked -= min(q, position.locked)
    order.frozen_margin = D0
    order.status = "canceled"
    order.cancel_reason = "normal_cancel"
    order.u_time = now


def match(ex: Exchange, acct: Account, c: Contract, low: Decimal, high: Decimal, now: int) -> None:
    """Fire trigger orders and TP/SL, then fill resting limits the path reached."""
    for plan in [p for p in acct.live_futures_plans() if p.symbol == c.symbol and p.product == c.product]:
        if (plan.direction == "up" and high >= plan.trigger_price) or (plan.direction == "down" and low <= plan.trigger_price):
            _execute_plan(ex, acct, plan, now)
    for order in [o for o in acct.open_futures_orders() if o.symbol == c.symbol and o.product == c.product]:
        if order.order_type != "limit":
            continue
        reached = low <= order.price if _buys(order) else high >= order.price
        if reached:
            try:
                _fill(ex, acct, order, order.price, "maker", now)
            except SimError:
                cancel_order(acct, order, now)


def _execute_plan(ex: Exchange, acct: Account, plan: FuturesPlan, now: int) -> None:
    plan.u_time = now
    order_type = "limit" if plan.price > 0 else "market"
    try:
        if plan.is_tpsl:
            position = acct.positions.get((plan.product, plan.symbol, plan.hold_side))
            if position is None or position.available <= 0:
                plan.status = "cancelled"
                return
            size = position.available if plan.size == 0 else min(plan.size, position.available)
            hedge = plan.pos_mode == "hedge_mode"
            side = ("buy" if plan.hold_side == "long" else "sell") if hedge else ("sell" if plan.hold_side == "long" else "buy")
            order = place_order(
                ex, acct, product=plan.product, symbol=plan.symbol, margin_coin=plan.margin_coin, margin_mode="",
                side=side, trade_side="close" if hedge else "", order_type=order_type, force="gtc",
                price=plan.price or None, size=size, client_oid="", reduce_only=not hedge, now=now,
                source=f"{'profit' if 'profit' in plan.plan_type else 'loss'}_{order_type}",
            )
        else:
            order = place_order(
                ex, acct, product=plan.product, symbol=plan.symbol, margin_coin=plan.margin_coin,
                margin_mode=plan.margin_mode, side=plan.side, trade_side=plan.trade_side, order_type=order_type,
                force="gtc", price=plan.price or None, size=plan.size, client_oid="", reduce_only=False, now=now,
                source=f"plan_{order_type}",
            )
    except SimError:
        plan.status = "fail_execute"
        return
    plan.status, plan.executed_order_id = "executed", order.order_id


def _new_tpsl(
    ex: Exchange, acct: Account, c: Contract, plan_type: str, hold: str, trigger: Decimal, size: Decimal,
    price: Decimal, client_oid: str, now: int,
) -> FuturesPlan:
    position = acct.positions.get((c.product, c.symbol, hold))
    if position is None or position.size <= 0:
        raise SimError("43023", "Insufficient position, can not set profit or stop loss")
    current = ex.price(c)
    profit = plan_type in ("profit_plan", "pos_profit")
    if plan_type == "moving_plan":
        direction = "down" if hold == "long" else "up"
    else:
        direction = "up" if (hold == "long") == profit else "down"
        if direction == "up" and trigger <= current:
            raise SimError(*(("40830", "The take profit price of the long position should be greater than the current price") if profit else ("40836", "The stop loss price of the short position should be greater than the current price")))
        if direction == "down" and trigger >= current:
            raise SimError(*(("40832", "The take profit price of short positions should be less than the current price") if profit else ("40834", "The stop loss price of the long position should be less than the current price")))
    if client_oid and acct.find_client_oid("futures_plan", client_oid) is not None:
        raise SimError(*DUPLICATE)
    if plan_type in ("pos_profit", "pos_loss"):  # one per position: a new one replaces the old
        for old in acct.live_futures_plans():
            if old.plan_type == plan_type and old.symbol == c.symbol and old.hold_side == hold:
                old.status, old.u_time = "cancelled", now
    plan = FuturesPlan(
        order_id=ex.ids.next(), client_oid=client_oid, plan_type=plan_type, product=c.product, symbol=c.symbol,
        margin_coin=c.margin_coin, margin_mode=position.margin_mode, pos_mode=position.pos_mode,
        side="sell" if hold == "long" else "buy", trade_side="close", pos_side=hold,
        order_type="limit" if price > 0 else "market", size=size, price=price, trigger_price=trigger,
        trigger_type="mark_price", direction=direction, c_time=now, u_time=now, hold_side=hold,
    )
    if client_oid:
        acct.claim_client_oid("futures_plan", client_oid, plan.order_id, DUPLICATE)
    acct.add_futures_plan(plan)
    return plan


# -- views --------------------------------------------------------------------------------
def _open_delegate(acct: Account, position: Position) -> Decimal:
    return sum(
        (
            q
            for o in acct.open_futures_orders()
            if o.symbol == position.symbol and o.product == position.product
            for hold, action, q in o.legs
            if hold == position.hold_side and action == "open"
        ),
        D0,
    )


def position_row(ex: Exchange, acct: Account, position: Position) -> dict[str, Any]:
    c = contract(position.product, position.symbol)
    mark = ex.price(c)
    upl = position.unrealized(mark)
    lev = position.leverage
    sign = -1 if position.hold_side == "long" else 1
    liquidation = position.avg_price * (1 + sign * (1 / lev - c.maintenance_rate))
    break_even = position.avg_price * (1 - sign * 2 * c.taker_fee)
    maintenance = position.size * mark * c.maintenance_rate
    equity = position.margin + upl
    settings = acct.contract_settings(c.product, c.symbol)
    return {
        "marginCoin": position.margin_coin,
        "symbol": position.symbol,
        "holdSide": position.hold_side,
        "openDelegateSize": fmt(_open_delegate(acct, position)),
        "marginSize": fmt(position.margin),
        "available": fmt(position.available),
        "locked": fmt(position.locked),
        "total": fmt(position.size),
        "leverage": fmt(lev),
        "achievedProfits": fmt(position.achieved),
        "openPriceAvg": fmt(position.avg_price),
        "marginMode": position.margin_mode,
        "posMode": position.pos_mode,
        "unrealizedPL": fmt(upl),
        "liquidationPrice": fmt(quant(liquidation, c.inst.price_scale)),
        "keepMarginRate": fmt(c.maintenance_rate),
        "markPrice": fmt(mark),
        "breakEvenPrice": fmt(quant(break_even, c.inst.price_scale)),
        "totalFee": "",
        "deductedFee": fmt(position.open_fee + position.close_fee),
        "takeProfit": "",
        "stopLoss": "",
        "takeProfitId": "",
        "stopLossId": "",
        "marginRatio": fmt(quant(maintenance / equity, 4)) if equity > 0 else "0",
        "assetMode": "single",
        "autoMargin": settings.auto_margin,
        "cTime": str(position.c_time),
        "uTime": str(position.u_time),
    }


def order_row(order: FuturesOrder) -> dict[str, Any]:
    filled = order.status == "filled"
    return {
        "symbol": order.symbol,
        "size": fmt(order.size),
        "orderId": order.order_id,
        "clientOid": order.client_oid,
        "baseVolume": fmt(order.base_volume),
        "priceAvg": fmt(order.price_avg) if filled else "",
        "fee": fmt(-order.fee) if filled else "",
        "price": fmt(order.price),
        "state": order.status,
        "status": order.status,
        "side": order.side,
        "force": order.force,
        "totalProfits": fmt(order.profit) if filled else "",
        "posSide": order.pos_side,
        "marginCoin": order.margin_coin,
        "quoteVolume": fmt(order.base_volume * order.price_avg),
        "leverage": fmt(order.leverage),
        "marginMode": order.margin_mode,
        "reduceOnly": "YES" if order.reduce_only else "NO",
        "enterPointSource": "API",
        "tradeSide": order.trade_side,
        "posMode": order.pos_mode,
        "orderType": order.order_type,
        "orderSource": order.source,
        "cancelReason": order.cancel_reason,
        "presetStopSurplusPrice": fmt(order.preset_tp) if order.preset_tp else "",
        "presetStopLossPrice": fmt(order.preset_sl) if order.preset_sl else "",
        "cTime": str(order.c_time),
        "uTime": str(order.u_time),
    }


def _fill_row(fill: FuturesFill) -> dict[str, Any]:
    return {
        "tradeId": fill.trade_id,
        "symbol": fill.symbol,
        "marginCoin": fill.margin_coin,
        "orderId": fill.order_id,
        "price": fmt(fill.price),
        "baseVolume": fmt(fill.size),
        "feeDetail": [{"deduction": "no", "feeCoin": fill.margin_coin, "totalDeductionFee": "0", "totalFee": fmt(-fill.fee)}],
        "side": fill.side,
        "quoteVolume": fmt(fill.size * fill.price),
        "profit": fmt(fill.profit),
        "enterPointSource": "API",
        "tradeSide": fill.trade_side,
        "posMode": fill.pos_mode,
        "tradeScope": fill.scope,
        "cTime": str(fill.c_time),
    }


def _plan_row(acct: Account, plan: FuturesPlan) -> dict[str, Any]:
    executed = acct.f_orders.get(plan.executed_order_id)
    return {
        "planType": plan.plan_type,
        "symbol": plan.symbol,
        "size": fmt(plan.size),
        "orderId": plan.order_id,
        "executeOrderId": plan.executed_order_id,
        "clientOid": plan.client_oid,
        "planStatus": plan.status,
        "price": fmt(plan.price) if plan.price else "",
        "executePrice": fmt(plan.price) if plan.price else "",
        "priceAvg": fmt(executed.price_avg) if executed is not None and executed.status == "filled" else "",
        "baseVolume": fmt(executed.base_volume) if executed is not None else "",
        "callbackRatio": fmt(plan.callback_ratio) if plan.callback_ratio else "",
        "triggerPrice": fmt(plan.trigger_price),
        "triggerType": plan.trigger_type,
        "side": plan.side,
        "posSide": plan.pos_side,
        "marginCoin": plan.margin_coin,
        "marginMode": plan.margin_mode,
        "enterPointSource": "API",
        "tradeSide": plan.trade_side,
        "posMode": plan.pos_mode,
        "orderType": plan.order_type,
        "orderSource": "normal",
        "cTime": str(plan.c_time),
        "uTime": str(plan.u_time),
        "stopSurplusExecutePrice": "",
        "stopSurplusTriggerPrice": "",
        "stopSurplusTriggerType": "",
        "stopLossExecutePrice": "",
        "stopLossTriggerPrice": "",
        "stopLossTriggerType": "",
    }


def futures_equity(ex: Exchange, acct: Account, product: str) -> Decimal:
    """USDT value of a futures account: cash, frozen, margin and unrealized PnL."""
    key = PRODUCT_WALLET[product]
    value = wallet_value(ex, acct.wallet(key)) if key in acct.wallets else D0
    for position in acct.positions.values():
        if position.product == product:
            value += position.margin + position.unrealized(ex.price(contract(product, position.symbol)))
    return value


def _account_row(ex: Exchange, acct: Account, product: str, coin: str) -> dict[str, Any]:
    wallet = acct.wallet(PRODUCT_WALLET[product])
    positions = [p for p in acct.positions.values() if p.product == product and p.margin_coin == coin]
    marks = {p.symbol: ex.price(contract(product, p.symbol)) for p in positions}
    crossed = [p for p in positions if p.margin_mode == "crossed"]
    isolated = [p for p in positions if p.margin_mode == "isolated"]
    cross_upl = sum((p.unrealized(marks[p.symbol]) for p in crossed), D0)
    iso_upl = sum((p.unrealized(marks[p.symbol]) for p in isolated), D0)
    available, locked = wallet.free(coin), wallet.locked(coin)
    equity = available + locked + sum((p.margin for p in positions), D0) + cross_upl + iso_upl
    btc = ex.price(CONTRACTS["USDT-FUTURES"]["BTCUSDT"])
    return {
        "marginCoin": coin,
        "locked": fmt(locked),
        "available": fmt(available),
        "crossedMaxAvailable": fmt(available + min(cross_upl, D0)),
        "isolatedMaxAvailable": fmt(available),
        "maxTransferOut": fmt(available + min(cross_upl, D0)),
        "accountEquity": fmt(equity),
        "usdtEquity": fmt(equity),
        "btcEquity": fmt(quant(equity / btc, 12)),
        "crossedRiskRate": "0",
        "unrealizedPL": fmt(cross_upl + iso_upl),
        "coupon": "0",
        "unionTotalMagin": fmt(equity),
        "unionAvailable": fmt(available),
        "unionMm": "0",
        "assetList": [{"coin": coin, "balance": fmt(available + locked), "available": fmt(available)}],
        "isolatedMargin": fmt(sum((p.margin for p in isolated), D0)),
        "crossedMargin": fmt(sum((p.margin for p in crossed), D0)),
        "crossedUnrealizedPL": fmt(cross_upl),
        "isolatedUnrealizedPL": fmt(iso_upl),
        "assetMode": "single",
    }


# -- handlers -----------------------------------------------------------------------------
def _product(p: Params) -> str:
    return p.text("productType").upper()


def _accounts(ctx: Ctx) -> Any:
    product = _product(ctx.p)
    coins = {c.margin_coin for c in CONTRACTS[product].values()}
    return [_account_row(ctx.ex, ctx.acct, product, coin) for coin in sorted(coins)]


def _account(ctx: Ctx) -> Any:
    p = ctx.p
    c = contract(p.text("productType"), p.text("symbol"))
    if p.text("marginCoin").upper() != c.margin_coin:
        raise SimError("40778", f"Coin pair {c.symbol} does not support {p.text('marginCoin')} currency as margin")
    row = _account_row(ctx.ex, ctx.acct, c.product, c.margin_coin)
    settings = ctx.acct.contract_settings(c.product, c.symbol)
    row.update(
        crossedMarginLeverage=fmt(settings.cross_leverage),
        isolatedLongLever=fmt(settings.long_leverage),
        isolatedShortLever=fmt(settings.short_leverage),
        marginMode=settings.margin_mode,
        posMode=ctx.acct.position_mode(c.product),
    )
    return row


def _set_leverage(ctx: Ctx) -> Any:
    p, acct = ctx.p, ctx.acct
    c = contract(p.text("productType"), p.text("symbol"))
    settings = acct.contract_settings(c.product, c.symbol)
    changes: dict[str, Decimal] = {}
    both = p.opt_dec("leverage")
    if settings.margin_mode == "crossed" or not p.text("holdSide"):
        if both is None:
            raise SimError("40019", "Parameter leverage cannot be empty")
        changes = {"long": both, "short": both}
    else:
        value = both or p.opt_dec(f"{p.text('holdSide')}Leverage")
        if value is None:
            raise SimError("40019", "Parameter leverage cannot be empty")
        changes = {p.text("holdSide"): value}
    for value in changes.values():
        if value < 1 or value != value.to_integral_value():
            raise SimError("40020", "Parameter leverage error")
        if value > c.inst.max_leverage:
            raise SimError("45045", "Exceeds the maximum possible leverage")
    wallet = acct.wallet(_wallet_key(c))
    for hold, value in changes.items():
        position = acct.positions.get((c.product, c.symbol, hold))
        if position is not None and position.leverage != value:
            wanted = quant(position.size * position.avg_price / value, 8, up=True)
            if wanted - position.margin > wallet.free(c.margin_coin):
                raise SimError("40893", "Unable to update the leverage factor of this position, there is not enough margin!")
            if wanted > position.margin:
                wallet.debit(c.margin_coin, wanted - position.margin)
            else:
                wallet.credit(c.margin_coin, position.margin - wanted)
            position.margin, position.leverage = wanted, value
    if "long" in changes:
        settings.long_leverage = changes["long"]
    if "short" in changes:
        settings.short_leverage = changes["short"]
    if settings.margin_mode == "crossed":
        settings.cross_leverage = changes.get("long", settings.cross_leverage)
    return {
        "symbol": c.symbol,
        "marginCoin": c.margin_coin,
        "longLeverage": fmt(settings.long_leverage),
        "shortLeverage": fmt(settings.short_leverage),
        "crossMarginLeverage": fmt(settings.cross_leverage),
        "marginMode": settings.margin_mode,
    }


def _set_margin_mode(ctx: Ctx) -> Any:
    p, acct = ctx.p, ctx.acct
    c = contract(p.text("productType"), p.text("symbol"))
    settings = acct.contract_settings(c.product, c.symbol)
    mode = p.text("marginMode")
    if mode != settings.margin_mode:
        if _busy(acct, c):
            raise SimError("45117", "Currently holding positions or orders, the margin mode cannot be adjusted")
        settings.margin_mode = mode
    return {
        "symbol": c.symbol,
        "marginCoin": c.margin_coin,
        "longLeverage": fmt(settings.long_leverage),
        "shortLeverage": fmt(settings.short_leverage),
        "marginMode": settings.margin_mode,
    }


def _set_position_mode(ctx: Ctx) -> Any:
    acct, product, mode = ctx.acct, _product(ctx.p), ctx.p.text("posMode")
    if mode != acct.position_mode(product):
        if any(p.product == product for p in acct.positions.values()) or any(
            o.product == product for o in acct.open_futures_orders()
        ):
            raise SimError("40920", "Position or order exists, the position mode cannot be switched")
        acct.pos_mode[product] = mode
    return {"posMode": acct.position_mode(product)}


def _set_margin(ctx: Ctx) -> Any:
    p, acct = ctx.p, ctx.acct
    c = contract(p.text("productType"), p.text("symbol"))
    position = acct.positions.get((c.product, c.symbol, p.text("holdSide")))
    if position is None:
        raise SimError("40802", "Position is zero and direct margin call is not allowed")
    if position.margin_mode == "crossed":
        raise SimError("40875", "Whole position mode does not support margin adjustment")
    amount = p.dec("amount")
    wallet = acct.wallet(_wallet_key(c))
    if amount >= 0:
        wallet.debit(c.margin_coin, amount, ("40800", "Insufficient amount of margin"))
    else:
        if -amount > position.margin - position.size * position.avg_price / c.inst.max_leverage:
            raise SimError("40801", "Cannot exceed the maximum transferable deposit amount")
        wallet.credit(c.margin_coin, -amount)
    position.margin += amount
    return ""


def _positions(ctx: Ctx) -> Any:
    p = ctx.p
    product = _product(p)
    symbol = contract(product, p.text("symbol")).symbol if p.text("symbol") else ""
    coin = p.text("marginCoin").upper()
    return [
        position_row(ctx.ex, ctx.acct, pos)
        for pos in ctx.acct.positions.values()
        if pos.product == product and (not symbol or pos.symbol == symbol) and (not coin or pos.margin_coin == coin)
    ]


def _history_positions(ctx: Ctx) -> Any:
    p = ctx.p
    product = _product(p) if p.text("productType") else ""
    rows = [
        pos
        for pos in ctx.acct.closed_positions
        if (not product or pos.product == product) and (not p.text("symbol") or pos.symbol == p.text("symbol").upper())
    ]
    chosen = page(rows, p, key=lambda x: x.position_id, time=lambda x: x.u_time)
    return {
        "list": [
            {
                "positionId": pos.position_id,
                "marginCoin": pos.margin_coin,
                "symbol": pos.symbol,
                "holdSide": pos.hold_side,
                "openAvgPrice": fmt(pos.avg_price),
                "closeAvgPrice": fmt(quant(pos.close_value / pos.close_total, 8)) if pos.close_total else "0",
                "marginMode": pos.margin_mode,
                "openTotalPos": fmt(pos.open_total),
                "closeTotalPos": fmt(pos.close_total),
                "pnl": fmt(pos.achieved),
                "netProfit": fmt(pos.achieved - pos.open_fee - pos.close_fee),
                "totalFunding": "0",
                "openFee": fmt(-pos.open_fee),
                "closeFee": fmt(-pos.close_fee),
                "posMode": pos.pos_mode,
                "ctime": str(pos.c_time),
                "utime": str(pos.u_time),
            }
            for pos in chosen
        ],
        "endId": chosen[-1].position_id if chosen else "",
    }


def _place_from(ctx: Ctx, p: Params, top: Params) -> FuturesOrder:
    return place_order(
        ctx.ex, ctx.acct, product=top.text("productType").upper(), symbol=top.text("symbol"),
        margin_coin=top.text("marginCoin"), margin_mode=top.text("marginMode"), side=p.text("side"),
        trade_side=p.text("tradeSide"), order_type=p.text("orderType"), force=p.text("force", "gtc"),
        price=p.opt_dec("price"), size=p.dec("size"), client_oid=p.text("clientOid"),
        reduce_only=p.text("reduceOnly").upper() == "YES", now=ctx.now,
        preset_tp=p.opt_dec("presetStopSurplusPrice"), preset_sl=p.opt_dec("presetStopLossPrice"),
    )


def _place(ctx: Ctx) -> Any:
    order = _place_from(ctx, ctx.p, ctx.p)
    return {"clientOid": order.client_oid, "orderId": order.order_id}


def _batch_place(ctx: Ctx) -> Any:
    success, failure = [], []
    for raw in ctx.p.seq("orderList"):
        item = Params(raw)
        try:
            order = _place_from(ctx, item, ctx.p)
        except SimError as exc:
            failure.append({"orderId": "", "clientOid": item.text("clientOid"), "errorMsg": exc.msg, "errorCode": exc.code})
        else:
            success.append({"orderId": order.order_id, "clientOid": order.client_oid})
    return {"successList": success, "failureList": failure}


def _find(ctx: Ctx, p: Params, product: str, symbol: str) -> FuturesOrder:
    order_id = p.text("orderId") or ctx.acct.find_client_oid("futures", p.text("clientOid")) or ""
    order = ctx.acct.f_orders.get(order_id)
    if order is None or order.product != product or (symbol and order.symbol != symbol):
        raise SimError(*NOT_FOUND)
    return order


def _symbol(p: Params, product: str) -> str:
    return contract(product, p.text("symbol")).symbol if p.text("symbol") else ""


def _cancel(ctx: Ctx) -> Any:
    product = _product(ctx.p)
    order = _find(ctx, ctx.p, product, _symbol(ctx.p, product))
    if not order.is_open:
        raise SimError(*NOT_FOUND)
    cancel_order(ctx.acct, order, ctx.now)
    return {"orderId": order.order_id, "clientOid": order.client_oid}


def _batch_cancel(ctx: Ctx) -> Any:
    p = ctx.p
    product = _product(p)
    symbol = _symbol(p, product)
    success, failure = [], []
    items = p.seq("orderIdList")
    targets: list[tuple[Params, FuturesOrder | None]] = []
    if items:
        for raw in items:
            item = Params(raw)
            try:
                targets.append((item, _find(ctx, item, product, symbol)))
            except SimError as exc:
                failure.append({"orderId": item.text("orderId"), "clientOid": item.text("clientOid"), "errorMsg": exc.msg, "errorCode": exc.code})
    else:
        targets = [
            (Params({}), o)
            for o in ctx.acct.f_orders.values()
            if o.is_open and o.product == product and (not symbol or o.symbol == symbol)
        ]
    for item, order in targets:
        if order is None or not order.is_open:
            failure.append({"orderId": item.text("orderId"), "clientOid": item.text("clientOid"), "errorMsg": NOT_FOUND[1], "errorCode": NOT_FOUND[0]})
            continue
        cancel_order(ctx.acct, order, ctx.now)
        success.append({"orderId": order.order_id, "clientOid": order.client_oid})
    return {"successList": success, "failureList": failure}


def _cancel_all(ctx: Ctx) -> Any:
    product = _product(ctx.p)
    coin = ctx.p.text("marginCoin").upper()
    success = []
    for order in ctx.acct.open_futures_orders():
        if order.product == product and (not coin or order.margin_coin == coin):
            cancel_order(ctx.acct, order, ctx.now)
            success.append({"orderId": order.order_id, "clientOid": order.client_oid})
    return {"successList": success, "failureList": []}


def _modify(ctx: Ctx) -> Any:
    p = ctx.p
    product = _product(p)
    old = _find(ctx, p, product, _symbol(p, product))
    if not old.is_open or old.order_type != "limit":
        raise SimError("40922", "Only work order modifications are allowed")
    new_size, new_price = p.opt_dec("newSize") or old.size, p.opt_dec("newPrice") or old.price
    if new_size == old.size and new_price == old.price:
        raise SimError("40923", "Order size and price have not changed")
    cancel_order(ctx.acct, old, ctx.now)
    order = place_order(
        ctx.ex, ctx.acct, product=product, symbol=old.symbol, margin_coin=old.margin_coin, margin_mode=old.margin_mode,
        side=old.side, trade_side=old.trade_side if old.pos_mode == "hedge_mode" else "", order_type="limit",
        force=old.force, price=new_price, size=new_size, client_oid=p.text("newClientOid"),
        reduce_only=old.reduce_only, now=ctx.now,
    )
    return {"orderId": order.order_id, "clientOid": order.client_oid}


def _detail(ctx: Ctx) -> Any:
    product = _product(ctx.p)
    return order_row(_find(ctx, ctx.p, product, _symbol(ctx.p, product)))


def _order_page(ctx: Ctx, *, open_: bool) -> Any:
    p = ctx.p
    product = _product(p)
    symbol = _symbol(p, product)
    rows = [
        o
        for o in ctx.acct.f_orders.values()
        if o.product == product
        and o.is_open == open_
        and (not symbol or o.symbol == symbol)
        and (not p.text("orderId") or o.order_id == p.text("orderId"))
        and (not p.text("clientOid") or o.client_oid == p.text("clientOid"))
        and (not p.text("status") or o.status == p.text("status"))
    ]
    chosen = page(rows, p, key=lambda o: o.order_id, time=lambda o: o.c_time)
    return {"entrustedList": [order_row(o) for o in chosen] or None, "endId": chosen[-1].order_id if chosen else ""}


def _fills(ctx: Ctx) -> Any:
    p = ctx.p
    product = _product(p)
    symbol = _symbol(p, product)
    rows = [
        f
        for f in ctx.acct.f_fills
        if f.product == product and (not symbol or f.symbol == symbol) and (not p.text("orderId") or f.order_id == p.text("orderId"))
    ]
    chosen = page(rows, p, key=lambda f: f.trade_id, time=lambda f: f.c_time)
    return {"fillList": [_fill_row(f) for f in chosen] or None, "endId": chosen[-1].trade_id if chosen else ""}


def _place_plan(ctx: Ctx) -> Any:
    p, acct = ctx.p, ctx.acct
    c = contract(p.text("productType"), p.text("symbol"))
    if p.text("marginCoin").upper() != c.margin_coin:
        raise SimError("40778", f"Coin pair {c.symbol} does not support {p.text('marginCoin')} currency as margin")
    trigger = p.dec("triggerPrice")
    check_scale("triggerPrice", trigger, c.inst.price_scale)
    size = p.dec("size")
    check_scale("size", size, c.inst.qty_scale)
    if size <= 0:
        raise SimError("40020", "Parameter size error")
    client_oid = p.text("clientOid")
    if client_oid and acct.find_client_oid("futures_plan", client_oid) is not None:
        raise SimError(*DUPLICATE)
    pos_mode = acct.position_mode(c.product)
    if pos_mode == "hedge_mode" and p.text("tradeSide") not in ("open", "close"):
        raise SimError("40774", "The order type for unilateral position must also be the unilateral position type.")
    order_type = p.text("orderType")
    plan = FuturesPlan(
        order_id=ctx.ex.ids.next(), client_oid=client_oid, plan_type=p.text("planType"), product=c.product,
        symbol=c.symbol, margin_coin=c.margin_coin, margin_mode=p.text("marginMode"), pos_mode=pos_mode,
        side=p.text("side"), trade_side=p.text("tradeSide") if pos_mode == "hedge_mode" else "",
        pos_side=_hold(p.text("side")) if pos_mode == "hedge_mode" else "net", order_type=order_type, size=size,
        price=(p.opt_dec("price") or D0) if order_type == "limit" else D0, trigger_price=trigger,
        trigger_type=p.text("triggerType"), direction="up" if trigger >= ctx.ex.price(c) else "down",
        c_time=ctx.now, u_time=ctx.now, callback_ratio=p.opt_dec("callbackRatio") or D0,
    )
    if client_oid:
        acct.claim_client_oid("futures_plan", client_oid, plan.order_id, DUPLICATE)
    acct.add_futures_plan(plan)
    return {"orderId": plan.order_id, "clientOid": plan.client_oid}


def _plan_matches(plan: FuturesPlan, plan_type: str) -> bool:
    if plan_type == "profit_loss":
        return plan.is_tpsl
    return not plan_type or plan.plan_type == plan_type


def _find_plan(ctx: Ctx, p: Params) -> FuturesPlan:
    order_id = p.text("orderId") or ctx.acct.find_client_oid("futures_plan", p.text("clientOid")) or ""
    plan = ctx.acct.f_plans.get(order_id)
    if plan is None:
        raise SimError(*PLAN_NOT_FOUND)
    return plan


def _modify_plan(ctx: Ctx) -> Any:
    p = ctx.p
    plan = _find_plan(ctx, p)
    if plan.status != "live":
        raise SimError("43026", "The planned order has been closed")
    plan.size = p.opt_dec("newSize") or plan.size
    plan.price = p.opt_dec("newPrice") or plan.price
    new_trigger = p.opt_dec("newTriggerPrice")
    if new_trigger is not None:
        plan.trigger_price = new_trigger
        plan.direction = "up" if new_trigger >= ctx.ex.price(contract(plan.product, plan.symbol)) else "down"
    plan.u_time = ctx.now
    return {"orderId": plan.order_id, "clientOid": plan.client_oid}


def _cancel_plans(ctx: Ctx) -> Any:
    p = ctx.p
    product = _product(p)
    symbol = _symbol(p, product)
    success, failure = [], []
    items = p.seq("orderIdList")
    if items:
        for raw in items:
            item = Params(raw)
            try:
                plan = _find_plan(ctx, item)
                if plan.status != "live":
                    raise SimError("43026", "The planned order has been closed")
            except SimError as exc:
                failure.append({"orderId": item.text("orderId"), "clientOid": item.text("clientOid"), "errorMsg": exc.msg, "errorCode": exc.code})
                continue
            plan.status, plan.u_time = "cancelled", ctx.now
            success.append({"orderId": plan.order_id, "clientOid": plan.client_oid})
    else:
        for plan in ctx.acct.f_plans.values():
            if (
                plan.status == "live"
                and plan.product == product
                and (not symbol or plan.symbol == symbol)
                and _plan_matches(plan, p.text("planType"))
            ):
                plan.status, plan.u_time = "cancelled", ctx.now
                success.append({"orderId": plan.order_id, "clientOid": plan.client_oid})
    return {"successList": success, "failureList": failure}


def _plan_page(ctx: Ctx, *, live: bool) -> Any:
    p = ctx.p
    product = _product(p)
    symbol = _symbol(p, product)
    rows = [
        plan
        for plan in ctx.acct.f_plans.values()
        if plan.product == product
        and (plan.status == "live") == live
        and _plan_matches(plan, p.text("planType"))
        and (not symbol or plan.symbol == symbol)
        and (not p.text("orderId") or plan.order_id == p.text("orderId"))
        and (not p.text("clientOid") or plan.client_oid == p.text("clientOid"))
        and (not p.text("planStatus") or plan.status == p.text("planStatus"))
    ]
    chosen = page(rows, p, key=lambda x: x.order_id, time=lambda x: x.c_time)
    return {"entrustedList": [_plan_row(ctx.acct, x) for x in chosen] or None, "endId": chosen[-1].order_id if chosen else ""}


def _plan_sub_orders(ctx: Ctx) -> Any:
    plan = ctx.acct.f_plans.get(ctx.p.text("planOrderId"))
    if plan is None:
        raise SimError(*PLAN_NOT_FOUND)
    order = ctx.acct.f_orders.get(plan.executed_order_id)
    if order is None:
        return []
    return [{"orderId": order.order_id, "price": fmt(order.price_avg or order.price), "type": order.order_type, "status": "success" if order.status == "filled" else "in_progress"}]


def _tpsl_hold(hold_side: str) -> str:
    """TP/SL ``holdSide``: hedge mode says long/short, one-way mode the opening side buy/sell."""
    return _hold(hold_side)


def _place_tpsl(ctx: Ctx) -> Any:
    p = ctx.p
    c = contract(p.text("productType"), p.text("symbol"))
    plan_type = p.text("planType")
    trigger = p.dec("triggerPrice")
    check_scale("triggerPrice", trigger, c.inst.price_scale)
    size = D0 if plan_type in ("pos_profit", "pos_loss") else (p.opt_dec("size") or D0)
    plan = _new_tpsl(
        ctx.ex, ctx.acct, c, plan_type, _tpsl_hold(p.text("holdSide")), trigger, size,
        p.opt_dec("executePrice") or D0, p.text("clientOid"), ctx.now,
    )
    plan.trigger_type = p.text("triggerType", "mark_price")
    plan.callback_ratio = p.opt_dec("rangeRate") or D0
    return {"orderId": plan.order_id, "clientOid": plan.client_oid}


def _place_pos_tpsl(ctx: Ctx) -> Any:
    p = ctx.p
    c = contract(p.text("productType"), p.text("symbol"))
    hold = _tpsl_hold(p.text("holdSide"))
    out = []
    for plan_type, prefix in (("pos_profit", "stopSurplus"), ("pos_loss", "stopLoss")):
        trigger = p.opt_dec(f"{prefix}TriggerPrice")
        if trigger is None:
            continue
        plan = _new_tpsl(
            ctx.ex, ctx.acct, c, plan_type, hold, trigger, D0, p.opt_dec(f"{prefix}ExecutePrice") or D0,
            p.text(f"{prefix}ClientOid"), ctx.now,
        )
        out.append(
            {
                "orderId": plan.order_id,
                "stopSurplusClientOid": plan.client_oid if plan_type == "pos_profit" else "",
                "stopLossClientOid": plan.client_oid if plan_type == "pos_loss" else "",
            }
        )
    if not out:
        raise SimError("40019", "Parameter stopSurplusTriggerPrice cannot be empty")
    return out


def _close_positions(ctx: Ctx) -> Any:
    p, acct = ctx.p, ctx.acct
    product = _product(p)
    symbol = _symbol(p, product)
    hold = p.text("holdSide")
    targets = [
        pos
        for pos in list(acct.positions.values())
        if pos.product == product and (not symbol or pos.symbol == symbol) and (not hold or pos.hold_side == hold)
    ]
    if not targets:
        raise SimError(*NO_POSITION)
    success, failure = [], []
    for pos in targets:
        for order in [o for o in acct.open_futures_orders() if o.symbol == pos.symbol and o.product == product]:
            if any(h == pos.hold_side and a == "close" for h, a, _ in order.legs):
                cancel_order(acct, order, ctx.now)  # flash close takes the whole position
        hedge = pos.pos_mode == "hedge_mode"
        side = ("buy" if pos.hold_side == "long" else "sell") if hedge else ("sell" if pos.hold_side == "long" else "buy")
        try:
            order = place_order(
                ctx.ex, acct, product=product, symbol=pos.symbol, margin_coin=pos.margin_coin, margin_mode="",
                side=side, trade_side="close" if hedge else "", order_type="market", force="gtc", price=None,
                size=pos.size, client_oid="", reduce_only=not hedge, now=ctx.now,
            )
        except SimError as exc:
            failure.append({"orderId": "", "clientOid": "", "symbol": pos.symbol, "errorMsg": exc.msg, "errorCode": exc.code})
        else:
            success.append({"orderId": order.order_id, "clientOid": order.client_oid, "symbol": pos.symbol})
    return {"successList": success, "failureList": failure}


def _bill(ctx: Ctx) -> Any:
    p = ctx.p
    product = _product(p)
    rows = [
        b
        for b in ctx.acct.f_bills
        if b.product == product
        and (not p.text("coin") or b.coin == p.text("coin").upper())
        and (not p.text("businessType") or b.business_type == p.text("businessType"))
    ]
    chosen = page(rows, p, key=lambda b: b.bill_id, time=lambda b: b.c_time)
    return {
        "bills": [
            {
                "billId": b.bill_id,
                "symbol": b.symbol,
                "amount": fmt(b.amount),
                "fee": fmt(b.fee),
                "feeByCoupon": "",
                "businessType": b.business_type,
                "coin": b.coin,
                "balance": fmt(b.balance),
                "cTime": str(b.c_time),
            }
            for b in chosen
        ],
        "endId": chosen[-1].bill_id if chosen else "",
    }


def _all_balances(ctx: Ctx) -> Any:
    acct, ex = ctx.acct, ctx.ex
    margin = sum(
        (wallet_value(ex, w) for k, w in acct.wallets.items() if k == "crossed_margin" or k.startswith("isolated_margin:")),
        D0,
    )
    values = (
        ("spot", wallet_value(ex, acct.wallet("spot"))),
        ("futures", sum((futures_equity(ex, acct, product) for product in ("USDT-FUTURES", "USDC-FUTURES")), D0)),
        ("funding", wallet_value(ex, acct.wallet("p2p"))),
        ("earn", D0),
        ("bots", D0),
        ("margin", margin),
    )
    return [{"accountType": name, "usdtBalance": fmt(value)} for name, value in values]


HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {
        "mix.account.accounts": _accounts,
        "mix.account.account": _account,
        "mix.account.set_leverage": _set_leverage,
        "mix.account.set_margin_mode": _set_margin_mode,
        "mix.account.set_position_mode": _set_position_mode,
        "mix.account.set_margin": _set_margin,
        "mix.account.bill": _bill,
        "mix.position.all_position": _positions,
        "mix.position.single_position": _positions,
        "mix.position.history_position": _history_positions,
        "mix.order.place_order": _place,
        "mix.order.batch_place_order": _batch_place,
        "mix.order.cancel_order": _cancel,
        "mix.order.batch_cancel_orders": _batch_cancel,
        "mix.order.cancel_all_orders": _cancel_all,
        "mix.order.modify_order": _modify,
        "mix.order.detail": _detail,
        "mix.order.orders_pending": lambda ctx: _order_page(ctx, open_=True),
        "mix.order.orders_history": lambda ctx: _order_page(ctx, open_=False),
        "mix.order.fills": _fills,
        "mix.order.fill_history": _fills,
        "mix.order.place_plan_order": _place_plan,
        "mix.order.modify_plan_order": _modify_plan,
        "mix.order.cancel_plan_order": _cancel_plans,
        "mix.order.orders_plan_pending": lambda ctx: _plan_page(ctx, live=True),
        "mix.order.orders_plan_history": lambda ctx: _plan_page(ctx, live=False),
        "mix.order.plan_sub_order": _plan_sub_orders,
        "mix.order.place_tpsl_order": _place_tpsl,
        "mix.order.place_pos_tpsl": _place_pos_tpsl,
        "mix.order.close_positions": _close_positions,
        "account.all_account_balance": _all_balances,
    }
)
