"""Fault injection: latency, a fraction of 5xx, 429 bursts, dropped connections after a write,
clock skew; and how the client's retries and order-safety lookups behave against them."""

from __future__ import annotations

import random
from decimal import Decimal

import httpx
import pytest
from helpers import signed_headers
from sim_helpers import seconds_taken

from bitget_async import (
    NetworkError,
    OrderStateUnknownError,
    RateLimitError,
    RateLimits,
    RetryPolicy,
    ServerError,
)
from bitget_async.testing import Faults, Simulator

FAST_RETRY = RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_max=0.002, jitter=0.0)


def place_order_records(sim: Simulator, path: str = "/api/v2/spot/trade/place-order") -> list[tuple[str, bool, bool]]:
    return [(r.code, r.executed, r.dropped) for r in sim.requests if r.path == path]


def test_fault_knobs_validate() -> None:
    with pytest.raises(ValueError, match="error_rate_5xx"):
        Faults(error_rate_5xx=1.5)
    with pytest.raises(ValueError, match="latency_s"):
        Faults(latency_s=-1)
    faults = Faults(latency_s=1, error_rate_5xx=0.5, burst_429=2, drop_after_execute=1, clock_skew_ms=5)
    faults.reset()
    assert faults == Faults()


@pytest.mark.anyio
async def test_latency_is_added_to_every_request() -> None:
    sim = Simulator()
    sim.faults.latency_s = 0.15
    async with sim.client() as client:
        elapsed = await seconds_taken(client.public.time())
    assert 0.15 <= elapsed < 1.0


@pytest.mark.anyio
async def test_5xx_fraction_is_seeded_and_refuses_before_executing() -> None:
    sim = Simulator(seed=3, enforce_rate_limits=False)
    sim.faults.error_rate_5xx = 0.25
    statuses = []
    async with httpx.AsyncClient(transport=sim.transport(), base_url="https://api.bitget.com") as http:
        for _ in range(200):
            statuses.append((await http.get("/api/v2/public/time")).status_code)
    draws = random.Random(3)
    expected = [503 if draws.random() < 0.25 else 200 for _ in range(200)]
    assert statuses == expected
    assert statuses.count(503) == 44  # seed 3: 44 of 200 draws fall under 0.25
    assert all(not r.executed for r in sim.requests if r.status == 503)


@pytest.mark.anyio
async def test_reads_retry_through_5xx_but_writes_are_settled_by_lookup() -> None:
    sim = Simulator()
    async with sim.client(retry=FAST_RETRY) as client:
        sim.faults.error_rate_5xx = 1.0
        with pytest.raises(ServerError) as read:
            await client.public.time()
        with pytest.raises(OrderStateUnknownError) as write:
            await client.spot.trade.place_order(
                symbol="BTCUSDT", side="buy", order_type="market", force="gtc", size="100", client_oid="never-placed"
            )
    assert (read.value.http_status, read.value.code) == (503, "HTTP503")
    assert write.value.client_oid == "never-placed"
    assert sim.account().orders == {}
    # Three tries of the read; one placement (never repeated blindly), then three tries of the
    # orderInfo lookup, all refused, so the outcome stays unknown.
    assert [r.path for r in sim.requests] == ["/api/v2/public/time"] * 3 + [
        "/api/v2/spot/trade/place-order"
    ] + ["/api/v2/spot/trade/orderInfo"] * 3


@pytest.mark.anyio
async def test_429_burst_then_success_with_client_backoff() -> None:
    sim = Simulator()
    sim.faults.burst_429 = 2
    async with sim.client(retry=FAST_RETRY) as client:
        answer = await client.public.time()
        stats = client.stats()["routes"]["public.time"]
        sim.faults.burst_429 = 5
        with pytest.raises(RateLimitError) as exhausted:
            await client.public.time()
    assert answer.server_time > 0
    assert (stats["http_429"], stats["retries"]) == (2, 2)
    assert [r.status for r in sim.requests[:3]] == [429, 429, 200]
    assert (exhausted.value.http_status, exhausted.value.code) == (429, "429")
    assert sim.faults.burst_429 == 2


@pytest.mark.anyio
async def test_dropped_connection_after_a_write_hides_the_result() -> None:
    sim = Simulator()
    path = "/api/v2/spot/trade/place-order"
    body = '{"symbol":"BTCUSDT","side":"buy","orderType":"market","force":"gtc","size":"100","clientOid":"lost"}'
    headers = signed_headers(sim, "POST", path, body=body)
    sim.faults.drop_after_execute = 1
    async with httpx.AsyncClient(transport=sim.transport(), base_url="https://api.bitget.com") as http:
        with pytest.raises(httpx.RemoteProtocolError):
            await http.post(path, content=body, headers=headers)
    [order] = sim.account().orders.values()
    assert (order.client_oid, order.status) == ("lost", "filled")
    assert place_order_records(sim) == [("00000", True, True)]
    # Through the client a dropped write is a NetworkError that says the request was sent.
    async with sim.client() as client:
        sim.faults.drop_after_execute = 1
        with pytest.raises(NetworkError) as info:
            await client.spot.wallet.transfer(from_type="spot", to_type="p2p", amount="7", coin="USDT")
    assert info.value.request_sent is True
    assert sim.balance("USDT", account_type="p2p") == Decimal(7)


@pytest.mark.anyio
async def test_order_safety_finds_the_dropped_order_instead_of_placing_twice() -> None:
    sim = Simulator()
    async with sim.client(retry=FAST_RETRY) as client:
        sim.faults.drop_after_execute = 1
        placed = await client.spot.trade.place_order(
            symbol="BTCUSDT", side="buy", order_type="limit", force="gtc", price="60000", size="0.01", client_oid="safe-1"
        )
        sim.faults.drop_after_execute = 1
        futures = await client.mix.order.place_order(
            symbol="BTCUSDT", product_type="USDT-FUTURES", margin_coin="USDT", margin_mode="crossed", size="0.01",
            side="buy", order_type="market", client_oid="safe-2",
        )
    [order] = sim.account().orders.values()
    assert (placed.order_id, placed.client_oid) == (order.order_id, "safe-1")
    assert place_order_records(sim) == [("00000", True, True)]
    [f_order] = sim.account().f_orders.values()
    assert (futures.order_id, futures.client_oid) == (f_order.order_id, "safe-2")
    assert place_order_records(sim, "/api/v2/mix/order/place-order") == [("00000", True, True)]
    assert [r.path for r in sim.requests] == [
        "/api/v2/spot/trade/place-order",
        "/api/v2/spot/trade/orderInfo",
        "/api/v2/mix/order/place-order",
        "/api/v2/mix/order/detail",
    ]
    assert sim.balance("USDT") == Decimal("99400")  # one 600 USDT order frozen, not two


@pytest.mark.anyio
async def test_negative_clock_skew_also_recovers() -> None:
    sim = Simulator(clock=lambda: 1_700_000_000_000)
    sim.faults.clock_skew_ms = -45_000
    async with sim.client(rate_limits=RateLimits(enabled=False)) as client:
        assets = await client.spot.account.assets(coin="BTC")
        assert client.time_offset_ms == -45_000
    assert assets[0].available == Decimal(1)
    assert [r.code for r in sim.requests] == ["40008", "00000", "00000"]


# -- late execution and lookup lag: the outcomes of an order call stay exactly three -------------------
def spot_lookups(sim: Simulator) -> int:
    return sum(1 for r in sim.requests if r.path == "/api/v2/spot/trade/orderInfo")


async def place_lost_and_lagging(sim: Simulator, *, lookup_attempts: int, client_oid: str) -> None:
    """One limit order whose answer is lost and which the first two lookups do not see;
    afterwards the simulator holds exactly that order, and the call returned its id."""
    sim.faults.drop_after_execute = 1  # placed, answer lost
    sim.faults.lookup_lag = 2  # and invisible to the first two lookups
    policy = RetryPolicy(max_attempts=3, backoff_base=0.0, lookup_attempts=lookup_attempts, lookup_delay=0.0)
    async with sim.client(retry=policy) as client:
        placed = await client.spot.trade.place_order(
            symbol="BTCUSDT", side="buy", order_type="limit", force="gtc", price="60000", size="0.01",
            client_oid=client_oid,
        )
    orders = list(sim.account().orders.values())
    assert [o.client_oid for o in orders] == [client_oid] and placed.order_id == orders[0].order_id


@pytest.mark.anyio
async def test_lookup_lag_is_seen_past_by_repeated_lookups() -> None:
    sim = Simulator()
    await place_lost_and_lagging(sim, lookup_attempts=3, client_oid="lag-1")
    assert place_order_records(sim) == [("00000", True, True)]  # never re-sent
    assert spot_lookups(sim) == 3


@pytest.mark.anyio
async def test_lag_longer_than_the_lookups_resends_and_the_duplicate_is_settled() -> None:
    sim = Simulator()
    await place_lost_and_lagging(sim, lookup_attempts=2, client_oid="lag-2")
    # Not visible after two lookups: re-sent with the same clientOid, refused as a duplicate,
    # then found (the lag is over) and checked to be the order this call sent.
    assert place_order_records(sim) == [("00000", True, True), ("43118", True, False)]
    assert spot_lookups(sim) == 3


@pytest.mark.anyio
async def test_late_execution_on_every_attempt_ends_unknown_never_in_a_transport_error() -> None:
    sim = Simulator()
    sim.faults.drop_after_execute = 3
    sim.faults.lookup_lag = 100  # the exchange placed it, no lookup will see it in time
    policy = RetryPolicy(max_attempts=3, backoff_base=0.0, lookup_attempts=2, lookup_delay=0.0)
    async with sim.client(retry=policy) as client:
        with pytest.raises(OrderStateUnknownError) as info:
            await client.spot.trade.place_order(
                symbol="BTCUSDT", side="buy", order_type="limit", force="gtc", price="60000", size="0.01",
                client_oid="late-3",
            )
    assert info.value.client_oid == "late-3"
    assert [o.client_oid for o in sim.account().orders.values()] == ["late-3"]  # exactly once
    # Placed (answer lost), re-sent and refused as a duplicate: the clientOid is taken, yet no
    # lookup shows the order, so its fate is unknown; a third send would change nothing.
    assert [code for code, _, _ in place_order_records(sim)] == ["00000", "43118"]
