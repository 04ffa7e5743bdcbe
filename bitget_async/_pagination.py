"""Async iterators over Bitget's paginated routes, driven by the cursor rules in the route data.

``client.paginate(client.spot.trade.history_orders, symbol="BTCUSDT")`` returns a ``Paginator``:
an async iterator over the rows of every page, newest first.  Each page is one ordinary call of
the bound endpoint, so it is validated, signed, rate-limited and retried like any other call,
and nothing is held between pages: breaking out of ``async for`` or cancelling the task leaves
no request, rate slot or connection behind.

What changes between routes is data (``_generated/pagination_data.py``, generated from
``spec/pagination-v2.tsv``), never code:

- ``id``: the cursor parameter (``idLessThan``, ``cursor``) takes the page's ``endId`` /
  ``minId`` / echoed ``idLessThan``, or the last row's id (``orderId``, ``tradeId``, ``annId``);
- ``page``: ``pageNo`` / ``pageNum`` counts up from 1;
- ``time``: candles walk ``endTime`` below the oldest candle seen; window-only routes send one
  request per window.

A route with a time window (``startTime``..``endTime`` at most 7 to 180 days per request) is
walked window by window, newest first, when the caller's range is longer.  A walk ends on an
empty page, a short page (fewer rows than asked for), a page whose ``nextFlag`` is false or
whose cursor field is empty, or when ``limit`` rows have been yielded; no request is sent
after the page that says it is the last.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

from ._cursors import CursorRule, TimeArg, cursor_rule, time_ms, time_windows, walks_time
from ._errors import PaginationError, ValidationError
from ._routes import Route

__all__ = ["HasPageItems", "Paginator", "TimeArg", "make_paginator"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class HasPageItems(Protocol[T_co]):
    """A page object that holds its rows in a list field (generated ``page_items`` property)."""

    @property
    def page_items(self) -> Sequence[T_co]: ...


def _attr_of(obj: Any, wire: str) -> str:
    """The python attribute that holds wire field ``wire`` on a decoded struct."""
    cls = type(obj)
    fields = getattr(cls, "__struct_fields__", None)
    if fields is None:
        return wire
    for name, encoded in zip(fields, cls.__struct_encode_fields__, strict=True):
        if encoded == wire:
            return str(name)
    raise PaginationError(f"{cls.__name__} has no field {wire!r}", route=cls.__name__, cursor="")


def _read(obj: Any, wire: str, attr: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(wire)
    return getattr(obj, attr)


class Paginator(Generic[T]):
    """Async iterator over every row of a paginated route, newest first; one request per page.

    Made by ``BitgetClient.paginate``; the arguments are checked there, before any I/O.
    ``requests`` counts the pages fetched so far.
    """

    def __init__(
        self,
        endpoint: Callable[..., Awaitable[Any]],
        route: Route,
        rule: CursorRule,
        params: Mapping[str, Any],
        *,
        limit: int | None,
        page_size: int | None,
        start_time: int | None,
        time_windows: list[tuple[int | None, int | None]],
        first_cursor: str | None = None,
    ) -> None:
        self._endpoint = endpoint
        self._route = route
        self._rule = rule
        self._py = {p.wire: p.py for p in route.params}
        self._params = dict(params)
        self._limit = limit
        self._size = page_size if page_size is not None else rule.size_max
        self._start = start_time
        self._walk_time = walks_time(rule)
        self._windows = time_windows
        self._window = 0
        self._cursor: str | None = first_cursor
        self._page_no = 1
        self._buffer: deque[T] = deque()
        self._yielded = 0
        self._done = False
        self._attrs: dict[str, str] = {}
        self.requests = 0

    def __repr__(self) -> str:
        return (
            f"<Paginator client.{self._route.python_name} kind={self._rule.kind} requests={self.requests} "
            f"yielded={self._yielded}{' done' if self._done else ''}>"
        )

    def __aiter__(self) -> Paginator[T]:
        return self

    async def aclose(self) -> None:
        """Stop the walk: no further request is sent (``contextlib.aclosing`` works with it).

        Nothing else needs closing: no request, slot or connection is held between pages."""
        self._done = True
        self._buffer.clear()

    async def __anext__(self) -> T:
        while not self._buffer:
            if self._done:
                raise StopAsyncIteration
            await self._fetch()
        item = self._buffer.popleft()
        self._yielded += 1
        if self._limit is not None and self._yielded >= self._limit:
            self._done = True
            self._buffer.clear()
        return item

    def _attr(self, obj: Any, wire: str) -> str:
        attr = self._attrs.get(wire)
        if attr is None:
            attr = self._attrs[wire] = _attr_of(obj, wire)
        return attr

    def _request_args(self) -> tuple[dict[str, Any], int | None]:
        rule, py = self._rule, self._py
        kwargs = dict(self._params)
        start, end = self._windows[self._window]
        if self._walk_time:
            bound = int(self._cursor) if self._cursor is not None else end
            if bound is not None and rule.end is not None:
                kwargs[py[rule.end]] = bound
        else:
            if start is not None and rule.start is not None:
                kwargs[py[rule.start]] = start
            if end is not None and rule.end is not None:
                kwargs[py[rule.end]] = end
            if rule.kind == "page" and rule.cursor is not None:
                kwargs[py[rule.cursor]] = self._page_no
            elif self._cursor is not None and rule.cursor is not None:
                kwargs[py[rule.cursor]] = self._cursor
        size = self._size
        if size is not None and self._limit is not None and rule.kind != "page":
            # Ask only for what is left; never on numbered pages, where the size fixes the offset.
            size = min(size, self._limit - self._yielded)
        if size is not None and rule.size is not None:
            kwargs[py[rule.size]] = size
        return kwargs, size

    async def _fetch(self) -> None:
        rule = self._rule
        kwargs, size = self._request_args()
        asked = self._cursor
        page = await self._endpoint(**kwargs)
        self.requests += 1
        if rule.items is None:
            rows: Sequence[Any] = page if isinstance(page, Sequence) else ()
        elif page is None:
            rows = ()
        else:
            rows = _read(page, rule.items, self._attr(page, rule.items)) or ()
        last = not rows or (size is not None and len(rows) < size)
        if rule.more is not None and page is not None and not _read(page, rule.more, self._attr(page, rule.more)):
            last = True
        if self._walk_time:
            rows, last = self._time_rows(rows, last)
        elif rule.kind == "page":
            self._page_no += 1
        elif rule.kind == "time":
            last = True  # a window-only route answers a window in one page
        elif rows:
            if not last:
                last = self._advance(page, rows)  # from the page as sent, before any boundary row is dropped
            rows = self._id_rows(rows, asked)
        self._buffer.extend(rows)
        if last:
            self._next_window()

    def _id_rows(self, rows: Sequence[Any], asked: str | None) -> Sequence[Any]:
        rule = self._rule
        if rule.source == "item" and asked is not None and rule.field is not None:
            # A server that treats the cursor as inclusive would repeat the boundary row: drop it.
            attr = self._attr(rows[0], rule.field)
            rows = [r for r in rows if str(_read(r, rule.field, attr)) != asked]
        return rows

    def _advance(self, page: Any, rows: Sequence[Any]) -> bool:
        """Move the id cursor; True when the page says it was the last (no cursor to go on with)."""
        rule = self._rule
        assert rule.field is not None
        holder = rows[-1] if rule.source == "item" else page
        if holder is None:
            return True
        value = _read(holder, rule.field, self._attr(holder, rule.field))
        if value is None or value == "":
            return True
        text = str(value)
        if text == self._cursor:
            raise PaginationError(
                f"client.{self._route.python_name}: the page gave back the cursor {text!r} it was asked with; "
                "walking on would repeat it",
                route=self._route.python_name,
                cursor=text,
            )
        self._cursor = text
        return False

    def _time_rows(self, rows: Sequence[Any], last: bool) -> tuple[list[Any], bool]:
        """Candles come oldest first: keep the ones below the previous bound and at or after the
        caller's start, newest first, and move the bound below the oldest."""
        rule = self._rule
        assert rule.field is not None
        if not rows:
            return [], True
        attr = self._attr(rows[0], rule.field)
        stamped = sorted(((int(_read(r, rule.field, attr)), r) for r in rows), key=lambda x: x[0], reverse=True)
        bound = int(self._cursor) + 1 if self._cursor is not None else None
        fresh = [(t, r) for t, r in stamped if bound is None or t < bound]
        if not fresh:
            raise PaginationError(
                f"client.{self._route.python_name}: no candle older than {bound} came back for endTime {self._cursor}",
                route=self._route.python_name,
                cursor=str(self._cursor),
            )
        oldest = fresh[-1][0]
        if self._start is not None:
            if oldest <= self._start:
                last = True
            fresh = [(t, r) for t, r in fresh if t >= self._start]
        self._cursor = str(oldest - 1)
        return [r for _, r in fresh], last

    def _next_window(self) -> None:
        self._window += 1
        self._cursor = None
        self._page_no = 1
        if self._window >= len(self._windows):
            self._done = True


def make_paginator(
    endpoint: Callable[..., Awaitable[Any]],
    params: Mapping[str, Any],
    *,
    limit: int | None,
    page_size: int | None,
    start_time: TimeArg | None,
    end_time: TimeArg | None,
    now_ms: Callable[[], int],
) -> Paginator[Any]:
    """Check everything a walk needs before any I/O, then build its iterator."""
    route = getattr(endpoint, "route", None)
    if not isinstance(route, Route):
        raise ValidationError(
            f"paginate expects a bound endpoint such as client.spot.trade.history_orders, got {endpoint!r}",
            param="endpoint",
        )
    name = route.python_name
    rule = cursor_rule(route)
    if rule is None:
        raise ValidationError(f"client.{name} is not paginated; call it directly", param="endpoint", route=name)
    py = {p.wire: p.py for p in route.params}
    params = dict(params)
    first_cursor: str | None = None
    cursor_py = py.get(rule.cursor) if rule.cursor is not None else None
    if rule.kind == "id" and cursor_py is not None and params.get(cursor_py) is not None:
        # A caller's idLessThan is where the walk starts (resuming an earlier one).
        first_cursor = str(params.pop(cursor_py))
    owned = {py[w]: w for w in (rule.cursor, rule.size) if w is not None and w in py}
    for key in params:
        if key in owned:
            hint = "page_size=" if owned[key] == rule.size else "nothing (the iterator moves it)"
            raise ValidationError(
                f"paginate: client.{name}: {key!r} is set by the iterator; pass {hint}", param=key, route=name
            )
    for key, value in (("limit", limit), ("page_size", page_size)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ValidationError(f"paginate: {key} expects a positive int, got {value!r}", param=key, route=name)
    if page_size is not None and rule.size is None:
        raise ValidationError(f"paginate: client.{name} has no page-size parameter", param="page_size", route=name)
    if page_size is not None and rule.size_max is not None and page_size > rule.size_max:
        raise ValidationError(
            f"paginate: page_size {page_size} is above client.{name}'s maximum {rule.size_max}",
            param="page_size",
            route=name,
        )
    start = time_ms(start_time, "start_time") if start_time is not None else None
    end = time_ms(end_time, "end_time") if end_time is not None else None
    if start is not None and rule.start is None and not walks_time(rule):
        raise ValidationError(f"paginate: client.{name} takes no start_time", param="start_time", route=name)
    if end is not None and rule.end is None:
        raise ValidationError(f"paginate: client.{name} takes no end_time", param="end_time", route=name)
    if start is not None and end is not None and start > end:
        raise ValidationError(f"paginate: start_time {start} is after end_time {end}", param="start_time", route=name)
    # Validate the fixed parameters now, as the first request would (no I/O, same messages).
    probe = dict(params)
    if start is not None and rule.start is not None:
        probe[py[rule.start]] = start
    required_end = any(p.wire == rule.end and p.required for p in route.params)
    if rule.end is not None and rule.end in py and required_end:
        probe.setdefault(py[rule.end], end if end is not None else now_ms())
    if first_cursor is not None and cursor_py is not None:
        probe[cursor_py] = first_cursor
    route.encode_values(probe)
    return Paginator(
        endpoint, route, rule, params, limit=limit, page_size=page_size, start_time=start,
        time_windows=time_windows(rule, start, end, required_end, now_ms), first_cursor=first_cursor,
    )
