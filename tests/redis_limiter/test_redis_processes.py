"""Several OS processes, one budget: RedisRateLimiter shared through a real redis-server.

The workers (``_redis_worker.py``) start together and begin on one signal once all are ready;
arrivals are counted at a loopback HTTP server, where Bitget counts.  Window assertions use
1-second windows while the limiter schedules 1.05 s ones (``RateLimits.margin``), which is the
slack it documents for jitter between its send instants and the server's clock; speed is
asserted only as a rate measured at the server, never as wall-clock time.  The default run
spans a few windows (each costs a second); ``-m slow`` runs 250 calls per process.
"""

from __future__ import annotations

import pytest
from _redis_server import ArrivalServer, RedisServer, shared_redis_url, steady_rate
from _redis_worker import run_workers
from helpers import max_in_window
from redis_helpers import ASSETS, TICKERS

IP_PROCS, IP_CALLS = 4, 20  # 80 calls at 20/s: four windows of the shared per-IP route
# Two processes share key A (30 calls at 10/s: three windows); one has key B, which runs alongside
# at its own 10/s for as long (so its rate is measured over as many arrivals).
UID_CALLS_A, UID_CALLS_B = 15, 30
# A rate floor, not a time bound: 3/4 of the published rate leaves room for a worker stalled
# half a second on a loaded 2-core machine, and still fails a schedule that holds a budget to
# half its rate or less (key B squeezed into key A's budget would get a third).
FLOOR = 0.75


def crowded(times: list[float], count: int) -> list[tuple[int, float]]:
    """Where ``count`` + 1 arrivals fell inside one second: (index, span), for a failure message."""
    return [(i, round(b - a, 3)) for i, (a, b) in enumerate(zip(times, times[count:], strict=False)) if b - a < 1.0]


def check_shared_ip_route(redis_url: str, arrivals: ArrivalServer, prefix: str, procs: int, calls: int) -> None:
    cfg = {"redis_url": redis_url, "base_url": arrivals.url, "calls": calls, "route": "tickers",
           "prefix": prefix, "egress": "office-nat"}
    results = run_workers([cfg] * procs)
    times = arrivals.times(path=TICKERS)
    assert [r["ok"] for r in results] == [calls] * procs and all(r["errors"] == [] for r in results)
    assert len(times) == procs * calls  # nothing lost, nothing doubled
    assert max_in_window(times) <= 20, (crowded(times, 20), results)
    assert steady_rate(times, 20) >= FLOOR * 20, (steady_rate(times, 20), results)


def test_redis_four_processes_share_one_ip_route(redis_server: RedisServer, arrivals: ArrivalServer, prefix: str) -> None:
    check_shared_ip_route(shared_redis_url(redis_server), arrivals, prefix, procs=IP_PROCS, calls=IP_CALLS)


@pytest.mark.slow
def test_redis_four_processes_250_calls_each_share_one_ip_route(
    redis_server: RedisServer, arrivals: ArrivalServer, prefix: str
) -> None:
    check_shared_ip_route(shared_redis_url(redis_server), arrivals, prefix, procs=4, calls=250)


def test_redis_uid_route_shared_by_key_not_by_process(redis_server: RedisServer, arrivals: ArrivalServer, prefix: str) -> None:
    base = {"redis_url": shared_redis_url(redis_server), "base_url": arrivals.url, "route": "assets",
            "prefix": prefix, "egress": "office-nat"}
    key_a, key_b = "bg_key_a_11112222", "bg_key_b_33334444"
    results = run_workers([{**base, "api_key": key_a, "calls": UID_CALLS_A}] * 2
                          + [{**base, "api_key": key_b, "calls": UID_CALLS_B}])
    assert [r["ok"] for r in results] == [UID_CALLS_A, UID_CALLS_A, UID_CALLS_B]
    a, b = arrivals.times(key=key_a, path=ASSETS), arrivals.times(key=key_b, path=ASSETS)
    assert (len(a), len(b)) == (2 * UID_CALLS_A, UID_CALLS_B)
    # spot.account.assets is 10/s per account: the two processes with key A share 10/s ...
    assert max_in_window(a) <= 10 and max_in_window(b) <= 10, (crowded(a, 10), crowded(b, 10), results)
    assert FLOOR * 10 <= steady_rate(a, 10), (results, [round(t - a[0], 3) for t in a])
    # ... while key B runs its own 10/s alongside (not squeezed into A's budget).
    assert FLOOR * 10 <= steady_rate(b, 10), (results, [round(t - b[0], 3) for t in b])
    assert max_in_window(a + b) > 10
