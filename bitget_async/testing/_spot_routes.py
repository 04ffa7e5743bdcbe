"""Spot routes: trade (orders, batches, plan orders), account (assets, bills) and wallet
(transfers), answered from exchange state through the engine in ``_spot.py``."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ._catalog import COINS, SPOT, spot_pair
from ._ledger import FuturesBill, Transfer
from ._spot import (
    DUPLICATE,
    INSUFFICIENT,
    NOT_FOUND,
    PLAN_NOT_FOUND,
    bill,
    cancel_order,
    check_scale,
    oid_namespace,
    place_order,
)
from ._state import Account, Ctx, Handler
from ._trading import Fill, SpotOrder, SpotPlan
from ._wire import D0, Params, SimError, fmt, numbered, page, page_more

__all__ = ["HANDLERS", "fill_row", "find_order", "order_row"]


# -- rows ---------------------------------------------------------------------------------
def fee_detail_text(order: SpotOrder) -> str:
    """``feeDetail`` as Bitget sends it: a JSON object serialized into a string, numbers bare."""
    if order.status != "filled":
        return ""
    fee = f"-{fmt(order.fee)}" if order.fee else "0"
    coin = order.fee_coin
    return (
        f'{{"newFees":{{"c":0,"d":0,"deduction":false,"r":{fee},"t":{fee},"totalDeductionFee":0}},'
        f'"{coin}":{{"deduction":false,"feeCoinCode":"{coin}","totalDeductionFee":0,"totalFee":{fee}}}}}'
    )


def order_row(acct: Account, order: SpotOrder) -> dict[str, Any]:
    """One order as orderInfo / history-orders show it (unfilled-orders adjusts two fields)."""
    return {
        "userId": acct.uid,
        "symbol": order.symbol,
        "orderId": order.order_id,
        "clientOid": order.client_oid,
        "price": fmt(order.price),
        "size": fmt(order.size),
        "orderType": order.order_type,
        "side": order.side,
        "status": order.status,
        "priceAvg": fmt(order.price_avg),
        "basePrice": fmt(order.price_avg),
        "baseVolume": fmt(order.base_volume),
        "quoteVolume": fmt(order.quote_volume),
        "enterPointSource": "API",
        "feeDetail": fee_detail_text(order),
        "orderSource": order.source,
        "cancelReason": order.cancel_reason,
        "tpslType": "normal",
        "triggerPrice": None,
        "presetTakeProfitPrice": "0",
        "executeTakeProfitPrice": "",
        "presetStopLossPrice": "0",
        "executeStopLossPrice": "",
        "cTime": str(order.c_time),
        "uTime": str(order.u_time),
    }


def fill_row(acct: Account, fill: Fill) -> dict[str, Any]:
    return {
        "userId": acct.uid,
        "symbol": fill.symbol,
        "orderId": fill.order_id,
        "tradeId": fill.trade_id,
        "orderType": fill.order_type,
        "side": fill.side,
        "priceAvg": fmt(fill.price),
        "size": fmt(fill.size),
        "amount": fmt(fill.amount),
        "feeDetail": {"deduction": "no", "feeCoin": fill.fee_coin, "totalDeductionFee": "", "totalFee": fmt(-fill.fee)},
        "tradeScope": fill.scope,
        "cTime": str(fill.c_time),
        "uTime": str(fill.c_time),
    }


def _plan_row(plan: SpotPlan) -> dict[str, Any]:
    return {
        "orderId": plan.order_id,
        "clientOid": plan.client_oid,
        "symbol": plan.symbol,
        "size": fmt(plan.size),
        "executePrice": fmt(plan.execute_price),
        "triggerPrice": fmt(plan.trigger_price),
        "status": plan.status,
        "orderType": plan.order_type,
        "side": plan.side,
        "planType": plan.plan_type,
        "triggerType": plan.trigger_type,
        "enterPointSource": "API",
        "uTime": str(plan.u_time),
        "cTime": str(plan.c_time),
    }


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


def _item_result(order: SpotOrder) -> dict[str, str]:
    return {"orderId": order.order_id, "clientOid": order.client_oid}


def _failure(item: Params, exc: SimError) -> dict[str, str]:
    return {"orderId": item.text("orderId"), "clientOid": item.text("clientOid"), "errorMsg": exc.msg, "errorCode": exc.code}


# -- spot trade handlers ------------------------------------------------------------------
def _place(ctx: Ctx) -> Any:
    p = ctx.p
    if p.text("tpslType") == "tpsl":
        plan = _new_plan(ctx, p, trigger=p.dec("triggerPrice"), execute=p.opt_dec("price") or D0, plan_type="amount")
        return {"orderId": plan.order_id, "clientOid": plan.client_oid}
    order = place_order(
        ctx.ex, ctx.acct, wallet_key="spot", symbol=p.text("symbol"), side=p.text("side"),
        order_type=p.text("orderType"), force=p.text("force", "gtc"), price=p.opt_dec("price"),
        size=p.dec("size"), client_oid=p.text("clientOid"), now=ctx.now,
    )
    return _item_result(order)


def _batch_place(ctx: Ctx) -> Any:
    p = ctx.p
    multiple = p.text("batchMode", "single") == "multiple"
    if not multiple and not p.text("symbol"):
        raise SimError("40019", "Parameter symbol cannot be empty")
    success, failure = [], []
    for raw in p.seq("orderList"):
        item = Params(raw)
        try:
            order = place_order(
                ctx.ex, ctx.acct, wallet_key="spot",
                symbol=item.text("symbol") if multiple else p.text("symbol"),
                side=item.text("side"), order_type=item.text("orderType"), force=item.text("force", "gtc"),
                price=item.opt_dec("price"), size=item.dec("size"), client_oid=item.text("clientOid"), now=ctx.now,
            )
        except SimError as exc:
            failure.append(_failure(item, exc))
        else:
            success.append(_item_result(order))
    return {"successList": success, "failureList": failure}


def _cancel(ctx: Ctx) -> Any:
    return _item_result(_cancel_open(ctx.acct, ctx.p, "spot", ctx.p.text("symbol"), ctx.now))


def _batch_cancel(ctx: Ctx) -> Any:
    p = ctx.p
    success, failure = [], []
    for raw in p.seq("orderList"):
        item = Params(raw)
        try:
            order = _cancel_open(ctx.acct, item, "spot", item.text("symbol") or p.text("symbol") or None, ctx.now)
        except SimError as exc:
            failure.append(_failure(item, exc))
        else:
            success.append(_item_result(order))
    return {"successList": success, "failureList": failure}


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


# -- plan orders --------------------------------------------------------------------------
def _new_plan(ctx: Ctx, p: Params, *, trigger: Decimal, execute: Decimal, plan_type: str) -> SpotPlan:
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
        direction="up" if trigger >= ctx.ex.price(pair) else "down",
        c_time=ctx.now,
        u_time=ctx.now,
    )
    if client_oid:
        ctx.acct.claim_client_oid("plan", client_oid, plan.order_id, DUPLICATE["spot"])
    ctx.acct.add_plan(plan)
    return plan


def _place_plan(ctx: Ctx) -> Any:
    p = ctx.p
    plan = _new_plan(
        ctx, p, trigger=p.dec("triggerPrice"), execute=p.opt_dec("executePrice") or D0, plan_type=p.text("planType", "amount")
    )
    return {"orderId": plan.order_id, "clientOid": plan.client_oid}


def _find_plan(ctx: Ctx, p: Params) -> SpotPlan:
    order_id = p.text("orderId") or ctx.acct.find_client_oid("plan", p.text("clientOid")) or ""
    plan = ctx.acct.plans.get(order_id)
    if plan is None:
        raise SimError(*PLAN_NOT_FOUND)
    return plan


def _modify_plan(ctx: Ctx) -> Any:
    p = ctx.p
    plan = _find_plan(ctx, p)
    if plan.status != "live":
        raise SimError("43026", "The planned order has been closed")
    plan.trigger_price = p.dec("triggerPrice")
    plan.order_type = p.text("orderType")
    plan.execute_price = (p.opt_dec("executePrice") or D0) if plan.order_type == "limit" else D0
    plan.size = p.dec("size")
    plan.direction = "up" if plan.trigger_price >= ctx.ex.price(SPOT[plan.symbol]) else "down"
    plan.u_time = ctx.now
    return {"orderId": plan.order_id, "clientOid": plan.client_oid}


def _cancel_plan(ctx: Ctx) -> Any:
    plan = _find_plan(ctx, ctx.p)
    if plan.status != "live":
        raise SimError("43026", "The planned order has been closed")
    plan.status, plan.u_time = "cancelled", ctx.now
    return {"result": "success"}


def _batch_cancel_plans(ctx: Ctx) -> Any:
    symbols = {spot_pair(s).symbol for s in ctx.p.seq("symbolList")}
    success = []
    for plan in ctx.acct.plans.values():
        if plan.status == "live" and (not symbols or plan.symbol in symbols):
            plan.status, plan.u_time = "cancelled", ctx.now
            success.append({"orderId": plan.order_id, "clientOid": plan.client_oid})
    return {"successList": success, "failureList": []}


def _plan_page(ctx: Ctx, *, live: bool) -> Any:
    p = ctx.p
    symbol = spot_pair(p.text("symbol")).symbol if p.text("symbol") else ""
    plans = [
        plan
        for plan in ctx.acct.plans.values()
        if (plan.status == "live") == live and (not symbol or plan.symbol == symbol)
    ]
    rows, more = page_more(plans, p, key=lambda x: x.order_id, time=lambda x: x.c_time, default_limit=20, max_limit=100)
    return {
        "nextFlag": more,  # older plans remain past this page (not: fewer rows than plans exist)
        "idLessThan": rows[-1].order_id if rows else "",
        "orderList": [_plan_row(x) for x in rows],
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


# -- account and wallet -------------------------------------------------------------------
def _assets(ctx: Ctx) -> Any:
    wallet = ctx.acct.wallet("spot")
    coin = ctx.p.text("coin").upper()
    everything = ctx.p.text("assetType") == "all"
    rows = []
    for c in (coin,) if coin else tuple(wallet.coins()):
        available, frozen = wallet.free(c), wallet.locked(c)
        if not coin and not everything and not (available or frozen):
            continue
        rows.append(
            {"coin": c, "available": fmt(available), "frozen": fmt(frozen), "locked": "0", "limitAvailable": "0", "uTime": str(ctx.now)}
        )
    return rows


def _info(ctx: Ctx) -> Any:
    return {
        "userId": ctx.acct.uid,
        "inviterId": "",
        "ips": "",
        "authorities": ["trade", "readonly"],
        "parentId": int(ctx.acct.uid),
        "traderType": "not_trader",
        "channelCode": "",
        "channel": "",
        "regisTime": str(ctx.ex.start_ms),
    }


def _bills(ctx: Ctx) -> Any:
    p = ctx.p
    bills = [
        b
        for b in ctx.acct.bills
        if (not p.text("coin") or b.coin == p.text("coin").upper())
        and (not p.text("groupType") or b.group_type == p.text("groupType"))
        and (not p.text("businessType") or b.business_type == p.text("businessType"))
    ]
    return [
        {
            "cTime": str(b.c_time),
            "coin": b.coin,
            "groupType": b.group_type,
            "businessType": b.business_type,
            "size": fmt(b.size),
            "balance": fmt(b.balance),
            "fees": fmt(b.fees),
            "billId": b.bill_id,
        }
        for b in page(bills, p, key=lambda b: b.bill_id, time=lambda b: b.c_time, max_limit=500)
    ]


_TRANSFER_COINS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "usdt_futures": ("USDT",),
        "usdc_futures": ("USDC",),
        "coin_futures": tuple(c for c in COINS if c not in ("USDT", "USDC")),
    }
)


def wallet_key_for(account_type: str, symbol: str) -> str:
    """The wallet behind a transfer ``fromType``/``toType`` (isolated margin needs a symbol)."""
    if account_type == "isolated_margin":
        if not symbol:
            raise SimError("40019", "Parameter symbol cannot be empty")
        return f"isolated_margin:{spot_pair(symbol).symbol}"
    return account_type


def _transfer(ctx: Ctx) -> Any:
    p = ctx.p
    acct, now = ctx.acct, ctx.now
    from_type, to_type, coin = p.text("fromType"), p.text("toType"), p.text("coin").upper()
    amount = p.dec("amount")
    if amount <= 0:
        raise SimError("40020", "Parameter amount error")
    if from_type == to_type:
        raise SimError("40020", "Parameter toType error")
    if coin not in COINS:
        raise SimError("43129", "Transfer coin not support or invalid coin")
    symbol = p.text("symbol")
    src, dst = wallet_key_for(from_type, symbol), wallet_key_for(to_type, symbol)
    for key in (src, dst):
        allowed = _TRANSFER_COINS.get(key) or (
            (SPOT[key.split(":", 1)[1]].base, "USDT") if key.startswith("isolated_margin:") else COINS
        )
        if coin not in allowed:
            raise SimError("43129", "Transfer coin not support or invalid coin")
    client_oid = p.text("clientOid")
    if client_oid and acct.find_client_oid("transfer", client_oid) is not None:
        raise SimError("43118", "clientOrderId duplicate")
    acct.wallet(src).debit(coin, amount, INSUFFICIENT)
    acct.wallet(dst).credit(coin, amount)
    transfer = Transfer(
        ctx.ex.ids.next(), client_oid, coin, amount, from_type, to_type,
        symbol if from_type == "isolated_margin" else "", symbol if to_type == "isolated_margin" else "", now,
    )
    if client_oid:
        acct.claim_client_oid("transfer", client_oid, transfer.transfer_id, ("43118", "clientOrderId duplicate"))
    acct.transfers.append(transfer)
    for key, sign, business in ((src, -1, "TRANSFER_OUT"), (dst, 1, "TRANSFER_IN")):
        if key == "spot":
            bill(ctx.ex, acct, coin, "transfer", business, amount * sign, D0, now)
        elif key in ("usdt_futures", "usdc_futures", "coin_futures"):
            acct.f_bills.append(
                FuturesBill(
                    ctx.ex.ids.next(), key.replace("_", "-").upper(), "", coin,
                    "trans_from_exchange" if sign > 0 else "trans_to_exchange", amount * sign, D0,
                    acct.wallet(key).free(coin), now,
                )
            )
    return {"transferId": transfer.transfer_id, "clientOid": client_oid}


def _transfer_records(ctx: Ctx) -> Any:
    p = ctx.p
    coin = p.text("coin").upper()
    rows = [
        t
        for t in ctx.acct.transfers
        if t.coin == coin
        and (not p.text("fromType") or t.from_type == p.text("fromType"))
        and (not p.text("clientOid") or t.client_oid == p.text("clientOid"))
    ]
    return [
        {
            "coin": t.coin,
            "status": "Successful",
            "toType": t.to_type,
            "toSymbol": t.to_symbol,
            "fromType": t.from_type,
            "fromSymbol": t.from_symbol,
            "size": fmt(t.amount),
            "ts": str(t.ts),
            "clientOid": t.client_oid,
            "transferId": t.transfer_id,
        }
        # pageNum turns the pages; idLessThan is deprecated on this route but still honoured.
        for t in numbered(
            rows, p, key=lambda t: t.transfer_id, time=lambda t: t.ts, page_param="pageNum", size_param="limit",
            default_size=100, max_size=500, cursor="idLessThan",
        )
    ]


def _transferable(account_type: str) -> tuple[str, ...]:
    if account_type == "isolated_margin":
        return ("USDT", *(pair.base for pair in SPOT.values()))
    return _TRANSFER_COINS.get(account_type, COINS)


def _transfer_coins(ctx: Ctx) -> Any:
    to_coins = set(_transferable(ctx.p.text("toType")))
    return [c for c in _transferable(ctx.p.text("fromType")) if c in to_coins]


def _funding_assets(ctx: Ctx) -> Any:
    wallet = ctx.acct.wallet("p2p")
    coin = ctx.p.text("coin").upper()
    return [
        {"coin": c, "available": fmt(wallet.free(c)), "frozen": fmt(wallet.locked(c)), "usdtValue": fmt(ctx.ex.usdt_value(c, wallet.free(c)))}
        for c in ((coin,) if coin else tuple(wallet.coins()))
    ]


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
        "spot.trade.place_plan_order": _place_plan,
        "spot.trade.modify_plan_order": _modify_plan,
        "spot.trade.cancel_plan_order": _cancel_plan,
        "spot.trade.batch_cancel_plan_order": _batch_cancel_plans,
        "spot.trade.current_plan_order": lambda ctx: _plan_page(ctx, live=True),
        "spot.trade.history_plan_order": lambda ctx: _plan_page(ctx, live=False),
        "spot.trade.plan_sub_order": _plan_sub_orders,
        "spot.account.assets": _assets,
        "spot.account.info": _info,
        "spot.account.bills": _bills,
        "spot.account.transfer_records": _transfer_records,
        "spot.wallet.transfer": _transfer,
        "spot.wallet.transfer_coin_info": _transfer_coins,
        "account.funding_assets": _funding_assets,
    }
)
