"""Collect candles (and optionally recent trades) for hundreds of spot symbols at once.

One task per symbol runs in an anyio task group; nobody counts requests here, because the
client's rate limiter already queues every call inside Bitget's published limits (candles 20/s
per IP, fills 10/s per IP) and its in-flight gate keeps the connection pool busy but not flooded.
Fetchers hand their rows to one writer (a memory stream), so the database sees a single writer
and one short transaction per symbol.

    python examples/collector.py --symbols 200 --granularity 1min --limit 100 --out market.sqlite
    python examples/collector.py --fills --format parquet --out market_parquet/   # needs pyarrow

Prices and volumes are stored as TEXT exactly as Bitget sent them (``format(d, "f")`` of the
decoded Decimal): a REAL column would round them.  Keys and base URL come from the environment
(``BITGET_BASE_URL`` points it at the simulator); the market endpoints need no keys.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sqlite3
import sys
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Protocol, TextIO

import anyio
from anyio.abc import ObjectSendStream

from bitget_async import BitgetClient, BitgetError
from bitget_async.models import SpotCandle, SpotMarketFill

__all__ = [
    "CollectConfig",
    "Progress",
    "collect",
    "main",
    "open_sink",
    "parse_args",
    "run",
]

Granularity = Literal["1min", "5min", "15min", "30min", "1h", "4h", "1day"]
GRANULARITIES: tuple[Granularity, ...] = ("1min", "5min", "15min", "30min", "1h", "4h", "1day")

CANDLE_COLUMNS = ("symbol", "granularity", "ts", "open", "high", "low", "close",
                  "base_volume", "quote_volume", "usdt_volume")
FILL_COLUMNS = ("symbol", "trade_id", "side", "price", "size", "ts")
Row = tuple[str | int, ...]


@dataclasses.dataclass(frozen=True)
class CollectConfig:
    """What to fetch: ``symbols=0`` means every online spot symbol."""

    symbols: int = 0
    granularity: Granularity = "1min"
    limit: int = 100
    fills: bool = False
    out: Path = Path("market.sqlite")
    format: Literal["sqlite", "parquet"] = "sqlite"


def money(d: Decimal) -> str:
    """Plain decimal text, exactly as decoded (never ``1E-7``, never a binary float)."""
    return format(d, "f")


def candle_row(symbol: str, granularity: str, c: SpotCandle) -> Row:
    return (symbol, granularity, c.ts, money(c.open), money(c.high), money(c.low), money(c.close),
            money(c.base_volume), money(c.quote_volume), money(c.usdt_volume))


def fill_row(f: SpotMarketFill) -> Row:
    return (f.symbol, f.trade_id, f.side, money(f.price), money(f.size), f.ts)


# -- storage --------------------------------------------------------------------------------------
class Sink(Protocol):
    """Where rows go; written from one task only, closed once at the end."""

    def write(self, table: Literal["candles", "fills"], rows: Sequence[Row]) -> None: ...

    def close(self) -> None: ...


class SqliteSink:
    """stdlib sqlite3; re-running the collector upserts, so a partial run can simply be repeated."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path)
        self.conn.executescript(
            """
            CREATE TABLE IF NOT EXISTS candles (
                symbol TEXT NOT NULL, granularity TEXT NOT NULL, ts INTEGER NOT NULL,
                open TEXT NOT NULL, high TEXT NOT NULL, low TEXT NOT NULL, close TEXT NOT NULL,
                base_volume TEXT NOT NULL, quote_volume TEXT NOT NULL, usdt_volume TEXT NOT NULL,
                PRIMARY KEY (symbol, granularity, ts));
            CREATE TABLE IF NOT EXISTS fills (
                symbol TEXT NOT NULL, trade_id TEXT NOT NULL, side TEXT NOT NULL,
                price TEXT NOT NULL, size TEXT NOT NULL, ts INTEGER NOT NULL,
                PRIMARY KEY (symbol, trade_id));
            """
        )

    def write(self, table: Literal["candles", "fills"], rows: Sequence[Row]) -> None:
        columns = CANDLE_COLUMNS if table == "candles" else FILL_COLUMNS
        marks = ", ".join("?" * len(columns))
        with self.conn:  # one transaction per batch
            self.conn.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", rows)

    def close(self) -> None:
        self.conn.close()


class ParquetSink:
    """One Parquet file per table under a directory, written at close (pyarrow is optional).

    Decimal columns are strings: each symbol has its own precision, and a single ``decimal128``
    scale for all of them would either round some or pad all.
    """

    def __init__(self, directory: Path) -> None:
        import pyarrow  # type: ignore[import-not-found, unused-ignore]  # optional dependency
        import pyarrow.parquet  # type: ignore[import-not-found, unused-ignore]

        self._pa: Any = pyarrow
        self._pq: Any = pyarrow.parquet
        self.directory = directory
        self.tables: dict[str, list[Row]] = {"candles": [], "fills": []}

    def write(self, table: Literal["candles", "fills"], rows: Sequence[Row]) -> None:
        self.tables[table].extend(rows)

    def close(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for table, columns in (("candles", CANDLE_COLUMNS), ("fills", FILL_COLUMNS)):
            rows = self.tables[table]
            if not rows:
                continue
            data = {name: [row[i] for row in rows] for i, name in enumerate(columns)}
            self._pq.write_table(self._pa.table(data), self.directory / f"{table}.parquet")


def open_sink(fmt: Literal["sqlite", "parquet"], out: Path) -> Sink:
    if fmt == "parquet":
        try:
            return ParquetSink(out)
        except ImportError:
            raise SystemExit("--format parquet needs pyarrow: pip install pyarrow") from None
    return SqliteSink(out)


# -- progress -------------------------------------------------------------------------------------
class Progress:
    """A plain-text progress bar: redrawn in place on a terminal, a line per 10 % otherwise
    (so CI logs and pipes stay readable)."""

    def __init__(self, total: int, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.total = total
        self.done = 0
        self.failed = 0
        self.stream = stream
        self.width = width
        self.started = time.monotonic()
        self.tty = stream.isatty()
        self._last_decile = -1

    def advance(self, ok: bool = True) -> None:
        self.done += 1
        self.failed += not ok
        if self.tty:
            self.stream.write("\r" + self.render())
            if self.done == self.total:
                self.stream.write("\n")
        else:
            decile = math.floor(10 * self.done / self.total) if self.total else 10
            if decile > self._last_decile or self.done == self.total:
                self._last_decile = decile
                self.stream.write(self.render() + "\n")
        self.stream.flush()

    def render(self) -> str:
        frac = self.done / self.total if self.total else 1.0
        filled = round(frac * self.width)
        elapsed = time.monotonic() - self.started
        failed = f", {self.failed} failed" if self.failed else ""
        return (f"[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} symbols "
                f"{elapsed:5.1f}s{failed}")


# -- collection -----------------------------------------------------------------------------------
@dataclasses.dataclass
class Summary:
    symbols: int = 0
    candles: int = 0
    fills: int = 0
    failed: dict[str, str] = dataclasses.field(default_factory=dict)
    seconds: float = 0.0


async def _fetch_symbol(
    client: BitgetClient,
    symbol: str,
    config: CollectConfig,
    out: ObjectSendStream[tuple[Literal["candles", "fills"], list[Row]]],
    progress: Progress,
    summary: Summary,
) -> None:
    async with out:
        try:
            candles = await client.spot.market.candles(
                symbol=symbol, granularity=config.granularity, limit=config.limit
            )
            await out.send(("candles", [candle_row(symbol, config.granularity, c) for c in candles]))
            if config.fills:
                fills = await client.spot.market.fills(symbol=symbol, limit=config.limit)
                await out.send(("fills", [fill_row(f) for f in fills]))
        except BitgetError as exc:
            # One bad symbol (delisted mid-run, a 5xx after retries) must not sink the others.
            summary.failed[symbol] = f"{type(exc).__name__}: {exc}"
            progress.advance(ok=False)
            return
        progress.advance()


async def collect(
    client: BitgetClient,
    symbols: Sequence[str],
    config: CollectConfig,
    sink: Sink,
    progress_stream: TextIO = sys.stderr,
) -> Summary:
    """Fetch every symbol concurrently and hand rows to ``sink`` from a single writer task."""
    summary = Summary(symbols=len(symbols))
    progress = Progress(len(symbols), progress_stream)
    started = time.monotonic()
    send, receive = anyio.create_memory_object_stream[tuple[Literal["candles", "fills"], list[Row]]](
        max_buffer_size=64
    )
    async with anyio.create_task_group() as tg:
        for symbol in symbols:
            tg.start_soon(_fetch_symbol, client, symbol, config, send.clone(), progress, summary)
        send.close()  # the writer ends once every fetcher has closed its clone
        async with receive:
            async for table, rows in receive:
                # sqlite writes of one symbol's rows take well under a millisecond: doing them
                # inline keeps one connection on one thread, which sqlite3 insists on.
                sink.write(table, rows)
                if table == "candles":
                    summary.candles += len(rows)
                else:
                    summary.fills += len(rows)
    summary.seconds = time.monotonic() - started
    return summary


async def pick_symbols(client: BitgetClient, count: int) -> list[str]:
    """Online spot symbols, in the exchange's order; ``count=0`` keeps all of them."""
    symbols = [s.symbol for s in await client.spot.public.symbols() if s.status == "online"]
    return symbols[:count] if count else symbols


async def run(client: BitgetClient, config: CollectConfig, progress_stream: TextIO = sys.stderr) -> Summary:
    symbols = await pick_symbols(client, config.symbols)
    sink = open_sink(config.format, config.out)
    try:
        return await collect(client, symbols, config, sink, progress_stream)
    finally:
        sink.close()


def parse_args(argv: Sequence[str] | None = None) -> tuple[CollectConfig, str]:
    p = argparse.ArgumentParser(description="Collect spot candles (and trades) for many symbols.")
    p.add_argument("--symbols", type=int, default=0, help="first N online symbols (0: all)")
    p.add_argument("--granularity", choices=GRANULARITIES, default="1min")
    p.add_argument("--limit", type=int, default=100, help="candles (and trades) per symbol, max 1000")
    p.add_argument("--fills", action="store_true", help="also collect recent trades")
    p.add_argument("--format", choices=("sqlite", "parquet"), default="sqlite")
    p.add_argument("--out", type=Path, default=None,
                   help="SQLite file or Parquet directory (default market.sqlite / market_parquet)")
    p.add_argument("--backend", choices=("asyncio", "trio"), default="asyncio")
    a = p.parse_args(argv)
    out = a.out or Path("market.sqlite" if a.format == "sqlite" else "market_parquet")
    return CollectConfig(a.symbols, a.granularity, a.limit, a.fills, out, a.format), a.backend


def main(argv: Sequence[str] | None = None) -> int:
    config, backend = parse_args(argv)

    async def go() -> Summary:
        async with BitgetClient.from_env() as client:
            summary = await run(client, config)
            waits = sum(r["rate_waits"] for r in client.stats()["routes"].values())
            print(f"rate-limit waits: {waits}", file=sys.stderr)
            return summary

    summary = anyio.run(go, backend=backend)
    print(f"{summary.symbols} symbols, {summary.candles} candles, {summary.fills} trades "
          f"in {summary.seconds:.1f}s -> {config.out}")
    for symbol, reason in sorted(summary.failed.items()):
        print(f"  failed {symbol}: {reason}", file=sys.stderr)
    return 1 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main())
