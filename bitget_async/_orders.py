"""Order placement that never places an order twice and never silently loses one.

Every order carries a ``clientOid`` (filled in by the endpoint layer when the caller gave none)
and keeps it on every attempt.  When an attempt ends ambiguously (timeout or reset after the
bytes left, HTTP 5xx, or "duplicate clientOid"), we ask the exchange for the order by that
``clientOid`` before doing anything else:

* found      -> return it, shaped like the placement response (``orderId``, ``clientOid``);
* not found  -> the exchange never executed it: send again with the same ``clientOid`` (if the
                retry budget allows; a late duplicate is rejected by the exchange and lands here);
* lookup failed, or the route has no lookup -> ``OrderStateUnknownError`` with the ``clientOid``.

Batch placements are settled item by item: items found are reported as successes, and only the
items the exchange does not know are sent again (with their own clientOids).  A re-sent item the
exchange refuses as a duplicate is looked up and reported as placed.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import msgspec

from ._config import RetryPolicy
from ._errors import (
    APIError,
    BitgetError,
    DuplicateClientOidError,
    OrderNotFoundError,
    OrderStateUnknownError,
    ResponseDecodeError,
    ServerError,
    TransportError,
    error_class_for,
)
from ._lenient import convert as lenient_convert
from ._routes import BY_NAME, Route, new_client_oid
from ._transport import Call

if TYPE_CHECKING:
    from ._transport import Transport

__all__ = ["fill_client_oids", "send_order"]

logger = logging.getLogger("bitget_async")

# How far back margin order lookups search (their list endpoints require a startTime).
_MARGIN_LOOKBACK_MS = 24 * 3600 * 1000


def _ambiguous(exc: BaseException) -> bool:
    """Might the exchange have placed the order even though we did not get its answer?"""
    if isinstance(exc, (DuplicateClientOidError, ResponseDecodeError)):
        return True  # the order exists (or a success answer did not fit the model)
    if isinstance(exc, TransportError):
        return exc.request_sent
    return isinstance(exc, ServerError)


async def _read(transport: Transport, name: str, values: dict[str, Any]) -> Any:
    route = BY_NAME[name]
    query, body, _ = route.wire({k: v for k, v in values.items() if v is not None})
    return await transport.send(route.call(query, body))


def fill_client_oids(values: dict[str, Any]) -> dict[str, Any]:
    """Give an order (or each batch item) a clientOid when the caller did not, so every retry and
    every follow-up lookup refers to the same order.  Works on wire values, so typed endpoints and
    ``client.request`` share it."""
    values = dict(values)
    items = values.get("orderList")
    if isinstance(items, list):
        values["orderList"] = [
            {**item, "clientOid": new_client_oid()} if isinstance(item, dict) and not item.get("clientOid") else item
            for item in items
        ]
    elif not values.get("clientOid"):
        values["clientOid"] = new_client_oid()
    return values


Lookup = Callable[["Transport", dict[str, Any], str], Awaitable["str | None"]]


async def _spot_lookup(transport: Transport, values: dict[str, Any], oid: str) -> str | None:
    try:
        orders = await _read(transport, "spot.trade.order_info", {"clientOid": oid})
    except OrderNotFoundError:
        return None
    return orders[0].order_id or None if orders else None


async def _mix_lookup(transport: Transport, values: dict[str, Any], oid: str) -> str | None:
    try:
        order = await _read(
            transport,
            "mix.order.detail",
            {"symbol": values.get("symbol"), "productType": values.get("productType"), "clientOid": oid},
        )
    except OrderNotFoundError:
        return None
    return order.order_id if order is not None and order.order_id else None


def _margin_lookup(mode: str) -> Lookup:
    async def lookup(transport: Transport, values: dict[str, Any], oid: str) -> str | None:
        start = str(transport.clock() + transport.time_offset_ms - _MARGIN_LOOKBACK_MS)
        for kind in ("open_orders", "history_orders"):
            try:
                page = await _read(
                    transport,
                    f"margin.{mode}.{kind}",
                    {"symbol": values.get("symbol"), "clientOid": oid, "startTime": start},
                )
            except OrderNotFoundError:
                continue
            for order in page.order_list:
                if order.client_oid == oid and order.order_id:  # a blank id is no order id
                    return str(order.order_id)
        return None

    return lookup


async def _mix_plan_lookup(transport: Transport, values: dict[str, Any], oid: str) -> str | None:
    try:
        page = await _read(
            transport,
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
    for order in page.entrusted_list:
        if order.client_oid == oid and order.order_id:  # a blank id is no order id
            return str(order.order_id)
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


async def _settle(transport: Transport, route: Route, values: dict[str, Any], oid: str) -> str | None:
    """Order id for ``oid``, None when the exchange says it does not exist; raises when unknown."""
    lookup = LOOKUPS.get(route.python_name)
    if lookup is None:
        raise OrderStateUnknownError(
            f"{route.python_name}: outcome unknown and Bitget offers no lookup by clientOid for this "
            "route; check open orders before re-sending",
            client_oid=oid, method=route.method, path=route.path,
        )
    try:
        return await lookup(transport, values, oid)
    except BitgetError as exc:
        raise OrderStateUnknownError(
            f"{route.python_name}: outcome unknown and the lookup by clientOid failed ({type(exc).__name__})",
            client_oid=oid, method=route.method, path=route.path,
        ) from exc


def _single_result(result_type: Any, order_id: str, oid: str) -> Any:
    return lenient_convert({"orderId": order_id, "clientOid": oid}, result_type)


async def send_order(
    transport: Transport,
    route: Route,
    call: Call,
    values: dict[str, Any],
    *,
    retries: int | RetryPolicy | None,
    wait: bool | None,
    max_wait: float | None,
    result_type: Any = None,
) -> Any:
    """Send an order placement; an ambiguous outcome is settled by clientOid before any re-send.

    ``result_type`` shapes a result synthesized from a lookup: the route's model by default,
    ``Any`` (plain dicts) for ``client.request``."""
    if result_type is None:
        result_type = route.response_type
    policy = transport.retry_policy
    if isinstance(retries, RetryPolicy):
        policy = retries
    elif retries is not None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        policy = dataclasses.replace(policy, max_attempts=retries + 1)
    if "orderList" in values:
        return await _send_batch(transport, route, call, values, policy, wait, max_wait, result_type)
    oid = values.get("clientOid")
    attempt = 0
    while True:
        attempt += 1
        try:
            return await transport.send(call, retries=policy, wait=wait, max_wait=max_wait)
        except (APIError, TransportError) as exc:
            if not oid or not _ambiguous(exc):
                raise
            logger.warning("%s: ambiguous failure (%s); looking up clientOid %s", route.python_name, type(exc).__name__, oid)
            order_id = await _settle(transport, route, values, oid)
            if order_id is not None:
                return _single_result(result_type, order_id, oid)
            if isinstance(exc, DuplicateClientOidError) or attempt >= policy.max_attempts:
                raise
            logger.warning("%s: clientOid %s not on the exchange; sending again", route.python_name, oid)


async def _send_batch(
    transport: Transport,
    route: Route,
    call: Call,
    values: dict[str, Any],
    policy: RetryPolicy,
    wait: bool | None,
    max_wait: float | None,
    result_type: Any,
) -> Any:
    """Place a batch; after an ambiguous failure settle each item by its clientOid and re-send
    only the items the exchange does not know.  Items confirmed absent when the retry budget is
    spent come back in ``failureList`` next to the ones placed, so the caller sees every item's
    fate instead of an exception that hides the placed ones."""
    items: list[dict[str, Any]] = list(values["orderList"])
    found: list[dict[str, str]] = []
    attempt = 0
    while True:
        attempt += 1
        try:
            result = await transport.send(call, retries=policy, wait=wait, max_wait=max_wait)
        except (APIError, TransportError) as exc:
            if not _ambiguous(exc):
                raise
            logger.warning(
                "%s: ambiguous failure (%s); looking up %d clientOids", route.python_name, type(exc).__name__, len(items)
            )
            missing = []
            for item in items:
                oid = item["clientOid"]
                order_id = await _settle(transport, route, {**values, **item}, oid)
                if order_id is None:
                    missing.append(item)
                else:
                    found.append({"orderId": order_id, "clientOid": oid})
            if not missing:
                return _batch_result(result_type, None, found, [])
            if attempt >= policy.max_attempts:
                if not found:
                    raise  # nothing was placed: the whole batch failed, and the error says why
                absent = [_absent(item["clientOid"], exc) for item in missing]
                return _batch_result(result_type, None, found, absent)
            items = missing
            query, body, _ = route.wire({**values, "orderList": items})
            call = dataclasses.replace(call, query=query, body=body)
            continue
        return await _settle_duplicates(transport, route, values, items, result, found, result_type)


def _absent(oid: str, exc: BaseException) -> dict[str, str]:
    return {
        "orderId": "",
        "clientOid": oid,
        "errorCode": str(getattr(exc, "code", "")),
        "errorMsg": f"not placed: the exchange has no order with this clientOid after {type(exc).__name__}",
    }


async def _settle_duplicates(
    transport: Transport,
    route: Route,
    values: dict[str, Any],
    items: list[dict[str, Any]],
    result: Any,
    found: list[dict[str, str]],
    result_type: Any,
) -> Any:
    """A re-sent item refused as "duplicate clientOid" was placed by an earlier attempt whose
    answer was lost: report it as placed (looked up by clientOid), not as a failure."""
    raw = msgspec.to_builtins(result)
    failures: list[dict[str, Any]] = list(raw.get("failureList") or [])
    sent = {item["clientOid"]: item for item in items}
    kept: list[dict[str, Any]] = []
    for failure in failures:
        oid = failure.get("clientOid") or ""
        code, msg = str(failure.get("errorCode") or ""), str(failure.get("errorMsg") or "")
        if oid in sent and error_class_for(code, 200, msg) is DuplicateClientOidError:
            order_id = await _settle(transport, route, {**values, **sent[oid]}, oid)
            if order_id is not None:
                found.append({"orderId": order_id, "clientOid": oid})
                continue
        kept.append(failure)
    if not found and len(kept) == len(failures):
        return result
    return _batch_result(result_type, raw.get("successList") or [], found, kept)


def _batch_result(
    result_type: Any, success: list[dict[str, Any]] | None, found: list[dict[str, str]], failure: list[dict[str, Any]]
) -> Any:
    placed = [{"orderId": f["orderId"], "clientOid": f["clientOid"]} for f in found]
    return lenient_convert({"successList": placed + list(success or []), "failureList": failure}, result_type)
