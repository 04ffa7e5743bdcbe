"""Small pieces every part of the simulator shares: its error type, exact number formatting,
typed access to request parameters, deterministic ids and the official example responses."""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_DOWN, ROUND_UP, Decimal, InvalidOperation
from typing import Any, Protocol, TypeVar

import msgspec

__all__ = [
    "D0",
    "IdGen",
    "Identified",
    "Params",
    "SimError",
    "batch",
    "example",
    "fmt",
    "id_pair",
    "numbered",
    "Page",
    "page",
    "quant",
    "wire_fields",
]

D0 = Decimal(0)
T = TypeVar("T")


class SimError(Exception):
    """A rejection the way Bitget words it: the app turns it into an error envelope."""

    def __init__(self, code: str, msg: str, http_status: int = 400) -> None:
        super().__init__(f"[{code}] {msg}")
        self.code = code
        self.msg = msg
        self.http_status = http_status


def fmt(value: Decimal) -> str:
    """Plain notation, never exponent form (``1E-7``), exactly as computed."""
    text = format(value, "f")
    return "0" if text in ("-0", "") else text


def wire_fields(record: object, *names: str) -> dict[str, Any]:
    """Fields of a simulator record under Bitget's camelCase names (``order_id`` -> ``orderId``),
    valued as Bitget writes them: decimals as exact strings, times and counts (ints) as strings.

    Most of a row is such a copy; writing it as a list of names keeps each row builder to the
    few fields Bitget renames or computes."""
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(record, name)
        head, *rest = name.split("_")
        key = head + "".join(part.title() for part in rest)
        if isinstance(value, Decimal):
            out[key] = fmt(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            out[key] = str(value)
        elif isinstance(value, str):
            out[key] = value
        else:
            raise TypeError(f"{name}: no wire form for {type(value).__name__}")
    return out


def quant(value: Decimal, places: int, *, up: bool = False) -> Decimal:
    """Round to ``places`` decimals, down by default (never credit more than was computed)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_UP if up else ROUND_DOWN)


def scale_of(value: Decimal) -> int:
    """Decimal places actually used, ignoring trailing zeros (``"1.50"`` has scale 1)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


class IdGen:
    """Numeric string ids like Bitget's (19 digits), increasing, reproducible for a seed."""

    def __init__(self, seed: int) -> None:
        self._prefix = 100 + seed % 900
        self._n = 0

    def next(self) -> str:
        self._n += 1
        return f"{self._prefix}{self._n:016d}"


class Params:
    """Request parameters by wire name, with the conversions handlers need.

    Query strings give ``str``; JSON bodies may carry numbers or lists.  Validation against the
    route table has already run, so these getters only convert; ``SimError`` covers the rest.
    """

    __slots__ = ("values",)

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = dict(values)

    def __contains__(self, name: str) -> bool:
        return self.get(name) is not None

    def get(self, name: str) -> Any:
        value = self.values.get(name)
        return None if value == "" else value

    def text(self, name: str, default: str = "") -> str:
        value = self.get(name)
        return default if value is None else str(value)

    def dec(self, name: str) -> Decimal:
        value = self.opt_dec(name)
        if value is None:
            raise SimError("40019", f"Parameter {name} cannot be empty")
        return value

    def opt_dec(self, name: str) -> Decimal | None:
        value = self.get(name)
        if value is None:
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise SimError("40020", f"Parameter {name} error") from None
        if not number.is_finite():
            raise SimError("40020", f"Parameter {name} error")
        return number

    def whole(self, name: str, default: int) -> int:
        """An integer parameter; ``"10.0"`` and ``"0."`` read as integers, as the route table's
        integer format (``Param.encode``) lets them through."""
        number = self.opt_dec(name)
        if number is None:
            return default
        if number != number.to_integral_value():
            raise SimError("40020", f"Parameter {name} error")
        return int(number)

    def seq(self, name: str) -> list[Any]:
        value = self.get(name)
        return list(value) if isinstance(value, (list, tuple)) else []


class Identified(Protocol):
    """Anything Bitget answers for by its id pair: an order, a plan order."""

    @property
    def order_id(self) -> str: ...

    @property
    def client_oid(self) -> str: ...


def id_pair(obj: Identified) -> dict[str, str]:
    """``{"orderId", "clientOid"}``: how Bitget answers a place, cancel or modify."""
    return {"orderId": obj.order_id, "clientOid": obj.client_oid}


_FAILURE_FIELDS = ("orderId", "clientOid", "errorMsg", "errorCode")


def batch(
    items: Iterable[Any], act: Callable[[Params], Identified], *, fields: Sequence[str] = _FAILURE_FIELDS
) -> dict[str, list[dict[str, str]]]:
    """Bitget's batch answer: each item acted on alone, in order; a refused item lands in
    ``failureList`` (with the ``fields`` its route's doc lists) and never stops the others."""
    success, failure = [], []
    for raw in items:
        item = Params(raw)
        try:
            done = act(item)
        except SimError as exc:
            row = {"orderId": item.text("orderId"), "clientOid": item.text("clientOid"), "errorMsg": exc.msg, "errorCode": exc.code}
            failure.append({k: row[k] for k in fields})
        else:
            success.append(id_pair(done))
    return {"successList": success, "failureList": failure}


class Page(list[T]):
    """One page of rows, newest first; ``more``: older rows matching the same filters remain
    (Bitget's ``nextFlag``, which is not "fewer rows than exist")."""

    more: bool = False


def page(
    rows: Iterable[T],
    params: Params,
    *,
    key: Callable[[T], str],
    time: Callable[[T], int] | None = None,
    default_limit: int = 100,
    max_limit: int = 100,
    cursor: str = "idLessThan",
) -> Page[T]:
    """Newest first, filtered by the usual ``startTime``/``endTime``/``idLessThan``/``limit``.

    Ids are increasing numeric strings, so "older" means a smaller id (compared as integers).
    """
    limit = max(1, min(params.whole("limit", default_limit), max_limit))
    matching = _matching(rows, params, key=key, time=time, cursor=cursor)
    chosen = Page(matching[:limit])
    chosen.more = len(matching) > limit
    return chosen


def numbered(
    rows: Iterable[T],
    params: Params,
    *,
    key: Callable[[T], str],
    time: Callable[[T], int] | None = None,
    page_param: str = "pageNo",
    size_param: str = "pageSize",
    default_size: int = 20,
    max_size: int = 100,
    cursor: str | None = None,
) -> list[T]:
    """Page ``page_param`` (from 1) of ``size_param`` rows, newest first, after the time filter
    (and the ``cursor`` id filter, for routes that still honour one)."""
    size = max(1, min(params.whole(size_param, default_size), max_size))
    number = max(1, params.whole(page_param, 1))
    matching = _matching(rows, params, key=key, time=time, cursor=cursor)
    return matching[(number - 1) * size : number * size]


def _matching(
    rows: Iterable[T], params: Params, *, key: Callable[[T], str], time: Callable[[T], int] | None, cursor: str | None
) -> list[T]:
    start = params.whole("startTime", 0)
    end = params.whole("endTime", 0)
    before = params.get(cursor) if cursor is not None else None
    out: list[T] = []
    for row in sorted(rows, key=lambda r: int(key(r)), reverse=True):
        if before is not None and int(key(row)) >= int(str(before)):
            continue
        if time is not None and ((start and time(row) < start) or (end and time(row) > end)):
            continue
        out.append(row)
    return out


@functools.cache
def _examples() -> Mapping[str, bytes]:
    """``"METHOD /path"`` -> the example's ``data`` as compact JSON bytes (read once, lazily)."""
    text = importlib.resources.files("bitget_async._generated").joinpath("sim_examples.json").read_bytes()
    raw: dict[str, msgspec.Raw] = msgspec.json.decode(text, type=dict[str, msgspec.Raw])
    return {key: bytes(value) for key, value in raw.items() if key != "//"}  # "//": the GENERATED marker


def example_bytes(method: str, path: str) -> bytes:
    """The official example ``data`` of a route, ready to splice into an envelope."""
    return _examples()[f"{method} {path}"]


def example(method: str, path: str) -> Any:
    """The official example ``data`` of a route as fresh Python values (safe to modify)."""
    return msgspec.json.decode(example_bytes(method, path))


def first_item(method: str, path: str, *keys: str) -> dict[str, Any]:
    """The first row of an example, following ``keys`` into nested objects (``"entrustedList"``)."""
    data: Any = example(method, path)
    for k in keys:
        data = data[k]
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        data = data[0]
    if not isinstance(data, dict):
        raise TypeError(f"{method} {path}: example row is {type(data).__name__}, not an object")
    return data
