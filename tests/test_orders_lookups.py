"""Order safety for futures and margin: the lookup a lost placement runs on each product, including open-order lists whose ids come back blank."""

from __future__ import annotations

import copy

import httpx
import pytest
from helpers import envelope_bytes
from orders_helpers import EXAMPLES, NOW_MS, Exchange, mix_order

from bitget_async import DuplicateClientOidError


# -- futures and margin lookups ---------------------------------------------------------------------
@pytest.mark.anyio
async def test_futures_lookup_by_detail() -> None:
    ex = Exchange("lost")
    result = await ex.place(mix_order)
    [oid] = ex.placement_oids()
    assert ex.lookup_paths() == ["/api/v2/mix/order/detail"]
    assert ex.lookups[0].url.query.decode() == f"symbol=BTCUSDT&productType=USDT-FUTURES&clientOid={oid}"
    assert type(result).__name__ == "MixPlaceOrder" and result.order_id == ex.book[oid]


@pytest.mark.anyio
async def test_futures_not_found_resends() -> None:
    ex = Exchange("unplaced", "ok")
    await ex.place(mix_order)
    assert len(ex.placements) == 2 and len(set(ex.placement_oids())) == 1
    assert ex.lookup_paths() == ["/api/v2/mix/order/detail"]
    assert len(ex.book) == 1


@pytest.mark.anyio
async def test_futures_duplicate_code_on_a_resend_is_resolved() -> None:
    ex = Exchange("lost", "ok", hidden=1)
    again = await ex.place(mix_order, client_oid="m-1")
    assert again.order_id == ex.book["m-1"]
    assert ex.lookup_paths() == ["/api/v2/mix/order/detail"] * 2  # hidden once, then found


@pytest.mark.anyio
async def test_futures_duplicate_code_on_the_first_attempt_is_raised() -> None:
    ex = Exchange("ok")
    async with ex.client() as client:
        await mix_order(client, client_oid="m-2")
        with pytest.raises(DuplicateClientOidError) as info:
            await mix_order(client, client_oid="m-2")
    assert (info.value.code, ex.lookups) == ("40786", [])


@pytest.mark.anyio
async def test_futures_plan_order_lookup() -> None:
    ex = Exchange("5xx")
    async with ex.client() as client:
        result = await client.mix.order.place_plan_order(
            plan_type="normal_plan", symbol="BTCUSDT", product_type="USDT-FUTURES", margin_mode="crossed",
            margin_coin="USDT", size="0.01", trigger_price="30000", trigger_type="mark_price", side="buy",
            order_type="market", client_oid="plan-9",
        )
    assert ex.lookup_paths() == ["/api/v2/mix/order/orders-plan-pending"]
    assert ex.lookups[0].url.params["planType"] == "normal_plan"
    assert result.order_id == ex.book["plan-9"]


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["crossed", "isolated"])
async def test_margin_lookup_searches_open_then_history(mode: str) -> None:
    ex = Exchange("lost")
    client = ex.client()
    group = getattr(client.margin, mode)
    async with client:
        result = await group.place_order(symbol="BTCUSDT", order_type="limit", price="30000", loan_type="normal",
                                         force="gtc", base_size="0.01", side="buy")
    [oid] = ex.placement_oids()
    assert ex.lookup_paths() == [f"/api/v2/margin/{mode}/open-orders", f"/api/v2/margin/{mode}/history-orders"]
    start = str(NOW_MS - 24 * 3600 * 1000)
    for req in ex.lookups:
        assert dict(req.url.params) == {"symbol": "BTCUSDT", "clientOid": oid, "startTime": start}
    assert result.order_id == ex.book[oid]


class _BlankIdOpenOrders(Exchange):
    """Margin open-orders lists the order with a blank orderId (Bitget's "unset")."""

    def _lookup(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/open-orders"):
            self.lookups.append(request)
            data = copy.deepcopy(EXAMPLES[request.url.path]["data"])
            data["orderList"][0].update(orderId="", clientOid=request.url.params["clientOid"])
            return httpx.Response(200, content=envelope_bytes(data))
        return super()._lookup(request)


@pytest.mark.anyio
async def test_margin_lookup_never_reports_a_blank_order_id() -> None:
    """A row with a blank id is no answer: the lookup goes on to history (it used to say "None")."""
    ex = _BlankIdOpenOrders("lost")
    async with ex.client() as client:
        result = await client.margin.crossed.place_order(
            symbol="BTCUSDT", order_type="limit", price="30000", loan_type="normal", force="gtc",
            base_size="0.01", side="buy",
        )
    [oid] = ex.placement_oids()
    assert ex.lookup_paths() == ["/api/v2/margin/crossed/open-orders", "/api/v2/margin/crossed/history-orders"]
    assert result.order_id == ex.book[oid] == "1001"


@pytest.mark.anyio
async def test_margin_not_found_anywhere_resends() -> None:
    ex = Exchange("unplaced", "ok")
    async with ex.client() as client:
        await client.margin.crossed.place_order(symbol="BTCUSDT", order_type="market", loan_type="normal",
                                                force="gtc", quote_size="10", side="buy")
    assert len(ex.placements) == 2 and len(set(ex.placement_oids())) == 1
    assert len(ex.lookups) == 2 and len(ex.book) == 1
