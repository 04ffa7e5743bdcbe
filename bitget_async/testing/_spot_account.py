"""Spot account and wallet routes: assets, account info, bills, transfers between account
types (and their records), transferable coins, funding assets.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ._catalog import COINS, SPOT, spot_pair
from ._ledger import FuturesBill, Transfer
from ._spot import (
    INSUFFICIENT,
    bill,
)
from ._state import Ctx, Handler
from ._wire import D0, SimError, fmt, numbered, page

__all__ = ["HANDLERS", "wallet_key_for"]


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
        "spot.account.assets": _assets,
        "spot.account.info": _info,
        "spot.account.bills": _bills,
        "spot.account.transfer_records": _transfer_records,
        "spot.wallet.transfer": _transfer,
        "spot.wallet.transfer_coin_info": _transfer_coins,
        "account.funding_assets": _funding_assets,
    }
)
