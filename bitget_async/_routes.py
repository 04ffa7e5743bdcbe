"""The route table as objects: lookup by real or reference path, parameter validation, decoding.

The rows themselves are data in ``_routes_data.py`` (generated from ``tests/data``).  This module
turns each row into a ``Route`` that knows how to validate and encode a call's keyword arguments
into the exact query string or JSON body, and how to decode a response body into its model.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import msgspec

from . import models
from ._codec import ResponseCodec, wire_value
from ._errors import ValidationError
from ._routes_data import ROUTE_ROWS
from ._transport import Call
from ._types import UNSET
from .signing import encode_query

__all__ = ["ROUTES", "Param", "Route", "find_route", "find_route_or_none"]

Kind = Literal["str", "money", "int", "bool", "list_str", "list_obj"]
Condition = tuple[tuple[tuple[str, str, tuple[str, ...]], ...], ...]




@dataclasses.dataclass(frozen=True, slots=True)
class Param:
    """One request parameter: python name, wire name, kind and the documented constraints."""

    py: str
    wire: str
    kind: Kind
    required: bool
    enum: tuple[str, ...] | None
    default: str | None  # the server's documented default when omitted (never sent by us)
    max: int | None
    max_items: int | None
    where: str  # "query", "body" or "item"
    when: Condition | None
    item: str | None
    children: tuple[Param, ...]

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Param:
        when = row["when"]
        return cls(
            py=row["py"],
            wire=row["wire"],
            kind=row["kind"],
            required=row["required"],
            enum=row["enum"],
            default=row["default"],
            max=row["max"],
            max_items=row["max_items"],
            where=row["where"],
            when=tuple(tuple(tuple(c) for c in alt) for alt in when) if when else None,
            item=row["item"],
            children=tuple(cls.from_row(c) for c in row["children"]),
        )

    def describe(self) -> str:
        if self.enum:
            return "one of " + ", ".join(repr(e) for e in self.enum)
        return {
            "str": "a str",
            "money": "a Decimal, str or int amount",
            "int": "an int",
            "bool": "a bool",
            "list_str": "a list of str",
            "list_obj": "a list of items",
        }[self.kind]

    def encode(self, value: Any, where: str, context: Mapping[str, Any] | None = None) -> Any:
        """Validate one value and return its wire form (str for scalars).

        ``context`` holds the call's other wire values: a batch item's field may be required by
        a top-level one (``orderList[].symbol`` when ``batchMode = multiple``)."""
        label = f"{where}: parameter {self.py!r}"
        kind = self.kind
        if kind == "str":
            if not isinstance(value, str):
                raise ValidationError(f"{label} expects {self.describe()}, got {type(value).__name__}", param=self.py)
            if self.enum is not None and value not in self.enum:
                # A case slip ("usdt-futures") is the commonest; difflib alone would miss it.
                close = [e for e in self.enum if e.lower() == value.lower()] or difflib.get_close_matches(
                    value, self.enum, n=1
                )
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ValidationError(f"{label} must be {self.describe()}, got {value!r}{hint}", param=self.py)
            return value
        if kind in ("money", "int"):
            try:
                text = wire_value(value, label)
            except (TypeError, ValueError) as exc:
                raise ValidationError(str(exc), param=self.py) from None
            if isinstance(value, str) or kind == "int":
                self._check_number(text, label)
            if self.max is not None and Decimal(text) > self.max:
                raise ValidationError(f"{label} is {text}, above the documented maximum {self.max}", param=self.py)
            return text
        if kind == "bool":
            if not isinstance(value, bool):
                raise ValidationError(f"{label} expects a bool, got {type(value).__name__}", param=self.py)
            return "true" if value else "false"
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise ValidationError(f"{label} expects a list, got {type(value).__name__}", param=self.py)
        if self.max_items is not None and len(value) > self.max_items:
            raise ValidationError(
                f"{label} has {len(value)} items, above the documented maximum {self.max_items}", param=self.py
            )
        if kind == "list_str":
            for i, v in enumerate(value):
                if not isinstance(v, str):
                    raise ValidationError(f"{label}[{i}] expects a str, got {type(v).__name__}", param=self.py)
                if self.enum is not None and v not in self.enum:
                    raise ValidationError(f"{label}[{i}] must be {self.describe()}, got {v!r}", param=self.py)
            return list(value)
        ctx = context or {}
        return [self._encode_item(v, f"{where}: {self.py}[{i}]", ctx) for i, v in enumerate(value)]

    def _check_number(self, text: str, label: str) -> None:
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise ValidationError(f"{label} expects a number, got {text!r}", param=self.py) from None
        if not d.is_finite() or "e" in text.lower():
            raise ValidationError(f"{label} expects a plain decimal number, got {text!r}", param=self.py)
        if self.kind == "int" and d != d.to_integral_value():
            raise ValidationError(f"{label} expects an integer, got {text!r}", param=self.py)

    def _encode_item(self, item: Any, where: str, context: Mapping[str, Any]) -> dict[str, Any]:
        if isinstance(item, msgspec.Struct):
            raw: Mapping[str, Any] = msgspec.to_builtins(item, builtin_types=(Decimal,))
        elif isinstance(item, Mapping):
            raw = item
        else:
            raise ValidationError(f"{where} expects a request struct or a dict, got {type(item).__name__}", param=self.py)
        by_name = {c.py: c for c in self.children}
        by_name.update({c.wire: c for c in self.children})
        out: dict[str, Any] = {}
        for key, value in raw.items():
            child = by_name.get(key)
            if child is None:
                if not isinstance(key, str):
                    raise ValidationError(f"{where}: keys must be str", param=self.py)
                # Unknown item keys pass through (Bitget adds fields), still encoded exactly.
                out[key] = _extra_value(value, f"{where}.{key}")
                continue
            if value is None or value is UNSET:
                continue
            out[child.wire] = child.encode(value, where)
        present = set(out)
        for child in self.children:
            if child.wire not in present and child.required:
                raise ValidationError(
                    f"{where}: missing required field {child.py!r} ({child.describe()})", param=self.py
                )
            if (
                child.wire not in present
                and child.when is not None
                and _condition_holds(child.when, {**context, **out})
            ):
                raise ValidationError(
                    f"{where}: field {child.py!r} is required when {_describe_when(child.when)}", param=self.py
                )
        return out


def _extra_value(value: Any, label: str) -> Any:
    if isinstance(value, (list, tuple)):
        return [_extra_value(v, label) for v in value]
    if isinstance(value, Mapping):
        return {k: _extra_value(v, f"{label}.{k}") for k, v in value.items()}
    try:
        return wire_value(value, label)
    except (TypeError, ValueError) as exc:
        raise ValidationError(str(exc), param=label) from None


def _describe_when(when: Condition) -> str:
    """``orderType = limit``, ``clientOid not given``: the documented condition, in its words."""
    words = {"set": "is set", "unset": "not given"}
    return " or ".join(
        " and ".join(
            f"{name} {words[op]}" if op in words else f"{name} = {'/'.join(values)}"
            for name, op, values in alternative
        )
        for alternative in when
    )


def _condition_holds(when: Condition, present: Mapping[str, Any]) -> bool:
    for alternative in when:
        ok = True
        for name, op, values in alternative:
            got = present.get(name)
            if op == "set":
                ok = got is not None
            elif op == "unset":
                ok = got is None
            else:
                ok = got is not None and str(got) in values
            if not ok:
                break
        if ok:
            return True
    return False


_NAMESPACE: dict[str, Any] = {"list": list, "Any": Any, "None": None, "dict": dict, "str": str}
_NAMESPACE.update({n: getattr(models, n) for n in models.__all__})


class Route:
    """One Bitget endpoint.  ``decode(body)`` turns a raw response body into its typed ``data``."""

    __slots__ = (
        "_by_py",
        "_codec",
        "_conditional",
        "area",
        "auth",
        "doc",
        "group",
        "kind",
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
        (python_name, method, path, seeds, auth, rate, scope, kind, doc, area, response, title, params) = row
        self.python_name: str = python_name
        self.group, _, self.name = python_name.rpartition(".")
        self.method: str = method
        self.path: str = path
        self.seed_paths: tuple[str, ...] = tuple(seeds)
        self.auth: bool = auth
        self.rate_per_s: float = rate
        self.scope: str = scope
        self.kind: Literal["read", "write", "order"] = kind
        self.doc: str = doc
        self.area: str = area
        self.response: str = response
        self.title: str = title
        self.response_type: Any = eval(response, {}, _NAMESPACE)
        self.params: tuple[Param, ...] = tuple(Param.from_row(p) for p in params)
        self._by_py = {p.py: p for p in self.params}
        self._conditional = tuple(p for p in self.params if p.when is not None and not p.required)
        self._codec: ResponseCodec[Any] | None = None

    def __repr__(self) -> str:
        return f"<Route {self.python_name} {self.method} {self.path}>"

    @property
    def codec(self) -> ResponseCodec[Any]:
        codec = self._codec
        if codec is None:  # built on first use, then reused for every call
            codec = self._codec = ResponseCodec(self.response_type)
        return codec

    def decode(self, body: bytes, *, status: int = 200) -> Any:
        """Typed ``data`` of a raw response body, or the typed API error for a failed envelope."""
        return self.codec.decode(body, status=status, method=self.method, path=self.path)

    def encode(
        self, kwargs: Mapping[str, Any], extra_params: Mapping[str, Any] | None = None
    ) -> tuple[str, bytes | None, dict[str, Any]]:
        """Validate keyword arguments and build (query, body bytes, wire values) before any I/O."""
        return self.wire(self.encode_values(kwargs, extra_params))

    def encode_values(
        self, kwargs: Mapping[str, Any], extra_params: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Validate keyword arguments into wire values (wire names, exact strings), in table order."""
        by_py = self._by_py
        for key in kwargs:
            if key not in by_py:
                # The wire spelling (``productType``) is the likeliest slip: name its python twin.
                close = [p.py for p in self.params if p.wire == key] or difflib.get_close_matches(
                    key, list(by_py), n=1
                )
                hint = f"; did you mean {close[0]!r}?" if close else ""
                known = ", ".join(by_py) or "none"
                raise ValidationError(
                    f"{self.python_name}: unknown parameter {key!r}{hint} (known: {known}; "
                    "use extra_params= for parameters the table does not know yet)",
                    param=key,
                    route=self.python_name,
                )
        values: dict[str, Any] = {}
        batches: list[tuple[Param, Any]] = []
        for p in self.params:
            v = kwargs.get(p.py, UNSET)
            if v is UNSET or v is None:
                if p.required:
                    raise ValidationError(
                        f"{self.python_name}: missing required parameter {p.py!r} ({p.describe()})",
                        param=p.py,
                        route=self.python_name,
                    )
                continue
            if p.kind == "list_obj":
                values[p.wire] = v  # keeps its place in the body; encoded below with the scalars known
                batches.append((p, v))
            else:
                values[p.wire] = p.encode(v, self.python_name)
        if batches:
            scalars = {k: v for k, v in values.items() if k not in {p.wire for p, _ in batches}}
            for p, v in batches:
                values[p.wire] = p.encode(v, self.python_name, scalars)
        for p in self._conditional:
            if p.wire not in values and p.when is not None and _condition_holds(p.when, values):
                raise ValidationError(
                    f"{self.python_name}: parameter {p.py!r} is required when {_describe_when(p.when)}",
                    param=p.py,
                    route=self.python_name,
                )
        if extra_params:
            for k, v in extra_params.items():
                if v is None or v is UNSET:
                    continue
                values[k] = _extra_value(v, f"{self.python_name}: extra parameter {k!r}")
        return values

    def wire(self, values: dict[str, Any]) -> tuple[str, bytes | None, dict[str, Any]]:
        """(query, body) for already-encoded wire values."""
        if self.method == "GET":
            return encode_query((k, v if isinstance(v, str) else ",".join(v)) for k, v in values.items()), None, values
        if BODY_ARRAY in values:
            # The body is a JSON array (batch-create-subaccount-and-apikey): nothing can sit beside it.
            others = sorted(k for k in values if k != BODY_ARRAY)
            if others:
                raise ValidationError(
                    f"{self.python_name}: the request body is a JSON array; cannot add {', '.join(others)}",
                    param=others[0],
                    route=self.python_name,
                )
            return "", _BODY_ENCODER.encode(values[BODY_ARRAY]), values
        # Route-encoded values are already wire strings, lists and dicts: encode as they are.
        return "", _BODY_ENCODER.encode(values), values

    def call(
        self, query: str, body: bytes | None, *, client_oid: str | None = None, codec: ResponseCodec[Any] | None = None
    ) -> Call:
        """The transport's view of one request on this route (the only place a route becomes a Call)."""
        return Call(
            method=self.method,
            path=self.path,
            query=query,
            body=body,
            auth=self.auth,
            codec=self.codec if codec is None else codec,
            name=self.python_name,
            rate_per_s=self.rate_per_s,
            scope=self.scope,
            kind=self.kind,
            client_oid=client_oid,
        )


def new_client_oid() -> str:
    """A fresh clientOid: 32 hex characters, unique enough to never collide in practice."""
    return os.urandom(16).hex()  # same 128 random bits as uuid4, without building a UUID


_BODY_ENCODER = msgspec.json.Encoder()
# The wire name of a parameter that is the whole JSON body (an array), not one key in it.
BODY_ARRAY = "$body"
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
