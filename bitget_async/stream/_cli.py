"""``python -m bitget_async stream CHANNEL [INST_ID]``: watch a channel, one JSON line per push.

Keys come from the ``BITGET_*`` environment variables (private channels need them); ``--sim``
runs against a fresh in-process simulator instead (offline; its market moves one second per push
interval), ``--demo`` uses the demo-trading host.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from typing import Any

import msgspec

from .._errors import BitgetError
from ._messages import Push

__all__ = ["add_command"]

_PUBLIC = ("ticker", "trade", "auction")

_PRIVATE = ("account", "orders", "fill", "orders-algo", "positions", "positions-history", "equity", "adl-noti",
            "account-crossed", "orders-crossed", "account-isolated", "orders-isolated")


def add_command(sub: Any) -> None:
    p = sub.add_parser(
        "stream",
        help="watch a WebSocket channel: one JSON line per push",
        description="Subscribe to one Bitget v2 channel and print every push as a JSON line "
        "(ticker, candle1m .. candle1Mutc, trade, books, books1, books5, books15, auction, "
        "index-price, and with keys: " + ", ".join(_PRIVATE) + ").",
    )
    p.add_argument("channel", help="channel name as Bitget spells it, e.g. ticker, candle1m, books15, orders")
    p.add_argument("inst_id", nargs="?", default=None, help="instrument, e.g. BTCUSDT (private channels: default)")
    p.add_argument("--inst-type", default=None, help="SPOT, USDT-FUTURES, COIN-FUTURES, USDC-FUTURES or MARGIN (default SPOT)")
    p.add_argument("--count", type=int, default=0, help="stop after N pushes (default: until interrupted)")
    p.add_argument("--sim", action="store_true", help="stream from a fresh in-process simulator (offline)")
    p.add_argument("--demo", action="store_true", help="demo trading host (wspap) with demo keys")
    p.set_defaults(func=cmd_stream)


def _subscription(client: Any, channel: str, inst_id: str | None, inst_type: str | None) -> Any:
    s = client.stream
    kind = (inst_type or ("MARGIN" if channel.endswith(("crossed", "isolated")) or channel == "index-price"
                          else "SPOT")).upper()
    private_id = inst_id or "default"
    if inst_id and (channel in _PUBLIC or channel.startswith(("candle", "books"))):
        if channel == "ticker":
            return s.ticker(kind, inst_id)
        if channel == "trade":
            return s.trade(kind, inst_id)
        if channel == "auction":
            return s.auction(inst_id)
        if channel.startswith("candle"):
            return s.candle(kind, inst_id, channel[len("candle"):])
        return s.books(kind, inst_id, channel)
    makers = {
        "index-price": lambda: s.index_price(inst_id or "default"),
        "account": lambda: s.account(kind),
        "orders": lambda: s.orders(kind, private_id),
        "fill": lambda: s.fill(kind, private_id),
        "orders-algo": lambda: s.orders_algo(kind, private_id),
        "positions": lambda: s.positions(kind, private_id),
        "positions-history": lambda: s.positions_history(kind, private_id),
        "equity": lambda: s.equity(kind),
        "adl-noti": lambda: s.adl_noti(kind, private_id),
        "account-crossed": lambda: s.account_crossed(),
        "orders-crossed": lambda: s.orders_crossed(private_id),
        "account-isolated": lambda: s.account_isolated(),
        "orders-isolated": lambda: s.orders_isolated(private_id),
    }
    return makers[channel]()


def push_json(push: Push[Any]) -> str:
    """One push as a JSON line: decimals as exact strings, absent fields left out."""
    body = {"arg": push.arg.wire(), "action": push.action, "ts": push.ts, "gap": push.gap,
            "data": [{k: v for k, v in msgspec.to_builtins(item, builtin_types=(Decimal,)).items() if v is not None}
                     if isinstance(item, msgspec.Struct) and not item.__struct_config__.array_like
                     else msgspec.to_builtins(item, builtin_types=(Decimal,)) for item in push.data]}
    return json.dumps(body, default=lambda d: format(d, "f") if isinstance(d, Decimal) else str(d))


def cmd_stream(args: argparse.Namespace) -> int:
    import anyio

    from .._client import BitgetClient

    if args.count < 0:
        print("--count must be >= 0", file=sys.stderr)
        return 2
    public = args.channel in _PUBLIC or args.channel.startswith(("candle", "books"))
    if not public and args.channel not in (*_PRIVATE, "index-price"):
        print(f"unknown channel {args.channel!r}", file=sys.stderr)
        return 2
    if public and not args.inst_id:
        print(f"the {args.channel} channel needs an INST_ID, e.g. BTCUSDT", file=sys.stderr)
        return 2

    failures: list[BitgetError] = []

    async def watch(client: BitgetClient) -> None:
        seen = 0
        try:
            async with _subscription(client, args.channel, args.inst_id, args.inst_type) as sub:
                async for push in sub:
                    print(push_json(push), flush=True)
                    seen += 1
                    if args.count and seen >= args.count:
                        return
        except BitgetError as exc:  # reported below, outside the simulator's task group
            failures.append(exc)

    async def run() -> None:
        if not args.sim:
            async with (BitgetClient.from_env(demo=True) if args.demo else BitgetClient.from_env()) as client:
                await watch(client)
            return
        from ..testing import Simulator
        from ._config import StreamConfig

        sim = Simulator()
        async with sim.serve_stream() as url, anyio.create_task_group() as tg:
            async def market() -> None:
                while True:
                    await anyio.sleep(sim.stream.push_interval)
                    sim.advance(1)

            sim.stream.push_interval = 0.2
            tg.start_soon(market)
            async with sim.client(stream_config=StreamConfig(url=url)) as client:
                await watch(client)
            tg.cancel_scope.cancel()

    try:
        anyio.run(run)
    except KeyboardInterrupt:
        return 130
    except BitgetError as exc:
        failures.append(exc)
    for failure in failures:
        print(f"{type(failure).__name__}: {failure}", file=sys.stderr)
    return 1 if failures else 0
