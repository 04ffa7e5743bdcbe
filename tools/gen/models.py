"""Response models: schema fields -> msgspec Struct source, one module per area."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .facts import HEADER, Route
from .names import camel_class, singular, snake

# Response Struct names where the automatic name reads badly (or two routes would collide).
NAME_OVERRIDES = {
    "mix.market.tickers": "MixTicker",
    "mix.market.ticker": "MixSymbolTicker",
    "mix.account.accounts": "MixAccount",
    "mix.account.account": "MixSymbolAccount",
    # Named before spot copy trading arrived with its own query-settings: keep the public name.
    "copy.mix_follower.query_settings": "CopyQuerySettings",
}
AREA_OF = {"spot": "spot", "mix": "mix", "margin": "margin"}
# Wire names whose values are credentials: generated reprs print "***" for them.
SECRET_FIELDS = {"secretKey", "secret", "passphrase", "apiSecret"}


def masked_repr(name: str, attrs: list[tuple[str, bool]]) -> str:
    """A ``__repr__`` like msgspec's own, with credential fields (an API secret) shown as '***'."""
    parts = ", ".join(f"{a}='***'" if secret else f"{a}={{self.{a}!r}}" for a, secret in attrs)
    return (f"    def __repr__(self) -> str:\n        \"\"\"Secrets never print: credential fields show as '***'.\"\"\"\n"
            f'        return f"{name}({parts})"\n')


@dataclass
class ModelModule:
    area: str
    classes: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    uses: set[str] = field(default_factory=set)


class ModelBuilder:
    def __init__(self) -> None:
        self.modules = {a: ModelModule(a) for a in ("spot", "mix", "margin", "common")}
        self.taken: dict[str, str] = {}

    def unique(self, name: str, owner: str) -> str:
        base, n = name, 2
        while name in self.taken and self.taken[name] != owner:
            name = f"{base}{n}"
            n += 1
        self.taken[name] = owner
        return name

    def field_type(self, f: dict[str, Any], owner: str, mod: ModelModule) -> tuple[str, str | None]:
        """(annotation, default).  Every field is optional unless the spec marks it ``required``.

        Bitget omits, blanks (``""``) or nulls almost any field depending on account type, order
        type and API version, so the model cannot demand it: absent, ``""`` and ``null`` decode to
        None (lists: empty).  Text is ``Text`` (a non-empty ``str``) so that ``""`` fails the fast
        typed decode and takes the one lenient path in ``_lenient.py`` like every other blank.
        """
        t = f["type"]
        required = bool(f.get("required"))
        scalar = {
            "string-decimal": "Decimal",
            "number": "Decimal",
            "string-int": "int",
            "string-int-ms": "int",
            "int": "int",
            "bool": "bool",
            "string-bool": "bool",
            "string": "Text",
        }
        if t == "int" and _is_id(f["name"]):
            # Ids stay strings even where the exchange sends a JSON integer (the lenient path
            # turns the number into its text), so callers never compare an id as a number.
            t = "string"
        if t in scalar:
            ann = scalar[t]
        elif t == "string-json":
            ann = "JsonObject"  # a JSON object Bitget serialized into a string (feeDetail)
        elif t == "object":
            if f.get("children") and not any(c.get("dynamic_key") for c in f["children"]):
                ann = self.struct(f["children"], owner + camel_class(f["name"]), mod)
            else:
                ann = "JsonObject"
        elif t == "list":
            item = f.get("item_type")
            if item == "object" and f.get("children"):
                name = self.struct(f["children"], owner + singular(camel_class(f["name"])), mod)
                ann = f"list[{name}]"
            elif item == "array" and f.get("children"):
                name = self.struct(f["children"], owner + singular(camel_class(f["name"])), mod, array_like=True)
                ann = f"list[{name}]"
            elif item == "object":
                ann = "list[JsonObject]"
            else:
                ann = "list[str]"
            return ann, (None if required else "[]")
        else:
            raise SystemExit(f"unknown field type {t} in {owner}")
        return (ann, None) if required else (f"{ann} | None", "None")

    def struct(self, fields: list[dict[str, Any]], name: str, mod: ModelModule, *, array_like: bool = False) -> str:
        name = self.unique(name, name)
        if name in mod.names:
            return name
        mod.names.append(name)  # reserve before children so recursion sees it
        lines: list[str] = []
        attrs: list[tuple[str, bool]] = []  # (attribute, is a secret) for a masking __repr__
        aliases: list[tuple[str, str, str]] = []  # (field, hidden alias field, alias wire name)
        decimals: list[str] = []  # DecimalText fields: exact_on_read makes them read as Decimal
        seen: set[str] = set()
        ordered = sorted(fields, key=lambda f: f.get("index", 0)) if array_like else fields
        optional_seen = False
        for f in ordered:
            if f.get("dynamic_key"):
                continue
            py = snake(f["name"])
            if py in seen:
                py = snake(f["name"] + "_alt")
            seen.add(py)
            ann, default = self.field_type(f, name, mod)
            if ann.split(" | ")[0] == "Decimal":
                ann = ann.replace("Decimal", "DecimalText", 1)  # text on the wire, Decimal on read
                decimals.append(py)
            if array_like:
                if default is None and optional_seen:
                    raise SystemExit(f"{name}.{py}: a required column may not follow an optional one")
                optional_seen = optional_seen or default is not None
            wire = f["name"]
            attrs.append((py, wire in SECRET_FIELDS))
            note = f.get("note")
            comment = f"  # {note}" if note and len(note) < 80 else ""
            lines.append(f"    {py}: {ann}{_default(py, wire, default, array_like)}{comment}")
            for i, alias in enumerate(f.get("aliases", ())):
                if any(g["name"] == alias for g in fields):
                    raise SystemExit(f"{name}.{py}: alias {alias!r} is also a field of its own; fold it into the alias")
                hidden = f"_{py.rstrip('_')}_alias{i or ''}"
                opt = ann if default is not None else f"{ann} | None"
                lines.append(f"    {hidden}: {opt} = msgspec.field(default=None, name={alias!r})  # {wire} spelled {alias}")
                if py in decimals:
                    decimals.append(hidden)
                aliases.append((py, hidden, alias))
        # Candle rows decode by position (array_like): short rows leave trailing columns None.
        opts = "array_like=True, frozen=True, gc=False" if array_like else "frozen=True, kw_only=True, gc=False"
        if decimals:  # exact_on_read caches each Decimal read in __dict__ (msgspec: no gc=False then)
            opts = opts.replace("gc=False", "dict=True")
        body = "\n".join(lines) if lines else "    pass"
        text = f"class {name}(msgspec.Struct, {opts}):\n{body}\n"
        if decimals:
            text = f"@exact_on_read({', '.join(map(repr, decimals))})\n" + text
        if aliases:
            text += (
                "\n    def __post_init__(self) -> None:\n"
                '        """Bitget sends some keys under more than one spelling: keep whichever arrived."""\n'
            )
            for py, hidden, _alias in aliases:
                text += (
                    f"        if self.{py} is None and self.{hidden} is not None:\n"
                    f"            msgspec.structs.force_setattr(self, {py!r}, self.{hidden})\n"
                )
        if any(secret for _, secret in attrs):
            text += "\n" + masked_repr(name, attrs)
        mod.classes.append(text)
        return name


def _default(py: str, wire: str, default: str | None, array_like: bool) -> str:
    """The ``= ...`` part of a field line: wire name and default, whichever are needed."""
    if array_like:
        return "" if default is None else f" = {default}"
    parts = []
    if default == "[]":
        parts.append("default_factory=list")
    elif default is not None:
        parts.append(f"default={default}")
    if py != wire:
        parts.append(f"name={wire!r}")
    if not parts:
        return ""
    if parts == ["default=None"]:
        return " = None"
    return " = msgspec.field(" + ", ".join(parts) + ")"


def _is_id(wire: str) -> bool:
    return wire in ("id", "uid") or wire.endswith(("Id", "Uid"))


def snake_to_wire_ok(py: str, wire: str) -> bool:
    """True when the Struct field name equals the wire name (no ``name=`` needed)."""
    return py == wire


def response_struct_name(route: Route, shape: str) -> str:
    top = route.groups[0] if route.groups else route.name
    method = route.name
    short = camel_class(top) + camel_class(singular(method) if shape in ("list", "list_of_arrays") else method)
    return short


def render_models(routes: list[Route]) -> tuple[dict[str, str], ModelBuilder]:
    mb = ModelBuilder()
    short_names: dict[str, list[Route]] = {}
    for r in routes:
        short_names.setdefault(response_struct_name(r, r.schema["data_shape"]), []).append(r)
    for r in routes:
        rec = r.schema
        shape = rec["data_shape"]
        area = AREA_OF.get(r.groups[0] if r.groups else "", "common")
        mod = mb.modules[area]
        short = response_struct_name(r, shape)
        name = short
        if r.python_name in NAME_OVERRIDES:
            name = NAME_OVERRIDES[r.python_name]
        elif len(short_names[short]) > 1:
            full = [camel_class(*o.groups) + camel_class(singular(o.name)) for o in short_names[short]]
            name = camel_class(*r.groups) + camel_class(singular(r.name))
            if full.count(name) > 1:
                name = camel_class(*r.groups) + camel_class(r.name)
        if shape == "object":
            r.response = mb.struct(rec["fields"], name, mod) if rec["fields"] else "dict[str, Any]"
        elif shape == "list":
            if rec.get("data_item_type") == "string" or not rec["fields"]:
                r.response = "list[str]"
            else:
                r.response = f"list[{mb.struct(rec['fields'], name, mod)}]"
        elif shape == "list_of_arrays":
            r.response = f"list[{mb.struct(rec['fields'], name, mod, array_like=True)}]"
        elif shape == "string":
            r.response = "str"
        elif shape == "bool":
            r.response = "bool"
        elif shape == "null":
            r.response = "None"
        else:
            raise SystemExit(f"unknown data_shape {shape}")
        r.area = area  # type: ignore[attr-defined]
    files: dict[str, str] = {}
    for area, mod in mb.modules.items():
        imports = ["from __future__ import annotations", ""]
        imports.append("from decimal import Decimal")
        imports.append("from typing import Any")
        imports += ["", "import msgspec", "import msgspec.structs", "", "from ..._fields import DecimalText, JsonObject, Text, exact_on_read", ""]
        doc = f'"""Response models for the {area} endpoints (Bitget REST v2)."""\n\n'
        all_names = "__all__ = [\n" + "".join(f'    "{n}",\n' for n in sorted(mod.names)) + "]\n"
        body = "\n\n".join(mod.classes)
        text = HEADER + doc + "\n".join(imports) + "\n" + all_names + "\n\n" + body
        text += "\n\n# Keep the shared imports referenced for linters in modules that do not use them all.\n"
        text += "_HELPERS = (Decimal, Any, DecimalText, JsonObject, Text, exact_on_read)\n"
        files[f"bitget_async/_generated/models/{area}.py"] = text
    return files, mb



def render_models_init(files: dict[str, str], mb: ModelBuilder, request_items: dict[str, str]) -> dict[str, str]:
    out = dict(files)
    for area, src in request_items.items():
        path = f"bitget_async/_generated/models/{area}.py"
        text = out[path]
        text = text.replace("from typing import Any\n", "from typing import Any, Literal\n", 1)
        names = re.findall(r"^class (\w+)\(", src, re.M)
        mb.modules[area].names.extend(names)
        all_block = "__all__ = [\n" + "".join(f'    "{n}",\n' for n in sorted(mb.modules[area].names)) + "]\n"
        found = re.search(r"__all__ = \[\n(?:    \"\w+\",\n)*\]\n", text)
        assert found is not None, path
        text = text[: found.start()] + all_block + text[found.end() :]
        text = text.replace("\n\n# Keep the shared imports", "\n\n# Request items for batch bodies.\n\n" + src + "\n\n# Keep the shared imports", 1)
        text = text.replace("_HELPERS = (", "_HELPERS = (Literal, ", 1)
        out[path] = text
    init = [HEADER, '"""msgspec Structs for Bitget responses (and batch request items), by area."""\n\n']
    # Modules and names in ruff's isort order, so the generated file passes ``ruff check``.
    for area in sorted(mb.modules):
        names = sorted(mb.modules[area].names, key=lambda n: (n.lower(), n))
        init.append(f"from .{area} import (\n" + "".join(f"    {n},\n" for n in names) + ")\n")
    all_names = sorted(n for m in mb.modules.values() for n in m.names)
    init.append("\n__all__ = [\n" + "".join(f'    "{n}",\n' for n in all_names) + "]\n")
    out["bitget_async/_generated/models/__init__.py"] = "".join(init)
    return out

