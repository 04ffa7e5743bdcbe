"""Helpers shared by the models tests (moved from test_models.py when it was split)."""

from __future__ import annotations

import copy
import json
import typing
from pathlib import Path
from typing import Any

from bitget_async import find_route

SPEC = Path(__file__).resolve().parent.parent / "spec"


def _schemas() -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for f in sorted(SPEC.glob("schemas-*.json")):
        for path, rec in json.loads(f.read_text()).items():
            out.append((rec["method"], path, rec))
    return out


SCHEMAS = _schemas()
EXAMPLES = {(m, p): rec["example_response"] for m, p, rec in SCHEMAS}


def decode(method: str, path: str, example: dict[str, Any] | None = None) -> Any:
    body = example if example is not None else EXAMPLES[(method, path)]
    return find_route(method, path).decode(json.dumps(body).encode())


def example(method: str, path: str) -> dict[str, Any]:
    """A private copy of an official example, to vary one field."""
    return copy.deepcopy(EXAMPLES[(method, path)])


def _check_type(value: Any, tp: Any, where: str) -> None:
    if tp is None:
        assert value is None, where
    elif tp is Any:
        return
    elif typing.get_origin(tp) is list:
        assert isinstance(value, list), where
        (item,) = typing.get_args(tp)
        for i, v in enumerate(value):
            _check_type(v, item, f"{where}[{i}]")
    elif typing.get_origin(tp) is dict:
        assert isinstance(value, dict), where
    else:
        assert type(value) is tp, f"{where}: {type(value).__name__} is not {tp}"
