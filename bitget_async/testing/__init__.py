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

It is a product of its own beside the client, sharing only facts with it: the route table
(paths, rates, parameters and their validation, ``Param.encode``), the pagination cursor rules
and the generated doc examples.  Of the client's request path (transport, signing, codec) it
uses nothing: it verifies signatures with its own code, so a client bug cannot be mirrored by
the exchange it is tested against (``sim.client()`` only hands out a client wired to it).  Arrows point down; no module imports one
above it.

A request's path (REST)::

    _simulator  Simulator: accounts, clock, in-process transport, served HTTP/WS (_serve, _ws_server)
      _app        ASGI gatekeeping: route lookup, rate limits, auth, faults, then the handler
        _validate   parameters through the route table's Param.encode (40019/40020/400172)
        handlers    one module per area, each declaring the routes it answers (HANDLERS)
          _state      Account, Exchange (lock, clock, price feed), Ctx
            _ledger _trading    the records: money; orders and positions

The modules and their jobs:

====================  ==========================================================================
``_simulator``        ``Simulator``: the public face (accounts, time, transport, ``serve()``)
``_app``              the ASGI app: Bitget's checks in order, the envelope, fault knobs
``_validate``         request parameters checked by the client's route table, Bitget's codes
``_faults``           REST fault knobs and the dropped-connection exception
``_serve``            real HTTP on loopback with uvicorn (the ``sim`` extra)
``_cli``, ``_demo``   the ``sim`` and ``demo`` commands of ``python -m bitget_async``
``pytest_plugin``     the ``bitget_simulator``/``bitget_sim``/``bitget_stream`` fixtures
``_catalog``          what is listed: spot pairs, contracts, coins and their trading rules
``_feed``             deterministic price paths, a pure function of (seed, coin, time)
``_market_data``      the synthetic market REST and streams both show: tickers, candles, book, trades
``_market``           public market routes
``_state``            accounts, the ``Exchange`` (lock, clock, feed), the handler context
``_ledger``           money records: wallets, transfers, bills, loans, quotes, earn, follows
``_trading``          trading records: spot/futures orders, fills, plans, positions
``_wire``             shared small pieces: ``SimError``, exact numbers, params, ids, paging, batches
``_arrival``          what a new order does on arrival (time in force), spot and futures
``_plans``            plan-order lookup, live check, cancel, trigger direction, spot and futures
``_spot``             spot matching engine (margin orders use it too)
``_spot_views``       spot order, fill and plan rows
``_spot_orders``      spot order routes
``_spot_plans``       spot plan-order routes
``_spot_account``     spot assets, bills, transfers, funding assets
``_margin``           cross and isolated margin routes; ``_lending``: loans and interest
``_futures``          futures engine: orders, positions, trigger orders, TP/SL
``_futures_views``    futures position, order, fill, plan and account rows
``_futures_account``  futures accounts, settings, positions, bills, all-account balances
``_futures_orders``   futures order routes
``_futures_plans``    futures trigger orders and TP/SL routes
``_convert``          convert (quote, then trade) and small balances to BGB
``_earn``             savings; ``_sharkfin``: principal-protected products
``_copy``             copy trading, the follower's side
``_paged``            paginated routes without state, rows made from the doc's example
``_ws``               the WebSocket endpoint: ping, login, subscribe, limits counted
``_ws_session``       one connection's state and the stream fault knobs
``_ws_feed``          what the streams push: market frames, private trading events
``_ws_server``        a loopback WebSocket server on anyio for the ASGI handler
====================  ==========================================================================
"""

from __future__ import annotations

from ._app import RequestRecord, SimulatorApp
from ._faults import ConnectionDropped, Faults
from ._simulator import Simulator, SimulatorTransport

__all__ = ["ConnectionDropped", "Faults", "RequestRecord", "Simulator", "SimulatorApp", "SimulatorTransport"]
