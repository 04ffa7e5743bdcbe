"""Spot plan (trigger) orders: place, modify, cancel, pages and sub-orders; the engine that fires
them as the price moves is ``_spot.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ._catalog import SPOT, spot_pair
from ._plans import PLAN_NOT_FOUND, cancel_plan, direction, live_plan
from ._spot import (
    DUPLICATE,
    check_scale,
)
from ._spot_views import plan_row
from ._state import Ctx, Handler, listings
from ._trading import SpotPlan
from ._wire import D0, Params, SimError, fmt, id_pair, page

__all__ = ["HANDLERS", "new_plan"]


# -- plan orders --------------------------------------------------------------------------
def new_plan(ctx: Ctx, p: Params, *, trigger: Decimal, execute: Decimal, plan_type: str) -> SpotPlan:
    pair = spot_pair(p.text("symbol"))
    check_scale("triggerPrice", trigger, pair.inst.price_scale)
    order_type = p.text("orderType", "limit" if execute else "market")
    if order_type == "limit" and execute <= 0:
        raise SimError("40019", "Parameter executePrice cannot be empty")
    size = p.dec("size")
    if size <= 0:
        raise SimError("40020", "Parameter size error")
    client_oid = p.text("clientOid")
    if client_oid and ctx.acct.find_client_oid("plan", client_oid) is not None:
        raise SimError(*DUPLICATE["spot"])
    plan = SpotPlan(
        order_id=ctx.ex.ids.next(),
        client_oid=client_oid,
        symbol=pair.symbol,
        side=p.text("side"),
        trigger_price=trigger,
        order_type=order_type,
        execute_price=execute if order_type == "limit" else D0,
        size=size,
        plan_type=plan_type,
        trigger_type=p.text("triggerType", "fill_price"),
        force=p.text("force", "gtc"),
        direction=direction(trigger, ctx.ex.price(pair)),
        c_time=ctx.now,
        u_time=ctx.now,
    )
    if client_oid:
        ctx.acct.claim_client_oid("plan", client_oid, plan.order_id, DUPLICATE["spot"])
    ctx.acct.add_plan(plan)
    return plan


def _place_plan(ctx: Ctx) -> Any:
    p = ctx.p
    plan = new_plan(
        ctx, p, trigger=p.dec("triggerPrice"), execute=p.opt_dec("executePrice") or D0, plan_type=p.text("planType", "amount")
    )
    return id_pair(plan)


def _live_plan(ctx: Ctx, p: Params) -> SpotPlan:
    return live_plan(ctx.acct, p, "plan", ctx.acct.plans)


def _modify_plan(ctx: Ctx) -> Any:
    p = ctx.p
    plan = _live_plan(ctx, p)
    plan.trigger_price = p.dec("triggerPrice")
    plan.order_type = p.text("orderType")
    plan.execute_price = (p.opt_dec("executePrice") or D0) if plan.order_type == "limit" else D0
    plan.size = p.dec("size")
    plan.direction = direction(plan.trigger_price, ctx.ex.price(SPOT[plan.symbol]))
    plan.u_time = ctx.now
    return id_pair(plan)


def _cancel_plan(ctx: Ctx) -> Any:
    cancel_plan(_live_plan(ctx, ctx.p), ctx.now)
    return {"result": "success"}


def _batch_cancel_plans(ctx: Ctx) -> Any:
    symbols = {spot_pair(s).symbol for s in ctx.p.seq("symbolList")}
    success = [
        id_pair(cancel_plan(plan, ctx.now))
        for plan in ctx.acct.plans.values()
        if plan.status == "live" and (not symbols or plan.symbol in symbols)
    ]
    return {"successList": success, "failureList": []}


def _plan_page(ctx: Ctx, live: bool) -> Any:
    p = ctx.p
    symbol = spot_pair(p.text("symbol")).symbol if p.text("symbol") else ""
    plans = [
        plan
        for plan in ctx.acct.plans.values()
        if (plan.status == "live") == live and (not symbol or plan.symbol == symbol)
    ]
    rows = page(plans, p, key=lambda x: x.order_id, time=lambda x: x.c_time, default_limit=20, max_limit=100)
    return {
        "nextFlag": rows.more,  # older plans remain past this page (not: fewer rows than plans exist)
        "idLessThan": rows[-1].order_id if rows else "",
        "orderList": [plan_row(x) for x in rows],
    }


def _plan_sub_orders(ctx: Ctx) -> Any:
    plan = ctx.acct.plans.get(ctx.p.text("planOrderId"))
    if plan is None:
        raise SimError(*PLAN_NOT_FOUND)
    if not plan.sub_order_id:
        return []
    order = ctx.acct.orders[plan.sub_order_id]
    status = "success" if order.status == "filled" else ("cancelled" if order.status == "cancelled" else "in_progress")
    return [{"orderId": order.order_id, "price": fmt(order.price_avg or order.price), "type": order.order_type, "status": status}]


HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {
        "spot.trade.place_plan_order": _place_plan,
        "spot.trade.modify_plan_order": _modify_plan,
        "spot.trade.cancel_plan_order": _cancel_plan,
        "spot.trade.batch_cancel_plan_order": _batch_cancel_plans,
        **listings(_plan_page, "spot.trade.current_plan_order", "spot.trade.history_plan_order"),
        "spot.trade.plan_sub_order": _plan_sub_orders,
    }
)
