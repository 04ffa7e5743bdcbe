"""examples/fastapi_app.py and examples/trio_example.py end to end: in process (TestClient, the simulator injected) and as subprocesses reading BITGET_* from the environment."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import warnings
from decimal import Decimal
from typing import Any

import anyio
import httpx
import pytest
import trio
from examples_helpers import (
    BTC,
    EXAMPLES,
    ROOT,
    Lines,
    ServedSim,
    child_env,
    fastapi_app,
    run_example,
    trio_example,
)

from bitget_async import BitgetClient
from bitget_async.testing import Simulator

with warnings.catch_warnings():
    # Starlette's notice that its TestClient will move to "httpx2": not ours to act on.
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient


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
