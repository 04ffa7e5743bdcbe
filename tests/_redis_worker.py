"""One OS process of the sharing tests: N concurrent calls through a RedisRateLimiter.

Run as ``python tests/_redis_worker.py '<json settings>'``; prints one JSON line with what it
saw.  All workers start at the same wall-clock instant so their calls compete for one budget.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from typing import Any

import anyio
import httpx

from bitget_async import BitgetClient, BitgetError, Limits, RateLimits, RedisRateLimiter

POOL = 8  # connections per process (the default pool size), opened before the measured calls


async def main(cfg: dict[str, Any]) -> dict[str, Any]:
    limiter = RedisRateLimiter(cfg["redis_url"], egress=cfg["egress"], prefix=cfg["prefix"], **cfg.get("limiter", {}))
    creds = {}
    if cfg.get("api_key"):
        creds = {"api_key": cfg["api_key"], "api_secret": "worker-secret-0000", "passphrase": "worker-pass-0000"}
    ok = 0
    errors: list[str] = []
    # A long-running service has its connections open: warm them outside the measured route, so
    # the arrival server measures the limiter rather than the cost of opening connections.
    pool = httpx.AsyncClient(limits=httpx.Limits(max_connections=POOL, max_keepalive_connections=POOL))
    await asyncio.gather(*(pool.get(cfg["base_url"] + "/warmup") for _ in range(POOL)))
    async with limiter, BitgetClient(
        base_url=cfg["base_url"], rate_limits=RateLimits(limiter=limiter), httpx_client=pool,
        limits=Limits(max_connections=POOL), **creds,
    ) as client:
        call = client.spot.account.assets if cfg["route"] == "assets" else client.spot.market.tickers

        async def one() -> None:
            nonlocal ok
            try:
                with anyio.fail_after(300):
                    await call()
                ok += 1
            except BitgetError as exc:
                errors.append(type(exc).__name__)

        await anyio.sleep(max(0.0, cfg["start_at"] - time.time()))
        async with anyio.create_task_group() as tg:
            for _ in range(cfg["calls"]):
                tg.start_soon(one)
    await pool.aclose()
    return {
        "ok": ok,
        "errors": errors,
        "round_trips": limiter.round_trips,
        "late_resends": limiter.late_resends,
        "fallbacks": limiter.fallbacks,
    }


if __name__ == "__main__":
    # The run measures the limiter, not the machine's scheduler: on a busy box a process that
    # waits for a core after its slot came would leave late (by more than the 50 ms guard).
    with contextlib.suppress(OSError):
        os.nice(-10)
    print(json.dumps(asyncio.run(main(json.loads(sys.argv[1])))))
