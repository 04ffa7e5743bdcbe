"""Hop 1 of 4: ``client.spot.market.tickers(...)`` and ``client.request(...)`` -> one ``Request``.

Both spellings go through the same steps before any I/O: check the client and the per-call
options, validate the arguments into wire values (typed endpoints: the route's parameters;
``client.request``: exact values as given), give an order its ``clientOid`` and its placement
strategy, and encode the bytes (``_build.py``).  The transport then sends the request.

The endpoint objects are built from the route table, one class and no code per route; their
static types are the generated Protocols in ``_generated/surface.py``, and ``inspect.signature``
shows each one's real parameters at run time (REPLs, notebooks, ``help()``).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from ._build import encode_body_values, encode_params, raw_request, route_request
from ._config import RetryPolicy
from ._errors import ValidationError
from ._orders import OrderPlacement, fill_client_oids
from ._request import NO_OPTIONS, CallOptions, Request, parse_options
from ._routes import ROUTES, Param, Route, find_route_or_none
from ._types import UNSET

if TYPE_CHECKING:
    from ._transport import Transport

__all__ = ["Endpoint", "Group", "build_groups", "raw_call", "route_call"]

_PLAIN_PATH = re.compile(r"/api/[A-Za-z0-9/_.\-]+")
_KEYWORD = inspect.Parameter.KEYWORD_ONLY


def _annotation(p: Param) -> Any:
    if p.enum and p.kind in ("str", "list_str"):
        # The documented values for the reader, ``| str`` because Bitget takes any letter case
        # (the generated Protocols say the same).
        literal: Any = Literal.__getitem__(p.enum) | str
        return literal if p.kind == "str" else Sequence[literal]
    return {
        "str": str,
        "money": Decimal | str | int,
        "int": int | str,
        "bool": bool,
        "list_str": Sequence[str],
        "list_obj": Sequence[Mapping[str, Any]],
    }[p.kind]


_OPTION_PARAMS = (
    inspect.Parameter("extra_params", _KEYWORD, default=None, annotation=Mapping[str, Any] | None),
    inspect.Parameter("retries", _KEYWORD, default=None, annotation=int | RetryPolicy | None),
    inspect.Parameter("wait", _KEYWORD, default=None, annotation=bool | None),
    inspect.Parameter("max_wait", _KEYWORD, default=None, annotation=float | None),
    inspect.Parameter("timeout", _KEYWORD, default=None, annotation=float | None),
    inspect.Parameter("headers", _KEYWORD, default=None, annotation=Mapping[str, str] | None),
)

_CALL_OPTIONS = frozenset(p.name for p in _OPTION_PARAMS) - {"extra_params"}


def signature_of(route: Route) -> inspect.Signature:
    """The run-time signature of an endpoint: required parameters first, then the options."""
    params = [
        inspect.Parameter(p.py, _KEYWORD, default=inspect.Parameter.empty if p.required else UNSET, annotation=_annotation(p))
        for p in sorted(route.params, key=lambda p: not p.required)
    ]
    return inspect.Signature([*params, *_OPTION_PARAMS], return_annotation=route.response_type)


Build = Callable[[dict[str, Any], "OrderPlacement | None"], Request]


def _order_request(
    transport: Transport, route: Route, values: dict[str, Any], options: CallOptions, build: Build, result_type: Any
) -> Request:
    """An order's request: its clientOid(s) filled in, its placement strategy attached (the
    strategy re-builds the request when a batch is re-sent with only the missing items)."""
    values = fill_client_oids(values)
    order = OrderPlacement(
        route,
        values,
        clock_ms=lambda: transport.clock() + transport.time_offset_ms,
        policy=options.retry or transport.retry_policy,
        result_type=result_type,
        make_request=build,
    )
    return build(values, order)


def route_call(transport: Transport, route: Route, values: dict[str, Any], options: CallOptions) -> Request:
    """The request for a typed endpoint call with validated wire values."""
    if route.effect != "order":
        return route_request(route, values)

    def build(v: dict[str, Any], order: OrderPlacement | None = None) -> Request:
        return route_request(route, v, order=order)

    return _order_request(transport, route, values, options, build, None)


def raw_call(
    transport: Transport,
    method: str,
    path: str,
    params: Mapping[str, Any] | None,
    body: Mapping[str, Any] | None,
    auth: bool | None,
    options: CallOptions,
) -> Request:
    """The request for ``client.request``: any ``/api/...`` path, values sent exactly as given.

    A known route (real or reference path) goes to its real path with its rate, retry class
    and order safety, signed exactly when the route is; an unknown path is signed when the
    client has keys (``auth=`` decides either way)."""
    method = method.upper() if isinstance(method, str) else method
    if method not in ("GET", "POST"):
        raise ValidationError(f"method must be GET or POST, got {method!r}", param="method")
    if not isinstance(path, str) or not path.startswith("/api/"):
        raise ValidationError(f"path must start with /api/, got {path!r}", param="path")
    if not _PLAIN_PATH.fullmatch(path):
        # httpx would percent-encode anything else after we signed it (error 40009), and a
        # query inside the path would be dropped for known routes.
        raise ValidationError(
            f"path may hold only letters, digits and '/_-.' (query parameters go in params=), got {path!r}",
            param="path",
        )
    if method == "GET" and body:
        raise ValidationError("GET requests carry no body; use params=", param="body")
    if params is not None and not isinstance(params, Mapping):
        raise ValidationError(f"params expects a mapping, got {type(params).__name__}", param="params")
    route = find_route_or_none(method, path)
    if auth is None:
        auth = route.auth if route is not None else transport.credentials is not None
    elif not isinstance(auth, bool):
        raise ValidationError(f"auth expects a bool or None, got {type(auth).__name__}", param="auth")
    if route is not None and route.auth and not auth:
        raise ValidationError(f"{route.python_name} must be signed; auth=False refused", param="auth")
    if auth:
        transport.require_credentials(route.python_name if route is not None else path)
    query = encode_params(params or {})
    values = encode_body_values(body) if method == "POST" else {}
    final_auth = auth

    def build(v: dict[str, Any], order: OrderPlacement | None = None) -> Request:
        return raw_request(method, path, query, v if method == "POST" else None, auth=final_auth, route=route, order=order)

    if route is not None and route.effect == "order":
        return _order_request(transport, route, values, options, build, Any)
    return build(values)


class Endpoint:
    """A route bound to a client's transport: validate and encode, then send (hop 1 of 4)."""

    def __init__(self, route: Route, transport: Transport) -> None:
        self.route = route
        self._transport = transport
        self.__name__ = route.name
        self.__qualname__ = route.python_name
        self.__doc__ = (
            f"{route.title}.\n\n{route.method} {route.path}: {route.rate_per_s}/s per {route.scope}, "
            f"{'signed' if route.auth else 'public'}. Returns {route.response}.\nDoc: {route.doc}"
        )

    @property
    def __signature__(self) -> inspect.Signature:
        return signature_of(self.route)

    def __repr__(self) -> str:
        return f"<endpoint client.{self.route.python_name}: {self.route.method} {self.route.path}>"

    def __get__(self, obj: object, objtype: type | None = None) -> Endpoint:
        # Makes ``inspect.isroutine`` true, so ``help()`` and notebooks render the endpoint as a
        # function with its signature; an endpoint lives on a group instance, never on a class.
        return self

    async def __call__(self, *, extra_params: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        # The per-call options (``_OPTION_PARAMS``, the same as ``client.request``'s) are taken
        # out of ``kwargs``; what is left are the route's parameters.  Most calls pass none.
        route = self.route
        transport = self._transport
        transport.check_open()
        if route.auth:
            transport.require_credentials(route.python_name)
        options = NO_OPTIONS if _CALL_OPTIONS.isdisjoint(kwargs) else parse_options(
            transport.retry_policy, **{k: kwargs.pop(k) for k in _CALL_OPTIONS & kwargs.keys()})
        request = route_call(transport, route, route.encode_values(kwargs, extra_params), options)
        return await transport.send(request, options)


class Group:
    """A namespace of endpoints and sub-groups, e.g. ``client.spot`` or ``client.spot.market``."""

    def __init__(self, path: str) -> None:
        self._path = path

    def __repr__(self) -> str:
        names = sorted(k for k in vars(self) if not k.startswith("_"))
        return f"<group client.{self._path}: {', '.join(names)}>"


def build_groups(transport: Transport, routes: Iterable[Route] = ROUTES) -> dict[str, Group]:
    """Top-level groups for one client (built once per client, at construction)."""
    top: dict[str, Group] = {}
    for route in routes:
        parts = route.python_name.split(".")
        node: Group | None = None
        for depth, part in enumerate(parts[:-1]):
            if node is None:
                node = top.get(part)
                if node is None:
                    node = top[part] = Group(part)
            else:
                child = node.__dict__.get(part)
                if child is None:
                    child = Group(".".join(parts[: depth + 1]))
                    setattr(node, part, child)
                node = child
        assert node is not None, route.python_name
        setattr(node, parts[-1], Endpoint(route, transport))
    return top

