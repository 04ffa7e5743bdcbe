"""One measurement: one client, one workload, one concurrency, in a process of its own.

Prints one JSON object.  ``run.py`` starts one of these per cell so that imports, caches and
peak RSS of one client never leak into another's numbers.

The timed phase is a fixed duration: ``concurrency`` tasks each send requests back to back until
the deadline; requests already in flight finish and count.  Client CPU is ``getrusage(SELF)``
user+system over the phase divided by completed requests; the server's CPU over the same phase
comes from its ``/__stats`` endpoint (read just before and after, outside the phase).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import socket
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from clients import TRIO_CLIENTS, Adapter, make_adapter
from rss import peak_rss_mb

WORKLOADS = ("small", "signed", "large", "candles")


def server_stats(port: int) -> dict[str, Any]:
    """``GET /__stats`` over a fresh blocking socket, outside the timed phase (kept apart from
    the client under test, and the same on asyncio and trio)."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /__stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return dict(json.loads(b"".join(chunks).split(b"\r\n\r\n", 1)[1]))


async def _drive(
    fn: Callable[[], Awaitable[None]], concurrency: int, seconds: float, latencies: list[float] | None,
    trio_mode: bool = False,
) -> tuple[int, int, str]:
    """Run ``concurrency`` loops until ``seconds`` pass; return (ok, errors, first error)."""
    deadline = time.perf_counter() + seconds
    ok = 0
    errors = 0
    first_error = ""

    async def loop() -> None:
        nonlocal ok, errors, first_error
        clock = time.perf_counter
        while clock() < deadline:
            started = clock()
            try:
                await fn()
            except Exception as exc:
                errors += 1
                if not first_error:
                    first_error = f"{type(exc).__name__}: {str(exc)[:200]}"
                continue
            if latencies is not None:
                latencies.append(clock() - started)
            ok += 1

    if trio_mode:
        import trio

        async with trio.open_nursery() as nursery:
            for _ in range(concurrency):
                nursery.start_soon(loop)
    else:
        await asyncio.gather(*(loop() for _ in range(concurrency)))
    return ok, errors, first_error


def _cpu_seconds() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


async def measure(client: str, workload: str, concurrency: int, seconds: float, warmup: float, port: int) -> dict[str, Any]:
    adapter: Adapter = make_adapter(client, f"http://127.0.0.1:{port}")
    await adapter.open()
    fn: Callable[[], Awaitable[None]] = getattr(adapter, workload)
    trio_mode = client in TRIO_CLIENTS
    try:
        await _drive(fn, concurrency, warmup, None, trio_mode)  # connections, caches, lazy codecs
        before = server_stats(port)
        latencies: list[float] = []
        cpu0, wall0 = _cpu_seconds(), time.perf_counter()
        ok, errors, first_error = await _drive(fn, concurrency, seconds, latencies, trio_mode)
        cpu1, wall1 = _cpu_seconds(), time.perf_counter()
        after = server_stats(port)
    finally:
        await adapter.close()
    wall = wall1 - wall0
    latencies.sort()
    server_wall = after["wall_s"] - before["wall_s"]

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")

    return {
        "client": client,
        "workload": workload,
        "concurrency": concurrency,
        "requests": ok,
        "errors": errors,
        "first_error": first_error,
        "wall_s": wall,
        "rps": ok / wall if wall else 0.0,
        "cpu_us_per_req": (cpu1 - cpu0) / ok * 1e6 if ok else float("nan"),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
        "peak_rss_mb": peak_rss_mb(),
        "server_busy": (after["cpu_s"] - before["cpu_s"]) / server_wall if server_wall else 0.0,
        "server_requests": after["requests"] - before["requests"],
        "signature_failures": after["signed_bad"] - before["signed_bad"],
        "signed_ok": after["signed_ok"] - before["signed_ok"],
        "not_found": after["not_found"] - before["not_found"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="one benchmark cell; prints JSON")
    parser.add_argument("--client", required=True)
    parser.add_argument("--workload", required=True, choices=WORKLOADS)
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--warmup", type=float, default=0.5)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    job = (args.client, args.workload, args.concurrency, args.seconds, args.warmup, args.port)
    if args.client in TRIO_CLIENTS:
        import trio

        result = trio.run(measure, *job)
    else:
        result = asyncio.run(measure(*job))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
