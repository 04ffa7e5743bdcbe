"""Helpers shared by the simulator tests (moved from test_simulator.py when it was split)."""

from __future__ import annotations

from pathlib import Path

import httpx

from bitget_async.testing import Simulator

ROOT = Path(__file__).resolve().parents[2]
T0 = 1_700_000_000_000  # a fixed exchange clock for exact timestamps


def fixed_clock() -> int:
    return T0


def raw_client(sim: Simulator) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=sim.transport(), base_url="https://api.bitget.com")
