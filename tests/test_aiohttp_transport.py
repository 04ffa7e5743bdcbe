"""Both HTTP backends against a real loopback socket: same bytes on the wire, same errors.

Every test runs three ways: httpx on asyncio, httpx on trio, aiohttp on asyncio (aiohttp has no
trio support; a separate test pins the error it gives there).  The server is the shared loopback
server (helpers.LoopbackServer), independent of the event loop under test, that records the exact request bytes
and can answer, hang, or hang up after reading the request.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import socket
import threading
from decimal import Decimal
from typing import Any

import anyio
import helpers
import httpx
import pytest
from helpers import LoopbackServer, first_then

from bitget_async import (
    APIError,
    AuthenticationError,
    BitgetClient,
    ConnectError,
    InsufficientBalanceError,
    Limits,
    NetworkError,
    RateLimitError,
    RateLimits,
    RetryPolicy,
    UnsupportedAsyncLibraryError,
)
from bitget_async import TimeoutError as BitgetTimeoutError
from bitget_async.models import SpotPlaceOrder

KEY, SECRET, PASSPHRASE = "test-key-0001", "test-secret-0001", "test-pass-0001"
NOW_MS = 1_700_000_000_000
PLACE_ORDER = "/api/v2/spot/trade/place-order"
# A signed POST that is not an order placement: transport behaviour without order-safety lookups.
CANCEL = "/api/v2/spot/trade/cancel-order"
TICKERS = "/api/v2/spot/market/tickers"
OK_TICKER = (
    b'{"code":"00000","msg":"success","requestTime":1700000000000,"data":[{"symbol":"BTCUSDT",'
    b'"high24h":"37775.65","open":"35134.2","low24h":"34413.1","lastPr":"34413.1","quoteVolume":"0",'
    b'"baseVolume":"0","usdtVolume":"0","bidPr":"0","askPr":"0","bidSz":"0.0663","askSz":"0",'
    b'"openUtc":"23856.72","ts":"1625125755277","changeUtc24h":"0.00301","change24h":"0.00069"}]}'
)

CASES = [
    pytest.param(("httpx", "asyncio"), id="httpx-asyncio"),
    pytest.param(("httpx", "trio"), id="httpx-trio"),
    pytest.param(("aiohttp", "asyncio"), id="aiohttp-asyncio"),
]


@pytest.fixture(params=CASES)
def case(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def anyio_backend(case: tuple[str, str]) -> str:
    return case[1]


@pytest.fixture
def transport(case: tuple[str, str]) -> str:
    return case[0]


@pytest.fixture
def server(loopback: LoopbackServer) -> LoopbackServer:
    """The shared loopback server, answering a ticker by default."""
    loopback.script = lambda req: (200, OK_TICKER, {})
    return loopback


def make_client(transport: str, port: int, **kwargs: Any) -> BitgetClient:
    """A signed client on the named backend against 127.0.0.1:``port``, default rate limits."""
    kwargs.setdefault("timeout", 5.0)
    kwargs.setdefault("rate_limits", RateLimits())
    return helpers.make_client(
        api_key=KEY, api_secret=SECRET, passphrase=PASSPHRASE, base_url=f"http://127.0.0.1:{port}",
        transport=transport, **kwargs,
    )


def expected_sign(prehash: bytes) -> str:
    return base64.b64encode(hmac.new(SECRET.encode(), prehash, hashlib.sha256).digest()).decode()


async def wait_for(event: threading.Event, seconds: float = 3.0) -> bool:
    return await anyio.to_thread.run_sync(event.wait, seconds)


# -- wire bytes -------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_signed_post_exact_headers_and_body(transport: str, server: LoopbackServer) -> None:
    server.script = lambda req: (
        200,
        b'{"code":"00000","msg":"success","requestTime":1,"data":{"orderId":"987","clientOid":"oid-1"}}',
        {},
    )
    async with make_client(transport, server.port) as client:
        result = await client.spot.trade.place_order(
            symbol="BTCUSDT", side="buy", order_type="limit", force="gtc",
            price=Decimal("25000.50"), size=Decimal("0.0010"), client_oid="oid-1",
        )
    assert result == SpotPlaceOrder(order_id="987", client_oid="oid-1")
    [req] = server.requests
    body = (
        b'{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"gtc",'
        b'"price":"25000.50","size":"0.0010","clientOid":"oid-1"}'
    )
    assert (req.method, req.target, req.body) == ("POST", PLACE_ORDER, body)
    assert req.headers["content-length"] == str(len(body))
    assert req.headers["content-type"] == "application/json"
    assert req.headers["locale"] == "en-US"
    assert req.headers["access-key"] == KEY
    assert req.headers["access-passphrase"] == PASSPHRASE
    assert req.headers["access-timestamp"] == "1700000000000"
    assert req.headers["access-sign"] == expected_sign(b"1700000000000POST" + PLACE_ORDER.encode() + body)


@pytest.mark.anyio
async def test_signed_get_sends_the_query_it_signed(transport: str, server: LoopbackServer) -> None:
    server.script = lambda req: (200, b'{"code":"00000","msg":"success","requestTime":1,"data":[]}', {})
    async with make_client(transport, server.port) as client:
        data = await client.request(
            "GET", "/api/v2/spot/trade/history-orders",
            params={"symbol": "$AIUSDT", "idLessThan": "a b/é~+&=", "limit": 5},
        )
    assert data == []
    [req] = server.requests
    query = "symbol=$AIUSDT&idLessThan=a%20b%2F%C3%A9~%2B%26%3D&limit=5"
    assert req.target == f"/api/v2/spot/trade/history-orders?{query}"
    assert req.body == b""
    assert req.headers["access-sign"] == expected_sign(f"1700000000000GET{req.target}".encode())


@pytest.mark.anyio
async def test_public_get_is_unsigned_and_typed(transport: str, server: LoopbackServer) -> None:
    async with make_client(transport, server.port) as client:
        [ticker] = await client.spot.market.tickers(symbol="BTCUSDT")
    assert (ticker.symbol, ticker.last_pr, ticker.ts) == ("BTCUSDT", Decimal("34413.1"), 1625125755277)
    [req] = server.requests
    assert (req.method, req.target) == ("GET", f"{TICKERS}?symbol=BTCUSDT")
    assert "access-sign" not in req.headers and "access-key" not in req.headers


# -- errors -----------------------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("status", "body", "extra", "cls", "code"),
    [
        (400, b'{"code":"40009","msg":"sign signature error","requestTime":5,"data":null}', {}, AuthenticationError, "40009"),
        (200, b'{"code":"43012","msg":"Insufficient balance","requestTime":5,"data":null}', {}, InsufficientBalanceError, "43012"),
        (429, b'{"code":"429","msg":"Too Many Requests","requestTime":5,"data":null}', {"Retry-After": "2"}, RateLimitError, "429"),
    ],
)
async def test_api_errors_are_typed(
    transport: str, server: LoopbackServer, status: int, body: bytes, extra: dict[str, str], cls: type[APIError], code: str
) -> None:
    server.script = lambda req: (status, body, extra)
    async with make_client(transport, server.port) as client:
        with pytest.raises(cls) as info:
            await client.request("POST", CANCEL, body={"symbol": "BTCUSDT"}, retries=0)
    err = info.value
    assert type(err) is cls
    assert (err.code, err.http_status, err.method, err.path) == (code, status, "POST", CANCEL)
    assert err.retry_after == (2.0 if status == 429 else None)
    assert len(server.requests) == 1


@pytest.mark.anyio
async def test_connection_refused_is_connect_error_not_sent(transport: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with make_client(transport, port) as client:
        with pytest.raises(ConnectError) as info:
            await client.request("POST", CANCEL, body={"symbol": "BTCUSDT"}, retries=0)
        assert client.stats()["in_flight"] == 0
    err = info.value
    assert type(err) is ConnectError
    assert (err.request_sent, err.method, err.path) == (False, "POST", CANCEL)


@pytest.mark.anyio
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_hang_up_after_reading_is_network_error_sent(
    transport: str, server: LoopbackServer, method: str
) -> None:
    server.script = lambda req: "close"
    kwargs: dict[str, Any] = {"params": {"symbol": "BTCUSDT"}} if method == "GET" else {"body": {"symbol": "BTCUSDT"}}
    path = TICKERS if method == "GET" else CANCEL
    async with make_client(transport, server.port) as client:
        with pytest.raises(NetworkError) as info:
            await client.request(method, path, retries=0, **kwargs)
        assert client.stats()["in_flight"] == 0
    err = info.value
    assert type(err) is NetworkError
    assert (err.request_sent, err.method, err.path) == (True, method, path)
    assert [r.method for r in server.requests] == [method]


@pytest.mark.anyio
async def test_silent_server_is_timeout_after_sending(transport: str, server: LoopbackServer) -> None:
    server.script = lambda req: "hang"
    async with make_client(transport, server.port, timeout=0.3) as client:
        with pytest.raises(BitgetTimeoutError) as info:
            await client.request("POST", CANCEL, body={"symbol": "BTCUSDT"}, retries=0)
        assert client.stats()["in_flight"] == 0
    assert type(info.value) is BitgetTimeoutError
    assert (info.value.request_sent, info.value.path) == (True, CANCEL)


@pytest.mark.anyio
async def test_read_timeout_bounds_a_silent_answer_within_a_long_attempt_cap(
    transport: str, server: LoopbackServer
) -> None:
    # Phases add up to a 60.5 s attempt cap; the 0.3 s read bound must still end the wait.
    server.script = lambda req: "hang"
    timeout = httpx.Timeout(30.0, connect=0.2, read=0.3)
    async with make_client(transport, server.port, timeout=timeout) as client:
        with anyio.fail_after(10):
            with pytest.raises(BitgetTimeoutError) as info:
                await client.request("POST", CANCEL, body={"symbol": "BTCUSDT"}, retries=0)
    assert info.value.request_sent is True


@pytest.mark.parametrize(
    ("timeout", "limits", "expected"),
    [
        # default: connect 5 + read 10, no between-bytes timer re-armed per chunk
        (httpx.Timeout(10.0, connect=5.0), Limits(), (15.0, None, 5.0, None)),
        # a float is the whole attempt
        (2.5, Limits(), (2.5, None, 2.5, None)),
        # waiting for a pooled connection is possible: pool + connect bound that wait
        (httpx.Timeout(10.0, connect=5.0, pool=1.0), Limits(max_connections=2, max_in_flight=4),
         (16.0, 6.0, 5.0, None)),
        # unbounded reads: no total
        (httpx.Timeout(10.0, connect=5.0, read=None), Limits(), (None, None, 5.0, None)),
    ],
)
def test_aiohttp_timeouts_fold_the_read_bound_into_the_total(
    timeout: float | httpx.Timeout, limits: Limits, expected: tuple[float | None, ...]
) -> None:
    import aiohttp

    from bitget_async._backends._aiohttp import _client_timeout
    from bitget_async._client import attempt_cap

    ct = _client_timeout(aiohttp, timeout, limits, attempt_cap(timeout))
    assert (ct.total, ct.connect, ct.sock_connect, ct.sock_read) == expected


@pytest.mark.anyio
async def test_cancellation_releases_slot_and_connection(transport: str, server: LoopbackServer) -> None:
    server.script = first_then("hang", (200, OK_TICKER, {}))
    # One connection in the pool: the follow-up call can only succeed if the cancelled call
    # gave its connection back (closed, since its response can never be read).
    async with make_client(transport, server.port, limits=Limits(max_connections=1)) as client:
        with anyio.move_on_after(0.3) as scope:
            await client.spot.market.tickers(symbol="BTCUSDT")
        assert scope.cancelled_caught
        assert client.stats()["in_flight"] == 0
        assert await wait_for(server.hung_up_by_client)
        with anyio.fail_after(3):
            [ticker] = await client.spot.market.tickers(symbol="BTCUSDT")
        assert ticker.symbol == "BTCUSDT"
        assert client.stats()["in_flight"] == 0
    assert [r.target for r in server.requests] == [f"{TICKERS}?symbol=BTCUSDT"] * 2


@pytest.mark.anyio
async def test_read_is_retried_once_after_a_dropped_connection(transport: str, server: LoopbackServer) -> None:
    server.script = first_then("close", (200, OK_TICKER, {}))
    policy = RetryPolicy(max_attempts=2, backoff_base=0.0, jitter=0.0)
    async with make_client(transport, server.port, retry=policy) as client:
        [ticker] = await client.spot.market.tickers(symbol="BTCUSDT")
        stats = client.stats()["routes"]["spot.market.tickers"]
    assert ticker.symbol == "BTCUSDT"
    assert (stats["requests"], stats["errors"], stats["retries"], stats["in_flight"]) == (2, 1, 1, 0)
    assert [r.target for r in server.requests] == [f"{TICKERS}?symbol=BTCUSDT"] * 2


# -- aiohttp specifics --------------------------------------------------------------------------------


@pytest.mark.parametrize("anyio_backend", ["trio"])
@pytest.mark.anyio
async def test_aiohttp_refuses_trio_clearly(anyio_backend: str, server: LoopbackServer) -> None:
    async with make_client("aiohttp", server.port) as client:
        with pytest.raises(UnsupportedAsyncLibraryError, match="asyncio only"):
            await client.spot.market.tickers(symbol="BTCUSDT")
    assert server.requests == []


def test_aiohttp_refuses_http2() -> None:
    with pytest.raises(ValueError, match=r"HTTP/1\.1 only"):
        BitgetClient(transport="aiohttp", limits=Limits(http2=True))


def test_aiohttp_refuses_a_second_event_loop(server: LoopbackServer) -> None:
    client = make_client("aiohttp", server.port)
    first, second = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        [ticker] = first.run_until_complete(client.spot.market.tickers(symbol="BTCUSDT"))
        assert ticker.symbol == "BTCUSDT"
        with pytest.raises(UnsupportedAsyncLibraryError, match="another event loop"):
            second.run_until_complete(client.spot.market.tickers(symbol="BTCUSDT"))
        first.run_until_complete(client.aclose())
    finally:
        first.close()
        second.close()
    assert len(server.requests) == 1
