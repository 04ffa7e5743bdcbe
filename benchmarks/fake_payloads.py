"""The fake server's market data: random but fixed at start-up, shaped and sized like Bitget's.

Only size and shape matter to the benchmark (every number a string, 1,000 rows per page), so the
values are drawn from a seeded ``random.Random``: the same bytes in every run and every process,
which lets ``decode_bench.py`` and the tests time and decode exactly what the server sends.
Standard library only: the test suite and the decode benchmark import this module.
"""

from __future__ import annotations

import json
import random

__all__ = [
    "REQUEST_TIME",
    "candles_body",
    "envelope",
    "symbol_names",
    "symbols_body",
    "ticker_dict",
    "tickers_body",
]

REQUEST_TIME = 1_700_000_000_000


def envelope(data: object) -> bytes:
    """Bitget's success envelope around ``data``, compact as the exchange sends it."""
    return json.dumps(
        {"code": "00000", "msg": "success", "requestTime": REQUEST_TIME, "data": data}, separators=(",", ":")
    ).encode()


def _dec(rng: random.Random, whole: int, frac: int) -> str:
    """A plain decimal string with ``frac`` digits after the point (as Bitget sends prices)."""
    return f"{rng.randrange(1, 10**whole)}.{rng.randrange(0, 10**frac):0{frac}d}"


def ticker_dict(symbol: str, rng: random.Random) -> dict[str, str]:
    """One spot ticker shaped like Bitget's (every number a string, ``ts`` included)."""
    return {
        "symbol": symbol,
        "high24h": _dec(rng, 5, 4),
        "open": _dec(rng, 5, 4),
        "low24h": _dec(rng, 5, 4),
        "lastPr": _dec(rng, 5, 4),
        "quoteVolume": _dec(rng, 8, 6),
        "baseVolume": _dec(rng, 8, 6),
        "usdtVolume": _dec(rng, 8, 6),
        "bidPr": _dec(rng, 5, 4),
        "askPr": _dec(rng, 5, 4),
        "bidSz": _dec(rng, 4, 4),
        "askSz": _dec(rng, 4, 4),
        "openUtc": _dec(rng, 5, 4),
        "ts": str(REQUEST_TIME - rng.randrange(0, 1000)),
        "changeUtc24h": f"-0.{rng.randrange(0, 10**5):05d}",
        "change24h": f"0.{rng.randrange(0, 10**5):05d}",
    }


def symbol_names(count: int) -> list[str]:
    """``BTCUSDT`` first, then made-up pairs: the same list for tickers and for ``/symbols``."""
    return ["BTCUSDT"] + [f"C{i:04d}USDT" for i in range(1, count)]


def tickers_body(count: int = 1000) -> bytes:
    """The ``/tickers`` answer without ``symbol``: ``count`` tickers, about 360 bytes each."""
    rng = random.Random(1000 + count)
    return envelope([ticker_dict(s, rng) for s in symbol_names(count)])


def candles_body(count: int = 1000) -> bytes:
    """``count`` one-minute candles: arrays of 8 strings, as ``/candles`` returns them."""
    rng = random.Random(count)
    rows = []
    for i in range(count):
        ts = str(REQUEST_TIME - (count - i) * 60_000)
        rows.append([ts, *(_dec(rng, 5, 2) for _ in range(4)), _dec(rng, 6, 4), _dec(rng, 8, 4), _dec(rng, 8, 4)])
    return envelope(rows)


def symbols_body(count: int = 1000) -> bytes:
    """``/spot/public/symbols`` for the same pairs, so ccxt can load its markets from us."""
    rows = [
        {
            "symbol": s,
            "baseCoin": s[:-4],
            "quoteCoin": "USDT",
            "minTradeAmount": "0",
            "maxTradeAmount": "10000000000",
            "takerFeeRate": "0.001",
            "makerFeeRate": "0.001",
            "pricePrecision": "6",
            "quantityPrecision": "6",
            "quotePrecision": "6",
            "status": "online",
            "minTradeUSDT": "1",
            "buyLimitPriceRatio": "0.05",
            "sellLimitPriceRatio": "0.05",
            "areaSymbol": "no",
            "orderQuantity": "200",
            "openTime": "1532454360000",
            "offTime": "",
        }
        for s in symbol_names(count)
    ]
    return envelope(rows)
