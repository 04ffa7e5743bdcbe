"""A success body with "" in an optional numeric field the schemas did not flag still decodes."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bitget_async import ResponseDecodeError, find_route

SPEC = Path(__file__).resolve().parent.parent / "spec"


def _example(path: str) -> dict[str, Any]:
    for f in sorted(SPEC.glob("schemas-*.json")):
        schemas = json.loads(f.read_text())
        if path in schemas:
            return dict(schemas[path]["example_response"])
    raise LookupError(path)


def test_blank_in_optional_decimal_becomes_none() -> None:
    route = find_route("GET", "/api/v2/spot/trade/unfilled-orders")
    example = _example(route.path)
    example["data"][0]["triggerPrice"] = ""
    [order] = route.decode(json.dumps(example).encode())
    assert order.trigger_price is None
    example["data"][0]["triggerPrice"] = "12.50"
    [order] = route.decode(json.dumps(example).encode())
    assert order.trigger_price == Decimal("12.50")
    assert str(order.trigger_price) == "12.50"


def test_blank_in_required_decimal_is_a_decode_error_with_the_body() -> None:
    route = find_route("GET", "/api/v2/spot/market/tickers")
    example = _example(route.path)
    example["data"][0]["bidPr"] = ""
    body = json.dumps(example).encode()
    with pytest.raises(ResponseDecodeError) as info:
        route.decode(body)
    assert info.value.body == body
    assert info.value.code == "DECODE"
    assert "$.data[0].bidPr" in info.value.msg
