"""Client-side rate control, on a virtual clock so every instant is exact arithmetic.

``VirtualClock`` replaces ``time.monotonic``/``anyio.sleep`` inside ``LocalRateLimiter``: a
sleeping task wakes when a driver task advances the clock to its deadline, and the driver only
advances once every other task is blocked.  Hundreds of concurrent callers therefore see the
same schedule a real clock would give, with no real waiting and no tolerance in the asserts.
"""

from __future__ import annotations

import anyio
import anyio.lowlevel
import pytest
from helpers import max_in_window
from ratelimit_helpers import GLOBAL, KEY, VirtualClock, limiter_on

import bitget_async
from bitget_async import (
    BitgetClient,
    LocalRateLimiter,
    RateLimits,
    WindowLimit,
)
from bitget_async._ratelimit import GLOBAL_IP_LIMIT, RateLimitExceeded


# -- WindowLimit: the published rate as a window ------------------------------------------------
@pytest.mark.parametrize(
    ("rate", "scale", "margin", "expected"),
    [
        (20, 1.0, 0.0, WindowLimit(20, 1.0)),
        (20, 0.8, 0.0, WindowLimit(16, 1.0)),
        (1, 0.8, 0.0, WindowLimit(1, 1.25)),
        (0.5, 1.0, 0.0, WindowLimit(1, 2.0)),
        # 2.4/s as "2 per 0.833 s" would allow 4 in one second, above the published 3: round down.
        (3, 0.8, 0.0, WindowLimit(2, 1.0)),
        (1.5, 1.0, 0.0, WindowLimit(1, 1.0)),
        # 100 * 0.29 is 28.999999999999996 in binary floating point: still 29.
        (100, 0.29, 0.0, WindowLimit(29, 1.0)),
        (20, 1.0, 0.05, WindowLimit(20, 1.05)),
        (1, 0.8, 0.05, WindowLimit(1, 1.3)),
    ],
)
def test_window_from_rate(rate: float, scale: float, margin: float, expected: WindowLimit) -> None:
    got = WindowLimit.per_second(rate, scale, margin)
    assert got.count == expected.count
    assert got.period == pytest.approx(expected.period, abs=1e-12)


def test_window_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="positive"):
        WindowLimit.per_second(0)
    with pytest.raises(ValueError, match="margin"):
        WindowLimit.per_second(1, margin=-0.1)


# -- the sliding window on a virtual clock ------------------------------------------------------
@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def limiter(clock: VirtualClock) -> LocalRateLimiter:
    return limiter_on(clock)


@pytest.mark.anyio
async def test_sequential_calls_fill_each_window_exactly(clock: VirtualClock, limiter: LocalRateLimiter) -> None:
    limit = WindowLimit(20, 1.0)
    instants: list[float] = []

    async def caller() -> None:
        for _ in range(45):
            r = await limiter.acquire(KEY, limit)
            assert r.at == clock.now
            instants.append(clock.now)

    await clock.run(caller)
    assert instants == [0.0] * 20 + [1.0] * 20 + [2.0] * 5
    assert max_in_window(instants) == 20
    assert clock.sleeps == [1.0, 1.0]
    assert (limiter.waits, limiter.wait_seconds) == (2, 2.0)


@pytest.mark.anyio
async def test_concurrent_callers_never_exceed_the_window(clock: VirtualClock, limiter: LocalRateLimiter) -> None:
    limit = WindowLimit(20, 1.0)
    instants: list[float] = []
    waits: list[float] = []

    async def one() -> None:
        r = await limiter.acquire(KEY, limit)
        instants.append(clock.now)
        waits.append(r.wait)

    await clock.run(*([one] * 1000))
    # Request k goes out at floor(k / 20): 50 full windows, the last at t = 49.
    assert sorted(instants) == [float(k // 20) for k in range(1000)]
    assert max_in_window(instants) == 20
    assert max_in_window(instants, 0.999) == 20
    assert sorted(waits) == [float(k // 20) for k in range(1000)]
    assert limiter.reserved(KEY) == 20  # the last window still constrains the next caller


@pytest.mark.anyio
async def test_fractional_rate_spaces_single_requests(clock: VirtualClock, limiter: LocalRateLimiter) -> None:
    limit = WindowLimit.per_second(0.5)
    instants: list[float] = []

    async def one() -> None:
        await limiter.acquire(KEY, limit)
        instants.append(clock.now)

    await clock.run(*([one] * 4))
    assert instants == [0.0, 2.0, 4.0, 6.0]


@pytest.mark.anyio
async def test_scaled_rate_runs_at_the_fraction(clock: VirtualClock, limiter: LocalRateLimiter) -> None:
    limit = RateLimits(scale=0.8, margin=0.0).limit_for("spot.market.tickers", 20)
    assert limit == WindowLimit(16, 1.0)
    instants: list[float] = []

    async def one() -> None:
        await limiter.acquire(KEY, limit)
        instants.append(clock.now)

    await clock.run(*([one] * 40))
    assert sorted(instants) == [0.0] * 16 + [1.0] * 16 + [2.0] * 8
    slow = RateLimits(scale=0.8, margin=0.0).limit_for("spot.account.info", 1)
    assert slow == WindowLimit(1, 1.25)


@pytest.mark.anyio
async def test_cost_takes_several_places_in_the_window(clock: VirtualClock, limiter: LocalRateLimiter) -> None:
    limit = WindowLimit(10, 1.0)
    got: list[tuple[float, int]] = []

    async def caller() -> None:
        for _ in range(4):
            r = await limiter.acquire(KEY, limit, cost=3)
            got.append((clock.now, r.cost))

    await clock.run(caller)
    # 3 + 3 + 3 fit at t=0; the fourth needs places 10 and 11, freed at t=1.
    assert got == [(0.0, 3), (0.0, 3), (0.0, 3), (1.0, 3)]
    assert limiter.reserved(KEY) == 3  # at t=1 the three at t=0 have aged out
    with pytest.raises(ValueError, match="exceeds the window size 10"):
        await limiter.acquire(KEY, limit, cost=11)


@pytest.mark.anyio
async def test_global_ip_budget_is_6000_per_minute(clock: VirtualClock, limiter: LocalRateLimiter) -> None:
    assert GLOBAL_IP_LIMIT == WindowLimit(6000, 60.0)
    for _ in range(6000):
        await limiter.acquire(GLOBAL, GLOBAL_IP_LIMIT)
    with pytest.raises(RateLimitExceeded) as info:
        await limiter.acquire(GLOBAL, GLOBAL_IP_LIMIT, max_wait=59.0)
    assert info.value.wait == 60.0
    assert info.value.key == GLOBAL


@pytest.mark.anyio
async def test_max_wait_and_fail_fast_refuse_without_reserving(clock: VirtualClock, limiter: LocalRateLimiter) -> None:
    limit = WindowLimit(2, 1.0)
    await limiter.acquire(KEY, limit)
    await limiter.acquire(KEY, limit)
    assert limiter.reserved(KEY) == 2
    with pytest.raises(RateLimitExceeded) as info:
        await limiter.acquire(KEY, limit, max_wait=0.0)
    assert info.value.wait == 1.0
    with pytest.raises(RateLimitExceeded):
        await limiter.acquire(KEY, limit, max_wait=0.999)
    assert limiter.reserved(KEY) == 2  # refusals hold nothing
    assert clock.sleeps == []
    got: list[float] = []

    async def bounded() -> None:
        r = await limiter.acquire(KEY, limit, max_wait=1.0)  # exactly the wait: allowed
        got.append(r.at)

    await clock.run(bounded)
    assert got == [1.0]


def test_effective_max_wait() -> None:
    waiting = RateLimits()
    assert waiting.effective_max_wait(None, None) is None
    assert waiting.effective_max_wait(False, None) == 0.0
    assert waiting.effective_max_wait(None, 2.5) == 2.5
    assert RateLimits(max_wait=3.0).effective_max_wait(None, None) == 3.0
    fail_fast = RateLimits(wait=False)
    assert fail_fast.effective_max_wait(None, None) == 0.0
    assert fail_fast.effective_max_wait(True, None) is None
    assert fail_fast.effective_max_wait(None, 1.5) == 1.5  # a per-call bound means "wait that long"


@pytest.mark.anyio
async def test_penalize_blocks_then_halves_the_rate(clock: VirtualClock) -> None:
    limiter = limiter_on(clock, slowdown_seconds=60.0)
    limit = WindowLimit(2, 1.0)
    limiter.penalize(KEY, 3.0)
    instants: list[float] = []

    async def caller(n: int) -> None:
        for _ in range(n):
            await limiter.acquire(KEY, limit)
            instants.append(clock.now)

    await clock.run(lambda: caller(5))
    # Blocked until 3.0, then 2 per 2 s (half rate) until 3 + 60.
    assert instants == [3.0, 3.0, 5.0, 5.0, 7.0]
    clock.now = 70.0
    instants.clear()
    await clock.run(lambda: caller(3))
    assert instants == [70.0, 70.0, 71.0]


@pytest.mark.anyio
async def test_cancelled_waiter_gives_its_slot_back(clock: VirtualClock, limiter: LocalRateLimiter) -> None:
    limit = WindowLimit(1, 1.0)
    await limiter.acquire(KEY, limit)  # t=0
    got: list[float] = []
    cancelled: list[bool] = []

    async def cancelled_waiter() -> None:
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as tg:

                async def waiter() -> None:
                    await limiter.acquire(KEY, limit)  # would go at 1.0
                    got.append(-1.0)

                tg.start_soon(waiter)
                await clock.sleep(0.5)  # the waiter is queued for t=1.0
                assert limiter.reserved(KEY) == 2
                scope.cancel()
        cancelled.append(scope.cancelled_caught)

    await clock.run(cancelled_waiter)
    assert cancelled == [True]
    assert limiter.reserved(KEY) == 1

    async def next_caller() -> None:
        r = await limiter.acquire(KEY, limit)
        got.append(r.at)

    await clock.run(next_caller)
    assert got == [1.0]  # the cancelled caller's slot, not 2.0
    assert clock.sleeps == [0.5, 1.0, 0.5]  # waiter queued 1.0 from t=0; next caller 0.5 from t=0.5


@pytest.mark.anyio
async def test_release_returns_an_unsent_reservation(clock: VirtualClock, limiter: LocalRateLimiter) -> None:
    limit = WindowLimit(1, 1.0)
    r = await limiter.acquire(KEY, limit)
    limiter.release(r)
    limiter.release(r)  # idempotent: nothing more to give back
    assert limiter.reserved(KEY) == 0
    again = await limiter.acquire(KEY, limit, max_wait=0)
    assert again.at == 0.0


# -- RateLimits configuration ---------------------------------------------------------------------
def test_overrides_by_python_name() -> None:
    rl = RateLimits(overrides={"mix.order.place_order": 1})
    assert rl.limit_for("mix.order.place_order", 10) == WindowLimit(1, 1.05)
    assert rl.limit_for("spot.trade.place_order", 10) == WindowLimit(10, 1.05)
    scaled = RateLimits(overrides={"mix.order.place_order": 1}, scale=0.5, margin=0.0)
    assert scaled.limit_for("mix.order.place_order", 10) == WindowLimit(1, 2.0)


def test_overrides_refuse_unknown_names_and_bad_values() -> None:
    # The route table is known to the client, not to RateLimits (which sits below it).
    typo = RateLimits(overrides={"mix.order.placeorder": 1})
    with pytest.raises(ValueError, match=r"unknown route 'mix\.order\.placeorder'; did you mean 'mix\.order\.place_order'"):
        BitgetClient(rate_limits=typo)
    with pytest.raises(ValueError, match=r"unknown route 'nothing\.like\.it'$"):
        RateLimits(overrides={"nothing.like.it": 1}).check_routes({"spot.market.tickers"})
    with pytest.raises(ValueError, match="must be > 0"):
        RateLimits(overrides={"mix.order.place_order": 0})
    with pytest.raises(ValueError, match="scale"):
        RateLimits(scale=1.5)
    with pytest.raises(ValueError, match="scale"):
        RateLimits(scale=0)
    with pytest.raises(ValueError, match="margin"):
        RateLimits(margin=-1)
    with pytest.raises(ValueError, match="max_wait"):
        RateLimits(max_wait=-1)


def test_ratelimit_package_imports_nothing_above_it() -> None:
    """The limiter sits below the transport: it may use the errors, never routes/transport/client."""
    import ast
    from pathlib import Path

    allowed = {"base", "local", "settings", "redis", "redis_link", "redis_script", "_errors"}
    package = Path(bitget_async.__file__).parent / "_ratelimit"
    seen: set[str] = set()
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                seen.add(node.module or "")
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("bitget_async") for a in node.names), path
    assert seen and seen <= allowed, seen - allowed
