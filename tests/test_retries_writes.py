"""Retries of writes (only where Bitget cannot have acted, one clientOid throughout) and what the retry loop reports."""

from __future__ import annotations

import logging
import re

import httpx
import pytest
from helpers import ok
from retries_helpers import (
    API_KEY,
    API_SECRET,
    IP_TICKERS,
    OK_TRANSFER,
    PASSPHRASE,
    TOO_MANY,
    Script,
    StepClock,
    client_for,
    status,
    transfer,
)

from bitget_async import (
    ConnectError,
    NetworkError,
    RetryPolicy,
    ServerError,
    TimeoutError,
)


# -- writes --------------------------------------------------------------------------------------
@pytest.mark.anyio
@pytest.mark.parametrize(
    ("fault", "error"),
    [(httpx.ReadTimeout, TimeoutError), (httpx.WriteTimeout, TimeoutError), (httpx.ReadError, NetworkError),
     (httpx.RemoteProtocolError, NetworkError)],
)
async def test_write_not_retried_after_bytes_were_sent(fault: type[Exception], error: type[Exception]) -> None:
    script = Script(fault, httpx.Response(200, content=OK_TRANSFER))
    async with client_for(script) as client:
        with pytest.raises(error) as info:
            await transfer(client)
    assert len(script.requests) == 1
    err = info.value
    assert type(err) is error
    assert (err.request_sent, err.method, err.path) == (True, "POST", "/api/v2/spot/wallet/transfer")  # type: ignore[attr-defined]
    assert "request_sent=True" in repr(err)


@pytest.mark.anyio
async def test_write_not_retried_after_a_5xx() -> None:
    script = Script(status(502), httpx.Response(200, content=OK_TRANSFER))
    async with client_for(script) as client:
        with pytest.raises(ServerError) as info:
            await transfer(client)
    assert len(script.requests) == 1
    assert info.value.http_status == 502


@pytest.mark.anyio
async def test_connect_failure_retried_for_any_method() -> None:
    script = Script(httpx.ConnectError, httpx.ConnectTimeout, httpx.Response(200, content=OK_TRANSFER))
    async with client_for(script) as client:
        result = await transfer(client)
    assert result.transfer_id == "77"
    assert len(script.requests) == 3
    bodies = {r.content for r in script.requests}
    assert bodies == {b'{"fromType":"spot","toType":"usdt_futures","amount":"10","coin":"USDT"}'}


@pytest.mark.anyio
async def test_connect_failure_on_every_attempt_says_nothing_was_sent() -> None:
    script = Script(httpx.ConnectError)
    async with client_for(script) as client:
        with pytest.raises(ConnectError) as info:
            await transfer(client)
    assert len(script.requests) == 3
    assert info.value.request_sent is False


@pytest.mark.anyio
async def test_write_refused_with_429_is_retried() -> None:
    clock = StepClock()
    script = Script(status(429, TOO_MANY, **{"Retry-After": "1"}), httpx.Response(200, content=OK_TRANSFER))
    async with client_for(script, clock=clock) as client:
        assert (await transfer(client)).transfer_id == "77"
    assert len(script.requests) == 2
    assert clock.sleeps == [1.0]


# -- observability -------------------------------------------------------------------------------
LINE = re.compile(
    r"^(GET|POST) (?P<route>[a-z_.]+) -> (?P<status>\w+) in \d+\.\d ms "
    r"\(attempt (?P<attempt>\d+), rate wait (?P<wait>\d+\.\d) ms\)$"
)


@pytest.mark.anyio
async def test_one_debug_line_per_request_and_warnings_on_retries(caplog: pytest.LogCaptureFixture) -> None:
    clock = StepClock()
    script = Script(status(503), status(429, TOO_MANY, **{"Retry-After": "2"}), httpx.ReadTimeout, ok([]))
    caplog.set_level(logging.DEBUG, logger="bitget_async")
    async with client_for(script, clock=clock, retry=RetryPolicy(max_attempts=4, backoff_base=0.0)) as client:
        await client.spot.market.tickers()
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG and LINE.match(r.getMessage())]
    parsed = [LINE.match(m).groupdict() for m in debug]  # type: ignore[union-attr]
    assert [(p["route"], p["status"], p["attempt"], p["wait"]) for p in parsed] == [
        ("spot.market.tickers", "503", "1", "0.0"),
        ("spot.market.tickers", "429", "2", "0.0"),
        ("spot.market.tickers", "TimeoutError", "3", "2000.0"),  # waited out the 429 pause
        ("spot.market.tickers", "200", "4", "0.0"),
    ]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "spot.market.tickers attempt 1 failed (ServerError); retrying in 0.00s",
        "spot.market.tickers: rate limited by the server (HTTP 429, attempt 2); pausing the route 2.00s",
        "spot.market.tickers attempt 2 failed (RateLimitError); retrying in 2.00s",
        "spot.market.tickers attempt 3 failed (TimeoutError); retrying in 0.00s",
    ]
    assert all(r.name == "bitget_async" for r in caplog.records)


@pytest.mark.anyio
async def test_logs_and_stats_never_carry_secrets(caplog: pytest.LogCaptureFixture) -> None:
    script = Script(status(503), httpx.ConnectError, ok([]), httpx.ConnectError, httpx.Response(200, content=OK_TRANSFER))
    caplog.set_level(logging.DEBUG, logger="bitget_async")
    async with client_for(script) as client:
        await client.spot.market.tickers()
        await transfer(client)
        stats = client.stats()
    text = "\n".join(r.getMessage() for r in caplog.records) + repr(stats)
    assert len(caplog.records) == 8  # 5 requests, 3 retries
    for secret in (API_KEY, API_SECRET, PASSPHRASE):
        assert secret not in text


@pytest.mark.anyio
async def test_stats_per_route_and_per_bucket() -> None:
    clock = StepClock()
    script = Script(status(429, TOO_MANY, **{"Retry-After": "1.5"}), ok([]), ok([]), httpx.Response(200, content=OK_TRANSFER))
    async with client_for(script, clock=clock) as client:
        await client.spot.market.tickers()
        await client.spot.market.tickers()
        await transfer(client)
        stats = client.stats()
    assert stats["in_flight"] == 0
    assert stats["max_in_flight"] == 8
    tickers = stats["routes"]["spot.market.tickers"]
    assert {k: v for k, v in tickers.items() if k != "latency_seconds"} == {
        "requests": 3, "errors": 1, "retries": 1, "http_429": 1, "rate_waits": 1, "rate_wait_seconds": 1.5, "in_flight": 0,
    }
    assert tickers["latency_seconds"] > 0
    assert stats["routes"]["spot.wallet.transfer"]["requests"] == 1
    assert stats["buckets"][IP_TICKERS] == {
        "acquired": 3, "rate_waits": 1, "rate_wait_seconds": 1.5, "refused": 0, "http_429": 1, "paused_seconds": 1.5,
    }
    assert stats["buckets"]["global|ip:api.bitget.com"]["acquired"] == 4
    uid = [k for k in stats["buckets"] if k.startswith("spot.wallet.transfer|uid:")]
    assert len(uid) == 1 and stats["buckets"][uid[0]]["acquired"] == 1
