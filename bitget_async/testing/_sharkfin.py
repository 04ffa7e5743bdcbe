"""Sharkfin: principal-protected products subscribed from spot, the quota shared by all users.

Facts from Bitget's pages (earn/sharkfin/*): a product has a subscription window, an interest
period of ``period`` days and a quota (``limitAmount``) that every user's subscriptions use up
(``soldAmount``); over the remaining quota is 59043.  Subscriptions are listed in
``earn/account/assets`` with the savings (``_earn.py`` holds the shared bookkeeping).  Products
do not settle here: ``assets(status="settled")`` stays empty.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ._earn import check_amount, holdings, outcome, subscribe, worth
from ._state import Ctx, Exchange, Handler
from ._wire import D0, SimError, fmt, page

__all__ = ["HANDLERS", "SHARKFIN"]

_DAY_MS = 86_400_000


@dataclasses.dataclass(frozen=True)
class Sharkfin:
    product_id: str
    name: str
    product_coin: str
    subscribe_coin: str
    period_days: int
    rates: tuple[str, str, str]  # lower, default, upper APY in %
    min_amount: Decimal
    limit_amount: Decimal  # product quota across all users


SHARKFIN: Mapping[str, Sharkfin] = MappingProxyType({
    s.product_id: s
    for s in (
        Sharkfin("5201", "USDT/BTC_7D", "BTC", "USDT", 7, ("2.00", "4.00", "15.00"), Decimal(100), Decimal(5_000_000)),
        Sharkfin("5202", "USDT/ETH_7D", "ETH", "USDT", 7, ("2.00", "4.50", "18.00"), Decimal(100), Decimal(5_000_000)),
    )
})


# -- sharkfin -----------------------------------------------------------------------------
def _sharkfin(ctx: Ctx) -> Sharkfin:
    product = SHARKFIN.get(ctx.p.text("productId"))
    if product is None:
        raise SimError("59049", "Product does not exist")
    return product


def _sold(ex: Exchange, product: Sharkfin) -> Decimal:
    """Sold across every account of the exchange: the quota is the product's, not the user's."""
    return sum(
        (h.amount for a in ex.accounts.values() for h in holdings(a, "sharkfin") if h.product_id == product.product_id), D0
    )


def _window(ex: Exchange, product: Sharkfin) -> tuple[int, int, int]:
    """(subscription start, interest start, interest end) in epoch ms: subscribing runs from the
    market's first day, interest from the next day for ``period_days``."""
    start = ex.start_ms // _DAY_MS * _DAY_MS
    interest = start + 2 * _DAY_MS
    return start, interest, interest + product.period_days * _DAY_MS


def _sharkfin_products(ctx: Ctx) -> Any:
    coin = ctx.p.text("coin").upper()
    found = [s for s in SHARKFIN.values() if coin in (s.product_coin, s.subscribe_coin)]
    rows = page(found, ctx.p, key=lambda s: s.product_id, default_limit=20)
    result = []
    for s in rows:
        start, interest, end = _window(ctx.ex, s)
        lower, default, upper = s.rates
        result.append({
            "productId": s.product_id, "productName": s.name, "productCoin": s.product_coin, "subscribeCoin": s.subscribe_coin,
            "farmingStartTime": str(start), "farmingEndTime": str(interest), "lowerRate": lower, "defaultRate": default,
            "upperRate": upper, "period": str(s.period_days), "interestStartTime": str(interest), "status": "in_progress",
            "minAmount": fmt(s.min_amount), "limitAmount": fmt(s.limit_amount), "soldAmount": fmt(_sold(ctx.ex, s)),
            "endTime": str(end), "startTime": str(start),
        })
    return {"resultList": result, "endId": rows[-1].product_id if rows else ""}


def _sharkfin_subscribe_info(ctx: Ctx) -> Any:
    s = _sharkfin(ctx)
    _, interest, end = _window(ctx.ex, s)
    price = ctx.ex.usdt_value(s.product_coin, Decimal(1))
    lower, default, upper = s.rates
    return {
        "productCoin": s.product_coin, "subscribeCoin": s.subscribe_coin, "interestTime": str(interest),
        "expirationTime": str(end), "minPrice": fmt(price * Decimal("0.95")), "currentPrice": fmt(price),
        "maxPrice": fmt(price * Decimal("1.05")), "minRate": lower, "defaultRate": default, "maxRate": upper,
        "period": str(s.period_days), "productMinAmount": fmt(s.min_amount),
        "availableBalance": fmt(ctx.acct.wallet("spot").free(s.subscribe_coin)), "userAmount": fmt(s.limit_amount),
        "remainingAmount": fmt(s.limit_amount - _sold(ctx.ex, s)), "profitPrecision": "8", "subscribePrecision": "8",
    }


def _sharkfin_subscribe(ctx: Ctx) -> Any:
    s, amount = _sharkfin(ctx), ctx.p.dec("amount")
    remaining = s.limit_amount - _sold(ctx.ex, s)
    check_amount(amount, s.min_amount, s.limit_amount, 8)
    if amount > remaining:
        raise SimError("59043", f"Insufficient product remaining quota, remaining {fmt(remaining)} {s.subscribe_coin}")
    record = subscribe(ctx, "sharkfin", s.product_id, s.subscribe_coin, amount, None)
    return {"orderId": record.record_id, "status": "success"}


def _sharkfin_subscribe_result(ctx: Ctx) -> Any:
    wanted = ctx.p.text("orderId")
    return outcome(any(r.record_id == wanted and r.family == "sharkfin" for r in ctx.acct.earn_records), "subscription")


def _sharkfin_assets(ctx: Ctx) -> Any:
    held = holdings(ctx.acct, "sharkfin") if ctx.p.text("status") == "subscribed" else []  # nothing settles here
    rows = page(held, ctx.p, key=lambda h: h.order_id, time=lambda h: h.c_time, default_limit=20)
    result = []
    for h in rows:
        s = SHARKFIN[h.product_id]
        _, interest, end = _window(ctx.ex, s)
        result.append({
            "productId": s.product_id, "interestStartTime": str(interest), "interestEndTime": str(end),
            "productCoin": s.product_coin, "subscribeCoin": s.subscribe_coin, "trend": "up", "settleTime": str(end),
            "interestAmount": "", "productStatus": "running",
        })
    return {"resultList": result, "endId": rows[-1].order_id if rows else ""}


def _sharkfin_records(ctx: Ctx) -> Any:
    coin, kind = ctx.p.text("coin").upper(), ctx.p.text("type")
    mine = [r for r in ctx.acct.earn_records if r.family == "sharkfin" and r.kind == kind and (not coin or r.coin == coin)]
    rows = page(mine, ctx.p, key=lambda r: r.record_id, time=lambda r: r.c_time, default_limit=20)
    return {
        "resultList": [
            {
                "orderId": r.record_id, "product": SHARKFIN[r.product_id].name, "period": str(SHARKFIN[r.product_id].period_days),
                "amount": fmt(r.amount), "ts": str(r.c_time), "type": r.kind,
            }
            for r in rows
        ],
        "endId": rows[-1].record_id if rows else "",
    }


def _sharkfin_account(ctx: Ctx) -> Any:
    btc, usdt = worth(ctx.ex, holdings(ctx.acct, "sharkfin"))
    zero = "0"
    return {"btcSubscribeAmount": btc, "usdtSubscribeAmount": usdt, "btcHistoricalAmount": btc, "usdtHistoricalAmount": usdt,
            "btcTotalEarning": zero, "usdtTotalEarning": zero}


HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {
        "earn.sharkfin.product": _sharkfin_products,
        "earn.sharkfin.account": _sharkfin_account,
        "earn.sharkfin.assets": _sharkfin_assets,
        "earn.sharkfin.records": _sharkfin_records,
        "earn.sharkfin.subscribe_info": _sharkfin_subscribe_info,
        "earn.sharkfin.subscribe": _sharkfin_subscribe,
        "earn.sharkfin.subscribe_result": _sharkfin_subscribe_result,
    }
)
