"""RedisRateLimiter when Redis fails: killed, partitioned, restarted empty, unreachable.

Each test has a redis-server of its own (``own_redis``) to kill, pause and restart; requests go
to the arrival server, so "nothing sent" is counted where Bitget would count it.
"""

from __future__ import annotations

import logging
import time

import anyio
import pytest
from _redis_server import ArrivalServer, RedisServer
from redis_helpers import TICKERS, calls, zscores

from bitget_async import (
    BitgetClient,
    ClientClosedError,
    LocalRateLimiter,
    RateLimitError,
    RateLimiterUnavailable,
    RateLimiterUnavailableError,
    RateLimitExceeded,
    RateLimits,
    RedisRateLimiter,
    WindowLimit,
)
from bitget_async._ratelimit import LOCAL_RATE_LIMIT, RedisReservation

# asyncio only, as redis-py's asyncio client (trio is refused: test_redis_setup.py).
pytestmark = [pytest.mark.anyio, pytest.mark.parametrize("anyio_backend", ["asyncio"])]


async def test_redis_killed_fail_closed_sends_nothing_then_recovers(
    own_redis: RedisServer, prefix: str, arrivals: ArrivalServer
) -> None:
    limiter = RedisRateLimiter(own_redis.url, prefix=prefix, on_redis_error="fail_closed", timeout=0.3, retry_interval=0.2)
    async with limiter, BitgetClient(base_url=arrivals.url, rate_limits=RateLimits(limiter=limiter)) as client:
        before = await calls(client, 3)
        own_redis.kill()
        during = await calls(client, 5)
        sent_during = len(arrivals.times()) - 3
        own_redis.start()
        await anyio.sleep(0.25)  # past retry_interval: the next call tries Redis again
        after = await calls(client, 3)
    assert before == [[]] * 3 and after == [[]] * 3
    assert sent_during == 0
    for exc in during:
        assert type(exc) is RateLimiterUnavailableError
        assert (exc.code, exc.http_status, exc.path) == (LOCAL_RATE_LIMIT, 0, TICKERS)
        assert "not sent" in str(exc)
    assert isinstance(during[0], RateLimitError)
    assert len(zscores(own_redis, next(iter(own_redis.sync().scan_iter(match=f"{prefix}:w:spot*"))))) == 3


async def test_redis_killed_local_policy_falls_back_then_returns(
    own_redis: RedisServer, prefix: str, arrivals: ArrivalServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bitget_async")
    limiter = RedisRateLimiter(own_redis.url, prefix=prefix, on_redis_error="local", timeout=0.3, retry_interval=0.2)
    async with limiter, BitgetClient(base_url=arrivals.url, rate_limits=RateLimits(limiter=limiter)) as client:
        before = await calls(client, 3)
        own_redis.kill()
        during = await calls(client, 5)
        assert limiter.fallbacks >= 1
        own_redis.start()
        await anyio.sleep(0.25)
        after = await calls(client, 3)
    assert before + during + after == [[]] * 11
    assert len(arrivals.times()) == 11
    messages = [r.getMessage() for r in caplog.records]
    assert any("unreachable" in m and "falling back" in m for m in messages)
    assert any("reachable again" in m for m in messages)
    # Back on Redis: the calls sent locally during the outage were written into the fresh server
    # (those still inside the window), followed by the new ones.
    name = next(iter(own_redis.sync().scan_iter(match=f"{prefix}:w:spot*")))
    assert len(zscores(own_redis, name)) >= 3


@pytest.mark.parametrize("policy", ["local", "fail_closed"])
async def test_redis_partitioned_or_slow_times_out_never_hangs(
    own_redis: RedisServer, prefix: str, arrivals: ArrivalServer, policy: str
) -> None:
    limiter = RedisRateLimiter(own_redis.url, prefix=prefix, on_redis_error=policy, timeout=0.2, retry_interval=0.3)  # type: ignore[arg-type]
    async with BitgetClient(base_url=arrivals.url, rate_limits=RateLimits(limiter=limiter)) as client:
        assert await calls(client, 1) == [[]]
        own_redis.pause()  # connections stay open, nothing answers
        try:
            started = time.monotonic()
            during = await calls(client, 4)
            elapsed = time.monotonic() - started
        finally:
            own_redis.resume()
        await anyio.sleep(0.35)
        after = await calls(client, 2)
        await limiter.aclose()
    assert elapsed < 5  # generous: each Redis operation is bounded by timeout=0.2
    if policy == "local":
        assert during == [[]] * 4
    else:
        assert [type(e) for e in during] == [RateLimiterUnavailableError] * 4
    assert after == [[]] * 2
    assert limiter.failures >= 1


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


async def test_redis_restart_reloads_the_script(own_redis: RedisServer, prefix: str) -> None:
    async with RedisRateLimiter(own_redis.url, prefix=prefix, on_redis_error="fail_closed") as limiter:
        await limiter.acquire("k", WindowLimit(5, 1.0))
        own_redis.sync().script_flush()  # as after a restart: EVALSHA answers NOSCRIPT
        await limiter.acquire("k", WindowLimit(5, 1.0))
        assert limiter.failures == 0 and len(zscores(own_redis, f"{prefix}:w:k@{limiter.egress}")) == 2


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

