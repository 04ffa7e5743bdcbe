"""Wire bytes and time: what leaves the client is exactly what was signed.

Every test captures the ``httpx.Request`` at an ``httpx.MockTransport`` and recomputes the
signature from the bytes on the wire (``url.raw_path`` + ``content``), never from the library's
own intermediate strings.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import helpers
import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from helpers import Recorder

from bitget_async import BitgetClient, RetryPolicy, TimestampError

KEY = "bg_0123456789abcdef"
SECRET = "test-secret-0123456789"
PASSPHRASE = "test-passphrase-xyz"
NOW = 1_700_000_000_000
BASE = "https://api.bitget.com"
ACCESS = ("ACCESS-KEY", "ACCESS-SIGN", "ACCESS-TIMESTAMP", "ACCESS-PASSPHRASE")


def envelope(data: Any, code: str = "00000", msg: str = "success") -> dict[str, Any]:
    return helpers.envelope(data, code, msg, NOW)


class Server(Recorder):
    """The shared recorder, answering an empty list unless told otherwise."""

    def __init__(self, answer: Callable[[httpx.Request], httpx.Response] | None = None) -> None:
        super().__init__(answer, body=helpers.envelope_bytes([], request_time=NOW))


class Ticks:
    """A clock that advances ``step`` ms on every reading (records how often it was read)."""

    def __init__(self, start: int = NOW, step: int = 0) -> None:
        self.now = start
        self.step = step
        self.readings = 0

    def __call__(self) -> int:
        value = self.now
        self.now += self.step
        self.readings += 1
        return value


def make_client(server: Server, **kwargs: Any) -> BitgetClient:
    kwargs.setdefault("clock", Ticks())
    if "private_key" not in kwargs:
        kwargs.setdefault("api_secret", SECRET)
    return helpers.make_client(server, api_key=kwargs.pop("api_key", KEY), passphrase=kwargs.pop("passphrase", PASSPHRASE), **kwargs)


def wire_prehash(request: httpx.Request) -> bytes:
    """The prehash rebuilt from the bytes that were actually sent."""
    return (
        request.headers["ACCESS-TIMESTAMP"].encode("ascii")
        + request.method.encode("ascii")
        + request.url.raw_path
        + request.content
    )


def wire_signature(request: httpx.Request, secret: str = SECRET) -> str:
    digest = hmac.new(secret.encode("utf-8"), wire_prehash(request), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def hmac_b64(message: str) -> str:
    digest = hmac.new(SECRET.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def bitget_headers(request: httpx.Request) -> dict[str, str]:
    """The headers Bitget cares about (httpx adds host, accept, user-agent ... on its own)."""
    names = {*ACCESS, "Content-Type", "locale", "paptrading"}
    return {name: request.headers[name] for name in sorted(names) if name in request.headers}


# -- GET: URL, headers, no body ---------------------------------------------------------------


@pytest.mark.anyio
async def test_private_get_exact_url_headers_and_signature() -> None:
    server = Server()
    async with make_client(server) as client:
        data = await client.spot.account.assets(asset_type="hold_only", coin="USDT")
    assert data == []
    (request,) = server.requests
    # Query order is the route table's (coin, assetType), not the caller's keyword order.
    assert str(request.url) == f"{BASE}/api/v2/spot/account/assets?coin=USDT&assetType=hold_only"
    assert request.method == "GET"
    assert request.content == b""
    assert "content-length" not in request.headers
    expected_sign = hmac_b64("1700000000000GET/api/v2/spot/account/assets?coin=USDT&assetType=hold_only")
    assert bitget_headers(request) == {
        "ACCESS-KEY": KEY,
        "ACCESS-PASSPHRASE": PASSPHRASE,
        "ACCESS-SIGN": expected_sign,
        "ACCESS-TIMESTAMP": "1700000000000",
        "Content-Type": "application/json",
        "locale": "en-US",
    }
    assert wire_signature(request) == expected_sign


@pytest.mark.anyio
async def test_public_get_query_in_table_order_with_dollar_symbol() -> None:
    server = Server()
    async with make_client(server) as client:
        await client.spot.market.candles(limit=5, end_time=NOW, granularity="1min", symbol="$AIUSDT")
    (request,) = server.requests
    assert request.url.raw_path == b"/api/v2/spot/market/candles?symbol=$AIUSDT&granularity=1min&endTime=1700000000000&limit=5"
    assert request.content == b""
    # Public routes are never signed, even on a client that has credentials.
    assert bitget_headers(request) == {"Content-Type": "application/json", "locale": "en-US"}


@pytest.mark.anyio
async def test_non_ascii_and_reserved_query_values_are_sent_as_signed() -> None:
    server = Server(lambda r: httpx.Response(200, json=envelope({"ok": True})))
    async with make_client(server) as client:
        data = await client.request(
            "GET", "/api/v2/test/echo", params={"note": "café ✓", "symbol": "$AIUSDT", "q": "a&b=c d", "n": 3}
        )
    assert data == {"ok": True}
    (request,) = server.requests
    assert request.url.raw_path == (
        b"/api/v2/test/echo?note=caf%C3%A9%20%E2%9C%93&symbol=$AIUSDT&q=a%26b%3Dc%20d&n=3"
    )
    assert request.url.params["note"] == "café ✓"
    assert request.url.params["q"] == "a&b=c d"
    assert request.headers["ACCESS-SIGN"] == wire_signature(request)
    assert request.headers["ACCESS-SIGN"] == hmac_b64(
        "1700000000000GET/api/v2/test/echo?note=caf%C3%A9%20%E2%9C%93&symbol=$AIUSDT&q=a%26b%3Dc%20d&n=3"
    )


@pytest.mark.anyio
async def test_empty_query_has_no_question_mark() -> None:
    server = Server()
    async with make_client(server) as client:
        await client.request("GET", "/api/v2/spot/account/assets")
        await client.request("GET", "/api/v2/spot/account/assets", params={"coin": None})
    for request in server.requests:
        assert str(request.url) == f"{BASE}/api/v2/spot/account/assets"
        assert request.url.raw_path == b"/api/v2/spot/account/assets"
        assert request.headers["ACCESS-SIGN"] == hmac_b64("1700000000000GET/api/v2/spot/account/assets")


# -- POST: body bytes ---------------------------------------------------------------------------


@pytest.mark.anyio
async def test_post_body_is_compact_json_with_plain_decimals() -> None:
    server = Server(lambda r: httpx.Response(200, json=envelope({"orderId": "1", "clientOid": "oid-1"})))
    async with make_client(server) as client:
        placed = await client.spot.trade.place_order(
            size=Decimal("100"),
            price=Decimal("1E-7"),
            client_oid="oid-1",
            force="gtc",
            order_type="limit",
            side="buy",
            symbol="$AIUSDT",
        )
    assert (placed.order_id, placed.client_oid) == ("1", "oid-1")
    (request,) = server.requests
    body = (
        b'{"symbol":"$AIUSDT","side":"buy","orderType":"limit","force":"gtc",'
        b'"price":"0.0000001","size":"100","clientOid":"oid-1"}'
    )
    assert str(request.url) == f"{BASE}/api/v2/spot/trade/place-order"
    assert request.content == body
    assert request.headers["content-length"] == str(len(body))
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["ACCESS-SIGN"] == hmac_b64(
        "1700000000000POST/api/v2/spot/trade/place-order" + body.decode("ascii")
    )
    assert request.headers["ACCESS-SIGN"] == wire_signature(request)


@pytest.mark.anyio
async def test_post_batch_orders_nested_list_exact_body() -> None:
    answer = {"successList": [{"orderId": "1", "clientOid": "a1"}, {"orderId": "2", "clientOid": "a2"}], "failureList": []}
    server = Server(lambda r: httpx.Response(200, json=envelope(answer)))
    async with make_client(server) as client:
        result = await client.spot.trade.batch_orders(
            symbol="BTCUSDT",
            order_list=[
                {"side": "buy", "order_type": "limit", "force": "gtc", "price": Decimal("27000.50"),
                 "size": Decimal("1E-7"), "client_oid": "a1"},
                {"side": "sell", "order_type": "market", "force": "gtc", "size": "0.5", "client_oid": "a2"},
            ],
        )
    assert [s.order_id for s in result.success_list or ()] == ["1", "2"]
    (request,) = server.requests
    body = (
        b'{"symbol":"BTCUSDT","orderList":['
        b'{"side":"buy","orderType":"limit","force":"gtc","price":"27000.50","size":"0.0000001","clientOid":"a1"},'
        b'{"side":"sell","orderType":"market","force":"gtc","size":"0.5","clientOid":"a2"}]}'
    )
    assert request.url.raw_path == b"/api/v2/spot/trade/batch-orders"
    assert request.content == body
    assert request.headers["ACCESS-SIGN"] == wire_signature(request)


@pytest.mark.anyio
async def test_request_post_nested_lists_non_ascii_and_query() -> None:
    server = Server(lambda r: httpx.Response(200, json=envelope(None)))
    async with make_client(server) as client:
        await client.request(
            "POST",
            "/api/v2/test/write",
            params={"symbol": "$AIUSDT"},
            body={"note": "café", "levels": [[Decimal("1E-7"), "2"], []], "skip": None, "flag": True, "n": 10},
        )
    (request,) = server.requests
    body = '{"note":"café","levels":[["0.0000001","2"],[]],"flag":true,"n":10}'.encode()
    assert request.content == body
    assert request.url.raw_path == b"/api/v2/test/write?symbol=$AIUSDT"
    assert request.headers["ACCESS-SIGN"] == wire_signature(request)
    assert request.headers["ACCESS-SIGN"] == hmac_b64(
        "1700000000000POST/api/v2/test/write?symbol=$AIUSDT" + body.decode("utf-8")
    )


@pytest.mark.anyio
async def test_post_without_body_sends_empty_object() -> None:
    server = Server(lambda r: httpx.Response(200, json=envelope(None)))
    async with make_client(server) as client:
        await client.request("POST", "/api/v2/test/write")
    (request,) = server.requests
    assert request.content == b"{}"
    assert request.headers["ACCESS-SIGN"] == hmac_b64("1700000000000POST/api/v2/test/write{}")


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

