"""Wire bytes and time: what leaves the client is exactly what was signed.

Every test captures the ``httpx.Request`` at an ``httpx.MockTransport`` and recomputes the
signature from the bytes on the wire (``url.raw_path`` + ``content``), never from the library's
own intermediate strings.
"""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from transport_helpers import (
    BASE,
    KEY,
    NOW,
    PASSPHRASE,
    Server,
    bitget_headers,
    envelope,
    hmac_b64,
    make_client,
    wire_signature,
)

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
