"""Batch placements that lose their answer: each item keeps its clientOid and is settled on its own; and the escape hatch that turns order safety off."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from orders_helpers import OID, Exchange

from bitget_async import (
    OrderStateUnknownError,
    RetryPolicy,
)

# -- batches ---------------------------------------------------------------------------------
ITEMS = [
    {"side": "buy", "order_type": "limit", "force": "gtc", "price": "30000", "size": "0.001"},
    {"side": "buy", "order_type": "limit", "force": "gtc", "price": "29000", "size": "0.001"},
    {"side": "sell", "order_type": "limit", "force": "gtc", "price": "40000", "size": "0.001"},
]


def pairs(result: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    raw = msgspec.to_builtins(result)
    ok = sorted((s["clientOid"], s["orderId"]) for s in raw["successList"] or [])
    bad = sorted((f["clientOid"], f["errorMsg"]) for f in raw["failureList"] or [])
    return ok, bad


@pytest.mark.anyio
async def test_batch_fills_each_client_oid() -> None:
    ex = Exchange("ok")
    async with ex.client() as client:
        result = await client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=ITEMS)
    oids = [i["clientOid"] for i in ex.placements[0]["orderList"]]
    assert len(set(oids)) == 3 and all(OID.match(o) for o in oids)
    assert pairs(result) == (sorted((o, ex.book[o]) for o in oids), [])


@pytest.mark.anyio
async def test_batch_settles_item_by_item_and_resends_only_the_missing() -> None:
    ex = Exchange("partial:0,2", "ok")
    async with ex.client() as client:
        result = await client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=ITEMS)
    first, second = ex.placements
    oids = [i["clientOid"] for i in first["orderList"]]
    assert [i["clientOid"] for i in second["orderList"]] == [oids[1]]
    assert second["orderList"][0] == first["orderList"][1]
    assert len(ex.lookups) == 3
    assert pairs(result) == (sorted((o, ex.book[o]) for o in oids), [])
    assert len(ex.book) == 3


@pytest.mark.anyio
async def test_batch_duplicate_item_on_resend_is_found() -> None:
    # Item 1 is invisible to the first lookup, so it is re-sent; the exchange refuses it as a
    # duplicate inside a successful batch answer, and a second lookup reports it as placed.
    ex = Exchange("partial:0,1", "ok", hidden=1)
    async with ex.client() as client:
        result = await client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=ITEMS)
    first, second = ex.placements
    oids = [i["clientOid"] for i in first["orderList"]]
    # Lookup order: item 0 hidden (the one lag), item 1 found, item 2 missing.
    assert [i["clientOid"] for i in second["orderList"]] == [oids[0], oids[2]]
    assert len(ex.lookups) == 4
    assert pairs(result) == (sorted((o, ex.book[o]) for o in oids), [])
    assert len(ex.book) == 3


@pytest.mark.anyio
async def test_batch_budget_spent_reports_placed_and_missing_items() -> None:
    ex = Exchange("partial:1", "unplaced")
    async with ex.client(retry=RetryPolicy(max_attempts=2, backoff_base=0.0, lookup_attempts=1)) as client:
        result = await client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=ITEMS)
    oids = [i["clientOid"] for i in ex.placements[0]["orderList"]]
    assert len(ex.placements) == 2 and len(ex.lookups) == 3 + 2
    ok, bad = pairs(result)
    assert ok == [(oids[1], ex.book[oids[1]])]
    assert [oid for oid, _ in bad] == sorted([oids[0], oids[2]])
    assert all(msg.startswith("not placed: the exchange has no order with this clientOid") for _, msg in bad)


@pytest.mark.anyio
async def test_batch_nothing_visible_and_budget_spent_is_unknown() -> None:
    ex = Exchange("unplaced")
    async with ex.client(retry=RetryPolicy(max_attempts=1, lookup_attempts=1)) as client:
        with pytest.raises(OrderStateUnknownError) as info:
            await client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=ITEMS)
    oids = [i["clientOid"] for i in ex.placements[0]["orderList"]]
    assert info.value.client_oid == ", ".join(oids)
    assert len(ex.placements) == 1 and len(ex.lookups) == 3 and ex.book == {}


@pytest.mark.anyio
async def test_futures_batch_lookups_use_detail_per_item() -> None:
    ex = Exchange("partial:0", "ok")
    items = [{"size": "0.01", "side": "buy", "order_type": "market"}, {"size": "0.02", "side": "sell", "order_type": "market"}]
    async with ex.client() as client:
        result = await client.mix.order.batch_place_order(
            symbol="BTCUSDT", product_type="USDT-FUTURES", margin_coin="USDT", margin_mode="crossed", order_list=items,
        )
    oids = [i["clientOid"] for i in ex.placements[0]["orderList"]]
    assert ex.lookup_paths() == ["/api/v2/mix/order/detail"] * 2
    assert [i["clientOid"] for i in ex.placements[1]["orderList"]] == [oids[1]]
    assert pairs(result) == (sorted((o, ex.book[o]) for o in oids), [])


# -- the escape hatch ------------------------------------------------------------------------
@pytest.mark.anyio
async def test_raw_request_to_an_order_route_gets_the_same_safety() -> None:
    ex = Exchange("lost")
    body = {"symbol": "BTCUSDT", "side": "buy", "orderType": "market", "force": "gtc", "size": "10"}
    async with ex.client() as client:
        result = await client.request("POST", "/api/v2/spot/trade/place-order", body=body)
    [placement] = ex.placements
    assert OID.match(placement.get("clientOid", ""))
    assert ex.lookup_paths() == ["/api/v2/spot/trade/orderInfo"]
    assert result["orderId"] == ex.book[placement["clientOid"]]
