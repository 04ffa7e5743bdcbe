"""Signing header variants (RSA, demo, extra headers) and the timestamp: server-time sync and Bitget's timestamp-expired rejection."""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from transport_helpers import (
    ACCESS,
    BASE,
    KEY,
    NOW,
    PASSPHRASE,
    Server,
    Ticks,
    envelope,
    make_client,
    wire_prehash,
    wire_signature,
)

from bitget_async import RetryPolicy, TimestampError

# -- header variants ----------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("demo", [True, False])
async def test_demo_adds_paptrading_to_public_private_and_time_calls(demo: bool) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v2/public/time":
            return httpx.Response(200, json=envelope({"serverTime": str(NOW)}))
        return httpx.Response(200, json=envelope([]))

    server = Server(answer)
    async with make_client(server, demo=demo) as client:
        await client.spot.market.tickers(symbol="BTCUSDT")
        await client.spot.account.assets()
        await client.sync_time()
        await client.request("GET", "/api/v2/spot/market/tickers", auth=False)
    assert server.paths == [
        "/api/v2/spot/market/tickers",
        "/api/v2/spot/account/assets",
        "/api/v2/public/time",
        "/api/v2/spot/market/tickers",
    ]
    for request in server.requests:
        assert request.headers.get("paptrading") == ("1" if demo else None)
    assert "ACCESS-SIGN" in server.requests[1].headers


@pytest.mark.anyio
async def test_locale_header() -> None:
    server = Server()
    async with make_client(server, locale="zh-CN") as client:
        await client.spot.account.assets()
        await client.spot.market.tickers()
    assert [r.headers["locale"] for r in server.requests] == ["zh-CN", "zh-CN"]


@pytest.mark.anyio
async def test_rsa_client_signature_verifies_over_wire_bytes() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    server = Server(lambda r: httpx.Response(200, json=envelope(None)))
    async with make_client(server, private_key=pem) as client:
        await client.request("POST", "/api/v2/test/write", params={"a": "é"}, body={"orderList": [{"x": "1"}]})
        await client.spot.account.assets(coin="USDT")
    for request in server.requests:
        assert request.headers["ACCESS-KEY"] == KEY
        assert request.headers["ACCESS-PASSPHRASE"] == PASSPHRASE
        # Raises InvalidSignature if the signed bytes differ from the sent bytes.
        key.public_key().verify(
            base64.b64decode(request.headers["ACCESS-SIGN"]), wire_prehash(request), padding.PKCS1v15(), hashes.SHA256()
        )
    assert server.requests[0].content == b'{"orderList":[{"x":"1"}]}'
    assert server.requests[0].url.raw_path == b"/api/v2/test/write?a=%C3%A9"


# -- time ---------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_injected_clock_is_the_access_timestamp() -> None:
    server = Server()
    clock = Ticks(start=1_234_567_890_123, step=7)
    async with make_client(server, clock=clock) as client:
        await client.spot.account.assets()
        await client.spot.account.assets()
    stamps = [r.headers["ACCESS-TIMESTAMP"] for r in server.requests]
    assert stamps == ["1234567890123", "1234567890130"]
    for request in server.requests:
        assert request.headers["ACCESS-SIGN"] == wire_signature(request)
        assert wire_prehash(request).startswith(request.headers["ACCESS-TIMESTAMP"].encode() + b"GET/")


def time_server(server_time: int, then: Callable[[httpx.Request], httpx.Response] | None = None) -> Server:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v2/public/time":
            return httpx.Response(200, json=envelope({"serverTime": str(server_time)}))
        return then(request) if then is not None else httpx.Response(200, json=envelope([]))

    return Server(answer)


@pytest.mark.anyio
@pytest.mark.parametrize(("server_time", "offset"), [(5_000_000, 4_998_850), (1_000, -150)])
async def test_sync_time_uses_round_trip_midpoint(server_time: int, offset: int) -> None:
    server = time_server(server_time)
    clock = Ticks(start=1_000, step=300)  # before = 1000, after = 1300: midpoint 1150
    async with make_client(server, clock=clock) as client:
        assert client.time_offset_ms == 0
        assert await client.sync_time() == offset
        assert client.time_offset_ms == offset
        assert client.stats()["time_offset_ms"] == offset
        await client.spot.account.assets()
    sync, signed = server.requests
    assert str(sync.url) == f"{BASE}/api/v2/public/time"
    assert not any(name in sync.headers for name in ACCESS)
    # The next reading (1600) plus the offset signs the next request.
    assert signed.headers["ACCESS-TIMESTAMP"] == str(1_600 + offset)
    assert signed.headers["ACCESS-SIGN"] == wire_signature(signed)


def rejecting(code: str, times: int) -> Callable[[httpx.Request], httpx.Response]:
    """Answer the first ``times`` non-time requests with a timestamp error, then succeed."""
    seen = iter(range(10**6))

    def answer(request: httpx.Request) -> httpx.Response:
        if next(seen) < times:
            return httpx.Response(400, json=envelope(None, code=code, msg="Request timestamp expired"))
        return httpx.Response(200, json=envelope({"orderId": "9", "clientOid": "c"}))

    return answer


@pytest.mark.anyio
@pytest.mark.parametrize("code", ["40008", "40005"])
async def test_timestamp_error_resyncs_once_and_retries_once(code: str) -> None:
    server = time_server(NOW + 60_000, rejecting(code, times=1))
    clock = Ticks(start=NOW, step=10)
    async with make_client(server, clock=clock) as client:
        data = await client.spot.trade.cancel_order(symbol="BTCUSDT", order_id="9")
        assert client.time_offset_ms == 60_000 - 15  # sync read NOW+10 and NOW+20
    assert (data.order_id, data.client_oid) == ("9", "c")
    first, sync, retry = server.requests
    assert server.paths == ["/api/v2/spot/trade/cancel-order", "/api/v2/public/time", "/api/v2/spot/trade/cancel-order"]
    assert sync.method == "GET"
    assert first.content == retry.content == b'{"symbol":"BTCUSDT","orderId":"9"}'
    assert first.headers["ACCESS-TIMESTAMP"] == str(NOW)
    assert retry.headers["ACCESS-TIMESTAMP"] == str(NOW + 30 + 60_000 - 15)
    for request in (first, retry):
        assert request.headers["ACCESS-SIGN"] == wire_signature(request)


@pytest.mark.anyio
@pytest.mark.parametrize("code", ["40008", "40005"])
async def test_second_timestamp_failure_raises(code: str) -> None:
    server = time_server(NOW, rejecting(code, times=2))
    async with make_client(server) as client:
        with pytest.raises(TimestampError) as info:
            await client.spot.account.assets()
    assert server.paths == ["/api/v2/spot/account/assets", "/api/v2/public/time", "/api/v2/spot/account/assets"]
    err = info.value
    assert type(err) is TimestampError
    assert (err.code, err.http_status, err.method, err.path) == (code, 400, "GET", "/api/v2/spot/account/assets")


@pytest.mark.anyio
async def test_timestamp_error_on_unsigned_call_is_not_resynced() -> None:
    server = time_server(NOW, rejecting("40008", times=5))
    async with make_client(server, retry=RetryPolicy(max_attempts=3)) as client:
        with pytest.raises(TimestampError):
            await client.spot.market.tickers()
    assert server.paths == ["/api/v2/spot/market/tickers"]


@pytest.mark.anyio
async def test_each_client_has_its_own_offset() -> None:
    server = time_server(NOW + 5_000)
    async with make_client(server) as a, make_client(server) as b:
        await a.sync_time()
        assert (a.time_offset_ms, b.time_offset_ms) == (5_000, 0)
