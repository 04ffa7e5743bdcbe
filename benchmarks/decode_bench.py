"""Decode microbenchmark: the 1,000-ticker body (about 370 KB) through each decoder, in-process.

Compares plain-dict decoders (``json.loads``, orjson, msgspec untyped) with bitget_async's typed
decode (``find_route(...).decode(body)``: envelope check + ``list[SpotTicker]`` with exact
``Decimal`` fields, every field optional), plus benchmark-only variants that show where the time
goes: the same Struct with ``str`` fields (exact text, no ``Decimal`` objects), the same Struct
decoded without the envelope, and the previous strict layout (every field required).  The
lenient paths are timed on the same body with one blank (``""``) per row and with one number
sent as text-field JSON number per row; the candles body (1,000 rows) is timed too.
Prints one JSON object (microseconds, best and median).
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import msgspec
from fake_server import CANDLES, TICKERS, candles_body, tickers_body


class TickerText(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """``SpotTicker``'s layout with every decimal kept as its exact wire text."""

    symbol: str
    high24h: str
    open: str
    low24h: str
    last_pr: str = msgspec.field(name="lastPr")
    quote_volume: str = msgspec.field(name="quoteVolume")
    base_volume: str = msgspec.field(name="baseVolume")
    usdt_volume: str = msgspec.field(name="usdtVolume")
    bid_pr: str = msgspec.field(name="bidPr")
    ask_pr: str = msgspec.field(name="askPr")
    bid_sz: str = msgspec.field(name="bidSz")
    ask_sz: str = msgspec.field(name="askSz")
    open_utc: str = msgspec.field(name="openUtc")
    ts: int
    change_utc24h: str = msgspec.field(name="changeUtc24h")
    change24h: str


class StrictTicker(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """The layout before every field became optional: required ``Decimal``s (for comparison)."""

    symbol: str
    high24h: Decimal
    open: Decimal
    low24h: Decimal
    last_pr: Decimal = msgspec.field(name="lastPr")
    quote_volume: Decimal = msgspec.field(name="quoteVolume")
    base_volume: Decimal = msgspec.field(name="baseVolume")
    usdt_volume: Decimal = msgspec.field(name="usdtVolume")
    bid_pr: Decimal = msgspec.field(name="bidPr")
    ask_pr: Decimal = msgspec.field(name="askPr")
    bid_sz: Decimal = msgspec.field(name="bidSz")
    ask_sz: Decimal = msgspec.field(name="askSz")
    open_utc: Decimal = msgspec.field(name="openUtc")
    ts: int
    change_utc24h: Decimal = msgspec.field(name="changeUtc24h")
    change24h: Decimal


class StrictEnvelope(msgspec.Struct):
    code: str = ""
    msg: str = ""
    requestTime: int | None = None
    data: list[StrictTicker] | None = None


class StrictCandle(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """The candle row before its columns became optional (for comparison)."""

    ts: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    base_volume: Decimal
    quote_volume: Decimal
    usdt_volume: Decimal


class StrictCandleEnvelope(msgspec.Struct):
    code: str = ""
    msg: str = ""
    requestTime: int | None = None
    data: list[StrictCandle] | None = None


class TextEnvelope(msgspec.Struct):
    code: str = ""
    msg: str = ""
    requestTime: int | None = None
    data: list[TickerText] | None = None


def _time_all(cases: dict[str, Callable[[], Any]], rounds: int) -> dict[str, dict[str, float]]:
    """Round-robin: each round times every case once, so load from other processes on this
    shared machine lands on all cases alike and the ratios stay comparable."""
    for fn in cases.values():
        for _ in range(max(5, rounds // 10)):
            fn()
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            started = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - started)
    return {
        name: {"best_us": min(s) * 1e6, "median_us": statistics.median(s) * 1e6} for name, s in samples.items()
    }


def run(rounds: int) -> dict[str, Any]:
    import bitget_async
    from bitget_async.models import SpotTicker

    body = tickers_body()
    route = bitget_async.find_route("GET", TICKERS)
    typed = route.decode(body)
    assert len(typed) == 1000 and type(typed[0]).__name__ == "SpotTicker"
    text_decoder = msgspec.json.Decoder(TextEnvelope, strict=False)
    data_start = body.index(b'"data":') + len(b'"data":')
    bare = body[data_start:-1]
    bare_decoder = msgspec.json.Decoder(list[SpotTicker], strict=False)
    strict_decoder = msgspec.json.Decoder(StrictEnvelope, strict=False)
    strict_candles = msgspec.json.Decoder(StrictCandleEnvelope, strict=False)
    # Every row with one blank (the blank -> null retry) or a JSON number in its text field
    # ``symbol`` (the general shaping path): what a body the fast path refuses costs.
    blanks = body.replace(b'"bidPr":"', b'"bidPr":"",  "x":"')
    numbers = re.sub(rb'"symbol":"C(\d{4})USDT"', rb'"symbol":1\1', body)
    assert route.decode(blanks)[1].bid_pr is None and route.decode(numbers)[1].symbol == "10001"
    candles = candles_body(1000)
    candle_route = bitget_async.find_route("GET", CANDLES)
    assert len(candle_route.decode(candles)) == 1000
    cases: dict[str, Callable[[], Any]] = {
        "json.loads (dicts)": lambda: json.loads(body),
        "msgspec untyped (dicts)": lambda: msgspec.json.decode(body),
        "bitget_async typed (Decimal fields)": lambda: route.decode(body),
        "typed list only, no envelope (Decimal)": lambda: bare_decoder.decode(bare),
        "previous strict Struct, required Decimal fields": lambda: strict_decoder.decode(body),
        "same Struct, str fields (exact text)": lambda: text_decoder.decode(body),
        "bitget_async typed, one blank per row (blank -> null retry)": lambda: route.decode(blanks),
        "bitget_async typed, a number in a text field per row (general path)": lambda: route.decode(numbers),
        "candles: json.loads (dicts)": lambda: json.loads(candles),
        "candles: bitget_async typed (1,000 rows)": lambda: candle_route.decode(candles),
        "candles: previous strict Struct": lambda: strict_candles.decode(candles),
    }
    try:
        import orjson
    except ImportError:
        pass
    else:
        cases["orjson (dicts)"] = lambda: orjson.loads(body)
    results = _time_all(cases, rounds)
    return {"body_bytes": len(body), "tickers": len(typed), "rounds": rounds, "results": results}


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    print(json.dumps(run(rounds)), flush=True)


if __name__ == "__main__":
    main()
