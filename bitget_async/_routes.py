"""The route table as objects: lookup by real or reference path, parameter validation, decoding.

The rows themselves are data in ``_generated/routes_data.py`` (generated from ``spec/``).  This module
turns each row into a ``Route``: the endpoint's facts, its parameters (which validate a call's
keyword arguments into wire values) and its response type.  Encoding those values into bytes is
``_build.py``'s job, sending them the transport's.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, Literal

from ._codec import ResponseCodec, codec_for
from ._generated.routes_data import ROUTE_ROWS
from ._params import Param, Params

__all__ = ["ROUTES", "Param", "Route", "find_route", "find_route_or_none"]

class Route:
    """One Bitget endpoint.  ``decode(body)`` turns a raw response body into its typed ``data``."""

    __slots__ = (
        "_params",
        "area",
        "auth",
        "doc",
        "effect",
        "group",
        "method",
        "name",
        "params",
        "path",
        "python_name",
        "rate_per_s",
        "response",
        "response_type",
        "scope",
        "seed_paths",
        "title",
    )

    def __init__(self, row: tuple[Any, ...]) -> None:
        (python_name, method, path, seeds, auth, rate, scope, kind, doc, area, response, response_type, title, params) = row
        self.python_name: str = python_name
        self.group, _, self.name = python_name.rpartition(".")
        self.method: str = method
        self.path: str = path
        self.seed_paths: tuple[str, ...] = tuple(seeds)
        self.auth: bool = auth
        self.rate_per_s: float = rate
        self.scope: str = scope
        # What a request may do at the exchange: decides what a retry may risk.
        self.effect: Literal["read", "write", "order"] = kind
        self.doc: str = doc
        self.area: str = area
        self.response: str = response
        self.title: str = title
        self.response_type: Any = response_type
        self.params: tuple[Param, ...] = tuple(Param.from_row(p) for p in params)
        self._params = Params(python_name, self.params)  # validation lives in _params

    def __repr__(self) -> str:
        return f"<Route {self.python_name} {self.method} {self.path}>"

    @property
    def codec(self) -> ResponseCodec[Any]:
        """The decoder of this route's answers (built once per response type, then shared)."""
        return codec_for(self.response_type)

    def decode(self, body: bytes, *, status: int = 200) -> Any:
        """Typed ``data`` of a raw response body, or the typed API error for a failed envelope."""
        return self.codec.decode(body, status=status, method=self.method, path=self.path)

    def encode_values(
        self, kwargs: Mapping[str, Any], extra_params: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Validate keyword arguments into wire values (wire names, exact strings), in table order."""
        return self._params.encode(kwargs, extra_params)


ROUTES: tuple[Route, ...] = tuple(Route(row) for row in ROUTE_ROWS)
_BY_PATH: dict[tuple[str, str], Route] = {}
for _r in ROUTES:
    _BY_PATH[(_r.method, _r.path)] = _r
for _r in ROUTES:
    for _seed in _r.seed_paths:
        _BY_PATH.setdefault((_r.method, _seed), _r)
BY_NAME: dict[str, Route] = {r.python_name: r for r in ROUTES}


def _normalize(path: str) -> str:
    path = path.split("?", 1)[0].rstrip("/")
    return path if path.startswith("/") else "/" + path


def find_route_or_none(method: str, path: str) -> Route | None:
    return _BY_PATH.get((method.upper(), _normalize(path)))


def find_route(method: str, path: str) -> Route:
    """The route for a real path or a reference ("seed") path, e.g. ``/api/v2/margin/cross/...``."""
    route = find_route_or_none(method, path)
    if route is not None:
        return route
    norm = _normalize(path)
    candidates = [f"{m} {p}" for (m, p) in _BY_PATH]
    close = difflib.get_close_matches(f"{method.upper()} {norm}", candidates, n=3, cutoff=0.6)
    hint = f"; close matches: {', '.join(close)}" if close else ""
    raise KeyError(f"no route {method.upper()} {norm}{hint}")
