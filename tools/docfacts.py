"""Extract a route's facts from one Bitget api-doc page (markdown) into our schema record format.

Bitget's pages (mirrored as markdown in github.com/sebastianganser/Bitget_API) share a template:
``# Title``, a rate line ("Frequency limit: 10 times/1s (UID)"), ``* METHOD /api/v2/...``, a
request-parameter table, a curl example, a response example and a response table whose rows nest
with ``>``.  This reads them into the record tools/codegen.py consumes (spec/schemas-*.json).
Wire types come from the examples first ("0.1" is a decimal string, 1695808417159 a JSON integer,
``[...]`` a list), the tables second (they say "String" for nearly everything); disagreements become
``DOC CONFLICT: ...`` notes.  The output is a draft: records are reviewed and fixed by hand where a
page is wrong, and those fixes live in the fact files, never here.

    python tools/docfacts.py PAGE.md                 # one record as JSON (a file or a mirror path)
    python tools/docfacts.py --validate              # agreement with the hand-made records
    python tools/docfacts.py --missing --out DIR     # drafts for listed routes not yet in the table
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC_URL = "https://www.bitget.com/api-doc/"
TIME_NAME = re.compile(r"(Time|time|^ts|Ts|Date|date)$")
INT_NAMES = {"limit", "pageNo", "pageNum", "pageSize", "receiveWindow", "pageIndex", "count", "total"}
MONEY_PARAM = re.compile(r"(price|Price|size|Size|amount|Amount|Amt|Ratio|ratio|Qty|quantity|Quantity|leverage|Leverage|Rate$|Volume$)")
# Response fields that are numbers even where the example leaves them "" (fee, unrealizedPL, ...).
MONEY_FIELD = re.compile(MONEY_PARAM.pattern[:-1] + r"|^fee$|Fee$|PL$|Avg$|[Pp]rofit|[Bb]alance$|[Mm]argin$|[Ee]quity$)")
ID_NAME = re.compile(r"(Id|id|ID|No|Uid|uid|Oid|Code|code|address|Address|Key|key|Than|status|Status|label|Label|name|Name|Type|type)$")
INT_FIELD = re.compile(r"(Precision|Place|Scale|Num|Confirm|^level|Level|Interval|Period|Count|^count|Days|^days|^confirm)$")
TOKEN = re.compile(r"^[A-Za-z0-9_.\-]+$")
WORD = re.compile(r"^[A-Za-z_]\w*$")
Node = dict[str, Any]


# ----------------------------------------------------------------------------- page parts
def rate_of(md: str) -> tuple[float, str] | None:
    """(requests per second, UID|IP|APIKEY) from the page's rate line, None when absent."""
    for line in md.splitlines()[:12]:
        m = re.search(r"(\d+)\s*(?:c|times?|req(?:uest)?s?)?\s*/\s*(\d*)\s*(?:s|sec)\b", line, re.I)
        if m and re.search(r"limit|rule", line, re.I):
            n, per, low = int(m.group(1)), int(m.group(2) or 1), line.lower()
            scope = "IP" if "ip" in re.findall(r"[a-z]+", low) else "APIKEY" if "api key" in low or "apikey" in low else "UID"
            return (n // per if n % per == 0 else n / per), scope
    return None


def tables(text: str) -> Iterator[list[dict[str, str]]]:
    """Every markdown table in ``text``, rows keyed by parameter / type / required / description."""
    for block in re.findall(r"(?:^[ \t]*\|.*(?:\n|$))+", text, re.M):
        cells = [[c.strip() for c in ln.strip().strip("|").split(" | ")] for ln in block.splitlines() if ln.strip()]
        keys = (("type", "type"), ("required", "required"), ("description", "description"), ("param", "parameter"),
                ("name", "parameter"), ("field", "parameter"))
        head = [next((v for k, v in keys if k in h.lower()), h) for h in cells[0]]
        out = []
        for row in cells[2:]:
            if len(row) > len(head):  # a "|" inside the description
                row = [*row[: len(head) - 1], " | ".join(row[len(head) - 1:])]
            out.append(dict(zip(head, [*row, *[""] * (len(head) - len(row))], strict=True)))
        if len(cells) >= 2:  # a header and its rule at least
            yield out


def table(md: str, heading: str) -> list[dict[str, str]]:
    """The first table under a ``### <heading>...`` heading (pages repeat headings)."""
    regions = (re.split(r"(?m)^#+\s", md[m.end():], maxsplit=1)[0] for m in re.finditer(rf"^#+\s*{heading}[^\n]*\n", md, re.M | re.I))
    return next((t for text in regions for t in tables(text)), [])


def split_name(cell: str) -> tuple[int, str]:
    """(nesting depth, name) of a table cell such as ``>> tradeId``."""
    cell = cell.replace("&gt;", ">").replace("\\>", ">").replace("`", "").strip()
    stripped = cell.lstrip("> ")
    return cell[: len(cell) - len(stripped)].count(">"), stripped.strip()


def lenient_json(text: str | None, default: Any = None) -> Any:
    """Parse a doc example (trailing commas, // comments and ``...`` elisions are common), or ``default``."""
    text = re.sub(r"(?m)^\s*//.*$|(?<=[,\[{\s\"\d])\s*//[^\n\"]*$|^\s*\.\.\.\s*,?\s*$", "", text or "")
    try:
        return json.loads(re.sub(r",\s*([}\]])", r"\1", text)) if text else default
    except ValueError:
        return default


def response_example(md: str) -> Any:
    blocks = (lenient_json(b) for b in re.findall(r"```[^\n]*\n(.*?)```", md, re.S) if '"code"' in b)
    return next((v for v in blocks if isinstance(v, dict) and "code" in v), None)


def request_body_example(md: str) -> Any:
    """The JSON body of the page's ``curl ... -d '{...}'`` example ({} when there is none)."""
    m = re.search(r"-d\s*\\?\s*\\?['\"]([\[{].*?[}\]])\s*\\?['\"]", md, re.S)
    value = lenient_json(m.group(1).replace("\\'", "'") if m else None, {})
    return value if isinstance(value, (dict, list)) else {}


# ----------------------------------------------------------------------------- request parameters
def enum_of(desc: str, exclude: set[str] | None = None) -> list[str] | None:
    """The backticked values of a description, when there are at least two (other parameters'
    names, as in "optional when `permType` is `readonly`", are not values)."""
    vals = list(dict.fromkeys(v for v in (v.strip() for v in re.findall(r"`([^`]+)`", desc)) if TOKEN.match(v)))
    vals = [v for v in vals if v not in (exclude or ())]
    return vals if len(vals) >= 2 else None


def param_type(name: str, table_type: str) -> str:
    t = table_type.lower()
    for kind, match in (("list", "list" in t or "array" in t or "[]" in t), ("string-int-ms", TIME_NAME.search(name)),
                        ("string-int", name in INT_NAMES or t in ("integer", "int", "long")), ("bool", "bool" in t)):
        if match:
            return kind
    return "string-decimal" if MONEY_PARAM.search(name) and not ID_NAME.search(name) else "string"


def parse_params(md: str, notes: list[str]) -> list[Node]:
    rows = table(md, r"Request Parameter") or next((t for t in tables(md) if t and "required" in t[0]), [])  # or "Push Parameters"
    sent = request_body_example(md)
    array_body = isinstance(sent, list) and bool(sent) and all(isinstance(x, dict) for x in sent)
    body = sent[0] if array_body else sent if isinstance(sent, dict) else {}
    names = {split_name(r.get("parameter", ""))[1] for r in rows}
    out: list[Node] = []
    for row in rows:
        depth, name = split_name(row.get("parameter", ""))
        if not WORD.match(name):
            continue
        desc, required = row.get("description", ""), row.get("required", "").lower()
        p: Node = {"name": name, "type": param_type(name, row.get("type", "")), "required": required.startswith(("yes", "true", "y"))}
        if required not in ("yes", "no", "true", "false", ""):
            p["note"] = f"doc says required: {row['required']}"
        enum = enum_of(desc, exclude=names)
        if enum and p["type"] in ("string", "list"):
            p["enum"] = enum
        d = re.search(r"default(?:\s+value)?\s*(?:is)?\s*[:：]?\s*`?(\w+)`?", desc, re.I)
        if d and p["type"] != "list" and (d.group(1) in (enum or ()) or d.group(1).isdigit()):
            p["default"] = int(d.group(1)) if d.group(1).isdigit() else d.group(1)
        if mx := re.search(r"\bmax\w*\s*(?:value|is|of|number)?\s*[:：]?\s*(\d+)\b", desc, re.I):
            p["_max"] = int(mx.group(1))  # a count's maximum or a list's size, once the type is settled
        if not depth and isinstance(body.get(name), list) and p["type"] != "list":
            notes.append(f"DOC CONFLICT: request {name}: table says {row.get('type')}, the request example sends a list")
            p["type"] = "list"
        if depth and out:  # an item row: its parent is a list of objects, whatever the table says
            if out[-1]["type"] != "list":
                out[-1].update(type="list", note=f"doc table says {out[-1]['type']}; its item rows make it a list")
            out[-1]["item_type"] = "object"
            out[-1].setdefault("children", []).append(p)
            continue
        if p["type"] == "list":
            p["item_type"] = "string"
        out.append(p)
    query = {kv.split("=")[0] for q in re.findall(r'curl[^\n]*?\?([^"\s]+)', md) for kv in q.split("&")}
    if extra := sorted((query | set(body)) - names):
        notes.append(f"DOC CONFLICT: the request example sends {', '.join(extra)}, which the parameter table lacks")
    for p in (p for q in out for p in (q, *q.get("children", ()))):
        if (mx := p.pop("_max", None)) is not None and p["type"] in ("string-int", "list"):
            p["max" if p["type"] == "string-int" else "max_items"] = mx
    if array_body:
        notes.append("request body: a JSON array of objects (the table's rows are one item's fields)")
        return [{"name": "$body", "py_name": "items", "type": "list", "item_type": "object", "required": True, "children": out}]
    return out


# ----------------------------------------------------------------------------- response fields
def table_tree(rows: list[dict[str, str]]) -> list[Node]:
    """Response-table rows as a tree by their ``>`` depth, without the envelope rows."""
    items = [(d, {"name": n, "type": r.get("type", ""), "desc": r.get("description", ""), "children": []})
             for r in rows for d, n in [split_name(r.get("parameter", ""))] if WORD.match(n)]
    top, envelope = min((d for d, _ in items), default=0), ("code", "msg", "requestTime", "data")
    if any(d == top and n["name"] in envelope for d, n in items):
        items = [(d, n) for d, n in items if d > top or n["name"] not in envelope]
    roots: list[Node] = []
    stack: list[tuple[int, Node]] = []  # (depth, node) of the open ancestors
    for depth, node in items:
        while stack and stack[-1][0] >= depth:
            stack.pop()
        (stack[-1][1]["children"] if stack else roots).append(node)
        stack.append((depth, node))
    return roots


def value_type(name: str, v: Any, table_type: str) -> str:
    """The wire type of one example value (the table's type only decides for null)."""
    t = table_type.lower()
    if isinstance(v, (bool, float, dict, list)):
        return {bool: "bool", float: "number", dict: "object", list: "list"}[type(v)]
    if isinstance(v, int):
        return "int" if (TIME_NAME.search(name) or ID_NAME.search(name) or name in INT_NAMES) else "number"
    if isinstance(v, str):
        if v in ("true", "false"):
            return "string-bool"
        if ID_NAME.search(name) or (not v and "string" not in t and "bigdecimal" not in t and t):
            return "string"
        if TIME_NAME.search(name) and (re.fullmatch(r"-?\d{1,16}", v) or v == ""):
            return "string-int-ms"
        if re.fullmatch(r"-?\d+(\.\d+)?", v):
            # "limit" and "total" are amounts in responses (a VIP borrow limit), counts in requests.
            whole = "." not in v and (name in INT_NAMES - {"limit", "total"} or INT_FIELD.search(name))
            return "string-int" if whole else "string-decimal"
        return "string-decimal" if v == "" and MONEY_FIELD.search(name) else "string"
    if "list" in t or "array" in t or "bool" in t:  # null: the table decides, then the name
        return "list" if "bool" not in t else "bool"
    return "string-int-ms" if TIME_NAME.search(name) else "string-decimal" if MONEY_FIELD.search(name) and not ID_NAME.search(name) else "string"


def table_only(node: Node) -> Node:
    """A field the table lists and the example does not send: optional, typed from the table."""
    t, kids = node["type"].lower(), node["children"]
    f: Node = {"name": node["name"], "type": "string", "in_example": False}
    if "list" in t or "array" in t:
        f.update(type="list", item_type="object" if kids else "string")
    elif kids or "object" in t or t == "map":
        f["type"] = "object"
    if kids and f["type"] != "string":
        f["children"] = [table_only(c) for c in kids]
    elif "bool" in t or TIME_NAME.search(node["name"]):
        f["type"] = "bool" if "bool" in t else "string-int-ms"
    elif enum := enum_of(node["desc"]):
        f["enum"] = enum
    return f


def merge(nodes: list[Node], sample: Any, notes: list[str], where: str) -> list[Node]:
    """Fields of the object(s) ``sample`` (the example), described by the table ``nodes``."""
    rows = [s for s in (sample if isinstance(sample, list) else [sample]) if isinstance(s, dict)]
    keys: dict[str, Any] = {}  # every key any item shows, with its most telling value
    for k, v in ((k, v) for row in rows for k, v in row.items()):
        if k not in keys or keys[k] in ("", None, [], {}):
            keys[k] = v
    if len(nodes) == 1 and nodes[0]["name"] not in keys and nodes[0]["children"]:
        nodes = nodes[0]["children"]  # a "data" / "list" wrapper row
    by_name = {n["name"]: n for n in nodes}
    orphans = [n for n in nodes if n["name"] not in keys]
    order = [n for n in by_name if n in keys] + [k for k in keys if k not in by_name]
    for k in order:  # rows of a nested list the table forgot to name ("orderList") belong to it
        v = keys[k]
        inner = v if isinstance(v, dict) else v[0] if isinstance(v, list) and v and isinstance(v[0], dict) else None
        if inner and orphans and not (by_name.get(k) or {}).get("children"):
            if 2 * sum(n["name"] in inner for n in orphans) >= len(orphans):
                by_name[k] = {**(by_name.get(k) or {"name": k, "type": "", "desc": ""}), "children": orphans}
                by_name = {n: x for n, x in by_name.items() if x not in orphans}
                orphans = []
    out: list[Node] = []
    for name in order:
        v, node = keys[name], by_name.get(name)
        ttype = node["type"] if node else ""
        tl, children, items = ttype.lower(), node["children"] if node else [], v if isinstance(v, list) else []
        f: Node = {"name": name, "type": value_type(name, v, ttype)}
        if node is None:
            f["in_doc_table"] = False
        elif f["type"] in ("number", "int", "bool", "object", "list") and tl.startswith("string"):
            notes.append(f"DOC CONFLICT: {where}{name}: table says {ttype}, example sends {json.dumps(v)[:40]}")
        elif f["type"].startswith("string") and tl in ("integer", "int", "long", "number", "boolean", "double") and v != "":
            notes.append(f"DOC CONFLICT: {where}{name}: table says {ttype}, example sends a string")
        if node and f["type"] == "string" and (e := enum_of(node["desc"])):
            f["enum"] = e
        if f["type"] == "object" and isinstance(v, dict) and v:
            f["children"] = merge(children, v, notes, f"{where}{name}.")
        elif f["type"] == "object" and children:
            f["children"] = [table_only(c) for c in children]
        elif f["type"] == "list" and items and all(isinstance(i, dict) for i in items):
            f.update(item_type="object", children=merge(children, items, notes, f"{where}{name}[]."))
        elif f["type"] == "list" and items and all(isinstance(i, list) for i in items):
            f.update(item_type="array", children=[
                {"name": f"c{i}", "type": value_type("", x, ""), "index": i} for i, x in enumerate(items[0])])
        elif f["type"] == "list" and (items or not children):
            f["item_type"] = "string" if items and all(isinstance(i, str) for i in items) else "object"
        elif f["type"] == "list":
            f.update(item_type="object", children=[table_only(c) for c in children])
        out.append(f)
    sent = {k.lower(): k for k in keys}
    for name, node in by_name.items():
        if name in keys or not rows:
            continue
        if name.lower() in sent:  # "cTime" in the table, "ctime" in the example: the example wins
            notes.append(f"DOC CONFLICT: {where}{sent[name.lower()]}: the table spells it {name}; the example's spelling is kept")
            for f in out:
                if f["name"] == sent[name.lower()]:
                    f.pop("in_doc_table", None)
        else:
            out.append(table_only(node))
    sent_only = [f["name"] for f in out if f.get("in_doc_table") is False]
    listed_only = [f["name"] for f in out if f.get("in_example") is False]
    if sent_only and listed_only:
        notes.append(f"DOC CONFLICT: {where or 'data.'} the example sends {', '.join(sent_only)} that the table lacks, the "
                     f"table lists {', '.join(listed_only)} that the example lacks (both kept, the table's as optional)")
    return out


# ----------------------------------------------------------------------------- the record
def extract(md: str, doc_file: str) -> Node:
    notes: list[str] = []
    m = re.search(r"^\s*[*-]\s*(GET|POST)\s+(/api/v2/[^\s?]+)", md, re.M)  # "* GET /api/v2/..."
    method, path = (m.group(1), m.group(2)) if m else ("GET", "")
    notes += ["DOC CONFLICT: the page's response example is missing or not JSON"] if (example := response_example(md)) is None else []
    data = (example := example or {"code": "00000", "msg": "success", "requestTime": 0, "data": None}).get("data")
    tree = table_tree(table(md, r"Response (?:Parameter|Description)"))
    public_path = "/market/" in path or "/public/" in path
    if public_path and ("ACCESS-KEY" in md or "ACCESS-SIGN" in md):
        notes.append("DOC CONFLICT: the page's curl example sends ACCESS-* headers on a public path; public (unsigned) as ccxt and tiagosiebler call it")
    rec: Node = {"method": method, "seed_path": path, "auth": not public_path,
                 "doc": DOC_URL + doc_file.removesuffix(".md"), "title": re.findall(r"(?m)^# (.+)$", md)[0].strip(),
                 "param_location": "query" if method == "GET" else "body", "params": parse_params(md, notes)}
    fields: list[Node] = []
    if isinstance(data, dict):
        shape, fields = "object", merge(tree, data, notes, "")
    elif isinstance(data, list) and data and all(isinstance(x, list) for x in data):  # candles: rows by position
        names = [n["name"] for n in (tree[0]["children"] if len(tree) == 1 and tree[0]["children"] else tree)]
        shape, fields = "list_of_arrays", [{"name": names[i] if i < len(names) else f"c{i}", "type": value_type("", x, ""),
                                            "index": i} for i, x in enumerate(data[0])]
    elif isinstance(data, list) and data and all(isinstance(x, str) for x in data):
        shape, rec["data_item_type"] = "list", "string"
    elif isinstance(data, list):
        shape, fields = "list", merge(tree, data, notes, "[].") if data else [table_only(n) for n in tree]
    else:
        shape = "string" if isinstance(data, str) else "null"
        if isinstance(data, (bool, int, float)):
            notes.append(f"DOC CONFLICT: data is a bare {type(data).__name__} ({data!r}); decoded as raw")
    purpose = " ".join(ln.strip("*- ").strip() for text in re.findall(r"(?msi)^#+\s*Description[^\n]*\n(.*?)(?=^#+\s|\Z)", md)[:1]
                       for ln in text.splitlines() if ln.strip())  # "### Description": what the route is for
    rec.update(data_shape=shape, fields=fields, notes=notes, example_response=example, **({"purpose": purpose} if purpose else {}))
    return rec


# ----------------------------------------------------------------------------- drivers
def git_show(mirror: str, path: str) -> str:
    return subprocess.run(["git", "--git-dir", mirror, "show", f"HEAD:{path}"], capture_output=True, text=True, check=True).stdout


def _flat(fields: list[Node], pre: str = "") -> dict[str, str]:
    return {k: v for f in fields for k, v in [(pre + f["name"], f["type"]), *_flat(f.get("children", []), f"{pre}{f['name']}.").items()]}


def validate(mirror: str, endpoints: str) -> dict[str, int]:
    """Drafts against the hand-made records: params (name, type, required), fields (name, type)."""
    docs = {(r["method"], r["path"]): r["doc_file"] for r in csv.DictReader(open(endpoints), delimiter="\t")}
    tally: dict[str, int] = defaultdict(int)
    # The schemas-v2-* files were drafted by this tool: comparing them with itself proves nothing.
    for fn in sorted(f for f in glob.glob(str(ROOT / "spec/schemas-*.json")) if "schemas-v2-" not in f):
        for path, rec in json.load(open(fn)).items():
            doc = docs[(rec["method"], path)]
            got = extract(git_show(mirror, doc), doc)
            mine = {p["name"]: (p["type"], bool(p["required"])) for p in rec["params"]}
            theirs = {p["name"]: (p["type"], p["required"]) for p in got["params"]}
            a, b = _flat(rec["fields"]), _flat(got["fields"])
            for key, same in (("routes", True), ("params_same", mine == theirs), ("params_names_same", set(mine) == set(theirs)),
                              ("fields_same", a == b), ("fields_names_same", set(a) == set(b)),
                              ("shape_same", rec["data_shape"] == got["data_shape"]), ("auth_same", rec["auth"] == got["auth"])):
                tally[key] += same
    return dict(tally)


def missing(mirror: str, endpoints: str, out: str) -> dict[str, int]:
    """Draft records, one file per area, for the listed routes no schemas-*.json describes."""
    have = {(r["method"], p) for fn in glob.glob(str(ROOT / "spec/schemas-*.json")) for p, r in json.load(open(fn)).items()}
    by_area: dict[str, dict[str, Any]] = defaultdict(dict)
    for r in (r for r in csv.DictReader(open(endpoints), delimiter="\t") if (r["method"], r["path"]) not in have):
        rec = extract(md := git_show(mirror, r["doc_file"]), r["doc_file"])
        n = int(r["rate_limit"].split("/")[0]) / int(r["rate_limit"].split("/")[1].rstrip("s") or 1)
        if rate_of(md) != (n, r["scope"] or "UID"):
            rec["notes"].append(f"DOC CONFLICT: the page's rate line reads {rate_of(md)}, the list {r['rate_limit']} {r['scope']}")
        rec["notes"].insert(0, f"rate: {int(n) if n == int(n) else n}/s {r['scope'] if r['scope'] in ('UID', 'IP') else 'UID'}")
        rec["notes"] += [note for cond, note in (  # the client's UID bucket is keyed by the API key: exact
            (r["scope"] == "APIKEY", "Bitget counts this limit per API key; the client's UID bucket is per API key"),
            (rec["seed_path"] != r["path"], f"DOC CONFLICT: page's request line says {rec['method']} {rec['seed_path']}")) if cond]
        rec.update(method=r["method"], seed_path=r["path"], title=r["doc_title"])
        by_area[r["area"]][r["path"]] = rec
    for area, recs in by_area.items():
        Path(out, f"draft-{area}.json").write_text(json.dumps(recs, indent=1, ensure_ascii=False) + "\n")
    return {a: len(v) for a, v in by_area.items()}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("page", nargs="?", help="a markdown file, or a path inside the mirror")
    ap.add_argument("--mirror", default="/work/.mirror/sebastianganser+Bitget_API/repo", help="the doc mirror (a bare git dir)")
    ap.add_argument("--endpoints", default=str(ROOT / "spec/official-v2-endpoints.tsv"))
    ap.add_argument("--validate", action="store_true", help="agreement with the hand-made records")
    ap.add_argument("--missing", action="store_true", help="drafts for the listed routes not yet described")
    ap.add_argument("--out", default="/tmp", help="where --missing writes draft-<area>.json")
    a = ap.parse_args(argv)
    if a.validate or a.missing:
        result: Any = validate(a.mirror, a.endpoints) if a.validate else missing(a.mirror, a.endpoints, a.out)
    else:
        result = extract(Path(a.page).read_text() if Path(a.page).exists() else git_show(a.mirror, a.page), a.page)
    print(json.dumps(result, indent=None if a.validate or a.missing else 1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
