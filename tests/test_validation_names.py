"""Parameter names: typo protection, extra_params, batch items; and the requests peers and the reference document send, accepted as sent."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

import pytest
from helpers import Recorder
from validation_helpers import DATA, PLACED

from bitget_async import BitgetClient, Param, ValidationError, find_route


# -- names: typo protection, extra_params, batch items ------------------------------------------
def test_extra_params_never_override_a_typed_parameter() -> None:
    route = find_route("GET", "/api/v2/spot/market/tickers")
    for key in ("symbol",):
        with pytest.raises(ValidationError) as info:
            route.encode_values({"symbol": "BTCUSDT"}, {key: "ETHUSDT"})
        assert info.value.param == key
        assert info.value.route == "spot.market.tickers"
        assert str(info.value) == (
            "spot.market.tickers: extra_params: 'symbol' is the typed parameter 'symbol'; pass it as symbol=... so it "
            "is validated (extra_params carries only names the table does not know, and never overrides a typed one)"
        )
    candles = find_route("GET", "/api/v2/mix/market/candles")
    for key in ("productType", "product_type"):  # wire and python spelling alike, given or not
        with pytest.raises(ValidationError) as info:
            candles.encode_values({"symbol": "BTCUSDT", "product_type": "USDT-FUTURES", "granularity": "1m"},
                                  {key: "COIN-FUTURES"})
        assert info.value.param == key
        assert f"{key!r} is the typed parameter 'product_type'" in str(info.value)
    with pytest.raises(ValidationError) as info:
        find_route("POST", "/api/v2/spot/trade/place-order").encode_values(
            {"symbol": "BTCUSDT", "side": "buy", "order_type": "market", "force": "gtc", "size": "1"},
            {"clientOid": "sneaky"},
        )
    assert info.value.param == "clientOid"


def test_unknown_names_suggest_the_closest_and_v1_names_name_their_v2_twin() -> None:
    route = find_route("POST", "/api/v2/mix/order/place-order")
    base = {"symbol": "BTCUSDT", "product_type": "USDT-FUTURES", "margin_mode": "crossed", "margin_coin": "USDT",
            "side": "buy", "order_type": "limit", "size": "0.01", "price": "50000"}
    for key in ("timeInForceValue", "time_in_force_value"):
        with pytest.raises(ValidationError) as info:
            route.encode_values({**base, key: "GTC"})
        assert info.value.param == key
        assert str(info.value).startswith(
            f"mix.order.place_order: unknown parameter {key!r} (the v1 name of 'force', which Bitget v2 ignores); "
            "did you mean 'force'? (known: "
        )
    with pytest.raises(ValidationError) as info:
        route.encode_values({**base, "forse": "gtc"})
    assert str(info.value).startswith("mix.order.place_order: unknown parameter 'forse'; did you mean 'force'?")


def test_batch_item_keys_are_checked_like_top_level_ones() -> None:
    route = find_route("POST", "/api/v2/spot/trade/batch-orders")
    item = {"side": "buy", "orderType": "limit", "force": "gtc", "price": "1", "size": "1", "clientOid": "a"}
    with pytest.raises(ValidationError) as info:
        route.encode_values({"symbol": "BTCUSDT", "order_list": [{**item, "sise": "2"}]})
    assert info.value.param == "order_list"
    assert str(info.value).startswith(
        "spot.trade.batch_orders: order_list[0]: unknown field 'sise'; did you mean 'size'? (known: symbol, side, "
    )
    assert str(info.value).endswith("put fields the table does not know yet in the item's 'extra_params' mapping)")
    with pytest.raises(ValidationError) as info:
        route.encode_values({"symbol": "BTCUSDT", "order_list": [{**item, "extra_params": {"size": "2"}}]})
    assert "'size' is the typed parameter 'size'" in str(info.value)
    with pytest.raises(ValidationError) as info:
        route.encode_values({"symbol": "BTCUSDT", "order_list": [{**item, "client_oid": "b"}]})
    assert str(info.value) == (
        "spot.trade.batch_orders: order_list[0]: field 'client_oid' given twice (as 'client_oid' and 'clientOid')"
    )


# -- the peers' requests and the reference document ------------------------------------------
PEER = json.loads((DATA / "peer_requests.json").read_text())


def _wire_to_kwargs(route_params: tuple[Param, ...], wire: dict[str, Any]) -> dict[str, Any]:
    by_wire = {p.wire: p for p in route_params}
    unknown = sorted(set(wire) - set(by_wire))
    assert not unknown, f"table lacks {unknown}"
    return {by_wire[k].py: v for k, v in wire.items()}


def _as_wire(value: Any) -> Any:
    """What the peer sent, as our wire form: JSON numbers become their exact decimal strings."""
    if isinstance(value, list):
        return [_as_wire(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_wire(v) for k, v in value.items()}
    return value if isinstance(value, str) else str(value)


@pytest.mark.parametrize(
    "case", PEER["cases"], ids=[f"{c['method']} {c['path']} {i}" for i, c in enumerate(PEER["cases"])]
)
def test_what_ccxt_sends_to_the_live_exchange_passes_unchanged(case: dict[str, Any]) -> None:
    route = find_route(case["method"], case["path"])
    sent = dict(parse_qsl(case["query"], keep_blank_values=True)) if case["method"] == "GET" else case["body"]
    values = route.encode_values(_wire_to_kwargs(route.params, sent))
    assert values == _as_wire(sent)


def test_peer_requests_cover_the_gaps_named_in_issue_12() -> None:
    seen = {(c["path"], k) for c in PEER["cases"] for k in (c.get("body") or dict(parse_qsl(c.get("query", ""))))}
    assert {
        ("/api/v2/spot/market/history-candles", "startTime"),
        ("/api/v2/mix/account/bill", "marginCoin"),
        ("/api/v2/mix/order/place-tpsl-order", "orderType"),
        ("/api/v2/mix/order/place-plan-order", "force"),
        ("/api/v2/mix/order/cancel-plan-order", "planType"),
    } <= seen


@pytest.fixture
def client(recorded_client: BitgetClient) -> BitgetClient:
    return recorded_client  # the shared recorded client (conftest.py), under this module's name


def _reference_body(title: str) -> dict[str, Any]:
    """A request body from BITGET_API_REFERENCE.md, verbatim (copied to tests/data/reference_examples.md)."""
    text = (DATA / "reference_examples.md").read_text()
    block = text.split(f"#### Example: {title}\n```json\n", 1)[1].split("```", 1)[0]
    body: dict[str, Any] = json.loads(block.split("\n", 1)[1])  # drop the "POST /api/..." line
    return body


@pytest.mark.anyio
async def test_reference_spot_place_order_body_reaches_the_wire_unchanged(
    client: BitgetClient, recorder: Recorder
) -> None:
    recorder.body = PLACED
    body = _reference_body("Place Spot Order")
    assert body == {"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "size": "0.001", "price": "50000",
                    "force": "GTC"}
    route = find_route("POST", "/api/v2/spot/trade/place-order")
    await client.spot.trade.place_order(**_wire_to_kwargs(route.params, body))
    (request,) = recorder.requests
    oid = json.loads(request.content)["clientOid"]
    assert re.fullmatch(r"[0-9a-f]{32}", oid)
    assert request.content == (
        b'{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"GTC","price":"50000","size":"0.001",'
        b'"clientOid":"' + oid.encode() + b'"}'
    )
    assert json.loads(request.content) == {**body, "clientOid": oid}


@pytest.mark.anyio
async def test_reference_set_leverage_body_reaches_the_wire_unchanged(client: BitgetClient, recorder: Recorder) -> None:
    body = _reference_body("Set Leverage")
    route = find_route("POST", "/api/v2/mix/account/set-leverage")
    await client.mix.account.set_leverage(**_wire_to_kwargs(route.params, body))
    (request,) = recorder.requests
    assert request.content == (
        b'{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginCoin":"USDT","leverage":"10","holdSide":"long"}'
    )
    assert json.loads(request.content) == body


@pytest.mark.anyio
async def test_reference_futures_body_with_v1_time_in_force_is_refused_naming_force(
    client: BitgetClient, recorder: Recorder
) -> None:
    body = _reference_body("Place Futures Order")
    assert body["timeInForceValue"] == "GTC"
    route = find_route("POST", "/api/v2/mix/order/place-order")
    by_wire = {p.wire: p.py for p in route.params}
    kwargs = {by_wire.get(k, k): v for k, v in body.items()}
    with pytest.raises(ValidationError) as info:
        await client.mix.order.place_order(**kwargs)
    assert recorder.requests == []
    assert info.value.param == "timeInForceValue"
    assert "(the v1 name of 'force', which Bitget v2 ignores); did you mean 'force'?" in str(info.value)
    kwargs["force"] = kwargs.pop("timeInForceValue")  # the one edit the message asks for
    recorder.body = PLACED
    await client.mix.order.place_order(**kwargs)
    sent = json.loads(recorder.requests[0].content)
    assert sent == {**{k: v for k, v in body.items() if k != "timeInForceValue"}, "force": "GTC",
                    "clientOid": sent["clientOid"]}
