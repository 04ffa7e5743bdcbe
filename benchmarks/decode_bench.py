"""Decode microbenchmark: the 1,000-ticker body (about 370 KB) and a 1,000-candle page (about
120 KB, Bitget's largest) through each decoder, in-process.

Compares plain-dict decoders (``json.loads``, orjson, msgspec untyped) with bitget_async's typed
decode (``find_route(...).decode(body)``: envelope check + ``list[SpotTicker]``, every field
optional, decimal fields kept as their exact text and read as ``Decimal`` on first access), plus
benchmark-only variants that show where the time goes: the same Struct with plain ``str`` fields,
the same Struct decoded without the envelope, and the previous eager layout (every field a
required ``Decimal``, built during the decode).  Because the models defer each ``Decimal`` to
its first read, the cost of reading every decimal field once is timed too, next to
``json.loads`` followed by ``Decimal()`` of every value (the same exact numbers from dicts).
The lenient paths are timed on the same body with one blank (``""``) per row and with one number
sent as text-field JSON number per row.
Prints one JSON object (microseconds, best and median).

    python benchmarks/decode_bench.py [rounds]          # in-process (default 200 rounds)
    python benchmarks/decode_bench.py --loop [rounds]   # through a loopback GET (default 15)
"""

from __future__ import annotations

import json
import operator
import re
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import msgspec
from fake_server import CANDLES, TICKERS, candles_body, tickers_body


def _ticker_layout(name: str, number: type) -> Any:
    """``SpotTicker``'s layout with every field required and each decimal field typed ``number``."""
    from bitget_async.models import SpotTicker

    fields = msgspec.structs.fields(SpotTicker)
    return msgspec.defstruct(
        name,
        [(f.name, {"symbol": str, "ts": int}.get(f.name, number)) for f in fields],
        rename={f.name: f.encode_name for f in fields},
        frozen=True,
        kw_only=True,
        gc=False,
    )


TickerText = _ticker_layout("TickerText", str)  # every decimal kept as its exact wire text
StrictTicker = _ticker_layout("StrictTicker", Decimal)  # before every field became optional


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
    ticker_numbers = [f for f in SpotTicker.__struct_fields__ if f not in ("symbol", "ts")]
    read_ticker = operator.attrgetter(*ticker_numbers)
    read_candle = operator.attrgetter("open", "high", "low", "close", "base_volume", "quote_volume", "usdt_volume")
    ticker_keys = [f.encode_name for f in msgspec.structs.fields(SpotTicker) if f.name in ticker_numbers]

    def tickers_read_all() -> None:
        for row in route.decode(body):
            read_ticker(row)

    def tickers_loads_decimal() -> None:
        for row in json.loads(body)["data"]:
            [Decimal(row[k]) for k in ticker_keys]

    def candles_read_all() -> None:
        for row in candle_route.decode(candles):
            read_candle(row)

    def candles_loads_decimal() -> None:
        for row in json.loads(candles)["data"]:
            [Decimal(v) for v in row[1:]]
    cases: dict[str, Callable[[], Any]] = {
        "json.loads (dicts)": lambda: json.loads(body),
        "msgspec untyped (dicts)": lambda: msgspec.json.decode(body),
        "bitget_async typed (Decimal fields)": lambda: route.decode(body),  # the key run.py reads
        "bitget_async typed + every decimal field read once": tickers_read_all,
        "json.loads + Decimal() of every decimal field": tickers_loads_decimal,
        "typed list only, no envelope": lambda: bare_decoder.decode(bare),
        "previous strict Struct, required Decimal fields (eager)": lambda: strict_decoder.decode(body),
        "same Struct, str fields (exact text)": lambda: text_decoder.decode(body),
        "bitget_async typed, one blank per row (blank -> null retry)": lambda: route.decode(blanks),
        "bitget_async typed, a number in a text field per row (general path)": lambda: route.decode(numbers),
        "candles: json.loads (dicts)": lambda: json.loads(candles),
        "candles: bitget_async typed (1,000 rows)": lambda: candle_route.decode(candles),
        "candles: bitget_async typed + every column read once": candles_read_all,
        "candles: json.loads + Decimal() of every column": candles_loads_decimal,
        "candles: previous strict Struct (eager Decimal)": lambda: strict_candles.decode(candles),
    }
    try:
        import orjson
    except ImportError:
        pass
    else:
        cases["orjson (dicts)"] = lambda: orjson.loads(body)
    results = _time_all(cases, rounds)
    return {"body_bytes": len(body), "tickers": len(typed), "rounds": rounds, "results": results}


# -- the same bodies inside the request loop ---------------------------------------------------
LOOP_CALLS = 10  # calls per sample: process_time ticks are coarse, one 1-2 ms call is too short


async def _loop_cases(base: str) -> tuple[dict[str, Callable[[], Any]], Callable[[], Any]]:
    """Each case makes one GET to the loopback server and decodes the answer (asserting 1,000
    rows, so nothing is skipped): raw aiohttp + ``json.loads`` is the floor the issue names."""
    import aiohttp
    import httpx

    from bitget_async import BitgetClient, RateLimits, WindowLimit

    many = 10_000_000.0  # the published 20/s would make the loop wait: raised, never disabled
    limits = RateLimits(overrides={"spot.market.tickers": many, "spot.market.candles": many},
                        global_limit=WindowLimit(1_000_000_000, 1.0))
    session = aiohttp.ClientSession(base_url=base)
    raw_httpx = httpx.AsyncClient(base_url=base, trust_env=False)
    # None: the default (aiohttp on asyncio, chosen on the first request); "httpx": the other carrier.
    typed = {name: BitgetClient(base_url=base, transport=name, rate_limits=limits) for name in (None, "httpx")}
    candles_query = {"symbol": "BTCUSDT", "granularity": "1min", "limit": "1000"}

    async def aiohttp_json(path: str, query: dict[str, str] | None = None) -> None:
        async with session.get(path, params=query) as r:
            assert len(json.loads(await r.read())["data"]) == 1000

    async def aiohttp_read(path: str, query: dict[str, str] | None = None) -> None:
        async with session.get(path, params=query) as r:
            assert len(await r.read()) > 100_000

    async def httpx_json(path: str, query: dict[str, str] | None = None) -> None:
        assert len(json.loads((await raw_httpx.get(path, params=query)).content)["data"]) == 1000

    def client_case(name: Any, kind: str) -> Callable[[], Any]:
        market = typed[name].spot.market

        async def call() -> None:
            if kind == "tickers":
                assert len(await market.tickers()) == 1000
            else:
                assert len(await market.candles(symbol="BTCUSDT", granularity="1min", limit=1000)) == 1000

        return call

    cases: dict[str, Callable[[], Any]] = {}
    for kind, path, query in (("tickers", TICKERS, None), ("candles", CANDLES, candles_query)):
        cases[f"{kind}: raw aiohttp + json.loads"] = lambda p=path, q=query: aiohttp_json(p, q)
        cases[f"{kind}: raw aiohttp, read only"] = lambda p=path, q=query: aiohttp_read(p, q)
        cases[f"{kind}: raw httpx + json.loads"] = lambda p=path, q=query: httpx_json(p, q)
        cases[f"{kind}: bitget_async default, aiohttp (typed)"] = client_case(None, kind)
        cases[f"{kind}: bitget_async transport='httpx' (typed)"] = client_case("httpx", kind)

    async def close() -> None:
        await session.close()
        await raw_httpx.aclose()
        for client in typed.values():
            await client.aclose()

    return cases, close


async def _run_loop(base: str, rounds: int) -> dict[str, dict[str, float]]:
    cases, close = await _loop_cases(base)
    samples: dict[str, list[float]] = {name: [] for name in cases}
    try:
        for fn in cases.values():  # warm: connections, decoders, caches
            for _ in range(3):
                await fn()
        for _ in range(rounds):  # round-robin, as in _time_all
            for name, fn in cases.items():
                started = time.process_time()
                for _ in range(LOOP_CALLS):
                    await fn()
                samples[name].append((time.process_time() - started) / LOOP_CALLS)
    finally:
        await close()
    return {name: {"median_us": statistics.median(s) * 1e6, "best_us": min(s) * 1e6} for name, s in samples.items()}


def run_loop(rounds: int) -> dict[str, Any]:
    """Client CPU per call (``time.process_time``: this process only, the server runs in its own),
    median of ``rounds`` round-robin samples of ``LOOP_CALLS`` calls each."""
    import asyncio
    import subprocess
    from pathlib import Path

    server = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("fake_server.py"))], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline().split()[1])
        results = asyncio.run(_run_loop(f"http://127.0.0.1:{port}", rounds))
    finally:
        server.terminate()
        server.wait()
    for kind in ("tickers", "candles"):
        floor = results[f"{kind}: raw aiohttp + json.loads"]["median_us"]
        for name, r in results.items():
            if name.startswith(kind):
                r["vs_aiohttp_json"] = round(r["median_us"] / floor, 3)
    return {"calls_per_sample": LOOP_CALLS, "rounds": rounds, "results": results}


def main() -> None:
    """``decode_bench.py [rounds]``: in-process decode; ``decode_bench.py --loop [rounds]``: the
    same bodies through a loopback GET (``fake_server.py`` in a child process)."""
    args = sys.argv[1:]
    if args[:1] == ["--loop"]:
        print(json.dumps(run_loop(int(args[1]) if len(args) > 1 else 15)), flush=True)
        return
    rounds = int(args[0]) if args else 200
    print(json.dumps(run(rounds)), flush=True)


if __name__ == "__main__":
    main()
