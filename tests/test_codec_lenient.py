"""The lenient decode: a success body that fails msgspec's fast typed decode still decodes.

Three paths, one contract (``bitget_async/_lenient.py``): the fast typed decode, the same decode
after ``""`` became ``null``, and the general shaping pass.  Each test pins exact values, and the
consistency test proves a value reads the same whichever path the body took.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bitget_async import ResponseDecodeError, find_route
from bitget_async._codec import ResponseCodec
from bitget_async._lenient import blanks_to_null
from bitget_async.models import SpotTicker

SPEC = Path(__file__).resolve().parent.parent / "spec"


def _example(path: str) -> dict[str, Any]:
    for f in sorted(SPEC.glob("schemas-*.json")):
        schemas = json.loads(f.read_text())
        if path in schemas:
            return dict(schemas[path]["example_response"])
    raise LookupError(path)


def test_blank_in_a_decimal_becomes_none() -> None:
    route = find_route("GET", "/api/v2/spot/trade/unfilled-orders")
    example = _example(route.path)
    example["data"][0]["triggerPrice"] = ""
    [order] = route.decode(json.dumps(example).encode())
    assert order.trigger_price is None
    example["data"][0]["triggerPrice"] = "12.50"
    [order] = route.decode(json.dumps(example).encode())
    assert order.trigger_price == Decimal("12.50")
    assert str(order.trigger_price) == "12.50"


def test_blank_in_any_ticker_field_is_none_and_the_rest_stays_exact() -> None:
    route = find_route("GET", "/api/v2/spot/market/tickers")
    example = _example(route.path)
    example["data"][0]["bidPr"] = ""
    example["data"][0]["symbol"] = ""
    [t] = route.decode(json.dumps(example).encode())
    assert (t.bid_pr, t.symbol) == (None, None)
    assert str(t.ask_pr) == example["data"][0]["askPr"]


def test_blanks_to_null_rewrites_only_blank_values() -> None:
    # A quote escaped right before a closing quote: only blanks after : , [ are rewritten.
    body = b'{"a":"","b":["",""],"c":"say \\"hi\\"","d":"x:", "e": ""}'
    assert blanks_to_null(body) == b'{"a":null,"b":[null,null],"c":"say \\"hi\\"","d":"x:", "e": null}'
    # Otherwise every "" is a blank value: one replace.
    assert blanks_to_null(b'{"a":"","b":["x",""],"c":"\\\\"}') == b'{"a":null,"b":["x",null],"c":"\\\\"}'
    assert blanks_to_null(b'{"a":"1"}') is None


def _ticker_body(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps({"code": "00000", "msg": "success", "requestTime": 1, "data": rows}).encode()


def test_every_path_reads_a_value_the_same() -> None:
    """Row 0 forces the path; row 1 is the same in all three bodies and must decode equal."""
    codec: ResponseCodec[list[SpotTicker]] = ResponseCodec(list[SpotTicker])
    same = {"symbol": "ETHUSDT", "lastPr": "1.50", "bidPr": "", "ts": "1700000000000", "open": None}
    fast = codec.decode(_ticker_body([{"symbol": "BTCUSDT"}, {**same, "bidPr": None}]))
    blank = codec.decode(_ticker_body([{"symbol": "BTCUSDT", "askPr": ""}, same]))
    relaxed = codec.decode(_ticker_body([{"symbol": 12, "askPr": ""}, same]))  # a number as text
    assert fast[1] == blank[1] == relaxed[1]
    assert fast[1].last_pr == Decimal("1.50") and fast[1].bid_pr is None and fast[1].ts == 1700000000000
    assert relaxed[0].symbol == "12"


def test_the_general_path_is_built_only_when_a_body_needs_it() -> None:
    codec: ResponseCodec[list[SpotTicker]] = ResponseCodec(list[SpotTicker])
    codec.decode(_ticker_body([{"symbol": "BTCUSDT", "bidPr": ""}]))
    assert codec._relaxed is None  # the blank path sufficed
    codec.decode(_ticker_body([{"symbol": 7}]))
    assert codec._relaxed is not None


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b'{"symbol":"BTCUSDT"}', "$.data"),  # an object where the list must be
        (b'[["BTCUSDT"]]', "$.data[0]"),  # an array where a ticker object must be
        (b'[{"symbol":{"a":1}}]', "$.data[0].symbol"),  # an object where text must be
    ],
)
def test_wrong_shape_is_a_decode_error_with_the_raw_body(data: bytes, where: str) -> None:
    route = find_route("GET", "/api/v2/spot/market/tickers")
    body = b'{"code":"00000","msg":"success","requestTime":1,"data":' + data + b"}"
    with pytest.raises(ResponseDecodeError) as info:
        route.decode(body)
    assert info.value.body == body
    assert info.value.code == "DECODE"
    assert info.value.msg.startswith("response data did not match list[SpotTicker]: ")
    assert info.value.msg.endswith(f"- at `{where}`")


def test_general_path_checks_number_text_only_when_msgspec_refuses_it() -> None:
    """A number in a text field (general path) and, in the same body, text that is no number
    ("yes" in a bool, "1,5" in a decimal): the second shaping pass reads both."""
    route = find_route("GET", "/api/v2/spot/public/coins")
    example = _example(route.path)
    coin = example["data"][0]
    coin.update(coinId=2, transfer="yes")
    coin["chains"][0].update(withdrawFee="1,5", needTag="NO", minDepositAmount=0.001)
    (c,) = route.decode(json.dumps(example).encode())
    assert (c.coin_id, c.transfer) == ("2", True)
    chain = c.chains[0]
    assert (chain.withdraw_fee, chain.need_tag, chain.min_deposit_amount) == (None, False, Decimal("0.001"))
    assert str(chain.min_deposit_amount) == "0.001"


def test_convert_applies_the_same_rules_to_values_the_client_assembles() -> None:
    """The order-recovery path builds batch results itself; a blank there reads as on the wire."""
    from bitget_async._lenient import convert
    from bitget_async.models import SpotBatchOrders

    data = {"successList": [{"orderId": 7, "clientOid": "a"}], "failureList": [{"orderId": "", "clientOid": "b"}]}
    result = convert(data, SpotBatchOrders)
    assert [(s.order_id, s.client_oid) for s in result.success_list] == [("7", "a")]
    assert [(f.order_id, f.client_oid) for f in result.failure_list] == [(None, "b")]
    assert data["failureList"] == [{"orderId": "", "clientOid": "b"}]  # the input is not changed


def test_blank_msg_in_the_envelope_does_not_push_the_body_off_the_blank_path() -> None:
    codec: ResponseCodec[list[SpotTicker]] = ResponseCodec(list[SpotTicker])
    body = b'{"code":"00000","msg":"","requestTime":1,"data":[{"symbol":"BTCUSDT","bidPr":""}]}'
    assert codec.decode(body)[0].bid_pr is None
    assert codec._relaxed is None
