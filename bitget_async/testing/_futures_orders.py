"""Futures order routes: place (single and batch), cancel, modify, detail, order pages, fills
and flash-close of positions, through the engine in ``_futures.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ._futures import (
    NO_POSITION,
    NOT_FOUND,
    batch_cancel,
    cancel_order,
    place_order,
    product_of,
    symbol_of,
)
from ._futures_views import fill_row, order_row
from ._state import Ctx, Handler, listings
from ._trading import FuturesOrder
from ._wire import Params, SimError, batch, id_pair, page

__all__ = ["HANDLERS"]


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
    return batch(ctx.p.seq("orderList"), lambda item: _place_from(ctx, item, ctx.p))


def _find(ctx: Ctx, p: Params, product: str, symbol: str) -> FuturesOrder:
    order_id = p.text("orderId") or ctx.acct.find_client_oid("futures", p.text("clientOid")) or ""
    order = ctx.acct.f_orders.get(order_id)
    if order is None or order.product != product or (symbol and order.symbol != symbol):
        raise SimError(*NOT_FOUND)
    return order


def _cancel_open(ctx: Ctx, order: FuturesOrder) -> FuturesOrder:
    if not order.is_open:
        raise SimError(*NOT_FOUND)
    cancel_order(ctx.acct, order, ctx.now)
    return order


def _cancel(ctx: Ctx) -> Any:
    product = product_of(ctx.p)
    return id_pair(_cancel_open(ctx, _find(ctx, ctx.p, product, symbol_of(ctx.p, product))))


def _batch_cancel(ctx: Ctx) -> Any:
    def everything(product: str, symbol: str) -> list[FuturesOrder]:
        orders = ctx.acct.f_orders.values()
        chosen = [o for o in orders if o.is_open and o.product == product and (not symbol or o.symbol == symbol)]
        return [_cancel_open(ctx, o) for o in chosen]

    return batch_cancel(ctx.p, lambda item, product, symbol: _cancel_open(ctx, _find(ctx, item, product, symbol)), everything)


def _cancel_all(ctx: Ctx) -> Any:
    product = product_of(ctx.p)
    coin = ctx.p.text("marginCoin").upper()
    chosen = [o for o in ctx.acct.open_futures_orders() if o.product == product and (not coin or o.margin_coin == coin)]
    return {"successList": [id_pair(_cancel_open(ctx, o)) for o in chosen], "failureList": []}


def _modify(ctx: Ctx) -> Any:
    p = ctx.p
    product = product_of(p)
    old = _find(ctx, p, product, symbol_of(p, product))
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
    return id_pair(order)


def _detail(ctx: Ctx) -> Any:
    product = product_of(ctx.p)
    return order_row(_find(ctx, ctx.p, product, symbol_of(ctx.p, product)))


def _order_page(ctx: Ctx, open_: bool) -> Any:
    p = ctx.p
    product = product_of(p)
    symbol = symbol_of(p, product)
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
    product = product_of(p)
    symbol = symbol_of(p, product)
    rows = [
        f
        for f in ctx.acct.f_fills
        if f.product == product and (not symbol or f.symbol == symbol) and (not p.text("orderId") or f.order_id == p.text("orderId"))
    ]
    chosen = page(rows, p, key=lambda f: f.trade_id, time=lambda f: f.c_time)
    return {"fillList": [fill_row(f) for f in chosen] or None, "endId": chosen[-1].trade_id if chosen else ""}


def _close_positions(ctx: Ctx) -> Any:
    p, acct = ctx.p, ctx.acct
    product = product_of(p)
    symbol = symbol_of(p, product)
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


HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {
        "mix.order.place_order": _place,
        "mix.order.batch_place_order": _batch_place,
        "mix.order.cancel_order": _cancel,
        "mix.order.batch_cancel_orders": _batch_cancel,
        "mix.order.cancel_all_orders": _cancel_all,
        "mix.order.modify_order": _modify,
        "mix.order.detail": _detail,
        **listings(_order_page, "mix.order.orders_pending", "mix.order.orders_history"),
        "mix.order.fills": _fills,
        "mix.order.fill_history": _fills,
        "mix.order.close_positions": _close_positions,
    }
)
