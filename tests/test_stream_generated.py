"""The generated stream Structs are what ``spec/stream-messages.json`` says, and decode Bitget's
own push examples (one per channel page, kept in the facts) through the stream codec exactly.

``codegen --check`` (tests/test_codegen.py) already proves the module is up to date; these tests
prove the facts and msgspec agree (wire names, types) and that real pushes land in the fields.
"""

from __future__ import annotations

import json
import types
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import msgspec
import msgspec.structs
import pytest

import bitget_async.stream as stream
from bitget_async._fields import Text
from bitget_async._generated import stream_messages as generated
from bitget_async.stream import Arg, BookLevel, Books, Push, _messages, _private_messages
from bitget_async.stream._codec import PushDecoder

FACTS = json.loads((Path(__file__).resolve().parent.parent / "spec" / "stream-messages.json").read_text())["structs"]
# Keys a doc example shows that no field reads (a choice, not an accident: add a field to the facts
# to read one).
UNREAD = {
    "FuturesOrder": {"presetStopLossExecutePrice", "presetStopLossType", "presetStopSurplusExecutePrice",
                     "presetStopSurplusType"},
    "Position": {"autoMargin"},
}
EXAMPLES = [(s["class"], e["page"], e["push"]) for s in FACTS for e in s.get("examples", ())]


def _fields(name: str) -> list[dict[str, Any]]:
    """A class's fields as the facts list them: its bases' first (msgspec's order), then its own."""
    by_name = {s["class"]: s for s in FACTS}
    chain = []
    while name in by_name:
        chain.append(by_name[name])
        name = by_name[name]["base"]
    return [f for s in reversed(chain) for f in s["fields"]]


def test_every_struct_has_the_fields_wire_names_and_types_of_its_facts() -> None:
    namespace = {**vars(generated), "Decimal": Decimal, "Text": Text}
    for struct in FACTS:
        cls = getattr(generated, struct["class"])
        got = [(f.name, f.encode_name, f.type) for f in msgspec.structs.fields(cls)]
        want = [(f["name"], f["wire"], eval(f["type"], namespace)) for f in _fields(struct["class"])]
        assert got == want, struct["class"]


def test_the_stream_modules_export_exactly_the_generated_classes_the_facts_place_there() -> None:
    public = {s["class"] for s in FACTS if not s["private"] and not s["class"].startswith("_")} - {"Message"}
    private = {s["class"] for s in FACTS if s["private"] and not s["class"].startswith("_")}
    assert set(_messages.__all__) == public | {"Arg", "Push"}
    assert set(_private_messages.__all__) == private
    for name in public | private:
        assert getattr(stream, name) is getattr(generated, name), name
    assert _messages.Message is generated.Message  # the base stays importable where it was
    assert len(EXAMPLES) == 26 and {c for c, _, _ in EXAMPLES} == public - {"BookLevel"} | private - {"FeeDetail"}


def _expected(tp: Any, raw: Any) -> Any:
    """What ``raw`` (a JSON value of Bitget's example) must decode to as ``tp``: ``""`` in an
    optional field is Bitget's "unset", so ``None`` (the codec's lenient retry makes it so)."""
    if get_origin(tp) in (Union, types.UnionType):
        if raw == "":
            return None
        (inner,) = [a for a in get_args(tp) if a is not type(None)]
        return None if raw is None else _expected(inner, raw)
    if get_origin(tp) is list:
        (item,) = get_args(tp)
        return [_expected(item, r) for r in raw]
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        fields = msgspec.structs.fields(tp)
        values = raw if tp.__struct_config__.array_like else [raw.get(f.encode_name) for f in fields]
        return tp(**{f.name: _expected(f.type, v) for f, v in zip(fields, values, strict=False)})
    if get_origin(tp) is Annotated:  # ``Text``: a non-empty str
        tp = get_args(tp)[0]
    return {Decimal: lambda v: Decimal(str(v)), int: int, str: str}[tp](raw)


@pytest.mark.parametrize(("name", "page", "push"), EXAMPLES, ids=[f"{c}:{p}" for c, p, _ in EXAMPLES])
def test_bitgets_push_example_decodes_field_by_field(name: str, page: str, push: dict[str, Any]) -> None:
    cls = getattr(generated, name)
    raw = msgspec.json.encode(push)
    blanks = b'""' in raw
    try:  # the fast typed path takes every example without a "" (which only the retry reads)
        msgspec.json.decode(raw, type=Push[cls], strict=False)  # type: ignore[valid-type]
        assert not blanks
    except msgspec.ValidationError:
        assert blanks
    decoded = PushDecoder(cls).decode(raw)
    assert decoded.arg == msgspec.convert(push["arg"], Arg) and decoded.action == push["action"]
    assert decoded.data == [_expected(cls, row) for row in push["data"]]
    assert len(decoded.data) == len(push["data"]) > 0
    if isinstance(push["data"][0], dict):
        read = {f.encode_name for f in msgspec.structs.fields(cls)}
        assert set().union(*push["data"]) - read == UNREAD.get(name, set())


def test_book_levels_keep_bitgets_text_and_read_exact_decimals() -> None:
    push = next(p for c, page, p in EXAMPLES if c == "Books" and page.startswith("spot/"))
    books = PushDecoder(Books).decode(msgspec.json.encode(push)).data[0]
    first_ask = push["data"][0]["asks"][0]
    assert books.asks[0] == BookLevel(*first_ask)
    assert (books.asks[0].price, books.asks[0].size) == (Decimal(first_ask[0]), Decimal(first_ask[1]))
    assert books.checksum == push["data"][0]["checksum"] and books.ts == int(push["data"][0]["ts"])

