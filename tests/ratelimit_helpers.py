"""Helpers shared by the ratelimit tests (moved from test_ratelimit.py when it was split)."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Coroutine
from typing import Any

import anyio
import anyio.lowlevel

from bitget_async import (
    LocalRateLimiter,
)

KEY = "k"
OK_TICKERS = b'{"code":"00000","msg":"success","requestTime":1,"data":[]}'
OK_ORDER = b'{"code":"00000","msg":"success","requestTime":1,"data":{"orderId":"1","clientOid":"c"}}'
OK_INFO = b'{"code":"00000","msg":"success","requestTime":1,"data":[]}'
IP_TICKERS = "spot.market.tickers|ip:api.bitget.com"
GLOBAL = "global|ip:api.bitget.com"


class VirtualClock:
    """A monotonic clock that only moves when ``drive`` advances it to the next deadline."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._waiters: list[tuple[float, int, anyio.Event]] = []
        self._seq = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        event = anyio.Event()
        entry = (self.now + seconds, next(self._seq), event)
        heapq.heappush(self._waiters, entry)
        try:
            await event.wait()
        except BaseException:
            if entry in self._waiters:  # cancelled: a dead sleeper must not move time forward
                self._waiters.remove(entry)
                heapq.heapify(self._waiters)
            raise

    async def run(self, *jobs: Callable[[], Coroutine[Any, Any, Any]]) -> None:
        """Run ``jobs`` concurrently, advancing time whenever all of them are blocked."""
        done = anyio.Event()

        async def work() -> None:
            async with anyio.create_task_group() as tg:
                for job in jobs:
                    tg.start_soon(job)
            done.set()

        # Real seconds, as a guard: a deadlock fails the test instead of hanging it.
        with anyio.fail_after(30):
            async with anyio.create_task_group() as tg:
                tg.start_soon(work)
                await self._drive(done)

    async def _drive(self, done: anyio.Event) -> None:
        while not done.is_set():
            await anyio.wait_all_tasks_blocked()
            if not self._waiters:
                await anyio.lowlevel.checkpoint()  # a task is between two steps (e.g. finishing): let it
                continue
            deadline = self._waiters[0][0]
            self.now = max(self.now, deadline)
            while self._waiters and self._waiters[0][0] <= self.now:
                heapq.heappop(self._waiters)[2].set()


def limiter_on(clock: VirtualClock, **kwargs: Any) -> LocalRateLimiter:
    return LocalRateLimiter(clock=clock, sleep=clock.sleep, **kwargs)
