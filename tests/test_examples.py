"""The examples in ``examples/`` run end to end against the simulator.

Two ways each: in-process (``sim.client()`` injected, exact checks on state) and as the user runs
them (a subprocess with ``BITGET_*`` from the environment, talking HTTP to ``python -m bitget_async
sim`` on loopback).  The bot test sends a real SIGINT and checks through the API that the bot left
no order open.
"""

from __future__ import annotations

import asyncio
import collections
import importlib.util
import io
import logging
import os
import queue
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import anyio
import httpx
import pytest
import trio

from bitget_async import BitgetClient
from bitget_async.testing import Simulator

with warnings.catch_warnings():
    # Starlette's notice that its TestClient will move to "httpx2": not ours to act on.
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def load_example(name: str) -> ModuleType:
    """Import ``examples/<name>.py`` under a private module name (the folder is no package)."""
    mod_name = f"_example_{name}"
    if mod_name in sys.modules:
        return sys.modules[mod_name]
    spec = importlib.util.spec_from_file_location(mod_name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[mod_name] = module  # dataclasses and pydantic resolve annotations through it
    spec.loader.exec_module(module)
    return module


bot = load_example("bot")
collector = load_example("collector")
fastapi_app = load_example("fastapi_app")
trio_example = load_example("trio_example")


# -- subprocess plumbing ---------------------------------------------------------------------------
class Lines:
    """Lines of a child's pipe, readable with a timeout (a thread drains the pipe)."""

    def __init__(self, stream: IO[str]) -> None:
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.stream = stream
        self.thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        """After the child exited: let the pump reach end of file, then close the pipe."""
        self.thread.join(10)
        self.stream.close()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self.queue.put(line.rstrip("\n"))
        self.queue.put(None)

    def wait_for(self, pattern: str, timeout: float = 20.0) -> str:
        regex = re.compile(pattern)
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no line matching {pattern!r} within {timeout}s; saw {self.seen[-20:]}")
            try:
                line = self.queue.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"stream ended before {pattern!r}; saw {self.seen[-20:]}")
            self.seen.append(line)
            if regex.search(line):
                return line

    def rest(self, timeout: float = 10.0) -> list[str]:
        """Everything until the stream closes."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.queue.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                continue
            if line is None:
                return self.seen
            self.seen.append(line)
        return self.seen


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BITGET_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


class ServedSim:
    """``python -m bitget_async sim --port 0`` as a child process, with the env it printed."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bitget_async", "sim", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=child_env(), cwd=ROOT,
        )
        assert self.proc.stdout is not None
        self.lines = Lines(self.proc.stdout)
        self.env: dict[str, str] = {}
        for key in ("BITGET_BASE_URL", "BITGET_API_KEY", "BITGET_API_SECRET", "BITGET_PASSPHRASE"):
            line = self.lines.wait_for(f"^{key}=")
            self.env[key] = line.split("=", 1)[1]
        assert self.env["BITGET_BASE_URL"].startswith("http://127.0.0.1:")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.lines.close()

    def api(self, fn: Any) -> Any:
        """Run ``await fn(client)`` with a client built from this server's env."""

        async def go() -> Any:
            async with BitgetClient.from_env(self.env) as client:
                return await fn(client)

        return anyio.run(go)


@pytest.fixture(scope="module")
def served() -> Iterator[ServedSim]:
    sim = ServedSim()
    yield sim
    sim.close()


def run_example(name: str, args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py"), *args],
        capture_output=True, text=True, env=child_env(env), cwd=ROOT, timeout=timeout,
    )


# -- bot.py ----------------------------------------------------------------------------------------
BTC = "BTCUSDT"


async def open_orders(client: BitgetClient, symbol: str = BTC) -> list[tuple[str, str, Decimal]]:
    rows = await client.spot.trade.unfilled_orders(symbol=symbol)
    return sorted((o.client_oid, o.side, o.price_avg) for o in rows)


@pytest.mark.anyio
async def test_bot_quotes_amends_and_cancels(bitget_simulator: Simulator, bitget_sim: BitgetClient) -> None:
    mm = bot.MarketMaker(bitget_sim, bot.BotConfig(symbol=BTC, size=Decimal("0.001"), offset_bps=Decimal("50")))
    await mm.load_symbol()
    await mm.step()
    tag = mm.run_tag
    # Book at market time 0: bid 64999.99, ask 65000.01; 50 bps behind, rounded away from the touch.
    assert await open_orders(bitget_sim) == [
        (f"{tag}b1", "buy", Decimal("64674.99")),
        (f"{tag}s2", "sell", Decimal("65325.02")),
    ]
    bitget_simulator.advance(60)
    await mm.step()
    # Both quotes moved with the price via cancel-replace, each under a new explicit clientOid.
    assert await open_orders(bitget_sim) == [
        (f"{tag}b3", "buy", Decimal("64745.61")),
        (f"{tag}s4", "sell", Decimal("65396.35")),
    ]
    assert (mm.placed, mm.amended) == (2, 2)
    history = await bitget_sim.spot.trade.history_orders(symbol=BTC)
    assert sorted((o.client_oid, o.status) for o in history) == [
        (f"{tag}b1", "cancelled"), (f"{tag}s2", "cancelled"),
    ]
    assert await mm.shutdown() == 2
    assert await open_orders(bitget_sim) == []


@pytest.mark.anyio
async def test_bot_forgets_a_filled_quote_and_requotes(bitget_simulator: Simulator, bitget_sim: BitgetClient) -> None:
    mm = bot.MarketMaker(bitget_sim, bot.BotConfig(symbol=BTC, offset_bps=Decimal("50")))
    await mm.load_symbol()
    await mm.step()
    bitget_simulator.set_price(BTC, "64000")  # crosses our bid: it fills
    await mm.step()
    orders = await open_orders(bitget_sim)
    # b1 filled, so a fresh buy b3 was placed at the new level; the sell was amended (s2 -> s4).
    assert [oid.removeprefix(mm.run_tag) for oid, _, _ in orders] == ["b3", "s4"]
    # 1 BTC + 0.001 bought - 0.1 % fee (in BTC) - 0.001 frozen by the resting sell.
    assert bitget_simulator.balance("BTC") == Decimal("0.999999")
    assert await mm.shutdown() == 2


@pytest.mark.anyio
async def test_bot_skips_the_side_it_cannot_fund(bitget_simulator: Simulator, caplog: pytest.LogCaptureFixture) -> None:
    bitget_simulator.add_account(api_key="usdt-only", api_secret="s", passphrase="p", balances={"USDT": "1000"})
    async with bitget_simulator.client(api_key="usdt-only", api_secret="s", passphrase="p") as client:
        mm = bot.MarketMaker(client, bot.BotConfig(symbol=BTC))
        await mm.load_symbol()
        with caplog.at_level(logging.INFO, logger="bot"):
            await mm.step()
        assert [(oid.removeprefix(mm.run_tag), side) for oid, side, _ in await open_orders(client)] == [("b1", "buy")]
        assert "sell BTCUSDT skipped: insufficient balance (code 43012)" in caplog.messages
        assert await mm.shutdown() == 1


@pytest.mark.anyio
async def test_bot_reconciles_an_order_of_unknown_fate(bitget_simulator: Simulator, bitget_sim: BitgetClient) -> None:
    mm = bot.MarketMaker(bitget_sim, bot.BotConfig(symbol=BTC))
    await mm.load_symbol()
    # The placement executes but its answer is lost, and so are all three clientOid lookups.
    bitget_simulator.faults.drop_after_execute = 4
    await mm.quote_side("buy", Decimal("60000.00"))
    assert mm.unknown == {f"{mm.run_tag}b1"} and mm.quotes == {}
    bitget_simulator.faults.reset()
    await mm.step()  # finds b1 live, cancels it, quotes afresh
    orders = await open_orders(bitget_sim)
    assert [oid.removeprefix(mm.run_tag) for oid, _, _ in orders] == ["b2", "s3"]
    info = await bitget_sim.spot.trade.order_info(client_oid=f"{mm.run_tag}b1")
    assert info[0].status == "cancelled" and mm.unknown == set()
    assert await mm.shutdown() == 2


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])  # run() is the asyncio entry point
async def test_bot_run_exit_codes(bitget_simulator: Simulator) -> None:
    async with bitget_simulator.client() as client:
        config = bot.BotConfig(symbol=BTC, iterations=2, interval=0)
        assert await bot.run(client, config, stop=asyncio.Event()) == 0
        assert await open_orders(client) == []
        # Below Bitget's 1 USDT minimum: MinimumAmountError is fatal (2), and nothing stays open.
        tiny = bot.BotConfig(symbol=BTC, size=Decimal("0.00001"), iterations=2, interval=0)
        assert await bot.run(client, tiny, stop=asyncio.Event()) == 2
        assert await open_orders(client) == []
        assert await bot.run(client, bot.BotConfig(symbol="NOPEUSDT"), stop=asyncio.Event()) == 2
    wrong = BitgetClient(bitget_simulator.api_key, "wrong-secret", bitget_simulator.passphrase,
                         transport=bitget_simulator.transport(), clock=bitget_simulator.now_ms)
    async with wrong:
        stop = asyncio.Event()
        assert await bot.run(wrong, bot.BotConfig(symbol=BTC, interval=0), stop=stop) == 2


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_bot_subprocess_sigint_cancels_its_orders() -> None:
    server = ServedSim()
    proc = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "bot.py"), "--symbol", BTC, "--interval", "0.2"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=child_env(server.env), cwd=ROOT,
    )
    assert proc.stdout is not None
    lines = Lines(proc.stdout)
    try:
        lines.wait_for(r"placed buy 0\.001000 BTCUSDT @ 64674\.99 clientOid=bot\w+b1$")
        lines.wait_for(r"placed sell 0\.001000 BTCUSDT @ 65325\.02 clientOid=bot\w+s2$")
        assert len(server.api(open_orders)) == 2  # the orders really are on the exchange
        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 0
        tail = lines.rest()
        assert any(line.endswith("stopped: placed 2, amended 0, cancelled 2") for line in tail), tail
        assert not any("Traceback" in line for line in tail), tail
        assert server.api(lambda c: c.spot.trade.unfilled_orders()) == []
        history = server.api(lambda c: c.spot.trade.history_orders(symbol=BTC))
        assert sorted((o.side, o.status) for o in history) == [("buy", "cancelled"), ("sell", "cancelled")]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        lines.close()
        server.close()


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


# -- fastapi_app.py --------------------------------------------------------------------------------
def order_body(**overrides: Any) -> dict[str, Any]:
    return {"symbol": BTC, "side": "buy", "size": "0.01", "price": "60000", **overrides}


def test_fastapi_proxies_tickers_and_orders() -> None:
    sim = Simulator(seed=0, clock=lambda: 1_700_000_000_000)  # fixed clock: 24 h stats are exact
    clients: list[BitgetClient] = []

    def factory() -> BitgetClient:
        clients.append(sim.client())
        return clients[-1]

    with TestClient(fastapi_app.create_app(factory)) as http:
        r = http.get("/tickers/BTCUSDT")
        assert r.status_code == 200

        async def ticker() -> Any:
            async with sim.client() as client:
                return (await client.spot.market.tickers(symbol=BTC))[0]

        direct = anyio.run(ticker)
        assert r.json() == {
            "symbol": "BTCUSDT", "last": "65000.00", "bid": "64999.99", "ask": "65000.01",
            "high24h": format(direct.high24h, "f"), "low24h": format(direct.low24h, "f"),
            "base_volume": format(direct.base_volume, "f"), "ts": 1_700_000_000_000,
        }
        everything = http.get("/tickers").json()
        assert len(everything) == 61 and everything[0]["symbol"] == "BTCUSDT"

        r = http.post("/orders", json=order_body(client_oid="api-1"))
        assert r.status_code == 201
        order_id = r.json()["order_id"]
        assert r.json() == {"order_id": order_id, "client_oid": "api-1"}
        # The same clientOid again is answered with the same order, not a second one.
        again = http.post("/orders", json=order_body(client_oid="api-1"))
        assert (again.status_code, again.json()) == (201, {"order_id": order_id, "client_oid": "api-1"})
        assert http.get("/orders/open", params={"symbol": BTC}).json() == [{
            "order_id": order_id, "client_oid": "api-1", "symbol": BTC, "side": "buy",
            "price": "60000", "size": "0.01", "status": "live",
        }]
        r = http.delete("/orders/BTCUSDT/api-1")
        assert (r.status_code, r.json()) == (200, {"order_id": order_id, "client_oid": "api-1"})
        assert http.get("/orders/open", params={"symbol": BTC}).json() == []
        assert len(clients) == 1 and not clients[0].closed  # one client for every request
    assert clients[0].closed  # closed by the lifespan


def test_fastapi_maps_bitget_errors_to_http(bitget_simulator: Simulator) -> None:
    with TestClient(fastapi_app.create_app(bitget_simulator.client)) as http:
        r = http.post("/orders", json=order_body(size="100"))
        assert r.status_code == 409
        assert {k: r.json()[k] for k in ("error", "code", "message")} == {
            "error": "InsufficientBalanceError", "code": "43012", "message": "Insufficient balance"}

        r = http.post("/orders", json=order_body(size="abc"))
        assert (r.status_code, r.json()["error"], r.json()["param"]) == (422, "ValidationError", "size")
        r = http.post("/orders", json=order_body(size=0.01))  # a JSON number never reaches the client
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "size"]
        r = http.post("/orders", json=order_body(size="0.00001"))
        assert (r.status_code, r.json()["error"], r.json()["code"]) == (422, "MinimumAmountError", "45110")
        r = http.post("/orders", json=order_body(price="60000.123"))
        assert (r.status_code, r.json()["error"], r.json()["code"]) == (400, "InvalidParameterError", "40808")
        r = http.get("/tickers/NOPEUSDT")
        assert (r.status_code, r.json()["code"]) == (400, "40034")

        r = http.delete("/orders/BTCUSDT/never-placed")
        assert (r.status_code, r.json()["error"], r.json()["code"], r.json()["client_oid"]) == (
            404, "OrderNotFoundError", "43001", "never-placed")

        bitget_simulator.faults.burst_429 = 3  # outlasts the client's three attempts
        r = http.get("/tickers/BTCUSDT")
        assert (r.status_code, r.json()["error"], r.json()["code"]) == (429, "RateLimitError", "429")
        assert r.headers["retry-after"] == "1"

    wrong = lambda: BitgetClient(  # noqa: E731
        bitget_simulator.api_key, "wrong-secret", bitget_simulator.passphrase,
        transport=bitget_simulator.transport(), clock=bitget_simulator.now_ms,
    )
    with TestClient(fastapi_app.create_app(wrong)) as http:
        r = http.post("/orders", json=order_body())
        assert r.status_code == 502
        assert {k: r.json()[k] for k in ("error", "code", "message")} == {
            "error": "AuthenticationError", "code": "40009",
            "message": "the exchange refused this server's credentials"}
        assert "wrong-secret" not in r.text and bitget_simulator.passphrase not in r.text

    public = lambda: BitgetClient(transport=bitget_simulator.transport())  # noqa: E731
    with TestClient(fastapi_app.create_app(public)) as http:
        assert http.get("/tickers/ETHUSDT").status_code == 200
        r = http.post("/orders", json=order_body())
        assert (r.status_code, r.json()["error"]) == (503, "MissingCredentialsError")


def test_fastapi_error_table_puts_subclasses_first() -> None:
    table = [cls for cls, _ in fastapi_app.ERROR_STATUS]
    for i, cls in enumerate(table):
        assert not any(issubclass(later, cls) for later in table[i + 1:]), cls


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_fastapi_subprocess_reads_env(served: ServedSim) -> None:
    proc = subprocess.Popen(
        [sys.executable, str(EXAMPLES / "fastapi_app.py"), "--port", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=child_env(served.env), cwd=ROOT,
    )
    assert proc.stderr is not None
    lines = Lines(proc.stderr)
    try:
        line = lines.wait_for(r"Uvicorn running on http://127\.0\.0\.1:\d+")
        url = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert url is not None
        with httpx.Client(base_url=url.group(0), trust_env=False, timeout=10) as http:
            assert http.get("/tickers/SOLUSDT").json()["last"] == "150.000"
            r = http.post("/orders", json=order_body(symbol="SOLUSDT", size="1", price="100", client_oid="sub-1"))
            assert r.status_code == 201 and r.json()["client_oid"] == "sub-1"
            assert http.delete("/orders/SOLUSDT/sub-1").status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(20)
        lines.close()
    assert code == 0


# -- trio_example.py -------------------------------------------------------------------------------
def test_trio_example_in_process(bitget_simulator: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    async def go() -> Any:
        async with bitget_simulator.client() as client:
            return await trio_example.run(client, 3, "ETHUSDT", Decimal("0.01"))

    assert trio.run(go) == 0
    out = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"server clock offset: -?\d+ ms", out[0])
    assert [line.split()[0] for line in out[1:4]] == ["BTCUSDT", "ETHUSDT", "SOLUSDT"]
    assert out[2] == f"{'ETHUSDT':<14} last {'3400.00':>16}  bid {'3399.99':>16}  ask {'3400.01':>16}"
    placed = re.fullmatch(r"placed  (\d+) clientOid=(trio-[0-9a-f]{12}) buy 0\.01 ETHUSDT @ 3229\.99", out[4])
    assert placed is not None, out[4]
    assert out[5] == f"cancelled clientOid={placed.group(2)}"

    async def check() -> list[str]:
        async with bitget_simulator.client() as client:
            assert await client.spot.trade.unfilled_orders() == []
            return [o.status for o in await client.spot.trade.history_orders(symbol="ETHUSDT")]

    assert trio.run(check) == ["cancelled"]


def test_trio_example_subprocess(served: ServedSim) -> None:
    result = run_example("trio_example", ["--symbols", "2", "--order", "--symbol", "SOLUSDT", "--size", "1"], served.env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[1:3]] == ["BTCUSDT", "ETHUSDT"]
    assert re.fullmatch(r"placed  \d+ clientOid=trio-[0-9a-f]{12} buy 1 SOLUSDT @ 142\.499", lines[3])
    assert lines[4].startswith("cancelled clientOid=trio-")
    assert served.api(lambda c: c.spot.trade.unfilled_orders(symbol="SOLUSDT")) == []
