"""Pagination through time: candles walking endTime back, long ranges split into the route's windows, bad input refused before I/O, cursors that must move."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from pagination_helpers import DAY, HOUR, T0, oid, plant_spot_orders, sent

from bitget_async import (
    BitgetClient,
    PaginationError,
    ValidationError,
)
from bitget_async.testing import Simulator
from bitget_async.testing._trading import Fill


# -- time walk (candles) ------------------------------------------------------------------------------
@pytest.mark.anyio
async def test_candles_walk_end_time_back(sim: Simulator, client: BitgetClient) -> None:
    start_time = T0 - 100 * HOUR
    start = len(sim.requests)
    candles = [
        c.ts
        async for c in client.paginate(
            client.spot.market.candles, symbol="BTCUSDT", granularity="1h", start_time=start_time, page_size=30
        )
    ]
    newest = T0 - T0 % HOUR
    oldest = start_time + (-start_time % HOUR)
    assert candles == list(range(newest, oldest - 1, -HOUR))
    queries = sent(sim, "/api/v2/spot/market/candles", start)
    assert [q.get("endTime") for q in queries] == [
        None, str(newest - 30 * HOUR + HOUR - 1), str(newest - 60 * HOUR + HOUR - 1), str(newest - 90 * HOUR + HOUR - 1)
    ]
    assert all("startTime" not in q for q in queries)  # the walk never spans a 90-day range


@pytest.mark.anyio
async def test_history_candles_need_an_end_and_stop_at_limit(sim: Simulator, client: BitgetClient) -> None:
    start = len(sim.requests)
    got = [
        c.ts
        async for c in client.paginate(
            client.spot.market.history_candles, symbol="BTCUSDT", granularity="1min", limit=450
        )
    ]
    newest = T0 - T0 % 60_000
    assert got == list(range(newest, newest - 450 * 60_000, -60_000))
    queries = sent(sim, "/api/v2/spot/market/history-candles", start)
    assert [q["limit"] for q in queries] == ["200", "200", "50"]
    assert queries[0]["endTime"] == str(T0)  # required by the route: the client's (server) now


# -- window splitting --------------------------------------------------------------------------------
@pytest.mark.anyio
async def test_long_range_split_into_windows(sim: Simulator, client: BitgetClient) -> None:
    """Spot fills allow 90 days per request: 200 days become 3 windows, newest first, touching."""
    acct = sim.account()
    end, begin = T0, T0 - 200 * DAY
    w1, w2 = end - 90 * DAY + 1, end - 180 * DAY + 1  # starts of the first two windows
    # Rows on both sides of each window boundary, at the range's ends, and outside the range.
    stamps = sorted(
        {begin - 1, begin, begin + 1, w2 - 1, w2, w2 + 1, w1 - 1, w1, w1 + 1, end - 1, end, end + 1,
         *range(begin + DAY, end, 9 * DAY)}
    )
    for n, ts in enumerate(stamps):
        acct.fills.append(
            Fill(
                trade_id=oid(400 + n), order_id=oid(900), symbol="BTCUSDT", side="buy", order_type="limit",
                price=Decimal(1000), size=Decimal("0.001"), amount=Decimal(1), fee=Decimal(0), fee_coin="BTC",
                scope="maker", c_time=ts, wallet="spot",
            )
        )
    start = len(sim.requests)
    got = [
        (int(f.c_time), f.trade_id)
        async for f in client.paginate(
            client.spot.trade.fills, symbol="BTCUSDT", start_time=begin, end_time=end, page_size=5
        )
    ]
    inside = [(ts, oid(400 + n)) for n, ts in enumerate(stamps) if begin <= ts <= end]
    assert got == inside[::-1]  # every row once, newest first, none from outside the range
    queries = sent(sim, "/api/v2/spot/trade/fills", start)
    spans = sorted({(int(q["startTime"]), int(q["endTime"])) for q in queries}, reverse=True)
    assert spans == [(w1, end), (w2, w1 - 1), (begin, w2 - 1)]
    assert all(int(q["endTime"]) - int(q["startTime"]) < 90 * DAY for q in queries)
    per_window = [sum(1 for ts, _ in inside if lo <= ts <= hi) for lo, hi in spans]
    # Each window takes ceil(rows / 5) pages, plus one empty page when its rows fill the last.
    assert len(queries) == sum(n // 5 + 1 for n in per_window)


@pytest.mark.anyio
async def test_start_time_alone_runs_up_to_now(sim: Simulator, client: BitgetClient) -> None:
    start = len(sim.requests)
    got = [f async for f in client.paginate(client.spot.trade.fills, symbol="BTCUSDT", start_time=T0 - 100 * DAY)]
    assert got == []
    spans = [(int(q["startTime"]), int(q["endTime"])) for q in sent(sim, "/api/v2/spot/trade/fills", start)]
    assert spans == [(T0 - 90 * DAY + 1, T0), (T0 - 100 * DAY, T0 - 90 * DAY)]


@pytest.mark.anyio
async def test_aware_datetimes_are_exact_milliseconds(sim: Simulator, client: BitgetClient) -> None:
    start = len(sim.requests)
    begin = datetime.datetime(2023, 11, 1, 0, 0, 0, 999_999, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    async for _ in client.paginate(client.spot.trade.fills, symbol="BTCUSDT", start_time=begin, end_time=T0):
        pass
    (query,) = sent(sim, "/api/v2/spot/trade/fills", start)
    assert (query["startTime"], query["endTime"]) == ("1698789600999", str(T0))
    with pytest.raises(ValidationError, match="timezone-aware"):
        client.paginate(client.spot.trade.fills, symbol="BTCUSDT", start_time=datetime.datetime(2023, 11, 1))


@pytest.mark.anyio
async def test_market_trades_within_seven_day_windows(sim: Simulator, client: BitgetClient) -> None:
    """Market trades allow 7 days per request; the simulator prints one trade a minute."""
    begin, end = T0 - 8 * DAY, T0 - DAY + 150_000
    boundary = end - 7 * DAY + 1  # where the first window starts
    start = len(sim.requests)
    got = [
        t.trade_id
        async for t in client.paginate(
            client.spot.market.fills_history, symbol="BTCUSDT", start_time=begin, end_time=end, page_size=1000
        )
    ]
    queries = sent(sim, "/api/v2/spot/market/fills-history", start)
    assert sorted({(int(q["startTime"]), int(q["endTime"])) for q in queries}, reverse=True) == [
        (boundary, end), (begin, boundary - 1)
    ]
    assert got == sorted(got, key=int, reverse=True) and len(set(got)) == len(got)
    # Exactly the trades one plain request returns around the boundary, in the same order: no
    # gap and no repeat where the windows meet.
    around = await client.spot.market.fills_history(
        symbol="BTCUSDT", start_time=begin, end_time=boundary + 10 * 60_000, limit=1000
    )
    ids = [t.trade_id for t in around]
    assert len(ids) in (11, 12, 13) and got[-len(ids) :] == ids
    i = got.index(ids[0])
    assert got[i : i + len(ids)] == ids
    # And the ends: the newest trade is the last one at or before ``end``, the oldest the first
    # at or after ``begin`` (each checked with a plain request of one).
    (newest,) = await client.spot.market.fills_history(symbol="BTCUSDT", end_time=end, start_time=end - DAY, limit=1)
    assert got[0] == newest.trade_id
    # 10,080 minutes in the first window: ten full pages and a short one; then the second window.
    assert len(queries) == 12 and len(got) == 10_080 + sum(1 for t in around if int(t.ts) < boundary)


# -- bad input: refused before any I/O --------------------------------------------------------------
@pytest.mark.anyio
async def test_bad_input_is_refused_before_io(sim: Simulator, client: BitgetClient) -> None:
    start = len(sim.requests)
    cases: list[tuple[Any, dict[str, Any], str]] = [
        (client.spot.market.tickers, {}, "endpoint"),
        (client.spot.trade.history_orders, {"symbol": "BTCUSDT", "page_size": 101}, "page_size"),
        (client.spot.trade.history_orders, {"symbol": "BTCUSDT", "page_size": 0}, "page_size"),
        (client.spot.trade.history_orders, {"symbol": "BTCUSDT", "limit": -1}, "limit"),
        (client.spot.trade.history_orders, {"symbol": "BTCUSDT", "page_size": True}, "page_size"),
        (client.spot.trade.history_orders, {"symbl": "BTCUSDT"}, "symbl"),
        (client.mix.market.history_fund_rate, {"product_type": "USDT-FUTURES", "symbol": "BTCUSDT", "page_no": 2}, "page_no"),
        (client.margin.crossed.history_orders, {"symbol": "BTCUSDT"}, "start_time"),
        (client.spot.trade.fills, {"symbol": "BTCUSDT", "start_time": 5, "end_time": 4}, "start_time"),
        (client.spot.trade.fills, {"symbol": "BTCUSDT", "start_time": 1.5}, "start_time"),
        (client.spot.account.subaccount_assets, {"start_time": 1}, "start_time"),
        (lambda **kw: None, {}, "endpoint"),
    ]
    for endpoint, kwargs, param in cases:
        with pytest.raises(ValidationError) as info:
            client.paginate(endpoint, **kwargs)
        assert info.value.param == param, (endpoint, kwargs)
    assert len(sim.requests) == start


# -- the cursor must move ----------------------------------------------------------------------------
@pytest.mark.anyio
async def test_a_stuck_cursor_raises_instead_of_repeating(sim: Simulator, client: BitgetClient) -> None:
    """A server that ignores idLessThan would repeat the page forever: stop with PaginationError."""
    plant_spot_orders(sim, 6, wallet="isolated_margin:BTCUSDT")
    calls = 0

    async def stuck(**kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        kwargs.pop("id_less_than", None)
        return await client.margin.isolated.history_orders(**kwargs)

    stuck.route = client.margin.isolated.history_orders.route  # type: ignore[attr-defined]
    rows = []
    with pytest.raises(PaginationError) as info:
        async for row in client.paginate(stuck, symbol="BTCUSDT", start_time=T0 - DAY, page_size=2):
            rows.append(row.order_id)
    assert calls == 2 and len(rows) == 2  # the first page, then the repeat is caught before yielding
    assert info.value.route == "margin.isolated.history_orders" and info.value.cursor == oid(5)


@pytest.mark.anyio
async def test_an_inclusive_cursor_repeats_no_row(sim: Simulator, client: BitgetClient) -> None:
    """Were idLessThan inclusive, each page would start with the previous page's last row."""
    expected = plant_spot_orders(sim, 9)

    async def inclusive(**kwargs: Any) -> Any:
        if "id_less_than" in kwargs:
            kwargs["id_less_than"] = str(int(kwargs["id_less_than"]) + 1)
        return await client.spot.trade.history_orders(**kwargs)

    inclusive.route = client.spot.trade.history_orders.route  # type: ignore[attr-defined]
    paginator = client.paginate(inclusive, symbol="BTCUSDT", page_size=3)
    assert [o.order_id async for o in paginator] == expected
    assert paginator.requests == 5  # 3, 1+2, 1+2, 1+2, then [1] alone: short, the end
