"""Pagination by id cursors (from the last row, from a page field), page numbers and the announcement cursor: exact rows, exact requests."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pagination_helpers import DAY, HOUR, T0, oid, plant_spot_orders, sent

from bitget_async import (
    BitgetClient,
)
from bitget_async.testing import Simulator
from bitget_async.testing._ledger import Transfer
from bitget_async.testing._market import ANNOUNCEMENTS, FUNDING_HISTORY_DAYS
from bitget_async.testing._trading import FuturesOrder, SpotPlan


# -- id cursor from the last row ----------------------------------------------------------------
@pytest.mark.anyio
async def test_last_item_cursor(sim: Simulator, client: BitgetClient) -> None:
    expected = plant_spot_orders(sim, 9)
    start = len(sim.requests)
    got = [o.order_id async for o in client.paginate(client.spot.trade.history_orders, symbol="BTCUSDT", page_size=2)]
    assert got == expected
    queries = sent(sim, "/api/v2/spot/trade/history-orders", start)
    # 2 + 2 + 2 + 2 + 1: the short fifth page is the last, nothing is sent after it.
    assert queries == [
        {"symbol": "BTCUSDT", "limit": "2"},
        *({"symbol": "BTCUSDT", "idLessThan": expected[i], "limit": "2"} for i in (1, 3, 5, 7)),
    ]


@pytest.mark.anyio
async def test_full_last_page_costs_one_empty_request(sim: Simulator, client: BitgetClient) -> None:
    """A list page cannot say it is the last: after 4 full pages of 2, one empty page ends it."""
    expected = plant_spot_orders(sim, 8)
    paginator = client.paginate(client.spot.trade.history_orders, symbol="BTCUSDT", page_size=2)
    assert [o.order_id async for o in paginator] == expected
    assert paginator.requests == 5


@pytest.mark.anyio
async def test_limit_stops_exactly_and_asks_for_what_is_left(sim: Simulator, client: BitgetClient) -> None:
    expected = plant_spot_orders(sim, 9)
    start = len(sim.requests)
    got = [o.order_id async for o in client.paginate(client.spot.trade.history_orders, symbol="BTCUSDT", page_size=2, limit=5)]
    assert got == expected[:5]
    assert [q["limit"] for q in sent(sim, "/api/v2/spot/trade/history-orders", start)] == ["2", "2", "1"]


@pytest.mark.anyio
async def test_resume_from_a_callers_cursor(sim: Simulator, client: BitgetClient) -> None:
    expected = plant_spot_orders(sim, 9)
    got = [
        o.order_id
        async for o in client.paginate(
            client.spot.trade.history_orders, symbol="BTCUSDT", id_less_than=expected[3], page_size=4
        )
    ]
    assert got == expected[4:]


# -- id cursor from a page field: endId, minId, echoed idLessThan + nextFlag ---------------------------
def plant_futures_orders(sim: Simulator, n: int) -> list[str]:
    acct = sim.account()
    for i in range(n):
        order = FuturesOrder(
            order_id=oid(100 + i), client_oid=f"f{i}", product="USDT-FUTURES", symbol="BTCUSDT", margin_coin="USDT",
            margin_mode="crossed", pos_mode="one_way_mode", side="buy", trade_side="buy_single", pos_side="net",
            order_type="limit", force="gtc", price=Decimal(1000), size=Decimal("0.01"), reduce_only=False,
            leverage=Decimal(20), c_time=T0 - (n - i) * 1000, u_time=T0 - (n - i) * 1000, status="canceled",
        )
        acct.f_orders[order.order_id] = order
    return [oid(100 + i) for i in reversed(range(n))]


@pytest.mark.anyio
async def test_end_id_cursor(sim: Simulator, client: BitgetClient) -> None:
    expected = plant_futures_orders(sim, 7)
    start = len(sim.requests)
    paginator = client.paginate(
        client.mix.order.orders_history, product_type="USDT-FUTURES", symbol="BTCUSDT", page_size=2
    )
    assert [o.order_id async for o in paginator] == expected
    cursors = [q.get("idLessThan") for q in sent(sim, "/api/v2/mix/order/orders-history", start)]
    assert cursors == [None, expected[1], expected[3], expected[5]]  # each page's endId


@pytest.mark.anyio
async def test_min_id_cursor_with_required_start_time(sim: Simulator, client: BitgetClient) -> None:
    expected = plant_spot_orders(sim, 10, wallet="crossed_margin")
    start = len(sim.requests)
    got = [
        o.order_id
        async for o in client.paginate(
            client.margin.crossed.history_orders, symbol="BTCUSDT", start_time=T0 - DAY, page_size=3
        )
    ]
    assert got == expected
    queries = sent(sim, "/api/v2/margin/crossed/history-orders", start)
    assert [q.get("idLessThan") for q in queries] == [None, expected[2], expected[5], expected[8]]
    assert all(q["startTime"] == str(T0 - DAY) for q in queries)


@pytest.mark.anyio
async def test_default_page_size_is_the_documented_cap(sim: Simulator, client: BitgetClient) -> None:
    expected = plant_spot_orders(sim, 1100, wallet="crossed_margin", step=1)
    start = len(sim.requests)
    got = [o.order_id async for o in client.paginate(client.margin.crossed.history_orders, symbol="BTCUSDT", start_time=T0 - DAY)]
    assert got == expected
    queries = sent(sim, "/api/v2/margin/crossed/history-orders", start)
    assert [(q["limit"], q.get("idLessThan")) for q in queries] == [
        ("500", None), ("500", expected[499]), ("500", expected[999])
    ]


@pytest.mark.anyio
async def test_echoed_cursor_and_next_flag_end_without_an_empty_request(sim: Simulator, client: BitgetClient) -> None:
    acct = sim.account()
    for i in range(8):
        plan = SpotPlan(
            order_id=oid(200 + i), client_oid=f"p{i}", symbol="BTCUSDT", side="buy", trigger_price=Decimal(1000),
            order_type="market", execute_price=Decimal(0), size=Decimal(10), plan_type="total",
            trigger_type="fill_price", force="gtc", direction="down", c_time=T0 - (8 - i) * 1000,
            u_time=T0 - (8 - i) * 1000, status="cancelled",
        )
        acct.plans[plan.order_id] = plan
    start = len(sim.requests)
    paginator = client.paginate(client.spot.trade.history_plan_order, symbol="BTCUSDT", page_size=2)
    assert [p.order_id async for p in paginator] == [oid(200 + i) for i in reversed(range(8))]
    # Four full pages, and the fourth says nextFlag=false: no fifth request.
    assert paginator.requests == 4
    assert len(sent(sim, "/api/v2/spot/trade/history-plan-order", start)) == 4


# -- page numbers ----------------------------------------------------------------------------------
@pytest.mark.anyio
async def test_page_numbers(sim: Simulator, client: BitgetClient) -> None:
    start = len(sim.requests)
    paginator = client.paginate(
        client.mix.market.history_fund_rate, product_type="USDT-FUTURES", symbol="BTCUSDT", page_size=40
    )
    times = [r.funding_time async for r in paginator]
    first = T0 - FUNDING_HISTORY_DAYS * DAY
    first += -first % (8 * HOUR)
    newest = T0 - T0 % (8 * HOUR)
    assert times == list(range(newest, first - 1, -8 * HOUR))
    assert len(times) == 180
    queries = sent(sim, "/api/v2/mix/market/history-fund-rate", start)
    assert [q["pageNo"] for q in queries] == ["1", "2", "3", "4", "5"]  # 40 * 4 + 20: the fifth is short
    assert all(q["pageSize"] == "40" for q in queries)


@pytest.mark.anyio
async def test_page_numbers_keep_their_size_under_limit(sim: Simulator, client: BitgetClient) -> None:
    """pageNo counts pages of one size: the last page asks for the full size, then is cut."""
    everything = [
        r.funding_time
        async for r in client.paginate(client.mix.market.history_fund_rate, product_type="USDT-FUTURES", symbol="BTCUSDT")
    ]
    start = len(sim.requests)
    paginator = client.paginate(
        client.mix.market.history_fund_rate, product_type="USDT-FUTURES", symbol="BTCUSDT", page_size=40, limit=100
    )
    assert [r.funding_time async for r in paginator] == everything[:100]
    queries = sent(sim, "/api/v2/mix/market/history-fund-rate", start)
    assert [(q["pageNo"], q["pageSize"]) for q in queries] == [("1", "40"), ("2", "40"), ("3", "40")]


@pytest.mark.anyio
async def test_page_numbers_with_limit_as_page_size(sim: Simulator, client: BitgetClient) -> None:
    acct = sim.account()
    for i in range(11):
        acct.transfers.append(
            Transfer(
                transfer_id=oid(300 + i), client_oid=f"t{i}", coin="USDT", amount=Decimal(i + 1), from_type="spot",
                to_type="usdt_futures", from_symbol="", to_symbol="", ts=T0 - (11 - i) * HOUR,
            )
        )
    start = len(sim.requests)
    got = [t.transfer_id async for t in client.paginate(client.spot.account.transfer_records, coin="USDT", page_size=3)]
    assert got == [oid(300 + i) for i in reversed(range(11))]
    queries = sent(sim, "/api/v2/spot/account/transferRecords", start)
    assert [(q["pageNum"], q["limit"]) for q in queries] == [("1", "3"), ("2", "3"), ("3", "3"), ("4", "3")]


# -- cursor (announcements) ---------------------------------------------------------------------------
@pytest.mark.anyio
async def test_announcement_cursor(sim: Simulator, client: BitgetClient) -> None:
    start = len(sim.requests)
    got = [a.ann_id async for a in client.paginate(client.public.announcements, language="en_US")]
    assert got == [str(i) for i in range(ANNOUNCEMENTS, 0, -1)]
    queries = sent(sim, "/api/v2/public/annoucements", start)
    assert [q.get("cursor") for q in queries] == [None, "28", "18", "8"]  # 10 + 10 + 10 + 7
    assert all(q["limit"] == "10" for q in queries)
