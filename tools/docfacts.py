"""Extract a route's facts from one Bitget api-doc page (markdown) into our schema record format.

Bitget's doc pages (mirrored as markdown in github.com/sebastianganser/Bitget_API) all follow one
template: a ``# Title``, a rate line ("Frequency limit: 10 times/1s (UID)", "Rate Limit: 5
req/sec/UID", ...), ``* METHOD /api/v2/...``, a request-parameter table, a response example in a
```json block, and a response-parameter table whose rows nest with ``>`` prefixes.  This tool reads
those parts and emits the record tools/codegen.py consumes (see tests/data/schemas-*.json).

Wire types come from the doc's own example first, the table second: the example shows what the
exchange actually sends ("0.1" is a decimal string, 1695808417159 a JSON integer), the tables are
hand-written and often say "String" for everything.  Where the table's type contradicts the
example, the record gets a ``DOC CONFLICT: ...`` note.  The output is a draft: every record is
reviewed, and fixed by hand where the page is wrong (the fixes live in the fact files, never here).

    python tools/docfacts.py PAGE.md                        # one record as JSON on stdout
    python tools/docfacts.py --validate --mirror GITDIR     # agreement with the hand-made records
    python tools/docfacts.py --missing --mirror GITDIR --endpoints TSV --out DIR
                                                            # draft records for routes not yet in the table
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
from pathlib import Path
from typing import Any

DOC_URL = "https://www.bitget.com/api-doc/"
TIME_NAME = re.compile(r"(Time|time|^ts|Ts|Date|date)$")
INT_NAMES = {"limit", "pageNo", "pageNum", "pageSize", "receiveWindow", "pageIndex", "count", "total"}
MONEY_PARAM = re.compile(
    r"(price|Price|size|Size|amount|Amount|Amt|Ratio|ratio|Qty|quantity|Quantity|leverage|Leverage|Rate$|Volume$)"
)
# Response fields that are numbers even where the example leaves them "" (fee, unrealizedPL, ...).
MONEY_FIELD = re.compile(MONEY_PARAM.pattern[:-1] + r"|^fee$|Fee$|PL$|Avg$|[Pp]rofit|[Bb]alance$|[Mm]argin$|[Ee]quity$)")
ID_NAME = re.compile(r"(Id|id|ID|No|Uid|uid|Oid|Code|code|address|Address|Key|key|Than|status|Status|label|Label|name|Name|Type|type)$")
INT_FIELD = re.compile(r"(Precision|Place|Scale|Num|Confirm|^level|Level|Interval|Period|Count|^count|Days|^days|^confirm)$")
TOKEN = re.compile(r"^[A-Za-z0-9_.\-]+$")


# ----------------------------------------------------------------------------- page parts
def title_of(md: str) -> str:
    m = re.search(r"^# (.+)$", md, re.M)
    return m.group(1).strip() if m else ""


def rate_of(md: str) -> tuple[float, str] | None:
    """(requests per second, UID|IP|APIKEY) from the page's rate line, None when absent."""
    for line in md.splitlines()[:12]:
        if not re.search(r"limit|rule", line, re.I):
            continue
        m = re.search(r"(\d+)\s*(?:c|times?|req(?:uest)?s?)?\s*/\s*(\d*)\s*(?:s|sec)\b", line, re.I)
        if not m:
            continue
        per = int(m.group(2) or 1)
        n = int(m.group(1))
        rate: float = n // per if n % per == 0 else n / per
        low = line.lower()
        scope = "IP" if "ip" in re.findall(r"[a-z]+", low) else ("APIKEY" if "api key" in low or "apikey" in low else "UID")
        return rate, scope
    return None


def request_line(md: str) -> tuple[str, str] | None:
    m = re.search(r"^\s*[*-]\s*(GET|POST)\s+(/api/v2/\S+)", md, re.M)
    return (m.group(1), m.group(2).split("?")[0]) if m else None


def _section(md: str, heading: str) -> str:
    """Text under the first ``### <heading>...`` that holds a table (pages repeat headings)."""
    for m in re.finditer(rf"^#+\s*{heading}[^\n]*\n", md, re.M | re.I):
        rest = md[m.end():]
        nxt = re.search(r"^#+\s", rest, re.M)
        text = rest[: nxt.start()] if nxt else rest
        if re.search(r"^\s*\|", text, re.M):
            return text
    return ""


def table_rows(text: str) -> list[dict[str, str]]:
    """The first markdown table in ``text`` as dicts keyed by the lower-cased header."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("|")]
    if len(lines) < 2:
        return []
    cells = [[c.strip() for c in ln.strip("|").split(" | ")] for ln in lines]
    head = [_column(h) for h in cells[0]]
    out = []
    for row in cells[2:]:
        if len(row) > len(head):  # a "|" inside the description
            row = [*row[: len(head) - 1], " | ".join(row[len(head) - 1:])]
        out.append(dict(zip(head, [*row, *[""] * (len(head) - len(row))], strict=True)))
    return out


def _column(header: str) -> str:
    h = header.strip().lower()
    for key in ("type", "required", "description"):
        if key in h:
            return key
    return "parameter" if "param" in h or "name" in h or "field" in h else h


def _split_name(cell: str) -> tuple[int, str]:
    cell = cell.replace("&gt;", ">").replace("\\>", ">").replace("`", "").strip()
    m = re.match(r"^([>\s]*)(.*)$", cell)
    assert m is not None
    return m.group(1).count(">"), m.group(2).strip()


def lenient_json(text: str) -> Any:
    """Parse a doc example: trailing commas, // comments and ``...`` elisions are common."""
    text = re.sub(r"(?m)^\s*//.*$", "", text)
    text = re.sub(r"(?m)(?<=[,\[{\s\"\d])\s*//[^\n\"]*$", "", text)
    text = re.sub(r",\s*([}\]])", r"\1", text)
    text = re.sub(r"(?m)^\s*\.\.\.\s*,?\s*$", "", text)
    text = re.sub(r",\s*([}\]])", r"\1", text)
    return json.loads(text)


def response_example(md: str) -> Any:
    for block in re.findall(r"```[^\n]*\n(.*?)```", md, re.S):
        if '"code"' not in block:
            continue
        try:
            value = lenient_json(block)
        except ValueError:
            continue
        if isinstance(value, dict) and "code" in value:
            return value
    return None


def request_body_example(md: str) -> Any:
    """The JSON body of the page's ``curl ... -d '{...}'`` example ({} when there is none)."""
    m = re.search(r"-d\s*\\?\s*\\?['\"]([\[{].*?[}\]])\s*\\?['\"]", md, re.S)
    if not m:
        return {}
    try:
        value = lenient_json(m.group(1).replace("\\'", "'"))
    except ValueError:
        return {}
    return value if isinstance(value, (dict, list)) else {}


# ----------------------------------------------------------------------------- typing rules
def enum_of(desc: str, exclude: set[str] = frozenset()) -> list[str] | None:  # type: ignore[assignment]
    """The backticked values of a description, when there are at least two (other parameters'
    names, as in "optional when `permType` is `readonly`", are not values)."""
    vals: list[str] = []
    for v in re.findall(r"`([^`]+)`", desc):
        v = v.strip()
        if TOKEN.match(v) and v not in vals and v not in exclude:
            vals.append(v)
    return vals if len(vals) >= 2 else None


def number_after(word: str, desc: str) -> int | None:
    m = re.search(rf"\b{word}\w*\s*(?:value|is|of|number)?\s*[:：]?\s*(\d+)\b", desc, re.I)
    return int(m.group(1)) if m else None


def param_type(name: str, table_type: str) -> str:
    t = table_type.lower()
    if "list" in t or "array" in t or "[]" in t:
        return "list"
    if TIME_NAME.search(name):
        return "string-int-ms"
    if name in INT_NAMES or t in ("integer", "int", "long"):
        return "string-int"
    if "bool" in t:
        return "bool"
    if MONEY_PARAM.search(name) and not ID_NAME.search(name):
        return "string-decimal"
    return "string"


def parse_params(md: str, notes: list[str] | None = None) -> list[dict[str, Any]]:
    rows = table_rows(_section(md, r"Request Parameter"))
    sent = request_body_example(md)
    body = sent[0] if isinstance(sent, list) and sent and isinstance(sent[0], dict) else sent
    body = body if isinstance(body, dict) else {}
    names = {_split_name(r.get("parameter", ""))[1] for r in rows}
    out: list[dict[str, Any]] = []
    for row in rows:
        depth, name = _split_name(row.get("parameter", ""))
        if not name or not re.match(r"^[A-Za-z_]\w*$", name):
            continue
        desc = row.get("description", "")
        p: dict[str, Any] = {"name": name, "type": param_type(name, row.get("type", "")),
                             "required": row.get("required", "").lower().startswith(("yes", "true", "y"))}
        if row.get("required", "").lower() not in ("yes", "no", "true", "false", ""):
            p["note"] = f"doc says required: {row['required']}"
        enum = enum_of(desc, exclude=names)
        if enum and p["type"] in ("string", "list"):
            p["enum"] = enum
        d = re.search(r"default(?:\s+value)?\s*(?:is)?\s*[:：]?\s*`?(\w+)`?", desc, re.I)
        if d and p["type"] != "list" and (d.group(1) in (enum or ()) or d.group(1).isdigit()):
            p["default"] = int(d.group(1)) if d.group(1).isdigit() else d.group(1)
        mx = number_after("max", desc)
        if mx is not None and p["type"] in ("string-int",):
            p["max"] = mx
        elif mx is not None and p["type"] == "list":
            p["max_items"] = mx
        example_value = body.get(name) if not depth else None
        if isinstance(example_value, list) and p["type"] != "list":
            if notes is not None:
                notes.append(f"DOC CONFLICT: request {name}: table says {row.get('type')}, the request example sends a list")
            p["type"] = "list"
        if depth and out and out[-1]["type"] != "list":
            out[-1].update(type="list", note=f"doc table says {out[-1]['type']}; its item rows make it a list")
        if depth and out and out[-1]["type"] == "list":
            out[-1]["item_type"] = "object"
            out[-1].setdefault("children", []).append(p)
            continue
        if p["type"] == "list":
            p["item_type"] = "string"
        out.append(p)
    if isinstance(sent, list) and sent and all(isinstance(x, dict) for x in sent):  # a JSON array body
        if notes is not None:
            notes.append("request body: a JSON array of objects (the table's rows are one item's fields)")
        return [{"name": "$body", "py_name": "items", "type": "list", "item_type": "object", "required": True,
                 "children": out}]
    return out


def _table_tree(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    items = []
    for row in rows:
        depth, name = _split_name(row.get("parameter", ""))
        if name and re.match(r"^[A-Za-z_]\w*$", name):
            items.append((depth, {"name": name, "type": row.get("type", ""), "desc": row.get("description", ""), "children": []}))
    if not items:
        return []
    envelope = [it for it in items if it[0] == min(d for d, _ in items) and it[1]["name"] in ("code", "msg", "requestTime", "data")]
    if envelope:  # the table starts at the envelope: keep what is under "data"
        items = [it for it in items if it[1]["name"] not in ("code", "msg", "requestTime") or it[0] > envelope[0][0]]
        items = [it for it in items if not (it[1]["name"] == "data" and it[0] == envelope[0][0])]
    roots: list[dict[str, Any]] = []
    stack: list[tuple[int, dict[str, Any]]] = []
    for depth, node in items:
        while stack and stack[-1][0] >= depth:
            stack.pop()
        (stack[-1][1]["children"] if stack else roots).append(node)
        stack.append((depth, node))
    return roots


def value_type(name: str, v: Any, table_type: str) -> str:
    t = table_type.lower()
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int" if (TIME_NAME.search(name) or ID_NAME.search(name) or name in INT_NAMES) else "number"
    if isinstance(v, float):
        return "number"
    if isinstance(v, dict):
        return "object"
    if isinstance(v, list):
        return "list"
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
        if v == "" and MONEY_FIELD.search(name):
            return "string-decimal"
        return "string"
    # null: the table decides, then the name
    if "list" in t or "array" in t:
        return "list"
    if "bool" in t:
        return "bool"
    if TIME_NAME.search(name):
        return "string-int-ms"
    if MONEY_FIELD.search(name) and not ID_NAME.search(name):
        return "string-decimal"
    return "string"


def _table_only(node: dict[str, Any]) -> dict[str, Any]:
    t = node["type"].lower()
    f: dict[str, Any] = {"name": node["name"], "type": "string", "in_example": False}
    if "list" in t or "array" in t:
        f.update(type="list", item_type="object" if node["children"] else "string")
        if node["children"]:
            f["children"] = [_table_only(c) for c in node["children"]]
    elif node["children"] or "object" in t or t == "map":
        f["type"] = "object"
        if node["children"]:
            f["children"] = [_table_only(c) for c in node["children"]]
    elif "bool" in t:
        f["type"] = "bool"
    elif TIME_NAME.search(node["name"]):
        f["type"] = "string-int-ms"
    return f


def merge(nodes: list[dict[str, Any]], sample: Any, notes: list[str], where: str) -> list[dict[str, Any]]:
    """Fields for the object(s) ``sample`` described by table ``nodes``."""
    rows = [s for s in (sample if isinstance(sample, list) else [sample]) if isinstance(s, dict)]
    keys: dict[str, Any] = {}
    for row in rows:
        for k, v in row.items():
            if k not in keys or keys[k] in ("", None, [], {}):
                keys[k] = v
    by_name = {n["name"]: n for n in nodes}
    if len(nodes) == 1 and nodes[0]["name"] not in keys and nodes[0]["children"]:
        by_name = {n["name"]: n for n in nodes[0]["children"]}  # a "data" / "list" wrapper row
    orphans = [n for n in by_name.values() if n["name"] not in keys]
    out: list[dict[str, Any]] = []
    order = [n for n in by_name if n in keys] + [k for k in keys if k not in by_name]
    for k in order:  # rows for a nested list the table forgot to name ("orderList") belong to it
        v = keys[k]
        inner = v if isinstance(v, dict) else (v[0] if isinstance(v, list) and v and isinstance(v[0], dict) else None)
        if inner and orphans and not (by_name.get(k) or {}).get("children"):
            hits = [n for n in orphans if n["name"] in inner]
            if len(hits) * 2 >= len(orphans):
                by_name[k] = {**(by_name.get(k) or {"name": k, "type": "", "desc": ""}), "children": orphans}
                by_name = {n: x for n, x in by_name.items() if x not in orphans}
                orphans = []
    for name in order:
        v, node = keys[name], by_name.get(name)
        ttype = node["type"] if node else ""
        f: dict[str, Any] = {"name": name, "type": value_type(name, v, ttype)}
        if node is None:
            f["in_doc_table"] = False
        tl = ttype.lower()
        if node and f["type"] in ("number", "int", "bool", "object", "list") and tl.startswith("string"):
            notes.append(f"DOC CONFLICT: {where}{name}: table says {ttype}, example sends {json.dumps(v)[:40]}")
        if node and f["type"].startswith("string") and tl and (tl in ("integer", "int", "long", "number", "boolean", "bigdecimal", "double")) and v != "":
            notes.append(f"DOC CONFLICT: {where}{name}: table says {ttype}, example sends a string")
        if node and (e := enum_of(node["desc"])) and f["type"] == "string":
            f["enum"] = e
        children = node["children"] if node else []
        if f["type"] == "object":
            f["children"] = merge(children, v, notes, f"{where}{name}.") if isinstance(v, dict) and v else [
                _table_only(c) for c in children]
            if not f["children"]:
                del f["children"]
        elif f["type"] == "list":
            items = v if isinstance(v, list) else []
            if items and all(isinstance(i, dict) for i in items):
                f.update(item_type="object", children=merge(children, items, notes, f"{where}{name}[]."))
            elif items and all(isinstance(i, list) for i in items):
                f["item_type"] = "array"
                f["children"] = [{"name": f"c{i}", "type": value_type("", x, ""), "index": i} for i, x in enumerate(items[0])]
            elif items or not children:
                f["item_type"] = "string" if all(isinstance(i, str) for i in items) and items else "object"
            else:
                f.update(item_type="object", children=[_table_only(c) for c in children])
        out.append(f)
    sent = {k.lower(): k for k in keys}
    for name, node in by_name.items():
        if name in keys or not rows:
            continue
        if name.lower() in sent:  # "cTime" in the table, "ctime" in the example: the example wins
            notes.append(f"DOC CONFLICT: {where}{sent[name.lower()]}: the table spells it {name}; "
                         "the example's spelling is kept")
            for f in out:
                if f["name"] == sent[name.lower()]:
                    f.pop("in_doc_table", None)
            continue
        out.append(_table_only(node))
    sent_only = [f["name"] for f in out if f.get("in_doc_table") is False]
    table_only = [f["name"] for f in out if f.get("in_example") is False]
    if sent_only and table_only:
        notes.append(f"DOC CONFLICT: {where or 'data.'} the example sends {', '.join(sent_only)} that the table "
                     f"lacks, the table lists {', '.join(table_only)} that the example lacks (both kept, "
                     "the table's as optional)")
    return out


# ----------------------------------------------------------------------------- the record
def extract(md: str, doc_file: str) -> dict[str, Any]:
    notes: list[str] = []
    req = request_line(md)
    method, path = req if req else ("GET", "")
    example = response_example(md)
    if example is None:
        notes.append("DOC CONFLICT: the page's response example is missing or not JSON")
        example = {"code": "00000", "msg": "success", "requestTime": 0, "data": None}
    data = example.get("data")
    tree = _table_tree(table_rows(_section(md, r"Response (?:Parameter|Description)")))
    fields: list[dict[str, Any]] = []
    signed = "ACCESS-KEY" in md or "ACCESS-SIGN" in md
    public_path = "/market/" in path or "/public/" in path
    if signed and public_path:
        notes.append("DOC CONFLICT: the page's curl example sends ACCESS-* headers on a public path; "
                     "public (unsigned) as ccxt and tiagosiebler call it")
    rec: dict[str, Any] = {"method": method, "seed_path": path, "auth": not public_path,
                           "doc": DOC_URL + doc_file.removesuffix(".md"), "title": title_of(md),
                           "param_location": "query" if method == "GET" else "body", "params": parse_params(md, notes)}
    if isinstance(data, dict):
        shape, fields = "object", merge(tree, data, notes, "")
    elif isinstance(data, list) and data and all(isinstance(x, list) for x in data):
        shape = "list_of_arrays"
        names = [n["name"] for n in (tree[0]["children"] if len(tree) == 1 and tree[0]["children"] else tree)]
        fields = [{"name": names[i] if i < len(names) else f"c{i}", "type": value_type("", x, ""), "index": i}
                  for i, x in enumerate(data[0])]
    elif isinstance(data, list):
        shape = "list"
        if data and all(isinstance(x, str) for x in data):
            rec["data_item_type"] = "string"
        else:
            fields = merge(tree, data, notes, "[].") if data else [_table_only(n) for n in tree]
    elif isinstance(data, str):
        shape = "string"
    else:
        shape = "null"
        if isinstance(data, (bool, int, float)):
            notes.append(f"DOC CONFLICT: data is a bare {type(data).__name__} ({data!r}); decoded as raw")
    rec.update(data_shape=shape, fields=fields, notes=notes, example_response=example)
    rate = rate_of(md)
    if rate:
        rec["doc_rate"] = list(rate)
    return rec


# ----------------------------------------------------------------------------- drivers
def git_show(mirror: str, path: str) -> str:
    return subprocess.run(["git", "--git-dir", mirror, "show", f"HEAD:{path}"], capture_output=True, text=True,
                          check=True).stdout


def _flat(fields: list[dict[str, Any]], pre: str = "") -> dict[str, str]:
    out = {}
    for f in fields:
        out[pre + f["name"]] = f["type"]
        out.update(_flat(f.get("children", []), pre + f["name"] + "."))
    return out


def validate(mirror: str, endpoints: str, data_dir: str) -> int:
    """Compare drafts with the hand-made records: params (name, type, required) and fields (name, type)."""
    docs = {(r["method"], r["path"]): r["doc_file"] for r in csv.DictReader(open(endpoints), delimiter="\t")}
    tally: dict[str, int] = defaultdict(int)
    for fn in sorted(glob.glob(f"{data_dir}/schemas-*.json")):
        if "schemas-v2-" in fn:  # drafted by this tool: comparing them with itself proves nothing
            continue
        for path, rec in json.load(open(fn)).items():
            doc = docs.get((rec["method"], path))
            if not doc:
                continue
            got = extract(git_show(mirror, doc), doc)
            tally["routes"] += 1
            mine = {p["name"]: (p["type"], bool(p["required"])) for p in rec["params"]}
            theirs = {p["name"]: (p["type"], p["required"]) for p in got["params"]}
            tally["params_same"] += mine == theirs
            tally["params_names_same"] += set(mine) == set(theirs)
            a, b = _flat(rec["fields"]), _flat(got["fields"])
            tally["fields_same"] += a == b
            tally["fields_names_same"] += set(a) == set(b)
            tally["shape_same"] += rec["data_shape"] == got["data_shape"]
            tally["auth_same"] += rec["auth"] == got["auth"]
            if "-v" in sys.argv and (mine != theirs or a != b):
                print(path, {k: (mine.get(k), theirs.get(k)) for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k)},
                      {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)})
    print(json.dumps(tally))
    return 0


def missing(mirror: str, endpoints: str, have: set[tuple[str, str]], out: str) -> int:
    by_area: dict[str, dict[str, Any]] = defaultdict(dict)
    for r in csv.DictReader(open(endpoints), delimiter="\t"):
        if (r["method"], r["path"]) in have:
            continue
        rec = extract(git_show(mirror, r["doc_file"]), r["doc_file"])
        rate, per = r["rate_limit"].split("/")
        n = int(rate) / int(per.rstrip("s") or 1)
        scope = {"": "UID", "APIKEY": "UID"}.get(r["scope"], r["scope"])
        rec["notes"].insert(0, f"rate: {int(n) if n == int(n) else n}/s {scope}")
        if r["scope"] == "APIKEY":  # the client's UID bucket is keyed by the API key: exact
            rec["notes"].append("Bitget counts this limit per API key; the client's UID bucket is per API key")
        if rec["seed_path"] != r["path"]:
            rec["notes"].append(f"DOC CONFLICT: page's request line says {rec['method']} {rec['seed_path']}")
        rec["method"], rec["seed_path"] = r["method"], r["path"]
        if rec.get("title") != r["doc_title"]:
            rec["title"] = r["doc_title"]
        by_area[r["area"]][r["path"]] = rec
    for area, recs in by_area.items():
        Path(out, f"draft-{area}.json").write_text(json.dumps(recs, indent=1, ensure_ascii=False) + "\n")
    print({a: len(v) for a, v in by_area.items()})
    return 0


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("page", nargs="?")
    ap.add_argument("--mirror", default="/work/.mirror/sebastianganser+Bitget_API/repo")
    ap.add_argument("--endpoints", default=str(Path(__file__).parent.parent / "tests/data/official-v2-endpoints.tsv"))
    ap.add_argument("--validate", action="store_true")
    ap.add_argument("--missing", action="store_true")
    ap.add_argument("--out", default="/tmp")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args(argv)
    data_dir = str(Path(__file__).parent.parent / "tests/data")
    if a.validate:
        return validate(a.mirror, a.endpoints, data_dir)
    if a.missing:
        have = {(r["method"], p) for fn in glob.glob(f"{data_dir}/schemas-*.json") for p, r in json.load(open(fn)).items()}
        return missing(a.mirror, a.endpoints, have, a.out)
    md = Path(a.page).read_text() if Path(a.page).exists() else git_show(a.mirror, a.page)
    print(json.dumps(extract(md, a.page), indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
