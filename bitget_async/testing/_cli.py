"""The ``sim`` and ``demo`` commands of ``python -m bitget_async`` (``bitget-async``)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from types import FrameType

__all__ = ["add_commands"]


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``sim`` and ``demo`` on the main parser's subcommands."""
    p = sub.add_parser(
        "sim",
        help="serve the simulator over HTTP on loopback (needs the sim extra: uvicorn)",
        description="Serve a fresh simulator (REST and the /v2/ws/public and /v2/ws/private "
        "WebSocket endpoints) and print BITGET_BASE_URL, the keys of its funded live account and "
        "BITGET_WS_URL, one per line, then serve until SIGINT or SIGTERM.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    p.add_argument("--seed", type=int, default=0, help="price path and id seed (default 0)")
    p.add_argument("--log-level", default="warning", help="uvicorn log level (default warning)")
    p.set_defaults(func=cmd_sim)
    p = sub.add_parser(
        "demo",
        help="a scripted session against the in-process simulator (no keys, no network)",
        description="Start the in-process simulator and run a short session: server time, tickers, "
        "an order placed and cancelled, a futures position opened and closed, and candles for "
        "many symbols fetched concurrently, with a summary of timings.",
    )
    p.add_argument("--symbols", type=int, default=50, help="how many symbols to collect candles for (default 50)")
    p.add_argument("--seed", type=int, default=0, help="price path and id seed (default 0)")
    p.set_defaults(func=cmd_demo)


def cmd_sim(args: argparse.Namespace) -> int:
    try:
        import uvicorn  # noqa: F401  (only checks that the sim extra is installed)
    except ImportError:
        print("the sim command serves HTTP with uvicorn: pip install 'bitget-async[sim]'", file=sys.stderr)
        return 2
    from ._serve import bind, make_server, url_for
    from ._simulator import Simulator

    sim = Simulator(seed=args.seed)
    sock = bind(args.host, args.port)
    server = make_server(sim.app, log_level=args.log_level)

    def stop(signum: int, frame: FrameType | None) -> None:
        server.should_exit = True

    # uvicorn swaps in its own handlers while serving and re-raises the signal afterwards;
    # these make that re-raise (and a signal before serving starts) a clean shutdown.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(f"BITGET_BASE_URL={url_for(sock)}")
    print(f"BITGET_API_KEY={sim.api_key}")
    print(f"BITGET_API_SECRET={sim.api_secret}")
    print(f"BITGET_PASSPHRASE={sim.passphrase}")
    print(f"BITGET_WS_URL={url_for(sock).replace('http', 'ws', 1)}", flush=True)  # /v2/ws/... on the same port
    try:
        asyncio.run(server.serve(sockets=[sock]))
    finally:
        sock.close()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    import anyio

    from ._demo import run_demo

    if args.symbols < 1:
        print("--symbols must be at least 1", file=sys.stderr)
        return 2
    result: int = anyio.run(lambda: run_demo(sys.stdout, symbols=args.symbols, seed=args.seed))
    return result
