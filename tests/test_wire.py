"""Data-driven wire tests: call + args -> the exact request (method, URL with query order, body bytes,
signature over those very bytes).  The hand-written cases live in ``tests/data/wire_cases.json``;
``tests/data/wire_cases_routes.json`` (tools/gen_wire_cases.py) adds one minimal call per route."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import sys
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

import bitget_async
from bitget_async import BitgetClient, find_route

pytestmark = pytest.mark.anyio

DATA = Path(__file__).parent / "data"
SPEC = Path(__file__).resolve().parent.parent / "spec"
HAND_CASES: list[dict[str, Any]] = json.loads((DATA / "wire_cases.json").read_text())["cases"]
ROUTE_CASES: list[dict[str, Any]] = json.loads((DATA / "wire_cases_routes.json").read_text())["cases"]
CASES = HAND_CASES + ROUTE_CASES
NOW_MS = 1700000000000

# The groups the issue names; each must have at least one case.
REQUIRED_GROUPS = {
    "spot.market", "spot.account", "spot.trade", "spot.plan", "mix.market", "mix.account", "mix.position",
    "mix.order", "mix.plan", "margin.crossed", "margin.isolated", "margin.common", "copy", "earn", "broker",
    "user", "tax", "public", "common", "account",
}


def _examples() -> dict[tuple[str, str], bytes]:
    out = {}
    for f in sorted(SPEC.glob("schemas-*.json")):
        for path, rec in json.loads(f.read_text()).items():
            out[(rec["method"], path)] = json.dumps(rec["example_response"]).encode()
    return out


EXAMPLES = _examples()


def build(value: Any) -> Any:
    """JSON case values -> call arguments: ``$decimal`` and ``$struct`` markers become objects."""
    if isinstance(value, dict):
        if "$decimal" in value:
            return Decimal(value["$decimal"])
        if "$struct" in value:
            cls = getattr(bitget_async.models, value["$struct"])
            return cls(**build(value["fields"]))
        return {k: build(v) for k, v in value.items()}
    if isinstance(value, list):
        return [build(v) for v in value]
    return value


def _case_id(case: dict[str, Any]) -> str:
    kind = "route" if case.get("generated") else case["group"]
    return f"{kind}:{case['call']}:{case['url'].split('/api/v2/')[1].split('?')[0]}"


def test_cases_cover_every_group() -> None:
    assert {c["group"] for c in HAND_CASES} >= REQUIRED_GROUPS
    top = {r.python_name.split(".")[0] for r in bitget_async.ROUTES}
    assert {c["call"].split(".")[0] for c in HAND_CASES if c["call"] != "request"} <= top


def test_route_cases_cover_every_route_once() -> None:
    assert [c["call"] for c in ROUTE_CASES] == [r.python_name for r in bitget_async.ROUTES]
    assert len(ROUTE_CASES) == 313


def test_route_cases_file_is_current() -> None:
    """The expected bytes are checked in: a change to the facts shows up as a reviewed diff."""
    done = subprocess.run(
        [sys.executable, str(DATA.parent.parent / "tools" / "gen_wire_cases.py"), "--check"],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("case", CASES, ids=_case_id)
async def test_wire(case: dict[str, Any]) -> None:
    seen: list[httpx.Request] = []
    url = httpx.URL(case["url"])
    route = find_route(case["method"], url.path)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=EXAMPLES[(route.method, route.path)])

    async with BitgetClient(
        "key", "secret", "pass", transport=httpx.MockTransport(handler), clock=lambda: NOW_MS
    ) as client:
        args = build(case["args"])
        if case["call"] == "request":
            result = await client.request(**args)
        else:
            endpoint: Any = client
            for part in case["call"].split("."):
                endpoint = getattr(endpoint, part)
            result = await endpoint(**args)

    (request,) = seen
    assert request.method == case["method"]
    assert str(request.url) == case["url"]
    expected_body = case["body"].encode() if case["body"] is not None else b""
    assert request.content == expected_body
    headers = request.headers
    assert headers["locale"] == "en-US"
    assert headers["Content-Type"] == "application/json"
    assert "paptrading" not in headers
    if case["signed"]:
        assert route.auth or case["call"] == "request"
        assert headers["ACCESS-KEY"] == "key"
        assert headers["ACCESS-PASSPHRASE"] == "pass"
        assert headers["ACCESS-TIMESTAMP"] == str(NOW_MS)
        query = request.url.query.decode()
        prehash = f"{NOW_MS}{request.method}{request.url.path}{'?' + query if query else ''}"
        prehash += request.content.decode()
        digest = hmac.new(b"secret", prehash.encode(), hashlib.sha256).digest()
        assert headers["ACCESS-SIGN"] == base64.b64encode(digest).decode()
    else:
        assert not route.auth
        assert not any(h.lower().startswith("access-") for h in headers)
    if case["call"] != "request":
        _check_decoded(result, route.response_type)


def _check_decoded(value: Any, tp: Any) -> None:
    if tp is None:
        assert value is None
    elif typing.get_origin(tp) is list:
        (item,) = typing.get_args(tp)
        assert isinstance(value, list) and all(isinstance(v, item) for v in value)
    elif isinstance(tp, type):
        assert isinstance(value, tp)


async def test_order_without_client_oid_gets_a_fresh_one() -> None:
    """The one value a case file cannot pin: a generated clientOid, 32 hex chars, in place."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=EXAMPLES[("POST", "/api/v2/spot/trade/place-order")])

    async with BitgetClient("key", "secret", "pass", transport=httpx.MockTransport(handler)) as client:
        await client.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="market", force="gtc",
                                            size="10")
    body = json.loads(seen[0].content)
    assert list(body) == ["symbol", "side", "orderType", "force", "size", "clientOid"]
    assert len(body["clientOid"]) == 32 and int(body["clientOid"], 16) >= 0
