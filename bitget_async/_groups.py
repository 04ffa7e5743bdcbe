"""Builds ``client.spot.market.tickers(...)`` from the route table: one bound-endpoint class,
no code per route.  The static types of these objects live in the generated ``_generated/surface.py``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ._codec import wire_value
from ._config import RetryPolicy
from ._errors import ValidationError
from ._orders import fill_client_oids, send_order
from ._routes import ROUTES, Route
from .signing import encode_query

if TYPE_CHECKING:
    from ._transport import Transport

__all__ = ["Endpoint", "Group", "build_groups", "encode_query_params"]


class Endpoint:
    """A route bound to a client's transport: validate and encode, then send (hop 1 of 4)."""


    def __init__(self, route: Route, transport: Transport) -> None:
        self.route = route
        self._transport = transport
        self.__doc__ = (
            f"{route.title}.\n\n{route.method} {route.path}: {route.rate_per_s}/s per {route.scope}, "
            f"{'signed' if route.auth else 'public'}. Returns {route.response}.\nDoc: {route.doc}"
        )

    def __repr__(self) -> str:
        return f"<endpoint client.{self.route.python_name}: {self.route.method} {self.route.path}>"

    async def __call__(
        self,
        *,
        extra_params: Mapping[str, Any] | None = None,
        retries: int | RetryPolicy | None = None,
        wait: bool | None = None,
        max_wait: float | None = None,
        **kwargs: Any,
    ) -> Any:
        route = self.route
        transport = self._transport
        transport.check_open()
        if route.auth:
            transport.require_credentials(route.python_name)
        values = route.encode_values(kwargs, extra_params)
        if route.kind == "order":
            values = fill_client_oids(values)
        query, body, _ = route.wire(values)
        call = route.call(query, body, client_oid=values.get("clientOid"))
        if route.kind == "order":
            return await send_order(transport, route, call, values, retries=retries, wait=wait, max_wait=max_wait)
        return await transport.send(call, retries=retries, wait=wait, max_wait=max_wait)


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


def encode_query_params(params: Mapping[str, Any]) -> str:
    """Query string for ``client.request``: caller's order, exact values, ``None`` omitted."""
    items = []
    for key, value in params.items():
        if value is None:
            continue
        if not isinstance(key, str):
            raise ValidationError(f"query parameter names must be str, got {key!r}", param=str(key))
        try:
            items.append((key, wire_value(value, f"params[{key!r}]")))
        except (TypeError, ValueError) as exc:
            raise ValidationError(str(exc), param=key) from None
    return encode_query(items)
