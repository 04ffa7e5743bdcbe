"""The route table: one data row per route, with its response type as a real object."""

from __future__ import annotations

import re

from .facts import HEADER, Route


def title_of(r: Route) -> str:
    """What the endpoint is for, in words: the official doc page's name ("Get-Server-Time")."""
    if r.schema.get("title"):
        return str(r.schema["title"])
    slug = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", r.doc.rstrip("/").rsplit("/", 1)[-1])
    words = [w if len(w) > 1 and w.isupper() else w.lower() for w in re.split(r"[-_ ]+", slug) if w]
    text = " ".join(words) or r.python_name.replace(".", " ").replace("_", " ")
    return f"{text[0].upper()}{text[1:]} ({' '.join(r.groups).replace('_', ' ')})" if r.groups else text[0].upper() + text[1:]


def model_names(response: str) -> list[str]:
    """The model classes a response type string names ("list[SpotTicker]" -> ["SpotTicker"])."""
    return [m for m in re.findall(r"\b([A-Z][A-Za-z0-9]+)\b", response) if m not in {"Any", "None"}]


def render_routes_data(routes: list[Route]) -> str:
    """Each row carries its response type twice: as text (for docs and repr) and as the real type
    object, so the runtime never evaluates a string."""
    out = [HEADER, '"""The route table: one row per Bitget v2 endpoint, as plain data."""\n\n']
    out.append("from __future__ import annotations\n\nfrom typing import Any\n\n")
    models = sorted({m for r in routes for m in model_names(r.response)})
    out.append("from .models import (\n" + "".join(f"    {m},\n" for m in models) + ")\n\n")
    out.append(
        "# (python_name, method, path, seed_paths, auth, rate_per_s, scope, kind, doc, area, response,"
        " response_type, title, params)\n"
    )
    out.append("ROUTE_ROWS: tuple[tuple[Any, ...], ...] = (\n")
    for r in routes:
        out.append(
            f"    ({r.python_name!r}, {r.method!r}, {r.path!r}, {tuple(r.seed_paths)!r}, {r.auth!r}, "
            f"{r.rate!r}, {r.scope!r}, {r.kind!r}, {r.doc!r}, {r.area!r}, {r.response!r}, {r.response}, "  # type: ignore[attr-defined]
            f"{title_of(r)!r},\n"
            f"     {tuple(r.params)!r}),\n"
        )
    out.append(")\n")
    return "".join(out)
