"""Generate ``bitget_async/testing/_examples.json`` from the fact files in ``tests/data``.

The simulator answers every route in the table; routes without exchange state answer with
Bitget's official example response.  The installed package cannot read ``tests/``, so the
``data`` part of each example is copied here into package data, keyed ``"METHOD /path"``.

    .venv/bin/python tools/gen_sim_examples.py           # write the file
    .venv/bin/python tools/gen_sim_examples.py --check   # exit 1 when it is out of date
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "tests" / "data").glob("schemas-*.json"))
TARGET = ROOT / "bitget_async" / "testing" / "_examples.json"


def build() -> str:
    """The file's exact text: sorted keys, one route per line, so diffs stay readable."""
    examples: dict[str, object] = {}
    for source in SOURCES:
        for path, facts in json.loads(source.read_text(encoding="utf-8")).items():
            if not isinstance(facts, dict) or "example_response" not in facts:
                continue
            key = f"{facts['method']} {path}"
            if key in examples:
                raise SystemExit(f"{source.name}: {key} is described twice")
            examples[key] = facts["example_response"].get("data")
    lines = [f"  {json.dumps(k)}: {json.dumps(v, separators=(',', ':'), sort_keys=True)}" for k, v in sorted(examples.items())]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run tools/gen_sim_examples.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({text.count(chr(10)) - 2} routes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
