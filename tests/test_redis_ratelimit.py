"""RedisRateLimiter against a real redis-server (started here; never a mock, never skipped).

The sharing tests run separate OS processes through one Redis and count arrivals at a loopback
HTTP server, where Bitget counts.  Window assertions use 1-second windows while the limiter
schedules 1.05 s ones (``RateLimits.margin``), which is the slack it documents for jitter between
its send instants and the server's clock; speed is asserted only as a rate measured at the
server, never as wall-clock time.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import anyio
import anyio.lowlevel
import pytest
from _redis_server import ArrivalServer, RedisServer, max_in_window, shared_redis_url, steady_rate

from bitget_async import (
    BitgetClient,
    BitgetError,
    ClientClosedError,
    LocalRateLimiter,
    RateLimitError,
    RateLimiterUnavailable,
    RateLimiterUnavailableError,
    RateLimitExceeded,
    RateLimits,
    RedisRateLimiter,
    UnsupportedAsyncLibraryError,
    WindowLimit,
)
from bitget_async._ratelimit import LOCAL_RATE_LIMIT, RedisReservation

WORKER = Path(__file__).with_name("_redis_worker.py")
TICKERS = "/api/v2/spot/market/tickers"
ASSETS = "/api/v2/spot/account/assets"
API_KEY = "bg_test_key_5f0c2a9d7e3b41c8"
SECRET = "test-secret-6a1f9e0c3b7d"
PASSPHRASE = "test-pass-83d0c4"


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A server of this test's own, free to kill and restart."""
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def arrivals() -> Iterator[ArrivalServer]:
    with ArrivalServer() as server:
        yield server


def zscores(server: RedisServer, name: str) -> list[int]:
    return [int(s) for _m, s in server.sync().zrange(name, 0, -1, withscores=True)]


# -- the schedule, as the script computes it ------------------------------------------------------
@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
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


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
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


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
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


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
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


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
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


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
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


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
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


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_redis_penalty_reaches_every_sharer(redis_server: RedisServer, prefix: str) -> None:
    limit = WindowLimit(10, 1.0)
    async with (
        RedisRateLimiter(redis_server.url, prefix=prefix, egress="e1", slowdown_seconds=30, spacing=0) as a,
        RedisRateLimiter(redis_server.url, prefix=prefix, egress="e1", spacing=0) as b,
    ):
        await a.acquire("k", limit)
        a.penalize("k", 0.5)
        await a.acquire("k2", limit)  # any acquire carries the penalty to Redis
        meta = redis_server.sync().hgetall(f"{prefix}:m:k@e1")
        assert set(meta) == {b"b", b"s"} and int(meta[b"s"]) - int(meta[b"b"]) == 30_000_000
        got = await b.acquire("k", limit, max_wait=1.0)  # the other process waits the pause out
        assert 0.4 < got.wait <= 0.5
        # ... and then runs at half rate: while slowed the window is 2 s, so the 11th slot is
        # 2 s after a's first one (1.5 s after the pause ended).
        waits = [(await b.acquire("k", limit)).wait for _ in range(9)]
        assert max(waits[:8]) < 0.05 and 1.4 < waits[8] <= 1.5


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_redis_late_sender_takes_a_fresh_slot(redis_server: RedisServer, prefix: str) -> None:
    limit = WindowLimit(1, 0.5)
    async with (
        RedisRateLimiter(redis_server.url, prefix=prefix, egress="e1", late_tolerance=0.02) as limiter,
        RedisRateLimiter(redis_server.url, prefix=prefix, egress="e1") as other,
    ):
        # On time: the send guard costs nothing.
        await limiter.acquire("k|sent", limit)  # first sight of the key: not paired yet
        await limiter.acquire("k", limit)  # t0
        trips = limiter.round_trips
        on_time = await limiter.acquire("k|sent", limit)
        assert (on_time.wait, limiter.round_trips, limiter.late_resends) == (0.0, trips, 0)
        route = await limiter.acquire("k", limit)  # t0 + 0.5
        await other.acquire("k", limit, max_wait=0.6)  # another process queues at t0 + 1.0
        # Held at a gate for 0.3 s: leaving now could crowd the other process's slot, so the
        # stale slot goes back and a fresh one queues behind it (t0 + 1.5).
        await anyio.sleep(0.3)
        fresh = await limiter.acquire("k|sent", limit)
        assert limiter.late_resends == 1 and isinstance(fresh, RedisReservation)
        assert 0.1 < fresh.wait <= 0.7
        limiter.release(route)  # the stale one is already given back: no-op
        scores = zscores(redis_server, f"{prefix}:w:k@e1")
        assert len(scores) == 2 and scores[1] - scores[0] == 500_000


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_redis_nothing_secret_is_stored(redis_server: RedisServer, prefix: str, arrivals: ArrivalServer) -> None:
    limiter = RedisRateLimiter(redis_server.url, prefix=prefix)
    async with limiter, BitgetClient(
        base_url=arrivals.url, api_key=API_KEY, api_secret=SECRET, passphrase=PASSPHRASE,
        rate_limits=RateLimits(limiter=limiter),
    ) as client:
        for _ in range(3):
            await client.spot.account.assets()
            await client.spot.market.tickers()
        limiter.penalize("spot.account.assets|uid:x", 0.01)
    sync = redis_server.sync()
    dump: list[bytes] = []
    names = list(sync.scan_iter(match=f"{prefix}:*"))
    assert len(names) >= 4
    for name in names:
        dump.append(name)
        kind = sync.type(name)
        if kind == b"zset":
            dump += [m for m, _s in sync.zrange(name, 0, -1, withscores=True)]
        elif kind == b"hash":
            for k, v in sync.hgetall(name).items():
                dump += [k, v]
        else:
            raise AssertionError(f"unexpected key type {kind!r} for {name!r}")
        assert sync.pttl(name) > 0  # every key expires once idle
    blob = b"\n".join(dump)
    for secret in (API_KEY, SECRET, PASSPHRASE, API_KEY[:8], SECRET[:8], PASSPHRASE[:8]):
        assert secret.encode() not in blob
    text = blob.decode()
    assert "spot.account.assets|uid:" in text and "spot.market.tickers|ip:127.0.0.1@" in text


def test_redis_settings_are_checked_and_repr_hides_passwords() -> None:
    limiter = RedisRateLimiter("redis://:hunter2pass@10.0.0.1:6379/0", egress="nat-a")
    assert "hunter2pass" not in repr(limiter) and "***" in repr(limiter)
    assert limiter.egress == "nat-a"
    with pytest.raises(ValueError, match="on_redis_error"):
        RedisRateLimiter(on_redis_error="ignore")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="egress"):
        RedisRateLimiter(egress="two words")
    with pytest.raises(ValueError, match="timeout"):
        RedisRateLimiter(timeout=0)
    with pytest.raises(ValueError, match="fallback_share"):
        RedisRateLimiter(fallback_share=0)
    limits = RateLimits.redis("redis://127.0.0.1:1/0", egress="nat-b", on_redis_error="fail_closed", scale=0.5)
    assert isinstance(limits.limiter, RedisRateLimiter) and limits.scale == 0.5
    assert (limits.limiter.egress, limits.limiter.on_redis_error) == ("nat-b", "fail_closed")


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["trio"])
async def test_redis_on_trio_is_a_clear_typed_error(redis_server: RedisServer, arrivals: ArrivalServer) -> None:
    limiter = RedisRateLimiter(redis_server.url)
    with pytest.raises(UnsupportedAsyncLibraryError, match="asyncio only"):
        await limiter.acquire("k", WindowLimit(1, 1.0))
    async with BitgetClient(base_url=arrivals.url, rate_limits=RateLimits(limiter=limiter)) as client:
        with pytest.raises(UnsupportedAsyncLibraryError):
            await client.spot.market.tickers()
    assert arrivals.times() == []


# -- faults ----------------------------------------------------------------------------------------
async def _calls(client: BitgetClient, n: int) -> list[object]:
    """n sequential calls, each bounded in time: a hang fails the test instead of stalling it."""
    out: list[object] = []
    for _ in range(n):
        try:
            with anyio.fail_after(5):
                out.append(await client.spot.market.tickers())
        except BitgetError as exc:
            out.append(exc)
    return out


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_redis_killed_fail_closed_sends_nothing_then_recovers(
    own_redis: RedisServer, prefix: str, arrivals: ArrivalServer
) -> None:
    limiter = RedisRateLimiter(own_redis.url, prefix=prefix, on_redis_error="fail_closed", timeout=0.3, retry_interval=0.2)
    async with limiter, BitgetClient(base_url=arrivals.url, rate_limits=RateLimits(limiter=limiter)) as client:
        before = await _calls(client, 3)
        own_redis.kill()
        during = await _calls(client, 5)
        sent_during = len(arrivals.times()) - 3
        own_redis.start()
        await anyio.sleep(0.25)  # past retry_interval: the next call tries Redis again
        after = await _calls(client, 3)
    assert before == [[]] * 3 and after == [[]] * 3
    assert sent_during == 0
    for exc in during:
        assert type(exc) is RateLimiterUnavailableError
        assert (exc.code, exc.http_status, exc.path) == (LOCAL_RATE_LIMIT, 0, TICKERS)
        assert "not sent" in str(exc)
    assert isinstance(during[0], RateLimitError)
    assert len(zscores(own_redis, next(iter(own_redis.sync().scan_iter(match=f"{prefix}:w:spot*"))))) == 3


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_redis_killed_local_policy_falls_back_then_returns(
    own_redis: RedisServer, prefix: str, arrivals: ArrivalServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bitget_async")
    limiter = RedisRateLimiter(own_redis.url, prefix=prefix, on_redis_error="local", timeout=0.3, retry_interval=0.2)
    async with limiter, BitgetClient(base_url=arrivals.url, rate_limits=RateLimits(limiter=limiter)) as client:
        before = await _calls(client, 3)
        own_redis.kill()
        during = await _calls(client, 5)
        assert limiter.fallbacks >= 1
        own_redis.start()
        await anyio.sleep(0.25)
        after = await _calls(client, 3)
    assert before + during + after == [[]] * 11
    assert len(arrivals.times()) == 11
    messages = [r.getMessage() for r in caplog.records]
    assert any("unreachable" in m and "falling back" in m for m in messages)
    assert any("reachable again" in m for m in messages)
    # Back on Redis: the calls sent locally during the outage were written into the fresh server
    # (those still inside the window), followed by the new ones.
    name = next(iter(own_redis.sync().scan_iter(match=f"{prefix}:w:spot*")))
    assert len(zscores(own_redis, name)) >= 3


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
@pytest.mark.parametrize("policy", ["local", "fail_closed"])
async def test_redis_partitioned_or_slow_times_out_never_hangs(
    own_redis: RedisServer, prefix: str, arrivals: ArrivalServer, policy: str
) -> None:
    limiter = RedisRateLimiter(own_redis.url, prefix=prefix, on_redis_error=policy, timeout=0.2, retry_interval=0.3)  # type: ignore[arg-type]
    async with BitgetClient(base_url=arrivals.url, rate_limits=RateLimits(limiter=limiter)) as client:
        assert await _calls(client, 1) == [[]]
        own_redis.pause()  # connections stay open, nothing answers
        try:
            started = time.monotonic()
            during = await _calls(client, 4)
            elapsed = time.monotonic() - started
        finally:
            own_redis.resume()
        await anyio.sleep(0.35)
        after = await _calls(client, 2)
        await limiter.aclose()
    assert elapsed < 5  # generous: each Redis operation is bounded by timeout=0.2
    if policy == "local":
        assert during == [[]] * 4
    else:
        assert [type(e) for e in during] == [RateLimiterUnavailableError] * 4
    assert after == [[]] * 2
    assert limiter.failures >= 1


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_redis_restarted_empty_gets_back_the_instants_still_held(own_redis: RedisServer, prefix: str) -> None:
    limit = WindowLimit(1, 2.0)
    async with RedisRateLimiter(
        own_redis.url, prefix=prefix, egress="e1", on_redis_error="fail_closed", timeout=0.3, retry_interval=0.2, spacing=0
    ) as limiter:
        await limiter.acquire("k", limit)
        async with anyio.create_task_group() as tg:
            tg.start_soon(limiter.acquire, "k", limit)  # holds the instant 2 s ahead, sleeping
            await anyio.sleep(0.2)
            own_redis.kill()
            own_redis.start()  # same port, no data
            with pytest.raises(RateLimiterUnavailable):
                await limiter.acquire("other", limit)  # the old connection is gone: an outage
            await anyio.sleep(0.25)
            await limiter.acquire("other", limit)  # back: the held instant is written first
            scores = zscores(own_redis, f"{prefix}:w:k@e1")
            assert len(scores) == 1
            seconds, micros = own_redis.sync().time()
            assert 1.0e6 < scores[0] - (seconds * 1_000_000 + micros) < 2.0e6
            tg.cancel_scope.cancel()


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_redis_restart_reloads_the_script(own_redis: RedisServer, prefix: str) -> None:
    async with RedisRateLimiter(own_redis.url, prefix=prefix, on_redis_error="fail_closed") as limiter:
        await limiter.acquire("k", WindowLimit(5, 1.0))
        own_redis.sync().script_flush()  # as after a restart: EVALSHA answers NOSCRIPT
        await limiter.acquire("k", WindowLimit(5, 1.0))
        assert limiter.failures == 0 and len(zscores(own_redis, f"{prefix}:w:k@{limiter.egress}")) == 2


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_redis_fail_closed_direct_use_raises_the_plug_in_error(prefix: str) -> None:
    port_without_server = RedisServer().port
    async with RedisRateLimiter(
        f"redis://127.0.0.1:{port_without_server}/0", prefix=prefix, on_redis_error="fail_closed", timeout=0.2
    ) as limiter:
        with pytest.raises(RateLimiterUnavailable, match="unavailable") as err:
            await limiter.acquire("k", WindowLimit(1, 1.0))
        assert isinstance(err.value, RateLimitExceeded)
    fallback = RedisRateLimiter(f"redis://127.0.0.1:{port_without_server}/0", timeout=0.2, fallback_share=0.5)
    got = await fallback.acquire("k", WindowLimit(4, 1.0))
    assert not isinstance(got, RedisReservation) and fallback.fallbacks == 1
    local: LocalRateLimiter = fallback._fallback.local
    assert local.reserved("k") == 1
    # Half of 4 per second while on its own: the third slot in a second waits.
    await fallback.acquire("k", WindowLimit(4, 1.0))
    with pytest.raises(RateLimitExceeded):
        await fallback.acquire("k", WindowLimit(4, 1.0), max_wait=0)
    await fallback.aclose()
    with pytest.raises(ClientClosedError):
        await fallback.acquire("k", WindowLimit(4, 1.0))


# -- several OS processes, one budget --------------------------------------------------------------
def run_workers(configs: list[dict[str, object]]) -> list[dict[str, object]]:
    start_at = time.time() + 4.0  # every worker imported and connected before the first call
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), json.dumps({**cfg, "start_at": start_at})],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        for cfg in configs
    ]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=400)
        assert p.returncode == 0, stderr.decode()[-3000:]
        out.append(json.loads(stdout.decode().strip().splitlines()[-1]))
    return out


def check_shared_ip_route(redis_url: str, arrivals: ArrivalServer, prefix: str, procs: int, calls: int) -> None:
    cfg = {"redis_url": redis_url, "base_url": arrivals.url, "calls": calls, "route": "tickers",
           "prefix": prefix, "egress": "office-nat"}
    results = run_workers([cfg] * procs)
    times = arrivals.times(path=TICKERS)
    assert [r["ok"] for r in results] == [calls] * procs and all(r["errors"] == [] for r in results)
    assert len(times) == procs * calls  # nothing lost, nothing doubled
    assert max_in_window(times) <= 20, [round(t - times[0], 3) for t in times[:60]]
    assert steady_rate(times, 20) >= 0.9 * 20, (steady_rate(times, 20), results)


def test_redis_four_processes_share_one_ip_route(redis_server: RedisServer, arrivals: ArrivalServer, prefix: str) -> None:
    check_shared_ip_route(shared_redis_url(redis_server), arrivals, prefix, procs=4, calls=40)


@pytest.mark.slow
def test_redis_four_processes_250_calls_each_share_one_ip_route(
    redis_server: RedisServer, arrivals: ArrivalServer, prefix: str
) -> None:
    check_shared_ip_route(shared_redis_url(redis_server), arrivals, prefix, procs=4, calls=250)


def test_redis_uid_route_shared_by_key_not_by_process(redis_server: RedisServer, arrivals: ArrivalServer, prefix: str) -> None:
    base = {"redis_url": shared_redis_url(redis_server), "base_url": arrivals.url, "calls": 30, "route": "assets",
            "prefix": prefix, "egress": "office-nat"}
    key_a, key_b = "bg_key_a_11112222", "bg_key_b_33334444"
    results = run_workers([{**base, "api_key": key_a}, {**base, "api_key": key_a}, {**base, "api_key": key_b}])
    assert [r["ok"] for r in results] == [30, 30, 30]
    a, b = arrivals.times(key=key_a, path=ASSETS), arrivals.times(key=key_b, path=ASSETS)
    assert (len(a), len(b)) == (60, 30)
    # spot.account.assets is 10/s per account: the two processes with key A share 10/s ...
    assert max_in_window(a) <= 10 and max_in_window(b) <= 10
    assert 9.0 <= steady_rate(a, 10), (results, [round(t - a[0], 3) for t in a])
    # ... while key B runs its own 10/s alongside (not squeezed into A's budget).
    assert 9.0 <= steady_rate(b, 10)
    assert max_in_window(a + b) > 10
