"""Validation end to end through the client: letter case, demo types, item extras, conditional parameters."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from helpers import Recorder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from validation_helpers import BAD_VALUES, BATCH, OK, PLACED

from bitget_async import BitgetClient, ValidationError
from bitget_async.models import MixOrderBatchPlaceOrderItem, SpotTradeBatchOrdersItem


@pytest.fixture
def client(recorded_client: BitgetClient) -> BitgetClient:
    return recorded_client  # the shared recorded client (conftest.py), under this module's name


# -- end to end: letter case, demo types, item extras, conditions --------------------------------
@pytest.mark.anyio
async def test_enum_case_reaches_the_wire_as_written(client: BitgetClient, recorder: Recorder) -> None:
    recorder.body = PLACED
    await client.mix.order.place_order(
        symbol="BTCUSDT", product_type="usdt-futures", margin_mode="Crossed", margin_coin="USDT", side="BUY",
        trade_side="Open", order_type="market", size="0.01", client_oid="c1",
    )
    recorder.body = OK
    await client.mix.market.candles(symbol="BTCUSDT", product_type="USDT-FUTURES", granularity="1m", k_line_type="mark")
    place, candles = recorder.requests
    assert place.content == (
        b'{"symbol":"BTCUSDT","productType":"usdt-futures","marginMode":"Crossed","marginCoin":"USDT","size":"0.01",'
        b'"side":"BUY","tradeSide":"Open","orderType":"market","clientOid":"c1"}'
    )
    assert candles.url.query == b"symbol=BTCUSDT&productType=USDT-FUTURES&granularity=1m&kLineType=mark"


@pytest.mark.anyio
async def test_one_minute_and_one_month_stay_distinct(client: BitgetClient, recorder: Recorder) -> None:
    """Why the user's spelling is kept: '1m' (minute) and '1M' (month) differ only in case."""
    await client.mix.market.candles(symbol="BTCUSDT", product_type="USDT-FUTURES", granularity="1m")
    await client.mix.market.candles(symbol="BTCUSDT", product_type="USDT-FUTURES", granularity="1M")
    assert [r.url.params["granularity"] for r in recorder.requests] == ["1m", "1M"]


@pytest.mark.anyio
async def test_demo_product_types_are_accepted(recorder: Recorder) -> None:
    async with BitgetClient("key", "secret", "pass", demo=True, transport=httpx.MockTransport(recorder)) as demo:
        await demo.mix.market.tickers(product_type="SUSDT-FUTURES")
        await demo.mix.account.accounts(product_type="susdc-futures")
    tickers, accounts = recorder.requests
    assert tickers.url.query == b"productType=SUSDT-FUTURES"
    assert accounts.url.query == b"productType=susdc-futures"
    assert tickers.headers["paptrading"] == "1" and accounts.headers["paptrading"] == "1"


@pytest.mark.anyio
async def test_batch_item_extras_pass_through_exactly(client: BitgetClient, recorder: Recorder) -> None:
    recorder.body = BATCH
    typed = SpotTradeBatchOrdersItem(
        side="buy", order_type="limit", force="gtc", price="1", size="2", client_oid="a",
        extra_params={"brandNew": Decimal("1E-7")},
    )
    plain = {"side": "sell", "orderType": "market", "force": "GTC", "size": "1", "clientOid": "b",
             "extra_params": {"other": "x"}}
    await client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=[typed, plain])
    assert recorder.requests[0].content == (
        b'{"symbol":"BTCUSDT","orderList":['
        b'{"side":"buy","orderType":"limit","force":"gtc","price":"1","size":"2","clientOid":"a","brandNew":"0.0000001"},'
        b'{"side":"sell","orderType":"market","force":"GTC","size":"1","clientOid":"b","other":"x"}]}'
    )


@pytest.mark.anyio
async def test_ccxt_style_futures_batch_items_repeat_the_top_level_fields(client: BitgetClient, recorder: Recorder) -> None:
    recorder.body = BATCH
    item = MixOrderBatchPlaceOrderItem(
        symbol="BTCUSDT", product_type="USDT-FUTURES", margin_coin="USDT", margin_mode="crossed", size="0.001",
        price="25000", side="buy", order_type="limit", force="GTC", client_oid="x",
    )
    await client.mix.order.batch_place_order(
        symbol="BTCUSDT", product_type="USDT-FUTURES", margin_mode="crossed", margin_coin="USDT", order_list=[item]
    )
    body = json.loads(recorder.requests[0].content)
    assert body["orderList"] == [
        {"size": "0.001", "price": "25000", "side": "buy", "orderType": "limit", "force": "GTC", "clientOid": "x",
         "symbol": "BTCUSDT", "productType": "USDT-FUTURES", "marginCoin": "USDT", "marginMode": "crossed"}
    ]


@pytest.mark.anyio
async def test_wallet_transfer_needs_symbol_only_for_isolated_margin(client: BitgetClient, recorder: Recorder) -> None:
    with pytest.raises(ValidationError) as info:
        await client.spot.wallet.transfer(from_type="spot", to_type="isolated_margin", amount="1", coin="USDT")
    assert recorder.requests == []
    assert str(info.value) == (
        "spot.wallet.transfer: parameter 'symbol' is required when fromType = isolated_margin or "
        "toType = isolated_margin"
    )
    await client.spot.wallet.transfer(from_type="spot", to_type="usdt_futures", amount="1", coin="USDT")
    await client.spot.wallet.transfer(from_type="Isolated_Margin", to_type="spot", amount="1", coin="USDT",
                                      symbol="BTCUSDT")
    assert len(recorder.requests) == 2


@pytest.mark.anyio
async def test_isolated_batch_cancel_order_id_list_is_optional(client: BitgetClient, recorder: Recorder) -> None:
    recorder.body = BATCH
    await client.margin.isolated.batch_cancel_order(symbol="BTCUSDT")
    assert recorder.requests[0].content == b'{"symbol":"BTCUSDT"}'


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bad=BAD_VALUES.filter(lambda v: v is not None), name=st.sampled_from(["size", "price"]))  # None = not given
def test_the_typed_method_refuses_generated_bad_numbers_before_any_io(bad: Any, name: str) -> None:
    """The same variants, end to end: ``client.spot.trade.place_order`` never reaches the transport."""
    import anyio

    recorder = Recorder(body=PLACED)

    async def call() -> ValidationError:
        async with BitgetClient("key", "secret", "pass", transport=httpx.MockTransport(recorder)) as c:
            kwargs: dict[str, Any] = {"size": "1", "price": "100", name: bad}
            with pytest.raises(ValidationError) as info:
                await c.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="limit", force="GTC", **kwargs)
            return info.value

    err = anyio.run(call)
    assert recorder.requests == []
    assert err.param == name
    assert str(err).startswith(f"spot.trade.place_order: parameter {name!r}")
