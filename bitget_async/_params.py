"""Request parameters: validate a call's keyword arguments and encode them to exact wire values.

The rule is *never stricter than Bitget*: refuse only what the exchange certainly rejects (or what
would silently change meaning), and do it before any I/O with a message naming the parameter.

- Enum values match **case-insensitively** and go out **exactly as the caller wrote them**
  (``force="GTC"`` is sent as ``"GTC"``).  Bitget itself compares these values without regard to
  case, so rewriting them would change the signed bytes for nothing, and a caller who copies a
  request from Bitget's docs or another client sees the same bytes on the wire.  No canonical
  spelling could be chosen safely anyway: futures candles take ``"1m"`` (minute) and ``"1M"``
  (month), which differ only in case.  Fields whose
  doc page gives no closed list (``businessType`` on the futures bill) take any string; their
  known values only help IDEs (``Param.known``).
- Numbers are plain ASCII decimals: ``Decimal``/``int``/``str`` in, ``"0.0000001"`` out.  Refused:
  ``float`` (not exact), ``bool`` (an ``int`` subclass that would go out as ``"true"``), NaN and
  Infinity, scientific notation, ``"1_000"``, padded (``" 1"``) or non-ASCII digits (``"١٢"``),
  all of which Python's ``Decimal()`` would happily parse; and a negative size, price or amount
  where the doc allows none (``Param.nonneg``).
- Unknown names fail fast with the closest match (typo protection).  ``extra_params=`` passes
  anything the table does not know, and overrides nothing it does: a typed name in it is refused.
- Batch items are checked like top-level calls: unknown item keys fail with the closest match;
  an item's own ``extra_params`` mapping carries fields the table does not know yet.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

import msgspec

from ._codec import wire_value
from ._errors import ValidationError
from ._types import UNSET

__all__ = ["ITEM_EXTRAS", "Condition", "Kind", "Param", "Params"]

Kind = Literal["str", "money", "int", "bool", "list_str", "list_obj"]
Condition = tuple[tuple[tuple[str, str, tuple[str, ...]], ...], ...]

# Key of a batch item that holds fields the table does not know (dict key or Struct field).
ITEM_EXTRAS = "extra_params"

# What Bitget parses as a number: ASCII digits, one optional point, optional minus.  No exponent,
# no underscores, no spaces, no other scripts' digits (``str.isdigit`` and ``Decimal`` take those).
_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_INTEGER = re.compile(r"-?[0-9]+(?:\.0*)?")


@dataclasses.dataclass(frozen=True, slots=True)
class Param:
    """One request parameter: python name, wire name, kind and the documented constraints."""

    py: str
    wire: str
    kind: Kind
    required: bool
    enum: tuple[str, ...] | None  # a closed list; matched case-insensitively
    default: str | None  # the server's documented default when omitted (never sent by us)
    max: int | None
    max_items: int | None
    where: str  # "query", "body" or "item"
    when: Condition | None
    item: str | None
    children: tuple[Param, ...]
    known: tuple[str, ...] | None = None  # values of an open field: a hint, not a limit
    nonneg: bool = False  # a negative value is never valid (sizes, prices, amounts)
    legacy: tuple[str, ...] = ()  # older spellings (v1) that Bitget v2 ignores: refused, naming this one
    _lower: frozenset[str] = dataclasses.field(default=frozenset(), repr=False, compare=False)
    _by_name: Mapping[str, Param] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Indexes built once per table row, so a call only does dict lookups.
        if self.enum is not None:
            object.__setattr__(self, "_lower", frozenset(e.lower() for e in self.enum))
        if self.children:
            object.__setattr__(self, "_by_name", _index(self.children))

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
            known=row.get("known"),
            nonneg=bool(row.get("nonneg")),
            legacy=tuple(row.get("legacy") or ()),
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
        a top-level one (``orderList[].symbol`` when ``batchMode = multiple``).  The common
        cases (a str, an enum value, a number as str or int) return before any message is built:
        this runs for every parameter of every call."""
        kind = self.kind
        if kind == "str":
            if isinstance(value, str):
                enum = self.enum
                if enum is None or value in enum or value.lower() in self._lower:
                    return value
                self._check_enum(value, self._label(where))
            raise ValidationError(
                f"{self._label(where)} expects {self.describe()}, got {type(value).__name__}", param=self.py
            )
        if kind in ("money", "int"):
            return self._number(value, where)
        label = self._label(where)
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
                self._check_enum(v, f"{label}[{i}]")
            return list(value)
        ctx = context or {}
        return [self._encode_item(v, f"{where}: {self.py}[{i}]", ctx) for i, v in enumerate(value)]

    def _label(self, where: str) -> str:
        return f"{where}: parameter {self.py!r}"

    def _check_enum(self, value: str, label: str) -> None:
        enum = self.enum
        if enum is None or value in enum or value.lower() in self._lower:  # exact spelling first: cheapest
            return
        canonical = {e.lower(): e for e in enum}
        close = difflib.get_close_matches(value, enum, n=1) or [
            canonical[c] for c in difflib.get_close_matches(value.lower(), list(canonical), n=1)
        ]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValidationError(
            f"{label} must be {self.describe()} (in any letter case), got {value!r}{hint}", param=self.py
        )

    def _number(self, value: Any, where: str) -> str:
        kind = self.kind
        if isinstance(value, str):
            text = value
        elif isinstance(value, int) and not isinstance(value, bool):
            text = str(value)  # an int's str is plain already
        else:
            label = self._label(where)
            if isinstance(value, bool):
                # ``True`` is an int to Python; on the wire it would be "true", never a number.
                raise ValidationError(f"{label} expects {self.describe()}, got bool", param=self.py)
            try:
                text = wire_value(value, label)
            except (TypeError, ValueError) as exc:
                raise ValidationError(str(exc), param=self.py) from None
        # A finite Decimal in "f" format and an int's str are plain already; only text needs the check.
        pattern = _INTEGER if kind == "int" else _DECIMAL
        if (isinstance(value, str) or kind == "int") and pattern.fullmatch(text) is None:
            label = self._label(where)
            what = "an integer" if kind == "int" else "a plain decimal number"
            if kind == "int" and _DECIMAL.fullmatch(text):
                raise ValidationError(f"{label} expects an integer, got {text!r}", param=self.py)
            raise ValidationError(
                f"{label} expects {what} (ASCII digits, no exponent, spaces or '_'), got {text!r}", param=self.py
            )
        if self.nonneg and text.startswith("-") and Decimal(text) != 0:
            raise ValidationError(f"{self._label(where)} must not be negative, got {text!r}", param=self.py)
        if self.max is not None and Decimal(text) > self.max:
            raise ValidationError(
                f"{self._label(where)} is {text}, above the documented maximum {self.max}", param=self.py
            )
        return text

    def _encode_item(self, item: Any, where: str, context: Mapping[str, Any]) -> dict[str, Any]:
        if isinstance(item, msgspec.Struct):
            raw: Mapping[str, Any] = msgspec.to_builtins(item, builtin_types=(Decimal,))
        elif isinstance(item, Mapping):
            raw = item
        else:
            raise ValidationError(f"{where} expects a request struct or a dict, got {type(item).__name__}", param=self.py)
        by_name = self._by_name
        out: dict[str, Any] = {}
        extras: Any = None
        for key, value in raw.items():
            child = by_name.get(key)
            if child is None:
                if key == ITEM_EXTRAS:
                    extras = value
                    continue
                tail = f"put fields the table does not know yet in the item's {ITEM_EXTRAS!r} mapping"
                raise ValidationError(_unknown_message(where, "field", key, self.children, tail), param=self.py)
            if value is None or value is UNSET:
                continue
            if child.wire in out:
                raise ValidationError(f"{where}: field {child.py!r} given twice (as {child.py!r} and {child.wire!r})",
                                      param=self.py)
            out[child.wire] = child.encode(value, where)
        if extras:
            out.update(_extras(extras, by_name, f"{where}.{ITEM_EXTRAS}", self.py))
        present = set(out)
        for child in self.children:
            if child.wire not in present and child.required:
                raise ValidationError(
                    f"{where}: missing required field {child.py!r} ({child.describe()})", param=self.py
                )
            if (
                child.wire not in present
                and child.when is not None
                and condition_holds(child.when, {**context, **out})
            ):
                raise ValidationError(
                    f"{where}: field {child.py!r} is required when {describe_when(child.when)}", param=self.py
                )
        return out


def _unknown_message(where: str, what: str, key: Any, params: Sequence[Param], tail: str) -> str:
    """``unknown parameter 'prodct_type'; did you mean 'product_type'? (known: ...; <tail>)``."""
    if not isinstance(key, str):
        return f"{where}: {what} names must be str, got {key!r}"
    names = [p.py for p in params]
    legacy = next((p for p in params if key in p.legacy or key in {snake_of(n) for n in p.legacy}), None)
    if legacy is not None:
        # An old v1 spelling (``timeInForceValue``): v2 ignores it, so the order would go out without it.
        hint = f" (the v1 name of {legacy.wire!r}, which Bitget v2 ignores); did you mean {legacy.py!r}?"
    else:
        # The wire spelling (``productType``) is the likeliest slip: name its python twin.
        close = [p.py for p in params if key == p.wire] or difflib.get_close_matches(key, names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"{where}: unknown {what} {key!r}{hint} (known: {', '.join(names) or 'none'}; {tail})"


def snake_of(name: str) -> str:
    """``timeInForceValue`` -> ``time_in_force_value``: how a wire name reads as a python one."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _index(params: Sequence[Param]) -> dict[str, Param]:
    """Each parameter under its python and its wire name."""
    by_name = {p.py: p for p in params}
    by_name.update({p.wire: p for p in params})
    return by_name


def _extras(extras: Any, typed: Mapping[str, Param], label: str, param: str) -> dict[str, Any]:
    """Pass-through values, exact, refusing any name the table types (it would override it)."""
    if not isinstance(extras, Mapping):
        raise ValidationError(f"{label} expects a mapping, got {type(extras).__name__}", param=param)
    out: dict[str, Any] = {}
    for key, value in extras.items():
        if not isinstance(key, str):
            raise ValidationError(f"{label}: names must be str, got {key!r}", param=param)
        p = typed.get(key)
        if p is not None:
            raise ValidationError(
                f"{label}: {key!r} is the typed parameter {p.py!r}; pass it as {p.py}=... so it is validated "
                f"(extra_params carries only names the table does not know, and never overrides a typed one)",
                param=key,
            )
        if value is None or value is UNSET:
            continue
        out[key] = extra_value(value, f"{label}[{key!r}]")
    return out


class Params:
    """A route's parameters, indexed once: validates a call into wire values (hop 1, no I/O)."""

    __slots__ = ("_by_name", "_by_py", "_conditional", "params", "route")

    def __init__(self, route: str, params: Sequence[Param]) -> None:
        self.route = route
        self.params = tuple(params)
        self._by_py = {p.py: p for p in self.params}
        self._by_name = _index(self.params)
        self._conditional = tuple(p for p in self.params if p.when is not None and not p.required)

    def encode(self, kwargs: Mapping[str, Any], extra_params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Keyword arguments as wire values (wire names, exact strings), in table order."""
        route, by_py = self.route, self._by_py
        for key in kwargs:
            if key not in by_py:
                tail = "use extra_params= for parameters the table does not know yet"
                raise ValidationError(
                    _unknown_message(route, "parameter", key, self.params, tail), param=key, route=route
                )
        values: dict[str, Any] = {}
        batches: list[tuple[Param, Any]] = []
        for p in self.params:
            v = kwargs.get(p.py, UNSET)
            if v is UNSET or v is None:
                if p.required:
                    raise ValidationError(
                        f"{route}: missing required parameter {p.py!r} ({p.describe()})", param=p.py, route=route
                    )
                continue
            if p.kind == "list_obj":
                values[p.wire] = v  # keeps its place in the body; encoded below with the scalars known
                batches.append((p, v))
            else:
                values[p.wire] = p.encode(v, route)
        if batches:
            scalars = {k: v for k, v in values.items() if k not in {p.wire for p, _ in batches}}
            for p, v in batches:
                values[p.wire] = p.encode(v, route, scalars)
        for p in self._conditional:
            if p.wire not in values and p.when is not None and condition_holds(p.when, values):
                raise ValidationError(
                    f"{route}: parameter {p.py!r} is required when {describe_when(p.when)}", param=p.py, route=route
                )
        if extra_params:
            try:
                values.update(_extras(extra_params, self._by_name, f"{route}: extra_params", "extra_params"))
            except ValidationError as exc:
                exc.route = route
                raise
        return values


def extra_value(value: Any, label: str) -> Any:
    """A pass-through value (lists and mappings too) in exact wire form; floats still refused."""
    if isinstance(value, (list, tuple)):
        return [extra_value(v, label) for v in value]
    if isinstance(value, Mapping):
        return {k: extra_value(v, f"{label}.{k}") for k, v in value.items()}
    try:
        return wire_value(value, label)
    except (TypeError, ValueError) as exc:
        raise ValidationError(str(exc), param=label) from None


def describe_when(when: Condition) -> str:
    """``orderType = limit``, ``clientOid not given``: the documented condition, in its words."""
    words = {"set": "is set", "unset": "not given"}
    return " or ".join(
        " and ".join(
            f"{name} {words[op]}" if op in words else f"{name} = {'/'.join(values)}"
            for name, op, values in alternative
        )
        for alternative in when
    )


def condition_holds(when: Condition, present: Mapping[str, Any]) -> bool:
    """True when one alternative of a "required when" condition holds (enum values in any case)."""
    for alternative in when:
        ok = True
        for name, op, values in alternative:
            got = present.get(name)
            if op == "set":
                ok = got is not None
            elif op == "unset":
                ok = got is None
            else:
                ok = got is not None and str(got).lower() in {v.lower() for v in values}
            if not ok:
                break
        if ok:
            return True
    return False
