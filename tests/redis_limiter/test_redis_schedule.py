"""RedisRateLimiter's schedule, as the script computes it, against a real redis-server.

Instants are read back from Redis in microseconds of its ``TIME``, so the window arithmetic is
asserted exactly; a wait is a bound only where the caller's own clock takes part (said inline).
"""

from __future__ import annotations

import itertools

import anyio
import anyio.lowlevel
import pytest
from _redis_server import RedisServer
from redis_helpers import zscores

from bitget_async import RateLimitExceeded, RedisRateLimiter, WindowLimit
from bitget_async._ratelimit import RedisReservation

# asyncio only, as redis-py's asyncio client (trio is refused: test_redis_setup.py).
pytestmark = [pytest.mark.anyio, pytest.mark.parametrize("anyio_backend", ["asyncio"])]


async def test_redis_schedule_is_a_sliding_window_in_server_time(redis_server: RedisServer, prefix: str) -> None:
    limit = WindowLimit(2, 0.2)
    async with RedisRateLimiter(redis_server.url, prefix=prefix, egress="e1", spacing=0) as limiter:
        held = []
        async with anyio.create_task_group() as tg:
            for _ in range(5):
                tg.start_soon(lambda: _append(held, limiter.acquire("k", limit)))
        scores = zscores(redis_server, f"{prefix}:w:k@e1")
    assert len(scores) == 5 and len(held) == 5
    # Request k goes exactly one period (200,000 µs of Redis TIME) after request k-2.
    assert [scores[i + 2] - scores[i] for i in range(3)] == [200_000] * 3
    assert scores[1] - scores[0] < 200_000
    assert all(isinstance(r, RedisReservation) for r in held)
    # Concurrent callers were combined: far fewer round trips than acquires.
    assert limiter.round_trips <= 3


async def test_redis_spacing_spreads_a_burst_inside_the_window(redis_server: RedisServer, prefix: str) -> None:
    limit = WindowLimit(4, 0.4)  # average interval 100 ms; spacing 0.5 keeps instants 50 ms apart
    async with RedisRateLimiter(redis_server.url, prefix=prefix, egress="e1", spacing=0.5) as limiter:
        async with anyio.create_task_group() as tg:
            for _ in range(8):
                tg.start_soon(limiter.acquire, "k", limit)
        scores = zscores(redis_server, f"{prefix}:w:k@e1")
    gaps = [b - a for a, b in itertools.pairwise(scores)]
    assert gaps[:3] == [50_000] * 3  # the first window's 4 spread over 150 ms ...
    assert [scores[i + 4] - scores[i] for i in range(4)] == [400_000] * 4  # ... the window bound unchanged


async def test_redis_global_gate_does_not_queue_other_routes_behind_a_busy_one(
    redis_server: RedisServer, prefix: str
) -> None:
    busy, quiet, glob = WindowLimit(1, 1.0), WindowLimit(5, 1.0), WindowLimit(100, 60.0)
    async with RedisRateLimiter(redis_server.url, prefix=prefix, egress="e1", spacing=0) as limiter:
        with anyio.move_on_after(0.3):
            async with anyio.create_task_group() as tg:
                for _ in range(5):  # the busy route's queue reaches 4 s ahead on the global gate too
                    tg.start_soon(limiter.acquire_many, [("busy", busy), ("global", glob)])
        got = await limiter.acquire_many([("quiet", quiet), ("global", glob)], max_wait=0.1)
        assert got[0].wait < 0.1


async def _append(out: list[object], coro: object) -> None:
    out.append(await coro)  # type: ignore[misc]


async def test_redis_waiting_callers_are_served_in_call_order(redis_server: RedisServer, prefix: str) -> None:
    limit = WindowLimit(2, 0.1)
    order: list[tuple[int, float]] = []

    async def caller(i: int) -> None:
        r = await limiter.acquire("k", limit)
        order.append((i, r.at))

    async with RedisRateLimiter(redis_server.url, prefix=prefix, egress="e1", spacing=0) as limiter:
        async with anyio.create_task_group() as tg:
            for i in range(12):
                tg.start_soon(caller, i)
                await anyio.lowlevel.checkpoint()  # each caller is queued before the next one starts
    ats = [at for _i, at in sorted(order)]
    assert len(ats) == 12 and ats == sorted(ats)  # the i-th caller holds the i-th instant
    assert ats[2] > ats[1] and ats[4] > ats[3]  # two per window: a later caller never jumps ahead


async def test_redis_max_wait_refuses_without_reserving(redis_server: RedisServer, prefix: str) -> None:
    limit = WindowLimit(1, 5.0)
    async with RedisRateLimiter(redis_server.url, prefix=prefix, egress="e1") as limiter:
        await limiter.acquire("k", limit)
        with pytest.raises(RateLimitExceeded) as refused:
            await limiter.acquire("k", limit, max_wait=0)
        assert refused.value.key == "k" and 4.9 < refused.value.wait <= 5.0
        assert len(zscores(redis_server, f"{prefix}:w:k@e1")) == 1
        with pytest.raises(ValueError, match="cost 2 exceeds the window size 1"):
            await limiter.acquire("k", limit, cost=2)


async def test_redis_route_and_global_windows_share_one_instant_and_one_round_trip(
    redis_server: RedisServer, prefix: str
) -> None:
    async with RedisRateLimiter(redis_server.url, prefix=prefix, egress="e1", spacing=0) as limiter:
        route, glob = WindowLimit(1, 0.3), WindowLimit(100, 60.0)
        first = await limiter.acquire_many([("r|ip:h", route), ("global|ip:h", glob)])
        trips = limiter.round_trips
        second = await limiter.acquire_many([("r|ip:h", route), ("global|ip:h", glob)])
        assert limiter.round_trips == trips + 1
        assert [r.key for r in first + second] == ["r|ip:h", "global|ip:h"] * 2
        assert second[0].at == second[1].at and 0.25 < second[0].wait <= 0.3
        r_scores = zscores(redis_server, f"{prefix}:w:r|ip:h@e1")
        g_scores = zscores(redis_server, f"{prefix}:w:global|ip:h@e1")
        assert r_scores == g_scores and r_scores[1] - r_scores[0] == 300_000


async def test_redis_release_and_cancel_give_slots_back(redis_server: RedisServer, prefix: str) -> None:
    limit = WindowLimit(1, 2.0)
    async with RedisRateLimiter(redis_server.url, prefix=prefix, egress="e1") as limiter:
        await limiter.acquire("k", limit)
        with anyio.move_on_after(0.2):
            await limiter.acquire("k", limit)  # queued 2 s ahead, cancelled while waiting
        assert len(zscores(redis_server, f"{prefix}:w:k@e1")) == 2  # given back with the next batch
        r = await limiter.acquire("other", WindowLimit(5, 1.0))
        assert len(zscores(redis_server, f"{prefix}:w:k@e1")) == 1
        limiter.release(r)
        limiter.release(r)  # idempotent
    # aclose wrote the last release.
    assert zscores(redis_server, f"{prefix}:w:other@e1") == []


async def test_redis_penalty_reaches_every_sharer(redis_server: RedisServer, prefix: str) -> None:
    limit = WindowLimit(10, 0.25)
    async with (
        RedisRateLimiter(redis_server.url, prefix=prefix, egress="e1", slowdown_seconds=30, spacing=0) as a,
        RedisRateLimiter(redis_server.url, prefix=prefix, egress="e1", spacing=0) as b,
    ):
        await a.acquire("k", limit)
        a.penalize("k", 0.2)
        await a.acquire("k2", limit)  # any acquire carries the penalty to Redis
        meta = redis_server.sync().hgetall(f"{prefix}:m:k@e1")
        assert set(meta) == {b"b", b"s"} and int(meta[b"s"]) - int(meta[b"b"]) == 30_000_000
        got = await b.acquire("k", limit, max_wait=1.0)  # the other process waits the pause out
        assert 0.1 < got.wait <= 0.2  # a bound: what is left of the pause after two round trips
        # ... and then runs at half rate: while slowed the window is 0.5 s, so the 11th slot is
        # 0.5 s after a's first one (0.3 s after the pause ended; at full rate it would be due).
        waits = [(await b.acquire("k", limit)).wait for _ in range(9)]
        assert max(waits[:8]) < 0.05 and 0.2 < waits[8] <= 0.3


async def test_redis_late_sender_takes_a_fresh_slot(redis_server: RedisServer, prefix: str) -> None:
    limit = WindowLimit(1, 0.25)
    async with (
        RedisRateLimiter(redis_server.url, prefix=prefix, egress="e1", late_tolerance=0.1) as limiter,
        RedisRateLimiter(redis_server.url, prefix=prefix, egress="e1") as other,
    ):
        # On time (within late_tolerance, which a loaded loop waking late stays inside): the
        # send guard costs nothing.
        await limiter.acquire("k|sent", limit)  # first sight of the key: not paired yet
        await limiter.acquire("k", limit)  # t0
        trips = limiter.round_trips
        on_time = await limiter.acquire("k|sent", limit)
        assert (on_time.wait, limiter.round_trips, limiter.late_resends) == (0.0, trips, 0)
        route = await limiter.acquire("k", limit)  # t0 + 0.25
        # Held up for 0.25 s (here: while another process queues for t0 + 0.5): leaving now
        # could crowd that slot, so the stale one goes back and a fresh one queues behind it.
        await other.acquire("k", limit, max_wait=0.3)
        fresh = await limiter.acquire("k|sent", limit)
        assert limiter.late_resends == 1 and isinstance(fresh, RedisReservation)
        assert 0.05 < fresh.wait <= 0.25  # up to t0 + 0.75: a bound, the loop's lateness comes off
        limiter.release(route)  # the stale one is already given back: no-op
        scores = zscores(redis_server, f"{prefix}:w:k@e1")
        assert len(scores) == 2 and scores[1] - scores[0] == 250_000
