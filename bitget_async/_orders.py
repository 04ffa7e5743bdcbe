"""Order placement as a strategy of the transport's retry loop: never twice, never silently lost.

Every order carries a ``clientOid`` (filled in when the caller gave none, ``fill_client_oids``)
and keeps it on every attempt.  The transport sends; after an attempt whose outcome is ambiguous
(a timeout or reset after the bytes left, HTTP 5xx, a success answer without data, a "duplicate
clientOid" answer to a re-send) it asks this strategy, which looks the order up by ``clientOid``
(a few times, to cover Bitget's visibility lag):

* found, and it is the order this call sent -> the call's result (``orderId``, ``clientOid``);
* found, but a different order (symbol, side, size, price or type differ) -> the clientOid was
  the caller's reuse of an old one: ``DuplicateClientOidError``;
* not found -> the exchange holds no such order: the transport sends again, same clientOid,
  within the one attempt budget; when the budget is spent -> ``OrderStateUnknownError``;
* the lookup itself failed, or the route has no lookup -> ``OrderStateUnknownError``.

So an order call ends in exactly one of three ways: the order, a definite rejection by the
exchange, or ``OrderStateUnknownError(client_oid)``.  A "duplicate clientOid" answer to the
*first* attempt is the caller's error and is raised as such.

Batches are settled item by item: items found are reported as placed, and only the items the
exchange does not know are sent again (with their own clientOids).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import anyio
import msgspec

from ._build import route_request
from ._config import RetryPolicy
from ._error_codes import error_class_for
from ._errors import (
    APIError,
    BitgetError,
    DuplicateClientOidError,
    OrderNotFoundError,
    OrderStateUnknownError,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
    TransportError,
    ValidationError,
)
from ._lenient import convert as lenient_convert
from ._request import Request, Sender
from ._routes import BY_NAME, Route

__all__ = ["LOOKUPS", "OrderPlacement", "fill_client_oids", "new_client_oid"]

logger = logging.getLogger("bitget_async")

# How far back margin order lookups search (their list endpoints require a startTime).
_MARGIN_LOOKBACK_MS = 24 * 3600 * 1000
# What must agree between the order sent and the order found under its clientOid.
_MATCH_FIELDS = ("symbol", "side", "orderType", "size", "price")


def new_client_oid() -> str:
    """A fresh clientOid: 32 hex characters, unique enough to never collide in practice."""
    return os.urandom(16).hex()  # same 128 random bits as uuid4, without building a UUID


def fill_client_oids(values: dict[str, Any]) -> dict[str, Any]:
    """Give an order (or each batch item) a clientOid when the caller did not, so every retry and
    every follow-up lookup refers to the same order.  Works on wire values, so typed endpoints and
    ``client.request`` share it."""
    values = dict(values)
    if "orderList" in values:
        items = values["orderList"]
        if not isinstance(items, list) or not all(isinstance(item, Mapping) for item in items):
            raise ValidationError("orderList expects a list of order objects", param="orderList")
        values["orderList"] = [
            item if item.get("clientOid") else {**item, "clientOid": new_client_oid()} for item in items
        ]
    elif not values.get("clientOid"):
        values["clientOid"] = new_client_oid()
    return values


class Found(msgspec.Struct, frozen=True):
    """An order the exchange holds under a clientOid, with the fields compared against the sent one."""

    order_id: str
    fields: dict[str, Any]


Lookup = Callable[[Sender, Mapping[str, Any], str, int], Awaitable["Found | None"]]


def _fields(order: Any) -> dict[str, Any]:
    raw = msgspec.to_builtins(order, builtin_types=(Decimal,))
    return raw if isinstance(raw, dict) else {}


async def _read(send: Sender, name: str, values: Mapping[str, Any]) -> Any:
    route = BY_NAME[name]
    return await send(route_request(route, {k: v for k, v in values.items() if v is not None}))


async def _spot_lookup(send: Sender, values: Mapping[str, Any], oid: str, now_ms: int) -> Found | None:
    try:
        orders = await _read(send, "spot.trade.order_info", {"clientOid": oid})
    except OrderNotFoundError:
        return None
    # A blank id is no order id (the lenient models read "" as None).
    return Found(str(orders[0].order_id), _fields(orders[0])) if orders and orders[0].order_id else None


async def _mix_lookup(send: Sender, values: Mapping[str, Any], oid: str, now_ms: int) -> Found | None:
    try:
        order = await _read(
            send,
            "mix.order.detail",
            {"symbol": values.get("symbol"), "productType": values.get("productType"), "clientOid": oid},
        )
    except OrderNotFoundError:
        return None
    if order is None or not order.order_id:
        return None
    return Found(str(order.order_id), _fields(order))


def _margin_lookup(mode: str) -> Lookup:
    async def lookup(send: Sender, values: Mapping[str, Any], oid: str, now_ms: int) -> Found | None:
        start = str(now_ms - _MARGIN_LOOKBACK_MS)
        for kind in ("open_orders", "history_orders"):
            try:
                page = await _read(
                    send, f"margin.{mode}.{kind}", {"symbol": values.get("symbol"), "clientOid": oid, "startTime": start}
                )
            except OrderNotFoundError:
                continue
            for order in (page.order_list if page is not None else None) or ():
                if order.client_oid == oid and order.order_id:
                    return Found(str(order.order_id), _fields(order))
        return None

    return lookup


async def _mix_plan_lookup(send: Sender, values: Mapping[str, Any], oid: str, now_ms: int) -> Found | None:
    try:
        page = await _read(
            send,
            "mix.order.orders_plan_pending",
            {
                "clientOid": oid,
                "symbol": values.get("symbol"),
                "planType": values.get("planType") or "normal_plan",
                "productType": values.get("productType"),
            },
        )
    except OrderNotFoundError:
        return None
    for order in (page.entrusted_list if page is not None else None) or ():
        if order.client_oid == oid and order.order_id:
            return Found(str(order.order_id), _fields(order))
    return None


# Placement route -> how to find one of its orders by clientOid.  Routes missing here (spot plan
# orders, TP/SL) have no clientOid lookup on Bitget: ambiguous failures raise OrderStateUnknownError.
LOOKUPS: dict[str, Lookup] = {
    "spot.trade.place_order": _spot_lookup,
    "spot.trade.batch_orders": _spot_lookup,
    "mix.order.place_order": _mix_lookup,
    "mix.order.batch_place_order": _mix_lookup,
    "margin.crossed.place_order": _margin_lookup("crossed"),
    "margin.crossed.batch_place_order": _margin_lookup("crossed"),
    "margin.isolated.place_order": _margin_lookup("isolated"),
    "margin.isolated.batch_place_order": _margin_lookup("isolated"),
    "mix.order.place_plan_order": _mix_plan_lookup,
}


def _same(sent: Any, found: Any, key: str) -> bool:
    if key in ("size", "price"):
        try:
            return Decimal(str(sent)) == Decimal(str(found))
        except (InvalidOperation, ValueError):
            return str(sent) == str(found)
    return str(sent).lower() == str(found).lower()


def mismatch(sent: Mapping[str, Any], found: Mapping[str, Any]) -> str | None:
    """The first field where the order found differs from the order sent (None: same order).

    Fields either side leaves out are not compared (a market order has no price; a lookup
    answer may not echo every field)."""
    market = str(sent.get("orderType", "")).lower() == "market"
    for key in _MATCH_FIELDS:
        if key == "price" and market:
            continue
        a, b = sent.get(key), found.get(key)
        if a in (None, "") or b in (None, ""):
            continue
        if not _same(a, b, key):
            return f"{key} {b!r} on the exchange, {a!r} sent"
    return None


def _is_definite(exc: BitgetError) -> bool:
    """An answer that settles the attempt: the exchange refused it, so it did not place it."""
    if isinstance(exc, (ServerError, ResponseDecodeError)):
        return False
    if isinstance(exc, RateLimitError):
        return exc.http_status != 0  # a local refusal sent nothing, but says nothing of earlier attempts
    return isinstance(exc, APIError)


class OrderPlacement:
    """The strategy for one order call (single or batch); state lives for that call only."""

    def __init__(
        self,
        route: Route,
        values: dict[str, Any],
        *,
        clock_ms: Callable[[], int],
        policy: RetryPolicy,
        result_type: Any = None,
        make_request: Callable[[dict[str, Any], OrderPlacement], Request] | None = None,
    ) -> None:
        self.route = route
        self.values = values
        self.client_oid = str(values.get("clientOid") or "")
        self._clock_ms = clock_ms
        self._policy = policy
        self._result_type = route.response_type if result_type is None else result_type
        self._make_request = make_request
        self._lookup = LOOKUPS.get(route.python_name)
        self.maybe_placed = False  # some attempt may have placed (part of) the order
        self._batch = "orderList" in values
        self._items: list[dict[str, Any]] = list(values.get("orderList") or [])
        self._found: list[dict[str, str]] = []
        self._next: Request | None = None

    # -- what the loop asks -----------------------------------------------------------------
    def ambiguous(self, exc: BitgetError) -> bool:
        if isinstance(exc, (DuplicateClientOidError, ResponseDecodeError, ServerError)):
            return True
        return isinstance(exc, TransportError) and exc.request_sent

    def resend(self) -> Request | None:
        request, self._next = self._next, None
        return request

    def unknown(self, reason: str, cause: BaseException | None = None) -> OrderStateUnknownError:
        oids = self.client_oid or ", ".join(str(i.get("clientOid")) for i in self._items)
        err = OrderStateUnknownError(
            f"{self.route.python_name}: outcome unknown ({reason}); look the order up by clientOid "
            f"{oids} before sending it again",
            client_oid=oids, method=self.route.method, path=self.route.path,
        )
        err.__cause__ = cause
        return err

    async def check(self, send: Sender, result: Any, attempt: int) -> Any:
        """A success answer: make sure it proves the order exists, then shape the result."""
        if result is None:
            raise ResponseDecodeError(
                "success answer without data: the order may or may not have been placed",
                body=b"", http_status=200, method=self.route.method, path=self.route.path,
            )
        if self._batch:
            return await self._settle_duplicates(send, result)
        return result

    async def settle(self, send: Sender, exc: BitgetError, attempt: int, final: bool) -> tuple[Any] | None:
        """After an ambiguous failure: ``(result,)`` when the order exists, ``None`` when the
        exchange holds none and a re-send is safe; raises the call's final error otherwise."""
        if isinstance(exc, DuplicateClientOidError) and not self.maybe_placed:
            raise exc  # the first send of this clientOid: the caller reused an old one
        self.maybe_placed = True
        logger.warning(
            "%s: ambiguous failure (%s); looking up clientOid %s",
            self.route.python_name, type(exc).__name__, self.client_oid or f"x{len(self._items)}",
        )
        if self._batch:
            return await self._settle_batch(send, exc, final)
        found = await self._find(send, self.values, self.client_oid, exc)
        if found is not None:
            return (self._accept(found, exc),)
        if isinstance(exc, DuplicateClientOidError):
            raise self.unknown("the exchange reports the clientOid as taken but no lookup finds the order", exc)
        if final:
            raise self.unknown(f"not visible after {type(exc).__name__} and the attempt budget is spent", exc)
        logger.warning("%s: clientOid %s not on the exchange; sending again", self.route.python_name, self.client_oid)
        return None

    async def final(self, send: Sender, exc: BitgetError) -> Any:
        """The loop gives up on ``exc``: raise it, unless an earlier attempt may have placed the
        order, in which case its fate is looked up once more."""
        if not self.maybe_placed or _is_definite(exc):
            raise exc
        settled = await self.settle(send, exc, 0, final=True)
        assert settled is not None  # final=True never asks for a re-send
        return settled[0]

    # -- lookups ----------------------------------------------------------------------------
    async def _find(self, send: Sender, values: Mapping[str, Any], oid: str, exc: BitgetError) -> Found | None:
        """The order under ``oid``, looked up a few times to cover the exchange's visibility lag."""
        lookup = self._lookup
        if lookup is None:
            raise self.unknown("Bitget offers no lookup by clientOid for this route", exc)
        policy = self._policy
        for i in range(policy.lookup_attempts):
            if i:
                await anyio.sleep(policy.lookup_delay * i)
            try:
                found = await lookup(send, values, oid, self._clock_ms())
            except BitgetError as err:
                raise self.unknown(f"the lookup by clientOid failed: {type(err).__name__}", err) from err
            if found is not None:
                return found
        return None

    def _accept(self, found: Found, exc: BitgetError) -> Any:
        return self._shape({"orderId": found.order_id, "clientOid": self.client_oid}, self.values, found, exc)

    def _shape(self, result: dict[str, str], sent: Mapping[str, Any], found: Found, exc: BitgetError) -> Any:
        diff = mismatch(sent, found.fields)
        if diff is not None:
            raise DuplicateClientOidError(
                "DUPLICATE",
                f"clientOid {result['clientOid']} belongs to another order on the exchange ({diff})",
                http_status=getattr(exc, "http_status", 0), method=self.route.method, path=self.route.path,
                client_oid=result["clientOid"],
            )
        if self._batch:
            return result
        return lenient_convert(result, self._result_type)

    # -- batches ----------------------------------------------------------------------------
    async def _settle_batch(self, send: Sender, exc: BitgetError, final: bool) -> tuple[Any] | None:
        missing: list[dict[str, Any]] = []
        for item in self._items:
            oid = str(item["clientOid"])
            found = await self._find(send, {**self.values, **item}, oid, exc)
            if found is None:
                missing.append(item)
            else:
                self._found.append(self._shape({"orderId": found.order_id, "clientOid": oid}, item, found, exc))
        if not missing:
            return (self._batch_result([], []),)
        if final:
            if not self._found:
                raise self.unknown(f"no item visible after {type(exc).__name__} and the attempt budget is spent", exc)
            return (self._batch_result([], [_absent(str(i["clientOid"]), exc) for i in missing]),)
        self._items = missing
        assert self._make_request is not None
        self._next = self._make_request({**self.values, "orderList": missing}, self)
        return None

    async def _settle_duplicates(self, send: Sender, result: Any) -> Any:
        """A re-sent item refused as "duplicate clientOid" was placed by an earlier attempt whose
        answer was lost: report it as placed (looked up by clientOid), not as a failure."""
        raw = msgspec.to_builtins(result)
        if not isinstance(raw, dict):
            raise ResponseDecodeError(
                "batch answer is not an object", body=b"", http_status=200, method=self.route.method, path=self.route.path
            )
        failures: list[dict[str, Any]] = list(raw.get("failureList") or [])
        sent = {str(item["clientOid"]): item for item in self._items}
        kept: list[dict[str, Any]] = []
        for failure in failures:
            oid = str(failure.get("clientOid") or "")
            code, msg = str(failure.get("errorCode") or ""), str(failure.get("errorMsg") or "")
            if self.maybe_placed and oid in sent and error_class_for(code, 200, msg) is DuplicateClientOidError:
                err = DuplicateClientOidError(code, msg, http_status=200, method=self.route.method, path=self.route.path)
                found = await self._find(send, {**self.values, **sent[oid]}, oid, err)
                if found is not None:
                    self._found.append(self._shape({"orderId": found.order_id, "clientOid": oid}, sent[oid], found, err))
                    continue
            kept.append(failure)
        if not self._found and len(kept) == len(failures):
            return result
        return self._batch_result(list(raw.get("successList") or []), kept)

    def _batch_result(self, success: list[dict[str, Any]], failure: list[dict[str, Any]]) -> Any:
        return lenient_convert({"successList": list(self._found) + success, "failureList": failure}, self._result_type)


def _absent(oid: str, exc: BaseException) -> dict[str, str]:
    return {
        "orderId": "",
        "clientOid": oid,
        "errorCode": str(getattr(exc, "code", "")),
        "errorMsg": f"not placed: the exchange has no order with this clientOid after {type(exc).__name__}",
    }
