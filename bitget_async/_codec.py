"""Bytes in, bytes out: the Bitget envelope, request bodies, and exact decimals on the wire.

One ``msgspec`` decoder per response type is built once (``ResponseCodec``) and reused for every
call.  The success path is a single typed decode of the whole envelope; only when that fails or
the HTTP status is not 200 do we look at the body a second time to find out why.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Generic, TypeVar

import msgspec

from ._error_codes import error_class_for
from ._errors import APIError, ResponseDecodeError, ServerError
from ._lenient import Relaxed, blanks_to_null, dec_hook

__all__ = ["ResponseCodec", "codec_for", "encode_body", "to_wire", "wire_value"]

T = TypeVar("T")

SUCCESS = "00000"


class Envelope(msgspec.Struct, Generic[T]):
    """Bitget's response wrapper; ``requestTime`` arrives as a number or a string.  ``msg`` may be
    None: the blank retry writes a ``"msg":""`` as ``null`` too."""

    code: str | int = ""
    msg: str | None = ""
    message: str | None = ""  # some endpoints (and doc examples) spell it this way
    requestTime: int | None = None
    data: T | None = None


class _ErrorEnvelope(msgspec.Struct):
    """The envelope without ``data``: all an error needs (and cheap to decode)."""

    code: str | int = ""
    msg: str = ""
    message: str = ""
    requestTime: int | None = None


_RAW_DECODER = msgspec.json.Decoder(_ErrorEnvelope, strict=False)
_ENCODER = msgspec.json.Encoder()


def wire_value(value: object, name: str = "value") -> str:
    """One scalar as Bitget wants it in a query string or a string-typed JSON field.

    Decimals go out in plain notation (``format(d, "f")``: never ``1E-7``); floats are refused
    because a binary float cannot carry a price exactly.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{name}: {value} is not a finite decimal")
        return format(value, "f")
    if isinstance(value, float):
        raise TypeError(
            f"{name}: float {value!r} refused; pass money as Decimal, str or int so it stays exact"
        )
    raise TypeError(f"{name}: expected str, int, bool or Decimal, got {type(value).__name__}")


def _jsonable(value: Any, name: str) -> Any:
    if isinstance(value, (str, bool, int)) or value is None:
        return value
    if isinstance(value, Decimal):
        return wire_value(value, name)
    if isinstance(value, float):
        wire_value(value, name)  # raises with a clear message
    if isinstance(value, (bytes, bytearray, memoryview)):
        # A Sequence of ints to the check below: it would go out as a JSON list of numbers.
        raise TypeError(f"{name}: cannot send {type(value).__name__} in a JSON body; decode it to str")
    if isinstance(value, msgspec.Struct):
        return _jsonable(msgspec.to_builtins(value, builtin_types=(Decimal,)), name)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, f"{name}.{k}") for k, v in value.items() if v is not None}
    if isinstance(value, Sequence):
        return [_jsonable(v, f"{name}[{i}]") for i, v in enumerate(value)]
    raise TypeError(f"{name}: cannot send {type(value).__name__} in a JSON body")


def to_wire(body: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` as JSON-ready values: exact decimal strings, Structs as dicts, None dropped."""
    wire: dict[str, Any] = _jsonable(body, "body")
    return wire


def encode_body(body: Mapping[str, Any]) -> bytes:
    """Compact JSON bytes of ``body`` with exact decimals; built once, signed and sent as-is."""
    return _ENCODER.encode(_jsonable(body, "body"))


def _fail(
    status: int,
    body: bytes,
    method: str,
    path: str,
    client_oid: str | None,
    retry_after: float | None,
) -> APIError:
    """Build the exception for a body that is not a success: Bitget error, or not Bitget at all."""
    try:
        env = _RAW_DECODER.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        # First 200 characters (not bytes: a cut UTF-8 sequence would garble the last one).
        snippet = body[:800].decode("utf-8", "replace")[:200]
        # A proxy page or an empty body: a 200 without an envelope is as broken as a 5xx.
        cls = ServerError if status == 200 else error_class_for("", status)
        return cls(
            f"HTTP{status}",
            f"non-JSON response: {snippet!r}" if body else "empty response body",
            http_status=status,
            method=method,
            path=path,
            client_oid=client_oid,
            retry_after=retry_after,
        )
    code = str(env.code) if env.code != "" else f"HTTP{status}"
    msg = env.msg or env.message
    cls = error_class_for(code, status, msg)
    return cls(
        code,
        msg,
        http_status=status,
        method=method,
        path=path,
        request_time=env.requestTime,
        client_oid=client_oid,
        retry_after=retry_after,
    )


class ResponseCodec(Generic[T]):
    """Decodes a raw response body into the typed ``data`` of one route (built once per route).

    The fast path is one typed decode.  A success body that fails it goes to the lenient decode
    (``_lenient.py``: blanks, numbers as text, objects as strings); only a wrong *shape* raises
    ``ResponseDecodeError``, with the raw body.  A list route answered with ``null`` is ``[]``.
    """

    __slots__ = ("_decoder", "_empty_list", "_relaxed", "type")

    def __init__(self, data_type: Any) -> None:
        self.type = data_type
        self._decoder: msgspec.json.Decoder[Envelope[T]] = msgspec.json.Decoder(
            Envelope[data_type],
            strict=False,
            float_hook=Decimal,  # untyped numbers stay exact too
            dec_hook=dec_hook,
        )
        self._empty_list = typing.get_origin(data_type) is list
        self._relaxed: Relaxed[T] | None = None

    def decode(
        self,
        body: bytes,
        *,
        status: int = 200,
        method: str = "",
        path: str = "",
        client_oid: str | None = None,
        retry_after: float | None = None,
    ) -> T:
        if status == 200:
            try:
                env = self._decoder.decode(body)
            except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
                failure = _fail(status, body, method, path, client_oid, retry_after)
                if failure.code == SUCCESS:
                    return self._lenient(body, status, method, path)
                raise failure from None
            if env.code == SUCCESS:
                data = env.data
                if data is None and self._empty_list:
                    return []  # type: ignore[return-value]
                return data  # type: ignore[return-value]
        raise _fail(status, body, method, path, client_oid, retry_after)

    def _lenient(self, body: bytes, status: int, method: str, path: str) -> T:
        """A success body the fast path refused: blanks as null, then the general case."""
        blanked = blanks_to_null(body)
        data: Any = _REFUSED
        if blanked is not None:
            try:
                data = self._decoder.decode(blanked).data
            except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
                pass  # more than blanks: the general path below
        if data is _REFUSED:
            relaxed = self._relaxed
            if relaxed is None:  # built on the first refused body only: most routes never need it
                relaxed = self._relaxed = Relaxed(self.type)
            try:
                data = relaxed.decode(body)
            except (msgspec.DecodeError, msgspec.ValidationError, RecursionError) as exc:
                raise ResponseDecodeError(
                    f"response data did not match {_type_name(self.type)}: {exc}",
                    body=body,
                    http_status=status,
                    method=method,
                    path=path,
                ) from None
        if data is None and self._empty_list:
            return []  # type: ignore[return-value]
        result: T = data
        return result


_REFUSED: Any = object()


@functools.cache
def codec_for(data_type: Any) -> ResponseCodec[Any]:
    """The one codec of a response type, built on first use and shared by every route and
    client that decodes it (a decoder is immutable, so sharing is safe)."""
    return ResponseCodec(data_type)


def _type_name(tp: Any) -> str:
    """``list[SpotTicker]``, not ``list``: a generic alias forwards ``__name__`` to its origin."""
    args = typing.get_args(tp)
    if args:
        names = [_type_name(a) for a in args]
        origin = typing.get_origin(tp)
        if origin is typing.Union or origin is types.UnionType:
            return " | ".join(names)
        return f"{_type_name(origin)}[{', '.join(names)}]"
    if tp is type(None):
        return "None"
    return getattr(tp, "__name__", None) or repr(tp)
