"""Client-side rate control that keeps every 1-second window inside Bitget's published limits.

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

The transport sees only the small ``RateLimiter`` protocol (acquire/release/penalize with a key
and a cost), so a shared backend (Redis, a process-wide service) can replace ``LocalRateLimiter``
without touching the transport.  One limiter object may be passed to several ``BitgetClient``s to
share a budget: several API keys behind one IP share the IP keys and keep separate UID keys.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol

import anyio

from ._errors import RateLimitError
from ._generated.routes_data import ROUTE_ROWS

__all__ = [
    "GLOBAL_IP_LIMIT",
    "LOCAL_RATE_LIMIT",
    "LocalRateLimiter",
    "RateLimitExceeded",
    "RateLimiter",
    "RateLimits",
    "Reservation",
    "WindowLimit",
]


@dataclasses.dataclass(frozen=True, slots=True)
class WindowLimit:
    """At most ``count`` requests in any ``period`` seconds."""

    count: int
    period: float

    @classmethod
    def per_second(cls, rate: float, scale: float = 1.0, margin: float = 0.0) -> WindowLimit:
        """``rate`` requests/second scaled by ``scale``, never more than the published
        "N per 1 s" in any 1-second window.

        20/s at 0.8 becomes 16 per 1 s; 1/s at 0.8 becomes 1 per 1.25 s.  Above 1/s the window
        stays 1 s and the count rounds down (3/s at 0.8 is 2 per 1 s: "2.4 per 0.83 s" would put
        4 requests into one second).  ``margin`` seconds are added to the period to absorb
        network jitter between our send instant and the server's arrival clock.
        """
        effective = rate * scale
        if effective <= 0:
            raise ValueError("rate limits must be positive")
        if margin < 0:
            raise ValueError("rate limit margin must be >= 0")
        # The epsilon keeps float noise (100 * 0.29 = 28.999999999999996) from losing a request.
        count = math.floor(effective + 1e-9)
        if count >= 1:
            return cls(count, 1.0 + margin)
        return cls(1, 1.0 / effective + margin)


# The ``code`` of a RateLimitError raised locally (nothing was sent), as opposed to the server's.
LOCAL_RATE_LIMIT = "LOCAL_RATE_LIMIT"

# Bitget's overall budget: 6,000 requests per IP per minute across all endpoints.
GLOBAL_IP_LIMIT = WindowLimit(6000, 60.0)


class RateLimitExceeded(Exception):
    """Raised by a limiter when the wait would exceed ``max_wait`` (the transport re-raises it
    as ``RateLimitError`` with the route attached)."""

    def __init__(self, key: str, wait: float) -> None:
        super().__init__(f"rate limit {key}: next slot in {wait:.3f}s")
        self.key = key
        self.wait = wait


@dataclasses.dataclass(eq=False, slots=True)
class Reservation:
    """A reserved send instant; give it back with ``release`` if the request is never sent.

    ``wait`` is how long ``acquire`` held the caller; a plug-in limiter should fill it in, since
    ``client.stats()`` and the debug log report rate waits from it.
    """

    key: str
    at: float
    cost: int
    wait: float = 0.0  # seconds the caller was held back for this slot (for stats and logs)


class RateLimiter(Protocol):
    """What the transport needs from a limiter; implement this to plug in a shared backend."""

    async def acquire(
        self, key: str, limit: WindowLimit, *, cost: int = 1, max_wait: float | None = None
    ) -> Reservation:
        """Wait until ``cost`` requests may be sent on ``key``; raise ``RateLimitExceeded`` if
        that is more than ``max_wait`` seconds away (0 = do not wait)."""

    def release(self, reservation: Reservation) -> None:
        """Return a reservation whose request was never sent (cancelled, failed to connect)."""

    def penalize(self, key: str, seconds: float) -> None:
        """The server said 429: send nothing on ``key`` for ``seconds`` and slow the key down."""


def _route_names() -> frozenset[str]:
    # The generated table is plain data below every layer: reading its names climbs nowhere.
    return frozenset(row[0] for row in ROUTE_ROWS)



@dataclasses.dataclass(frozen=True)
class RateLimits:
    """Rate-limit settings: which limits to apply and how callers wait for them.

    ``overrides`` maps a route's python name (``"mix.order.place_order"``) to requests/second,
    e.g. copy traders get 1/s on order placement; an unknown name is refused, because a typo
    would silently keep the published rate.  ``scale`` runs every published limit at a fraction
    (0.8 = 80 %).  ``margin`` (seconds) widens every route window so jitter between our clock
    and the server's arrival clock cannot squeeze N+1 requests into one of its windows.
    ``wait=False`` makes a call fail fast with ``RateLimitError`` instead of waiting; ``max_wait``
    bounds the wait (seconds).  ``limiter`` is the shared state: pass the same ``RateLimits``
    (or limiter) to several clients to share one budget.  ``enabled=False`` turns client-side
    limiting off (the server still enforces its limits).
    """

    overrides: Mapping[str, float] = dataclasses.field(default_factory=dict)
    scale: float = 1.0
    margin: float = 0.05
    wait: bool = True
    max_wait: float | None = None
    global_limit: WindowLimit | None = GLOBAL_IP_LIMIT
    enabled: bool = True
    limiter: RateLimiter = dataclasses.field(default_factory=lambda: LocalRateLimiter())

    def __post_init__(self) -> None:
        if not 0 < self.scale <= 1.0:
            raise ValueError("RateLimits.scale must be in (0, 1]")
        if self.margin < 0:
            raise ValueError("RateLimits.margin must be >= 0")
        for name, rate in self.overrides.items():
            known = _route_names()
            if name not in known:
                close = difflib.get_close_matches(name, list(known), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ValueError(f"RateLimits.overrides: unknown route {name!r}{hint}")
            if rate <= 0:
                raise ValueError(f"RateLimits.overrides[{name!r}] must be > 0")
        if self.max_wait is not None and self.max_wait < 0:
            raise ValueError("RateLimits.max_wait must be >= 0")

    def limit_for(self, python_name: str, published_rate: float) -> WindowLimit:
        """The window a route runs under: its override or published rate, scaled, plus margin."""
        rate = self.overrides.get(python_name, published_rate)
        return WindowLimit.per_second(rate, self.scale, self.margin)

    def effective_max_wait(self, wait: bool | None, max_wait: float | None) -> float | None:
        """Seconds a call may wait for its slot (None = unbounded, 0 = fail fast).

        Per-call arguments win over the settings; a per-call ``max_wait`` alone implies waiting.
        """
        if wait is None:
            wait = True if max_wait is not None else self.wait
        if not wait:
            return 0.0
        return self.max_wait if max_wait is None else max_wait


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
        self._windows: dict[str, _Window] = {}
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
        win = self._windows.get(key)
        if win is None:
            win = self._windows[key] = _Window()
        now = self._clock()
        at = self._next_slot(win, limit, cost, now)
        wait = at - now
        if max_wait is not None and wait > max_wait + 1e-9:
            raise RateLimitExceeded(key, wait)
        win.times.extend([at] * cost)
        reservation = Reservation(key, at, cost, wait)
        if wait > 0:
            self.waits += 1
            self.wait_seconds += wait
            try:
                await self._sleep(wait)
            except BaseException:
                # Cancelled while queued: the slot was never used, hand it back.
                self.release(reservation)
                raise
        return reservation

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
        win = self._windows.get(key)
        if win is None:
            win = self._windows[key] = _Window()
        now = self._clock()
        win.blocked_until = max(win.blocked_until, now + seconds)
        win.slow_until = max(win.slow_until, now + seconds + self._slowdown)


def local_error(route: str, method: str, path: str, exc: RateLimitExceeded) -> RateLimitError:
    """The error a caller sees when the client refuses to wait for a slot."""
    return RateLimitError(
        LOCAL_RATE_LIMIT,
        f"client-side rate limit for {route}: next slot in {exc.wait:.3f}s (not sent)",
        http_status=0,
        method=method,
        path=path,
        retry_after=exc.wait,
    )
