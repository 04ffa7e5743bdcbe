"""Futures trigger orders and TP/SL: place, modify, cancel, pages and sub-orders; the plan
engine that fires them as the price moves is ``_futures.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ._catalog import contract
from ._futures import (
    DUPLICATE,
    batch_cancel,
    hold_of,
    new_tpsl,
    product_of,
    symbol_of,
)
from ._futures_views import plan_row
from ._plans import PLAN_NOT_FOUND, cancel_plan, direction, live_plan
from ._spot import check_scale
from ._state import Ctx, Handler, listings
from ._trading import FuturesPlan
from ._wire import D0, Params, SimError, fmt, id_pair, page

__all__ = ["HANDLERS"]


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
        pos_side=hold_of(p.text("side")) if pos_mode == "hedge_mode" else "net", order_type=order_type, size=size,
        price=(p.opt_dec("price") or D0) if order_type == "limit" else D0, trigger_price=trigger,
        trigger_type=p.text("triggerType"), direction=direction(trigger, ctx.ex.price(c)),
        c_time=ctx.now, u_time=ctx.now, callback_ratio=p.opt_dec("callbackRatio") or D0,
    )
    if client_oid:
        acct.claim_client_oid("futures_plan", client_oid, plan.order_id, DUPLICATE)
    acct.add_futures_plan(plan)
    return id_pair(plan)


def _plan_matches(plan: FuturesPlan, plan_type: str) -> bool:
    if plan_type == "profit_loss":
        return plan.is_tpsl
    return not plan_type or plan.plan_type == plan_type


def _live_plan(ctx: Ctx, p: Params) -> FuturesPlan:
    return live_plan(ctx.acct, p, "futures_plan", ctx.acct.f_plans)


def _modify_plan(ctx: Ctx) -> Any:
    p = ctx.p
    plan = _live_plan(ctx, p)
    plan.size = p.opt_dec("newSize") or plan.size
    plan.price = p.opt_dec("newPrice") or plan.price
    new_trigger = p.opt_dec("newTriggerPrice")
    if new_trigger is not None:
        plan.trigger_price = new_trigger
        plan.direction = direction(new_trigger, ctx.ex.price(contract(plan.product, plan.symbol)))
    plan.u_time = ctx.now
    return id_pair(plan)


def _cancel_plans(ctx: Ctx) -> Any:
    def everything(product: str, symbol: str) -> list[FuturesPlan]:
        return [
            cancel_plan(plan, ctx.now)
            for plan in ctx.acct.f_plans.values()
            if plan.status == "live"
            and plan.product == product
            and (not symbol or plan.symbol == symbol)
            and _plan_matches(plan, ctx.p.text("planType"))
        ]

    return batch_cancel(ctx.p, lambda item, _product, _symbol: cancel_plan(_live_plan(ctx, item), ctx.now), everything)


def _plan_page(ctx: Ctx, live: bool) -> Any:
    p = ctx.p
    product = product_of(p)
    symbol = symbol_of(p, product)
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
    return {"entrustedList": [plan_row(ctx.acct, x) for x in chosen] or None, "endId": chosen[-1].order_id if chosen else ""}


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
    return hold_of(hold_side)


def _place_tpsl(ctx: Ctx) -> Any:
    p = ctx.p
    c = contract(p.text("productType"), p.text("symbol"))
    plan_type = p.text("planType")
    trigger = p.dec("triggerPrice")
    check_scale("triggerPrice", trigger, c.inst.price_scale)
    size = D0 if plan_type in ("pos_profit", "pos_loss") else (p.opt_dec("size") or D0)
    plan = new_tpsl(
        ctx.ex, ctx.acct, c, plan_type, _tpsl_hold(p.text("holdSide")), trigger, size,
        p.opt_dec("executePrice") or D0, p.text("clientOid"), ctx.now,
    )
    plan.trigger_type = p.text("triggerType", "mark_price")
    plan.callback_ratio = p.opt_dec("rangeRate") or D0
    return id_pair(plan)


def _place_pos_tpsl(ctx: Ctx) -> Any:
    p = ctx.p
    c = contract(p.text("productType"), p.text("symbol"))
    hold = _tpsl_hold(p.text("holdSide"))
    out = []
    for plan_type, prefix in (("pos_profit", "stopSurplus"), ("pos_loss", "stopLoss")):
        trigger = p.opt_dec(f"{prefix}TriggerPrice")
        if trigger is None:
            continue
        plan = new_tpsl(
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


HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {
        "mix.order.place_plan_order": _place_plan,
        "mix.order.modify_plan_order": _modify_plan,
        "mix.order.cancel_plan_order": _cancel_plans,
        **listings(_plan_page, "mix.order.orders_plan_pending", "mix.order.orders_plan_history"),
        "mix.order.plan_sub_order": _plan_sub_orders,
        "mix.order.place_tpsl_order": _place_tpsl,
        "mix.order.place_pos_tpsl": _place_pos_tpsl,
    }
)
