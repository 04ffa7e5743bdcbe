"""Keep verified order books for many symbols over sharded WebSocket connections.

Subscribes ``books`` for ``--symbols`` instruments (default 200; the exchange's symbol list, most
liquid first as listed), spread over connections of ``--max-channels`` each (Bitget recommends
under 50 per connection), checks every update (checksum or seq/pseq), resyncs a book that drifts,
and every ``--every`` seconds writes one JSON line per book with its best levels.  Ends after
``--seconds`` (0: until Ctrl-C) with a summary.

    # against the simulator (another terminal: python -m bitget_async sim --port 8765)
    BITGET_BASE_URL=http://127.0.0.1:8765 python examples/ws_collector.py --seconds 10

    # against Bitget (public data, no keys)
    python examples/ws_collector.py --symbols 200 --out books.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import IO, Any

import anyio

from bitget_async import BitgetClient, BitgetError, StreamConfig
from bitget_async.stream import OrderBook

__all__ = ["collect", "main", "snapshot_line"]


def snapshot_line(book: OrderBook, depth: int, now_ms: int) -> str:
    bids, asks = book.raw_top(depth)
    return json.dumps({"instId": book.inst_id, "ts": book.ts, "seq": book.seq, "written": now_ms,
                       "bids": bids, "asks": asks, "resyncs": book.resyncs})


async def collect(client: BitgetClient, symbols: Sequence[str], *, inst_type: str = "SPOT", seconds: float = 0,
                  every: float = 5.0, depth: int = 5, out: IO[str] | None = None) -> dict[str, Any]:
    """Run until ``seconds`` pass (0: until cancelled); returns the summary counters."""
    started = time.monotonic()
    lines = 0
    async with client.stream.order_book(inst_type, list(symbols)) as books:  # type: ignore[arg-type]
        with anyio.move_on_after(seconds if seconds > 0 else float("inf")):
            next_write = time.monotonic() + every
            async for _book in books:
                if out is not None and time.monotonic() >= next_write:
                    now_ms = time.time_ns() // 1_000_000
                    for book in books.books.values():
                        if book.synced:
                            out.write(snapshot_line(book, depth, now_ms) + "\n")
                            lines += 1
                    out.flush()
                    next_write = time.monotonic() + every
        all_books = books.books.values()
        return {
            "symbols": len(symbols),
            "connections": len(books.connections),
            "synced": sum(b.synced for b in all_books),
            "updates": sum(b.updates for b in all_books),
            "checksums_verified": sum(b.checksums_verified for b in all_books),
            "resyncs": books.resyncs,
            "reconnect_gaps": books.gaps,
            "coalesced": books.coalesced,
            "lines_written": lines,
            "seconds": round(time.monotonic() - started, 1),
        }


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--symbols", type=int, default=200, help="how many instruments (default 200)")
    p.add_argument("--inst-type", default="SPOT", help="SPOT or USDT-FUTURES ... (default SPOT)")
    p.add_argument("--max-channels", type=int, default=50, help="subscriptions per connection (default 50)")
    p.add_argument("--seconds", type=float, default=0, help="stop after this long (0: until Ctrl-C)")
    p.add_argument("--every", type=float, default=5.0, help="seconds between snapshot lines")
    p.add_argument("--out", default=None, help="JSON-lines file for the snapshots (default: none)")
    a = p.parse_args(argv)
    base = os.environ.get("BITGET_BASE_URL", "")
    ws_url = os.environ.get("BITGET_WS_URL") or ("ws" + base[4:] if base.startswith("http") and "bitget.com" not in base
                                                else None)
    config = StreamConfig(url=ws_url, max_channels=a.max_channels)

    async def go() -> dict[str, Any]:
        async with BitgetClient.from_env(stream_config=config) as client:
            if a.inst_type.upper() == "SPOT":
                listed = [s.symbol for s in await client.spot.public.symbols() if s.status == "online" and s.symbol]
            else:
                contracts = await client.mix.market.contracts(product_type=a.inst_type)
                listed = [c.symbol for c in contracts if c.symbol]
            symbols = listed[: a.symbols]
            print(f"collecting {len(symbols)} {a.inst_type} books over "
                  f"{-(-len(symbols) // a.max_channels)} connections", flush=True)
            return await collect(client, symbols, inst_type=a.inst_type.upper(), seconds=a.seconds,
                                 every=a.every, out=out)

    out = open(a.out, "a", encoding="utf-8") if a.out else None
    try:
        summary = anyio.run(go)
    except KeyboardInterrupt:
        return 0
    except BitgetError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        if out is not None:
            out.close()
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
