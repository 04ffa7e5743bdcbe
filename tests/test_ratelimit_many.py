"""``LocalRateLimiter.acquire_many`` against an independent model of the sliding-window schedule.

``acquire_many`` inlines the schedule for the common case (one request, no slowdown), so this
checks it, over generated sequences of calls, penalties and clock steps, against a plain model
of the rule: on each key, request k goes no earlier than one period after request k-N, never
before the key's newest reservation or a 429 pause, at half rate during a slowdown; a request
takes the latest of its keys' slots on every key.
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

    def slot(self, key: str, limit: WindowLimit, cost: int, now: float) -> float:
        period = limit.period * (2 if now < self.slow.get(key, 0.0) else 1)
        times = self.times.get(key, [])
        at = max([now, self.blocked.get(key, 0.0), *times[-1:]])
        for i in range(cost):
            n = len(times) + i
            if n >= limit.count:
                at = max(at, times[n - limit.count] + period)
        return at

    def acquire(self, keys: list[tuple[str, WindowLimit]], cost: int, now: float) -> float:
        at = max(self.slot(key, limit, cost, now) for key, limit in keys)
        for key, _ in keys:
            self.times.setdefault(key, []).extend([at] * cost)
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
