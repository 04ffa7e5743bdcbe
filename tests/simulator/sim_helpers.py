"""Helpers shared by the simulator tests (moved from test_simulator.py when it was split)."""

from __future__ import annotations

import time
from collections.abc import Awaitable
from pathlib import Path

import httpx

from bitget_async.testing import Simulator

ROOT = Path(__file__).resolve().parents[2]
T0 = 1_700_000_000_000  # a fixed exchange clock for exact timestamps


def fixed_clock() -> int:
    return T0


def raw_client(sim: Simulator) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=sim.transport(), base_url="https://api.bitget.com")


async def seconds_taken(call: Awaitable[object]) -> float:
    """How long awaiting ``call`` took on the wall clock (what injected latency adds to)."""
    started = time.perf_counter()
    await call
    return time.perf_counter() - started
