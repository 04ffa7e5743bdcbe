"""Cursor rules: how each paginated route pages, as data, and the time arithmetic of a walk.

One ``CursorRule`` per route comes from ``_generated/pagination_data.py`` (generated from
``spec/pagination-v2.tsv``); ``_pagination.py`` walks any route with the rule alone.  The time
helpers turn a caller's range into the windows a route accepts per request (7 to 180 days),
exactly, in epoch milliseconds.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Literal

from ._errors import ValidationError
from ._generated.pagination_data import PAGINATION_ROWS
from ._routes import Route

__all__ = ["CURSOR_RULES", "CursorRule", "TimeArg", "cursor_rule", "time_ms", "time_windows", "walks_time", "windows"]

_DAY_MS = 86_400_000
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
TimeArg = int | _dt.datetime


@dataclasses.dataclass(frozen=True, slots=True)
class CursorRule:
    """One route's pagination, in wire names (a row of ``PAGINATION_ROWS``)."""

    method: str
    path: str
    kind: Literal["id", "page", "time"]
    cursor: str | None  # request parameter carrying the cursor (idLessThan, cursor, pageNo, endTime)
    source: Literal["page", "item", "oldest"] | None  # where the next cursor is read
    field: str | None  # which field it is read from (endId, orderId, ts ...)
    items: str | None  # the page object's list field; None when ``data`` is the list
    size: str | None  # page-size parameter (limit, pageSize)
    size_max: int | None  # documented cap; None: unknown, the server's default is used
    start: str | None  # startTime parameter, if the route has one
    end: str | None  # endTime parameter, if the route has one
    window_days: int | None  # longest startTime..endTime span of one request
    more: str | None  # boolean page field: another page exists (nextFlag)
    reverse: str | None  # opposite cursor (idGreaterThan): a caller's bound, passed on every request

    @property
    def window_ms(self) -> int | None:
        return self.window_days * _DAY_MS if self.window_days else None


CURSOR_RULES: Mapping[tuple[str, str], CursorRule] = MappingProxyType(
    {(row[0], row[1]): CursorRule(*row) for row in PAGINATION_ROWS}
)


def cursor_rule(route: Route) -> CursorRule | None:
    """The cursor rule of a route, or None when the route is not paginated."""
    return CURSOR_RULES.get((route.method, route.path))


def time_ms(value: TimeArg, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, _dt.datetime)):
        raise ValidationError(f"paginate: {name} expects epoch milliseconds (int) or an aware datetime", param=name)
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            raise ValidationError(f"paginate: {name} must be timezone-aware (a naive datetime is ambiguous)", param=name)
        return (value - _EPOCH) // _dt.timedelta(milliseconds=1)  # exact: no float on the way
    if value < 0:
        raise ValidationError(f"paginate: {name} must not be negative, got {value}", param=name)
    return value


def windows(start: int | None, end: int | None, span: int | None) -> list[tuple[int | None, int | None]]:
    """``[start, end]`` cut into spans of at most ``span`` ms, newest first, touching but never
    overlapping (each window's start is one ms after the next window's end)."""
    if start is None or end is None or span is None or end - start < span:
        return [(start, end)]
    out: list[tuple[int | None, int | None]] = []
    hi = end
    while hi >= start:
        lo = max(start, hi - span + 1)
        out.append((lo, hi))
        hi = lo - 1
    return out


def walks_time(rule: CursorRule) -> bool:
    """The walk moves a time cursor itself (from the oldest row of each page)."""
    return rule.kind == "time" and rule.source == "oldest"


def time_windows(
    rule: CursorRule, start: int | None, end: int | None, required_end: bool, now_ms: Callable[[], int]
) -> list[tuple[int | None, int | None]]:
    """The time ranges a walk goes through in turn: one for a walk that moves its own time
    cursor, else the caller's range cut into the route's window (up to now when open-ended)."""
    if walks_time(rule):
        return [(start, now_ms() if end is None and required_end else end)]
    if start is not None and end is None and rule.window_ms is not None:
        end = now_ms()
    return windows(start, end, rule.window_ms)
