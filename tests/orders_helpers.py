"""Helpers shared by the orders tests (moved from test_orders.py when it was split)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from helpers import envelope_bytes, make_client

from bitget_async import (
    BitgetClient,
    RateLimits,
    RetryPolicy,
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

    async def place(self, order: Callable[..., Awaitable[Any]], **kw: Any) -> Any:
        """One order (``spot_order``, ``mix_order``) through a fresh client on this exchange."""
        async with self.client() as client:
            return await order(client, **kw)

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
