"""The two cursor kinds whose routes the simulator keeps no state for, walked over many pages.

Copy-trading histories page both ways (``idLessThan`` with a caller's ``idGreaterThan`` bound);
broker commissions and institutional-loan orders only take time windows.  The simulator answers
them from rows made from the documented example (``testing/_paged.py``), selected by the route's
own cursor rule, so the walk is checked request by request at the simulator.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest

from bitget_async._cursors import cursor_rule
from bitget_async._routes import BY_NAME
from bitget_async.testing import Simulator
from bitget_async.testing._paged import ROWS, row_step_ms

T0 = 1_700_000_000_000
DAY = 86_400_000
BASE = 1_100_000_000_000_000_000
pytestmark = pytest.mark.anyio


def queries(sim: Simulator, path: str) -> list[dict[str, str]]:
    return [dict(urllib.parse.parse_qsl(r.query)) for r in sim.requests if r.path == path]


async def test_both_directions_walk_down_and_keep_the_callers_lower_bound() -> None:
    route = BY_NAME["copy.mix_follower.query_history_orders"]
    sim = Simulator(seed=0, clock=lambda: T0, enforce_rate_limits=False)
    async with sim.client() as client:
        endpoint = client.copy.mix_follower.query_history_orders
        every = [o.tracking_no async for o in client.paginate(endpoint, product_type="USDT-FUTURES", page_size=4)]
        bounded = client.paginate(endpoint, product_type="USDT-FUTURES", page_size=4, id_greater_than=str(BASE + 10))
        above = [o.tracking_no async for o in bounded]
    assert every == [str(BASE + n) for n in range(ROWS, 0, -1)]  # 30 rows, newest first, none twice
    assert above == [str(BASE + n) for n in range(ROWS, 10, -1)]  # the 20 above the bound
    sent = queries(sim, route.path)
    walk, bound = sent[:8], sent[8:]
    # 8 pages of 4 (the last one short, so nothing after it); each cursor is the page's endId.
    assert [q.get("idLessThan") for q in walk] == [None] + [str(BASE + n) for n in range(27, 2, -4)]
    assert all(q["limit"] == "4" for q in walk)
    # 5 full pages, then one empty answer: a full page cannot say it was the last.
    assert len(bound) == 6 and all(q["idGreaterThan"] == str(BASE + 10) for q in bound)


@pytest.mark.parametrize(("name", "kwargs"), [("broker.total_commission", {}), ("spot.ins_loan.loan_order", {})])
async def test_time_windows_only_cover_a_long_range_window_by_window(name: str, kwargs: dict[str, Any]) -> None:
    route = BY_NAME[name]
    rule = cursor_rule(route)
    assert rule is not None and rule.kind == "time" and rule.cursor is None and rule.window_days
    window = rule.window_days * DAY
    step = row_step_ms(rule)
    start = T0 - 8 * window + 1
    sim = Simulator(seed=0, clock=lambda: T0, enforce_rate_limits=False)
    async with sim.client() as client:
        endpoint: Any = client
        for part in name.split("."):
            endpoint = getattr(endpoint, part)
        rows = [row async for row in client.paginate(endpoint, start_time=start, end_time=T0, **kwargs)]
    sent = queries(sim, route.path)
    # Eight windows, newest first, touching without overlap; every made-up row inside the range
    # comes back exactly once, newest first.
    assert [(int(q["startTime"]), int(q["endTime"])) for q in sent] == [
        (max(start, T0 - (i + 1) * window + 1), T0 - i * window) for i in range(8)
    ]
    times = [T0 - i * step for i in range(ROWS) if T0 - i * step >= start]
    time_field = "date" if name == "broker.total_commission" else "loan_time"
    assert [int(getattr(r, time_field)) for r in rows] == times
    assert len(sent) == 8  # the eight windows above, no extra request
