"""``LocalRateLimiter.acquire_many`` against an independent model of the sliding-window schedule.

Checked over generated sequences of calls, penalties and clock steps against a plain model of
the rule: on the first key (the route) request k goes no earlier than one period after request
k-N and never before the key's newest reservation; the other keys (the global gate) take that
instant when no window around it is full, else queue the same way; never before a 429 pause,
at half rate during a slowdown; one instant on every key.
"""

from __future__ import annotations

from fractions import Fraction

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bitget_async import LocalRateLimiter, RateLimitExceeded, WindowLimit

SLOWDOWN = 5.0


class Model:
    """Every reserved instant per key, kept forever (the limiter forgets old ones: same result)."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.blocked: dict[str, float] = {}
        self.slow: dict[str, float] = {}

    def _period(self, key: str, limit: WindowLimit, now: float) -> float:
        return limit.period * (2 if now < self.slow.get(key, 0.0) else 1)

    def _fifo(self, key: str, limit: WindowLimit, period: float, cost: int, at: float) -> float:
        times = self.times.get(key, [])
        at = max([at, *times[-1:]])
        for i in range(cost):
            n = len(times) + i
            if n >= limit.count:
                at = max(at, times[n - limit.count] + period)
        return at

    def acquire(self, keys: list[tuple[str, WindowLimit]], cost: int, now: float) -> float:
        periods = [self._period(key, limit, now) for key, limit in keys]
        at = max([now, *(self.blocked.get(key, 0.0) for key, _ in keys)])
        at = self._fifo(keys[0][0], keys[0][1], periods[0], cost, at)
        # Every other key takes that instant unless some window around it is full; then it
        # queues in order too, and the instant moves (re-checked until nothing moves).
        queued: set[int] = set()
        while True:
            moved = False
            for k in range(1, len(keys)):
                key, limit = keys[k]
                near = sum(1 for t in self.times.get(key, []) if at - periods[k] < t < at + periods[k])
                if k in queued or near + cost <= limit.count:
                    continue
                queued.add(k)
                later = self._fifo(key, limit, periods[k], cost, at)
                moved, at = moved or later > at, max(at, later)
            if not moved:
                break
        for key, _ in keys:
            self.times[key] = sorted([*self.times.get(key, []), *[at] * cost])
        return at

    def penalize(self, key: str, seconds: float, now: float) -> None:
        self.blocked[key] = max(self.blocked.get(key, 0.0), now + seconds)
        self.slow[key] = max(self.slow.get(key, 0.0), now + seconds + SLOWDOWN)


# Periods and steps on a binary grid keep the float arithmetic exact on both sides.
LIMITS = st.builds(WindowLimit, st.integers(1, 4), st.sampled_from([0.25, 0.5, 1.0, 2.0]))
STEP = st.sampled_from([0.0, 0.125, 0.25, 0.5, 1.0, 3.0])
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("acquire"), st.sampled_from(["r1", "r2"]), st.integers(1, 2), STEP),
        st.tuples(st.just("penalize"), st.sampled_from(["r1", "r2", "g"]), st.sampled_from([0.5, 2.0]), STEP),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(route_limits=st.tuples(LIMITS, LIMITS), global_limit=LIMITS, ops=OPS)
def test_acquire_many_reserves_what_the_model_schedules(
    route_limits: tuple[WindowLimit, WindowLimit], global_limit: WindowLimit, ops: list[tuple[str, str, float, float]]
) -> None:
    clock = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)  # reservations are made before the sleep: time need not pass

    limiter = LocalRateLimiter(clock=lambda: clock[0], sleep=sleep, slowdown_seconds=SLOWDOWN)
    model = Model()
    limits = {"r1": route_limits[0], "r2": route_limits[1]}

    async def run() -> None:
        for op, key, amount, step in ops:
            clock[0] += step
            now = clock[0]
            if op == "penalize":
                limiter.penalize(key, float(amount))
                model.penalize(key, float(amount), now)
                continue
            cost = int(amount)
            keys = [(key, limits[key]), ("g", global_limit)]
            if cost > min(limit.count for _, limit in keys):
                with pytest.raises(ValueError, match="exceeds the window size"):
                    await limiter.acquire_many(keys, cost=cost)
                continue
            expected = model.acquire(keys, cost, now)
            got = await limiter.acquire_many(keys, cost=cost)
            assert [(r.key, r.at, r.cost) for r in got] == [(k, expected, cost) for k, _ in keys]
            assert Fraction(sum(r.wait for r in got)) == Fraction(expected) - Fraction(now)

    anyio.run(run)


@pytest.mark.anyio
async def test_acquire_many_refuses_past_max_wait_and_reserves_nothing() -> None:
    clock = [10.0]

    async def sleep(seconds: float) -> None:
        clock[0] += seconds

    limiter = LocalRateLimiter(clock=lambda: clock[0], sleep=sleep)
    one = WindowLimit(1, 1.0)
    keys = [("route", one), ("global", WindowLimit(100, 60.0))]
    first = await limiter.acquire_many(keys)
    assert [(r.key, r.at, r.wait) for r in first] == [("route", 10.0, 0.0), ("global", 10.0, 0.0)]
    with pytest.raises(RateLimitExceeded) as info:
        await limiter.acquire_many(keys, max_wait=0.5)
    assert (info.value.key, info.value.wait) == ("route", 1.0)
    assert (limiter.reserved("route"), limiter.reserved("global")) == (1, 1)
    second = await limiter.acquire_many(keys)
    assert [(r.key, r.at, r.wait) for r in second] == [("route", 11.0, 1.0), ("global", 11.0, 0.0)]
    assert clock[0] == 11.0


@pytest.mark.anyio
async def test_a_busy_routes_queue_does_not_hold_up_other_routes_on_the_global_window() -> None:
    clock = [0.0]

    async def sleep(seconds: float) -> None:
        pass  # reservations are made before the sleep

    limiter = LocalRateLimiter(clock=lambda: clock[0], sleep=sleep)
    busy, quiet, glob = WindowLimit(1, 1.0), WindowLimit(5, 1.0), WindowLimit(100, 60.0)
    queued = [await limiter.acquire_many([("busy", busy), ("global", glob)]) for _ in range(5)]
    assert [r[0].at for r in queued] == [0.0, 1.0, 2.0, 3.0, 4.0]  # the busy route queues 4 s ahead
    got = await limiter.acquire_many([("quiet", quiet), ("global", glob)], max_wait=0.1)
    assert [(r.key, r.at, r.wait) for r in got] == [("quiet", 0.0, 0.0), ("global", 0.0, 0.0)]
    assert limiter.reserved("global") == 6
    # A full global window still makes everyone queue: 100 per 60 s, 6 held, 94 more fit at 0.
    for _ in range(94):
        await limiter.acquire_many([("other", WindowLimit(1000, 1.0)), ("global", glob)])
    late = await limiter.acquire_many([("other", WindowLimit(1000, 1.0)), ("global", glob)])
    assert (late[0].at, late[1].wait) == (60.0, 60.0)
