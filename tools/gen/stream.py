"""WebSocket push models: spec/stream-messages.json -> bitget_async/_generated/stream_messages.py.

The facts name every Struct's base, msgspec options, fields (python name, wire name, type,
default) and the channels it decodes.  The output keeps the hand-written modules' shapes exactly:
the same class tree (a field list shared by a family lives once, in its private base), the same
``rename="camel"`` base, and an explicit ``msgspec.field(name=...)`` only where the wire name is
not what that rename makes.  The frame types with behaviour of their own (``Arg``, ``Push``) stay
hand-written in ``bitget_async/stream/_messages.py``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .facts import HEADER, SPEC

FACTS = SPEC / "stream-messages.json"
# ``Text`` is a non-empty str (``_fields.py``): a "" fails the fast decode and the lenient
# retry reads it as None, Bitget's "unset", as in the REST models.
ATOMS = {"str", "Text", "int", "bool", "Decimal"}
# A field type: one atom or known Struct, optionally in a list, optionally "| None".
TYPE = re.compile(r"^(?:list\[(?P<item>\w+)\]|(?P<one>\w+))(?P<optional> \| None)?$")
OPTIONS = {"rename", "gc", "frozen", "array_like", "omit_defaults", "kw_only"}

DOC = '''"""Typed pushes of the Bitget v2 WebSocket channels (from spec/stream-messages.json).

Imported through ``bitget_async.stream`` (``_messages.py`` for the public channels,
``_private_messages.py`` for the private ones), which also hold the rules the fields follow and
the frame around every push (``Arg``, ``Push``).
"""
'''


def load_structs() -> list[dict[str, Any]]:
    structs: list[dict[str, Any]] = json.loads(FACTS.read_text())["structs"]
    return structs


def camel(name: str) -> str:
    """msgspec's ``rename="camel"``, exactly (tests check it agrees): parts after the first are
    ``str.title()``-cased, so ``change_utc24h`` becomes ``changeUtc24H``, not ``changeUtc24h``."""
    lead = name[: len(name) - len(name.lstrip("_"))]
    head, *rest = [part for part in name.lstrip("_").split("_") if part]
    return lead + head + "".join(part.title() for part in rest)


def _rename_of(struct: dict[str, Any], by_name: dict[str, dict[str, Any]]) -> str | None:
    """The ``rename`` a class gets: its own option or the nearest base's (msgspec inherits it)."""
    current: dict[str, Any] | None = struct
    while current is not None:
        if "rename" in current.get("options", {}):
            rename: str = current["options"]["rename"]
            return rename
        current = by_name.get(current["base"])
    return None


def _check_type(where: str, text: str, known: set[str]) -> None:
    m = TYPE.match(text)
    name = m and (m["item"] or m["one"])
    if not name or (name not in ATOMS and name not in known):
        raise ValueError(f"{where}: unknown field type {text!r} (atoms {sorted(ATOMS)} or a Struct defined above)")


def _default(field: dict[str, Any], wire: str | None) -> str:
    """The right-hand side of a field line ('' when the field is required)."""
    if "default" not in field:
        if wire is not None:
            raise ValueError(f"{field['name']}: a required field with its own wire name is not supported")
        return ""
    value = field["default"]
    if value == []:
        return " = msgspec.field(default_factory=list)"
    if not isinstance(value, (str, int, bool, type(None))):
        raise ValueError(f"{field['name']}: default {value!r} is not None, [], a string, number or bool")
    if wire is not None:
        return f" = msgspec.field(default={value!r}, name={wire!r})"
    return f" = {value!r}"


def render_struct(struct: dict[str, Any], by_name: dict[str, dict[str, Any]], known: set[str]) -> str:
    name = struct["class"]
    options = struct.get("options", {})
    unknown = set(options) - OPTIONS
    if unknown:
        raise ValueError(f"{name}: unknown Struct options {sorted(unknown)}")
    if struct["base"] != "msgspec.Struct" and struct["base"] not in known:
        raise ValueError(f"{name}: base {struct['base']!r} is not defined above it")
    head = ", ".join([struct["base"], *(f"{k}={v!r}" for k, v in options.items())])
    doc = struct["doc"].replace("\n", "\n    ")
    lines = [f"class {name}({head}):", f'    """{doc}"""']
    rename = _rename_of(struct, by_name)
    if rename not in (None, "camel"):
        raise ValueError(f"{name}: rename={rename!r} is not supported (camel or none)")
    if struct["fields"]:
        lines.append("")
    for field in struct["fields"]:
        _check_type(f"{name}.{field['name']}", field["type"], known)
        made = camel(field["name"]) if rename == "camel" else field["name"]
        wire = None if field["wire"] == made else field["wire"]
        note = f"  # {field['note']}" if "note" in field else ""
        lines.append(f"    {field['name']}: {field['type']}{_default(field, wire)}{note}")
    for prop in struct.get("decimal_properties", ()):
        lines += ["", "    @property", f"    def {prop['name']}(self) -> Decimal:",
                  f"        return Decimal(self.{prop['decimal_of']})"]
    return "\n".join(lines) + "\n"


def _channel_comment(struct: dict[str, Any]) -> str:
    if "channels" not in struct:
        return ""
    return f"# {', '.join(struct['channels'])} ({', '.join(struct['inst_types'])})\n"


def render_stream_messages() -> str:
    """The module text: every Struct of the facts, in their order, under section comments."""
    structs = load_structs()
    by_name = {s["class"]: s for s in structs}
    public = sorted(s["class"] for s in structs if not s["class"].startswith("_"))
    names = "".join(f'    "{n}",\n' for n in public)
    parts = [HEADER, DOC, "\nfrom __future__ import annotations\n\nfrom decimal import Decimal\n\nimport msgspec\n\nfrom .._fields import Text\n\n",
             f"__all__ = [\n{names}]\n"]
    known: set[str] = set()
    section = None
    for struct in structs:
        if struct["section"] != section:
            section = struct["section"]
            parts.append(f"\n\n# -- {section} " + "-" * max(3, 92 - len(section)) + "\n")
        else:
            parts.append("\n\n")
        parts.append(_channel_comment(struct) + render_struct(struct, by_name, known))
        known.add(struct["class"])
    return "".join(parts)
