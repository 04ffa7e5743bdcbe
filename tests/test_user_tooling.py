"""The test tools users bring keep working: pytest-asyncio tests, respx mocks, the simulator.

These tests are written the way a user of the library writes theirs (``@pytest.mark.asyncio``,
``respx.mock``), not with the anyio plugin the rest of this suite uses: the point is that
nothing in the client stands between respx and httpx, or needs anything but asyncio.
"""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest
import respx
from helpers import envelope

from bitget_async import BitgetClient, OrderStateUnknownError, RetryPolicy
from bitget_async.testing import Simulator

TICKER = {
    "symbol": "BTCUSDT", "high24h": "1", "open": "1", "lastPr": "65000.5", "low24h": "1", "quoteVolume": "1",
    "baseVolume": "1", "usdtVolume": "1", "bidPr": "65000.4", "askPr": "65000.6", "bidSz": "1", "askSz": "1",
    "openUtc": "1", "ts": "1700000000000", "changeUtc24h": "0", "change24h": "0",
}


@pytest.mark.asyncio
async def test_respx_mock_intercepts_the_default_client() -> None:
    with respx.mock(base_url="https://api.bitget.com", assert_all_called=True) as router:
        route = router.get("/api/v2/spot/market/tickers", params={"symbol": "BTCUSDT"}).respond(json=envelope([TICKER]))
        async with BitgetClient() as client:
            tickers = await client.spot.market.tickers(symbol="BTCUSDT")
    assert tickers[0].last_pr == Decimal("65000.5")
    assert route.call_count == 1
    sent = route.calls.last.request
    assert sent.url.query == b"symbol=BTCUSDT"
    assert sent.headers["User-Agent"].startswith("bitget-async/")


@pytest.mark.asyncio
async def test_respx_router_as_the_transport_sees_signed_bodies() -> None:
    router = respx.Router(base_url="https://api.bitget.com", assert_all_called=True)
    placed = router.post("/api/v2/spot/trade/place-order").respond(json=envelope({"orderId": "1", "clientOid": "r-1"}))
    client = BitgetClient("key-for-respx", "secret", "pass", transport=httpx.MockTransport(router.handler))
    async with client:
        order = await client.spot.trade.place_order(
            symbol="BTCUSDT", side="buy", order_type="limit", force="gtc", price="1", size="1", client_oid="r-1"
        )
    assert (order.order_id, order.client_oid) == ("1", "r-1")
    request = placed.calls.last.request
    assert json.loads(request.content) == {
        "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "force": "gtc", "price": "1", "size": "1",
        "clientOid": "r-1",
    }
    assert request.headers["ACCESS-KEY"] == "key-for-respx" and request.headers["ACCESS-SIGN"]


@pytest.mark.asyncio
async def test_respx_side_effects_drive_the_order_safety() -> None:
    # A user reproducing "the answer was lost" with respx gets the documented outcome.
    with respx.mock(base_url="https://api.bitget.com") as router:
        router.post("/api/v2/spot/trade/place-order").mock(side_effect=httpx.ReadTimeout("lost"))
        lookups = router.get("/api/v2/spot/trade/orderInfo").respond(json=envelope([]))
        policy = RetryPolicy(max_attempts=1, lookup_attempts=2, lookup_delay=0.0)
        async with BitgetClient("k-respx", "s", "p", retry=policy) as client:
            with pytest.raises(OrderStateUnknownError) as info:
                await client.spot.trade.place_order(
                    symbol="BTCUSDT", side="buy", order_type="market", force="gtc", size="10", client_oid="r-2"
                )
    assert info.value.client_oid == "r-2"
    assert lookups.call_count == 2


@pytest.mark.asyncio
async def test_the_simulator_from_a_pytest_asyncio_test(bitget_simulator: Simulator) -> None:
    async with bitget_simulator.client() as client:
        order = await client.spot.trade.place_order(
            symbol="BTCUSDT", side="buy", order_type="market", force="gtc", size="100"
        )
    assert order.order_id
    assert bitget_simulator.balance("USDT") < Decimal("100000")
