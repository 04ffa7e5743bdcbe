"""Python names from Bitget's wire names: snake_case parameters and fields, CamelCase classes."""

from __future__ import annotations

import keyword
import re

PREFIX = "/api/v2/"

# Wire names misspelled by Bitget -> the Python name users get.
MISSPELLED = {
    "interstType": "interest_type",
    "unionTotalMagin": "union_total_margin",
    "subaAccountUid": "sub_account_uid",
    "subaAccountName": "sub_account_name",
    "copyAllPostions": "copy_all_positions",
    "shortLeveage": "short_leverage",
}
# Path segments whose python spelling is not the snake_case of the segment.
SEGMENT_NAMES = {"annoucements": "announcements"}


def snake(name: str) -> str:
    if name in MISSPELLED:
        return MISSPELLED[name]
    s = name.replace("-", "_")
    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", s)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    s = s.lower()
    if keyword.iskeyword(s) or s in {"type", "id", "format", "property", "list", "dict", "str", "int", "bool", "float"}:
        s += "_"
    return s


def camel_class(*parts: str) -> str:
    out = []
    for p in parts:
        for w in re.split(r"[_\-/]", snake(p).rstrip("_")):
            if w:
                out.append(w[0].upper() + w[1:])
    return "".join(out)


def singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word

