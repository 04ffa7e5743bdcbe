"""Shared set-up for the stream tests: a simulator serving its WebSocket endpoint on loopback and
a client whose intervals are shrunk (no test sleeps through a real 30 s ping interval)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio

from bitget_async import BitgetClient
from bitget_async.stream import StreamConfig
from bitget_async.testing import Simulator

FAST = dict(ping_interval=5.0, dead_after=10.0, connect_timeout=5.0, reply_timeout=5.0,
            reconnect_base=0.02, reconnect_max=0.1)


@contextlib.asynccontextmanager
async def streaming(push_interval: float = 0.02, **config: Any) -> AsyncIterator[tuple[Simulator, BitgetClient]]:
    sim = Simulator(seed=7, enforce_rate_limits=False)
    sim.stream.push_interval = push_interval
    async with sim.serve_stream() as url:
        client = sim.client(stream_config=StreamConfig(url=url, **{**FAST, **config}))
        async with client:
            yield sim, client


async def eventually(check: Callable[[], bool], within: float = 10.0) -> None:
    """Wait (polling: the conditions live in other tasks' counters) until ``check()`` holds."""
    with anyio.fail_after(within):
        while not check():  # noqa: ASYNC110
            await anyio.sleep(0.01)
