"""Futures account routes: accounts and their settings (leverage, margin mode, position mode,
margin), positions and position history, bills, and the all-accounts balance.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ._catalog import CONTRACTS, contract
from ._futures import (
    busy,
    product_of,
    wallet_key,
)
from ._futures_views import account_row, futures_equity, position_row
from ._lending import equity
from ._state import Ctx, Handler
from ._wire import D0, SimError, fmt, page, quant, wire_fields

__all__ = ["HANDLERS"]


# -- handlers -----------------------------------------------------------------------------
def _accounts(ctx: Ctx) -> Any:
    product = product_of(ctx.p)
    coins = {c.margin_coin for c in CONTRACTS[product].values()}
    return [account_row(ctx.ex, ctx.acct, product, coin) for coin in sorted(coins)]


def _account(ctx: Ctx) -> Any:
    p = ctx.p
    c = contract(p.text("productType"), p.text("symbol"))
    if p.text("marginCoin").upper() != c.margin_coin:
        raise SimError("40778", f"Coin pair {c.symbol} does not support {p.text('marginCoin')} currency as margin")
    row = account_row(ctx.ex, ctx.acct, c.product, c.margin_coin)
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
    acct, product, mode = ctx.acct, product_of(ctx.p), ctx.p.text("posMode")
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
    product = product_of(p)
    symbol = contract(product, p.text("symbol")).symbol if p.text("symbol") else ""
    coin = p.text("marginCoin").upper()
    return [
        position_row(ctx.ex, ctx.acct, pos)
        for pos in ctx.acct.positions.values()
        if pos.product == product and (not symbol or pos.symbol == symbol) and (not coin or pos.margin_coin == coin)
    ]


def _history_positions(ctx: Ctx) -> Any:
    p = ctx.p
    product = product_of(p) if p.text("productType") else ""
    rows = [
        pos
        for pos in ctx.acct.closed_positions
        if (not product or pos.product == product) and (not p.text("symbol") or pos.symbol == p.text("symbol").upper())
    ]
    chosen = page(rows, p, key=lambda x: x.position_id, time=lambda x: x.u_time)
    return {
        "list": [
            {
                **wire_fields(pos, "position_id", "margin_coin", "symbol", "hold_side"),
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


def _bill(ctx: Ctx) -> Any:
    p = ctx.p
    product = product_of(p)
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
                **wire_fields(b, "bill_id", "symbol", "amount", "fee"),
                "feeByCoupon": "",
                **wire_fields(b, "business_type", "coin", "balance", "c_time"),
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
        "account.all_account_balance": _all_balances,
    }
)
