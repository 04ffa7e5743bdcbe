"""Order safety: one clientOid per order across attempts; ambiguous outcomes settled by lookup.

``Exchange`` is a tiny fake of Bitget's order book behind ``httpx.MockTransport``: it places an
order per clientOid (a second placement with a known clientOid gets Bitget's "duplicate
clientOid" answer), answers the lookup endpoints from its book, and injects one scripted fault
per placement (the answer lost after the order was placed, a timeout before it was placed, a
reset, a 5xx).  Every test asserts how many placements and lookups were sent and that the book
holds each order exactly once.
"""

from __future__ import annotations

import json

import pytest
from orders_helpers import OID, Exchange, spot_order

from bitget_async import DuplicateClientOidError, OrderStateUnknownError, TimeoutError


# -- clientOid ---------------------------------------------------------------------------------
@pytest.mark.anyio
async def test_client_oid_filled_when_absent() -> None:
    ex = Exchange("ok")
    result = await ex.place(spot_order)
    [oid] = ex.placement_oids()
    assert OID.match(oid)
    assert (result.order_id, result.client_oid) == ("1001", oid)
    assert ex.placements[0] == {"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "force": "gtc",
                                "price": "30000.1", "size": "0.001", "clientOid": oid}
    assert ex.lookups == []


@pytest.mark.anyio
async def test_caller_client_oid_kept() -> None:
    ex = Exchange("ok")
    result = await ex.place(spot_order, client_oid="my-oid-1")
    assert ex.placement_oids() == ["my-oid-1"]
    assert result.client_oid == "my-oid-1"


@pytest.mark.anyio
async def test_every_attempt_carries_the_same_client_oid() -> None:
    ex = Exchange("connect", "connect", "ok")
    result = await ex.place(spot_order)
    oids = ex.placement_oids()
    assert len(oids) == 3 and len(set(oids)) == 1
    assert len({json.dumps(p) for p in ex.placements}) == 1  # byte-identical bodies
    assert ex.lookups == []  # nothing was sent before: no doubt to settle
    assert list(ex.book) == [oids[0]] and result.order_id == ex.book[oids[0]]


# -- ambiguous failures ------------------------------------------------------------------------
@pytest.mark.anyio
@pytest.mark.parametrize("fault", ["lost", "reset", "5xx"])
async def test_ambiguous_failure_found_by_lookup_is_not_resent(fault: str) -> None:
    ex = Exchange(fault)
    result = await ex.place(spot_order)
    [oid] = ex.placement_oids()
    assert ex.lookup_paths() == ["/api/v2/spot/trade/orderInfo"]
    assert ex.lookups[0].url.query.decode() == f"clientOid={oid}"
    assert (result.order_id, result.client_oid) == (ex.book[oid], oid)
    assert type(result).__name__ == "SpotPlaceOrder"
    assert len(ex.book) == 1


@pytest.mark.anyio
@pytest.mark.parametrize("not_found", ["empty", "error"])
async def test_not_found_is_resent_with_the_same_client_oid(not_found: str) -> None:
    ex = Exchange("unplaced", "ok", not_found=not_found)
    result = await ex.place(spot_order)
    oids = ex.placement_oids()
    assert len(oids) == 2 and oids[0] == oids[1]
    assert ex.lookup_paths() == ["/api/v2/spot/trade/orderInfo"]
    assert list(ex.book) == [oids[0]]
    assert result.order_id == ex.book[oids[0]]


@pytest.mark.anyio
async def test_late_order_resent_gets_duplicate_and_is_found() -> None:
    # Placed, answer lost, not yet visible to the lookup: we re-send, the exchange says
    # "duplicate clientOid", and the second lookup finds the one order.
    ex = Exchange("lost", hidden=1)
    result = await ex.place(spot_order)
    oids = ex.placement_oids()
    assert len(oids) == 2 and oids[0] == oids[1]
    assert ex.lookup_paths() == ["/api/v2/spot/trade/orderInfo"] * 2
    assert len(ex.book) == 1 and result.order_id == ex.book[oids[0]]


@pytest.mark.anyio
async def test_reused_client_oid_on_the_first_attempt_is_the_callers_error() -> None:
    # Edge 1: a second, different order under a clientOid already taken must not come back as
    # "placed" with the first order's id.  Nothing this call sent can have placed the first.
    ex = Exchange("ok")
    async with ex.client() as client:
        first = await spot_order(client, client_oid="x1")
        with pytest.raises(DuplicateClientOidError) as info:
            await client.spot.trade.place_order(
                symbol="ETHUSDT", side="sell", order_type="limit", force="gtc", price="2000", size="1", client_oid="x1"
            )
        with pytest.raises(DuplicateClientOidError):
            await spot_order(client, client_oid="x1")  # even the very same order: the caller reused it
    assert (info.value.code, info.value.client_oid) == ("43118", "x1")
    assert ex.placement_oids() == ["x1", "x1", "x1"]
    assert ex.lookups == []  # the answer is definite: nothing to look up
    assert ex.book == {"x1": first.order_id}


@pytest.mark.anyio
async def test_order_found_on_retry_is_accepted_only_if_it_is_the_order_sent() -> None:
    # The clientOid belongs to an older, different order; this call's first attempt is lost
    # before the exchange placed it, so the lookup finds the old order: not this call's.
    ex = Exchange("ok", "unplaced")
    async with ex.client() as client:
        await client.spot.trade.place_order(
            symbol="BTCUSDT", side="sell", order_type="limit", force="gtc", price="31000", size="0.5", client_oid="x2"
        )
        with pytest.raises(DuplicateClientOidError) as info:
            await spot_order(client, client_oid="x2")
    assert info.value.client_oid == "x2"
    assert "side 'sell' on the exchange, 'buy' sent" in info.value.msg
    assert len(ex.placements) == 2 and len(ex.lookups) == 1 and len(ex.book) == 1


@pytest.mark.anyio
async def test_duplicate_answer_to_a_resend_with_the_order_invisible_is_unknown() -> None:
    # Placed by the lost first attempt, then hidden from every lookup: the re-send's duplicate
    # answer says it exists, no lookup shows it: the outcome cannot be established.
    ex = Exchange("lost", hidden=5)
    async with ex.client() as client:
        with pytest.raises(OrderStateUnknownError) as info:
            await spot_order(client, client_oid="dup-2")
    assert info.value.client_oid == "dup-2"
    assert isinstance(info.value.__cause__, DuplicateClientOidError)
    assert len(ex.placements) == 2 and len(ex.lookups) == 2 and list(ex.book) == ["dup-2"]


@pytest.mark.anyio
async def test_lookup_failure_raises_order_state_unknown() -> None:
    ex = Exchange("lost", lookup_faults=("5xx", "5xx", "5xx"))
    async with ex.client() as client:
        with pytest.raises(OrderStateUnknownError) as info:
            await spot_order(client, client_oid="unknown-1")
    err = info.value
    assert (err.client_oid, err.method, err.path) == ("unknown-1", "POST", "/api/v2/spot/trade/place-order")
    assert "unknown-1" in repr(err)
    assert len(ex.placements) == 1  # never re-sent while its state is unknown
    assert len(ex.lookups) == 3  # the lookup is a read: retried on 5xx
    assert list(ex.book) == ["unknown-1"]


@pytest.mark.anyio
async def test_route_without_lookup_raises_order_state_unknown() -> None:
    ex = Exchange("lost")
    async with ex.client() as client:
        with pytest.raises(OrderStateUnknownError) as info:
            await client.spot.trade.place_plan_order(
                symbol="BTCUSDT", side="buy", trigger_price="30000", order_type="market", size="10",
                trigger_type="fill_price", client_oid="plan-1",
            )
    assert info.value.client_oid == "plan-1"
    assert len(ex.placements) == 1 and ex.lookups == []


@pytest.mark.anyio
async def test_no_retry_budget_ends_in_order_state_unknown_not_a_timeout() -> None:
    # Edge 3: the request was sent, the lookup does not see it, and there is no attempt left:
    # it may still execute late, so the caller gets OrderStateUnknownError, never a TimeoutError.
    ex = Exchange("unplaced", "ok")
    async with ex.client() as client:
        with pytest.raises(OrderStateUnknownError) as info:
            await spot_order(client, retries=0, client_oid="late-1")
    assert info.value.client_oid == "late-1"
    assert isinstance(info.value.__cause__, TimeoutError) and info.value.__cause__.request_sent
    assert len(ex.placements) == 1 and len(ex.lookups) == 1
    assert ex.book == {}


@pytest.mark.anyio
async def test_resend_lost_again_is_found_on_the_second_lookup() -> None:
    ex = Exchange("unplaced", "lost")
    result = await ex.place(spot_order)
    assert len(ex.placements) == 2 and len(ex.lookups) == 2
    assert len(ex.book) == 1 and result.order_id == next(iter(ex.book.values()))
