"""RedisRateLimiter's settings, what it stores in Redis, and its refusal to run on trio."""

from __future__ import annotations

import pytest
from _redis_server import ArrivalServer, RedisServer

from bitget_async import BitgetClient, RateLimits, RedisRateLimiter, UnsupportedAsyncLibraryError, WindowLimit

API_KEY = "bg_test_key_5f0c2a9d7e3b41c8"
SECRET = "test-secret-6a1f9e0c3b7d"
PASSPHRASE = "test-pass-83d0c4"


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
