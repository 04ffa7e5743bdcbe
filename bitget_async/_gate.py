"""Rate and concurrency gating for one attempt: what a request waits for before its bytes leave.

Three things, in this order:

1. **Rate slots** from the client's ``RateLimiter`` (in memory, or shared): the route's window
   for its (route, IP | UID) key, then the global per-IP window.  Reserved up front, so waiting
   callers queue fairly; given back when the request is never sent.
2. **A concurrency slot** (``InFlight``): thousands of calls fired at once queue here cheaply
   instead of crowding the connection pool.  Capped at what the backend carries well.
3. **The arrival guard**: Bitget counts *arrivals* in its 1-second windows, and stamps a request
   somewhere between our send and our receipt of its answer.  Send instants alone cannot bound
   that: a request queued at the gate leaves late, a stalled server stamps a backlog at once,
   jitter reorders.  So, per route key, request *k* leaves only once request *k-N* (and every
   earlier one) has been *answered* for a full window.  Then Bitget's stamps of *k-N* and *k*
   are at least one window apart whatever the network or the server did in between, and no
   window ever holds more than N.  The cost is throughput of N per (window + round trip),
   which on a nearby host is the published rate.

A 429 pauses the route's rate key for every caller (``penalize``).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

import anyio

from ._ratelimit import RateLimitExceeded, RateLimits, Reservation, WindowLimit, local_error
from ._request import Request
from ._stats import BucketStats, RouteStats, Stats

__all__ = ["Gate", "InFlight", "Slots"]


class InFlight:
    """A FIFO counting gate for requests in flight, cheaper than ``anyio.CapacityLimiter``.

    A free slot is taken and given back with plain arithmetic (the limiter looks up the current
    task on both, several microseconds a request); only a full gate parks the caller.  On
    asyncio the caller parks on a bare loop future (an ``anyio.Event`` first asks sniffio which
    library runs, then wraps an ``asyncio.Event``: about 3 us per parked request); elsewhere on
    an ``anyio.Event``.  A released slot passes straight to the oldest waiter.  A waiter
    cancelled after its slot was handed over passes that slot on, so cancellation never leaks one.
    """

    __slots__ = ("borrowed", "total", "waiters")

    def __init__(self, total: int) -> None:
        self.total = total
        self.borrowed = 0
        self.waiters: deque[asyncio.Future[None] | anyio.Event] = deque()

    def try_acquire(self) -> bool:
        """Take a free slot if there is one and nobody waits for it (no await: the fast path)."""
        if self.borrowed < self.total and not self.waiters:
            self.borrowed += 1
            return True
        return False

    async def acquire(self) -> None:
        if self.try_acquire():
            return
        loop = asyncio._get_running_loop()  # asyncio's C lookup (None under trio), no sniffio
        waiter: asyncio.Future[None] | anyio.Event = loop.create_future() if loop is not None else anyio.Event()
        self.waiters.append(waiter)
        try:
            await (waiter if isinstance(waiter, asyncio.Future) else waiter.wait())
        except BaseException:
            try:
                self.waiters.remove(waiter)  # still queued: nothing was handed over
            except ValueError:
                self.release()  # handed a slot while being cancelled: pass it on
            raise

    def release(self) -> None:
        if self.waiters and self.borrowed <= self.total:
            waiter = self.waiters.popleft()  # the slot changes hands; ``borrowed`` stays
            if isinstance(waiter, asyncio.Future):
                # Cancelled already (its task is being cancelled): the handover stands, and the
                # waiter's own cleanup, finding itself dequeued, passes the slot on.
                if not waiter.done():
                    waiter.set_result(None)
            else:
                waiter.set()
            return
        self.borrowed -= 1


class _Sent:
    __slots__ = ("done_at",)

    def __init__(self) -> None:
        self.done_at: float | None = None  # None while the request is on the wire


class _ArrivalWindow:
    """The answered-requests window of one route key (see the module docstring)."""

    __slots__ = ("changed", "horizon", "lock", "recent", "waiting")

    def __init__(self) -> None:
        self.recent: deque[_Sent] = deque()  # newest requests, in send order
        self.horizon = float("-inf")  # latest answer instant among the older ones
        self.lock = anyio.Lock()
        self.changed = anyio.Event()
        self.waiting = 0  # callers parked on ``changed``: only then is an answer announced


class _Plan:
    """What the gate does for one route (``Gate._new_plan``)."""

    __slots__ = ("guard", "keys", "period", "rates")

    def __init__(
        self,
        rates: tuple[tuple[str, WindowLimit, BucketStats], ...],
        guard: tuple[str, WindowLimit, _ArrivalWindow] | None,
        period: float,
    ) -> None:
        self.rates = rates  # (key, window, counters) per limiter acquire, route key first
        self.keys = [(key, limit) for key, limit, _ in rates]  # what ``acquire_many`` takes
        self.guard = guard  # (route key, window, arrival window) when the route is limited
        self.period = period  # the guard's window (``Gate._period``)


class Slots:
    """What one attempt holds: rate reservations, the concurrency slot, its arrival entry."""

    __slots__ = ("entry", "reservations", "waited")

    def __init__(self) -> None:
        self.reservations: list[Reservation] = []
        self.entry: _Sent | None = None
        self.waited = 0.0

    def hold(self, reservation: Reservation, bucket: BucketStats) -> None:
        """Keep a reservation (given back if the request is never sent) and count its wait."""
        self.reservations.append(reservation)
        bucket.acquired += 1
        if reservation.wait > 0:
            self.waited += reservation.wait
            bucket.rate_waits += 1
            bucket.rate_wait_seconds += reservation.wait


class Gate:
    """Rate slots, the concurrency limit and the arrival guard of one client."""

    def __init__(
        self,
        rate_limits: RateLimits,
        in_flight: int,
        stats: Stats,
        *,
        ip_key: str,
        uid_key: str,
    ) -> None:
        self.rate_limits = rate_limits
        self.capacity = InFlight(in_flight)
        self._stats = stats
        self._ip_key = ip_key
        self._uid_key = uid_key
        self._global_key = f"global|{ip_key}"
        self._route_limits: dict[str, tuple[str, WindowLimit]] = {}
        self._windows: dict[str, _ArrivalWindow] = {}
        self._plans: dict[str, _Plan] = {}
        limiter = rate_limits.limiter
        # The guard runs on the limiter's clock, so a limiter on a virtual clock (tests, replays)
        # paces the guard on the same time line.
        self._clock: Callable[[], float] = getattr(limiter, "clock", time.monotonic)
        self._sleep: Callable[[float], Awaitable[object]] = getattr(limiter, "sleep", anyio.sleep)
        # Optional in the ``RateLimiter`` protocol; looked up once (a runtime Protocol check
        # per request costs microseconds).
        self._acquire_many: Callable[..., Awaitable[list[Reservation]]] | None = getattr(
            limiter, "acquire_many", None
        )

    def cap_in_flight(self, cap: int | None) -> None:
        """Lower the concurrency limit to ``cap`` (None: no cap); never raises it."""
        if cap is not None and cap < self.capacity.total:
            self.capacity.total = cap

    def route_limit(self, request: Request) -> tuple[str, WindowLimit]:
        """(bucket key, window) of the request's route, built once per route and client."""
        cached = self._route_limits.get(request.name)
        if cached is None:
            key = f"{request.name}|{self._uid_key if request.scope == 'UID' else self._ip_key}"
            limit = self.rate_limits.limit_for(request.name, request.rate_per_s or 1)
            cached = self._route_limits[request.name] = (key, limit)
        return cached

    def limited(self, request: Request) -> bool:
        return self.rate_limits.enabled and bool(request.rate_per_s)

    # -- before sending ----------------------------------------------------------------------
    async def enter(self, request: Request, st: RouteStats, max_wait: float | None) -> Slots:
        """Take the rate slots and the concurrency slot, then pass the arrival guard.

        Anything taken is handed back when a later step refuses or the caller is cancelled, so
        an attempt that never sends holds nothing."""
        slots = Slots()
        plan = self._plans.get(request.name) or self._new_plan(request)
        try:
            if plan.rates:
                await self._acquire_rates(request, plan, slots, max_wait)
            gate = self.capacity
            # A free slot is taken without a trip through the event loop; only a full gate waits.
            if not gate.try_acquire():
                await gate.acquire()
            try:
                guard = plan.guard
                if guard is not None:
                    window = guard[2]
                    # The common case waits for nothing and nobody is queued ahead: take the
                    # room at once (no await between the check and the append, so no lock).
                    if not window.lock.locked() and self._room_now(window, guard[1], plan.period):
                        slots.entry = entry = _Sent()
                        window.recent.append(entry)
                    else:
                        await self._guard(request, plan, slots, max_wait)
            except BaseException:
                gate.release()
                raise
        except BaseException:
            self.give_back(slots)
            raise
        if slots.waited > 0:
            st.rate_waits += 1
            st.rate_wait_seconds += slots.waited
        return slots

    def _new_plan(self, request: Request) -> _Plan:
        """The rate keys, their windows and counters, and the arrival window of a route: built
        on its first request and kept, so a request pays no string or dict work for them."""
        rl = self.rate_limits
        rates: list[tuple[str, WindowLimit, BucketStats]] = []
        guard: tuple[str, WindowLimit, _ArrivalWindow] | None = None
        if rl.enabled:
            if request.rate_per_s:
                key, limit = self.route_limit(request)
                rates.append((key, limit, self._stats.bucket(key)))
                window = self._windows.get(key)
                if window is None:
                    window = self._windows[key] = _ArrivalWindow()
                guard = (key, limit, window)
            if rl.global_limit is not None:
                rates.append((self._global_key, rl.global_limit, self._stats.bucket(self._global_key)))
        period = self._period(guard[1]) if guard is not None else 0.0
        plan = self._plans[request.name] = _Plan(tuple(rates), guard, period)
        return plan

    async def _acquire_rates(self, request: Request, plan: _Plan, slots: Slots, max_wait: float | None) -> None:
        many = self._acquire_many
        if many is not None and len(plan.rates) > 1:
            # Every key of the request in one step (for Redis: in one round trip).
            try:
                taken = await many(plan.keys, max_wait=max_wait)
            except RateLimitExceeded as exc:
                self._stats.bucket(exc.key).refused += 1
                raise local_error(request.name, request.method, request.path, exc) from None
            for (_key, _limit, bucket), reservation in zip(plan.rates, taken, strict=True):
                slots.hold(reservation, bucket)
            return
        acquire = self.rate_limits.limiter.acquire
        for key, limit, bucket in plan.rates:
            budget = None if max_wait is None else max(0.0, max_wait - slots.waited)
            try:
                reservation = await acquire(key, limit, max_wait=budget)
            except RateLimitExceeded as exc:
                bucket.refused += 1
                raise local_error(request.name, request.method, request.path, exc) from None
            slots.hold(reservation, bucket)

    async def _guard(self, request: Request, plan: _Plan, slots: Slots, max_wait: float | None) -> None:
        """The arrival guard's slow path: wait, in arrival order, until the window has room."""
        assert plan.guard is not None
        key, limit, window = plan.guard
        budget = None if max_wait is None else max(0.0, max_wait - slots.waited)
        started = self._clock()
        with anyio.move_on_after(budget) as scope:
            async with window.lock:  # FIFO: callers pass in the order they arrived
                await self._wait_for_room(window, limit, plan.period)
                entry = _Sent()
                window.recent.append(entry)
                slots.entry = entry
        waited = self._clock() - started
        if scope.cancelled_caught:
            self._stats.bucket(key).refused += 1
            raise local_error(request.name, request.method, request.path, RateLimitExceeded(key, waited)) from None
        if waited > 0:
            slots.waited += waited
            bucket = self._stats.bucket(key)
            bucket.rate_waits += 1
            bucket.rate_wait_seconds += waited

    def _period(self, limit: WindowLimit) -> float:
        # The published window (after ``scale``): the jitter margin is not needed here, since
        # an answered request has been stamped already.
        return limit.period - self.rate_limits.margin

    def _room_now(self, window: _ArrivalWindow, limit: WindowLimit, period: float) -> bool:
        """Retire what no longer constrains; True when the next request may leave at once."""
        recent = window.recent
        keep = limit.count - 1  # the newest N-1 may still be on the wire
        while len(recent) > keep:
            oldest = recent[0]
            if oldest.done_at is None:
                return False
            window.horizon = max(window.horizon, oldest.done_at)
            recent.popleft()
        return window.horizon + period <= self._clock()

    async def _wait_for_room(self, window: _ArrivalWindow, limit: WindowLimit, period: float) -> None:
        while not self._room_now(window, limit, period):
            if len(window.recent) > limit.count - 1:
                window.waiting += 1
                try:
                    await window.changed.wait()  # ``leave`` sets it when any answer arrives
                finally:
                    window.waiting -= 1
            else:
                await self._sleep(window.horizon + period - self._clock())

    # -- after sending -----------------------------------------------------------------------
    def leave(self, request: Request, slots: Slots, *, sent: bool) -> None:
        """Release the concurrency slot; record the answer instant for the arrival guard, or
        give everything back when nothing reached the exchange."""
        self.capacity.release()
        entry = slots.entry
        if entry is not None:
            if sent:
                entry.done_at = self._clock()
            else:
                entry.done_at = float("-inf")  # never arrived: constrains nobody
            window = self._plans[request.name].guard[2]  # type: ignore[index]  # entry implies a guard
            if window.waiting:
                changed, window.changed = window.changed, anyio.Event()
                changed.set()
        if not sent:
            self.give_back(slots)

    def give_back(self, slots: Slots) -> None:
        limiter = self.rate_limits.limiter
        for r in slots.reservations:
            limiter.release(r)
        slots.reservations.clear()

    def penalize(self, request: Request, seconds: float) -> bool:
        """Pause the route's bucket after a 429 (every caller of the route waits, not only the
        refused one).  False when no limiter guards this request, so the caller sleeps itself."""
        if not self.limited(request):
            return False
        key, _ = self.route_limit(request)
        self.rate_limits.limiter.penalize(key, seconds)
        self._stats.bucket(key).paused_seconds += seconds
        return True

    def count_429(self, request: Request) -> None:
        if self.limited(request):
            self._stats.bucket(self.route_limit(request)[0]).http_429 += 1
