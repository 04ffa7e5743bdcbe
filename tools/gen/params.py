"""Request parameters: schema params -> the route table's param rows, batch item Structs."""

from __future__ import annotations

import re
from typing import Any

from .facts import Route
from .models import SECRET_FIELDS, ModelBuilder, masked_repr
from .names import camel_class, snake

SCALAR_PARAM = {
    "string": "str",
    "string-decimal": "money",
    "string-int": "int",
    "string-int-ms": "int",
    "number": "money",
    "int": "int",
    "bool": "bool",
    "string-bool": "bool",
}

_COND_ATOM = re.compile(
    r"^(?P<name>[A-Za-z]+)\s*(?:(?P<op>=|in)\s*(?P<val>.+?)|(?P<set>is set)|(?P<unset>not given))$"
)


def parse_condition(text: str) -> list[list[tuple[str, str, tuple[str, ...]]]] | None:
    """'a = x and b = y, or c is set' -> [[(a, 'eq', (x,)), (b, 'eq', (y,))], [(c, 'set', ())]].

    Returns None for prose conditions that cannot be checked mechanically."""
    alternatives: list[list[tuple[str, str, tuple[str, ...]]]] = []
    for alt in re.split(r",\s*or\s+|\s+or\s+", text.strip()):
        clauses: list[tuple[str, str, tuple[str, ...]]] = []
        for atom in re.split(r"\s+and\s+", alt.strip()):
            m = _COND_ATOM.match(atom.strip())
            if not m:
                return None
            if m.group("set"):
                clauses.append((m.group("name"), "set", ()))
            elif m.group("unset"):
                clauses.append((m.group("name"), "unset", ()))
            else:
                vals = tuple(v.strip() for v in m.group("val").split(","))
                if not all(re.fullmatch(r"[A-Za-z0-9_]+", v) for v in vals):
                    return None
                clauses.append((m.group("name"), "eq", vals))
        alternatives.append(clauses)
    return alternatives


def param_row(p: dict[str, Any], location: str, item_struct: str | None) -> dict[str, Any]:
    t = p["type"]
    if t == "list":
        kind = "list_obj" if p.get("item_type") == "object" else "list_str"
    else:
        kind = SCALAR_PARAM[t]
    cond = parse_condition(p["required_when"]) if p.get("required_when") else None
    maximum = p.get("max")
    if isinstance(maximum, str):
        maximum = int(maximum) if maximum.isdigit() else None
    values = tuple(str(e) for e in p["enum"]) if p.get("enum") else None
    row = {
        "py": p.get("py_name") or snake(p["name"]),  # py_name: a "$body" array has no wire name to follow
        "wire": p["name"],
        "kind": kind,
        "required": bool(p.get("required")),
        # An open field's values are hints for IDEs; only a closed list is checked (any case).
        "enum": None if p.get("enum_open") else values,
        "default": str(p["default"]) if p.get("default") is not None else None,
        "max": maximum,
        "max_items": p.get("max_items"),
        "where": location,
        "when": cond,
        "item": item_struct,
        "children": tuple(
            param_row(c, "item", None) for c in p.get("children", [])
        ) if kind == "list_obj" else (),
    }
    # Keys only where set, so the rows of the many plain parameters stay as they were.
    if p.get("enum_open") and values:
        row["known"] = values
    if kind == "money" and not p.get("signed") and NONNEG_MONEY.search(p["name"]):
        row["nonneg"] = True
    if p.get("legacy"):
        row["legacy"] = tuple(p["legacy"])
    return row


# Sizes, prices and amounts: Bitget never takes them below zero (a fact says "signed" where it does).
NONNEG_MONEY = re.compile(r"(?i)(price|size|amount|qty|quantity|volume)$")



def build_params(routes: list[Route], mb: ModelBuilder) -> dict[str, str]:
    """Fill route.params; returns request item Struct source per area for batch bodies."""
    request_items: dict[str, list[str]] = {}
    for r in routes:
        rec = r.schema
        location = "query" if rec["param_location"] == "query" else "body"
        rows = []
        for p in rec["params"]:
            item = None
            if p["type"] == "list" and p.get("item_type") == "object" and p.get("children"):
                item = camel_class(*r.groups, r.name) + "Item"
                request_items.setdefault(r.area, []).append(render_request_item(item, p["children"]))  # type: ignore[attr-defined]
            rows.append(param_row(p, location, item))
        r.params = rows
    return {a: "\n\n".join(v) for a, v in request_items.items()}


def render_request_item(name: str, children: list[dict[str, Any]]) -> str:
    lines = [f"class {name}(msgspec.Struct, kw_only=True, omit_defaults=True):",
             '    """One item of a batch request body; fields map to the wire names."""']
    for c in children:
        t = SCALAR_PARAM.get(c["type"], "str")
        ann = {"str": "str", "money": "Decimal | str | int", "int": "int | str", "bool": "bool"}[t]
        if c.get("enum") and t == "str":
            # Known values for IDEs; ``| str`` because Bitget takes them in any letter case.
            ann = "Literal[" + ", ".join(repr(str(e)) for e in c["enum"]) + "] | str"
        py = snake(c["name"])
        name_part = "" if py == c["name"] else f", name={c['name']!r}"
        if c.get("required"):
            lines.append(f"    {py}: {ann}" + (f" = msgspec.field(name={c['name']!r})" if name_part else ""))
        else:
            lines.append(f"    {py}: {ann} | None = msgspec.field(default=None{name_part})")
    # Fields the table does not know yet, passed through exactly (never overriding a typed one).
    lines.append("    extra_params: dict[str, Any] | None = None")
    attrs = [(snake(c["name"]), c["name"] in SECRET_FIELDS) for c in children]
    if any(secret for _, secret in attrs):
        lines.append("\n" + masked_repr(name, [*attrs, ("extra_params", False)]).rstrip("\n"))
    return "\n".join(lines) + "\n"

