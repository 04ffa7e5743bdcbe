"""The synthetic market both the REST routes (``_market.py``) and the streams (``_ws_feed.py``)
show: tickers with day statistics, candles, order-book levels and trades, all derived from the
deterministic price paths of ``_feed.py`` at the exchange's market time, so the same instant
reads the same over REST and WebSocket.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ._catalog import SPOT, Contract, Instrument, SpotPair
from ._state import Exchange
from ._wire import fmt, quant

__all__ = ["DAY_MS", "HOUR_MS", "MINUTE_MS", "TRADE_ID_BASE", "candles", "day_stats", "depth_size", "mix_ticker", "order_book", "recent_trades", "spot_ticker", "trade_row"]


MINUTE_MS = 60_000


HOUR_MS = 60 * MINUTE_MS


DAY_MS = 24 * HOUR_MS


def day_stats(ex: Exchange, inst: Instrument) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
    """(last, open 24 h ago, low, high, base volume) over the last day of market time."""
    key = ("day", inst.base, ex.market_ms)
    cached = ex.market_cache.get(key)
    if cached is None:
        t = ex.market_ms
        last = ex.feed.price(inst, t)
        low, high = ex.feed.extremes(inst, t - DAY_MS, t, max_points=96)
        cached = ex.market_cache[key] = (last, ex.feed.price(inst, t - DAY_MS), low, high, ex.feed.volume(inst, t, DAY_MS, last))
    return cached


def _change(last: Decimal, opened: Decimal) -> str:
    return fmt(quant((last - opened) / opened, 5)) if opened else "0"


def depth_size(ex: Exchange, inst: Instrument, side: str, level: int, price: Decimal) -> Decimal:
    usdt = Decimal(50 + ex.feed.noise(inst.base, side, level, ex.market_ms) % 2_000)
    return max(inst.lot, quant(usdt / price, inst.qty_scale))


def spot_ticker(ex: Exchange, pair: SpotPair, now: int) -> dict[str, Any]:
    inst = pair.inst
    last, opened, low, high, volume = day_stats(ex, inst)
    return {
        "symbol": pair.symbol,
        "high24h": fmt(high),
        "open": fmt(opened),
        "low24h": fmt(low),
        "lastPr": fmt(last),
        "quoteVolume": fmt(quant(volume * last, 4)),
        "baseVolume": fmt(volume),
        "usdtVolume": fmt(quant(volume * last, 4)),
        "bidPr": fmt(last - inst.tick),
        "askPr": fmt(last + inst.tick),
        "bidSz": fmt(depth_size(ex, inst, "bid", 1, last)),
        "askSz": fmt(depth_size(ex, inst, "ask", 1, last)),
        "openUtc": fmt(opened),
        "ts": str(now),
        "changeUtc24h": _change(last, opened),
        "change24h": _change(last, opened),
    }


def mix_ticker(ex: Exchange, c: Contract, now: int) -> dict[str, Any]:
    row = spot_ticker(ex, SPOT[f"{c.base}USDT"], now)
    row.update(
        symbol=c.symbol,
        indexPrice=row["lastPr"],
        markPrice=row["lastPr"],
        fundingRate="0.0001",
        holdingAmount=fmt(quant(day_stats(ex, c.inst)[4] * 3, c.inst.qty_scale)),
        deliveryStartTime=None,
        deliveryTime=None,
        deliveryStatus="",
        open24h=row["open"],
    )
    return row


def candles(
    ex: Exchange, inst: Instrument, granularity_ms: int, *, start: int, end: int, limit: int, now: int, mix: bool
) -> list[list[str]]:
    """Candles oldest first; the last one is the candle in progress (as on Bitget)."""
    end = min(end or now, now)
    last_open = end - end % granularity_ms
    first_open = last_open - (limit - 1) * granularity_ms
    if start:
        first_open = max(first_open, start + (-start % granularity_ms))
    rows = []
    for ts in range(first_open, last_open + 1, granularity_ms):
        a = ex.market_time_of(ts)
        b = ex.market_time_of(min(ts + granularity_ms, now))
        opened, closed = ex.feed.price(inst, a), ex.feed.price(inst, b)
        low, high = ex.feed.extremes(inst, a, b, max_points=12) if b > a else (opened, opened)
        volume = ex.feed.volume(inst, ts, granularity_ms, closed)
        quote = fmt(quant(volume * closed, 4))
        row = [str(ts), fmt(opened), fmt(high), fmt(low), fmt(closed), fmt(volume), quote]
        rows.append(row if mix else [*row, quote])
    return rows


def order_book(ex: Exchange, inst: Instrument, levels: int, now: int) -> dict[str, Any]:
    price = ex.feed.price(inst, ex.market_ms)
    asks = [[fmt(price + inst.tick * k), fmt(depth_size(ex, inst, "ask", k, price))] for k in range(1, levels + 1)]
    bids = [
        [fmt(price - inst.tick * k), fmt(depth_size(ex, inst, "bid", k, price))]
        for k in range(1, levels + 1)
        if price - inst.tick * k > 0
    ]
    return {"asks": asks, "bids": bids, "ts": str(now)}


def recent_trades(ex: Exchange, inst: Instrument, symbol: str, limit: int, now: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(limit):
        ts = now - i * 1_000 - ex.feed.noise(inst.base, "trade-ts", i, ex.market_ms) % 1_000
        rows.append(trade_row(ex, inst, symbol, ts, ex.feed.noise(inst.base, "trade", i, ex.market_ms), i))
    return rows


def trade_row(ex: Exchange, inst: Instrument, symbol: str, ts: int, noise: int, level: int) -> dict[str, Any]:
    """One market trade at ``ts``: side and tick offset from ``noise``, size from depth ``level``."""
    price = ex.feed.price(inst, ex.market_time_of(ts)) + inst.tick * (noise % 3 - 1)
    return {
        "symbol": symbol,
        "tradeId": str(TRADE_ID_BASE + ts),
        "side": "buy" if noise % 2 else "sell",
        "price": fmt(max(price, inst.tick)),
        "size": fmt(depth_size(ex, inst, "trade", level, price)),
        "ts": str(ts),
    }


TRADE_ID_BASE = 10**15
