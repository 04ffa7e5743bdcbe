"""examples/collector.py end to end: in process against the simulator (exact rows in SQLite) and as a subprocess against the served simulator."""

from __future__ import annotations

import collections
import io
import re
import sqlite3
from pathlib import Path
from typing import Any

import anyio
import pytest
from examples_helpers import ServedSim, collector, run_example

from bitget_async import BitgetClient
from bitget_async.testing import Simulator


# -- collector.py ----------------------------------------------------------------------------------
@pytest.mark.anyio
async def test_collector_127_instruments_into_sqlite(tmp_path: Path) -> None:
    """Every spot pair and perpetual of the simulator (61 + 61 + 5) in one task group, paced by
    the client's limiter alone (at the collector's default 90 % of the published 20/s)."""
    sim = Simulator(seed=0, clock=lambda: 1_700_000_000_000)  # a fixed clock: candles are exact
    out = tmp_path / "market.sqlite"
    progress = io.StringIO()
    _, rate_limits, _ = collector.parse_args([])
    async with sim.client(rate_limits=rate_limits) as client:
        config = collector.CollectConfig(markets=collector.MARKETS, limit=5, out=out)
        summary = await collector.run(client, config, progress)
        stats = client.stats()["routes"]
        traffic = sim.requests
        direct = await client.spot.market.candles(symbol="PEPEUSDT", granularity="1min", limit=5)
    assert (summary.instruments, summary.candles, summary.fills, summary.failed) == (127, 635, 0, {})
    spot, mix = stats["spot.market.candles"], stats["mix.market.candles"]
    assert spot["rate_waits"] > 0 and mix["rate_waits"] > 0  # the limiter did the pacing
    # One request per instrument; a 429 (possible only when this machine stalls for ~100 ms)
    # would show up as a retry, never as a lost symbol.
    assert (spot["requests"] - spot["retries"], mix["requests"] - mix["retries"]) == (61, 66)
    assert (spot["retries"], mix["retries"]) == (spot["http_429"], mix["http_429"])
    seen = collections.Counter(r.status for r in traffic if r.path.endswith("/market/candles"))
    # Unary + drops a zero count, so with no 429 the expectation is exactly {200: 127}.
    assert seen == +collections.Counter({200: 127, 429: spot["http_429"] + mix["http_429"]})
    assert progress.getvalue().splitlines()[-1].startswith(f"[{'#' * 30}] 127/127 instruments ")

    conn = sqlite3.connect(out)
    try:
        by_market = conn.execute("SELECT market, count(*), count(DISTINCT symbol) FROM candles GROUP BY market ORDER BY market").fetchall()
        assert by_market == [("spot", 305, 61), ("usdc-futures", 25, 5), ("usdt-futures", 305, 61)]
        rows = conn.execute(
            "SELECT ts, open, high, low, close, base_volume, quote_volume, usdt_volume, typeof(close) FROM candles "
            "WHERE market = 'spot' AND symbol = 'PEPEUSDT' ORDER BY ts"
        ).fetchall()
        # TEXT, digit for digit what the exchange sent: ten decimals survive, no float, no 1E-6.
        assert rows == [
            (c.ts, format(c.open, "f"), format(c.high, "f"), format(c.low, "f"), format(c.close, "f"),
             format(c.base_volume, "f"), format(c.quote_volume, "f"), format(c.usdt_volume, "f"), "text")
            for c in direct
        ]
        assert rows[-1][4] == "0.0000090000"
        assert conn.execute("SELECT count(*) FROM candles WHERE market != 'spot' AND usdt_volume IS NOT NULL").fetchone() == (0,)
    finally:
        conn.close()


@pytest.mark.anyio
async def test_collector_fills_and_a_failing_symbol(bitget_sim: BitgetClient, tmp_path: Path) -> None:
    instruments = [collector.Instrument("spot", s) for s in ("BTCUSDT", "NOPEUSDT", "ETHUSDT")]
    instruments.append(collector.Instrument("usdt-futures", "SOLUSDT"))
    sink = collector.SqliteSink(tmp_path / "m.sqlite")
    progress = io.StringIO()
    config = collector.CollectConfig(limit=3, fills=True)
    try:
        summary = await collector.collect(bitget_sim, instruments, config, sink, progress)
        fills = sink.conn.execute("SELECT market, symbol, count(*) FROM fills GROUP BY market, symbol ORDER BY 1, 2").fetchall()
    finally:
        sink.close()
    # One unknown symbol fails alone (Bitget 40034); the other three complete.
    assert list(summary.failed) == [collector.Instrument("spot", "NOPEUSDT")]
    assert summary.failed[collector.Instrument("spot", "NOPEUSDT")].startswith("InvalidParameterError: [40034]")
    assert (summary.candles, summary.fills) == (9, 9)
    assert fills == [("spot", "BTCUSDT", 3), ("spot", "ETHUSDT", 3), ("usdt-futures", "SOLUSDT", 3)]
    assert progress.getvalue().splitlines()[-1].endswith(", 1 failed")


def test_progress_bar_plain_lines_and_tty_redraw() -> None:
    plain = io.StringIO()
    bar = collector.Progress(20, plain, width=10)
    for i in range(20):
        bar.advance(ok=i != 7)
    lines = plain.getvalue().splitlines()
    # Not a terminal: one line per tenth (plus the first), never a carriage return.
    assert [line.split("] ")[1].split(" instruments")[0] for line in lines] == [
        "1/20", "2/20", "4/20", "6/20", "8/20", "10/20", "12/20", "14/20", "16/20", "18/20", "20/20",
    ]
    assert "\r" not in plain.getvalue()
    assert re.fullmatch(r"\[#{10}\] 20/20 instruments +\d+\.\ds, 1 failed", lines[-1])

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    bar = collector.Progress(3, tty, width=3)
    for _ in range(3):
        bar.advance()
    frames = tty.getvalue().split("\r")[1:]
    assert [f.split(" ")[0] for f in frames] == ["[#..]", "[##.]", "[###]"]
    assert tty.getvalue().endswith("\n") and tty.getvalue().count("\n") == 1


def test_collector_parquet(bitget_simulator: Simulator, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")

    async def go() -> Any:
        async with bitget_simulator.client() as client:
            config = collector.CollectConfig(symbols=4, limit=2, fills=True, format="parquet", out=tmp_path / "pq")
            return await collector.run(client, config, io.StringIO())

    summary = anyio.run(go)
    assert (summary.instruments, summary.candles, summary.fills) == (4, 8, 8)
    candles = pq.read_table(tmp_path / "pq" / "candles.parquet").to_pylist()
    assert len(candles) == 8 and candles[0]["symbol"] == "BTCUSDT" and isinstance(candles[0]["close"], str)
    assert len(pq.read_table(tmp_path / "pq" / "fills.parquet").to_pylist()) == 8


def test_collector_subprocess(served: ServedSim, tmp_path: Path) -> None:
    out = tmp_path / "cli.sqlite"
    result = run_example("collector", ["--symbols", "12", "--limit", "3", "--fills", "--out", str(out)], served.env)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(
        rf"12 instruments, 36 candles, 36 trades in \d+\.\ds \(\d+ rate-limit waits\) -> {re.escape(str(out))}\n",
        result.stdout,
    )
    assert result.stderr.splitlines()[-1].startswith(f"[{'#' * 30}] 12/12 instruments ")
    conn = sqlite3.connect(out)
    try:
        assert conn.execute("SELECT count(*), count(DISTINCT symbol) FROM candles").fetchone() == (36, 12)
        assert conn.execute("SELECT count(*) FROM fills").fetchone() == (36,)
    finally:
        conn.close()
    bad = run_example("collector", ["--markets", "spot,options"], served.env)
    assert bad.returncode == 2 and "--markets: unknown options" in bad.stderr
