"""Sliding-window budgets for Bitget's WebSocket limits (frames/s, subscribes/h, connects/5 min).

A window remembers when its last ``limit`` events happened; one more is allowed once the oldest
of them is ``span`` seconds old.  Waiting is done by the caller's task (``acquire``), so a
cancelled caller simply gives up its turn.  Time is ``anyio.current_time()`` (the event loop's
monotonic clock), which tests can move on trio with a mock clock.
"""

from __future__ import annotations

import collections

import anyio

__all__ = ["SlidingWindow"]


class SlidingWindow:
    """At most ``limit`` events in any ``span`` seconds."""

    __slots__ = ("_events", "limit", "name", "span", "total")

    def __init__(self, limit: int, span: float, name: str) -> None:
        self.limit = limit
        self.span = span
        self.name = name
        self.total = 0
        self._events: collections.deque[float] = collections.deque()

    def delay(self, now: float) -> float:
        """Seconds until one more event fits (0.0: now)."""
        events = self._events
        while events and events[0] <= now - self.span:
            events.popleft()
        if len(events) < self.limit:
            return 0.0
        return events[0] + self.span - now

    def record(self, now: float) -> None:
        self._events.append(now)
        self.total += 1

    async def acquire(self) -> None:
        """Wait for room, then count one event."""
        while True:
            now = anyio.current_time()
            wait = self.delay(now)
            if wait <= 0:
                self.record(now)
                return
            await anyio.sleep(wait)

    def reset(self) -> None:
        self._events.clear()
