"""Paginated routes without exchange state, answered from rows made from their documented example.

A paginated route the simulator keeps no state for (copy-trading histories, broker commissions,
p2p orders ...) still pages like Bitget does: the documented example's first row becomes
``ROWS`` rows, newest first, each with its own id (descending) and time (``row_step_ms`` apart), and
the request's cursor, reverse bound, page number, time range and page size select from them by
the route's cursor rule, the same data the client's paginator reads.  So every cursor kind can
be walked over many pages against the simulator.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._cursors import CursorRule

__all__ = ["ROWS", "paged_example", "row_step_ms"]

ROWS = 30
_ID_KEYS = ("orderId", "trackingNo", "id", "billId", "tradeId", "annId", "loanId", "uid")
_TIME_KEYS = ("cTime", "ctime", "createTime", "uTime", "utime", "ts", "time", "orderTime", "openTime", "date")
_BASE_ID = 1_100_000_000_000_000_000


def _id_key(rule: CursorRule, row: Mapping[str, Any]) -> str | None:
    if rule.source == "item" and rule.field in row:
        return rule.field
    for key in _ID_KEYS:
        if key in row:
            return key
    return next((k for k in row if k.endswith(("Id", "No"))), None)


def _time_key(row: Mapping[str, Any]) -> str | None:
    return next((k for k in _TIME_KEYS if k in row), None) or next(
        (k for k in row if k.endswith(("Time", "time"))), None
    )


def _rows(
    template: Mapping[str, Any], id_key: str | None, time_key: str | None, now: int, step: int
) -> list[dict[str, Any]]:
    rows = []
    for i in range(ROWS):
        row = dict(template)
        if id_key is not None:
            value = _BASE_ID + (ROWS - i)
            row[id_key] = value if isinstance(template.get(id_key), int) else str(value)
        if time_key is not None:
            row[time_key] = str(now - i * step)
        rows.append(row)
    return rows


def row_step_ms(rule: CursorRule) -> int:
    """Time between two made-up rows: a minute, or a quarter window where requests are cut into
    windows, so a long range finds rows in every window."""
    return rule.window_days * 86_400_000 // 4 if rule.window_days else 60_000


def _number(values: Mapping[str, Any], name: str | None) -> int | None:
    raw = values.get(name) if name else None
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _select(rule: CursorRule, rows: list[dict[str, Any]], id_key: str | None, time_key: str | None,
            values: Mapping[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    """The rows of one page, and whether older rows remain after it."""
    if time_key is not None:
        start, end = _number(values, rule.start), _number(values, rule.end)
        rows = [r for r in rows if (start is None or int(r[time_key]) >= start) and (end is None or int(r[time_key]) <= end)]
    if id_key is not None:
        below = _number(values, rule.cursor) if rule.kind == "id" else None
        above = _number(values, rule.reverse)
        rows = [r for r in rows if (below is None or int(r[id_key]) < below) and (above is None or int(r[id_key]) > above)]
    size = _number(values, rule.size) or rule.size_max or 100
    if rule.kind == "page":
        page = max(1, _number(values, rule.cursor) or 1)
        chosen = rows[(page - 1) * size : page * size]
        return chosen, len(rows) > page * size
    return rows[:size], len(rows) > size


def paged_example(rule: CursorRule, example: Any, values: Mapping[str, Any], now: int) -> Any:
    """The answer to one page request, shaped like ``example`` (Bitget's documented answer)."""
    listed = example if isinstance(example, list) else (example or {}).get(rule.items or "")
    if not isinstance(listed, list) or not listed or not isinstance(listed[0], dict):
        return example  # nothing row-like to page through: the example as documented
    template = listed[0]
    id_key, time_key = _id_key(rule, template), _time_key(template)
    rows = _rows(template, id_key, time_key, now, row_step_ms(rule))
    page, more = _select(rule, rows, id_key, time_key, values)
    if isinstance(example, list):
        return page
    answer = dict(example)
    answer[rule.items or ""] = page
    if rule.source == "page" and rule.field and rule.field in answer:
        last = page[-1][id_key] if page and id_key else None
        if isinstance(answer[rule.field], int):  # the example's own type: some echo the cursor as a number
            answer[rule.field] = int(last) if last is not None else 0
        else:
            answer[rule.field] = str(last) if last is not None else ""
    if rule.more and rule.more in answer:
        answer[rule.more] = more
    return answer
