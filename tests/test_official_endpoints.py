"""The route table against Bitget's own list of its 313 REST v2 endpoints.

``spec/official-v2-endpoints.tsv`` is the list compiled from the api-doc pages (method, path,
title, "N/Ts" rate, scope, doc page).  Every row must be a route with that method, path, rate and
scope, and the table must hold nothing else.

Scope mapping: the list says ``UID`` or ``IP`` for all but two rows.  ``APIKEY``
(broker modify-subaccount) is ``UID`` in the table, because the client's UID bucket is already
keyed by the API key (one client, one key), so the count is exact.  An empty scope (mix
cancel-order: the page says "10 times/1s" and names no scope) is ``UID``, as for every other
signed trading route.

Auth is not in the list: a route is public exactly when its path has a ``market`` or ``public``
segment, plus ``GET /api/v2/margin/currencies`` (public per ccxt and tiagosiebler).  Doc pages
that show signature headers on such paths are noted as DOC CONFLICT in the fact files.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from bitget_async import ROUTES, Route

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "spec"
with open(DATA / "official-v2-endpoints.tsv", newline="") as _f:
    OFFICIAL = list(csv.DictReader(_f, delimiter="\t"))
BY_KEY = {(r.method, r.path): r for r in ROUTES}
SCOPES = {"UID": "UID", "IP": "IP", "APIKEY": "UID", "": "UID"}
PUBLIC_EXCEPTIONS = {("GET", "/api/v2/margin/currencies")}


def _per_second(text: str) -> Fraction:
    """"10/1s" -> 10, "1/10s" -> 1/10."""
    count, window = text.split("/")
    return Fraction(int(count), int(window.removesuffix("s") or 1))


def _is_public(method: str, path: str) -> bool:
    segments = path.split("/")
    return "market" in segments or "public" in segments or (method, path) in PUBLIC_EXCEPTIONS


def test_the_list_has_313_endpoints_and_the_table_exactly_those() -> None:
    keys = {(r["method"], r["path"]) for r in OFFICIAL}
    assert len(OFFICIAL) == len(keys) == 313
    assert set(BY_KEY) == keys
    assert len(ROUTES) == 313


@pytest.mark.parametrize("row", OFFICIAL, ids=lambda r: f"{r['method']} {r['path']}")
def test_route_matches_the_official_row(row: dict[str, str]) -> None:
    route: Route = BY_KEY[(row["method"], row["path"])]
    assert route.method == row["method"]
    assert route.path == row["path"]
    assert Fraction(route.rate_per_s).limit_denominator(1000) == _per_second(row["rate_limit"])
    assert route.scope == SCOPES[row["scope"]]
    assert route.auth is not _is_public(row["method"], row["path"])
    assert route.doc.rstrip("/") == "https://www.bitget.com/api-doc/" + row["doc_file"].removesuffix(".md").rstrip("/")


def test_every_top_level_group_is_typed_on_the_client() -> None:
    """New groups (convert, p2p) must reach mypy, not only the runtime's attribute lookup."""
    from bitget_async import BitgetClient

    tops = {r.python_name.split(".")[0] for r in ROUTES}
    assert tops <= set(BitgetClient.__annotations__)


def test_the_one_fractional_rate_is_one_per_ten_seconds() -> None:
    route = BY_KEY[("GET", "/api/v2/mix/account/sub-account-assets")]
    assert route.rate_per_s == 0.1
    assert all(isinstance(r.rate_per_s, int) for r in ROUTES if r is not route)


def test_cli_lists_313_v2_routes_with_the_official_facts() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bitget_async", "routes", "--json"], capture_output=True, text=True, check=True
    )
    listed = {(r["method"], r["path"]): r for r in json.loads(done.stdout)}
    assert len(listed) == 313
    for row in OFFICIAL:
        item = listed[(row["method"], row["path"])]
        assert Fraction(item["rate_per_s"]).limit_denominator(1000) == _per_second(row["rate_limit"])
        assert item["scope"] == SCOPES[row["scope"]]
