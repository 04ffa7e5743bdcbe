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

import bisect
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

    @staticmethod
    def _prepare(win: _Window, limit: WindowLimit, cost: int, now: float) -> float:
        """Drop what no longer constrains; the key's period now (doubled during a slowdown)."""
        if cost > limit.count:
            raise ValueError(f"cost {cost} exceeds the window size {limit.count}")
        period = limit.period * 2 if now < win.slow_until else limit.period
        if period > win.period:
            win.period = period
        times = win.times
        edge = now - period
        while times and times[0] <= edge:
            times.popleft()
        return period

    @staticmethod
    def _fifo(times: deque[float], count: int, period: float, cost: int, at: float) -> float:
        """The earliest instant >= ``at`` where ``cost`` more fit after every instant held:
        place k goes one period after place k-count, and never before the newest."""
        if times and times[-1] > at:
            at = times[-1]
        n = len(times)
        for i in range(cost):
            if n + i >= count:
                bound = times[n + i - count] + period
                if bound > at:
                    at = bound
        return at

    @staticmethod
    def _near(times: deque[float], at: float, period: float) -> int:
        """Instants held within one period either side of ``at``: if fewer than the count, no
        window containing ``at`` is full."""
        if not times:
            return 0
        if times[0] > at - period and times[-1] < at + period:
            return len(times)  # the common case, without a search
        return bisect.bisect_left(times, at + period) - bisect.bisect_right(times, at - period)

    def _queue_others(
        self, picked: list[tuple[str, _Window, int, float]], cost: int, at: float, worst: str
    ) -> tuple[float, str]:
        """The keys after the first take ``at`` when no window around it is full; a key that
        cannot queues in order, moving ``at`` later, and every key is checked again until the
        instant stands."""
        queued = [False] * len(picked)
        moved = True
        while moved:
            moved = False
            for k in range(1, len(picked)):
                key, win, count, period = picked[k]
                if queued[k] or self._near(win.times, at, period) + cost <= count:
                    continue
                queued[k] = True
                later = self._fifo(win.times, count, period, cost, at)
                if later > at:
                    at, worst, moved = later, key, True
        return at, worst

    async def acquire(
        self, key: str, limit: WindowLimit, *, cost: int = 1, max_wait: float | None = None
    ) -> Reservation:
        return (await self.acquire_many([(key, limit)], cost=cost, max_wait=max_wait))[0]

    async def acquire_many(
        self, keys: Sequence[tuple[str, WindowLimit]], *, cost: int = 1, max_wait: float | None = None
    ) -> list[Reservation]:
        """One instant on every key (a route's window, then the global one) in one step.

        A request leaves once, so every window records the instant it really leaves.  The first
        key is served in call order: never before its newest instant.  The others (the global
        gate) take that same instant when it fits, so a busy route's queue, reserved seconds
        ahead, does not hold up every other route behind it on the shared window; when it does
        not fit they queue too, which moves the instant later (still valid for the keys before).
        The same rule as the Redis script.  One wait and one sleep for all the keys."""
        now = self._clock()
        windows = self._windows
        prepare = self._prepare
        picked: list[tuple[str, _Window, int, float]] = []
        at = now
        worst = ""
        for key, limit in keys:
            win = windows[key]
            picked.append((key, win, limit.count, prepare(win, limit, cost, now)))
            if win.blocked_until > at:
                at, worst = win.blocked_until, key
        key, win, count, period = picked[0]
        first = self._fifo(win.times, count, period, cost, at)
        if first > at:
            at, worst = first, key
        for k in range(1, len(picked)):
            if len(picked[k][1].times) + cost > picked[k][2]:  # a window of another key could be full
                at, worst = self._queue_others(picked, cost, at, worst)
                break
        wait = at - now
        if max_wait is not None and wait > max_wait + 1e-9:
            raise RateLimitExceeded(worst or keys[0][0], wait)
        reservations = []
        for key, win, _count, _period in picked:
            times = win.times
            if not times or times[-1] <= at:
                times.extend([at] * cost)
            else:  # the global gate, ahead of a busy route's later reservations
                for _ in range(cost):
                    bisect.insort(times, at)
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
