"""pytest fixtures for code that talks to Bitget: a fresh simulated exchange per test.

Installed with the package (entry point ``pytest11``), so the fixtures are just there; they
import nothing until a test asks for one, and a test suite that never does is unaffected.

    import pytest

    @pytest.mark.anyio
    async def test_market_buy(bitget_sim, bitget_simulator):
        order = await bitget_sim.spot.trade.place_order(
            symbol="BTCUSDT", side="buy", order_type="market", force="gtc", size="100")
        assert bitget_simulator.balance("BTC") > 1

``bitget_simulator`` is a ``Simulator(seed=0)``; ``bitget_sim`` is an open ``BitgetClient``
wired to it in-process (live keys), closed after the test.  ``bitget_stream`` is the same with
``client.stream`` connected to the simulator's WebSocket endpoint, served on loopback in the
test's own event loop (``bitget_simulator.stream`` has the fault knobs and counters).  ``bitget_sim`` is an async
fixture: use it from ``@pytest.mark.anyio`` tests (asyncio or trio), or with pytest-asyncio in
auto mode.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .._client import BitgetClient
    from ._simulator import Simulator

__all__ = ["bitget_sim", "bitget_simulator", "bitget_stream"]


@pytest.fixture
def bitget_simulator() -> Simulator:
    """A fresh, funded simulator (seed 0) for one test."""
    from ._simulator import Simulator

    return Simulator(seed=0)


@pytest.fixture
async def bitget_sim(bitget_simulator: Simulator) -> AsyncIterator[BitgetClient]:
    """An open ``BitgetClient`` on ``bitget_simulator``'s in-process transport."""
    async with bitget_simulator.client() as client:
        yield client


@pytest.fixture
async def bitget_stream(bitget_simulator: Simulator) -> AsyncIterator[BitgetClient]:
    """An open ``BitgetClient`` on ``bitget_simulator``: REST in-process, streams over loopback."""
    from ..stream import StreamConfig

    async with bitget_simulator.serve_stream() as url:
        config = StreamConfig(url=url, reconnect_base=0.05, reconnect_max=0.5)
        async with bitget_simulator.client(stream_config=config) as client:
            yield client
