"""Request parameters, checked by the client's own route table: one validation, two sides.

The client validates Python values with ``Param.encode`` before any I/O; the simulator gets wire
values (query strings, JSON numbers and lists) and reads them into the shapes ``Param.encode``
takes, then calls that same method.  So an enum value, a number format or a list bound is
refused by the simulator exactly when the client refuses it, and a change to the table changes
both.  What stays here is what only the exchange side has:

- *presence* the way Bitget reads it: ``""``, ``[]`` and ``null`` count as not given, so a
  missing required (or conditionally required, ``Param.when``) parameter answers 40019;
- Bitget's wording of a refusal: every ``ValidationError`` answers 40020 ``Parameter X error``;
  a body that is not a JSON object answers 400172, a POST without JSON Content-Type 40007;
- enum values are accepted in any letter case (as the client sends them) and handed to the
  handlers in the table's spelling, so a handler compares ``side == "buy"`` only;
- names the table does not know pass through untouched (the exchange ignores them).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import Any

import msgspec

from .._errors import ValidationError
from .._params import condition_holds
from .._routes import Param, Route
from ._wire import SimError

__all__ = ["parse", "validate"]


def parse(method: str, query: str, content_type: str, body: bytes, route: Route) -> dict[str, Any]:
    """The request's parameters by wire name: the query of a GET, the JSON body otherwise."""
    if method == "GET":
        return dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
    if not content_type.lower().startswith("application/json"):
        raise SimError("40007", "Invalid Content_Type")
    if not body.strip():
        return {}
    try:
        values = msgspec.json.decode(body)
    except msgspec.DecodeError:
        raise SimError("400172", "Parameter verification failed") from None
    if isinstance(values, list) and any(p.wire == "$body" for p in route.params):
        return {"$body": values}  # the route's body is one JSON array ("$body" in the route table)
    if not isinstance(values, dict):
        raise SimError("400172", "Parameter verification failed")
    return values


def validate(route: Route, values: dict[str, Any]) -> None:
    """Check ``values`` against the route's ``Param``s in place (canonical enum spellings)."""
    _require(route.params, values, values)
    for p in route.params:
        value = values.get(p.wire)
        if _present(value):
            values[p.wire] = _encoded(route.python_name, p, value, values)


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != []


def _given(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if _present(v)}


def _require(params: tuple[Param, ...], values: Mapping[str, Any], context: Mapping[str, Any]) -> None:
    """40019 for the first required or conditionally required parameter not given."""
    given = _given({**context, **values})
    for p in params:
        if not _present(values.get(p.wire)) and (p.required or (p.when is not None and condition_holds(p.when, given))):
            raise SimError("40019", f"Parameter {p.wire} cannot be empty")


def _encoded(where: str, p: Param, value: Any, context: Mapping[str, Any]) -> Any:
    """The value checked by ``Param.encode`` (ValidationError -> 40020), enums spelled as in the table."""
    try:
        if p.kind == "list_obj":
            return _items(where, p, value, context)
        encoded = p.encode(_as_input(p, value), where)
    except ValidationError:
        raise SimError("40020", f"Parameter {p.wire} error") from None
    if p.kind == "list_str":
        return [_canonical(p, v) for v in encoded]
    if p.kind == "str":
        return _canonical(p, encoded)
    return encoded


def _items(where: str, p: Param, value: Any, context: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A batch: each item's presence checked here, its values by ``Param.encode`` on the whole list."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValidationError(f"{p.wire} expects a list of objects", param=p.py)
    known = {c.wire for c in p.children}
    inputs: list[dict[str, Any]] = []
    for item in value:
        _require(p.children, item, context)
        inputs.append({c.wire: _as_input(c, item[c.wire]) for c in p.children if _present(item.get(c.wire))})
    encoded = p.encode(inputs, where, _given(context))
    out = []
    for item, checked in zip(value, encoded, strict=True):
        by_wire = {c.wire: c for c in p.children}
        canonical = {k: _canonical(by_wire[k], v) if by_wire[k].kind == "str" else v for k, v in checked.items()}
        out.append({**{k: v for k, v in item.items() if k not in known}, **canonical})
    return out


def _as_input(p: Param, value: Any) -> Any:
    """A wire value in the Python shape the client passes: JSON numbers as text, ``"a,b"`` as a list."""
    if isinstance(value, bool):
        return value  # ``Param.encode`` refuses a bool everywhere but a bool parameter
    if p.kind == "str" and isinstance(value, (int, float)):
        return str(value)
    if p.kind in ("money", "int") and isinstance(value, float):
        return repr(value)  # exponent forms (1e-07) stay refused, as on the exchange
    if p.kind == "bool" and isinstance(value, str):
        return {"true": True, "false": False}.get(value.lower(), value)
    if p.kind == "list_str" and isinstance(value, str):
        return value.split(",")
    return value


def _canonical(p: Param, text: str) -> str:
    """The table's spelling of an enum value matched in any letter case (exact spelling first)."""
    if p.enum is None or text in p.enum:
        return text
    return next(option for option in p.enum if option.lower() == text.lower())
