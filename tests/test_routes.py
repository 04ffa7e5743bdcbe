"""The route table against the checked-in facts: every tsv row, every seed path, the lookup errors.

``spec/endpoints.tsv`` is the copied reference (155 rows).  Two seed rows share a real path
(``spot/market/ticker`` -> ``tickers``, ``mix/market/support-symbols`` -> the spot list) and the
schemas add ``POST copy/mix-follower/copy-settings``: 154 routes.  The schemas-v2-*.json files add the
other 159 of Bitget's 313 (tests/test_official_endpoints.py checks them against the official list).
"""

from __future__ import annotations

import csv
import json
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

import bitget_async
from bitget_async import ROUTES, Param, Route, find_route
from bitget_async._endpoints import Endpoint
from bitget_async.models import MixTicker, SpotTicker

SPEC = Path(__file__).resolve().parent.parent / "spec"


def _tsv_rows() -> list[dict[str, str]]:
    with open(SPEC / "endpoints.tsv", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


ROWS = _tsv_rows()
BY_REAL = {(r.method, r.path): r for r in ROUTES}


def _row_id(row: dict[str, str]) -> str:
    return f"{row['seed_method']} {row['seed_path']} -> {row['method']} {row['path']}"


def test_tsv_has_155_rows_and_table_has_313_routes() -> None:
    assert len(ROWS) == 155
    assert len(ROUTES) == 313
    assert len(BY_REAL) == 313  # one route per (method, real path)
    assert len({r.python_name for r in ROUTES}) == 313  # one spelling per endpoint


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_every_tsv_row_is_a_route_with_its_facts(row: dict[str, str]) -> None:
    route = BY_REAL[(row["method"], row["path"])]
    assert route.method == row["method"]
    assert route.path == row["path"]
    assert route.auth is (row["auth"] == "yes")
    assert route.rate_per_s == int(row["rate_per_s"])
    assert route.scope == row["scope"]
    assert route.doc == row["source"].split(";")[0].strip()


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_every_seed_path_resolves_to_its_real_route(row: dict[str, str]) -> None:
    real = BY_REAL[(row["method"], row["path"])]
    if row["seed_path"] == "-":
        assert find_route(row["method"], row["path"]) is real
        return
    assert find_route(row["seed_method"], row["seed_path"]) is real
    if row["seed_path"] != row["path"]:
        assert row["seed_path"] in real.seed_paths
        # a seed spelling is never itself a real route (copy-settings is real only as POST)
        assert (row["seed_method"], row["seed_path"]) not in BY_REAL


def test_seed_paths_are_exactly_those_of_the_tsv() -> None:
    expected: dict[tuple[str, str], set[str]] = {}
    for row in ROWS:
        seeds = expected.setdefault((row["method"], row["path"]), set())
        if row["seed_path"] not in ("-", row["path"]):
            seeds.add(row["seed_path"])
    for route in ROUTES:
        assert set(route.seed_paths) == expected.get((route.method, route.path), set()), route.python_name
    assert sum(len(r.seed_paths) for r in ROUTES) == 37  # "Seed rows whose path differs" in the README


@pytest.mark.parametrize(
    ("method", "seed", "real", "python_name"),
    [
        ("POST", "/api/v2/margin/cross/place-order", "/api/v2/margin/crossed/place-order",
         "margin.crossed.place_order"),
        ("POST", "/api/v2/mix/order/plan/place-order", "/api/v2/mix/order/place-plan-order",
         "mix.order.place_plan_order"),
        ("GET", "/api/v2/spot/market/ticker", "/api/v2/spot/market/tickers", "spot.market.tickers"),
        ("GET", "/api/v2/public/announcements", "/api/v2/public/annoucements", "public.announcements"),
        ("GET", "/api/v2/mix/market/depth", "/api/v2/mix/market/merge-depth", "mix.market.merge_depth"),
        ("GET", "/api/v2/mix/account/bills", "/api/v2/mix/account/bill", "mix.account.bill"),
        ("POST", "/api/v2/mix/position/change-margin", "/api/v2/mix/account/set-margin",
         "mix.account.set_margin"),
        ("GET", "/api/v2/margin/cross/account/borrow-history", "/api/v2/margin/crossed/borrow-history",
         "margin.crossed.borrow_history"),
        ("GET", "/api/v2/margin/isolated/account/financial-records",
         "/api/v2/margin/isolated/financial-records", "margin.isolated.financial_records"),
        ("GET", "/api/v2/copy/mix-follower/copy-settings", "/api/v2/copy/mix-follower/query-settings",
         "copy.mix_follower.query_settings"),
        ("GET", "/api/v2/spot/trade/plan/current-plan", "/api/v2/spot/trade/current-plan-order",
         "spot.trade.current_plan_order"),
        ("GET", "/api/v2/mix/market/support-symbols", "/api/v2/spot/market/support-symbols",
         "spot.market.support_symbols"),
    ],
)
def test_named_seed_paths(method: str, seed: str, real: str, python_name: str) -> None:
    route = find_route(method, seed)
    assert (route.method, route.path, route.python_name) == (method, real, python_name)


def test_seed_ticker_is_tickers_with_a_symbol_parameter() -> None:
    route = find_route("GET", "/api/v2/spot/market/ticker")
    assert route is find_route("GET", "/api/v2/spot/market/tickers")
    assert [(p.py, p.wire, p.required, p.where) for p in route.params] == [("symbol", "symbol", False, "query")]


def test_copy_settings_exists_as_post_besides_the_get_seed() -> None:
    write = find_route("POST", "/api/v2/copy/mix-follower/copy-settings")
    assert write.python_name == "copy.mix_follower.copy_settings"
    assert (write.auth, write.rate_per_s, write.scope, write.seed_paths) == (True, 1, "UID", ())
    assert write is not find_route("GET", "/api/v2/copy/mix-follower/copy-settings")


@pytest.mark.parametrize(
    "spelling",
    ["api/v2/spot/market/tickers", "/api/v2/spot/market/tickers/", "/api/v2/spot/market/tickers?symbol=BTCUSDT"],
)
def test_find_route_normalizes_slashes_and_query(spelling: str) -> None:
    assert find_route("get", spelling).python_name == "spot.market.tickers"


def test_unknown_path_raises_key_error_naming_close_matches() -> None:
    with pytest.raises(KeyError) as info:
        find_route("GET", "/api/v2/spot/market/tikers")
    message = info.value.args[0]
    assert message.startswith("no route GET /api/v2/spot/market/tikers; close matches: ")
    assert "GET /api/v2/spot/market/tickers" in message


def test_wrong_method_raises_key_error_naming_the_other_method() -> None:
    with pytest.raises(KeyError) as info:
        find_route("POST", "/api/v2/spot/market/tickers")
    assert "GET /api/v2/spot/market/tickers" in info.value.args[0]


def test_nothing_close_gives_a_plain_key_error() -> None:
    with pytest.raises(KeyError) as info:
        find_route("GET", "/zzz")
    assert info.value.args[0] == "no route GET /zzz"


def test_route_attributes() -> None:
    route = find_route("GET", "/api/v2/mix/market/candles")
    assert isinstance(route, Route)
    assert route.group == "mix.market"
    assert route.name == "candles"
    assert route.python_name == "mix.market.candles"
    assert route.method == "GET"
    assert route.path == "/api/v2/mix/market/candles"
    assert route.seed_paths == ()
    assert route.auth is False
    assert route.rate_per_s == 20
    assert route.scope == "IP"
    assert route.response_type == list[bitget_async.models.MixCandle]
    assert all(isinstance(p, Param) for p in route.params)
    by_py = {p.py: p for p in route.params}
    assert list(by_py)[:3] == ["symbol", "product_type", "granularity"]
    pt = by_py["product_type"]
    assert (pt.wire, pt.kind, pt.required, pt.where) == ("productType", "str", True, "query")
    assert pt.enum == ("USDT-FUTURES", "COIN-FUTURES", "USDC-FUTURES", "SUSDT-FUTURES", "SCOIN-FUTURES", "SUSDC-FUTURES")
    limit = by_py["limit"]
    assert (limit.wire, limit.kind, limit.required, limit.max, limit.default) == ("limit", "int", False, 1000, "100")
    assert by_py["start_time"].kind == "int"


def test_params_carry_body_location_and_documented_defaults() -> None:
    route = find_route("POST", "/api/v2/mix/order/place-order")
    by_py = {p.py: p for p in route.params}
    assert {p.where for p in route.params} == {"body"}
    assert (by_py["size"].wire, by_py["size"].kind, by_py["size"].required) == ("size", "money", True)
    assert by_py["force"].default == "gtc"
    assert by_py["reduce_only"].default == "NO"
    assert by_py["margin_mode"].enum == ("isolated", "crossed")


def test_public_exports() -> None:
    assert bitget_async.ROUTES is ROUTES
    assert bitget_async.find_route is find_route
    assert {"ROUTES", "Route", "Param", "find_route"} <= set(bitget_async.__all__)
    assert isinstance(ROUTES, tuple)


@pytest.mark.parametrize(("method", "path", "struct"), [
    ("GET", "/api/v2/spot/market/tickers", SpotTicker),
    ("GET", "/api/v2/mix/market/tickers", MixTicker),
])
def test_decode_returns_typed_data(method: str, path: str, struct: type[Any]) -> None:
    route = find_route(method, path)
    body = json.dumps(_example(method, path)).encode()
    data = route.decode(body)
    assert isinstance(data, list) and data and all(type(d) is struct for d in data)
    assert isinstance(data[0].last_pr, Decimal)


def test_decode_raises_typed_error_for_non_success_envelope() -> None:
    route = find_route("POST", "/api/v2/spot/trade/place-order")
    body = b'{"code":"43012","msg":"Insufficient balance","requestTime":1700000000000,"data":null}'
    with pytest.raises(bitget_async.InsufficientBalanceError) as info:
        route.decode(body)
    err = info.value
    assert (err.code, err.msg, err.http_status, err.method, err.path) == (
        "43012", "Insufficient balance", 200, "POST", "/api/v2/spot/trade/place-order"
    )


def test_every_route_is_one_bound_endpoint_on_the_client() -> None:
    """No hand-written function per endpoint: each ``client.<python name>`` is the generic Endpoint."""
    client = bitget_async.BitgetClient(transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    for route in ROUTES:
        node: Any = client
        for part in route.python_name.split("."):
            node = getattr(node, part)
        assert type(node) is Endpoint, route.python_name
        assert node.route is route


def test_group_names_follow_the_path_in_snake_case() -> None:
    for route in ROUTES:
        segments = route.path.removeprefix("/api/v2/").split("/")
        expected = [s.replace("-", "_") for s in segments]
        if route.path == "/api/v2/public/annoucements":
            expected[-1] = "announcements"  # the one misspelled real path gets the right spelling
        names = route.python_name.split(".")
        assert [n.lower() for n in names] == [_snake(e) for e in expected], route.python_name


def test_named_groups_exist() -> None:
    names = {r.python_name for r in ROUTES}
    assert {
        "spot.market.tickers",
        "mix.order.place_order",
        "margin.crossed.account.borrow",
        "spot.trade.order_info",
        "copy.mix_follower.query_settings",
        "earn.loan.public.hour_interest",
        "public.announcements",
    } <= names
    assert not any("annoucements" in n for n in names)


def test_response_type_of_every_route_is_a_real_type() -> None:
    for route in ROUTES:
        tp = route.response_type
        assert tp is None or isinstance(tp, type) or typing.get_origin(tp) in (list, dict), route.python_name


def _snake(segment: str) -> str:
    out = []
    for i, ch in enumerate(segment):
        if ch.isupper() and i and segment[i - 1].islower():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def _example(method: str, path: str) -> dict[str, Any]:
    for f in sorted(SPEC.glob("schemas-*.json")):
        rec = json.loads(f.read_text()).get(path)
        if rec is not None and rec["method"] == method:
            return dict(rec["example_response"])
    raise LookupError(path)
