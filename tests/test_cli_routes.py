"""``python -m bitget_async routes [--json]``: the route table from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from bitget_async import ROUTES


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bitget_async", *args], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture(scope="module")
def as_json() -> list[dict[str, Any]]:
    done = run("routes", "--json")
    assert done.returncode == 0, done.stderr
    data: list[dict[str, Any]] = json.loads(done.stdout)
    return data


def test_json_has_one_object_per_route(as_json: list[dict[str, Any]]) -> None:
    assert len(as_json) == 313
    required = {"method", "path", "seed_paths", "auth", "rate_per_s", "scope", "python_name"}
    for obj in as_json:
        assert required <= set(obj), obj
    assert [o["python_name"] for o in as_json] == [r.python_name for r in ROUTES]


def test_json_values_match_the_table(as_json: list[dict[str, Any]]) -> None:
    for obj, r in zip(as_json, ROUTES, strict=True):
        assert (obj["method"], obj["path"], obj["seed_paths"], obj["auth"], obj["rate_per_s"], obj["scope"]) == (
            r.method, r.path, list(r.seed_paths), r.auth, r.rate_per_s, r.scope
        )
    by_name = {o["python_name"]: o for o in as_json}
    tickers = by_name["spot.market.tickers"]
    assert tickers["seed_paths"] == ["/api/v2/spot/market/ticker"]
    assert (tickers["auth"], tickers["rate_per_s"], tickers["scope"]) == (False, 20, "IP")
    borrow = by_name["margin.crossed.account.borrow"]
    assert (borrow["method"], borrow["path"]) == ("POST", "/api/v2/margin/crossed/account/borrow")
    assert borrow["seed_paths"] == ["/api/v2/margin/cross/account/borrow"]
    assert borrow["auth"] is True and borrow["scope"] == "UID"


def test_table_prints_one_line_per_route() -> None:
    done = run("routes")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 313
    assert lines[0].split() == ["public.time", "GET", "/api/v2/public/time", "public", "20/s", "IP"]
    announcements = next(line for line in lines if line.startswith("public.announcements "))
    assert announcements.split() == [
        "public.announcements", "GET", "/api/v2/public/annoucements", "public", "20/s", "IP",
        "(also", "/api/v2/public/announcements)",
    ]
    assert done.stderr.strip() == "313 routes"
