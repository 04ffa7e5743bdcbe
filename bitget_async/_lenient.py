"""Blank handling, in one place: what the response models are made of, and the lenient decode.

Bitget says "unset" with ``""``, ``null`` or by leaving a key out, sends a number as a JSON string
in one answer and as a JSON number in the next, and serializes some objects into strings.  The
generated models declare every field ``X | None = None`` (lists: empty) except the ids a call
exists to return, so absent and ``null`` already decode on msgspec's fast path.  What msgspec
cannot do natively is handled here, and only here:

1. The fast path (``ResponseCodec``): one typed decode.  ``Text`` (a non-empty ``str``) makes
   ``""`` in a text field fail it exactly like ``""`` in a ``Decimal`` field does, so a blank is
   never ``""`` on one path and ``None`` on another.
2. ``blanks_to_null``: the body with every empty-string token turned into ``null``, decoded by the
   same typed decoder.  The failed first attempt usually stops at the first row, so a body full
   of blanks costs about one byte replace more than a clean one.
3. ``Relaxed``: the general case, built once per response type from ``msgspec.inspect``: the
   untyped body is shaped to the model (blank -> default, number -> text for text fields, JSON
   string -> object, text that is not a number in a number field -> None), then converted.  Only
   a value whose *shape* is wrong (an object where a list must be, a blank id the model requires)
   still fails, and the codec raises ``ResponseDecodeError`` with the raw body.

The field types the models are made of (``Text``, ``DecimalText``, ``JsonObject``) live in
``_fields.py``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

import msgspec
import msgspec.inspect as mi

from ._fields import JsonObject

__all__ = ["Relaxed", "blanks_to_null", "convert", "dec_hook"]

T = TypeVar("T")
_UNTYPED = msgspec.json.Decoder(float_hook=Decimal)
_BLANK: Any = object()  # "this value is unset": the field takes its default


def _unblank(node: Any) -> Any:
    """``""`` -> None inside free-form JSON, so it reads the same on every decode path."""
    if node == "":
        return None
    if isinstance(node, dict):
        return {k: _unblank(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_unblank(v) for v in node]
    return node


def _json_object(obj: Any) -> JsonObject | None:
    if isinstance(obj, str):
        try:
            obj = _UNTYPED.decode(obj)
        except msgspec.DecodeError:
            return None
    if isinstance(obj, dict):
        return JsonObject(_unblank(obj))
    return None


def dec_hook(tp: type, obj: Any) -> Any:
    """msgspec's hook for the one custom type in the models (``JsonObject``)."""
    if tp is JsonObject:
        value = _json_object(obj)
        if value is not None:
            return value
        raise msgspec.ValidationError(f"expected a JSON object or a string holding one, got {obj!r:.40}")
    raise NotImplementedError(f"no decoder for {tp!r}")


def blanks_to_null(body: bytes) -> bytes | None:
    """``body`` with each ``""`` value written as ``null``, or None when it holds no blank.

    In valid JSON the two bytes ``""`` are an empty string (a blank value, or an empty key, which
    Bitget never sends: the result would not parse and the general path takes over), unless the
    first quote is escaped (``\\""``, a string ending in a quote character).  Without that, one
    ``bytes.replace`` is exact; with it, only blanks after ``:`` ``,`` ``[`` are rewritten.
    """
    if b'""' not in body:
        return None
    if b'\\""' not in body:
        return body.replace(b'""', b"null")
    for blank, null in _BLANK_TOKENS:
        if blank in body:
            body = body.replace(blank, null)
    return body


# Compact JSON as Bitget sends it, and the ", " / ": " spacing of Python's json.dumps.
_BLANK_TOKENS = tuple(
    (before + sep + b'""', before + sep + b"null") for before in (b":", b",", b"[") for sep in (b"", b" ")
)


# -- the general case: shape the untyped value to the model, then convert ----------------------
Shaper = Callable[[Any], Any]


def _decimal(v: Any) -> Any:
    if isinstance(v, Decimal):
        return v
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return Decimal(v)
    if isinstance(v, str):
        if not v:
            return _BLANK
        try:
            return Decimal(v.strip())
        except InvalidOperation:
            return None  # a doc placeholder such as "111,1": not a number, so not a value
    return v  # a container where a number belongs: left for convert to refuse


def _int(v: Any) -> Any:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    d = _decimal(v)
    if isinstance(d, Decimal):
        return int(d) if d.is_finite() and d == d.to_integral_value() else None
    return d


def _bool(v: Any) -> Any:
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        if not v:
            return _BLANK
        return {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}.get(v.strip().lower())
    if isinstance(v, (int, Decimal)):
        return None if v not in (0, 1) else bool(v)
    return v


def _text(v: Any) -> Any:
    if isinstance(v, str):
        return v if v else _BLANK
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, Decimal)):
        return str(v)
    return v


def _custom(v: Any) -> Any:
    if v == "":
        return _BLANK
    value = _json_object(v)
    return v if value is None and not isinstance(v, str) else value


def _plain_text(v: Any) -> Any:
    """An item of ``list[str]``: kept as sent, ``""`` included (the list itself is the value)."""
    return _text(v) if not isinstance(v, str) else v


class _Plans:
    """One shaping function per model type, built on first use (Structs may repeat)."""

    def __init__(self, *, quick: bool) -> None:
        self.quick = quick
        self._structs: dict[type, Shaper] = {}

    def of(self, t: mi.Type, *, item: bool = False) -> Shaper:
        if isinstance(t, mi.UnionType):
            inner = [x for x in t.types if not isinstance(x, mi.NoneType)]
            if len(inner) == 1:
                return self.of(inner[0], item=item)
            return _keep
        if isinstance(t, mi.DecimalType):
            return _decimal
        if isinstance(t, mi.IntType):
            return _int
        if isinstance(t, mi.BoolType):
            return _bool
        if isinstance(t, mi.StrType):
            return _plain_text if item else _text
        if isinstance(t, mi.CustomType):
            return _custom
        if isinstance(t, mi.ListType):
            return self._list(self.of(t.item_type, item=True))
        if isinstance(t, mi.StructType):
            return self._struct(t)
        return _keep

    def _list(self, shape_item: Shaper) -> Shaper:
        def shape(v: Any) -> Any:
            if v is None or v == "":
                return _BLANK
            if not isinstance(v, list):
                return v
            out = [shape_item(x) for x in v]
            return [x for x in out if x is not _BLANK]

        return shape

    def _struct(self, t: mi.StructType) -> Shaper:
        cached = self._structs.get(t.cls)
        if cached is not None:
            return cached
        # (wire name, required, the Python types a value may already have, its shaper)
        fields: list[tuple[str, bool, tuple[type, ...], Shaper]] = []

        def shape(v: Any) -> Any:
            # Mutates in place: the value is the untyped decode's own fresh object.
            if v is None or v == "":
                return _BLANK
            if type(v) is dict:
                for wire, required, ready, shape_field in fields:
                    value = v.get(wire, _BLANK)
                    if value is _BLANK or (type(value) in ready and value != ""):
                        continue  # absent, or already what the model holds
                    new = _BLANK if value is None else shape_field(value)
                    if new is not _BLANK:
                        v[wire] = new
                    elif not required:
                        del v[wire]
                return v
            if type(v) is list and t.array_like:
                for i, (_wire, required, ready, shape_field) in enumerate(fields[: len(v)]):
                    value = v[i]
                    if type(value) in ready and value != "":
                        continue
                    new = _BLANK if value is None else shape_field(value)
                    if new is not _BLANK:
                        v[i] = new
                    elif not required:
                        v[i] = None
                return v
            return v

        self._structs[t.cls] = shape  # before the fields: a Struct may contain itself
        fields.extend((f.encode_name, f.required, _ready(f.type, self.quick), self.of(f.type)) for f in t.fields)
        return shape


def _ready(t: mi.Type, quick: bool) -> tuple[type, ...]:
    """The Python types of an untyped value that needs no shaping for ``t``.  ``quick`` trusts
    non-empty text in number fields (msgspec parses it in C); a body where that trust fails is
    shaped again with every such text checked in Python."""
    if isinstance(t, mi.UnionType):
        inner = [x for x in t.types if not isinstance(x, mi.NoneType)]
        return _ready(inner[0], quick) if len(inner) == 1 else ()
    text = (str,) if quick else ()
    if isinstance(t, mi.StrType):
        return (str,)
    if isinstance(t, mi.IntType):
        return (int, *text)
    if isinstance(t, mi.BoolType):
        return (bool, *text)
    if isinstance(t, mi.DecimalType):
        return (Decimal, int, *text)
    return ()


def _keep(v: Any) -> Any:
    return v


class _Data(msgspec.Struct, Generic[T]):
    """The envelope's ``data`` alone, so conversion errors name ``$.data[0].field``."""

    data: T | None = None


def _data(body: bytes) -> Any:
    envelope = _UNTYPED.decode(body)
    return envelope.get("data") if isinstance(envelope, dict) else None


def convert(data: Any, data_type: Any) -> Any:
    """``msgspec.convert`` under the same rules as a decoded answer (blank -> None and so on)."""
    return Relaxed(data_type).convert(data)


class Relaxed(Generic[T]):
    """The general lenient decode of one response type (see the module docstring, step 3)."""

    __slots__ = ("_quick", "_thorough", "_type")

    def __init__(self, data_type: Any) -> None:
        self._type: Any = _Data[data_type]
        info = mi.type_info(data_type)
        self._quick = _Plans(quick=True).of(info)
        self._thorough = _Plans(quick=False).of(info)

    def decode(self, body: bytes) -> T | None:
        """The typed ``data`` of a success body; raises ``msgspec`` errors for a wrong shape."""
        try:
            return self._convert(_data(body), self._quick)
        except msgspec.ValidationError:
            return self._convert(_data(body), self._thorough)  # some number field holds other text

    def convert(self, data: Any) -> T | None:
        """The model of an answer the client assembles itself (plain values, left untouched)."""
        try:
            return self._convert(copy.deepcopy(data), self._quick)
        except msgspec.ValidationError:
            return self._convert(copy.deepcopy(data), self._thorough)

    def _convert(self, data: Any, shape: Shaper) -> T | None:
        shaped = None if data is None else shape(data)
        value = msgspec.convert(
            {"data": None if shaped is _BLANK else shaped}, self._type, strict=False, dec_hook=dec_hook
        )
        result: T | None = value.data
        return result
