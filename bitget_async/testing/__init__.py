"""``bitget_async.testing``: a stateful fake Bitget v2 exchange for tests, demos and CI.

    from bitget_async.testing import Simulator

    sim = Simulator(seed=0)
    async with sim.client() as client:
        await client.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="market",
                                            force="gtc", size="100")

The simulator is an ASGI application built from the package's route table: every route
answers (from exchange state where the simulator keeps some, otherwise with Bitget's
documented example), after the checks the real exchange makes (keys, signatures, timestamps,
demo mode, parameters, rate limits).  ``sim.faults`` injects latency, 5xx, 429 bursts, dropped
connections and clock skew.  The pytest fixtures ``bitget_simulator`` and ``bitget_sim`` come
from ``bitget_async.testing.pytest_plugin``.
"""

from __future__ import annotations

from ._app import RequestRecord, SimulatorApp
from ._faults import ConnectionDropped, Faults
from ._simulator import Simulator, SimulatorTransport

__all__ = ["ConnectionDropped", "Faults", "RequestRecord", "Simulator", "SimulatorApp", "SimulatorTransport"]
