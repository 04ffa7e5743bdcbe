"""Collect candles (and optionally recent trades) for hundreds of spot and futures symbols at once.

One task per instrument runs in an anyio task group; nobody counts requests here, because the
client's rate limiter already queues every call inside Bitget's published limits (candles 20/s
per IP, fills 10/s per IP) and its in-flight gate keeps the connection pool busy but not flooded.
Fetchers hand their rows to one writer (a memory stream), so the database sees a single writer
and one short transaction per symbol.

    python examples/collector.py --symbols 200 --granularity 1min --limit 100 --out market.sqlite
    python examples/collector.py --markets spot,usdt-futures --fills --out market.sqlite
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
from typing import Any, Literal, Protocol, TextIO, cast

import anyio
from anyio.abc import ObjectSendStream

from bitget_async import BitgetClient, BitgetError, RateLimits

__all__ = [
    "CollectConfig",
    "Instrument",
    "Progress",
    "collect",
    "list_instruments",
    "main",
    "open_sink",
    "parse_args",
    "run",
]

Market = Literal["spot", "usdt-futures", "usdc-futures"]
MARKETS: tuple[Market, ...] = ("spot", "usdt-futures", "usdc-futures")
ProductType = Literal["USDT-FUTURES", "USDC-FUTURES"]
PRODUCT_TYPE: dict[Market, ProductType] = {"usdt-futures": "USDT-FUTURES", "usdc-futures": "USDC-FUTURES"}

# Spot and futures spell the same candle width differently ("1min" vs "1m", "1h" vs "1H").
SpotGranularity = Literal["1min", "5min", "15min", "30min", "1h", "4h", "1day"]
MixGranularity = Literal["1m", "5m", "15m", "30m", "1H", "4H", "1D"]
GRANULARITY: dict[SpotGranularity, MixGranularity] = {
    "1min": "1m", "5min": "5m", "15min": "15m", "30min": "30m", "1h": "1H", "4h": "4H", "1day": "1D",
}

CANDLE_COLUMNS = ("market", "symbol", "granularity", "ts", "open", "high", "low", "close",
                  "base_volume", "quote_volume", "usdt_volume")
FILL_COLUMNS = ("market", "symbol", "trade_id", "side", "price", "size", "ts")
Row = tuple[str | int | None, ...]
Table = Literal["candles", "fills"]


@dataclasses.dataclass(frozen=True)
class Instrument:
    market: Market
    symbol: str


@dataclasses.dataclass(frozen=True)
class CollectConfig:
    """What to fetch: ``symbols=0`` means every listed instrument of the chosen markets."""

    markets: tuple[Market, ...] = ("spot",)
    symbols: int = 0
    granularity: SpotGranularity = "1min"
    limit: int = 100
    fills: bool = False
    out: Path = Path("market.sqlite")
    format: Literal["sqlite", "parquet"] = "sqlite"


def money(d: Decimal | None) -> str | None:
    """Plain decimal text, exactly as decoded (never ``1E-7``, never a binary float); a value
    Bitget left blank stays NULL rather than becoming a made-up zero."""
    return None if d is None else format(d, "f")


async def fetch_candles(client: BitgetClient, inst: Instrument, config: CollectConfig) -> list[Row]:
    g = config.granularity
    if inst.market == "spot":
        spot = await client.spot.market.candles(symbol=inst.symbol, granularity=g, limit=config.limit)
        return [(inst.market, inst.symbol, g, c.ts, money(c.open), money(c.high), money(c.low),
                 money(c.close), money(c.base_volume), money(c.quote_volume), money(c.usdt_volume))
                for c in spot]
    mix = await client.mix.market.candles(
        symbol=inst.symbol, product_type=PRODUCT_TYPE[inst.market], granularity=GRANULARITY[g],
        limit=config.limit,
    )
    # Futures candles carry no USDT volume column: NULL, not a made-up number.
    return [(inst.market, inst.symbol, g, c.ts, money(c.open), money(c.high), money(c.low),
             money(c.close), money(c.base_volume), money(c.quote_volume), None)
            for c in mix]


async def fetch_fills(client: BitgetClient, inst: Instrument, config: CollectConfig) -> list[Row]:
    limit = min(config.limit, 100)  # recent-trades endpoints stop at 100
    if inst.market == "spot":
        spot = await client.spot.market.fills(symbol=inst.symbol, limit=limit)
        return [(inst.market, f.symbol, f.trade_id, f.side, money(f.price), money(f.size), f.ts) for f in spot]
    mix = await client.mix.market.fills(symbol=inst.symbol, product_type=PRODUCT_TYPE[inst.market], limit=limit)
    return [(inst.market, f.symbol, f.trade_id, f.side, money(f.price), money(f.size), f.ts) for f in mix]


# -- storage --------------------------------------------------------------------------------------
class Sink(Protocol):
    """Where rows go; written from one task only, closed once at the end."""

    def write(self, table: Table, rows: Sequence[Row]) -> None: ...

    def close(self) -> None: ...


class SqliteSink:
    """stdlib sqlite3; re-running the collector upserts, so a partial run can simply be repeated."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path)
        self.conn.executescript(
            """
            CREATE TABLE IF NOT EXISTS candles (
                market TEXT NOT NULL, symbol TEXT NOT NULL, granularity TEXT NOT NULL,
                ts INTEGER NOT NULL, open TEXT NOT NULL, high TEXT NOT NULL, low TEXT NOT NULL,
                close TEXT NOT NULL, base_volume TEXT NOT NULL, quote_volume TEXT NOT NULL,
                usdt_volume TEXT,
                PRIMARY KEY (market, symbol, granularity, ts));
            CREATE TABLE IF NOT EXISTS fills (
                market TEXT NOT NULL, symbol TEXT NOT NULL, trade_id TEXT NOT NULL,
                side TEXT NOT NULL, price TEXT NOT NULL, size TEXT NOT NULL, ts INTEGER NOT NULL,
                PRIMARY KEY (market, symbol, trade_id));
            """
        )

    def write(self, table: Table, rows: Sequence[Row]) -> None:
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
        import pyarrow  # type: ignore[import-not-found, import-untyped, unused-ignore]  # optional dependency
        import pyarrow.parquet  # type: ignore[import-not-found, import-untyped, unused-ignore]

        self._pa: Any = pyarrow
        self._pq: Any = pyarrow.parquet
        self.directory = directory
        self.tables: dict[str, list[Row]] = {"candles": [], "fills": []}

    def write(self, table: Table, rows: Sequence[Row]) -> None:
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
        return (f"[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} instruments "
                f"{elapsed:5.1f}s{failed}")


# -- collection -----------------------------------------------------------------------------------
@dataclasses.dataclass
class Summary:
    instruments: int = 0
    candles: int = 0
    fills: int = 0
    failed: dict[Instrument, str] = dataclasses.field(default_factory=dict)
    seconds: float = 0.0


async def _fetch_one(
    client: BitgetClient,
    inst: Instrument,
    config: CollectConfig,
    out: ObjectSendStream[tuple[Table, list[Row]]],
    progress: Progress,
    summary: Summary,
) -> None:
    async with out:
        try:
            await out.send(("candles", await fetch_candles(client, inst, config)))
            if config.fills:
                await out.send(("fills", await fetch_fills(client, inst, config)))
        except BitgetError as exc:
            # One bad symbol (delisted mid-run, a 5xx after retries) must not sink the others.
            summary.failed[inst] = f"{type(exc).__name__}: {exc}"
            progress.advance(ok=False)
            return
        progress.advance()


async def collect(
    client: BitgetClient,
    instruments: Sequence[Instrument],
    config: CollectConfig,
    sink: Sink,
    progress_stream: TextIO = sys.stderr,
) -> Summary:
    """Fetch every instrument concurrently and hand rows to ``sink`` from a single writer."""
    summary = Summary(instruments=len(instruments))
    progress = Progress(len(instruments), progress_stream)
    started = time.monotonic()
    send, receive = anyio.create_memory_object_stream[tuple[Table, list[Row]]](max_buffer_size=64)
    async with anyio.create_task_group() as tg:
        for inst in instruments:
            tg.start_soon(_fetch_one, client, inst, config, send.clone(), progress, summary)
        send.close()  # the loop below ends once every fetcher has closed its clone
        async with receive:
            async for table, rows in receive:
                # One symbol's rows are a sub-millisecond sqlite transaction: writing inline keeps
                # the connection on the thread that opened it, which sqlite3 insists on.
                sink.write(table, rows)
                if table == "candles":
                    summary.candles += len(rows)
                else:
                    summary.fills += len(rows)
    summary.seconds = time.monotonic() - started
    return summary


async def list_instruments(client: BitgetClient, markets: Sequence[Market], count: int = 0) -> list[Instrument]:
    """Tradable instruments of ``markets`` in the exchange's order; ``count=0`` keeps all."""
    found: list[Instrument] = []
    for market in markets:
        if market == "spot":
            found += [Instrument(market, s.symbol) for s in await client.spot.public.symbols()
                      if s.symbol and s.status == "online"]
        else:
            contracts = await client.mix.market.contracts(product_type=PRODUCT_TYPE[market])
            found += [Instrument(market, c.symbol) for c in contracts if c.symbol and c.symbol_status == "normal"]
    return found[:count] if count else found


async def run(client: BitgetClient, config: CollectConfig, progress_stream: TextIO = sys.stderr) -> Summary:
    instruments = await list_instruments(client, config.markets, config.symbols)
    sink = open_sink(config.format, config.out)
    try:
        return await collect(client, instruments, config, sink, progress_stream)
    finally:
        sink.close()


def parse_args(argv: Sequence[str] | None = None) -> tuple[CollectConfig, RateLimits, str]:
    p = argparse.ArgumentParser(description="Collect candles (and trades) for many spot and futures symbols.")
    p.add_argument("--markets", default="spot",
                   help=f"comma-separated, from {', '.join(MARKETS)} (default: spot)")
    p.add_argument("--symbols", type=int, default=0, help="at most N instruments (0: all listed)")
    p.add_argument("--granularity", choices=tuple(GRANULARITY), default="1min")
    p.add_argument("--limit", type=int, default=100, help="candles per symbol (max 1000); trades max 100")
    p.add_argument("--fills", action="store_true", help="also collect recent trades")
    p.add_argument("--format", choices=("sqlite", "parquet"), default="sqlite")
    p.add_argument("--out", type=Path, default=None,
                   help="SQLite file or Parquet directory (default market.sqlite / market_parquet)")
    p.add_argument("--rate-scale", type=float, default=0.9,
                   help="fraction of Bitget's published limits to use (default 0.9: headroom for jitter)")
    p.add_argument("--backend", choices=("asyncio", "trio"), default="asyncio")
    a = p.parse_args(argv)
    markets = tuple(m.strip() for m in a.markets.split(",") if m.strip())
    unknown = [m for m in markets if m not in MARKETS]
    if unknown or not markets:
        p.error(f"--markets: unknown {', '.join(unknown) or '(empty)'}; choose from {', '.join(MARKETS)}")
    out = a.out or Path("market.sqlite" if a.format == "sqlite" else "market_parquet")
    if not 0 < a.rate_scale <= 1:
        p.error("--rate-scale must be in (0, 1]")
    config = CollectConfig(
        markets=cast("tuple[Market, ...]", markets), symbols=a.symbols, granularity=a.granularity,
        limit=a.limit, fills=a.fills, out=out, format=a.format,
    )
    return config, RateLimits(scale=a.rate_scale), a.backend


def main(argv: Sequence[str] | None = None) -> int:
    config, rate_limits, backend = parse_args(argv)

    async def go() -> tuple[Summary, int]:
        # The limiter spaces *send* times; arrival at the exchange jitters with the network (and
        # with this machine's load), so a bulk job running at exactly 100 % collects some 429s.
        async with BitgetClient.from_env(rate_limits=rate_limits) as client:
            summary = await run(client, config)
            waits = sum(r["rate_waits"] for r in client.stats()["routes"].values())
            return summary, waits

    summary, waits = anyio.run(go, backend=backend)
    print(f"{summary.instruments} instruments, {summary.candles} candles, {summary.fills} trades "
          f"in {summary.seconds:.1f}s ({waits} rate-limit waits) -> {config.out}")
    for inst, reason in sorted(summary.failed.items(), key=lambda kv: (kv[0].market, kv[0].symbol)):
        print(f"  failed {inst.market} {inst.symbol}: {reason}", file=sys.stderr)
    return 1 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main())
