"""Futures answers as Bitget words them: position, order, fill, plan and account rows, and an
account's futures equity (used by the all-accounts balance too).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ._catalog import CONTRACTS, PRODUCT_WALLET, contract
from ._lending import equity
from ._state import Account, Exchange
from ._trading import FuturesFill, FuturesOrder, FuturesPlan, Position
from ._wire import D0, fmt, quant, wire_fields

__all__ = ["account_row", "fill_row", "futures_equity", "order_row", "plan_row", "position_row"]


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
        **wire_fields(order, "symbol", "size", "order_id", "client_oid", "base_volume"),
        "priceAvg": fmt(order.price_avg) if filled else "",
        "fee": fmt(-order.fee) if filled else "",
        "price": fmt(order.price),
        "state": order.status,
        **wire_fields(order, "status", "side", "force"),
        "totalProfits": fmt(order.profit) if filled else "",
        **wire_fields(order, "pos_side", "margin_coin"),
        "quoteVolume": fmt(order.base_volume * order.price_avg),
        **wire_fields(order, "leverage", "margin_mode"),
        "reduceOnly": "YES" if order.reduce_only else "NO",
        "enterPointSource": "API",
        **wire_fields(order, "trade_side", "pos_mode", "order_type"),
        "orderSource": order.source,
        "cancelReason": order.cancel_reason,
        "presetStopSurplusPrice": fmt(order.preset_tp) if order.preset_tp else "",
        "presetStopLossPrice": fmt(order.preset_sl) if order.preset_sl else "",
        **wire_fields(order, "c_time", "u_time"),
    }


def fill_row(fill: FuturesFill) -> dict[str, Any]:
    return {
        **wire_fields(fill, "trade_id", "symbol", "margin_coin", "order_id", "price"),
        "baseVolume": fmt(fill.size),
        "feeDetail": [{"deduction": "no", "feeCoin": fill.margin_coin, "totalDeductionFee": "0", "totalFee": fmt(-fill.fee)}],
        "side": fill.side,
        "quoteVolume": fmt(fill.size * fill.price),
        "profit": fmt(fill.profit),
        "enterPointSource": "API",
        **wire_fields(fill, "trade_side", "pos_mode"),
        "tradeScope": fill.scope,
        "cTime": str(fill.c_time),
    }


def plan_row(acct: Account, plan: FuturesPlan) -> dict[str, Any]:
    executed = acct.f_orders.get(plan.executed_order_id)
    return {
        **wire_fields(plan, "plan_type", "symbol", "size", "order_id"),
        "executeOrderId": plan.executed_order_id,
        "clientOid": plan.client_oid,
        "planStatus": plan.status,
        "price": fmt(plan.price) if plan.price else "",
        "executePrice": fmt(plan.price) if plan.price else "",
        "priceAvg": fmt(executed.price_avg) if executed is not None and executed.status == "filled" else "",
        "baseVolume": fmt(executed.base_volume) if executed is not None else "",
        "callbackRatio": fmt(plan.callback_ratio) if plan.callback_ratio else "",
        **wire_fields(plan, "trigger_price", "trigger_type", "side", "pos_side", "margin_coin", "margin_mode"),
        "enterPointSource": "API",
        **wire_fields(plan, "trade_side", "pos_mode", "order_type"),
        "orderSource": "normal",
        **wire_fields(plan, "c_time", "u_time"),
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


def account_row(ex: Exchange, acct: Account, product: str, coin: str) -> dict[str, Any]:
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
