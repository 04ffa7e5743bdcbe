"""``client.paginate`` against the simulator: every cursor kind walks more than three pages with
the exact rows in the exact order, sends exactly the requests the cursor rule implies (counted
and read back at the simulator), splits long time ranges into the route's windows without gap or
overlap, and gives everything back when the iteration is cancelled.

The rows are planted in the simulator's state (ids and times chosen so the expected order is
known), then read back through the public client."""

from __future__ import annotations

import collections
import csv
import functools
from pathlib import Path
from typing import Any

import pytest
from pagination_helpers import DAY, T0, plant_spot_orders

from bitget_async import (
    APIError,
    BitgetClient,
    RateLimits,
    ResponseDecodeError,
)
from bitget_async._cursors import CURSOR_RULES, CursorRule, cursor_rule, windows
from bitget_async._routes import BY_NAME, ROUTES
from bitget_async.testing import Simulator


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
    with open(Path(__file__).resolve().parents[2] / "spec" / "pagination-v2.tsv", newline="") as f:
        paginated = {
            (row["method"], row["path"])
            for row in csv.DictReader(f, delimiter="\t")
            if row["kind"] not in ("none", "limit-only")
        }
    assert set(CURSOR_RULES) == paginated & set(routes)
    # Today's table, exactly: a new paginated route in spec/ changes these numbers on purpose.
    kinds = collections.Counter(rule.kind for rule in CURSOR_RULES.values())
    assert (len(CURSOR_RULES), kinds) == (97, {"id": 71, "page": 17, "time": 9})


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
