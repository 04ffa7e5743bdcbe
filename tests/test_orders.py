"""Order safety: one clientOid per order across attempts; ambiguous outcomes settled by lookup.

``Exchange`` is a tiny fake of Bitget's order book behind ``httpx.MockTransport``: it places an
order per clientOid (a second placement with a known clientOid gets Bitget's "duplicate
clientOid" answer), answers the lookup endpoints from its book, and injects one scripted fault
per placement (the answer lost after the order was placed, a timeout before it was placed, a
reset, a 5xx).  Every test asserts how many placements and lookups were sent and that the book
holds each order exactly once.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from helpers import envelope_bytes, make_client

from bitget_async import (
    BitgetClient,
    DuplicateClientOidError,
    OrderStateUnknownError,
    RateLimits,
    RetryPolicy,
    TimeoutError,
)

NOW_MS = 1_700_000_000_000
SPEC = Path(__file__).resolve().parent.parent / "spec"
EXAMPLES: dict[str, Any] = {}
for _f in sorted(SPEC.glob("schemas-*.json")):
    for _path, _rec in json.loads(_f.read_text()).items():
        EXAMPLES[_path] = _rec.get("example_response")

PLACE = re.compile(r"/(place-order|batch-orders|batch-place-order|place-plan-order)$")
OID = re.compile(r"^[0-9a-f]{32}$")


def failure(code: str, msg: str, status: int = 400) -> httpx.Response:
    return httpx.Response(status, content=json.dumps({"code": code, "msg": msg, "requestTime": 1, "data": None}).encode())


class Exchange:
    """The fake exchange: an order book keyed by clientOid, plus scripted faults.

    ``faults`` is consumed one per placement request:
      ``ok``         place and answer;
      ``lost``       place, then the answer never arrives (read timeout after sending);
      ``reset``      place, then the connection drops;
      ``5xx``        place, then answer 502 from a proxy;
      ``unplaced``   read timeout, the order was never placed;
      ``connect``    the connection fails, nothing was sent;
      ``partial:I``  (batch) place only items I (comma-separated), then lose the answer.
    ``hidden`` makes the next N lookups miss an order that exists (replication lag);
    ``lookup_faults`` is consumed one per lookup (``ok`` or ``5xx``).
    """

    def __init__(self, *faults: str, hidden: int = 0, lookup_faults: tuple[str, ...] = (), not_found: str = "empty") -> None:
        self.faults = list(faults)
        self.hidden = hidden
        self.lookup_faults = list(lookup_faults)
        self.not_found = not_found  # how spot orderInfo says "no such order": "empty" list or "error"
        self.book: dict[str, str] = {}
        self.orders: dict[str, dict[str, Any]] = {}  # clientOid -> the fields it was placed with
        self.placements: list[dict[str, Any]] = []
        self.lookups: list[httpx.Request] = []
        self._next_id = 1000

    # -- plumbing -------------------------------------------------------------------------------
    def client(self, **kwargs: Any) -> BitgetClient:
        kwargs.setdefault("retry", RetryPolicy(max_attempts=3, backoff_base=0.0, lookup_attempts=1, lookup_delay=0.0))
        kwargs.setdefault("rate_limits", RateLimits())
        return make_client(self.handle, clock=lambda: NOW_MS, **kwargs)

    def handle(self, request: httpx.Request) -> httpx.Response:
        if PLACE.search(request.url.path):
            return self._place(request)
        return self._lookup(request)

    def _place_one(self, oid: str, fields: dict[str, Any]) -> tuple[str, bool]:
        if oid in self.book:
            return self.book[oid], False
        self._next_id += 1
        self.book[oid] = str(self._next_id)
        self.orders[oid] = {k: fields[k] for k in ("symbol", "side", "orderType", "size", "price") if k in fields}
        return self.book[oid], True

    def _row(self, template: dict[str, Any], order_id: str, oid: str) -> dict[str, Any]:
        """The doc example's row as this order: the lookup answers what was placed."""
        row = copy.deepcopy(template)
        row.update(orderId=order_id, clientOid=oid, **self.orders.get(oid, {}))
        return row

    def _place(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.placements.append(body)
        fault = self.faults.pop(0) if self.faults else "ok"
        if fault == "connect":
            raise httpx.ConnectError("refused", request=request)
        if fault == "unplaced":
            raise httpx.ReadTimeout("timed out", request=request)
        if "orderList" in body:
            return self._place_batch(request, body, fault)
        oid = body["clientOid"]
        order_id, new = self._place_one(oid, body)
        if not new:
            code = "40786" if "/mix/" in request.url.path else "43118"
            return failure(code, "Duplicate clientOid")
        if fault == "lost":
            raise httpx.ReadTimeout("timed out", request=request)
        if fault == "reset":
            raise httpx.RemoteProtocolError("peer closed connection", request=request)
        if fault == "5xx":
            return httpx.Response(502, content=b"<html>502 Bad Gateway</html>")
        return httpx.Response(200, content=envelope_bytes({"orderId": order_id, "clientOid": oid}))

    def _place_batch(self, request: httpx.Request, body: dict[str, Any], fault: str) -> httpx.Response:
        items = body["orderList"]
        if fault.startswith("partial:"):
            for i in (int(x) for x in fault.split(":")[1].split(",") if x):
                self._place_one(items[i]["clientOid"], {**body, **items[i]})
            raise httpx.ReadTimeout("timed out", request=request)
        success, failed = [], []
        for item in items:
            oid = item["clientOid"]
            order_id, new = self._place_one(oid, {**body, **item})
            if new:
                success.append({"orderId": order_id, "clientOid": oid})
            else:
                failed.append({"orderId": "", "clientOid": oid, "errorMsg": "Duplicate clientOid", "errorCode": "43118"})
        if fault == "lost":
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(200, content=envelope_bytes({"successList": success, "failureList": failed}))

    def _lookup(self, request: httpx.Request) -> httpx.Response:
        self.lookups.append(request)
        fault = self.lookup_faults.pop(0) if self.lookup_faults else "ok"
        if fault == "5xx":
            return httpx.Response(503, content=b"")
        oid = request.url.params.get("clientOid", "")
        order_id = self.book.get(oid)
        if order_id is not None and self.hidden > 0:
            self.hidden -= 1
            order_id = None
        path = request.url.path
        if path == "/api/v2/spot/trade/orderInfo":
            if order_id is None:
                if self.not_found == "error":
                    return failure("43001", "The order does not exist")
                return httpx.Response(200, content=envelope_bytes([]))
            return httpx.Response(200, content=envelope_bytes([self._row(EXAMPLES[path]["data"][0], order_id, oid)]))
        if path == "/api/v2/mix/order/detail":
            if order_id is None:
                return failure("40768", "Order does not exist")
            return httpx.Response(200, content=envelope_bytes(self._row(EXAMPLES[path]["data"], order_id, oid)))
        if path == "/api/v2/mix/order/orders-plan-pending":
            data = copy.deepcopy(EXAMPLES[path]["data"])
            data["entrustedList"][0] = self._row(data["entrustedList"][0], order_id or "", oid)
            if order_id is None:
                data["entrustedList"] = []
            return httpx.Response(200, content=envelope_bytes(data))
        if path.startswith("/api/v2/margin/"):
            data = copy.deepcopy(EXAMPLES[path]["data"])
            # Open orders never hold it here (filled at once); history does once placed.
            if order_id is None or path.endswith("open-orders"):
                data["orderList"] = []
            else:
                data["orderList"][0] = self._row(data["orderList"][0], order_id, oid)
            return httpx.Response(200, content=envelope_bytes(data))
        raise AssertionError(f"unexpected request {request.method} {request.url}")

    # -- assertions -----------------------------------------------------------------------------
    def placement_oids(self) -> list[str]:
        return [p["clientOid"] for p in self.placements]

    def lookup_paths(self) -> list[str]:
        return [r.url.path for r in self.lookups]


async def spot_order(client: BitgetClient, **kw: Any) -> Any:
    return await client.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="limit", force="gtc",
                                               price="30000.1", size="0.001", **kw)


async def mix_order(client: BitgetClient, **kw: Any) -> Any:
    return await client.mix.order.place_order(symbol="BTCUSDT", product_type="USDT-FUTURES", margin_mode="crossed",
                                              margin_coin="USDT", size="0.01", side="buy", order_type="market", **kw)


# -- clientOid ---------------------------------------------------------------------------------
@pytest.mark.anyio
async def test_client_oid_filled_when_absent() -> None:
    ex = Exchange("ok")
    async with ex.client() as client:
        result = await spot_order(client)
    [oid] = ex.placement_oids()
    assert OID.match(oid)
    assert (result.order_id, result.client_oid) == ("1001", oid)
    assert ex.placements[0] == {"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "force": "gtc",
                                "price": "30000.1", "size": "0.001", "clientOid": oid}
    assert ex.lookups == []


@pytest.mark.anyio
async def test_caller_client_oid_kept() -> None:
    ex = Exchange("ok")
    async with ex.client() as client:
        result = await spot_order(client, client_oid="my-oid-1")
    assert ex.placement_oids() == ["my-oid-1"]
    assert result.client_oid == "my-oid-1"


@pytest.mark.anyio
async def test_every_attempt_carries_the_same_client_oid() -> None:
    ex = Exchange("connect", "connect", "ok")
    async with ex.client() as client:
        result = await spot_order(client)
    oids = ex.placement_oids()
    assert len(oids) == 3 and len(set(oids)) == 1
    assert len({json.dumps(p) for p in ex.placements}) == 1  # byte-identical bodies
    assert ex.lookups == []  # nothing was sent before: no doubt to settle
    assert list(ex.book) == [oids[0]] and result.order_id == ex.book[oids[0]]


# -- ambiguous failures ------------------------------------------------------------------------
@pytest.mark.anyio
@pytest.mark.parametrize("fault", ["lost", "reset", "5xx"])
async def test_ambiguous_failure_found_by_lookup_is_not_resent(fault: str) -> None:
    ex = Exchange(fault)
    async with ex.client() as client:
        result = await spot_order(client)
    [oid] = ex.placement_oids()
    assert ex.lookup_paths() == ["/api/v2/spot/trade/orderInfo"]
    assert ex.lookups[0].url.query.decode() == f"clientOid={oid}"
    assert (result.order_id, result.client_oid) == (ex.book[oid], oid)
    assert type(result).__name__ == "SpotPlaceOrder"
    assert len(ex.book) == 1


@pytest.mark.anyio
@pytest.mark.parametrize("not_found", ["empty", "error"])
async def test_not_found_is_resent_with_the_same_client_oid(not_found: str) -> None:
    ex = Exchange("unplaced", "ok", not_found=not_found)
    async with ex.client() as client:
        result = await spot_order(client)
    oids = ex.placement_oids()
    assert len(oids) == 2 and oids[0] == oids[1]
    assert ex.lookup_paths() == ["/api/v2/spot/trade/orderInfo"]
    assert list(ex.book) == [oids[0]]
    assert result.order_id == ex.book[oids[0]]


@pytest.mark.anyio
async def test_late_order_resent_gets_duplicate_and_is_found() -> None:
    # Placed, answer lost, not yet visible to the lookup: we re-send, the exchange says
    # "duplicate clientOid", and the second lookup finds the one order.
    ex = Exchange("lost", hidden=1)
    async with ex.client() as client:
        result = await spot_order(client)
    oids = ex.placement_oids()
    assert len(oids) == 2 and oids[0] == oids[1]
    assert ex.lookup_paths() == ["/api/v2/spot/trade/orderInfo"] * 2
    assert len(ex.book) == 1 and result.order_id == ex.book[oids[0]]


@pytest.mark.anyio
async def test_reused_client_oid_on_the_first_attempt_is_the_callers_error() -> None:
    # Edge 1: a second, different order under a clientOid already taken must not come back as
    # "placed" with the first order's id.  Nothing this call sent can have placed the first.
    ex = Exchange("ok")
    async with ex.client() as client:
        first = await spot_order(client, client_oid="x1")
        with pytest.raises(DuplicateClientOidError) as info:
            await client.spot.trade.place_order(
                symbol="ETHUSDT", side="sell", order_type="limit", force="gtc", price="2000", size="1", client_oid="x1"
            )
        with pytest.raises(DuplicateClientOidError):
            await spot_order(client, client_oid="x1")  # even the very same order: the caller reused it
    assert (info.value.code, info.value.client_oid) == ("43118", "x1")
    assert ex.placement_oids() == ["x1", "x1", "x1"]
    assert ex.lookups == []  # the answer is definite: nothing to look up
    assert ex.book == {"x1": first.order_id}


@pytest.mark.anyio
async def test_order_found_on_retry_is_accepted_only_if_it_is_the_order_sent() -> None:
    # The clientOid belongs to an older, different order; this call's first attempt is lost
    # before the exchange placed it, so the lookup finds the old order: not this call's.
    ex = Exchange("ok", "unplaced")
    async with ex.client() as client:
        await client.spot.trade.place_order(
            symbol="BTCUSDT", side="sell", order_type="limit", force="gtc", price="31000", size="0.5", client_oid="x2"
        )
        with pytest.raises(DuplicateClientOidError) as info:
            await spot_order(client, client_oid="x2")
    assert info.value.client_oid == "x2"
    assert "side 'sell' on the exchange, 'buy' sent" in info.value.msg
    assert len(ex.placements) == 2 and len(ex.lookups) == 1 and len(ex.book) == 1


@pytest.mark.anyio
async def test_duplicate_answer_to_a_resend_with_the_order_invisible_is_unknown() -> None:
    # Placed by the lost first attempt, then hidden from every lookup: the re-send's duplicate
    # answer says it exists, no lookup shows it: the outcome cannot be established.
    ex = Exchange("lost", hidden=5)
    async with ex.client() as client:
        with pytest.raises(OrderStateUnknownError) as info:
            await spot_order(client, client_oid="dup-2")
    assert info.value.client_oid == "dup-2"
    assert isinstance(info.value.__cause__, DuplicateClientOidError)
    assert len(ex.placements) == 2 and len(ex.lookups) == 2 and list(ex.book) == ["dup-2"]


@pytest.mark.anyio
async def test_lookup_failure_raises_order_state_unknown() -> None:
    ex = Exchange("lost", lookup_faults=("5xx", "5xx", "5xx"))
    async with ex.client() as client:
        with pytest.raises(OrderStateUnknownError) as info:
            await spot_order(client, client_oid="unknown-1")
    err = info.value
    assert (err.client_oid, err.method, err.path) == ("unknown-1", "POST", "/api/v2/spot/trade/place-order")
    assert "unknown-1" in repr(err)
    assert len(ex.placements) == 1  # never re-sent while its state is unknown
    assert len(ex.lookups) == 3  # the lookup is a read: retried on 5xx
    assert list(ex.book) == ["unknown-1"]


@pytest.mark.anyio
async def test_route_without_lookup_raises_order_state_unknown() -> None:
    ex = Exchange("lost")
    async with ex.client() as client:
        with pytest.raises(OrderStateUnknownError) as info:
            await client.spot.trade.place_plan_order(
                symbol="BTCUSDT", side="buy", trigger_price="30000", order_type="market", size="10",
                trigger_type="fill_price", client_oid="plan-1",
            )
    assert info.value.client_oid == "plan-1"
    assert len(ex.placements) == 1 and ex.lookups == []


@pytest.mark.anyio
async def test_no_retry_budget_ends_in_order_state_unknown_not_a_timeout() -> None:
    # Edge 3: the request was sent, the lookup does not see it, and there is no attempt left:
    # it may still execute late, so the caller gets OrderStateUnknownError, never a TimeoutError.
    ex = Exchange("unplaced", "ok")
    async with ex.client() as client:
        with pytest.raises(OrderStateUnknownError) as info:
            await spot_order(client, retries=0, client_oid="late-1")
    assert info.value.client_oid == "late-1"
    assert isinstance(info.value.__cause__, TimeoutError) and info.value.__cause__.request_sent
    assert len(ex.placements) == 1 and len(ex.lookups) == 1
    assert ex.book == {}


@pytest.mark.anyio
async def test_resend_lost_again_is_found_on_the_second_lookup() -> None:
    ex = Exchange("unplaced", "lost")
    async with ex.client() as client:
        result = await spot_order(client)
    assert len(ex.placements) == 2 and len(ex.lookups) == 2
    assert len(ex.book) == 1 and result.order_id == next(iter(ex.book.values()))


# -- futures and margin lookups ---------------------------------------------------------------------
@pytest.mark.anyio
async def test_futures_lookup_by_detail() -> None:
    ex = Exchange("lost")
    async with ex.client() as client:
        result = await mix_order(client)
    [oid] = ex.placement_oids()
    assert ex.lookup_paths() == ["/api/v2/mix/order/detail"]
    assert ex.lookups[0].url.query.decode() == f"symbol=BTCUSDT&productType=USDT-FUTURES&clientOid={oid}"
    assert type(result).__name__ == "MixPlaceOrder" and result.order_id == ex.book[oid]


@pytest.mark.anyio
async def test_futures_not_found_resends() -> None:
    ex = Exchange("unplaced", "ok")
    async with ex.client() as client:
        await mix_order(client)
    assert len(ex.placements) == 2 and len(set(ex.placement_oids())) == 1
    assert ex.lookup_paths() == ["/api/v2/mix/order/detail"]
    assert len(ex.book) == 1


@pytest.mark.anyio
async def test_futures_duplicate_code_on_a_resend_is_resolved() -> None:
    ex = Exchange("lost", "ok", hidden=1)
    async with ex.client() as client:
        again = await mix_order(client, client_oid="m-1")
    assert again.order_id == ex.book["m-1"]
    assert ex.lookup_paths() == ["/api/v2/mix/order/detail"] * 2  # hidden once, then found


@pytest.mark.anyio
async def test_futures_duplicate_code_on_the_first_attempt_is_raised() -> None:
    ex = Exchange("ok")
    async with ex.client() as client:
        await mix_order(client, client_oid="m-2")
        with pytest.raises(DuplicateClientOidError) as info:
            await mix_order(client, client_oid="m-2")
    assert (info.value.code, ex.lookups) == ("40786", [])


@pytest.mark.anyio
async def test_futures_plan_order_lookup() -> None:
    ex = Exchange("5xx")
    async with ex.client() as client:
        result = await client.mix.order.place_plan_order(
            plan_type="normal_plan", symbol="BTCUSDT", product_type="USDT-FUTURES", margin_mode="crossed",
            margin_coin="USDT", size="0.01", trigger_price="30000", trigger_type="mark_price", side="buy",
            order_type="market", client_oid="plan-9",
        )
    assert ex.lookup_paths() == ["/api/v2/mix/order/orders-plan-pending"]
    assert ex.lookups[0].url.params["planType"] == "normal_plan"
    assert result.order_id == ex.book["plan-9"]


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["crossed", "isolated"])
async def test_margin_lookup_searches_open_then_history(mode: str) -> None:
    ex = Exchange("lost")
    client = ex.client()
    group = getattr(client.margin, mode)
    async with client:
        result = await group.place_order(symbol="BTCUSDT", order_type="limit", price="30000", loan_type="normal",
                                         force="gtc", base_size="0.01", side="buy")
    [oid] = ex.placement_oids()
    assert ex.lookup_paths() == [f"/api/v2/margin/{mode}/open-orders", f"/api/v2/margin/{mode}/history-orders"]
    start = str(NOW_MS - 24 * 3600 * 1000)
    for req in ex.lookups:
        assert dict(req.url.params) == {"symbol": "BTCUSDT", "clientOid": oid, "startTime": start}
    assert result.order_id == ex.book[oid]


class _BlankIdOpenOrders(Exchange):
    """Margin open-orders lists the order with a blank orderId (Bitget's "unset")."""

    def _lookup(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/open-orders"):
            self.lookups.append(request)
            data = copy.deepcopy(EXAMPLES[request.url.path]["data"])
            data["orderList"][0].update(orderId="", clientOid=request.url.params["clientOid"])
            return httpx.Response(200, content=envelope_bytes(data))
        return super()._lookup(request)


@pytest.mark.anyio
async def test_margin_lookup_never_reports_a_blank_order_id() -> None:
    """A row with a blank id is no answer: the lookup goes on to history (it used to say "None")."""
    ex = _BlankIdOpenOrders("lost")
    async with ex.client() as client:
        result = await client.margin.crossed.place_order(
            symbol="BTCUSDT", order_type="limit", price="30000", loan_type="normal", force="gtc",
            base_size="0.01", side="buy",
        )
    [oid] = ex.placement_oids()
    assert ex.lookup_paths() == ["/api/v2/margin/crossed/open-orders", "/api/v2/margin/crossed/history-orders"]
    assert result.order_id == ex.book[oid] == "1001"


@pytest.mark.anyio
async def test_margin_not_found_anywhere_resends() -> None:
    ex = Exchange("unplaced", "ok")
    async with ex.client() as client:
        await client.margin.crossed.place_order(symbol="BTCUSDT", order_type="market", loan_type="normal",
                                                force="gtc", quote_size="10", side="buy")
    assert len(ex.placements) == 2 and len(set(ex.placement_oids())) == 1
    assert len(ex.lookups) == 2 and len(ex.book) == 1


# -- batches ---------------------------------------------------------------------------------
ITEMS = [
    {"side": "buy", "order_type": "limit", "force": "gtc", "price": "30000", "size": "0.001"},
    {"side": "buy", "order_type": "limit", "force": "gtc", "price": "29000", "size": "0.001"},
    {"side": "sell", "order_type": "limit", "force": "gtc", "price": "40000", "size": "0.001"},
]


def pairs(result: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    raw = msgspec.to_builtins(result)
    ok = sorted((s["clientOid"], s["orderId"]) for s in raw["successList"] or [])
    bad = sorted((f["clientOid"], f["errorMsg"]) for f in raw["failureList"] or [])
    return ok, bad


@pytest.mark.anyio
async def test_batch_fills_each_client_oid() -> None:
    ex = Exchange("ok")
    async with ex.client() as client:
        result = await client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=ITEMS)
    oids = [i["clientOid"] for i in ex.placements[0]["orderList"]]
    assert len(set(oids)) == 3 and all(OID.match(o) for o in oids)
    assert pairs(result) == (sorted((o, ex.book[o]) for o in oids), [])


@pytest.mark.anyio
async def test_batch_settles_item_by_item_and_resends_only_the_missing() -> None:
    ex = Exchange("partial:0,2", "ok")
    async with ex.client() as client:
        result = await client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=ITEMS)
    first, second = ex.placements
    oids = [i["clientOid"] for i in first["orderList"]]
    assert [i["clientOid"] for i in second["orderList"]] == [oids[1]]
    assert second["orderList"][0] == first["orderList"][1]
    assert len(ex.lookups) == 3
    assert pairs(result) == (sorted((o, ex.book[o]) for o in oids), [])
    assert len(ex.book) == 3


@pytest.mark.anyio
async def test_batch_duplicate_item_on_resend_is_found() -> None:
    # Item 1 is invisible to the first lookup, so it is re-sent; the exchange refuses it as a
    # duplicate inside a successful batch answer, and a second lookup reports it as placed.
    ex = Exchange("partial:0,1", "ok", hidden=1)
    async with ex.client() as client:
        result = await client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=ITEMS)
    first, second = ex.placements
    oids = [i["clientOid"] for i in first["orderList"]]
    # Lookup order: item 0 hidden (the one lag), item 1 found, item 2 missing.
    assert [i["clientOid"] for i in second["orderList"]] == [oids[0], oids[2]]
    assert len(ex.lookups) == 4
    assert pairs(result) == (sorted((o, ex.book[o]) for o in oids), [])
    assert len(ex.book) == 3


@pytest.mark.anyio
async def test_batch_budget_spent_reports_placed_and_missing_items() -> None:
    ex = Exchange("partial:1", "unplaced")
    async with ex.client(retry=RetryPolicy(max_attempts=2, backoff_base=0.0, lookup_attempts=1)) as client:
        result = await client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=ITEMS)
    oids = [i["clientOid"] for i in ex.placements[0]["orderList"]]
    assert len(ex.placements) == 2 and len(ex.lookups) == 3 + 2
    ok, bad = pairs(result)
    assert ok == [(oids[1], ex.book[oids[1]])]
    assert [oid for oid, _ in bad] == sorted([oids[0], oids[2]])
    assert all(msg.startswith("not placed: the exchange has no order with this clientOid") for _, msg in bad)


@pytest.mark.anyio
async def test_batch_nothing_visible_and_budget_spent_is_unknown() -> None:
    ex = Exchange("unplaced")
    async with ex.client(retry=RetryPolicy(max_attempts=1, lookup_attempts=1)) as client:
        with pytest.raises(OrderStateUnknownError) as info:
            await client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=ITEMS)
    oids = [i["clientOid"] for i in ex.placements[0]["orderList"]]
    assert info.value.client_oid == ", ".join(oids)
    assert len(ex.placements) == 1 and len(ex.lookups) == 3 and ex.book == {}


@pytest.mark.anyio
async def test_futures_batch_lookups_use_detail_per_item() -> None:
    ex = Exchange("partial:0", "ok")
    items = [{"size": "0.01", "side": "buy", "order_type": "market"}, {"size": "0.02", "side": "sell", "order_type": "market"}]
    async with ex.client() as client:
        result = await client.mix.order.batch_place_order(
            symbol="BTCUSDT", product_type="USDT-FUTURES", margin_coin="USDT", margin_mode="crossed", order_list=items,
        )
    oids = [i["clientOid"] for i in ex.placements[0]["orderList"]]
    assert ex.lookup_paths() == ["/api/v2/mix/order/detail"] * 2
    assert [i["clientOid"] for i in ex.placements[1]["orderList"]] == [oids[1]]
    assert pairs(result) == (sorted((o, ex.book[o]) for o in oids), [])


# -- the escape hatch ------------------------------------------------------------------------
@pytest.mark.anyio
async def test_raw_request_to_an_order_route_gets_the_same_safety() -> None:
    ex = Exchange("lost")
    body = {"symbol": "BTCUSDT", "side": "buy", "orderType": "market", "force": "gtc", "size": "10"}
    async with ex.client() as client:
        result = await client.request("POST", "/api/v2/spot/trade/place-order", body=body)
    [placement] = ex.placements
    assert OID.match(placement.get("clientOid", ""))
    assert ex.lookup_paths() == ["/api/v2/spot/trade/orderInfo"]
    assert result["orderId"] == ex.book[placement["clientOid"]]
