"""The OS processes of the sharing tests: N concurrent calls each through a RedisRateLimiter.

A worker runs as ``python tests/_redis_worker.py '<json settings>'``: it imports, opens its
connections, prints ``ready`` and waits for a ``go`` line on stdin, then makes its calls and
prints one JSON line with what it saw.  ``run_workers`` (the test's side) starts them all at
once and says ``go`` when every one is ready, so their calls compete for one budget from the
same moment, however long a busy machine takes to start them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
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
    with anyio.fail_after(60):
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

        print("ready", flush=True)
        # Blocking is fine here: nothing else runs on this loop until the start.
        if sys.stdin.readline().strip() != "go":
            raise SystemExit("no start signal")
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


def run_workers(configs: list[dict[str, object]]) -> list[dict[str, Any]]:
    """One worker per config, started together; ``go`` once all are ready; their reports."""
    procs = [
        subprocess.Popen(
            [sys.executable, str(Path(__file__)), json.dumps(cfg)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        for cfg in configs
    ]
    try:
        for p in procs:
            assert p.stdout is not None
            line = p.stdout.readline()  # a worker that dies first gives b"" here: reported below
            if line.strip() != b"ready":
                p.kill()
                _out, err = p.communicate(timeout=60)
                raise AssertionError(f"worker not ready: {line!r} {err.decode()[-3000:]}")
        for p in procs:
            assert p.stdin is not None
            p.stdin.write(b"go\n")
            p.stdin.flush()
        out = []
        for p in procs:
            stdout, stderr = p.communicate(timeout=400)
            assert p.returncode == 0, stderr.decode()[-3000:]
            out.append(json.loads(stdout.decode().strip().splitlines()[-1]))
        return out
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(10)


if __name__ == "__main__":
    # The run measures the limiter, not the machine's scheduler: on a busy box a process that
    # waits for a core after its slot came would leave late (by more than the 50 ms guard).
    with contextlib.suppress(OSError):
        os.nice(-10)
    print(json.dumps(asyncio.run(main(json.loads(sys.argv[1])))))
