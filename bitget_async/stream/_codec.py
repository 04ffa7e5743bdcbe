"""Frame decoding: one typed msgspec decode per frame, a lenient retry only when it fails.

The fast path decodes the whole frame straight into ``Push[T]`` (``strict=False`` turns
``"1695..."`` into ints and JSON numbers into exact Decimals).  Bitget also sends ``""`` for
"unset" in numeric fields, which no typed decoder accepts; only then is the frame decoded a
second time untyped (numbers kept exact), ``""`` replaced by ``None`` and converted.  Event frames
(``login``, ``subscribe``, ``error``) decode through the same ``Push`` type: their ``event`` is set.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Generic, TypeVar

import msgspec

from .._errors import StreamError
from ._messages import Arg, Push

__all__ = ["PushDecoder", "RoutingDecoder", "blank_to_none", "encode"]

T = TypeVar("T")
_UNTYPED = msgspec.json.Decoder(float_hook=Decimal)
encode = msgspec.json.Encoder().encode


def blank_to_none(value: Any) -> Any:
    """``""`` -> ``None`` everywhere inside dicts and lists (Bitget's "unset")."""
    if isinstance(value, dict):
        return {k: (None if v == "" else blank_to_none(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [None if v == "" else blank_to_none(v) for v in value]
    return value


class PushDecoder(Generic[T]):
    """Decodes frames of one channel kind into ``Push[item_type]``; built once per subscription."""

    __slots__ = ("_decoder", "_type")

    def __init__(self, item_type: type[T]) -> None:
        self._type: Any = Push[item_type]  # type: ignore[valid-type]
        self._decoder: msgspec.json.Decoder[Push[T]] = msgspec.json.Decoder(self._type, strict=False)

    def decode(self, raw: bytes) -> Push[T]:
        try:
            return self._decoder.decode(raw)
        except msgspec.ValidationError:
            pass  # a "" in a typed field (or a shape change): retry leniently below
        except msgspec.DecodeError as exc:
            raise StreamError(f"not a JSON frame: {raw[:200]!r}") from exc
        try:
            result: Push[T] = msgspec.convert(blank_to_none(_UNTYPED.decode(raw)), self._type, strict=False)
        except msgspec.ValidationError as exc:
            raise StreamError(f"push does not fit {self._type}: {exc}; frame {raw[:300]!r}") from None
        return result


class _Head(msgspec.Struct, gc=False):
    arg: Arg = Arg()
    event: str | None = None


_HEAD = msgspec.json.Decoder(_Head)


class RoutingDecoder:
    """Decodes frames of several channel kinds (``StreamClient.merge``): a cheap first look at
    ``arg`` picks the channel's typed decoder; event frames and unknown channels go to ``fallback``."""

    __slots__ = ("_fallback", "_routes")

    def __init__(self, routes: Mapping[tuple[str, str], PushDecoder[Any]], fallback: PushDecoder[Any]) -> None:
        self._routes = dict(routes)
        self._fallback = fallback

    def decode(self, raw: bytes) -> Push[Any]:
        try:
            head = _HEAD.decode(raw)
        except msgspec.ValidationError:
            return self._fallback.decode(raw)
        except msgspec.DecodeError as exc:
            raise StreamError(f"not a JSON frame: {raw[:200]!r}") from exc
        decoder = self._routes.get((head.arg.inst_type, head.arg.channel)) if head.event is None else None
        return (decoder or self._fallback).decode(raw)
