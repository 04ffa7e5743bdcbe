"""The stream examples against the simulator: the sharded book collector and the bot's fill stream."""

from __future__ import annotations

import asyncio
import io
import json
from decimal import Decimal

import pytest
from examples_helpers import load_example
from stream_helpers import eventually, streaming

from bitget_async.testing._catalog import SPOT

pytestmark = pytest.mark.anyio
collector = load_example("ws_collector")
bot = load_example("bot")


async def test_collector_keeps_every_book_verified_across_shards(anyio_backend: str) -> None:
    symbols = sorted(SPOT)
    async with streaming(push_interval=0.02, max_channels=20) as (sim, client):
        out = io.StringIO()
        summary = await collector.collect(client, symbols, seconds=1.0, every=0.4, out=out)
    assert summary["symbols"] == len(symbols) == 61 and summary["connections"] == 4
    assert summary["synced"] == 61 and summary["resyncs"] == 0 and summary["reconnect_gaps"] == 0
    assert summary["checksums_verified"] > 61
    assert sim.stream.violations == []
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows and {r["instId"] for r in rows} == set(symbols)
    first = rows[0]
    assert len(first["bids"]) == 5 and Decimal(first["bids"][0][0]) < Decimal(first["asks"][0][0])


@pytest.mark.parametrize("anyio_backend", ["asyncio"])  # the bot example is an asyncio program
async def test_bot_reacts_to_a_fill_from_the_stream(anyio_backend: str) -> None:
    async with streaming() as (sim, client):
        mm = bot.MarketMaker(client, bot.BotConfig(symbol="BTCUSDT", offset_bps=Decimal("50")))
        await mm.load_symbol()
        await mm.step()
        buy = mm.quotes["buy"]
        watcher = asyncio.ensure_future(mm.watch_fills())
        try:
            await eventually(lambda: any(a["channel"] == "fill" for a in sim.stream.subscriptions()))
            sim.set_price("BTCUSDT", buy.price - 50)  # the market trades through our bid
            await asyncio.wait_for(mm.filled.wait(), 10)
        finally:
            watcher.cancel()
        assert mm.fills_seen == 1 and "buy" not in mm.quotes and "sell" in mm.quotes
        assert buy.client_oid in mm.unknown  # reconcile() cancels any rest of a partial fill
        await mm.step()  # the next pass quotes the bid again
        assert mm.quotes["buy"].client_oid != buy.client_oid
        await mm.shutdown()


async def test_the_pytest_fixture_streams(anyio_backend: str, bitget_stream: object, bitget_simulator: object) -> None:
    from bitget_async import BitgetClient
    from bitget_async.testing import Simulator

    assert isinstance(bitget_stream, BitgetClient) and isinstance(bitget_simulator, Simulator)
    async with bitget_stream.stream.orders("SPOT") as orders:
        placed = await bitget_stream.spot.trade.place_order(symbol="BTCUSDT", side="sell", order_type="market",
                                                            force="gtc", size=Decimal("0.01"))
        async for push in orders:
            assert push.data[0].order_id == placed.order_id
            break
    assert bitget_simulator.stream.stats["logins"] == 1
