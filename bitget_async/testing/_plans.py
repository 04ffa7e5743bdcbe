"""Plan (trigger) orders, spot and futures alike: lookup by id or clientOid, the live check,
cancelling, and which way the trigger waits.  The plan records differ (``SpotPlan``,
``FuturesPlan``); what Bitget does with them here is the same, so it is written once."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Protocol, TypeVar

from ._state import Account
from ._wire import Params, SimError

__all__ = ["PLAN_CLOSED", "PLAN_NOT_FOUND", "cancel_plan", "direction", "find_plan", "live_plan"]

PLAN_NOT_FOUND = ("43025", "Plan order does not exist")
PLAN_CLOSED = ("43026", "The planned order has been closed")


class _Plan(Protocol):
    order_id: str
    client_oid: str
    status: str
    u_time: int


P = TypeVar("P", bound=_Plan)


def find_plan(acct: Account, p: Params, namespace: str, plans: Mapping[str, P]) -> P:
    """The plan named by ``orderId``, else by ``clientOid`` (43025 when neither finds one)."""
    order_id = p.text("orderId") or acct.find_client_oid(namespace, p.text("clientOid")) or ""
    plan = plans.get(order_id)
    if plan is None:
        raise SimError(*PLAN_NOT_FOUND)
    return plan


def live_plan(acct: Account, p: Params, namespace: str, plans: Mapping[str, P]) -> P:
    """``find_plan``, refusing a plan that already triggered or was cancelled (43026)."""
    plan = find_plan(acct, p, namespace, plans)
    if plan.status != "live":
        raise SimError(*PLAN_CLOSED)
    return plan


def cancel_plan(plan: P, now: int) -> P:
    plan.status, plan.u_time = "cancelled", now
    return plan


def direction(trigger: Decimal, price: Decimal) -> str:
    """``up`` when the trigger waits for the price to rise to it, else ``down``."""
    return "up" if trigger >= price else "down"
