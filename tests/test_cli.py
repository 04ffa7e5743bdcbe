"""The command line in a real subprocess: ``routes``, ``sim`` serving on loopback, ``call``
against it with credentials from the environment, and the ``demo`` session."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bitget_async import ROUTES

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "bitget_async"]


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT, check=False)


def read_lines(proc: subprocess.Popen[str], count: int, timeout: float = 20.0) -> list[str]:
    """``count`` lines from the process's stdout, or fail (killing it) after ``timeout``."""
    watchdog = threading.Timer(timeout, proc.kill)
    watchdog.start()
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().rstrip("\n") for _ in range(count)]
    finally:
        watchdog.cancel()
    assert all(lines), f"the sim command printed {lines!r} before stopping"
    return lines


@pytest.fixture
def served_sim() -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    proc = subprocess.Popen(
        [*CLI, "sim", "--port", "0", "--seed", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        lines = read_lines(proc, 4)
        env = dict(line.split("=", 1) for line in lines)
        yield proc, env
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_routes_text_and_json() -> None:
    text = run("routes")
    as_json = run("routes", "--json")
    assert text.returncode == 0 and as_json.returncode == 0
    assert "spot.market.tickers" in text.stdout
    assert [r["python_name"] for r in json.loads(as_json.stdout)] == [r.python_name for r in ROUTES]


def test_sim_prints_url_and_keys_then_stops_on_sigterm(served_sim: tuple[subprocess.Popen[str], dict[str, str]]) -> None:
    proc, env = served_sim
    assert list(env) == ["BITGET_BASE_URL", "BITGET_API_KEY", "BITGET_API_SECRET", "BITGET_PASSPHRASE"]
    assert env["BITGET_BASE_URL"].startswith("http://127.0.0.1:")
    assert int(env["BITGET_BASE_URL"].rsplit(":", 1)[1]) > 0
    assert (env["BITGET_API_KEY"], env["BITGET_API_SECRET"], env["BITGET_PASSPHRASE"]) == (
        "sim-api-key",
        "sim-api-secret",
        "sim-passphrase",
    )
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0


def test_call_against_served_sim(served_sim: tuple[subprocess.Popen[str], dict[str, str]]) -> None:
    _, sim_env = served_sim
    env = {k: v for k, v in os.environ.items() if not k.startswith("BITGET_")}
    env.update(sim_env)
    ok = run("call", "GET", "/api/v2/spot/account/assets", "coin=USDT", env=env)
    posted = run(
        "call", "POST", "/api/v2/spot/wallet/transfer", "fromType=spot", "toType=usdt_futures", "amount=25", "coin=USDT",
        env=env,
    )
    after = run("call", "GET", "/api/v2/spot/account/assets", "coin=USDT", env=env)
    failed = run("call", "GET", "/api/v2/spot/market/candles", "symbol=BTCUSDT", env=env)
    assert ok.returncode == 0, ok.stderr
    assert [(a["coin"], a["available"]) for a in json.loads(ok.stdout)] == [("USDT", "100000")]
    assert posted.returncode == 0 and "transferId" in json.loads(posted.stdout)
    assert json.loads(after.stdout)[0]["available"] == "99975"
    assert failed.returncode != 0
    error = json.loads(failed.stderr)
    assert (error["code"], error["msg"], error["http_status"]) == ("40019", "Parameter granularity cannot be empty", 400)


def test_demo_runs_and_prints_the_summary() -> None:
    started = time.perf_counter()
    result = run("demo", timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for marker in ("1. Server time", "2. Tickers", "3. Spot order", "4. Futures", "5. Candles", "Summary of request timings"):
        assert marker in out
    assert "candles: 50/50" in out  # plain progress lines when stdout is not a terminal
    assert "\r" not in out
    assert "every symbol complete: True" in out
    summary = out[out.index("Summary") :].splitlines()
    assert [line.split()[0] for line in summary[2:]] == ["server", "tickers", "spot", "futures", "candles"]
    assert time.perf_counter() - started < 60


def test_demo_needs_only_the_base_dependencies() -> None:
    script = (
        "import sys\n"
        "for name in ('uvicorn', 'fastapi', 'starlette', 'cryptography', 'aiohttp'):\n"
        "    sys.modules[name] = None\n"
        "from bitget_async.__main__ import main\n"
        "sys.exit(main(['demo', '--symbols', '3']))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    assert "candles: 3/3" in result.stdout
