"""Rate control through the client, on the virtual clock: route and scope keys, shared limiters, 429 handling, waiting and refusing, custom limiters."""

from __future__ import annotations

from typing import Any

import helpers
import httpx
import pytest
from helpers import max_in_window
from ratelimit_helpers import GLOBAL, IP_TICKERS, OK_ORDER, OK_TICKERS, VirtualClock, limiter_on

import bitget_async
from bitget_async import (
    BitgetClient,
    LocalRateLimiter,
    RateLimitError,
    RateLimits,
    Reservation,
    WindowLimit,
)
from bitget_async._ratelimit import GLOBAL_IP_LIMIT, LOCAL_RATE_LIMIT


# -- through the client ---------------------------------------------------------------------------
def make_client(
    rate_limits: RateLimits | LocalRateLimiter | Any,
    hits: list[httpx.Request],
    *,
    api_key: str = "key-one-0000",
    base_url: str = "https://api.bitget.com",
    status: int = 200,
    body: bytes | None = None,
    fail: type[Exception] | None = None,
) -> BitgetClient:
    def handler(request: httpx.Request) -> httpx.Response:
        hits.append(request)
        if fail is not None:
            raise fail("boom", request=request)  # type: ignore[call-arg]
        if body is not None:
            return httpx.Response(status, content=body)
        if request.url.path.endswith("place-order"):
            return httpx.Response(status, content=OK_ORDER)
        return httpx.Response(status, content=OK_TICKERS)

    return helpers.make_client(
        handler, api_key=api_key, api_secret="secret-value", passphrase="pass-value", base_url=base_url,
        rate_limits=rate_limits,
    )


@pytest.mark.anyio
async def test_fail_fast_raises_before_sending() -> None:
    clock = VirtualClock()
    hits: list[httpx.Request] = []
    rl = RateLimits(limiter=limiter_on(clock), margin=0.0)
    async with make_client(rl, hits) as client:
        for _ in range(20):
            await client.spot.market.tickers()
        with pytest.raises(RateLimitError) as info:
            await client.spot.market.tickers(wait=False)
        with pytest.raises(RateLimitError) as bounded:
            await client.spot.market.tickers(max_wait=0.5)
        stats = client.stats()
    assert len(hits) == 20
    err = info.value
    assert (err.code, err.http_status, err.retry_after) == (LOCAL_RATE_LIMIT, 0, 1.0)
    assert (err.method, err.path) == ("GET", "/api/v2/spot/market/tickers")
    assert "not sent" in err.msg
    assert bounded.value.code == LOCAL_RATE_LIMIT
    assert clock.sleeps == []
    assert stats["buckets"][IP_TICKERS] == {
        "acquired": 20, "rate_waits": 0, "rate_wait_seconds": 0.0, "refused": 2, "http_429": 0, "paused_seconds": 0.0,
    }
    assert stats["routes"]["spot.market.tickers"]["requests"] == 20
    assert stats["routes"]["spot.market.tickers"]["errors"] == 2
    assert stats["routes"]["spot.market.tickers"]["retries"] == 0  # a local refusal is final


@pytest.mark.anyio
async def test_client_wide_fail_fast_setting() -> None:
    clock = VirtualClock()
    hits: list[httpx.Request] = []
    rl = RateLimits(limiter=limiter_on(clock), wait=False, overrides={"spot.market.tickers": 1})
    async with make_client(rl, hits) as client:
        await client.spot.market.tickers()
        with pytest.raises(RateLimitError) as info:
            await client.spot.market.tickers()
    assert len(hits) == 1
    assert info.value.retry_after == pytest.approx(1.05)


@pytest.mark.anyio
async def test_copy_trader_override_waits_between_orders() -> None:
    clock = VirtualClock()
    hits: list[httpx.Request] = []
    rl = RateLimits(limiter=limiter_on(clock), overrides={"mix.order.place_order": 1}, margin=0.0)
    sent_at: list[float] = []

    async with make_client(rl, hits) as client:

        async def place() -> None:
            await client.mix.order.place_order(
                symbol="BTCUSDT", product_type="USDT-FUTURES", margin_mode="crossed", margin_coin="USDT",
                size="0.01", side="buy", order_type="market",
            )
            sent_at.append(clock.now)

        await clock.run(place, place, place)
        stats = client.stats()
    assert len(hits) == 3
    assert sorted(sent_at) == [0.0, 1.0, 2.0]
    assert sorted(clock.sleeps) == [1.0, 2.0]
    route = stats["routes"]["mix.order.place_order"]
    assert (route["rate_waits"], route["rate_wait_seconds"]) == (2, 3.0)
    bucket_key = next(k for k in stats["buckets"] if k.startswith("mix.order.place_order|uid:"))
    assert stats["buckets"][bucket_key]["rate_waits"] == 2
    assert stats["buckets"][bucket_key]["rate_wait_seconds"] == 3.0
    assert stats["buckets"][GLOBAL]["acquired"] == 3


@pytest.mark.anyio
async def test_clients_sharing_limits_share_ip_keys_not_uid_keys() -> None:
    clock = VirtualClock()
    hits_a: list[httpx.Request] = []
    hits_b: list[httpx.Request] = []
    shared = RateLimits(limiter=limiter_on(clock), margin=0.0)
    a = make_client(shared, hits_a, api_key="key-one-0000")
    b = make_client(shared, hits_b, api_key="key-two-0000")
    ticker_times: list[tuple[str, float]] = []
    info_times: list[tuple[str, float]] = []

    async def tickers(client: BitgetClient, name: str) -> None:
        await client.spot.market.tickers()
        ticker_times.append((name, clock.now))

    async def account(client: BitgetClient, name: str) -> None:
        await client.spot.trade.order_info(order_id="1")
        info_times.append((name, clock.now))

    async with a, b:
        # 15 + 15 on one IP-scoped 20/s route: 20 go now, 10 wait for the next window.
        jobs = [lambda: tickers(a, "a")] * 15 + [lambda: tickers(b, "b")] * 15
        await clock.run(*jobs)
        # 20 + 20 on a UID-scoped 20/s route: each key has its own window, nobody waits.
        start = clock.now
        jobs = [lambda: account(a, "a")] * 20 + [lambda: account(b, "b")] * 20
        await clock.run(*jobs)
        stats_a, stats_b = a.stats(), b.stats()
    assert sorted(t for _, t in ticker_times) == [0.0] * 20 + [1.0] * 10
    assert [t for _, t in info_times] == [start] * 40
    uid_a = {k for k in stats_a["buckets"] if k.startswith("spot.trade.order_info|uid:")}
    uid_b = {k for k in stats_b["buckets"] if k.startswith("spot.trade.order_info|uid:")}
    assert len(uid_a) == len(uid_b) == 1 and uid_a != uid_b
    assert IP_TICKERS in stats_a["buckets"] and IP_TICKERS in stats_b["buckets"]
    limiter = shared.limiter
    assert isinstance(limiter, LocalRateLimiter)
    assert limiter.reserved(uid_a.pop()) == 20
    assert limiter.reserved(uid_b.pop()) == 20
    assert limiter.reserved(GLOBAL) == 70  # both API keys spend one per-IP budget
    for key in stats_a["buckets"]:
        assert "key-one" not in key  # bucket keys name a hash of the API key, never the key


@pytest.mark.anyio
async def test_different_hosts_get_different_ip_keys() -> None:
    clock = VirtualClock()
    shared = RateLimits(limiter=limiter_on(clock), margin=0.0)
    a = make_client(shared, [], base_url="https://api.bitget.com")
    b = make_client(shared, [], base_url="https://other.example")
    async with a, b:
        for _ in range(20):
            await a.spot.market.tickers()
        await b.spot.market.tickers(wait=False)  # its own IP budget: no refusal
    assert "spot.market.tickers|ip:other.example" in b.stats()["buckets"]


class RecordingLimiter:
    """A third-party limiter (a Redis backend would look like this): only the protocol."""

    def __init__(self) -> None:
        self.acquired: list[tuple[str, WindowLimit, int, float | None]] = []
        self.released: list[str] = []
        self.penalized: list[tuple[str, float]] = []

    async def acquire(
        self, key: str, limit: WindowLimit, *, cost: int = 1, max_wait: float | None = None
    ) -> Reservation:
        self.acquired.append((key, limit, cost, max_wait))
        return Reservation(key, 0.0, cost)

    def release(self, reservation: Reservation) -> None:
        self.released.append(reservation.key)

    def penalize(self, key: str, seconds: float) -> None:
        self.penalized.append((key, seconds))


@pytest.mark.anyio
async def test_custom_limiter_plugs_in_through_the_protocol() -> None:
    limiter = RecordingLimiter()
    hits: list[httpx.Request] = []
    async with make_client(limiter, hits) as client:
        await client.spot.market.tickers(max_wait=2.0)
    # The route window, then the per-IP window; the arrival guard is the client's own.
    assert limiter.acquired == [
        (IP_TICKERS, WindowLimit(20, 1.05), 1, 2.0),
        (GLOBAL, GLOBAL_IP_LIMIT, 1, 2.0),
    ]
    assert limiter.released == []
    # A connection that never opened sent nothing: every slot goes back.
    limiter2 = RecordingLimiter()
    hits2: list[httpx.Request] = []
    client2 = make_client(limiter2, hits2, fail=httpx.ConnectError)
    async with client2:
        with pytest.raises(bitget_async.ConnectError):
            await client2.spot.market.tickers(retries=0)
    assert len(hits2) == 1
    assert limiter2.released == [IP_TICKERS, GLOBAL]


@pytest.mark.anyio
async def test_disabled_limits_take_no_slots() -> None:
    limiter = RecordingLimiter()
    async with make_client(RateLimits(limiter=limiter, enabled=False), []) as client:
        await client.spot.market.tickers()
    assert limiter.acquired == []
    assert client.stats()["buckets"] == {}


@pytest.mark.anyio
async def test_server_429_pauses_the_bucket_for_every_caller() -> None:
    clock = VirtualClock()
    rl = RateLimits(limiter=limiter_on(clock), margin=0.0)
    answers = [httpx.Response(429, headers={"Retry-After": "3"}, content=b'{"code":"429","msg":"Too Many Requests"}')]
    hits: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hits.append(clock.now)
        return answers.pop() if answers else httpx.Response(200, content=OK_TICKERS)

    client = BitgetClient(transport=httpx.MockTransport(handler), rate_limits=rl)
    async with client:
        await clock.run(client.spot.market.tickers)
        assert hits == [0.0, 3.0]  # retried after exactly Retry-After, through the bucket
        await client.spot.market.tickers(max_wait=0.0)  # the pause is over: goes at once
        # For 60 s after the pause the route runs at half rate: 20 per 2 s.
        assert hits[-1] == 3.0
        stats = client.stats()
    bucket = stats["buckets"][IP_TICKERS]
    assert (bucket["http_429"], bucket["paused_seconds"], bucket["rate_waits"]) == (1, 3.0, 1)
    assert clock.sleeps == [3.0]


@pytest.mark.anyio
async def test_late_sends_do_not_crowd_the_next_window_at_the_server() -> None:
    # The first 8 requests open cold connections and take 0.5 s; the other 12 of the first
    # window queue behind them at the concurrency gate and leave at t=0.5.  Pacing on send
    # instants alone, the second window (reserved for t=1.0) would put 12 + 20 = 32 arrivals
    # into the server's window [0.5, 1.5); the arrival guard paces on answers instead.
    clock = VirtualClock()
    arrivals: list[float] = []

    async def server(request: httpx.Request) -> httpx.Response:
        arrivals.append(clock.now)
        # Binary fractions, so "t + 1.0 - 1.0 == t" holds and windows are exact.
        await clock.sleep(0.5 if len(arrivals) <= 8 else 0.0625)
        return httpx.Response(200, content=OK_TICKERS)

    client = BitgetClient(
        transport=httpx.MockTransport(server),
        rate_limits=RateLimits(limiter=limiter_on(clock), margin=0.0),
    )
    async with client:
        await clock.run(*([client.spot.market.tickers] * 60))
        stats = client.stats()
    assert len(arrivals) == 60
    assert max_in_window(arrivals) == 20
    # Request k leaves a full window after request k-20 was *answered*: 21-28 wait for the
    # answers of 1-8 (0.5) and leave at 1.5, 29-36 for those of 9-16 (0.5625), and so on.
    assert sorted(arrivals)[:36] == [0.0] * 8 + [0.5] * 8 + [0.5625] * 4 + [1.5] * 8 + [1.5625] * 8
    assert stats["routes"]["spot.market.tickers"]["in_flight"] == 0
