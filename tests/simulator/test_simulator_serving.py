"""The simulator as others reach it: the pytest plugin's fixtures and serving over loopback HTTP
(split from test_simulator_gate.py)."""

from __future__ import annotations

import time
from decimal import Decimal

import httpx
import pytest

from bitget_async import BitgetClient, NetworkError
from bitget_async.testing import Simulator


# -- pytest plugin --------------------------------------------------------------------------
def test_plugin_simulator_fixture(bitget_simulator: Simulator) -> None:
    assert isinstance(bitget_simulator, Simulator)
    assert bitget_simulator.seed == 0
    assert bitget_simulator.requests == []


@pytest.mark.anyio
async def test_plugin_client_fixture(bitget_sim: BitgetClient, bitget_simulator: Simulator) -> None:
    order = await bitget_sim.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="market", force="gtc", size="100")
    assert order.order_id in bitget_simulator.account().orders
    assert bitget_simulator.balance("BTC") == Decimal("1.001536462")


def test_plugin_registered_by_entry_point(pytestconfig: pytest.Config) -> None:
    plugin = pytestconfig.pluginmanager.get_plugin("bitget_async")
    assert plugin is not None
    assert plugin.__name__ == "bitget_async.testing.pytest_plugin"


# -- real HTTP on loopback ------------------------------------------------------------------
@pytest.mark.anyio
async def test_serve_over_loopback_http() -> None:
    sim = Simulator()
    async with sim.serve() as url:
        assert url.startswith("http://127.0.0.1:")
        async with BitgetClient(
            api_key=sim.api_key, api_secret=sim.api_secret, passphrase=sim.passphrase, base_url=url
        ) as client:
            assets = await client.spot.account.assets(coin="USDT")
            sim.faults.drop_after_execute = 1
            with pytest.raises(NetworkError) as dropped:
                await client.request("POST", "/api/v2/spot/wallet/transfer", body={"fromType": "spot", "toType": "p2p", "amount": "5", "coin": "USDT"})
    assert assets[0].available == Decimal(100_000)
    assert dropped.value.request_sent is True
    assert sim.balance("USDT", account_type="p2p") == Decimal(5)  # the write happened
    assert sim.requests[-1].dropped is True


def test_served_socket_disables_nagle_on_accepted_connections() -> None:
    """asyncio sets TCP_NODELAY only when a socket's proto says TCP; accepted sockets inherit the
    listener's proto and options, so both must be right on the listener."""
    import socket

    from bitget_async.testing._serve import bind

    listener = bind("127.0.0.1", 0)
    try:
        listener.setblocking(True)
        with socket.create_connection(listener.getsockname()[:2]) as peer:
            conn, _ = listener.accept()
            with conn:
                assert conn.proto == socket.IPPROTO_TCP
                assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
                assert peer.fileno() >= 0
    finally:
        listener.close()


@pytest.mark.anyio
async def test_served_simulator_answers_keep_alive_requests_without_nagle_delay() -> None:
    """20 sequential requests on one keep-alive connection: with Nagle on the server each one
    waited for the client's delayed ACK (~40 ms, 800+ ms in all).  The best of three rounds is
    compared with half of that, which a loaded 2-core machine still clears by a wide margin."""
    sim = Simulator(enforce_rate_limits=False)  # 61 calls in well under a second
    async with sim.serve() as url, httpx.AsyncClient(base_url=url) as http:
        assert (await http.get("/api/v2/public/time")).status_code == 200  # connection open
        rounds = []
        for _ in range(3):
            started = time.perf_counter()
            for _ in range(20):
                response = await http.get("/api/v2/public/time")
                assert response.status_code == 200
            rounds.append(time.perf_counter() - started)
        connections = http._transport._pool.connections  # type: ignore[attr-defined]
    assert len(connections) == 1  # one keep-alive connection carried every request
    assert min(rounds) < 20 * 0.040 / 2, rounds
