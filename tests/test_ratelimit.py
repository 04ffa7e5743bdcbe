"""Client-side rate control, on a virtual clock so every instant is exact arithmetic.

``VirtualClock`` replaces ``time.monotonic``/``anyio.sleep`` inside ``LocalRateLimiter``: a
sleeping task wakes when a driver task advances the clock to its deadline, and the driver only
advances once every other task is blocked.  Hundreds of concurrent callers therefore see the
same schedule a real clock would give, with no real waiting and no tolerance in the asserts.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Coroutine
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest
from helpers import max_in_window

import bitget_async
from bitget_async import (
    BitgetClient,
    LocalRateLimiter,
    RateLimitError,
    RateLimits,
    Reservation,
    WindowLimit,
)
from bitget_async._ratelimit import GLOBAL_IP_LIMIT, LOCAL_RATE_LIMIT, RateLimitExceeded

KEY = "k"
OK_TICKERS = b'{"code":"00000","msg":"success","requestTime":1,"data":[]}'
OK_ORDER = b'{"code":"00000","msg":"success","requestTime":1,"data":{"orderId":"1","clientOid":"c"}}'
OK_INFO = b'{"code":"00000","msg":"success","requestTime":1,"data":[]}'
IP_TICKERS = "spot.market.tickers|ip:api.bitget.com"
GLOBAL = "global|ip:api.bitget.com"


class VirtualClock:
    """A monotonic clock that only moves when ``drive`` advances it to the next deadline."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._waiters: list[tuple[float, int, anyio.Event]] = []
        self._seq = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        event = anyio.Event()
        entry = (self.now + seconds, next(self._seq), event)
        heapq.heappush(self._waiters, entry)
        try:
            await event.wait()
        except BaseException:
            if entry in self._waiters:  # cancelled: a dead sleeper must not move time forward
                self._waiters.remove(entry)
                heapq.heapify(self._waiters)
            raise

    async def run(self, *jobs: Callable[[], Coroutine[Any, Any, Any]]) -> None:
        """Run ``jobs`` concurrently, advancing time whenever all of them are blocked."""
        done = anyio.Event()

        async def work() -> None:
            async with anyio.create_task_group() as tg:
                for job in jobs:
                    tg.start_soon(job)
            done.set()

        # Real seconds, as a guard: a deadlock fails the test instead of hanging it.
        with anyio.fail_after(30):
            async with anyio.create_task_group() as tg:
                tg.start_soon(work)
                await self._drive(done)

    async def _drive(self, done: anyio.Event) -> None:
        while not done.is_set():
            await anyio.wait_all_tasks_blocked()
            if not self._waiters:
                await anyio.lowlevel.checkpoint()  # a task is between two steps (e.g. finishing): let it
                continue
            deadline = self._waiters[0][0]
            self.now = max(self.now, deadline)
            while self._waiters and self._waiters[0][0] <= self.now:
                heapq.heappop(self._waiters)[2].set()


def limiter_on(clock: VirtualClock, **kwargs: Any) -> LocalRateLimiter:
    return LocalRateLimiter(clock=clock, sleep=clock.sleep, **kwargs)


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
@pytest.mark.anyio
async def test_sequential_calls_fill_each_window_exactly() -> None:
    clock = VirtualClock()
    limiter = limiter_on(clock)
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
async def test_concurrent_callers_never_exceed_the_window() -> None:
    clock = VirtualClock()
    limiter = limiter_on(clock)
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
async def test_fractional_rate_spaces_single_requests() -> None:
    clock = VirtualClock()
    limiter = limiter_on(clock)
    limit = WindowLimit.per_second(0.5)
    instants: list[float] = []

    async def one() -> None:
        await limiter.acquire(KEY, limit)
        instants.append(clock.now)

    await clock.run(*([one] * 4))
    assert instants == [0.0, 2.0, 4.0, 6.0]


@pytest.mark.anyio
async def test_scaled_rate_runs_at_the_fraction() -> None:
    clock = VirtualClock()
    limiter = limiter_on(clock)
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
async def test_cost_takes_several_places_in_the_window() -> None:
    clock = VirtualClock()
    limiter = limiter_on(clock)
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
async def test_global_ip_budget_is_6000_per_minute() -> None:
    clock = VirtualClock()
    limiter = limiter_on(clock)
    assert GLOBAL_IP_LIMIT == WindowLimit(6000, 60.0)
    for _ in range(6000):
        await limiter.acquire(GLOBAL, GLOBAL_IP_LIMIT)
    with pytest.raises(RateLimitExceeded) as info:
        await limiter.acquire(GLOBAL, GLOBAL_IP_LIMIT, max_wait=59.0)
    assert info.value.wait == 60.0
    assert info.value.key == GLOBAL


@pytest.mark.anyio
async def test_max_wait_and_fail_fast_refuse_without_reserving() -> None:
    clock = VirtualClock()
    limiter = limiter_on(clock)
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
async def test_penalize_blocks_then_halves_the_rate() -> None:
    clock = VirtualClock()
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
async def test_cancelled_waiter_gives_its_slot_back() -> None:
    clock = VirtualClock()
    limiter = limiter_on(clock)
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
async def test_release_returns_an_unsent_reservation() -> None:
    clock = VirtualClock()
    limiter = limiter_on(clock)
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
    with pytest.raises(ValueError, match=r"unknown route 'mix\.order\.placeorder'; did you mean 'mix\.order\.place_order'"):
        RateLimits(overrides={"mix.order.placeorder": 1})
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

    return BitgetClient(
        api_key=api_key,
        api_secret="secret-value",
        passphrase="pass-value",
        base_url=base_url,
        transport=httpx.MockTransport(handler),
        rate_limits=rate_limits,
        clock=lambda: 1_700_000_000_000,
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
