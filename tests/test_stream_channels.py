"""Every channel decodes into its typed push, over a real socket to the simulator (asyncio and trio)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import anyio
import msgspec
import pytest
from stream_helpers import streaming

from bitget_async import MissingCredentialsError, StreamAuthError, StreamSubscribeError, ValidationError
from bitget_async.stream import (
    AccountCrossed,
    AccountIsolated,
    AdlNotice,
    Arg,
    Auction,
    Books,
    Candle,
    Equity,
    FuturesAccount,
    FuturesFill,
    FuturesOrder,
    FuturesPlanOrder,
    FuturesTicker,
    IndexPrice,
    MarginOrder,
    Position,
    PositionHistory,
    Push,
    SpotAccount,
    SpotFill,
    SpotOrder,
    SpotPlanOrder,
    SpotTicker,
    Subscription,
    Trade,
)
from bitget_async.stream._codec import PushDecoder

pytestmark = pytest.mark.anyio


async def first(sub: Subscription[Any]) -> Push[Any]:
    with anyio.fail_after(10):
        async for push in sub:
            if push.data:
                return push
    raise AssertionError("stream ended")


async def test_public_channels_decode(anyio_backend: str) -> None:
    async with streaming() as (sim, client):
        s = client.stream
        async with s.ticker("SPOT", "BTCUSDT") as sub:
            push = await first(sub)
        t = push.data[0]
        assert isinstance(t, SpotTicker) and push.arg == Arg("SPOT", "ticker", "BTCUSDT")
        assert t.inst_id == "BTCUSDT" and t.last_pr == sim.price("BTCUSDT") and t.bid_pr == t.last_pr - Decimal("0.01")
        assert isinstance(t.ts, int) and push.action == "snapshot" and push.gap is False

        async with s.ticker("USDT-FUTURES", "ETHUSDT") as fsub:
            f = (await first(fsub)).data[0]
        assert isinstance(f, FuturesTicker) and f.mark_price == sim.price("ETHUSDT") and f.symbol_type == 1
        assert f.funding_rate == Decimal("0.0001") and isinstance(f.next_funding_time, int)

        for interval in ("1m", "1H", "1Dutc"):
            async with s.candle("SPOT", "BTCUSDT", interval) as csub:
                c = (await first(csub)).data[0]
            assert isinstance(c, Candle) and c.close == sim.price("BTCUSDT") and c.usdt_volume == c.quote_volume
        async with s.trade("USDC-FUTURES", "BTCPERP") as tsub:
            tr = (await first(tsub)).data[0]
        assert isinstance(tr, Trade) and tr.side in ("buy", "sell") and tr.size is not None and tr.size > 0
        for depth in ("books1", "books5", "books15"):
            async with s.books("SPOT", "ETHUSDT", depth) as bsub:
                b = (await first(bsub)).data[0]
            assert isinstance(b, Books) and len(b.bids) == len(b.asks) == int(depth[5:])
            assert b.bids[0].price < b.asks[0].price
        async with s.auction("BTCUSDT") as asub:
            a = (await first(asub)).data[0]
        assert isinstance(a, Auction) and a.est_opening_price == sim.price("BTCUSDT")
        async with s.index_price() as isub:
            push = await first(isub)
        assert all(isinstance(i, IndexPrice) for i in push.data) and push.data[0].symbol == "BTCUSDT"
        assert push.data[0].index_price == sim.price("BTCUSDT")


async def test_spot_order_and_fill_pushes_follow_a_rest_order(anyio_backend: str) -> None:
    async with streaming() as (sim, client):
        s = client.stream
        async with s.orders("SPOT") as orders, s.fill("SPOT") as fills, s.account("SPOT") as account:
            snapshot = await first(account)
            assert all(isinstance(row, SpotAccount) for row in snapshot.data)
            assert {row.coin: row.available for row in snapshot.data}["USDT"] == Decimal(100_000)
            placed = await client.spot.trade.place_order(
                symbol="BTCUSDT", side="buy", order_type="market", force="gtc", size=Decimal("130"), client_oid="ws-1")
            o = (await first(orders)).data[0]
            assert isinstance(o, SpotOrder) and o.order_id == placed.order_id and o.client_oid == "ws-1"
            assert o.status == "filled" and o.side == "buy" and o.size == Decimal("130")
            fill = (await first(fills)).data[0]
            assert isinstance(fill, SpotFill) and fill.order_id == placed.order_id
            assert fill.size is not None and fill.price_avg == sim.price("BTCUSDT")
            assert fill.fee_detail is not None and fill.fee_detail[0].fee_coin == "BTC"
            changed = await first(account)
            usdt = {row.coin: row.available for row in changed.data}
            assert usdt["USDT"] == sim.balance("USDT")


async def test_futures_private_channels(anyio_backend: str) -> None:
    async with streaming() as (sim, client):
        s = client.stream
        kind = "USDT-FUTURES"
        async with (s.orders(kind) as orders, s.fill(kind) as fills, s.positions(kind) as positions,
                    s.account(kind) as account, s.equity(kind) as equity, s.positions_history(kind) as history,
                    s.orders_algo(kind) as algo):
            acc = (await first(account)).data[0]
            assert isinstance(acc, FuturesAccount) and acc.margin_coin == "USDT" and acc.available == Decimal(100_000)
            eq = (await first(equity)).data[0]
            assert isinstance(eq, Equity) and eq.usdt_equity == Decimal(100_000)
            opened = await client.mix.order.place_order(
                symbol="BTCUSDT", product_type=kind, margin_mode="crossed", margin_coin="USDT", size=Decimal("0.01"),
                side="buy", order_type="market")
            o = (await first(orders)).data[0]
            assert isinstance(o, FuturesOrder) and o.order_id == opened.order_id and o.status == "filled"
            f = (await first(fills)).data[0]
            assert isinstance(f, FuturesFill) and f.order_id == opened.order_id and f.base_volume == Decimal("0.01")
            p = (await first(positions)).data[0]
            assert isinstance(p, Position) and p.total == Decimal("0.01") and p.hold_side == "long"
            await client.mix.order.place_plan_order(
                plan_type="normal_plan", symbol="BTCUSDT", product_type=kind, margin_mode="crossed",
                margin_coin="USDT", size=Decimal("0.01"), trigger_price=Decimal(1000), trigger_type="mark_price",
                side="buy", order_type="market")
            plan = (await first(algo)).data[0]
            assert isinstance(plan, FuturesPlanOrder) and plan.trigger_price == Decimal(1000) and plan.status == "live"
            await client.mix.order.close_positions(symbol="BTCUSDT", product_type=kind)
            h = (await first(history)).data[0]
            assert isinstance(h, PositionHistory) and h.close_size == Decimal("0.01")
            assert sim.stream.push(kind, "adl-noti", [{"symbol": "BTCUSDT", "side": "sell", "status": "success",
                                                        "price": "65000.1", "amount": "", "ts": 1700000000000}]) == 0
        async with s.adl_noti(kind) as adl:
            await anyio.sleep(0.05)
            assert sim.stream.push(kind, "adl-noti", [{"symbol": "BTCUSDT", "side": "sell", "status": "success",
                                                        "price": "65000.1", "amount": "", "ts": 1700000000000}]) == 1
            n = (await first(adl)).data[0]
        assert n == AdlNotice(symbol="BTCUSDT", side="sell", status="success", price=Decimal("65000.1"), amount=None,
                              ts=1700000000000)


async def fund_and_buy(client: Any, mode: str, symbol: str, amount: Decimal, account: Subscription[Any],
                       orders: Subscription[Any]) -> tuple[Any, Any, Any]:
    """Move USDT into the ``crossed`` or ``isolated`` margin account and buy there: the account
    push, the placed order, and the order push (each awaited in that order)."""
    per_symbol = {"symbol": symbol} if mode == "isolated" else {}
    await client.spot.wallet.transfer(from_type="spot", to_type=f"{mode}_margin", amount=amount, coin="USDT",
                                      **per_symbol)
    row = (await first(account)).data[0]
    placed = await getattr(client.margin, mode).place_order(
        symbol=symbol, side="buy", order_type="market", loan_type="normal", force="gtc", quote_size=Decimal(100))
    return row, placed, (await first(orders)).data[0]


async def test_spot_plan_and_margin_channels(anyio_backend: str) -> None:
    async with streaming() as (_sim, client):
        s = client.stream
        async with (s.orders_algo("SPOT") as algo, s.account_crossed() as crossed,
                    s.orders_crossed("BTCUSDT") as corders, s.account_isolated() as isolated,
                    s.orders_isolated("ETHUSDT") as iorders):
            await client.spot.trade.place_plan_order(
                symbol="BTCUSDT", side="buy", trigger_price=Decimal(1000), order_type="market", size=Decimal(50),
                trigger_type="mark_price")
            plan = (await first(algo)).data[0]
            assert isinstance(plan, SpotPlanOrder) and plan.trigger_price == Decimal(1000) and plan.status == "live"
            row, placed, mo = await fund_and_buy(client, "crossed", "BTCUSDT", Decimal(1000), crossed, corders)
            assert isinstance(row, AccountCrossed) and row.coin == "USDT" and row.available == Decimal(1000)
            assert isinstance(mo, MarginOrder) and mo.order_id == placed.order_id and mo.quote_size == Decimal(100)
            iso, placed, io = await fund_and_buy(client, "isolated", "ETHUSDT", Decimal(500), isolated, iorders)
            assert isinstance(iso, AccountIsolated) and iso.symbol == "ETHUSDT" and iso.available == Decimal(500)
            assert isinstance(io, MarginOrder) and io.symbol == "ETHUSDT" and io.order_id == placed.order_id


async def test_refusals_are_typed(anyio_backend: str) -> None:
    async with streaming() as (sim, client):
        with pytest.raises(StreamSubscribeError) as info:
            async with client.stream.ticker("SPOT", "NOPEUSDT"):
                raise AssertionError("unreachable")
        assert info.value.code == "30001" and info.value.arg == {"instType": "SPOT", "channel": "ticker",
                                                                 "instId": "NOPEUSDT"}
        sim.stream.faults.refuse_login = True
        with pytest.raises(StreamAuthError) as auth:
            async with client.stream.orders("SPOT"):
                raise AssertionError("unreachable")
        assert auth.value.code == "30005"
        assert sim.stream.stats["subscribe_requests"] == 1  # the private subscribe was never sent
    public = sim.client(api_key=None, api_secret=None, passphrase=None)
    with pytest.raises(MissingCredentialsError):
        public.stream.fill("SPOT")
    with pytest.raises(ValidationError, match="inst_type"):
        public.stream.ticker("spotty", "BTCUSDT")  # type: ignore[call-overload]
    with pytest.raises(ValidationError, match="interval"):
        public.stream.candle("SPOT", "BTCUSDT", "2m")
    with pytest.raises(ValidationError, match="inst_id"):
        public.stream.trade("SPOT", [])
    await public.aclose()


def test_lenient_decoding_blank_null_numbers_codes() -> None:
    decoder = PushDecoder(FuturesTicker)
    raw = msgspec.json.encode({
        "action": "snapshot", "arg": {"instType": "USDT-FUTURES", "channel": "ticker", "instId": "BTCUSDT"},
        "data": [{"instId": "BTCUSDT", "lastPr": "27000.5", "bidPr": 26999.9, "markPrice": "", "indexPrice": None,
                  "symbolType": 1, "ts": "1695716760565", "newField": {"x": 1}}],
        "ts": 1695716760566,
    })
    push = decoder.decode(raw)
    t = push.data[0]
    assert t.last_pr == Decimal("27000.5") and t.bid_pr == Decimal("26999.9")
    assert t.mark_price is None and t.index_price is None and t.ts == 1695716760565 and t.symbol_type == 1
    event = PushDecoder(SpotOrder).decode(b'{"event":"error","code":30004,"msg":"User not logged in"}')
    assert (event.event, event.code, event.msg) == ("error", 30004, "User not logged in")
    order = PushDecoder(SpotOrder).decode(
        b'{"action":"snapshot","arg":{"instType":"SPOT","channel":"orders","instId":"default"},'
        b'"data":[{"orderId":"1","status":"cancelled","side":"sell","price":"","size":"0.5000","newStatus":"x"}]}')
    assert order.data[0].status == "cancelled" and order.data[0].price is None and str(order.data[0].size) == "0.5000"


async def test_merged_private_channels_share_one_login_and_connection(anyio_backend: str) -> None:
    async with streaming() as (sim, client):
        s = client.stream
        merged = s.merge(s.orders("SPOT"), s.fill("SPOT"), s.account("SPOT"), s.positions("USDT-FUTURES"))
        async with merged:
            assert len(merged.connections) == 1 and sim.stream.open_connections == 1
            assert sim.stream.stats["logins"] == 1 and sim.stream.stats["subscribed"] == 4
            await client.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="market", force="gtc",
                                                size=Decimal("100"))
            await client.mix.order.place_order(symbol="ETHUSDT", product_type="USDT-FUTURES", margin_mode="crossed",
                                               margin_coin="USDT", size=Decimal("0.1"), side="sell",
                                               order_type="market")
            kinds: dict[str, type] = {}
            with anyio.fail_after(10):
                async for push in merged:
                    for item in push.data:
                        kinds[push.arg.channel] = type(item)
                    if len(kinds) == 4:
                        break
        assert kinds == {"orders": SpotOrder, "fill": SpotFill, "account": SpotAccount, "positions": Position}


def test_merge_refuses_what_cannot_share_a_connection() -> None:
    from bitget_async.testing import Simulator

    client = Simulator().client()
    s = client.stream
    with pytest.raises(ValidationError, match="mix public and private"):
        s.merge(s.ticker("SPOT", "BTCUSDT"), s.orders("SPOT"))
    with pytest.raises(ValidationError, match="order_book"):
        s.merge(s.order_book("SPOT", "BTCUSDT"))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="at least one"):
        s.merge()
