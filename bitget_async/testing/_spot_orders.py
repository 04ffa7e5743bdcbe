"""Spot order routes: place (single and batch), cancel (one, batch, by symbol, cancel-replace),
order info, open and history pages, fills; order lookup by id or clientOid (margin uses it too).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ._catalog import spot_pair
from ._spot import (
    NOT_FOUND,
    cancel_order,
    oid_namespace,
    place_order,
)
from ._spot_plans import new_plan
from ._spot_views import fill_row, order_row
from ._state import Account, Ctx, Handler
from ._trading import SpotOrder
from ._wire import D0, Params, SimError, batch, fmt, id_pair, page

__all__ = ["HANDLERS", "find_order"]


# -- order lookups --------------------------------------------------------------------------
def find_order(acct: Account, p: Params, wallet_key: str, *, symbol: str | None = None) -> SpotOrder:
    order_id = p.text("orderId")
    if not order_id and p.text("clientOid"):
        order_id = acct.find_client_oid(oid_namespace(wallet_key), p.text("clientOid")) or ""
    if not order_id and not p.text("clientOid"):
        raise SimError("40019", "Parameter orderId cannot be empty")
    order = acct.orders.get(order_id)
    if order is None or order.wallet != wallet_key or (symbol and order.symbol != spot_pair(symbol).symbol):
        raise SimError(*NOT_FOUND)
    return order


def _cancel_open(acct: Account, p: Params, wallet_key: str, symbol: str | None, now: int) -> SpotOrder:
    order = find_order(acct, p, wallet_key, symbol=symbol)
    if not order.is_open:
        raise SimError(*NOT_FOUND)
    cancel_order(acct, order, now)
    return order


# -- spot trade handlers ------------------------------------------------------------------
def _place(ctx: Ctx) -> Any:
    p = ctx.p
    if p.text("tpslType") == "tpsl":
        plan = new_plan(ctx, p, trigger=p.dec("triggerPrice"), execute=p.opt_dec("price") or D0, plan_type="amount")
        return id_pair(plan)
    order = place_order(
        ctx.ex, ctx.acct, wallet_key="spot", symbol=p.text("symbol"), side=p.text("side"),
        order_type=p.text("orderType"), force=p.text("force", "gtc"), price=p.opt_dec("price"),
        size=p.dec("size"), client_oid=p.text("clientOid"), now=ctx.now,
    )
    return id_pair(order)


def _batch_place(ctx: Ctx) -> Any:
    p = ctx.p
    multiple = p.text("batchMode", "single") == "multiple"
    if not multiple and not p.text("symbol"):
        raise SimError("40019", "Parameter symbol cannot be empty")

    def place(item: Params) -> SpotOrder:
        return place_order(
            ctx.ex, ctx.acct, wallet_key="spot",
            symbol=item.text("symbol") if multiple else p.text("symbol"),
            side=item.text("side"), order_type=item.text("orderType"), force=item.text("force", "gtc"),
            price=item.opt_dec("price"), size=item.dec("size"), client_oid=item.text("clientOid"), now=ctx.now,
        )

    return batch(p.seq("orderList"), place)


def _cancel(ctx: Ctx) -> Any:
    return id_pair(_cancel_open(ctx.acct, ctx.p, "spot", ctx.p.text("symbol"), ctx.now))


def _batch_cancel(ctx: Ctx) -> Any:
    p = ctx.p
    def cancel(item: Params) -> SpotOrder:
        return _cancel_open(ctx.acct, item, "spot", item.text("symbol") or p.text("symbol") or None, ctx.now)

    return batch(p.seq("orderList"), cancel)


def _cancel_symbol(ctx: Ctx) -> Any:
    pair = spot_pair(ctx.p.text("symbol"))
    for order in ctx.acct.open_orders():
        if order.wallet == "spot" and order.symbol == pair.symbol:
            cancel_order(ctx.acct, order, ctx.now)
    return {"symbol": pair.symbol}


def _cancel_replace(ctx: Ctx) -> Any:
    p = ctx.p
    old = _cancel_open(ctx.acct, p, "spot", p.text("symbol"), ctx.now)
    order = place_order(
        ctx.ex, ctx.acct, wallet_key="spot", symbol=old.symbol, side=old.side, order_type="limit", force=old.force,
        price=p.dec("price"), size=p.dec("size"), client_oid=p.text("newClientOid"), now=ctx.now,
    )
    return {"orderId": order.order_id, "clientOid": order.client_oid or None, "success": "success", "msg": None}


def _order_info(ctx: Ctx) -> Any:
    return [order_row(ctx.acct, find_order(ctx.acct, ctx.p, "spot"))]


def _orders(ctx: Ctx, *, open_: bool) -> list[SpotOrder]:
    p = ctx.p
    symbol = spot_pair(p.text("symbol")).symbol if p.text("symbol") else ""
    return [
        o
        for o in ctx.acct.orders.values()
        if o.wallet == "spot"
        and o.is_open == open_
        and (not symbol or o.symbol == symbol)
        and (not p.text("orderId") or o.order_id == p.text("orderId"))
    ]


def _unfilled(ctx: Ctx) -> Any:
    rows = []
    for order in page(_orders(ctx, open_=True), ctx.p, key=lambda o: o.order_id, time=lambda o: o.c_time):
        row = order_row(ctx.acct, order)
        row["priceAvg"] = fmt(order.price)  # on this route the doc's "priceAvg" is the order price
        rows.append(row)
    return rows


def _history(ctx: Ctx) -> Any:
    orders = page(_orders(ctx, open_=False), ctx.p, key=lambda o: o.order_id, time=lambda o: o.c_time)
    return [order_row(ctx.acct, o) for o in orders]


def _fills(ctx: Ctx) -> Any:
    p = ctx.p
    symbol = spot_pair(p.text("symbol")).symbol if p.text("symbol") else ""
    fills = [
        f
        for f in ctx.acct.fills
        if f.wallet == "spot" and (not symbol or f.symbol == symbol) and (not p.text("orderId") or f.order_id == p.text("orderId"))
    ]
    return [fill_row(ctx.acct, f) for f in page(fills, p, key=lambda f: f.trade_id, time=lambda f: f.c_time)]


HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {
        "spot.trade.place_order": _place,
        "spot.trade.batch_orders": _batch_place,
        "spot.trade.cancel_order": _cancel,
        "spot.trade.batch_cancel_order": _batch_cancel,
        "spot.trade.cancel_symbol_order": _cancel_symbol,
        "spot.trade.cancel_replace_order": _cancel_replace,
        "spot.trade.order_info": _order_info,
        "spot.trade.unfilled_orders": _unfilled,
        "spot.trade.history_orders": _history,
        "spot.trade.fills": _fills,
    }
)
