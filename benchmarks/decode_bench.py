"""Decode microbenchmark: the 1,000-ticker body (about 370 KB) through each decoder, in-process.

Compares plain-dict decoders (``json.loads``, orjson, msgspec untyped) with bitget_async's typed
decode (``find_route(...).decode(body)``: envelope check + ``list[SpotTicker]`` with exact
``Decimal`` fields), plus two benchmark-only variants that show where the typed decode's time
goes: the same Struct with ``str`` fields (exact text, no ``Decimal`` objects) and the same
Struct decoded without the envelope.  Prints one JSON object (microseconds, best and median).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import msgspec
from fake_server import TICKERS, tickers_body


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


class TextEnvelope(msgspec.Struct):
    code: str = ""
    msg: str = ""
    requestTime: int | None = None
    data: list[TickerText] | None = None


def _time(fn: Callable[[], Any], rounds: int) -> dict[str, float]:
    for _ in range(max(5, rounds // 10)):
        fn()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return {"best_us": min(samples) * 1e6, "median_us": statistics.median(samples) * 1e6}


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
    cases: dict[str, Callable[[], Any]] = {
        "json.loads (dicts)": lambda: json.loads(body),
        "msgspec untyped (dicts)": lambda: msgspec.json.decode(body),
        "bitget_async typed (Decimal fields)": lambda: route.decode(body),
        "typed list only, no envelope (Decimal)": lambda: bare_decoder.decode(bare),
        "same Struct, str fields (exact text)": lambda: text_decoder.decode(body),
    }
    try:
        import orjson
    except ImportError:
        pass
    else:
        cases["orjson (dicts)"] = lambda: orjson.loads(body)
    results = {name: _time(fn, rounds) for name, fn in cases.items()}
    return {"body_bytes": len(body), "tickers": len(typed), "rounds": rounds, "results": results}


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    print(json.dumps(run(rounds)), flush=True)


if __name__ == "__main__":
    main()
