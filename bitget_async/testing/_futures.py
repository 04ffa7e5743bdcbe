"""USDT-M and USDC-M perpetual futures engine: orders, positions, trigger orders and TP/SL.
The routes are in ``_futures_account.py``, ``_futures_orders.py`` and ``_futures_plans.py``.

Linear contracts only: PnL = (exit - entry) x size for longs (reversed for shorts), margin =
notional / leverage, fees on notional (maker 0.02 %, taker 0.06 %).  The mark price is the
market price.  In one-way mode a buy first reduces a short and opens a long with the rest;
in hedge mode ``side`` names the position (buy = long) and ``tradeSide`` says open or close,
as in Bitget's v2 API.  Not simulated: liquidation, funding fees, partial fills.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from ._arrival import arrival
from ._catalog import PRODUCT_WALLET, Contract, contract
from ._ledger import FuturesBill
from ._spot import check_scale
from ._state import Account, Exchange
from ._trading import FuturesFill, FuturesOrder, FuturesPlan, Position
from ._wire import D0, Identified, Params, SimError, batch, fmt, id_pair, quant

__all__ = ["DUPLICATE", "NO_POSITION", "NOT_FOUND", "batch_cancel", "busy", "cancel_order", "hold_of", "match", "new_tpsl", "place_order", "product_of", "symbol_of", "wallet_key"]

INSUFFICIENT = ("40762", "The order size is greater than the max open size")
NO_POSITION = ("22002", "No position to close")
NOT_ENOUGH_POSITION = ("40757", "Not enough position is available.")
NOT_FOUND = ("40768", "Order does not exist")
DUPLICATE = ("40786", "Duplicate clientOid")
Leg = tuple[str, str, Decimal]


def wallet_key(c: Contract) -> str:
    return PRODUCT_WALLET[c.product]


def hold_of(side: str) -> str:
    return "long" if side in ("buy", "long") else "short"


def busy(acct: Account, c: Contract) -> bool:
    """Positions or open orders on the contract (settings may not change then)."""
    return any(p.symbol == c.symbol and p.product == c.product for p in acct.positions.values()) or any(
        o.symbol == c.symbol and o.product == c.product for o in acct.open_futures_orders()
    )


def _legs(acct: Account, c: Contract, pos_mode: str, side: str, trade_side: str, reduce_only: bool, size: Decimal) -> list[Leg]:
    if pos_mode == "hedge_mode":
        if trade_side not in ("open", "close"):
            raise SimError("40774", "The order type for unilateral position must also be the unilateral position type.")
        hold = hold_of(side)
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
        legs.append((hold_of(side), "open", size - closing))
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
        if busy(acct, c):
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
    wallet = acct.wallet(wallet_key(c))
    wallet.freeze(c.margin_coin, reserve, INSUFFICIENT)
    for hold, action, q in legs:
        if action == "close":
            acct.positions[(c.product, c.symbol, hold)].locked += q
    hold_side = legs[-1][0] if legs else hold_of(side)
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
    action = arrival(order_type, order.force, _crosses(order, current))
    if action == "fill":
        _fill(ex, acct, order, current, "taker", now)
    elif action == "cancel":
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
    wallet = acct.wallet(wallet_key(c))
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
                    new_tpsl(ex, acct, c, plan_type, hold, trigger, q, D0, "", now)
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
    balance = acct.wallet(wallet_key(c)).free(c.margin_coin)
    acct.f_bills.append(FuturesBill(ex.ids.next(), c.product, c.symbol, c.margin_coin, business, amount, -fee, balance, now))


def cancel_order(acct: Account, order: FuturesOrder, now: int) -> None:
    c = contract(order.product, order.symbol)
    acct.wallet(wallet_key(c)).unfreeze(c.margin_coin, order.frozen_margin)
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


def new_tpsl(
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


def product_of(p: Params) -> str:
    """The request's ``productType`` as the catalog spells it (Bitget accepts any case)."""
    return p.text("productType").upper()


def symbol_of(p: Params, product: str) -> str:
    """The request's ``symbol`` checked against the product's contracts ("" when not given)."""
    return contract(product, p.text("symbol")).symbol if p.text("symbol") else ""


def batch_cancel(
    p: Params,
    cancel: Callable[[Params, str, str], Identified],
    everything: Callable[[str, str], Iterable[Identified]],
) -> Any:
    """A futures batch cancel: each ``orderIdList`` entry on its own (``cancel``, a success or a
    failure row each), or, without a list, ``everything`` cancellable of the product and symbol."""
    product = product_of(p)
    symbol = symbol_of(p, product)
    items = p.seq("orderIdList")
    if items:
        return batch(items, lambda item: cancel(item, product, symbol))
    return {"successList": [id_pair(x) for x in everything(product, symbol)], "failureList": []}
