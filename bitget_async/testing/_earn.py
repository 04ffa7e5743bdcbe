"""Earn savings (flexible and fixed), subscribed from and redeemed to spot; the Earn account.

Facts from Bitget's pages (earn/savings/*, earn/account/*, REST error codes): subscriptions
take the coin from the spot account and ``earn/account/assets`` shows what the Earn account
holds (savings and sharkfin, see ``_sharkfin.py``); redemptions pay back to spot, at most once
a minute per product ("the interval of each redeem should be more than 1min"); a fixed-term
holding is redeemed by its ``orderId``, whole.  Error codes: 59049 unknown product, 59020 /
59030 below / above the single-subscription limits, 59010 too many decimals, 59016 over the
per-user holding cap, 59011 short balance, 59025 fixed redemption without ``orderId``, 59022
redeeming more than is held, 59044 redeeming again within a minute.
Interest is not accrued here (profits read 0): the simulator's market time drives trading, and
earning days are outside what a client test asserts on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ._ledger import EarnHolding, EarnRecord
from ._spot import bill
from ._state import Account, Ctx, Exchange, Handler
from ._wire import D0, SimError, fmt, page, scale_of

__all__ = ["HANDLERS", "SAVINGS", "check_amount", "holdings", "outcome", "subscribe", "worth"]

_DAY_MS = 86_400_000
_REDEEM_INTERVAL_MS = 60_000


@dataclasses.dataclass(frozen=True)
class Savings:
    product_id: str
    coin: str
    period_type: str  # flexible / fixed
    period_days: int  # 0 for flexible
    single_min: Decimal
    single_max: Decimal
    user_cap: Decimal  # the most one user may hold
    precision: int
    apy: tuple[tuple[str, str, str], ...]  # (min step, max step, APY in %)


_TIERS = (("0", "1000", "8.00"), ("1000", "1000000", "3.00"))
SAVINGS: Mapping[str, Savings] = MappingProxyType({
    s.product_id: s
    for s in (
        Savings("4101", "USDT", "flexible", 0, Decimal(1), Decimal(1_000_000), Decimal(2_000_000), 6, _TIERS),
        Savings("4102", "BTC", "flexible", 0, Decimal("0.0001"), Decimal(50), Decimal(100), 8, (("0", "100", "1.20"),)),
        Savings("4103", "ETH", "flexible", 0, Decimal("0.001"), Decimal(500), Decimal(1000), 8, (("0", "1000", "2.10"),)),
        Savings("4107", "USDT", "fixed", 7, Decimal(10), Decimal(100_000), Decimal(200_000), 6, (("0", "200000", "10.00"),)),
        Savings("4130", "USDT", "fixed", 30, Decimal(10), Decimal(100_000), Decimal(200_000), 6, (("0", "200000", "12.00"),)),
    )
})
def holdings(acct: Account, family: str) -> list[EarnHolding]:
    return [h for h in acct.earn_holdings.values() if h.family == family and h.amount > 0]


def _record(
    ex: Exchange, acct: Account, family: str, product_id: str, coin: str, kind: str, amount: Decimal, now: int, record_id: str = ""
) -> EarnRecord:
    record = EarnRecord(record_id or ex.ids.next(), family, product_id, coin, kind, amount, now)
    acct.earn_records.append(record)
    return record


def subscribe(ctx: Ctx, family: str, product_id: str, coin: str, amount: Decimal, holding_id: str | None) -> EarnRecord:
    """Move ``amount`` from spot into a holding (``holding_id``: add to it; None: a new one).

    A new holding takes the subscription's id, so the ``orderId`` that subscribe answers also
    names the holding (``assets`` lists it, a fixed-term redemption takes it)."""
    acct, ex = ctx.acct, ctx.ex
    acct.wallet("spot").debit(coin, amount, ("59011", "Insufficient balance"))
    record_id = ex.ids.next()
    holding = acct.earn_holdings.get(holding_id or "")
    if holding is None:
        holding = EarnHolding(record_id, family, product_id, coin, D0, ctx.now)
        acct.earn_holdings[holding.order_id] = holding
    holding.amount += amount
    bill(ex, acct, coin, "financial", "subscribe", -amount, D0, ctx.now)
    kind = "subscribe" if family == "savings" else "subscription"
    return _record(ex, acct, family, product_id, coin, kind, amount, ctx.now, record_id)


def check_amount(amount: Decimal, low: Decimal, high: Decimal, precision: int) -> None:
    if amount < low:
        raise SimError("59020", "Minimum limit for single subscription")
    if amount > high:
        raise SimError("59030", "Exceeding the max amount for once subscribe")
    if scale_of(amount) > precision:
        raise SimError("59010", f"The precision of the subscription amount cannot exceed {precision} digits")


def worth(ex: Exchange, holdings: Iterable[EarnHolding]) -> tuple[str, str]:
    """Total value of holdings in (BTC, USDT), formatted."""
    usdt = sum((ex.usdt_value(h.coin, h.amount) for h in holdings), D0)
    btc = usdt / ex.usdt_value("BTC", Decimal(1))
    return fmt(btc.quantize(Decimal("1e-8"))), fmt(usdt.quantize(Decimal("1e-8")))


def outcome(found: bool, what: str) -> dict[str, str]:
    return {"result": "success", "msg": ""} if found else {"result": "fail", "msg": f"The {what} does not exist"}


# -- savings ------------------------------------------------------------------------------
def _savings(ctx: Ctx) -> Savings:
    product = SAVINGS.get(ctx.p.text("productId"))
    if product is None or product.period_type != ctx.p.text("periodType"):
        raise SimError("59049", "Product does not exist")
    return product


def _held(acct: Account, product: Savings) -> Decimal:
    return sum((h.amount for h in holdings(acct, "savings") if h.product_id == product.product_id), D0)


def _apy_rows(product: Savings, low: str, high: str) -> list[dict[str, str]]:
    return [{"rateLevel": str(i), low: a, high: b, "currentApy": apy} for i, (a, b, apy) in enumerate(product.apy)]


def _savings_products(ctx: Ctx) -> Any:
    coin, wanted = ctx.p.text("coin").upper(), ctx.p.text("filter", "available_and_held")
    rows = []
    for product in SAVINGS.values():
        held = _held(ctx.acct, product) > 0
        if (coin and product.coin != coin) or (wanted == "held" and not held):
            continue
        rows.append({
            "productId": product.product_id,
            "coin": product.coin,
            "periodType": product.period_type,
            "period": str(product.period_days) if product.period_type == "fixed" else "",
            "apyType": "ladder" if len(product.apy) > 1 else "single",
            "advanceRedeem": "Yes" if product.period_type == "fixed" else "",
            "settleMethod": "maturity" if product.period_type == "fixed" else "daily",
            "apyList": _apy_rows(product, "minStepVal", "maxStepVal"),
            "status": "in_progress",
            "productLevel": "normal",
        })
    return rows


def _savings_account(ctx: Ctx) -> Any:
    btc, usdt = worth(ctx.ex, holdings(ctx.acct, "savings"))
    zero = "0"
    return {"btcAmount": btc, "usdtAmount": usdt, "btc24hEarning": zero, "usdt24hEarning": zero, "btcTotalEarning": zero, "usdtTotalEarning": zero}


def _savings_assets(ctx: Ctx) -> Any:
    kind = ctx.p.text("periodType")
    mine = [h for h in holdings(ctx.acct, "savings") if SAVINGS[h.product_id].period_type == kind]
    rows = page(mine, ctx.p, key=lambda h: h.order_id, time=lambda h: h.c_time, default_limit=20)
    result = []
    for h in rows:
        product = SAVINGS[h.product_id]
        fixed = product.period_type == "fixed"
        result.append({
            "productId": product.product_id,
            "orderId": h.order_id,
            "productCoin": h.coin,
            "interestCoin": h.coin,
            "periodType": product.period_type,
            "period": str(product.period_days) if fixed else "",
            "holdAmount": fmt(h.amount),
            "lastProfit": "0",
            "totalProfit": "0",
            "holdDays": str((ctx.now - h.c_time) // _DAY_MS),
            "status": "in_holding",
            "allowRedemption": "Yes",
            "advanceRedeem": "Yes" if fixed else "",
            "productLevel": "normal",
            "apy": _apy_rows(product, "minApy", "maxApy"),
        })
    return {"resultList": result, "endId": rows[-1].order_id if rows else ""}


def _savings_records(ctx: Ctx) -> Any:
    p, kind = ctx.p, ctx.p.text("periodType")
    coin, order_type = p.text("coin").upper(), p.text("orderType")
    mine = [
        r for r in ctx.acct.earn_records
        if r.family == "savings" and SAVINGS[r.product_id].period_type == kind
        and (not coin or r.coin == coin) and (not order_type or r.kind == order_type)
    ]
    rows = page(mine, p, key=lambda r: r.record_id, time=lambda r: r.c_time, default_limit=20)
    return {
        "resultList": [
            {
                "orderId": r.record_id,
                "coinName": r.coin,
                "settleCoinName": r.coin,
                "productType": kind,
                "period": str(SAVINGS[r.product_id].period_days) if kind == "fixed" else "",
                "productLevel": "normal",
                "amount": fmt(r.amount),
                "ts": str(r.c_time),
                "orderType": r.kind,
            }
            for r in rows
        ],
        "endId": rows[-1].record_id if rows else "",
    }


def _savings_subscribe_info(ctx: Ctx) -> Any:
    product = _savings(ctx)
    interest = (ctx.now // _DAY_MS + 1) * _DAY_MS  # interest from the next 00:00 UTC
    expire = str(interest + product.period_days * _DAY_MS) if product.period_type == "fixed" else ""
    return {
        "singleMinAmount": fmt(product.single_min),
        "singleMaxAmount": fmt(product.single_max),
        "remainingAmount": fmt(product.user_cap - _held(ctx.acct, product)),
        "subscribePrecision": str(product.precision),
        "profitPrecision": str(product.precision),
        "subscribeTime": str(ctx.now),
        "interestTime": str(interest),
        "settleTime": str(interest + _DAY_MS),
        "expireTime": expire,
        "redeemTime": expire,
        "settleMethod": "maturity" if product.period_type == "fixed" else "daily",
        "apyList": _apy_rows(product, "minStepVal", "maxStepVal"),
        "redeemDelay": "",
    }


def _savings_subscribe(ctx: Ctx) -> Any:
    product, amount = _savings(ctx), ctx.p.dec("amount")
    check_amount(amount, product.single_min, product.single_max, product.precision)
    if _held(ctx.acct, product) + amount > product.user_cap:
        raise SimError("59016", "The total position of a single person is exceeded")
    flexible = next((h.order_id for h in holdings(ctx.acct, "savings") if h.product_id == product.product_id), None)
    record = subscribe(ctx, "savings", product.product_id, product.coin, amount, flexible if product.period_type == "flexible" else None)
    return {"orderId": record.record_id}


def _savings_subscribe_result(ctx: Ctx) -> Any:
    product = _savings(ctx)
    return outcome(any(r.product_id == product.product_id and r.kind == "subscribe" for r in ctx.acct.earn_records), "subscription")


def _savings_redeem(ctx: Ctx) -> Any:
    acct, product, amount = ctx.acct, _savings(ctx), ctx.p.dec("amount")
    if product.period_type == "fixed" and not ctx.p.text("orderId"):
        raise SimError("59025", "orderId cannot be empty when redeeming regular financial management")
    mine = [h for h in holdings(acct, "savings") if h.product_id == product.product_id]
    if product.period_type == "fixed":
        mine = [h for h in mine if h.order_id == ctx.p.text("orderId")]
    if amount <= 0 or not mine or amount > mine[0].amount:
        raise SimError("59022", "Insufficient balance")
    last = acct.earn_redeemed.get(product.product_id)
    if last is not None and ctx.now - last < _REDEEM_INTERVAL_MS:
        raise SimError("59044", "Operations are frequent, please try again later.")
    holding = mine[0]
    paid = holding.amount if product.period_type == "fixed" else amount  # a fixed term is redeemed whole
    holding.amount -= paid
    if holding.amount <= 0:
        del acct.earn_holdings[holding.order_id]
    acct.wallet("spot").credit(product.coin, paid)
    acct.earn_redeemed[product.product_id] = ctx.now
    bill(ctx.ex, acct, product.coin, "financial", "redeem", paid, D0, ctx.now)
    record = _record(ctx.ex, acct, "savings", product.product_id, product.coin, "redeem", paid, ctx.now)
    return {"orderId": record.record_id, "status": "success"}


def _savings_redeem_result(ctx: Ctx) -> Any:
    wanted = ctx.p.text("orderId")
    return outcome(any(r.record_id == wanted and r.kind == "redeem" for r in ctx.acct.earn_records), "redemption")


# -- the Earn account ---------------------------------------------------------------------
def _earn_assets(ctx: Ctx) -> Any:
    coin = ctx.p.text("coin").upper()
    totals: dict[str, Decimal] = {}
    for h in ctx.acct.earn_holdings.values():
        if h.amount > 0 and (not coin or h.coin == coin):
            totals[h.coin] = totals.get(h.coin, D0) + h.amount
    return [{"coin": c, "amount": fmt(totals[c])} for c in sorted(totals)]


HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {
        "earn.account.assets": _earn_assets,
        "earn.savings.product": _savings_products,
        "earn.savings.account": _savings_account,
        "earn.savings.assets": _savings_assets,
        "earn.savings.records": _savings_records,
        "earn.savings.subscribe_info": _savings_subscribe_info,
        "earn.savings.subscribe": _savings_subscribe,
        "earn.savings.subscribe_result": _savings_subscribe_result,
        "earn.savings.redeem": _savings_redeem,
        "earn.savings.redeem_result": _savings_redeem_result,
    }
)
