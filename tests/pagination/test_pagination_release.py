"""Pagination under rate limits and cancellation: pages wait for their rate slot, and a cancelled walk gives back its slots."""

from __future__ import annotations

import contextlib
import dataclasses

import anyio
import pytest
from pagination_helpers import oid, plant_spot_orders, sent

from bitget_async import (
    BitgetClient,
    LocalRateLimiter,
    Paginator,
    RateLimits,
)
from bitget_async._cursors import CursorRule
from bitget_async.testing import Simulator


# -- rate limits and cancellation -------------------------------------------------------------------
def assert_idle(client: BitgetClient) -> None:
    stats = client.stats()
    assert (stats["in_flight"], stats["waiting"]) == (0, 0)
    assert all(route["in_flight"] == 0 for route in stats["routes"].values())


@pytest.mark.anyio
async def test_pages_wait_for_the_routes_rate_slot(sim: Simulator) -> None:
    plant_spot_orders(sim, 6)
    rates = RateLimits(overrides={"spot.trade.history_orders": 5}, margin=0)
    async with sim.client(rate_limits=rates) as client:
        got = [o async for o in client.paginate(client.spot.trade.history_orders, symbol="BTCUSDT", page_size=1)]
        assert len(got) == 6
        stats = client.stats()["routes"]["spot.trade.history_orders"]
        # 7 pages at 5/s: the 6th and 7th wait unless the first five took over a second (a
        # real clock on a loaded machine): the number that waited is timing-dependent, not exact.
        assert stats["requests"] == 7 and stats["rate_waits"] >= 1
        assert_idle(client)


@pytest.mark.anyio
async def test_cancel_while_a_page_is_on_the_wire(sim: Simulator, client: BitgetClient) -> None:
    plant_spot_orders(sim, 6)
    paginator = client.paginate(client.spot.trade.history_orders, symbol="BTCUSDT", page_size=2)
    rows = [await paginator.__anext__(), await paginator.__anext__()]
    sim.faults.latency_s = 3600  # the next page hangs inside the server
    with anyio.move_on_after(0.2) as scope:
        await paginator.__anext__()
    assert scope.cancelled_caught
    assert_idle(client)
    sim.faults.latency_s = 0
    rows += [o async for o in paginator]  # the same iterator goes on where it stopped
    assert [o.order_id for o in rows] == [oid(i) for i in range(6, 0, -1)]


@pytest.mark.anyio
async def test_cancel_while_waiting_for_a_rate_slot_gives_it_back(sim: Simulator) -> None:
    plant_spot_orders(sim, 6)
    limiter = LocalRateLimiter()
    rates = RateLimits(overrides={"spot.trade.history_orders": 0.5}, limiter=limiter)
    async with sim.client(rate_limits=rates) as client:
        paginator = client.paginate(client.spot.trade.history_orders, symbol="BTCUSDT", page_size=2)
        await paginator.__anext__()
        await paginator.__anext__()
        bucket = next(k for k in client.stats()["buckets"] if k.startswith("spot.trade.history_orders|"))
        assert limiter.reserved(bucket) == 1
        with anyio.move_on_after(0.2) as scope:
            await paginator.__anext__()  # the second page's slot is ~2 s away
        assert scope.cancelled_caught
        assert limiter.reserved(bucket) == 1  # the cancelled page gave its reservation back
        assert len(sent(sim, "/api/v2/spot/trade/history-orders")) == 1
        assert_idle(client)


@pytest.mark.anyio
async def test_breaking_out_and_task_group_cancel_release_everything(sim: Simulator, client: BitgetClient) -> None:
    plant_spot_orders(sim, 9)
    async for _ in client.paginate(client.spot.trade.history_orders, symbol="BTCUSDT", page_size=2):
        break
    assert_idle(client)
    paginator = client.paginate(client.spot.trade.history_orders, symbol="BTCUSDT", page_size=2)
    async with contextlib.aclosing(paginator):
        await paginator.__anext__()
    before = len(sim.requests)
    assert [o async for o in paginator] == [] and len(sim.requests) == before  # closed: nothing more is sent
    sim.faults.latency_s = 3600
    seen: list[str] = []

    async def walk() -> None:
        async for o in client.paginate(client.spot.trade.history_orders, symbol="BTCUSDT", page_size=2):
            seen.append(o.order_id)

    async with anyio.create_task_group() as tg:
        for _ in range(4):
            tg.start_soon(walk)
        await anyio.wait_all_tasks_blocked()
        assert client.stats()["in_flight"] == 4
        tg.cancel_scope.cancel()
    assert seen == []
    assert_idle(client)


def test_paginator_is_exported() -> None:
    assert Paginator.__name__ == "Paginator"
    assert dataclasses.is_dataclass(CursorRule)
