"""One OS process of the sharing tests: N concurrent calls through a RedisRateLimiter.

Run as ``python tests/_redis_worker.py '<json settings>'``; prints one JSON line with what it
saw.  All workers start at the same wall-clock instant so their calls compete for one budget.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import anyio

from bitget_async import BitgetClient, BitgetError, RateLimits, RedisRateLimiter


async def main(cfg: dict[str, Any]) -> dict[str, Any]:
    limiter = RedisRateLimiter(cfg["redis_url"], egress=cfg["egress"], prefix=cfg["prefix"])
    creds = {}
    if cfg.get("api_key"):
        creds = {"api_key": cfg["api_key"], "api_secret": "worker-secret-0000", "passphrase": "worker-pass-0000"}
    ok = 0
    errors: list[str] = []
    async with limiter, BitgetClient(base_url=cfg["base_url"], rate_limits=RateLimits(limiter=limiter), **creds) as client:
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
    return {
        "ok": ok,
        "errors": errors,
        "round_trips": limiter.round_trips,
        "late_resends": limiter.late_resends,
        "fallbacks": limiter.fallbacks,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(json.loads(sys.argv[1])))))
