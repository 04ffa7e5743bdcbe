"""``client.paginate`` against the simulator: every cursor kind walks more than three pages with
the exact rows in the exact order, sends exactly the requests the cursor rule implies (counted
and read back at the simulator), splits long time ranges into the route's windows without gap or
overlap, and gives everything back when the iteration is cancelled.

The rows are planted in the simulator's state (ids and times chosen so the expected order is
known), then read back through the public client."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime
import functools
import urllib.parse
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
import pytest

from bitget_async import (
    APIError,
    BitgetClient,
    LocalRateLimiter,
    PaginationError,
    Paginator,
    RateLimits,
    ResponseDecodeError,
    ValidationError,
)
from bitget_async._pagination import CURSOR_RULES, CursorRule, cursor_rule, windows
from bitget_async._routes import BY_NAME, ROUTES
from bitget_async.testing import Simulator
from bitget_async.testing._ledger import Transfer
from bitget_async.testing._market import ANNOUNCEMENTS, FUNDING_HISTORY_DAYS
from bitget_async.testing._trading import Fill, FuturesOrder, SpotOrder, SpotPlan

T0 = 1_700_000_000_000  # the simulator's fixed clock (2023-11-14T22:13:20Z)
DAY = 86_400_000
HOUR = 3_600_000


@pytest.fixture
def sim() -> Simulator:
    return Simulator(seed=0, clock=lambda: T0)


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[BitgetClient]:
    async with sim.client() as c:
        yield c


def oid(n: int) -> str:
    """Bitget-like 19-digit ids, increasing with n."""
    return f"1{n:018d}"


def sent(sim: Simulator, path: str, since: int = 0) -> list[dict[str, str]]:
    """The query parameters of every request to ``path`` the simulator saw (after ``since``)."""
    return [
        dict(urllib.parse.parse_qsl(r.query, keep_blank_values=True))
        for r in sim.requests[since:]
        if r.path == path
    ]


def plant_spot_orders(sim: Simulator, n: int, *, wallet: str = "spot", step: int = 60_000) -> list[str]:
    acct = sim.account()
    ids = []
    for i in range(n):
        order = SpotOrder(
            order_id=oid(i + 1), client_oid=f"c{i}", symbol="BTCUSDT", side="buy", order_type="limit",
            force="gtc", price=Decimal(1000 + i), size=Decimal("0.001"), wallet=wallet,
            c_time=T0 - (n - i) * step, u_time=T0 - (n - i) * step, status="cancelled",
        )
        acct.orders[order.order_id] = order
        ids.append(order.order_id)
    return ids[::-1]  # newest first


# -- the route data -------------------------------------------------------------------------
def test_every_rule_names_real_parameters_and_fields() -> None:
    """Each rule's wire names are parameters of its route; page rules name the model's list."""
    routes = {(r.method, r.path): r for r in ROUTES}
    for key, rule in CURSOR_RULES.items():
        route = routes[key]
        wires = {p.wire for p in route.params}
        for name in (rule.cursor, rule.size, rule.start, rule.end, rule.reverse):
            assert name is None or name in wires, (route.python_name, name)
        if rule.items is not None:
            encoded = route.response_type.__struct_encode_fields__
            assert rule.items in encoded and (rule.more is None or rule.more in encoded)
            assert hasattr(route.response_type, "page_items")
    # Exactly the tsv's paginated rows whose route is in the table (the rest land with their facts).
    with open(Path(__file__).resolve().parent.parent / "spec" / "pagination-v2.tsv", newline="") as f:
        paginated = {
            (row["method"], row["path"])
            for row in csv.DictReader(f, delimiter="\t")
            if row["kind"] not in ("none", "limit-only")
        }
    assert set(CURSOR_RULES) == paginated & set(routes)
    assert len(CURSOR_RULES) >= 47  # today's table: 39 id, 2 page-number, 6 candle walks


def test_rules_read_from_the_facts() -> None:
    rule = cursor_rule(BY_NAME["mix.order.orders_history"])
    assert rule == CursorRule(
        "GET", "/api/v2/mix/order/orders-history", "id", "idLessThan", "page", "endId", "entrustedList",
        "limit", 100, "startTime", "endTime", 90, None, None,
    )
    plan = cursor_rule(BY_NAME["spot.trade.history_plan_order"])
    assert plan is not None and (plan.source, plan.field, plan.more) == ("page", "idLessThan", "nextFlag")
    transfers = cursor_rule(BY_NAME["spot.account.transfer_records"])  # idLessThan deprecated: pageNum
    assert transfers is not None and (transfers.kind, transfers.cursor, transfers.size) == ("page", "pageNum", "limit")
    candles = cursor_rule(BY_NAME["spot.market.history_candles"])
    assert candles is not None and (candles.kind, candles.source, candles.field) == ("time", "oldest", "ts")
    assert cursor_rule(BY_NAME["spot.market.tickers"]) is None


def test_windows_touch_without_overlap() -> None:
    assert windows(0, 99, 40) == [(60, 99), (20, 59), (0, 19)]
    assert windows(0, 39, 40) == [(0, 39)]
    assert windows(None, 99, 40) == [(None, 99)]
    assert windows(5, 5, 1) == [(5, 5)]
    # Every small case, exhaustively: the windows tile [start, end] newest first, each at most
    # ``span`` long, as few as possible.
    for start in range(0, 12):
        for end in range(start, 40):
            for span in range(1, 45):
                got = windows(start, end, span)
                covered = [t for lo, hi in got for t in range(hi, lo - 1, -1)]  # type: ignore[arg-type]
                assert covered == list(range(end, start - 1, -1)), (start, end, span)
                assert all(hi - lo < span for lo, hi in got)  # type: ignore[operator]
                assert len(got) == -(-(end - start + 1) // span)


@pytest.mark.anyio
async def test_every_small_page_size_and_limit_gives_exactly_the_rows() -> None:
    # ~200 pages: rate limits off on both sides (they are tested below), or this takes seconds.
    sim = Simulator(seed=0, clock=lambda: T0, enforce_rate_limits=False)
    expected = plant_spot_orders(sim, 11)
    async with sim.client(rate_limits=RateLimits(enabled=False)) as client:
        await _every_small_page_size(sim, client, expected)


async def _every_small_page_size(sim: Simulator, client: BitgetClient, expected: list[str]) -> None:
    for page_size in range(1, 6):
        for limit in (None, 1, 4, 5, 11, 12):
            before = len(sim.requests)
            paginator = client.paginate(
                client.spot.trade.history_orders, symbol="BTCUSDT", page_size=page_size, limit=limit
            )
            got = [o.order_id async for o in paginator]
            want = expected[:limit] if limit is not None else expected
            assert got == want, (page_size, limit)
            # As many pages as the rows need, one more only when the rows end on a full page.
            n = len(want)
            pages = -(-n // page_size) if limit is not None and limit <= 11 else 11 // page_size + 1
            assert len(sim.requests) - before == paginator.requests == pages, (page_size, limit)


_SAMPLE = {"symbol": "BTCUSDT", "coin": "USDT", "language": "en_US"}
PAGINATED = sorted(r.python_name for r in ROUTES if cursor_rule(r) is not None)


@pytest.mark.anyio
@pytest.mark.parametrize("name", PAGINATED)
async def test_every_paginated_route_walks_against_the_simulator(name: str) -> None:
    """Each rule runs end to end with its route's required parameters: every page answered with
    success, the rows typed, and the walk ends by itself."""
    import msgspec

    route = BY_NAME[name]
    rule = cursor_rule(route)
    assert rule is not None
    sim = Simulator(seed=0, clock=lambda: T0, enforce_rate_limits=False)
    kwargs: dict[str, Any] = {}
    for p in route.params:
        if p.required and p.wire not in ("startTime", "endTime"):
            kwargs[p.py] = _SAMPLE.get(p.wire) or (p.enum[0] if p.enum else "1")
    if rule.start is not None or rule.kind == "time":
        kwargs["start_time"] = T0 - 2 * DAY
    if rule.end is not None:
        kwargs["end_time"] = T0
    async with sim.client(rate_limits=RateLimits(enabled=False)) as client:
        endpoint = functools.reduce(getattr, name.split("."), client)  # client.spot.trade.fills ...
        paginator = client.paginate(endpoint, limit=3000, **kwargs)
        rows = []
        try:
            rows = [row async for row in paginator]
        except APIError as exc:
            if paginator.requests > 0 or isinstance(exc, ResponseDecodeError):
                raise
            # The simulator refused the sample arguments themselves (an unknown trader id ...):
            # not a pagination failure; say so rather than hide it.
            pytest.skip(f"simulator refused the sample call: {exc}")
    records = [r for r in sim.requests if r.path == route.path]
    assert len(records) == paginator.requests >= 1
    assert all((r.status, r.code) == (200, "00000") for r in records)
    assert all(isinstance(row, msgspec.Struct) for row in rows)
    if rule.kind == "time" and rule.source == "oldest":  # 1-minute candles: every one of the two days
        assert kwargs["granularity"] in ("1min", "1m")
        begin = T0 - 2 * DAY
        newest, oldest = T0 - T0 % 60_000, begin + (-begin % 60_000)
        assert [row.ts for row in rows] == list(range(newest, oldest - 1, -60_000))


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
        assert stats["requests"] == 7 and stats["rate_waits"] >= 1  # 7 pages at 5/s: some waited
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
