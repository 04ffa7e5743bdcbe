"""The benchmark's fake server must verify signatures exactly, or every benchmark number is suspect.

Imports ``benchmarks/fake_server.py`` by path (it is not part of the package; its sibling modules
are found through ``benchmarks/`` put on ``sys.path`` for the import) and drives its request
handler directly: no subprocesses.  Signatures here are computed with the package's public
``signing`` functions, independently of the server's own HMAC code.  The harness's own claims
(same pools, Bitget's page sizes, every target row present) are pinned at the end.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from helpers import load_module

from bitget_async import find_route
from bitget_async.signing import hmac_sign, prehash

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"

NOW_MS = 1_700_000_000_000
PLACE_ORDER = "/api/v2/spot/trade/place-order"
BODY = b'{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"gtc","price":"1","size":"1"}'


@pytest.fixture(scope="module")
def fake() -> Iterator[ModuleType]:
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(BENCH))  # fake_server imports fake_http and fake_payloads beside it
        yield load_module(BENCH / "fake_server.py", "bench_fake_server")


def signed_request(fake: ModuleType, method: str, target: str, body: bytes, **overrides: str) -> Any:
    path, _, query = target.partition("?")
    headers = {
        "access-key": fake.API_KEY,
        "access-passphrase": fake.PASSPHRASE,
        "access-timestamp": str(NOW_MS),
        "access-sign": hmac_sign(fake.API_SECRET, prehash(str(NOW_MS), method, path, query, body.decode())),
        "content-type": "application/json",
    }
    headers.update(overrides)
    return fake.Request(method, target, headers, body)


def status_and_json(raw: bytes) -> tuple[int, dict[str, Any]]:
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), json.loads(body)


def test_correct_signature_is_accepted(fake: ModuleType) -> None:
    app = fake.FakeBitget(clock_ms=lambda: NOW_MS)
    status, doc = status_and_json(app.respond(signed_request(fake, "POST", PLACE_ORDER, BODY)))
    assert (status, doc["code"], doc["data"]["orderId"]) == (200, "00000", "1234567890123456789")
    assert (app.counters.signed_ok, app.counters.signed_bad) == (1, 0)


def test_signed_get_covers_the_query(fake: ModuleType) -> None:
    app = fake.FakeBitget(clock_ms=lambda: NOW_MS)
    target = "/api/v2/spot/trade/history-orders?symbol=BTCUSDT&limit=5"
    good = signed_request(fake, "GET", target, b"")
    assert status_and_json(app.respond(good))[0] == 200
    # Same signature, different query bytes on the wire: the classic 40009.
    moved = fake.Request("GET", target.replace("limit=5", "limit=6"), good.headers, b"")
    status, doc = status_and_json(app.respond(moved))
    assert (status, doc["code"]) == (400, "40009")
    assert (app.counters.signed_ok, app.counters.signed_bad) == (1, 1)
    assert app.bad_paths == {"/api/v2/spot/trade/history-orders": 1}


@pytest.mark.parametrize(
    "overrides",
    [
        {"access-sign": "AAAA" + "A" * 40},
        {"access-passphrase": "wrong"},
        {"access-key": "someone-else"},
        {"access-timestamp": str(NOW_MS - 31_000)},
        {"access-timestamp": "not-a-number"},
    ],
    ids=["bad-sign", "bad-passphrase", "bad-key", "stale-timestamp", "junk-timestamp"],
)
def test_wrong_signature_is_rejected(fake: ModuleType, overrides: dict[str, str]) -> None:
    app = fake.FakeBitget(clock_ms=lambda: NOW_MS)
    status, doc = status_and_json(app.respond(signed_request(fake, "POST", PLACE_ORDER, BODY, **overrides)))
    assert (status, doc["code"], doc["msg"]) == (400, "40009", "sign signature error")
    assert (app.counters.signed_ok, app.counters.signed_bad) == (0, 1)


def test_tampered_body_is_rejected(fake: ModuleType) -> None:
    app = fake.FakeBitget(clock_ms=lambda: NOW_MS)
    req = signed_request(fake, "POST", PLACE_ORDER, BODY)
    tampered = fake.Request("POST", PLACE_ORDER, req.headers, BODY.replace(b'"size":"1"', b'"size":"9"'))
    assert status_and_json(app.respond(tampered))[0] == 400
    assert app.counters.signed_bad == 1


def test_unsigned_private_request_is_rejected_public_is_not(fake: ModuleType) -> None:
    app = fake.FakeBitget(clock_ms=lambda: NOW_MS)
    assert status_and_json(app.respond(fake.Request("POST", PLACE_ORDER, {}, BODY)))[0] == 400
    status, doc = status_and_json(app.respond(fake.Request("GET", fake.TICKERS + "?symbol=BTCUSDT", {}, b"")))
    assert (status, [t["symbol"] for t in doc["data"]]) == (200, ["BTCUSDT"])
    assert (app.counters.requests, app.counters.signed_ok, app.counters.signed_bad) == (2, 0, 1)


def test_parser_handles_pipelining_and_chunked_bodies(fake: ModuleType) -> None:
    parser = fake.HttpParser()
    wire = (
        b"GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n"
        b"POST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
        b"POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"
    )
    # Fed in awkward pieces: a request split mid-head and mid-chunk must wait for the rest.
    got = []
    for i in range(0, len(wire), 7):
        got += parser.feed(wire[i : i + 7])
    assert [(r.method, r.target, r.body) for r in got] == [("GET", "/a?x=1", b""), ("POST", "/b", b"hello"), ("POST", "/c", b"abcde")]
    assert got[0].headers == {"host": "h"}


def test_payloads_decode_with_the_package_models(fake: ModuleType) -> None:
    body = fake.tickers_body(1000)
    assert len(body) == 376_757  # 1,000 fixed ticker rows: the payload size the benchmark quotes
    tickers = find_route("GET", fake.TICKERS).decode(body)
    assert len(tickers) == 1000 and tickers[0].symbol == "BTCUSDT" and tickers[1].symbol == "C0001USDT"
    candles = find_route("GET", fake.CANDLES).decode(fake.candles_body(100))
    assert len(candles) == 100 and candles[0].ts == NOW_MS - 100 * 60_000


# -- the harness tells the truth (issue 15 item 5) ------------------------------------------------


@pytest.fixture(scope="module")
def harness(fake: ModuleType) -> Iterator[dict[str, ModuleType]]:
    """The harness modules (``clients``, ``catalog``, ``verdict``, ``report``), imported from benchmarks/."""
    import importlib

    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(BENCH))
        yield {name: importlib.import_module(name) for name in ("clients", "catalog", "verdict", "report")}


def test_raw_baselines_hold_bitget_async_default_pool(harness: dict[str, ModuleType]) -> None:
    from bitget_async import Limits

    clients = harness["clients"]
    assert clients.POOL == Limits().max_connections == 8
    assert clients.BIG_POOL == 128
    assert clients.make_adapter("aiohttp", "http://x")._pool == clients.POOL
    assert clients.make_adapter("httpx", "http://x")._pool == clients.POOL
    assert clients.make_adapter("httpx_trio", "http://x")._pool == clients.POOL
    assert clients.make_adapter("httpx_pool128", "http://x")._pool == clients.BIG_POOL
    assert clients.make_adapter("bitget_async_pool128", "http://x")._pool == clients.BIG_POOL
    # Every bitget_async row's "vs raw httpx" column names the raw row with its own pool and loop.
    assert harness["catalog"].HTTPX_BASELINE == {
        "bitget_async_trio": "httpx_trio",
        "bitget_async_pool128": "httpx_pool128",
        "bitget_async_httpx_pool128": "httpx_pool128",
    }


def test_large_and_candle_workloads_use_bitget_page_sizes(fake: ModuleType, harness: dict[str, ModuleType]) -> None:
    assert fake.PAGE_ROWS == 1000
    assert harness["clients"].CANDLES_QUERY == "symbol=BTCUSDT&granularity=1min&limit=1000"
    app = fake.FakeBitget(clock_ms=lambda: NOW_MS)
    for target in (fake.TICKERS, fake.CANDLES + "?" + harness["clients"].CANDLES_QUERY):
        assert len(status_and_json(app.respond(fake.Request("GET", target, {}, b"")))[1]["data"]) == 1000


def test_raw_adapters_send_what_the_server_verifies(fake: ModuleType, harness: dict[str, ModuleType]) -> None:
    import asyncio

    app = fake.FakeBitget()

    async def drive() -> None:
        server = await fake.serve(app)
        base_url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        async with server:
            for name in ("httpx", "httpx_gated", "aiohttp"):
                adapter = harness["clients"].make_adapter(name, base_url)
                await adapter.open()
                try:
                    for workload in ("small", "signed", "large", "candles"):
                        await getattr(adapter, workload)()
                finally:
                    await adapter.close()

    asyncio.run(drive())
    c = app.counters
    assert (c.requests, c.signed_ok, c.signed_bad, c.not_found) == (12, 3, 0, 0)


def test_plan_runs_peers_everywhere_and_pool_rows_where_they_answer(harness: dict[str, ModuleType]) -> None:
    catalog = harness["catalog"]
    cells = catalog.plan(list(catalog.CLIENTS), list(catalog.WORKLOADS), list(catalog.CONCURRENCY))
    for peer in ("ccxt", "pybotters", "aiohttp", "httpx"):
        assert sorted((w, n) for c, w, n in cells if c == peer) == sorted(
            (w, n) for w in catalog.WORKLOADS for n in catalog.CONCURRENCY
        )
    assert sorted((w, n) for c, w, n in cells if c == "httpx_pool128") == [("signed", 128), ("small", 128)]
    assert sorted({n for c, _, n in cells if c == "bitget_async_trio"}) == [16, 128]
    assert sorted((w, n) for c, w, n in cells if c == "aiohttp_pool100") == [
        ("signed", 16), ("signed", 128), ("small", 16), ("small", 128)
    ]
    assert len(cells) == 110


def _cell(cpu: float, rps: float) -> dict[str, Any]:
    return {"cpu_us_per_req": cpu, "rps": rps}


def test_every_target_row_is_present_and_unmeasured_ones_read_na(harness: dict[str, ModuleType]) -> None:
    rows = harness["verdict"].targets({}, {})
    assert len(rows) == 45  # 16 peer/fast-path + 8 decode + 12 collapse + 8 trio + 1 memory
    assert {(value, met) for _, value, met in rows} == {("n/a (not measured in this run)", None)}
    names = [name for name, _, _ in rows]
    assert sum("below pybotters" in n for n in names) == sum("below ccxt" in n for n in names) == 4
    assert sum("<= 1.15x raw aiohttp:" in n for n in names) == 4
    assert sum("<= 1.15x raw aiohttp with its default pool (100):" in n for n in names) == 4
    assert sum("trio path beside raw httpx on trio" in n for n in names) == 8


def test_targets_compare_the_right_cells_against_the_issue_bounds(harness: dict[str, ModuleType]) -> None:
    cells = {
        ("bitget_async", "small", 16): _cell(100, 2000),
        ("pybotters", "small", 16): _cell(120, 1500),
        ("ccxt", "small", 16): _cell(90, 1800),
        ("aiohttp", "small", 16): _cell(80, 3000),
        ("bitget_async", "small", 128): _cell(100, 500),
        ("httpx", "small", 128): _cell(900, 501),
        ("bitget_async_trio", "large", 16): _cell(1100, 70),
        ("httpx_trio", "large", 16): _cell(1000, 80),
    }
    decode = {"results": {
        "json.loads (dicts)": {"median_us": 1000.0}, "bitget_async typed (Decimal fields)": {"median_us": 1300.0},
        "candles: json.loads (dicts)": {"median_us": 1000.0},
        "candles: bitget_async typed (1,000 rows)": {"median_us": 1600.0},
    }}
    loop = {"results": {
        "tickers: raw aiohttp + json.loads": {"median_us": 2000.0},
        "tickers: bitget_async default, aiohttp (typed)": {"median_us": 1000.0},
    }}
    rows = {name: (value, met) for name, value, met in harness["verdict"].targets(cells, {"decode": decode, "decode_loop": loop})}
    assert rows["default CPU/req below pybotters: small @16"] == ("100 vs 120 us/req (0.83x)", True)
    assert rows["default CPU/req below ccxt: small @16"] == ("100 vs 90 us/req (1.11x)", False)
    assert rows["fast path (default on asyncio: aiohttp) CPU/req <= 1.15x raw aiohttp: small @16"] == (
        "100 vs 80 us/req (1.25x)", False)
    assert rows["no collapse: req/s @128 >= raw httpx, same pool: bitget_async vs httpx, small"] == (
        "500 vs 501 req/s (1.00x)", False)
    assert rows["trio path beside raw httpx on trio, CPU/req <= 1.10x: large @16"] == (
        "1,100 vs 1,000 us/req (1.10x); 70 vs 80 req/s (0.88x)", True)
    assert rows["typed decode of 1,000 tickers (exact decimals, micro-benchmark) <= 1.3x json.loads"] == (
        "1.30x (1,300 vs 1,000 us)", True)
    assert rows["typed decode of 1,000 candles (exact decimals, micro-benchmark) <= 1.5x json.loads"] == (
        "1.60x (1,600 vs 1,000 us)", False)
    loop_row = "inside the request loop (decode_bench.py --loop, one caller, typed)"
    assert rows[f"1,000 tickers {loop_row} <= 1.3x raw aiohttp + json.loads"] == ("0.50x (1,000 vs 2,000 us)", True)
    assert rows[f"1,000 candles {loop_row} <= 1.5x raw aiohttp + json.loads"] == ("n/a (not measured in this run)", None)


def test_results_carry_command_machine_versions_and_every_table_lists_the_peers(harness: dict[str, ModuleType]) -> None:
    meta = {
        "command": "python benchmarks/run.py --quick", "mode": "quick", "date": "2026-12-02 14:00 UTC",
        "elapsed_s": 90.0, "seconds": 0.4, "warmup": 0.15, "reps": 1, "clients": ["bitget_async"],
        "pools": {"bitget_async": 8, "raw": 8, "big": 128},
        "machine": {"nproc": 2, "cpu": "AMD EPYC", "python": "3.11.7", "implementation": "CPython",
                    "kernel": "6.1", "pinned": True, "commit": "abc123def456",
                    "versions": {"bitget_async": "0.9.0", "ccxt": "4.5.90", "pybotters": "1.11.2"}},
    }
    cell = {"rps": 1000.0, "cpu_us_per_req": 250.0, "cpu_us_spread": [240.0, 260.0], "p50_ms": 1.0, "p99_ms": 2.0,
            "peak_rss_mb": 50.0, "server_busy_max": 0.1, "errors": 0, "signature_failures": 0, "failed_reps": []}
    md = harness["report"].render_markdown({"meta": meta}, {("bitget_async", "small", 16): cell})
    assert "Command: `python benchmarks/run.py --quick` (quick run, 2026-12-02 14:00 UTC, 1.5 min), commit abc123def456." in md
    assert "Machine: 2 CPUs, AMD EPYC, CPython 3.11.7, Linux 6.1;" in md
    assert "Versions: bitget_async 0.9.0, ccxt 4.5.90, pybotters 1.11.2." in md
    assert "raw httpx and raw aiohttp 8 (the pool-128 rows 128 on both sides)" in md
    not_run = "n/a: not run (left out of --clients, --workloads or --concurrency)"
    # 4 workload tables x 3 concurrencies, a row each for ccxt and pybotters, plus the memory table.
    assert md.count("| ccxt async | ") == md.count("| pybotters | ") == 12 + 1
    assert md.count(not_run) == 24
    assert "| **bitget_async default** (aiohttp on asyncio) | 16 | 1,000 | 250 | 240-260 |" in md


def _child(code: str) -> str:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=BENCH, check=True,
                          env={"PYTHONPATH": str(BENCH), "PATH": ""})
    return done.stdout.strip()


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM is Linux's /proc")
def test_a_child_reports_its_own_peak_rss_not_its_parents() -> None:
    # ru_maxrss survives fork + exec on Linux: with 128 MB touched here, a bare child reads >= 128 MB
    # there, while VmHWM (what the harness reports) is the child's own few MB.
    ballast = bytearray(128 * 1024 * 1024)
    ballast[::4096] = b"\x01" * len(range(0, len(ballast), 4096))
    code = "import resource; from rss import peak_rss_mb; print(peak_rss_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    own, inherited = map(float, _child(code).split())
    assert own < 64 <= 128 <= inherited
    del ballast


def test_the_orchestrating_process_loads_no_client_library() -> None:
    # Its RSS high-water mark is inherited by every measured child (see above): keep it small.
    loaded = _child("import sys, run; print(sorted({m.split('.')[0] for m in sys.modules} & "
                    "{'bitget_async', 'aiohttp', 'httpx', 'msgspec', 'anyio', 'trio', 'ccxt', 'pybotters', 'matplotlib'}))")
    assert loaded == "[]"
