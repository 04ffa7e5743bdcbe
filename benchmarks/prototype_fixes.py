"""Benchmark-only prototypes of hot-path fixes for package files this benchmark does not own.

``apply()`` monkeypatches a running ``bitget_async`` with the changes proposed in
``results.md``/the closing report, so their effect can be measured before anyone edits the
package: ``python benchmarks/prototype_fixes.py`` compares the library's own per-call cost
(null HTTP backend) and, with ``--port``, whole requests against the fake server, unpatched vs
patched.  Behaviour is unchanged by each patch (same bytes signed and sent, same errors); each one
names the package lines it stands in for.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import anyio

HERE = Path(__file__).resolve().parent

# bitget_async/signing.py `_quote`: a per-character generator (`all(ord(c) in _SAFE ...)`) runs
# on every query key and value.  A compiled regex does the same check in C.
_PLAIN = re.compile(r"[A-Za-z0-9\-_.~$]*")


class FastGate:
    """Stands in for ``async with self._in_flight`` in ``Transport._attempt`` (_transport.py).

    ``anyio.CapacityLimiter.acquire`` always passes through the event loop (a cancel-shielded
    checkpoint) even when a token is free: one extra loop iteration per request.  Taking the
    token with ``acquire_nowait`` first, and awaiting only when the gate is full, keeps the
    semantics (the next await is the HTTP send, where cancellation is delivered).
    """

    def __init__(self, limiter: anyio.CapacityLimiter) -> None:
        self._limiter = limiter

    @property
    def borrowed_tokens(self) -> int:
        return int(self._limiter.borrowed_tokens)

    @property
    def total_tokens(self) -> float:
        return self._limiter.total_tokens

    async def __aenter__(self) -> None:
        try:
            self._limiter.acquire_nowait()
        except anyio.WouldBlock:
            await self._limiter.acquire()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._limiter.release()


FIXES = ("quote", "body", "oid", "ratekeys", "gate")
# Not a hot-path fix but a model choice, measured separately: decimals kept as exact text.
MODEL_CHOICES = ("text_tickers",)


def apply(only: tuple[str, ...] = FIXES) -> None:
    """Patch the imported package in place (this process only), or just the fixes named."""
    from bitget_async import _groups, _routes, _transport, signing
    from bitget_async._codec import _ENCODER
    from bitget_async._ratelimit import RateLimits

    safe = signing._ESCAPE

    def quote(value: str) -> str:
        if _PLAIN.fullmatch(value):
            return value
        return "".join(safe[b] for b in value.encode("utf-8"))

    if "quote" in only:
        signing._quote = quote  # signing.py line 34-37

    # _routes.py Route.wire: route-encoded values are already wire strings/lists/dicts, so the
    # recursive `_jsonable` walk in encode_body() is pure overhead on this path.
    original_wire = _routes.Route.wire

    def wire(self: Any, values: dict[str, Any]) -> tuple[str, bytes | None, dict[str, Any]]:
        if self.method == "GET":
            return original_wire(self, values)
        return "", _ENCODER.encode(values), values

    if "body" in only:
        _routes.Route.wire = wire  # type: ignore[method-assign]

    # _routes.py new_client_oid: uuid4() builds a UUID object; 16 random bytes as hex is the same
    # 32-character clientOid without it.
    if "oid" in only:
        _routes.new_client_oid = lambda: os.urandom(16).hex()
        _groups.new_client_oid = _routes.new_client_oid  # type: ignore[attr-defined]

    # _transport.py Transport._route_key and _ratelimit.py RateLimits.limit_for run two or three
    # times per request (route window, send window) and rebuild the same key string and the same
    # WindowLimit every time; memoize both per route (the proposal: build them once per route).
    original_route_key = _transport.Transport._route_key
    original_limit_for = RateLimits.limit_for

    def route_key(self: Any, call: Any) -> str:
        cache: dict[tuple[str, str], str] = self.__dict__.setdefault("_route_key_cache", {})
        key = cache.get((call.name, call.scope))
        if key is None:
            key = cache[(call.name, call.scope)] = original_route_key(self, call)
        return key

    def limit_for(self: Any, python_name: str, published_rate: float) -> Any:
        cache: dict[tuple[str, float], Any] = self.__dict__.setdefault("_limit_cache", {})
        limit = cache.get((python_name, published_rate))
        if limit is None:
            limit = cache[(python_name, published_rate)] = original_limit_for(self, python_name, published_rate)
        return limit

    if "ratekeys" in only:
        _transport.Transport._route_key = route_key  # type: ignore[method-assign]
        RateLimits.limit_for = limit_for  # type: ignore[method-assign]

    original_init = _transport.Transport.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self._in_flight = FastGate(self._in_flight)

    if "gate" in only:
        _transport.Transport.__init__ = init  # type: ignore[method-assign]

    if "text_tickers" in only:
        # models/spot.py SpotTicker with str instead of Decimal fields (decode_bench.TickerText):
        # what exact-as-text would save on the 1,000-ticker workload.
        from decode_bench import TickerText

        from bitget_async._codec import ResponseCodec

        _routes.BY_NAME["spot.market.tickers"]._codec = ResponseCodec(list[TickerText])


# -- measurement -----------------------------------------------------------------------------------


class _NullBackend:
    """Answers instantly with canned bytes: what is left is the library's own cost."""

    def __init__(self, bodies: Mapping[str, bytes]) -> None:
        self._bodies = bodies

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], content: bytes | None
    ) -> tuple[int, Mapping[str, str], bytes]:
        return 200, {}, self._bodies[method]

    async def aclose(self) -> None:
        return None


async def _library_cost(rounds: int) -> dict[str, float]:
    import random

    from clients import BitgetAsyncAdapter
    from fake_server import _envelope, ticker_dict

    from bitget_async import BitgetClient

    adapter = BitgetAsyncAdapter("http://127.0.0.1:9", "httpx")
    await adapter.open()
    client: BitgetClient = adapter._client
    client._transport.backend = _NullBackend(
        {
            "GET": _envelope([ticker_dict("BTCUSDT", random.Random(1))]),
            "POST": _envelope({"orderId": "1", "clientOid": "x"}),
        }
    )
    out = {}
    calls: dict[str, Callable[[], Awaitable[None]]] = {"small": adapter.small, "signed": adapter.signed}
    for name, fn in calls.items():
        for _ in range(rounds // 10):
            await fn()
        samples = []
        for _ in range(5):
            started = time.process_time()
            for _ in range(rounds):
                await fn()
            samples.append((time.process_time() - started) / rounds * 1e6)
        out[name] = statistics.median(samples)
    await adapter.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="unpatched vs patched bitget_async")
    parser.add_argument("--patched", default="", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=20000)
    parser.add_argument("--port", type=int, help="also run worker cells against a running fake server")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    if args.patched:
        apply(tuple(args.patched.split(",")))
    if args.patched or os.environ.get("BENCH_CHILD"):
        import json

        print(json.dumps(asyncio.run(_library_cost(args.rounds))))
        return
    env = {**os.environ, "BENCH_CHILD": "1", "PYTHONPATH": str(HERE)}
    variants: list[tuple[str, list[str]]] = [("unpatched", [])] + [(f"only {f}", ["--patched", f]) for f in FIXES]
    variants.append(("all fixes", ["--patched", ",".join(FIXES)]))
    for label, extra in variants:
        done = subprocess.run(
            [sys.executable, __file__, "--rounds", str(args.rounds), *extra],
            capture_output=True, text=True, env=env, check=True,
        )
        print(f"library cost per call, null backend, {label}: {done.stdout.strip()} (us)")
    if args.port:
        _cells(args.port, args.reps, env)


def _cells(port: int, reps: int, env: dict[str, str]) -> None:
    import json

    results: dict[tuple[str, str, int, str], list[float]] = {}
    for _ in range(reps):
        for client in ("bitget_async_fast", "aiohttp", "bitget_async", "httpx_gated"):
            for workload in ("small", "signed"):
                for conc in (16, 128):
                    for label, patch in (("before", "0"), ("after", "1")):
                        if label == "after" and not client.startswith("bitget_async"):
                            continue
                        done = subprocess.run(
                            ["taskset", "-c", "0", sys.executable, str(HERE / "worker.py"), "--client", client,
                             "--workload", workload, "--concurrency", str(conc), "--seconds", "1.5",
                             "--warmup", "0.3", "--port", str(port)],
                            capture_output=True, text=True, env={**env, "BENCH_PATCH": patch}, check=True,
                        )
                        r = json.loads(done.stdout.strip().splitlines()[-1])
                        results.setdefault((client, workload, conc, label), []).append(r["cpu_us_per_req"])
    for (client, workload, conc, label), xs in sorted(results.items()):
        print(f"{client:18s} {workload:7s} {conc:4d} {label:7s} median {statistics.median(xs):6.1f} us/req  {sorted(round(x) for x in xs)}")


if __name__ == "__main__":
    main()
