"""The benchmark's fake server must verify signatures exactly, or every benchmark number is suspect.

Imports ``benchmarks/fake_server.py`` by path (it is not part of the package) and drives its
request handler directly: no sockets, no subprocesses.  Signatures here are computed with the
package's public ``signing`` functions, independently of the server's own HMAC code.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from helpers import load_module

from bitget_async import find_route
from bitget_async.signing import hmac_sign, prehash

NOW_MS = 1_700_000_000_000
PLACE_ORDER = "/api/v2/spot/trade/place-order"
BODY = b'{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"gtc","price":"1","size":"1"}'


@pytest.fixture(scope="module")
def fake() -> ModuleType:
    return load_module(Path(__file__).resolve().parents[1] / "benchmarks" / "fake_server.py", "bench_fake_server")


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
