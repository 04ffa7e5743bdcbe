"""Futures routes: account settings, positions, orders, trigger orders and TP/SL, answered
from exchange state through the engine in ``_futures.py``."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ._catalog import CONTRACTS, PRODUCT_WALLET, contract
from ._futures import (
    DUPLICATE,
    NO_POSITION,
    NOT_FOUND,
    PLAN_NOT_FOUND,
    busy,
    cancel_order,
    hold_of,
    new_tpsl,
    place_order,
    wallet_key,
)
from ._lending import equity
from ._spot import check_scale
from ._state import Account, Ctx, Exchange, Handler
from ._trading import FuturesFill, FuturesOrder, FuturesPlan, Position
from ._wire import D0, Params, SimError, fmt, page, quant

__all__ = ["HANDLERS", "futures_equity", "order_row", "position_row"]


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
    value = equity(ex, acct.wallet(key)) if key in acct.wallets else D0
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
    wallet = acct.wallet(wallet_key(c))
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
        if busy(acct, c):
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
    wallet = acct.wallet(wallet_key(c))
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
        pos_side=hold_of(p.text("side")) if pos_mode == "hedge_mode" else "net", order_type=order_type, size=size,
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
        (equity(ex, w) for k, w in acct.wallets.items() if k == "crossed_margin" or k.startswith("isolated_margin:")),
        D0,
    )
    values = (
        ("spot", equity(ex, acct.wallet("spot"))),
        ("futures", sum((futures_equity(ex, acct, product) for product in ("USDT-FUTURES", "USDC-FUTURES")), D0)),
        ("funding", equity(ex, acct.wallet("p2p"))),
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
