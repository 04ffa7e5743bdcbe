"""Convert: quote, then trade against the spot balances; small balances to BGB.

Facts from Bitget's pages (common/convert/*, common/bgb-convert/*, and the REST error-code table):

* a quote (``traceId``) is valid for 8 seconds and, here, for one trade; a trade whose quote is
  unknown, used or stale is refused with 12021 "Flash quote expired", one whose coins, sizes or
  price differ from the quote with 12022 (the quote was "tampered with");
* the quote's price is the ratio of the two coins' prices (``cnvtPrice`` = fromCoin price /
  toCoin price) and the fee is 0, as every documented example shows;
* sizes below or above the per-coin limits of ``currencies`` are 12006 / 12007, coins that
  cannot be converted 43131, a short balance 43132;
* "small balances" are spot balances worth less than 10 USDT (Bitget's help page); converting
  them to BGB costs 2% of the BGB received (``feeRate`` 0.02 in the doc example), and a coin
  worth more is refused with 70211.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ._catalog import COINS
from ._ledger import Conversion, Quote
from ._spot import bill
from ._state import Account, Ctx, Exchange, Handler
from ._wire import D0, SimError, fmt, page, quant

__all__ = ["HANDLERS", "QUOTE_TTL_MS"]

QUOTE_TTL_MS = 8_000
_SIZE_PLACES = 8  # convert sizes carry 8 decimals (doc examples)
_PRICE_PLACES = 16  # cnvtPrice as quoted (doc example "0.0005226794534969")
_MIN_VALUE = Decimal(1)  # USDT value of the smallest convert
_MAX_VALUE = Decimal(200_000)  # USDT value of the largest convert
_SMALL_BALANCE = Decimal(10)  # USDT: what counts as a small balance
_BGB_FEE_RATE = Decimal("0.02")


def _unit(ex: Exchange, coin: str) -> Decimal:
    return ex.usdt_value(coin, Decimal(1))


def _coin(ctx: Ctx, name: str) -> str:
    coin = ctx.p.text(name).upper()
    if coin not in COINS or _unit(ctx.ex, coin) <= 0:
        raise SimError("43131", f"Current currency: {coin} does not support convert")
    return coin


def _limits(ex: Exchange, coin: str) -> tuple[Decimal, Decimal]:
    unit = _unit(ex, coin)
    return quant(_MIN_VALUE / unit, _SIZE_PLACES, up=True), quant(_MAX_VALUE / unit, _SIZE_PLACES)


def _check_size(ex: Exchange, coin: str, size: Decimal) -> None:
    low, high = _limits(ex, coin)
    if size < low:
        raise SimError("12006", "Minimum limit not reached.")
    if size > high:
        raise SimError("12007", "Maximum limit exceeded.")


# -- convert ------------------------------------------------------------------------------
def _currencies(ctx: Ctx) -> Any:
    wallet = ctx.acct.wallet("spot")
    rows = []
    for coin in COINS:
        low, high = _limits(ctx.ex, coin)
        rows.append({"coin": coin, "available": fmt(wallet.free(coin)), "maxAmount": fmt(high), "minAmount": fmt(low)})
    return rows


def _quoted_price(ctx: Ctx) -> Any:
    from_coin, to_coin = _coin(ctx, "fromCoin"), _coin(ctx, "toCoin")
    if from_coin == to_coin:
        raise SimError("43131", f"Current currency: {to_coin} does not support convert")
    price = quant(_unit(ctx.ex, from_coin) / _unit(ctx.ex, to_coin), _PRICE_PLACES)
    from_size = ctx.p.opt_dec("fromCoinSize")
    if from_size is not None:
        to_size = quant(from_size * price, _SIZE_PLACES)
    else:
        to_size = ctx.p.opt_dec("toCoinSize") or D0
        if to_size <= 0:
            raise SimError("40019", "Parameter fromCoinSize cannot be empty")
        from_size = quant(to_size / price, _SIZE_PLACES, up=True)
    if from_size <= 0 or to_size <= 0:
        raise SimError("12006", "Minimum limit not reached.")
    _check_size(ctx.ex, from_coin, from_size)
    quote = Quote(ctx.ex.ids.next(), from_coin, from_size, to_coin, to_size, price, D0, ctx.now)
    acct = ctx.acct
    for trace_id in [t for t, q in acct.quotes.items() if ctx.now - q.c_time > QUOTE_TTL_MS]:
        del acct.quotes[trace_id]  # forget stale quotes so a long test does not grow them forever
    acct.quotes[quote.trace_id] = quote
    return {
        "fee": fmt(quote.fee),
        "fromCoinSize": fmt(from_size),
        "fromCoin": from_coin,
        "cnvtPrice": fmt(price),
        "toCoinSize": fmt(to_size),
        "toCoin": to_coin,
        "traceId": quote.trace_id,
    }


def _trade(ctx: Ctx) -> Any:
    acct, p = ctx.acct, ctx.p
    quote = acct.quotes.get(p.text("traceId"))
    if quote is None or ctx.now - quote.c_time > QUOTE_TTL_MS:
        raise SimError("12021", "Flash quote expired")
    asked = (p.text("fromCoin").upper(), p.dec("fromCoinSize"), p.text("toCoin").upper(), p.dec("toCoinSize"), p.dec("cnvtPrice"))
    if asked != (quote.from_coin, quote.from_size, quote.to_coin, quote.to_size, quote.price):
        raise SimError("12022", "The flash quote information has been tampered with")
    wallet = acct.wallet("spot")
    wallet.debit(quote.from_coin, quote.from_size, ("43132", f"{quote.from_coin}Insufficient funds"))
    wallet.credit(quote.to_coin, quote.to_size - quote.fee)
    del acct.quotes[quote.trace_id]
    record = Conversion(
        ctx.ex.ids.next(), "convert", quote.from_coin, quote.from_size, quote.to_coin, quote.to_size, quote.price, quote.fee, ctx.now
    )
    acct.conversions.append(record)
    bill(ctx.ex, acct, quote.from_coin, "convert", "convert", -quote.from_size, D0, ctx.now)
    bill(ctx.ex, acct, quote.to_coin, "convert", "convert", quote.to_size - quote.fee, quote.fee, ctx.now)
    return {"ts": str(ctx.now), "cnvtPrice": fmt(quote.price), "toCoinSize": fmt(quote.to_size), "toCoin": quote.to_coin}


def _records(acct: Account, kind: str) -> list[Conversion]:
    return [c for c in acct.conversions if c.kind == kind]


def _convert_record(ctx: Ctx) -> Any:
    rows = page(_records(ctx.acct, "convert"), ctx.p, key=lambda c: c.record_id, time=lambda c: c.c_time, default_limit=20)
    return {
        "dataList": [
            {
                "id": c.record_id,
                "ts": str(c.c_time),
                "cnvtPrice": fmt(c.price),
                "fee": fmt(c.fee),
                "fromCoinSize": fmt(c.from_size),
                "fromCoin": c.from_coin,
                "toCoinSize": fmt(c.to_size),
                "toCoin": c.to_coin,
            }
            for c in rows
        ],
        "endId": rows[-1].record_id if rows else "",
    }


# -- small balances to BGB ----------------------------------------------------------------
def _bgb_estimate(ex: Exchange, coin: str, amount: Decimal) -> tuple[Decimal, Decimal]:
    """BGB bought with ``amount`` of ``coin`` (before the fee) and the fee, 8 decimals."""
    gross = quant(ex.usdt_value(coin, amount) / _unit(ex, "BGB"), _SIZE_PLACES)
    return gross, quant(gross * _BGB_FEE_RATE, _SIZE_PLACES, up=True)


def _small_balance(ex: Exchange, acct: Account, coin: str) -> bool:
    amount = acct.wallet("spot").free(coin)
    return coin != "BGB" and amount > 0 and ex.usdt_value(coin, amount) < _SMALL_BALANCE


def _bgb_coin_list(ctx: Ctx) -> Any:
    wallet, rows = ctx.acct.wallet("spot"), []
    for coin in wallet.coins():
        if coin in COINS and _small_balance(ctx.ex, ctx.acct, coin):
            gross, fee = _bgb_estimate(ctx.ex, coin, wallet.free(coin))
            rows.append(
                {
                    "coin": coin,
                    "available": fmt(wallet.free(coin)),
                    "bgbEstAmount": fmt(gross),
                    "precision": str(_SIZE_PLACES),
                    "feeDetail": [{"feeRate": fmt(_BGB_FEE_RATE), "fee": fmt(fee)}],
                    "cTime": str(ctx.now),
                }
            )
    return {"coinList": rows}


def _bgb_convert(ctx: Ctx) -> Any:
    acct, ex = ctx.acct, ctx.ex
    coins = [str(c).upper() for c in ctx.p.seq("coinList")]
    for coin in coins:  # all or nothing: check every coin before moving any balance
        if coin not in COINS or coin == "BGB":
            raise SimError("43131", f"Current currency: {coin} does not support convert")
        if acct.wallet("spot").free(coin) <= 0:
            raise SimError("43132", f"{coin}Insufficient funds")
        if not _small_balance(ex, acct, coin):
            raise SimError("70211", f"{coin} balance exceeds {_SMALL_BALANCE} USDT")
    wallet, orders = acct.wallet("spot"), []
    for coin in dict.fromkeys(coins):
        amount = wallet.free(coin)
        gross, fee = _bgb_estimate(ex, coin, amount)
        wallet.debit(coin, amount)
        wallet.credit("BGB", gross - fee)
        record = Conversion(
            ex.ids.next(), "bgb", coin, amount, "BGB", gross, D0, fee, ctx.now, from_price=_unit(ex, coin), to_price=_unit(ex, "BGB")
        )
        acct.conversions.append(record)
        bill(ex, acct, coin, "convert", "bgb_convert", -amount, D0, ctx.now)
        bill(ex, acct, "BGB", "convert", "bgb_convert", gross - fee, fee, ctx.now)
        orders.append({"coin": coin, "orderId": record.record_id})
    return {"orderList": orders}


def _bgb_records(ctx: Ctx) -> Any:
    wanted = ctx.p.text("orderId")
    found = [c for c in _records(ctx.acct, "bgb") if not wanted or c.record_id == wanted]
    return [
        {
            "orderId": c.record_id,
            "fromCoin": c.from_coin,
            "fromAmount": fmt(c.from_size),
            "fromCoinPrice": fmt(c.from_price),
            "toCoin": c.to_coin,
            "toAmount": fmt(c.to_size),
            "toCoinPrice": fmt(c.to_price),
            "feeDetail": [{"feeCoin": c.to_coin, "fee": fmt(c.fee)}],
            "status": "success",
            "ctime": str(c.c_time),
        }
        for c in page(found, ctx.p, key=lambda c: c.record_id, time=lambda c: c.c_time, default_limit=20)
    ]


HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {
        "convert.currencies": _currencies,
        "convert.quoted_price": _quoted_price,
        "convert.trade": _trade,
        "convert.convert_record": _convert_record,
        "convert.bgb_convert_coin_list": _bgb_coin_list,
        "convert.bgb_convert": _bgb_convert,
        "convert.bgb_convert_records": _bgb_records,
    }
)
