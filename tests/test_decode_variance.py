"""Every route's documented answer, varied the ways Bitget varies it, still decodes exactly.

For each route in ``bitget_async.ROUTES`` the official example (``spec/schemas-*.json``) is
mutated field by field: an optional field dropped, blanked to ``""`` or ``null``, a number sent
as a JSON string or a JSON number, a digit-only text sent as a number, an enum value in another
case, a text ending in a quote, a key under its other spelling, unknown keys added.  The decoded model must then hold, for
every field, the value computed here from the mutated JSON and the spec's wire types alone
(never from the decoder): ``Decimal``/``int``/``bool`` from their text, ``None`` for a blank,
``[]`` for a blank list, text as sent.  The last test is the mutation check: one model field made
strict again (required, as before) and the same property finds a counterexample.

Deterministic (``derandomize=True``, no example database) so CI runs the same cases every time.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import bitget_async
from bitget_async import ResponseDecodeError
from bitget_async._codec import ResponseCodec
from bitget_async._fields import decimal_fields, exact_on_read
from bitget_async.models import SpotTicker

SPEC = Path(__file__).resolve().parent.parent / "spec"
MAX_EXAMPLES = 10  # x 154 routes: about 20 s on the 2-core CI machine

SCHEMAS: dict[tuple[str, str], dict[str, Any]] = {}
for _file in sorted(SPEC.glob("schemas-*.json")):
    for _path, _rec in json.loads(_file.read_text()).items():
        SCHEMAS[(_rec["method"], _path)] = _rec

ROUTES = [(r, SCHEMAS[(r.method, r.path)]) for r in bitget_async.ROUTES]
ENCODE = msgspec.json.Encoder(decimal_format="number")  # Decimal -> a JSON number, digits kept
NUMERIC = {"string-decimal", "number"}
INTEGER = {"string-int", "string-int-ms", "int"}
BOOL = {"bool", "string-bool"}
MISSING: Any = object()


def _is_id(name: str) -> bool:
    return name in ("id", "uid") or name.endswith(("Id", "Uid"))


# -- mutation ----------------------------------------------------------------------------------
def _scalar_variants(f: dict[str, Any], v: Any) -> list[Any]:
    """Other wire spellings of one scalar that Bitget uses for the same value."""
    out: list[Any] = []
    if isinstance(v, str) and f["type"] in NUMERIC | INTEGER:
        try:
            d = Decimal(v)
        except InvalidOperation:
            d = None
        if d is not None and d.is_finite():
            out.append(d)  # the same number as a JSON number
    elif isinstance(v, (int, Decimal)) and not isinstance(v, bool):
        out.append(str(v))  # a JSON number sent as a string
    if isinstance(v, str) and f["type"] == "string" and re.fullmatch(r"[1-9][0-9]{0,17}", v):
        out.append(int(v))  # an id-like text sent as a JSON integer
    if isinstance(v, str) and f.get("enum") and v:
        out += [v.upper(), v.lower(), v.swapcase()]
    elif isinstance(v, str) and f["type"] == "string" and v:
        out.append(v + '"')  # ends in an escaped quote: the blank retry must not misread it
    if isinstance(v, bool):
        out.append("true" if v else "false")
    if isinstance(v, str) and f["type"] in BOOL and v.lower() in ("true", "false"):
        out.append(v.lower() == "true")
    return out


def _respelled(draw: Callable[..., Any], f: dict[str, Any], v: Any, choice: str) -> Any:
    """The wire value after a "blank", "null" or "swap" choice; MISSING where the choice does not
    apply (another choice, or a value with no other spelling)."""
    if choice == "blank":
        return ""
    if choice == "null":
        return None
    if choice == "swap" and (variants := _scalar_variants(f, v)):
        return draw(st.sampled_from(variants))
    return MISSING


def mutate(draw: Callable[..., Any], fields: list[dict[str, Any]], node: Any, array: bool = False) -> Any:
    """A mutated copy of one object (or candle row) of the example, field by field."""
    if array:
        row = list(node)
        by_index = {f.get("index", i): f for i, f in enumerate(fields)}
        for i, v in enumerate(row):
            f = by_index.get(i)
            if f is None or f.get("required"):
                continue
            choice = draw(st.sampled_from(["keep", "blank", "null", "swap"]))
            if (new := _respelled(draw, f, v, choice)) is not MISSING:
                row[i] = new
        return row
    if not isinstance(node, dict):
        return node
    out = dict(node)
    for f in fields:
        name = f["name"]
        present = [a for a in f.get("aliases", ()) if a in out]
        if name not in out and present and draw(st.booleans()):
            out[name] = out.pop(present[0])  # the example uses the other spelling: try this one
        if name not in out or f.get("dynamic_key"):
            continue
        v = out[name]
        if f.get("required"):
            choice = draw(st.sampled_from(["keep", "swap"]))
        else:
            choice = draw(st.sampled_from(["keep", "drop", "blank", "null", "swap", "deep", "alias"]))
        if choice == "drop":
            del out[name]
        elif (new := _respelled(draw, f, v, choice)) is not MISSING:
            out[name] = new
        elif choice == "alias" and f.get("aliases"):
            del out[name]
            out[draw(st.sampled_from(f["aliases"]))] = v
        elif choice in ("deep", "swap") and f.get("children") and isinstance(v, (dict, list)):
            out[name] = mutate_value(draw, f, v)
        if choice in ("deep", "swap") and _free_form(f) and v not in (None, ""):
            out[name] = mutate_free_form(draw, v, as_object=choice == "swap")
    if draw(st.booleans()):
        out["fieldBitgetAddsLater"] = draw(st.sampled_from(["", None, "x", 7, {"a": [1]}, [1, "2"]]))
    return out


def _free_form(f: dict[str, Any]) -> bool:
    """A field the model holds as a ``JsonObject`` (no fixed keys)."""
    children = f.get("children") or []
    return f["type"] == "string-json" or (
        f["type"] == "object" and (not children or any(c.get("dynamic_key") for c in children))
    )


def mutate_free_form(draw: Callable[..., Any], v: Any, *, as_object: bool) -> Any:
    """Blank one leaf inside a free-form object; a JSON-string one may also arrive as an object."""
    was_text = isinstance(v, str)
    tree = json.loads(v, parse_float=Decimal) if was_text else copy.deepcopy(v)
    leaves: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for k, x in items:
            if isinstance(x, (dict, list)):
                walk(x)
            else:
                leaves.append((node, k))

    walk(tree)
    if leaves:
        parent, key = draw(st.sampled_from(leaves))
        parent[key] = ""
    if was_text and not as_object:
        return ENCODE.encode(tree).decode()
    return tree


def mutate_value(draw: Callable[..., Any], f: dict[str, Any], v: Any) -> Any:
    children = f.get("children") or []
    if f["type"] == "list" and isinstance(v, list):
        return [mutate(draw, children, x, array=f.get("item_type") == "array") for x in v]
    if f["type"] == "object" and isinstance(v, dict) and not any(c.get("dynamic_key") for c in children):
        return mutate(draw, children, v)
    return v


def mutate_data(draw: Callable[..., Any], rec: dict[str, Any], data: Any) -> Any:
    shape, fields = rec["data_shape"], rec["fields"]
    if shape == "list" and isinstance(data, list) and fields and rec.get("data_item_type") != "string":
        if draw(st.integers(0, 9)) == 0:
            return draw(st.sampled_from([None, "", []]))  # an empty answer in any spelling
        return [mutate(draw, fields, x) for x in data]
    if shape == "list_of_arrays" and isinstance(data, list):
        return [mutate(draw, fields, x, array=True) for x in data]
    if shape == "object" and isinstance(data, dict) and fields:
        return mutate(draw, fields, data)
    return data


# -- the independent expectation ---------------------------------------------------------------
# An empty-string token in compact JSON text stands after ``:``, ``,`` or ``[`` (or alone); an
# empty *key* is followed by ``:``, and a quote inside a string is always escaped, so no false hit.
_BLANK_TOKEN = re.compile(r'(?:^|(?<=[:,\[]))""(?=$|[,\]}])')


def _unblank(node: Any) -> Any:
    """``""`` -> None at every depth of free-form JSON, found in the JSON text (the library walks
    the tree instead): the same answer reached another way."""
    text = ENCODE.encode(node).decode()
    return json.loads(_BLANK_TOKEN.sub("null", text), parse_float=Decimal)


def expect_scalar(f: dict[str, Any], v: Any) -> Any:
    """What the model must hold for the wire value ``v`` of field ``f`` (None: unset)."""
    t = f["type"]
    if v is MISSING or v is None or v == "":
        return [] if t == "list" else None
    if t in INTEGER and not (t == "int" and _is_id(f["name"])):
        return int(Decimal(str(v)))
    if t in NUMERIC:
        try:
            return Decimal(str(v).strip())
        except InvalidOperation:
            return None  # text that is not a number ("111,1" in one doc example)
    if t in BOOL:
        return v if isinstance(v, bool) else {"true": True, "false": False}[v.lower()]
    if t == "string-json":
        parsed = json.loads(v, parse_float=Decimal) if isinstance(v, str) else v
        return _unblank(parsed)
    if t in ("string", "int"):
        return v if isinstance(v, str) else str(v)
    raise AssertionError(f"no scalar expectation for {t}")


def _exact(got: Any, want: Any, where: str) -> None:
    assert got == want, f"{where}: decoded {got!r}, expected {want!r}"
    if isinstance(want, Decimal):
        assert type(got) is Decimal and got.as_tuple() == want.as_tuple(), f"{where}: {got!r} is not {want!r}"
    elif want is not None:
        assert type(got) is type(want) or isinstance(got, dict), f"{where}: {type(got).__name__} for {want!r}"


def check_struct(obj: Any, fields: list[dict[str, Any]], raw: Any, where: str, array: bool = False) -> None:
    struct_fields = msgspec.structs.fields(type(obj))
    wire_to_attr = {f.encode_name: f.name for f in struct_fields}
    ordered = sorted(fields, key=lambda f: f.get("index", 0)) if array else fields
    for i, f in enumerate(ordered):
        if f.get("dynamic_key"):
            continue
        name = f["name"]
        if array:
            v = raw[i] if i < len(raw) else MISSING
        else:
            v = raw.get(name, MISSING)
            if v is MISSING or v is None:
                for alias in f.get("aliases", ()):
                    if raw.get(alias) is not None:
                        v = raw[alias]
        got = getattr(obj, struct_fields[i].name if array else wire_to_attr[name])
        here = f"{where}.{name}"
        if f["type"] == "object" and f.get("children") and not any(c.get("dynamic_key") for c in f["children"]):
            if v is MISSING or v is None or v == "":
                assert got is None, here
            else:
                check_struct(got, f["children"], v, here)
        elif f["type"] == "list" and f.get("children") and f.get("item_type") in ("object", "array"):
            rows = v if isinstance(v, list) else []
            assert isinstance(got, list) and len(got) == len(rows), here
            for j, (g, r) in enumerate(zip(got, rows, strict=True)):
                check_struct(g, f["children"], r, f"{here}[{j}]", array=f.get("item_type") == "array")
        elif f["type"] == "list":
            want = [] if not isinstance(v, list) else [x if isinstance(x, str) or isinstance(x, dict) else str(x) for x in v]
            assert got == (_unblank(want) if f.get("item_type") == "object" else want), here
        elif f["type"] == "object":
            assert got == (None if v is MISSING or v is None or v == "" else _unblank(v)), here
        else:
            _exact(got, expect_scalar(f, v), here)


def check_data(rec: dict[str, Any], decoded: Any, raw: Any, name: str) -> None:
    shape, fields = rec["data_shape"], rec["fields"]
    if shape in ("list", "list_of_arrays") and fields and rec.get("data_item_type") != "string":
        rows = raw if isinstance(raw, list) else []
        assert isinstance(decoded, list) and len(decoded) == len(rows), name
        for i, (obj, row) in enumerate(zip(decoded, rows, strict=True)):
            check_struct(obj, fields, row, f"{name}[{i}]", array=shape == "list_of_arrays")
    elif shape == "object" and fields:
        check_struct(decoded, fields, raw, name)
    elif shape == "null":
        assert decoded is None, name
    else:
        assert decoded == raw, name


# -- the property ------------------------------------------------------------------------------
def run_property(
    codec: ResponseCodec[Any], rec: dict[str, Any], name: str, max_examples: int, *, shrink: bool = True
) -> None:
    """Raises (with hypothesis's smallest counterexample) if any variant fails to decode exactly."""
    example = json.loads(json.dumps(rec["example_response"]), parse_float=Decimal)

    @settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        report_multiple_bugs=False,
        phases=[Phase.explicit, Phase.generate, *([Phase.shrink] if shrink else [])],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def prop(data: st.DataObject) -> None:
        body = copy.deepcopy(example)
        body["data"] = mutate_data(data.draw, rec, body.get("data"))
        raw = ENCODE.encode(body)
        decoded = codec.decode(raw)
        check_data(rec, decoded, json.loads(raw, parse_float=Decimal)["data"], name)

    prop()


@pytest.mark.parametrize(("route", "rec"), ROUTES, ids=[r.python_name for r, _ in ROUTES])
def test_every_variant_of_the_documented_answer_decodes_exactly(route: Any, rec: dict[str, Any]) -> None:
    run_property(route.codec, rec, route.python_name, MAX_EXAMPLES)


def test_the_suite_covers_every_route() -> None:
    assert len(ROUTES) == len(bitget_async.ROUTES) == len(SCHEMAS)


@pytest.mark.parametrize(
    ("route", "field"),
    [
        (r, f["name"])
        for r, rec in ROUTES
        if rec["data_shape"] == "object"
        for f in rec["fields"]
        if f.get("required")
    ],
    ids=lambda x: x if isinstance(x, str) else x.python_name,
)
@pytest.mark.parametrize("blank", ["", None, MISSING], ids=["blank", "null", "absent"])
def test_a_blank_required_id_is_a_decode_error(route: Any, field: str, blank: Any) -> None:
    body = copy.deepcopy(SCHEMAS[(route.method, route.path)]["example_response"])
    if blank is MISSING:
        del body["data"][field]
    else:
        body["data"][field] = blank
    raw = json.dumps(body).encode()
    with pytest.raises(ResponseDecodeError) as info:
        route.decode(raw)
    assert info.value.body == raw and "$.data" in info.value.msg


# -- the mutation check ------------------------------------------------------------------------
def _strict_ticker(strict_field: str) -> Any:
    """``SpotTicker`` with one field required and ``Decimal``-only again, as models were before
    (its other decimal fields read as ``Decimal`` as in the real model)."""
    fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    for f in msgspec.structs.fields(SpotTicker):
        if f.name == strict_field:
            fields.append((f.name, Decimal))
        else:
            fields.append((f.name, f.type, None))
    rename = {f.name: f.encode_name for f in msgspec.structs.fields(SpotTicker)}
    strict = msgspec.defstruct("StrictSpotTicker", fields, kw_only=True, frozen=True, dict=True, rename=rename)
    return exact_on_read(*(n for n in decimal_fields(SpotTicker) if n != strict_field))(strict)


def test_mutation_check_one_strict_field_makes_the_property_fail() -> None:
    """If the suite could not catch a strict field, it could not catch the next real answer."""
    route = bitget_async.find_route("GET", "/api/v2/spot/market/tickers")
    rec = SCHEMAS[(route.method, route.path)]
    run_property(route.codec, rec, "tickers", 60)  # the real model passes ...
    strict_ticker = _strict_ticker("bid_pr")
    strict: ResponseCodec[Any] = ResponseCodec(list[strict_ticker])  # type: ignore[valid-type]
    with pytest.raises(ResponseDecodeError) as info:  # ... the strict one is caught
        run_property(strict, rec, "tickers (strict bidPr)", 60, shrink=False)
    assert "bidPr" in info.value.msg
