"""Cancellation gives everything back: concurrency slots, rate slots, pooled connections.

The server side is an async ``httpx.MockTransport`` handler that blocks until cancelled (it
runs in the caller's task, so cancelling the call cancels it), or, for the connection pool, a
real HTTP server on 127.0.0.1 whose handler holds the request open.  After the cancellations
the counters must read zero and a normal call must still go through.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import anyio
import httpx
import pytest
from helpers import Action, LoopbackServer, Received

from bitget_async import BitgetClient, Limits, LocalRateLimiter, RateLimits
from bitget_async._backends._httpx import HttpxBackend

OK = b'{"code":"00000","msg":"success","requestTime":1,"data":[]}'
IP_TICKERS = "spot.market.tickers|ip:api.bitget.com"
GLOBAL = "global|ip:api.bitget.com"


class CountingServer:
    """Async MockTransport handler that counts the requests it holds (now and at the peak).

    ``block``: hold every request while it is True (a cancelled call must give everything
    back); ``pause``: answer after that many seconds, so requests overlap."""

    def __init__(self, *, block: bool = False, pause: float = 0.0) -> None:
        self.block = block
        self.pause = pause
        self.entered = self.active = self.peak = self.answered = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.entered += 1
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            if self.block:
                await anyio.sleep(3600)
            if self.pause:
                await anyio.sleep(self.pause)
            self.answered += 1
            return httpx.Response(200, content=OK)
        finally:
            self.active -= 1


def make_client(server: Any, limiter: LocalRateLimiter, **kwargs: Any) -> BitgetClient:
    return BitgetClient(
        transport=httpx.MockTransport(server),
        rate_limits=RateLimits(limiter=limiter, **kwargs.pop("rate", {})),
        **kwargs,
    )


def assert_idle(client: BitgetClient) -> None:
    stats = client.stats()
    assert stats["in_flight"] == 0
    assert stats["waiting"] == 0
    assert all(route["in_flight"] == 0 for route in stats["routes"].values())


async def fire(client: BitgetClient, n: int, tg: anyio.abc.TaskGroup) -> None:
    for _ in range(n):
        tg.start_soon(client.spot.market.tickers)


@pytest.mark.anyio
async def test_1000_calls_cancelled_by_task_group_cancel() -> None:
    server = CountingServer(block=True)
    limiter = LocalRateLimiter()
    async with make_client(server, limiter) as client:
        async with anyio.create_task_group() as tg:
            await fire(client, 1000, tg)
            await anyio.wait_all_tasks_blocked()
            stats = client.stats()
            # 20 rate slots at once (20/s), 8 of them on the wire, 12 queued for a slot.
            assert (stats["in_flight"], stats["waiting"], server.active) == (8, 12, 8)
            assert limiter.reserved(IP_TICKERS) == 1000
            tg.cancel_scope.cancel()
        assert_idle(client)
        assert server.active == 0 and server.entered == 8
        # The 8 that reached the server keep their slot (the server counted them); the 992 that
        # never left gave theirs back.
        assert limiter.reserved(IP_TICKERS) == 8
        assert limiter.reserved(GLOBAL) == 8
        server.block = False
        assert await client.spot.market.tickers() == []
        assert server.answered == 1
        assert_idle(client)


@pytest.mark.anyio
async def test_1000_calls_cancelled_by_move_on_after() -> None:
    server = CountingServer(block=True)
    limiter = LocalRateLimiter()
    async with make_client(server, limiter) as client:
        with anyio.move_on_after(0.3) as scope:
            async with anyio.create_task_group() as tg:
                await fire(client, 1000, tg)
        assert scope.cancelled_caught
        assert_idle(client)
        assert server.active == 0 and server.entered == 8
        assert limiter.reserved(IP_TICKERS) == 8
        server.block = False
        assert await client.spot.market.tickers() == []


@pytest.mark.anyio
async def test_1000_calls_each_under_fail_after() -> None:
    server = CountingServer(block=True)
    # The limiter runs on the real clock, but the windows are read as they stood just after the
    # burst began: on a loaded machine the burst may outlast the 1 s window, and the slots of the
    # calls that were sent would age out before they are counted.
    view: dict[str, float | None] = {"frozen": None}

    def clock() -> float:
        frozen = view["frozen"]
        return time.monotonic() if frozen is None else frozen

    limiter = LocalRateLimiter(clock=clock)
    timeouts: list[int] = []
    started = time.monotonic()

    async def call(client: BitgetClient) -> None:
        try:
            with anyio.fail_after(0.3):
                await client.spot.market.tickers()
        except TimeoutError:  # anyio raises the builtin TimeoutError
            timeouts.append(1)

    async with make_client(server, limiter) as client:
        async with anyio.create_task_group() as tg:
            for _ in range(1000):
                tg.start_soon(call, client)
        assert len(timeouts) == 1000
        assert_idle(client)
        # Deadlines differ by start time: a call whose neighbour timed out first may take the
        # freed concurrency slot and reach the server before its own deadline.  Whatever the
        # count, exactly the calls that reached the server keep a rate slot.
        assert server.active == 0 and 8 <= server.entered <= 20
        view["frozen"] = started + 0.01
        assert limiter.reserved(IP_TICKERS) == server.entered
        assert limiter.reserved(GLOBAL) == server.entered
        view["frozen"] = None
        server.block = False
        assert await client.spot.market.tickers() == []
        assert_idle(client)


@pytest.mark.anyio
async def test_cancel_while_waiting_for_a_rate_slot() -> None:
    server = CountingServer(block=True)
    server.block = False
    limiter = LocalRateLimiter()
    client = make_client(server, limiter, rate={"overrides": {"spot.market.tickers": 1}})
    async with client:
        await client.spot.market.tickers()
        assert limiter.reserved(IP_TICKERS) == 1
        with anyio.move_on_after(0.05) as scope:
            await client.spot.market.tickers()  # next slot is ~1.05 s away
        assert scope.cancelled_caught
        assert limiter.reserved(IP_TICKERS) == 1
        assert limiter.reserved(GLOBAL) == 1
        assert server.entered == 1
        assert_idle(client)
        stats = client.stats()["routes"]["spot.market.tickers"]
        assert (stats["requests"], stats["errors"]) == (1, 0)


@pytest.mark.anyio
async def test_cancel_while_waiting_for_the_concurrency_slot() -> None:
    server = CountingServer(block=True)
    limiter = LocalRateLimiter()
    async with make_client(server, limiter, limits=Limits(max_connections=1)) as client:
        async with anyio.create_task_group() as outer:
            outer.start_soon(client.spot.market.tickers)  # takes the only slot and blocks
            await anyio.wait_all_tasks_blocked()
            async with anyio.create_task_group() as queued:
                queued.start_soon(client.spot.market.tickers)
                await anyio.wait_all_tasks_blocked()
                assert client.stats()["waiting"] == 1
                assert limiter.reserved(IP_TICKERS) == 2
                queued.cancel_scope.cancel()
            stats = client.stats()
            assert (stats["in_flight"], stats["waiting"]) == (1, 0)
            assert limiter.reserved(IP_TICKERS) == 1  # the queued call never sent: slot returned
            outer.cancel_scope.cancel()
        assert_idle(client)
        assert server.entered == 1
        server.block = False
        assert await client.spot.market.tickers() == []


# -- the real connection pool ------------------------------------------------------------------
@pytest.mark.anyio
async def test_cancelled_calls_return_their_pooled_connections(loopback: LoopbackServer) -> None:
    release = threading.Event()

    def held(req: Received) -> Action:
        release.wait(10)  # hold the request open (on the connection's thread) until released
        return (200, OK, {})

    loopback.script = held
    limiter = LocalRateLimiter()
    client = BitgetClient(
        base_url=loopback.base_url,
        rate_limits=RateLimits(limiter=limiter),
        limits=Limits(max_connections=4, max_keepalive_connections=4),
    )
    async with client:
        with anyio.move_on_after(0.5):
            async with anyio.create_task_group() as tg:
                await fire(client, 50, tg)
        assert_idle(client)
        assert len(loopback.requests) == 4
        # Nothing checked out: no queued request, no connection serving one.
        assert checked_out(client) == 0
        loopback.script = lambda req: (200, OK, {})
        release.set()
        assert await client.spot.market.tickers() == []
        assert await client.spot.market.tickers() == []
        assert_idle(client)
        assert checked_out(client) == 0
        assert idle_connections(client) == 1  # kept alive, reused


def _carrier(client: BitgetClient) -> Any:
    backend = client._transport.backend
    return getattr(backend, "chosen", None) or backend


def checked_out(client: BitgetClient) -> int:
    """Connections serving a request plus requests queued for one, in whichever library carries
    the client's bytes (aiohttp on asyncio, httpx on trio)."""
    carrier = _carrier(client)
    if isinstance(carrier, HttpxBackend):
        pool = carrier.client._transport._pool  # type: ignore[attr-defined]
        return len(pool._requests) + sum(not (c.is_idle() or c.is_closed()) for c in pool.connections)
    connector = carrier._session.connector
    return len(connector._acquired) + sum(len(w) for w in connector._waiters.values())


def idle_connections(client: BitgetClient) -> int:
    carrier = _carrier(client)
    if isinstance(carrier, HttpxBackend):
        pool = carrier.client._transport._pool  # type: ignore[attr-defined]
        return sum(c.is_idle() for c in pool.connections)
    return sum(len(conns) for conns in carrier._session.connector._conns.values())


# -- the concurrency gate and pool settings ------------------------------------------------------
@pytest.mark.anyio
@pytest.mark.parametrize(("limits", "gate"), [(Limits(), 8), (Limits(max_connections=16, max_in_flight=3), 3)])
async def test_in_flight_requests_are_gated(limits: Limits, gate: int) -> None:
    server = CountingServer(pause=0.002)
    client = make_client(server, LocalRateLimiter(), limits=limits, rate={"enabled": False})
    async with client:
        assert client.stats()["max_in_flight"] == gate
        async with anyio.create_task_group() as tg:
            await fire(client, 200, tg)
        assert_idle(client)
    assert (server.entered, server.peak) == (200, gate)


def test_pool_settings_reach_httpx() -> None:
    limits = Limits(max_connections=4, max_keepalive_connections=2, keepalive_expiry=5.0)
    assert limits.to_httpx() == httpx.Limits(max_connections=4, max_keepalive_connections=2, keepalive_expiry=5.0)
    assert limits.in_flight == 4
    assert Limits(max_in_flight=2).in_flight == 2
    assert Limits().http2 is False  # HTTP/2 only when asked for: not measured faster here
    with pytest.raises(ValueError, match="max_connections"):
        Limits(max_connections=0)
    with pytest.raises(ValueError, match="max_in_flight"):
        Limits(max_in_flight=0)
