"""Spot answers as Bitget words them: order, fill and plan-order rows (margin reuses them).
"""

from __future__ import annotations

from typing import Any

from ._state import Account
from ._trading import Fill, SpotOrder, SpotPlan
from ._wire import fmt

__all__ = ["fee_detail_text", "fill_row", "order_row", "plan_row"]


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


def plan_row(plan: SpotPlan) -> dict[str, Any]:
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
