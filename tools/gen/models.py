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

    def field_type(self, f: dict[str, Any], owner: str, mod: ModelModule) -> tuple[str, str | None, str | None]:
        """(annotation, default, lazy-kind).  lazy-kind set when "" must become None."""
        t = f["type"]
        empty = bool(f.get("may_be_empty"))
        optional = bool(f.get("nullable") or f.get("optional") or f.get("in_example") is False)
        scalar = {
            "string-decimal": "Decimal",
            "number": "Decimal",
            "string-int": "int",
            "string-int-ms": "int",
            "int": "int",
            "bool": "bool",
            "string-bool": "bool",
        }
        if t == "int" and _is_id(f["name"]):
            # Ids stay strings even where the exchange sends a JSON integer: keep the raw value
            # (str | int) and expose str, so callers never compare an id as a number.
            return "str | int", None, "id"
        if t in scalar:
            if empty:
                return "str | None", "None", scalar[t]
            ann = scalar[t]
            if ann == "Decimal":
                mod.uses.add("Decimal")
            return (f"{ann} | None", "None", None) if optional else (ann, None, None)
        if t == "string":
            if f.get("nullable"):
                return "str | None", "None", None
            return ("str", '""', None) if (optional or empty) else ("str", None, None)
        if t == "string-json":
            return "str | None", "None", "json"
        if t == "object":
            if f.get("children") and not any(c.get("dynamic_key") for c in f["children"]):
                name = self.struct(f["children"], owner + camel_class(f["name"]), mod)
                return (f"{name} | None", "None", None)
            mod.uses.add("Any")
            return "dict[str, Any] | None", "None", None
        if t == "list":
            item = f.get("item_type")
            if item == "object" and f.get("children"):
                name = self.struct(f["children"], owner + singular(camel_class(f["name"])), mod)
                ann = f"list[{name}]"
            elif item == "array" and f.get("children"):
                name = self.struct(f["children"], owner + singular(camel_class(f["name"])), mod, array_like=True)
                ann = f"list[{name}]"
            elif item == "object":
                mod.uses.add("Any")
                ann = "list[dict[str, Any]]"
            else:
                ann = "list[str]"
            return f"{ann} | None", "None", None
        raise SystemExit(f"unknown field type {t} in {owner}")

    def struct(self, fields: list[dict[str, Any]], name: str, mod: ModelModule, *, array_like: bool = False) -> str:
        name = self.unique(name, name)
        if name in mod.names:
            return name
        mod.names.append(name)  # reserve before children so recursion sees it
        lines: list[str] = []
        props: list[str] = []
        attrs: list[tuple[str, bool]] = []  # (attribute, is a secret) for a masking __repr__
        seen: set[str] = set()
        ordered = sorted(fields, key=lambda f: f.get("index", 0)) if array_like else fields
        for f in ordered:
            if f.get("dynamic_key"):
                continue
            py = snake(f["name"])
            if py in seen:
                py = snake(f["name"].replace(f["name"], f["name"] + "_alt"))
            seen.add(py)
            ann, default, lazy = self.field_type(f, name, mod)
            if array_like and default is None:
                default = None
            wire = f["name"]
            attrs.append((f"raw_{py.rstrip('_')}" if lazy else py, wire in SECRET_FIELDS))
            note = f.get("note")
            comment = f"  # {note}" if note and len(note) < 80 else ""
            if lazy:
                raw = f"raw_{py.rstrip('_')}"
                if default is None:
                    lines.append(f'    {raw}: {ann} = msgspec.field(name="{wire}"){comment}')
                else:
                    lines.append(f'    {raw}: {ann} = msgspec.field(default={default}, name="{wire}"){comment}')
                if lazy == "id":
                    props.append(
                        f"    @property\n    def {py}(self) -> str:\n"
                        f'        """``{wire}`` as a string, whether it arrived as a string or a JSON integer."""\n'
                        f"        return str(self.{raw})\n"
                    )
                elif lazy == "json":
                    mod.uses.add("Any")
                    props.append(
                        f"    @property\n    def {py}(self) -> dict[str, Any] | None:\n"
                        f'        """``{wire}`` parsed from its JSON string (numbers exact)."""\n'
                        f"        return _json_field(self.{raw})\n"
                    )
                else:
                    conv = {"Decimal": "_decimal", "int": "_int", "bool": "_bool"}[lazy]
                    if lazy == "Decimal":
                        mod.uses.add("Decimal")
                    props.append(
                        f"    @property\n    def {py}(self) -> {lazy} | None:\n"
                        f'        """``{wire}``; None when the exchange sent "" or null."""\n'
                        f"        return {conv}(self.{raw})\n"
                    )
                continue
            needs_name = snake_to_wire_ok(py, wire)
            if array_like:
                lines.append(f"    {py}: {ann} {'= ' + default if default else ''}{comment}".rstrip())
            elif default is None:
                lines.append(
                    f'    {py}: {ann}{"" if needs_name else f" = msgspec.field(name={wire!r})"}{comment}'
                )
            else:
                lines.append(
                    f"    {py}: {ann} = "
                    + (default if needs_name else f"msgspec.field(default={default}, name={wire!r})")
                    + comment
                )
        # Candle rows decode by position (array_like); every column is required.
        opts = "array_like=True, frozen=True, gc=False" if array_like else "frozen=True, kw_only=True, gc=False"
        body = "\n".join(lines) if lines else "    pass"
        text = f"class {name}(msgspec.Struct, {opts}):\n{body}\n"
        if any(secret for _, secret in attrs):
            props.append(masked_repr(name, attrs))
        if props:
            text += "\n" + "\n".join(props)
        mod.classes.append(text)
        return name


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
        if "Decimal" in mod.uses or True:
            imports.append("from decimal import Decimal")
        imports.append("from typing import Any")
        imports += ["", "import msgspec", "", "from ..._convert import _bool, _decimal, _int, _json_field", ""]
        doc = f'"""Response models for the {area} endpoints (Bitget REST v2)."""\n\n'
        all_names = "__all__ = [\n" + "".join(f'    "{n}",\n' for n in sorted(mod.names)) + "]\n"
        body = "\n\n".join(mod.classes)
        text = HEADER + doc + "\n".join(imports) + "\n" + all_names + "\n\n" + body
        text += "\n\n# Keep the helper imports referenced for linters in modules without lazy fields.\n"
        text += "_HELPERS = (_bool, _decimal, _int, _json_field, Decimal, Any)\n"
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
        text = text.replace("\n\n# Keep the helper imports", "\n\n# Request items for batch bodies.\n\n" + src + "\n\n# Keep the helper imports", 1)
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

