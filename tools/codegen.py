"""Generate the route table, response models, typed surface, simulator examples and API index.

Inputs (checked in, the single source of truth; see spec/README.md):
    spec/endpoints.tsv      every endpoint: group, seed path, real method/path, auth, rate, scope
    spec/schemas-*.json     per real path: params, response fields with wire types, examples
    spec/pagination-*.tsv   cursor kind, cursor params, next-cursor source, time window, page-size cap
    spec/stream-messages.json  every WebSocket push Struct: base, options, fields, channels

Outputs (marked GENERATED, never edited by hand; tests/test_codegen.py regenerates and diffs):
    bitget_async/_generated/__init__.py        the package (marker and docstring only)
    bitget_async/_generated/routes_data.py     the route table as data (response types as objects)
    bitget_async/_generated/models/*.py        msgspec response Structs, one module per area
    bitget_async/_generated/surface.py         typed Protocols for every group and endpoint (IDEs, mypy)
    bitget_async/_generated/sim_examples.json  the simulator's official example answers
    bitget_async/_generated/pagination_data.py the cursor rule of every paginated route, as data
    bitget_async/_generated/stream_messages.py the WebSocket push Structs (re-exported by bitget_async.stream)
    api.md                                     python name -> METHOD path -> return type, for every route
    tests/data/wire_cases_routes.json          one minimal call per route and its exact request
                                               (tools/gen_wire_cases.py, run from here after the rest)

The parts live in tools/gen/ (one job each: facts, names, params, models, routes, surface, docs,
examples, pagination, stream); this file is the entry point and what tests import.

Run:  python tools/codegen.py          (writes the files)
      python tools/codegen.py --check  (exit 1 if any file differs)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen.docs import render_api_md
from gen.examples import render_sim_examples
from gen.facts import HEADER, ROOT, SPEC, Route, build_routes, load_rows, load_schemas
from gen.models import ModelBuilder, render_models, render_models_init
from gen.names import camel_class, singular, snake
from gen.pagination import add_page_items, build_rules, render_pagination_data
from gen.params import build_params, param_row, parse_condition
from gen.routes import render_routes_data, title_of
from gen.stream import render_stream_messages
from gen.surface import render_surface

__all__ = [
    "ROOT",
    "SPEC",
    "ModelBuilder",
    "Route",
    "build_routes",
    "camel_class",
    "generate",
    "load_rows",
    "load_schemas",
    "main",
    "param_row",
    "parse_condition",
    "singular",
    "snake",
    "title_of",
]


def generate() -> dict[str, str]:
    routes = build_routes()
    files, mb = render_models(routes)
    request_items = build_params(routes, mb)
    files = render_models_init(files, mb, request_items)
    files["bitget_async/_generated/__init__.py"] = (
        HEADER + '"""Everything generated from spec/: routes data, models, typed surface, simulator examples."""\n'
    )
    files["bitget_async/_generated/routes_data.py"] = render_routes_data(routes)
    files["bitget_async/_generated/surface.py"] = render_surface(routes)
    files["bitget_async/_generated/sim_examples.json"] = render_sim_examples()
    rules = build_rules(routes)  # cursor rules from spec/pagination-v2.tsv, checked against the schemas
    files = add_page_items(files, routes, rules)
    files["bitget_async/_generated/pagination_data.py"] = render_pagination_data(rules)
    files["bitget_async/_generated/stream_messages.py"] = render_stream_messages()
    files["api.md"] = render_api_md(routes, rules)
    return files


def main(argv: list[str]) -> int:
    files = generate()
    check = "--check" in argv
    stale = []
    for rel, text in files.items():
        p = ROOT / rel
        if check:
            if not p.exists() or p.read_text() != text:
                stale.append(rel)
        else:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
    if stale:
        print("stale generated files (run python tools/codegen.py):", *stale, sep="\n  ")
        return 1
    # The per-route wire cases are generated from the route table these files define, so they are
    # made in a fresh interpreter that imports the package as just written.
    wire = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_wire_cases.py"), *(["--check"] if check else [])], check=False
    )
    if wire.returncode:
        return wire.returncode
    print(f"{'checked' if check else 'wrote'} {len(files) + 1} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
