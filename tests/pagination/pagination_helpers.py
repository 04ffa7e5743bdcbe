"""Helpers shared by the pagination tests (moved from test_pagination.py when it was split)."""

from __future__ import annotations

import urllib.parse
from decimal import Decimal

from bitget_async.testing import Simulator
from bitget_async.testing._trading import SpotOrder

T0 = 1_700_000_000_000  # the simulator's fixed clock (2023-11-14T22:13:20Z)
DAY = 86_400_000
HOUR = 3_600_000


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
