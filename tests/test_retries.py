"""Retries: what is retried, how often, how long we pause, and what a caller sees when we stop.

Faults are injected with a scripted ``httpx.MockTransport``: each request takes the next step of
a script (a response, or an httpx exception raised where httpx would raise it).  Every test
asserts the exact number of requests that reached the "server".  Pauses after a 429 go through
the rate bucket, whose clock here is a step clock: a sleep advances it at once and is recorded,
so ``Retry-After`` is checked to the exact second without waiting.
"""

from __future__ import annotations

import datetime
import email.utils
from collections.abc import Callable

import httpx
import pytest
from helpers import ok
from retries_helpers import IP_TICKERS, TOO_MANY, Script, StepClock, client_for, status

from bitget_async import (
    Limits,
    RateLimitError,
    RetryPolicy,
    ServerError,
    TimeoutError,
)


# -- RetryPolicy -----------------------------------------------------------------------------------
def test_backoff_doubles_and_caps() -> None:
    policy = RetryPolicy(max_attempts=9, backoff_base=0.25, backoff_max=8.0, jitter=0.25)
    middle: Callable[[], float] = lambda: 0.5  # noqa: E731  (no jitter at the midpoint)
    assert [policy.delay(a, middle) for a in range(1, 9)] == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert policy.delay(1, lambda: 0.0) == 0.1875  # -25 %
    assert policy.delay(1, lambda: 1.0) == 0.3125  # +25 %
    assert policy.delay(7, lambda: 1.0) == 10.0  # jitter spreads around the cap
    assert RetryPolicy(jitter=0.0).delay(3, lambda: 0.9) == 1.0


def test_retry_policy_validation() -> None:
    assert RetryPolicy() == RetryPolicy(max_attempts=3, backoff_base=0.25, backoff_max=8.0, jitter=0.25)
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="backoff"):
        RetryPolicy(backoff_base=-1)
    with pytest.raises(ValueError, match="jitter"):
        RetryPolicy(jitter=1.5)


# -- reads ---------------------------------------------------------------------------------------
@pytest.mark.anyio
async def test_get_retried_on_connect_errors() -> None:
    script = Script(httpx.ConnectError, httpx.ConnectTimeout, ok([]))
    async with client_for(script) as client:
        assert await client.spot.market.tickers() == []
        stats = client.stats()["routes"]["spot.market.tickers"]
    assert len(script.requests) == 3
    assert (stats["requests"], stats["errors"], stats["retries"]) == (3, 2, 2)


@pytest.mark.anyio
async def test_get_retried_on_read_timeouts_until_the_budget_ends() -> None:
    script = Script(httpx.ReadTimeout)
    async with client_for(script) as client:
        with pytest.raises(TimeoutError) as info:
            await client.spot.market.tickers(symbol="BTCUSDT")
    assert len(script.requests) == 3
    err = info.value
    assert (err.request_sent, err.method, err.path) == (True, "GET", "/api/v2/spot/market/tickers")
    assert all(r.url.query == b"symbol=BTCUSDT" for r in script.requests)


@pytest.mark.anyio
async def test_get_retried_on_resets() -> None:
    script = Script(httpx.RemoteProtocolError, httpx.ReadError, ok([]))
    async with client_for(script) as client:
        assert await client.spot.market.tickers() == []
    assert len(script.requests) == 3


@pytest.mark.anyio
async def test_5xx_burst_shorter_than_the_budget_is_absorbed() -> None:
    script = Script(status(502), status(503), status(500), ok([]))
    async with client_for(script, retry=RetryPolicy(max_attempts=4, backoff_base=0.0)) as client:
        assert await client.spot.market.tickers() == []
    assert len(script.requests) == 4


@pytest.mark.anyio
async def test_5xx_burst_longer_than_the_budget_raises_the_last_error() -> None:
    script = Script(status(502), status(503), status(504), ok([]))
    async with client_for(script) as client:
        with pytest.raises(ServerError) as info:
            await client.spot.market.tickers()
    assert len(script.requests) == 3
    assert (info.value.code, info.value.http_status) == ("HTTP504", 504)


@pytest.mark.anyio
async def test_per_call_retries_override_the_policy() -> None:
    script = Script(status(503))
    async with client_for(script, retry=RetryPolicy(max_attempts=5, backoff_base=0.0)) as client:
        with pytest.raises(ServerError):
            await client.spot.market.tickers(retries=0)
        assert len(script.requests) == 1
        with pytest.raises(ServerError):
            await client.spot.market.tickers(retries=1)
        assert len(script.requests) == 3
        with pytest.raises(ServerError):
            await client.spot.market.tickers(retries=RetryPolicy(max_attempts=4, backoff_base=0.0))
        assert len(script.requests) == 7
        with pytest.raises(ServerError):
            await client.spot.market.tickers()  # the client's policy again
        assert len(script.requests) == 12
        with pytest.raises(ValueError, match="retries"):
            await client.spot.market.tickers(retries=-1)
        assert len(script.requests) == 12


@pytest.mark.anyio
async def test_retries_never_nest_the_concurrency_slot() -> None:
    # One slot: a retry that acquired it again inside the first attempt would raise at once.
    script = Script(status(503), httpx.ConnectError, httpx.ReadTimeout, ok([]))
    async with client_for(script, retry=RetryPolicy(max_attempts=4, backoff_base=0.0), limits=Limits(max_connections=1)) as client:
        assert await client.spot.market.tickers() == []
        assert client.stats()["in_flight"] == 0
    assert len(script.requests) == 4


# -- 429 -----------------------------------------------------------------------------------------
@pytest.mark.anyio
async def test_429_retry_after_is_honoured_exactly() -> None:
    clock = StepClock()
    script = Script(status(429, TOO_MANY, **{"Retry-After": "2"}), ok([]))
    async with client_for(script, clock=clock) as client:
        assert await client.spot.market.tickers() == []
        stats = client.stats()
    assert len(script.requests) == 2
    assert clock.sleeps == [2.0]
    route = stats["routes"]["spot.market.tickers"]
    assert (route["http_429"], route["retries"], route["rate_waits"], route["rate_wait_seconds"]) == (1, 1, 1, 2.0)
    assert stats["buckets"][IP_TICKERS]["paused_seconds"] == 2.0


@pytest.mark.anyio
async def test_429_without_retry_after_backs_off_exponentially() -> None:
    clock = StepClock()
    script = Script(status(429, TOO_MANY), status(429, TOO_MANY), ok([]))
    policy = RetryPolicy(max_attempts=3, backoff_base=0.5, backoff_max=8.0, jitter=0.0)
    async with client_for(script, clock=clock, retry=policy) as client:
        assert await client.spot.market.tickers() == []
    assert len(script.requests) == 3
    assert clock.sleeps == [0.5, 1.0]


@pytest.mark.anyio
async def test_429_http_date_retry_after_is_read_and_capped() -> None:
    # A date in the past means "now"; one far ahead is capped (60 s by default), like "inf".
    far = email.utils.format_datetime(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1))
    past = "Wed, 21 Oct 2015 07:28:00 GMT"
    clock = StepClock()
    script = Script(
        status(429, TOO_MANY, **{"Retry-After": past}), status(429, TOO_MANY, **{"Retry-After": far}), ok([])
    )
    policy = RetryPolicy(max_attempts=3, backoff_base=0.75, jitter=0.0)
    async with client_for(script, clock=clock, retry=policy) as client:
        await client.spot.market.tickers()
    assert len(script.requests) == 3
    assert clock.sleeps == [60.0]  # the past date paused the route for 0 s: no sleep at all


@pytest.mark.anyio
@pytest.mark.parametrize("header", ["inf", "1e9", "Infinity", "nan", "-5", "soon"])
async def test_429_retry_after_never_wedges_the_route(header: str) -> None:
    clock = StepClock()
    script = Script(status(429, TOO_MANY, **{"Retry-After": header}), ok([]))
    policy = RetryPolicy(max_attempts=2, backoff_base=0.75, jitter=0.0, max_retry_after=5.0)
    async with client_for(script, clock=clock, retry=policy) as client:
        await client.spot.market.tickers()
    expected = {"inf": [5.0], "1e9": [5.0], "Infinity": [5.0], "nan": [0.75], "-5": [], "soon": [0.75]}[header]
    assert clock.sleeps == expected


@pytest.mark.anyio
async def test_429_retry_after_capped_by_the_backoff_cap_is_still_honoured() -> None:
    clock = StepClock()
    script = Script(status(429, TOO_MANY, **{"Retry-After": "30"}), ok([]))
    policy = RetryPolicy(max_attempts=2, backoff_base=0.1, backoff_max=1.0, jitter=0.0)
    async with client_for(script, clock=clock, retry=policy) as client:
        await client.spot.market.tickers()
    assert clock.sleeps == [30.0]  # the server's word beats our own cap


@pytest.mark.anyio
async def test_429_until_the_budget_ends() -> None:
    clock = StepClock()
    script = Script(status(429, TOO_MANY, **{"Retry-After": "1"}))
    async with client_for(script, clock=clock) as client:
        with pytest.raises(RateLimitError) as info:
            await client.spot.market.tickers()
    assert len(script.requests) == 3
    err = info.value
    assert (err.code, err.http_status, err.retry_after) == ("429", 429, 1.0)
    assert clock.sleeps == [1.0, 1.0]


@pytest.mark.anyio
async def test_429_longer_than_max_wait_is_not_waited_for() -> None:
    clock = StepClock()
    script = Script(status(429, TOO_MANY, **{"Retry-After": "5"}), ok([]))
    async with client_for(script, clock=clock) as client:
        with pytest.raises(RateLimitError) as info:
            await client.spot.market.tickers(max_wait=1.0)
        assert (info.value.http_status, info.value.retry_after) == (429, 5.0)
        # The pause still applies to the next caller of the route: refused locally, not sent.
        with pytest.raises(RateLimitError) as local:
            await client.spot.market.tickers(wait=False)
        assert local.value.code == "LOCAL_RATE_LIMIT"
    assert len(script.requests) == 1
    assert clock.sleeps == []


@pytest.mark.anyio
async def test_429_on_a_route_without_a_bucket_still_pauses() -> None:
    script = Script(status(429, TOO_MANY, **{"Retry-After": "0"}), ok([]))
    async with client_for(script, enabled=False) as client:
        assert await client.request("GET", "/api/v2/spot/market/tickers") == []
    assert len(script.requests) == 2
