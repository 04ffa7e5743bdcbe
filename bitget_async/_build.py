"""Wire values -> one encoded ``Request``: the only place a request's bytes are made.

Typed endpoints, ``client.request`` and the order lookups all end here, so a query string and
a JSON body are built the same way whoever asked for them (and are the bytes signed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from ._codec import ResponseCodec, codec_for, to_wire, wire_value
from ._errors import ValidationError
from ._request import Effect, OrderStrategy, Request
from ._routes import Route
from .signing import encode_query

__all__ = ["MAX_QUERY_BYTES", "RAW_CODEC", "encode_body_values", "encode_params", "encode_wire", "raw_request", "route_request"]

RAW_CODEC: ResponseCodec[Any] = codec_for(Any)
_BODY_ENCODER = msgspec.json.Encoder()
# Far above any real Bitget query (a few hundred bytes) and below what CDNs accept in a URL:
# a longer query is a caller's mistake, refused here instead of by the HTTP library mid-call.
MAX_QUERY_BYTES = 8192
# The wire name of a parameter that is the whole JSON body (an array), not one key in it.
BODY_ARRAY = "$body"


def _check_query(query: str, values: Mapping[str, Any], name: str) -> str:
    if len(query) > MAX_QUERY_BYTES:
        longest = max(values, key=lambda k: len(str(values[k])), default="")
        raise ValidationError(
            f"{name}: query string of {len(query)} bytes exceeds {MAX_QUERY_BYTES} "
            f"(longest parameter {longest!r})",
            param=longest or None,
            route=name,
        )
    return query


def encode_wire(method: str, values: Mapping[str, Any], name: str) -> tuple[str, bytes | None]:
    """(query, body) for already-validated wire values: a query for GET, a JSON body for POST."""
    if method == "GET":
        pairs = ((k, v if isinstance(v, str) else ",".join(v)) for k, v in values.items())
        return _check_query(encode_query(pairs), values, name), None
    if BODY_ARRAY in values:
        # The body is a JSON array (batch-create-subaccount-and-apikey): nothing can sit beside it.
        others = sorted(k for k in values if k != BODY_ARRAY)
        if others:
            raise ValidationError(
                f"{name}: the request body is a JSON array; cannot add {', '.join(others)}", param=others[0], route=name
            )
        return "", _BODY_ENCODER.encode(values[BODY_ARRAY])
    return "", _BODY_ENCODER.encode(values)


def route_request(
    route: Route,
    values: Mapping[str, Any],
    *,
    codec: ResponseCodec[Any] | None = None,
    auth: bool | None = None,
    order: OrderStrategy | None = None,
) -> Request:
    """The request for one call on ``route`` with validated wire ``values``."""
    query, body = encode_wire(route.method, values, route.python_name)
    codec = codec_for(route.response_type) if codec is None else codec
    return _on_route(route, query, body, route.auth if auth is None else auth, codec, values, order)


def _on_route(
    route: Route,
    query: str,
    body: bytes | None,
    auth: bool,
    codec: ResponseCodec[Any],
    values: Mapping[str, Any] | None,
    order: OrderStrategy | None,
) -> Request:
    """A request under the route's identity: its real path, name, rate, scope and retry class."""
    oid = (values or {}).get("clientOid")
    return Request(
        route.method, route.path, query, body, auth, codec, route.python_name,
        rate_per_s=route.rate_per_s, scope=route.scope, effect=route.effect,
        client_oid=oid if isinstance(oid, str) else None, order=order,
    )


def encode_params(params: Mapping[str, Any]) -> dict[str, str]:
    """Query values for ``client.request``: caller's order, exact values, ``None`` omitted."""
    values: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        if not isinstance(key, str):
            raise ValidationError(f"query parameter names must be str, got {key!r}", param=str(key))
        try:
            values[key] = wire_value(value, f"params[{key!r}]")
        except (TypeError, ValueError) as exc:
            raise ValidationError(str(exc), param=key) from None
    return values


def encode_body_values(body: Mapping[str, Any] | None) -> dict[str, Any]:
    if body is not None and not isinstance(body, Mapping):
        raise ValidationError(f"body expects a mapping, got {type(body).__name__}", param="body")
    try:
        return to_wire(body or {})
    except (TypeError, ValueError) as exc:
        raise ValidationError(str(exc), param="body") from None


def raw_request(
    method: str,
    path: str,
    query_values: Mapping[str, str],
    body_values: Mapping[str, Any] | None,
    *,
    auth: bool,
    route: Route | None = None,
    order: OrderStrategy | None = None,
) -> Request:
    """A request for ``client.request``: the caller's query and body as given (untyped answer).

    On a known ``route`` (a real or a reference path) it goes to the real path under the route's
    name, rate and retry class; on an unknown path it is named ``raw``, a read or a write by method.
    """
    query = _check_query(encode_query(query_values.items()), query_values, route.python_name if route else "raw")
    body = _BODY_ENCODER.encode(body_values or {}) if method == "POST" else None
    if route is None:
        effect: Effect = "read" if method == "GET" else "write"
        return Request(method, path, query, body, auth, RAW_CODEC, "raw", effect=effect)
    return _on_route(route, query, body, auth, RAW_CODEC, body_values, order)
