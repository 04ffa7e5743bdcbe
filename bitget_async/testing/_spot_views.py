"""Spot answers as Bitget words them: order, fill and plan-order rows (margin reuses them).
"""

from __future__ import annotations

from typing import Any

from ._state import Account
from ._trading import Fill, SpotOrder, SpotPlan
from ._wire import fmt, wire_fields

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
        **wire_fields(order, "symbol", "order_id", "client_oid", "price", "size", "order_type", "side", "status"),
        "priceAvg": fmt(order.price_avg),
        "basePrice": fmt(order.price_avg),
        **wire_fields(order, "base_volume", "quote_volume"),
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
        **wire_fields(order, "c_time", "u_time"),
    }


def fill_row(acct: Account, fill: Fill) -> dict[str, Any]:
    return {
        "userId": acct.uid,
        **wire_fields(fill, "symbol", "order_id", "trade_id", "order_type", "side"),
        "priceAvg": fmt(fill.price),
        **wire_fields(fill, "size", "amount"),
        "feeDetail": {"deduction": "no", "feeCoin": fill.fee_coin, "totalDeductionFee": "", "totalFee": fmt(-fill.fee)},
        "tradeScope": fill.scope,
        "cTime": str(fill.c_time),
        "uTime": str(fill.c_time),
    }


def plan_row(plan: SpotPlan) -> dict[str, Any]:
    return {
        **wire_fields(plan, "order_id", "client_oid", "symbol", "size", "execute_price", "trigger_price", "status"),
        **wire_fields(plan, "order_type", "side", "plan_type", "trigger_type"),
        "enterPointSource": "API",
        **wire_fields(plan, "u_time", "c_time"),
    }
