"""Cursor rules: spec/pagination-v2.tsv (+ spec/pagination-checks.tsv) -> one data row per route.

The tsv says in words where each route's next cursor comes from ("endId", "last item orderId",
"minId (maxId for idGreaterThan)") and how long its time window is ("three months"); this module
turns those words into exact wire names, checked against the route's own schema, so the runtime
(``bitget_async/_pagination.py``, rules in ``_cursors.py``) needs no code per route.  Rows of the tsv whose route is not in
the route table yet are skipped; they appear when the route's facts land.  A rule that names a
field the route's schema does not have stops the generator with the route and the field.

It also gives every page object that holds its items in a list field (``entrustedList``,
``orderList`` ...) a ``page_items`` property, so mypy can tell what ``client.paginate`` yields.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from typing import Any

from .facts import HEADER, SPEC, Route

KINDS = {
    "idLessThan": "id",
    "idLessThan+idGreaterThan": "id",
    "cursor": "id",
    "pageNo": "page",
    "time-window": "time",
}
NOT_PAGINATED = {"none", "limit-only"}
# Columns pagination-checks.tsv may add: ``items`` names the page's list field where the page
# object has more than one list (savings assets: ``resultList`` beside per-product ``apy``).
EXTRA_COLUMNS = {"items"}
_WORD_DAYS = {"one": 1, "three": 3, "seven": 7}


@dataclass(frozen=True)
class Rule:
    """One route's cursor rule, in wire names (the row ``_cursors.py`` reads)."""

    method: str
    path: str
    kind: str  # "id" (cursor from the page or its last item), "page" (page number), "time" (window)
    cursor: str | None  # request parameter that carries the cursor: idLessThan, cursor, pageNo ...
    source: str | None  # "page" (a field of the page object), "item" (the last item), "oldest" (min time)
    field: str | None  # the field the next cursor is read from
    items: str | None  # page object's list field; None when data is the list itself
    size: str | None  # page-size parameter: limit or pageSize
    size_max: int | None  # documented page-size cap (None: unknown, the server default is used)
    start: str | None  # startTime parameter, when the route has one
    end: str | None
    window_days: int | None  # longest startTime..endTime span one request may ask for
    more: str | None  # boolean page field that says whether another page exists (nextFlag)
    reverse: str | None  # the opposite-direction cursor (idGreaterThan), passed through as a bound

    def row(self) -> tuple[Any, ...]:
        return (
            self.method, self.path, self.kind, self.cursor, self.source, self.field, self.items, self.size,
            self.size_max, self.start, self.end, self.window_days, self.more, self.reverse,
        )


def _read(name: str) -> list[dict[str, str]]:
    with open(SPEC / name, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def load_facts() -> dict[tuple[str, str], dict[str, str]]:
    """pagination-v2.tsv rows by (method, path), with the doc-checked corrections applied."""
    rows = {(r["method"], r["path"]): dict(r) for r in _read("pagination-v2.tsv")}
    for fix in _read("pagination-checks.tsv"):
        key = (fix["method"], fix["path"])
        if key not in rows:
            raise SystemExit(f"pagination-checks.tsv: {fix['method']} {fix['path']} is not in pagination-v2.tsv")
        if fix["column"] not in rows[key] and fix["column"] not in EXTRA_COLUMNS:
            raise SystemExit(f"pagination-checks.tsv: unknown column {fix['column']!r}")
        rows[key][fix["column"]] = fix["value"]
    return rows


def window_days(text: str) -> int | None:
    """'7 days', '7days', 'three months', '3 months' -> days (a month counted as 30)."""
    m = re.fullmatch(r"\s*(\d+|one|three|seven)\s*(day|days|week|weeks|month|months)\s*", text.lower())
    if not m:
        return None
    n = int(m.group(1)) if m.group(1).isdigit() else _WORD_DAYS[m.group(1)]
    unit = m.group(2).rstrip("s")
    return n * {"day": 1, "week": 7, "month": 30}[unit]


def _int(text: str) -> int | None:
    m = re.search(r"(\d+)\s*$", text)
    return int(m.group(1)) if m else None


def _names(fields: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in fields}


def build_rule(r: Route, fact: dict[str, str]) -> Rule | None:
    kind = KINDS.get(fact["kind"])
    if fact["kind"] in NOT_PAGINATED:
        return None
    where = f"{r.method} {r.path}"
    if kind is None:
        raise SystemExit(f"pagination: {where}: unknown cursor kind {fact['kind']!r}")
    params = {p["wire"]: p for p in r.params}
    schema = r.schema
    shape = schema.get("data_shape")
    top = _names(schema.get("fields", []))
    items: str | None = None
    item_fields: dict[str, dict[str, Any]]
    if shape in ("list", "list_of_arrays"):
        item_fields = top
    else:
        lists = [f for f in schema.get("fields", []) if f["type"] == "list"]
        if fact.get("items"):
            lists = [f for f in lists if f["name"] == fact["items"]]
        if len(lists) != 1:
            raise SystemExit(
                f"pagination: {where}: page object needs exactly one list field, has {[f['name'] for f in lists]} "
                "(name it in spec/pagination-checks.tsv, column items)"
            )
        items = lists[0]["name"]
        item_fields = _names(lists[0].get("children", []))
    cursor_params = [c for c in fact["cursor_params"].split(",") if c]
    for c in cursor_params:
        if c not in params:
            raise SystemExit(f"pagination: {where}: cursor parameter {c!r} is not a parameter of the route")
    size_param = "pageSize" if "pageSize" in params else ("limit" if "limit" in params else None)
    if kind == "page" and len(cursor_params) == 2 and cursor_params[1] in params:
        size_param = cursor_params[1]
    cursor: str | None = cursor_params[0] if cursor_params else None
    reverse = cursor_params[1] if kind == "id" and len(cursor_params) == 2 else None
    source = field = None
    text = fact["next_cursor_from"].strip()
    if kind == "id":
        m = re.fullmatch(r"(?:last item\s+)?(\w+)(?:\s*\(.*\))?", text)
        if not m:
            raise SystemExit(f"pagination: {where}: cannot read next_cursor_from {text!r}")
        field = m.group(1)
        wants_item = text.startswith("last item")
        # "last item X" is the last row's X; a bare name is a page field.  Where the page has no
        # such field the facts meant the other place (a list page has no page fields at all).
        if wants_item and field in item_fields:
            source = "item"
        elif not wants_item and field in top and items is not None:
            source = "page"
        elif field in item_fields:
            source = "item"
        elif field in top and items is not None:
            source = "page"
        else:
            raise SystemExit(f"pagination: {where}: next cursor field {field!r} is neither a page nor an item field")
    elif kind == "time":
        m = re.fullmatch(r"oldest item (\w+)", text)
        if m:
            field, source = m.group(1), "oldest"
            if field not in item_fields:
                raise SystemExit(f"pagination: {where}: time field {field!r} is not an item field")
            cursor = "endTime"
    size_max: int | None = None
    if size_param is not None:
        tsv_cap = _int(fact["limit_max"]) if fact["limit_max"] else None
        param_cap = params[size_param].get("max")
        known = [c for c in (tsv_cap, param_cap) if isinstance(c, int)]
        # The tighter documented cap: a page size above the route's own maximum would be refused
        # by validation before it is ever sent.
        size_max = min(known) if known else (schema.get("pagination") or {}).get("max_limit")
    days = window_days(fact["time_window"]) if fact["time_window"] else None
    if days is None:
        days = (schema.get("pagination") or {}).get("max_window_days")
    more = next((n for n, f in top.items() if n == "nextFlag" and f["type"] in ("bool", "string-bool")), None)
    if items is None:
        more = None
    return Rule(
        method=r.method,
        path=r.path,
        kind=kind,
        cursor=cursor,
        source=source,
        field=field,
        items=items,
        size=size_param,
        size_max=size_max,
        start="startTime" if "startTime" in params else None,
        end="endTime" if "endTime" in params else None,
        # A candle walk sends endTime alone, so no request ever spans a window.
        window_days=days if ("startTime" in params and "endTime" in params and source != "oldest") else None,
        more=more,
        reverse=reverse,
    )


def build_rules(routes: list[Route]) -> list[Rule]:
    facts = load_facts()
    rules = []
    for r in routes:
        fact = facts.get((r.method, r.path))
        if fact is None:
            continue
        rule = build_rule(r, fact)
        if rule is not None:
            rules.append(rule)
    return rules


def render_pagination_data(rules: list[Rule]) -> str:
    out = [HEADER, '"""Cursor rules for every paginated route in the table, as plain data (see tools/gen/pagination.py)."""\n\n']
    out.append("from __future__ import annotations\n\nfrom typing import Any\n\n")
    out.append(
        "# (method, path, kind, cursor, source, field, items, size, size_max, start, end, window_days, more,"
        " reverse)\n"
    )
    out.append("PAGINATION_ROWS: tuple[tuple[Any, ...], ...] = (\n")
    for rule in rules:
        out.append(f"    {rule.row()!r},\n")
    out.append(")\n")
    return "".join(out)


def add_page_items(files: dict[str, str], routes: list[Route], rules: list[Rule]) -> dict[str, str]:
    """Give each page struct a ``page_items`` property over its list field (typing and users)."""
    by_key = {(r.method, r.path): r for r in routes}
    done: set[str] = set()
    for rule in rules:
        if rule.items is None:
            continue
        cls = by_key[(rule.method, rule.path)].response
        if not re.fullmatch(r"[A-Z]\w*", cls) or cls in done:
            continue
        for rel, text in files.items():
            if "/models/" not in rel:
                continue
            m = re.search(rf"^class {cls}\(msgspec\.Struct[^\n]*\n((?:    [^\n]*\n)+)", text, re.M)
            if not m:
                continue
            body = m.group(1)
            fm = re.search(
                rf"^    (\w+): list\[(\w+)\]( \| None)?(?: = msgspec\.field\([^\n]*name='{rule.items}'\))?",
                body,
                re.M,
            )
            attr_ok = fm is not None and ("name='" not in fm.group(0) or f"name='{rule.items}'" in fm.group(0))
            if fm is None or not attr_ok:
                raise SystemExit(f"pagination: {cls}: no list field {rule.items!r} to expose as page_items")
            attr, item, optional = fm.group(1), fm.group(2), fm.group(3)
            prop = (
                "\n    @property\n"
                f"    def page_items(self) -> list[{item}]:\n"
                f'        """This page\'s rows (``{rule.items}``): what ``client.paginate`` yields."""\n'
                f"        return self.{attr}{' or []' if optional else ''}\n"
            )
            files[rel] = text[: m.end()] + prop + text[m.end() :]
            done.add(cls)
            break
        else:
            raise SystemExit(f"pagination: page struct {cls} not found in the generated models")
    return files
