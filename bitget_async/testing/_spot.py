"""Spot matching engine (also used by margin orders): placing, filling and cancelling orders
and firing plan orders as the price path moves.  The routes are in ``_spot_orders.py``, ``_spot_plans.py`` and ``_spot_account.py``.

Matching is deliberately simple and exact: a market order fills at once at the current price;
a limit order that crosses the current price fills at once at that price (taker), otherwise it
rests and fills completely at its own price (maker) the moment the path reaches it.  There are
no partial fills.  Fees are charged in the coin received (base for buys, quote for sells).
"""

from __future__ import annotations

from decimal import Decimal

from ._arrival import arrival
from ._catalog import SPOT, SpotPair, spot_pair
from ._ledger import Bill
from ._lending import borrow, repay
from ._state import Account, Exchange
from ._trading import Fill, SpotOrder, SpotPlan
from ._wire import D0, SimError, fmt, quant, scale_of

__all__ = ["DUPLICATE", "INSUFFICIENT", "NOT_FOUND", "bill", "cancel_order", "check_scale", "match", "oid_namespace", "place_order"]

INSUFFICIENT = ("43012", "Insufficient balance")
NOT_FOUND = ("43001", "The order does not exist")
DUPLICATE = {"spot": ("43118", "clientOrderId duplicate"), "margin": ("50060", "Duplicated clientOid")}


def check_scale(name: str, value: Decimal, places: int) -> None:
    if scale_of(value) > places:
        raise SimError(
            "40808", f"Parameter verification exception {name} checkBDScale error value={fmt(value)} checkScale={places}"
        )


def oid_namespace(wallet_key: str) -> str:
    return "spot" if wallet_key == "spot" else f"margin:{wallet_key}"


def place_order(
    ex: Exchange,
    acct: Account,
    *,
    wallet_key: str,
    symbol: str,
    side: str,
    order_type: str,
    force: str,
    price: Decimal | None,
    size: Decimal,
    client_oid: str,
    now: int,
    source: str = "normal",
    loan_type: str = "normal",
) -> SpotOrder:
    """Validate, freeze funds, record the order and fill it at once when it is marketable."""
    pair = spot_pair(symbol)
    inst = pair.inst
    family = "spot" if wallet_key == "spot" else "margin"
    if size <= 0:
        raise SimError("40020", "Parameter size error")
    current = ex.price(pair)
    if order_type == "limit":
        if price is None or price <= 0:
            raise SimError("40019", "Parameter price cannot be empty")
        check_scale("price", price, inst.price_scale)
        check_scale("size", size, inst.qty_scale)
        notional = price * size
    else:
        price = D0
        if side == "buy":
            check_scale("size", size, 8)
            notional = size
        else:
            check_scale("size", size, inst.qty_scale)
            notional = size * current
    if notional < pair.min_notional:
        raise SimError("45110", f"less than the minimum amount {fmt(pair.min_notional)} USDT")
    namespace = oid_namespace(wallet_key)
    if client_oid and acct.find_client_oid(namespace, client_oid) is not None:
        raise SimError(*DUPLICATE[family])
    wallet = acct.wallet(wallet_key)
    coin, need = (pair.quote, notional) if side == "buy" else (pair.base, size)
    if loan_type in ("autoLoan", "autoLoanAndRepay") and wallet_key != "spot" and wallet.free(coin) < need:
        borrow(ex, acct, wallet_key, coin, need - wallet.free(coin), now, "auto_loan")
    wallet.freeze(coin, need, INSUFFICIENT)
    order = SpotOrder(  # one line per concern: identity, terms, funds, origin, times
        order_id=ex.ids.next(), client_oid=client_oid, symbol=pair.symbol, wallet=wallet_key,
        side=side, order_type=order_type, force=force or "gtc", price=price, size=size,
        frozen=need, loan_type=loan_type,
        source="market" if order_type == "market" and source == "normal" else source,
        c_time=now, u_time=now,
    )
    if client_oid:
        acct.claim_client_oid(namespace, client_oid, order.order_id, DUPLICATE[family])
    acct.add_order(order)
    action = arrival(order_type, order.force, (side == "buy" and price >= current) or (side == "sell" and price <= current))
    if action == "fill":
        _fill(ex, acct, order, current, "taker", now)
    elif action == "cancel":
        cancel_order(acct, order, now)
    return order


def _fill(ex: Exchange, acct: Account, order: SpotOrder, px: Decimal, scope: str, now: int) -> None:
    pair = SPOT[order.symbol]
    wallet = acct.wallet(order.wallet)
    rate = pair.taker_fee if scope == "taker" else pair.maker_fee
    if order.side == "buy":
        qty = quant(order.size / px, pair.inst.qty_scale) if order.order_type == "market" else order.size
        if qty <= 0:
            cancel_order(acct, order, now)
            return
        value = qty * px
        wallet.spend_frozen(pair.quote, value)
        wallet.unfreeze(pair.quote, order.frozen - value)
        fee, fee_coin = qty * rate, pair.base
        wallet.credit(pair.base, qty - fee)
        received, spent = (pair.base, qty - fee), (pair.quote, value)
    else:
        qty = order.size
        value = qty * px
        wallet.spend_frozen(pair.base, qty)
        fee, fee_coin = value * rate, pair.quote
        wallet.credit(pair.quote, value - fee)
        received, spent = (pair.quote, value - fee), (pair.base, qty)
    order.frozen = D0
    order.status = "filled"
    order.base_volume, order.quote_volume, order.price_avg = qty, value, px
    order.fee, order.fee_coin, order.u_time = fee, fee_coin, now
    acct.fills.append(
        Fill(ex.ids.next(), order.order_id, order.symbol, order.side, order.order_type, px, qty, value, fee, fee_coin, scope, now, order.wallet)
    )
    if order.wallet == "spot":
        business = "BUY" if order.side == "buy" else "SELL"
        bill(ex, acct, spent[0], "transaction", business, -spent[1], D0, now)
        bill(ex, acct, received[0], "transaction", business, received[1], fee, now)
    elif order.loan_type in ("autoRepay", "autoLoanAndRepay"):
        coin = received[0]
        owed = wallet.debt(coin)
        if owed > 0 and wallet.free(coin) > 0:
            repay(ex, acct, order.wallet, coin, min(owed, wallet.free(coin)), now, "auto_repay")


def cancel_order(acct: Account, order: SpotOrder, now: int, reason: str = "normal_cancel") -> None:
    pair = SPOT[order.symbol]
    acct.wallet(order.wallet).unfreeze(pair.quote if order.side == "buy" else pair.base, order.frozen)
    order.frozen = D0
    order.status = "cancelled"
    order.cancel_reason = reason
    order.u_time = now


def bill(ex: Exchange, acct: Account, coin: str, group: str, business: str, size: Decimal, fee: Decimal, now: int) -> None:
    balance = acct.wallet("spot").free(coin)
    acct.bills.append(Bill(ex.ids.next(), coin, group, business, size, balance, -fee, now))


def match(ex: Exchange, acct: Account, pair: SpotPair, low: Decimal, high: Decimal, now: int) -> None:
    """Trigger plans, then fill resting limits that the price path reached in ``[low, high]``."""
    for plan in [p for p in acct.live_plans() if p.symbol == pair.symbol]:
        if (plan.direction == "up" and high >= plan.trigger_price) or (
            plan.direction == "down" and low <= plan.trigger_price
        ):
            _execute_plan(ex, acct, plan, now)
    for order in [o for o in acct.open_orders() if o.symbol == pair.symbol]:
        if order.order_type != "limit":
            continue
        if (order.side == "buy" and low <= order.price) or (order.side == "sell" and high >= order.price):
            _fill(ex, acct, order, order.price, "maker", now)


def _execute_plan(ex: Exchange, acct: Account, plan: SpotPlan, now: int) -> None:
    pair = SPOT[plan.symbol]
    current = ex.price(pair)
    reference = plan.execute_price if plan.order_type == "limit" else current
    if plan.order_type == "market" and plan.side == "buy":
        size = plan.size if plan.plan_type == "total" else quant(plan.size * current, 8)
    elif plan.plan_type == "total":
        size = quant(plan.size / reference, pair.inst.qty_scale)
    else:
        size = plan.size
    plan.u_time = now
    try:
        order = place_order(
            ex, acct, wallet_key="spot", symbol=plan.symbol, side=plan.side, order_type=plan.order_type,
            force=plan.force, price=plan.execute_price or None, size=size, client_oid="", now=now, source="plan",
        )
    except SimError as exc:
        plan.status, plan.fail_reason = "fail_execute", exc.msg
        return
    plan.status, plan.sub_order_id = "executed", order.order_id
