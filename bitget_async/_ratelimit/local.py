"""In-process rate control that keeps every 1-second window inside Bitget's published limits.

Bitget counts "N requests per 1 s" per endpoint (per IP or per UID) plus 6,000 per IP per minute.
A token bucket with burst N would let almost 2N through in the first second, so each key here is
a *sliding-window schedule*: request k may go no earlier than one period after request k-N.
Send times are reserved up front (``acquire`` returns once the reserved instant has come), so
waiting callers queue fairly and no lock is needed.

The server counts arrivals, not our send instants.  Two things keep them apart:

* a request reserved for instant t may leave later (queued at the concurrency gate, a stall);
  the transport therefore also takes a slot on the same limit at the moment of sending (key
  ``<route key>|sent``), which waits only when earlier requests left late;
* after that, opening a connection or network jitter still delays some requests more than
  others.  On 127.0.0.1, 1,000 calls paced at exactly 20 per 1.00 s put 26 arrivals into one of
  the server's 1-second windows (the first burst opens the connections).  Each route window is
  therefore ``RateLimits.margin`` (50 ms) longer than a second; with it the run never exceeds 20.

One limiter object may be passed to several ``BitgetClient``s to share a budget inside one
process: several API keys behind one IP share the IP keys and keep separate UID keys.  Across
processes, use ``RedisRateLimiter`` (``redis.py``).
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence

import anyio

from .base import RateLimitExceeded, Reservation, WindowLimit

__all__ = ["LocalRateLimiter"]


class _Window:
    __slots__ = ("blocked_until", "period", "slow_until", "times")

    def __init__(self) -> None:
        self.times: deque[float] = deque()  # reserved send instants, ascending
        self.period = 0.0  # the period of the last acquire: how far back ``times`` matters
        self.blocked_until = 0.0
        self.slow_until = 0.0


class LocalRateLimiter:
    """In-process sliding-window limiter (anyio: works on asyncio and trio).

    ``clock`` and ``sleep`` are injectable so tests can run it on a fake clock with exact
    arithmetic.  After a 429 a key is blocked for the server's hint and then runs at half its
    rate for ``slowdown_seconds``.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = anyio.sleep,
        slowdown_seconds: float = 60.0,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        # A key's window is made on its first acquire or penalty (lookups use ``.get``).
        self._windows: defaultdict[str, _Window] = defaultdict(_Window)
        self._slowdown = slowdown_seconds
        self.waits = 0
        self.wait_seconds = 0.0

    def __repr__(self) -> str:
        return f"LocalRateLimiter(keys={len(self._windows)})"

    @property
    def clock(self) -> Callable[[], float]:
        """The limiter's time line; the transport's arrival guard runs on it too."""
        return self._clock

    @property
    def sleep(self) -> Callable[[float], Awaitable[object]]:
        return self._sleep

    def reserved(self, key: str) -> int:
        """Send instants on ``key`` that still constrain the next request (recent or future).

        Lets a test (or a dashboard) check that cancelled and unsent requests gave theirs back.
        """
        win = self._windows.get(key)
        if win is None:
            return 0
        horizon = self._clock() - win.period
        return sum(1 for t in win.times if t > horizon)

    def recent(self) -> dict[str, list[float]]:
        """Every key's instants that still constrain the next request, relative to now
        (negative: already sent; positive: reserved ahead).

        A shared limiter that fell back to this one hands these to the shared store when it is
        back, so what was sent meanwhile still counts in the common windows.
        """
        now = self._clock()
        out: dict[str, list[float]] = {}
        for key, win in self._windows.items():
            horizon = now - win.period
            rel = [t - now for t in win.times if t > horizon]
            if rel:
                out[key] = rel
        return out

    def _next_slot(self, win: _Window, limit: WindowLimit, cost: int, now: float) -> float:
        """Earliest instant ``cost`` more requests fit: place k goes one period after place k-count."""
        if cost > limit.count:
            raise ValueError(f"cost {cost} exceeds the window size {limit.count}")
        count, period = limit.count, limit.period
        if now < win.slow_until:
            period *= 2
        win.period = max(win.period, period)
        times = win.times
        while times and times[0] <= now - period:
            times.popleft()  # entries older than a window no longer constrain anything
        # Never before the newest reservation: callers queue in arrival order and ``times``
        # stays sorted.
        at = max(now, win.blocked_until, times[-1] if times else now)
        for i in range(cost):
            n = len(times) + i
            if n >= count:
                at = max(at, times[n - count] + period)
        return at

    async def acquire(
        self, key: str, limit: WindowLimit, *, cost: int = 1, max_wait: float | None = None
    ) -> Reservation:
        return (await self.acquire_many([(key, limit)], cost=cost, max_wait=max_wait))[0]

    async def acquire_many(
        self, keys: Sequence[tuple[str, WindowLimit]], *, cost: int = 1, max_wait: float | None = None
    ) -> list[Reservation]:
        """One instant on every key (a route's window and the global one) in one step.

        Each key is reserved at the latest of their next free slots: a request leaves once, so
        every window must record the instant it really leaves, never an earlier one.  One wait
        and one sleep instead of one per key.  This runs on every request, so the common case
        (one request, no slowdown) is ``_next_slot`` inlined: the same arithmetic without a call
        and ``max()`` per key."""
        now = self._clock()
        windows = self._windows
        picked: list[tuple[str, _Window]] = []
        at = now
        worst = ""
        for key, limit in keys:
            win = windows[key]
            if cost != 1 or now < win.slow_until:
                slot = self._next_slot(win, limit, cost, now)
            else:
                count, period = limit.count, limit.period
                if period > win.period:
                    win.period = period
                times = win.times
                edge = now - period
                while times and times[0] <= edge:
                    times.popleft()
                slot = win.blocked_until if win.blocked_until > now else now
                if times:
                    last = times[-1]
                    if last > slot:
                        slot = last
                    n = len(times)
                    if n >= count:
                        bound = times[n - count] + period
                        if bound > slot:
                            slot = bound
            if slot > at:
                at, worst = slot, key
            picked.append((key, win))
        wait = at - now
        if max_wait is not None and wait > max_wait + 1e-9:
            raise RateLimitExceeded(worst or keys[0][0], wait)
        reservations = []
        for key, win in picked:
            if cost == 1:
                win.times.append(at)
            else:
                win.times.extend([at] * cost)
            # The wait is the binding key's: summed over the reservations it is the one wait.
            reservations.append(Reservation(key, at, cost, wait if key == worst else 0.0))
        if wait > 0:
            self.waits += 1
            self.wait_seconds += wait
            try:
                await self._sleep(wait)
            except BaseException:
                for reservation in reservations:  # cancelled while queued: nothing was used
                    self.release(reservation)
                raise
        return reservations

    def release(self, reservation: Reservation) -> None:
        win = self._windows.get(reservation.key)
        if win is None:
            return
        for _ in range(reservation.cost):
            try:
                win.times.remove(reservation.at)
            except ValueError:
                return  # already aged out of the window: nothing left to give back

    def penalize(self, key: str, seconds: float) -> None:
        win = self._windows[key]
        now = self._clock()
        win.blocked_until = max(win.blocked_until, now + seconds)
        win.slow_until = max(win.slow_until, now + seconds + self._slowdown)
