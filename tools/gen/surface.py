"""The typed surface: one Protocol per endpoint group, for IDEs and mypy."""

from __future__ import annotations

import textwrap
from typing import Any

from .facts import HEADER, Route
from .names import PREFIX, camel_class
from .routes import model_names, title_of


def py_param_type(p: dict[str, Any]) -> str:
    values = p["enum"] or p.get("known")
    if values and p["kind"] in ("str", "list_str"):
        # The Literal is IDE help; ``| str`` because Bitget takes enum values in any letter case
        # (and open fields any string), so mypy must not refuse what the runtime sends.
        literal = "Literal[" + ", ".join(repr(e) for e in values) + "] | str"
        return literal if p["kind"] == "str" else f"Sequence[{literal}]"
    return {
        "str": "str",
        "money": "Money",
        "int": "Int",
        "bool": "bool",
        "list_str": "Sequence[str]",
        "list_obj": f"Sequence[{p['item']} | Mapping[str, Any]]" if p["item"] else "Sequence[Mapping[str, Any]]",
    }[p["kind"]]



def docstring(r: Route) -> str:
    lines = [
        f"{title_of(r)}.",
        "",
        f"``{r.method} {r.path}``: {r.rate}/s per {r.scope}, {'signed' if r.auth else 'public'}.",
    ]
    if r.schema.get("purpose") and r.schema["purpose"].rstrip(".").lower() != title_of(r).lower():
        purpose = r.schema["purpose"]  # the doc page's own description: access rules, data retention, ...
        purpose = purpose if len(purpose) < 300 else purpose[:297] + "..."
        lines += textwrap.wrap(purpose, 96, break_long_words=False, break_on_hyphens=False)
    if r.seed_paths:
        lines.append(f"Also reachable as {', '.join(r.seed_paths)} (reference spelling).")
    if r.kind == "order":
        lines.append("Order safety: clientOid is filled in if omitted and kept across retries.")
    for n in [n for n in r.schema.get("notes", []) if not n.startswith("rate:")][:2]:
        if not n.startswith("DOC CONFLICT"):
            lines.append(n if len(n) < 200 else n[:197] + "...")
    lines.append(f"Doc: {r.doc}")
    return "\n".join(f"        {line}" if line else "" for line in lines).lstrip()


def render_surface(routes: list[Route]) -> str:
    tree: dict[tuple[str, ...], list[Route]] = {}
    subgroups: dict[tuple[str, ...], set[str]] = {}
    for r in routes:
        tree.setdefault(r.groups, []).append(r)
        for i in range(1, len(r.groups) + 1):
            subgroups.setdefault(r.groups[: i - 1], set()).add(r.groups[i - 1])
            tree.setdefault(r.groups[:i], tree.get(r.groups[:i], []))
    out = [HEADER, '"""Typed Protocols for every endpoint group: what IDEs and mypy see on ``BitgetClient``."""\n\n']
    out.append("from __future__ import annotations\n\n")
    out.append("from collections.abc import Mapping, Sequence\nfrom typing import Any, Literal, Protocol\n\n")
    out.append("from .._config import RetryPolicy\nfrom .._types import UNSET, Int, Money, Unset\n")
    models = sorted({m for r in routes for m in model_names(r.response)})
    items = sorted({p["item"] for r in routes for p in r.params if p.get("item")})
    out.append("from .models import (\n" + "".join(f"    {m},\n" for m in sorted(set(models) | set(items))) + ")\n\n")
    out.append("__all__ = [\n" + "".join(f'    "{camel_class(*g)}API",\n' for g in sorted(tree) if g) + "]\n")
    for g in sorted(tree, key=lambda x: (-len(x), x)):
        if not g:
            continue
        cls = camel_class(*g) + "API"
        out.append(f"\n\nclass {cls}(Protocol):\n")
        out.append(f'    """``client.{".".join(g)}``: endpoints under ``{PREFIX}{"/".join(g)}/``."""\n')
        for sub in sorted(subgroups.get(g, ())):
            out.append(f"\n    @property\n    def {sub}(self) -> {camel_class(*g, sub)}API: ...\n")
        for r in tree[g]:
            sig = ["self", "*"]
            for p in sorted(r.params, key=lambda p: not p["required"]):
                t = py_param_type(p)
                sig.append(f"{p['py']}: {t}" if p["required"] else f"{p['py']}: {t} | Unset = UNSET")
            sig += [
                "extra_params: Mapping[str, Any] | None = None",
                "retries: int | RetryPolicy | None = None",
                "wait: bool | None = None",
                "max_wait: float | None = None",
                "timeout: float | None = None",
                "headers: Mapping[str, str] | None = None",
            ]
            args = ",\n        ".join(sig)
            out.append(f"\n    async def {r.name}(\n        {args},\n    ) -> {r.response}:\n")
            out.append(f'        """{docstring(r)}\n        """\n        ...\n')
    return "".join(out)

