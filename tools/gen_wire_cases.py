"""Write ``tests/data/wire_cases_routes.json``: one wire case per route, its minimal call.

For every route the call carries its required parameters (plus those its documented conditions
then require, plus ``clientOid`` where the route takes one, so no random id reaches the wire),
each with a typed sample value: Decimal for money, int for counts and millisecond times, bool,
one-element lists, batch items as dicts.  The expected request is worked out here from the
route table's facts alone (wire names in table order, Bitget's plain-number and "true"/"false"
spellings, compact JSON), not by running the client, and checked in: tests/test_wire.py then
sends every call through the real client and compares the bytes.  Regenerate deliberately,
after a change to the facts, and read the diff:

    .venv/bin/python tools/gen_wire_cases.py           # write the file
    .venv/bin/python tools/gen_wire_cases.py --check   # exit 1 when it is out of date
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bitget_async import ROUTES, Param, Route  # noqa: E402

TARGET = ROOT / "tests" / "data" / "wire_cases_routes.json"
BASE = "https://api.bitget.com"
NAMED = {"symbol": "BTCUSDT", "clientOid": "oid-1", "productType": "USDT-FUTURES", "marginCoin": "USDT"}
SAFE = re.compile(r"^[A-Za-z0-9_.\-]+$")  # sample values that need no percent-encoding


def sample(p: Param, context: dict[str, Any] | None = None) -> tuple[Any, Any]:
    """(argument as written in the case file, its exact wire value); ``context`` holds the call's
    top-level wire values, which batch items' conditions may name."""
    if p.kind == "str":
        value = p.enum[0] if p.enum else NAMED.get(p.wire) or ("USDT" if p.wire.lower().endswith("coin") else f"{p.wire}-1")
        assert SAFE.match(value), (p.wire, value)
        return value, value
    if p.kind == "money":
        return {"$decimal": "0.50"}, "0.50"
    if p.kind == "int":
        if p.wire.lower().endswith("time"):
            return 1700000000000, "1700000000000"
        n = min(5, int(p.max)) if p.max is not None else 5
        return n, str(n)
    if p.kind == "bool":
        return True, "true"
    if p.kind == "list_str":
        value = p.enum[0] if p.enum else f"{p.wire}-1"
        return [value], [value]
    chosen = _minimal(p.children, context or {})
    item_args: dict[str, Any] = {}
    item_wire: dict[str, Any] = {}
    for child in p.children:
        if child.wire in chosen:
            item_args[child.py], item_wire[child.wire] = sample(child)
    return [item_args], [item_wire]


def _minimal(params: tuple[Param, ...], context: dict[str, Any]) -> set[str]:
    """Wire names of the required parameters, plus clientOid, plus what their values then require."""
    chosen = {p.wire for p in params if p.required or p.wire == "clientOid"}
    while True:  # a chosen value can make another parameter required: add until nothing changes
        wire = {**context, **{p.wire: sample(p)[1] for p in params if p.wire in chosen and p.kind != "list_obj"}}
        more = {p.wire for p in params if p.wire not in chosen and p.when is not None and _holds(p.when, wire)}
        if not more:
            return chosen
        chosen |= more


def _holds(when: Any, present: dict[str, Any]) -> bool:
    """A documented condition ("price is required when orderType = limit") on wire values."""
    for alternative in when:
        ok = True
        for name, op, values in alternative:
            got = present.get(name)
            ok = got is not None if op == "set" else got is None if op == "unset" else str(got) in values
            if not ok:
                break
        if ok:
            return True
    return False


def case(route: Route) -> dict[str, Any]:
    chosen = _minimal(route.params, {})
    scalars = {p.wire: sample(p)[1] for p in route.params if p.wire in chosen and p.kind != "list_obj"}
    args: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for p in route.params:  # the wire follows the table's order, whatever order the call used
        if p.wire in chosen:
            args[p.py], values[p.wire] = sample(p, scalars)
    url = BASE + route.path
    body: str | None = None
    if route.method == "GET":
        if values:
            url += "?" + "&".join(f"{k}={v if isinstance(v, str) else ','.join(v)}" for k, v in values.items())
    elif "$body" in values:
        body = json.dumps(values["$body"], separators=(",", ":"))
    else:
        body = json.dumps(values, separators=(",", ":"))
    return {
        "group": route.group,
        "call": route.python_name,
        "args": dict(reversed(args.items())),  # given in reverse: the client must restore the order
        "method": route.method,
        "url": url,
        "body": body,
        "signed": route.auth,
        "generated": True,
    }


def build() -> str:
    about = (
        "GENERATED by tools/gen_wire_cases.py from the route table: one minimal call per route with typed "
        "sample values and its exact request (URL with query order, body bytes). Same format as wire_cases.json; "
        "tests/test_wire.py runs both. Regenerate only deliberately, and review the diff."
    )
    cases = [case(r) for r in ROUTES]
    lines = [json.dumps(c, separators=(", ", ": ")) for c in cases]
    return '{\n  "about": ' + json.dumps(about) + ',\n  "cases": [\n    ' + ",\n    ".join(lines) + "\n  ]\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run tools/gen_wire_cases.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(ROUTES)} cases)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
