"""Validation happens before any I/O: every refusal is a ``ValidationError`` naming the parameter,
and the mock transport's handler is never reached.  The accepted forms go out exactly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from helpers import Recorder

import bitget_async
from bitget_async import UNSET, BitgetClient, ValidationError
from bitget_async.models import MixOrderBatchPlaceOrderItem, SpotTradeBatchOrdersItem

pytestmark = pytest.mark.anyio

OK = b'{"code":"00000","msg":"success","requestTime":1700000000000,"data":null}'
PLACED = b'{"code":"00000","msg":"success","requestTime":1,"data":{"orderId":"1","clientOid":"c1"}}'
BATCH = b'{"code":"00000","msg":"success","requestTime":1,"data":{"successList":[],"failureList":[]}}'


@pytest.fixture
def client(recorded_client: BitgetClient) -> BitgetClient:
    return recorded_client  # the shared recorded client (conftest.py), under this module's name


async def refused(recorder: Recorder, call: Any) -> ValidationError:
    """Await ``call`` expecting a ValidationError, and check nothing reached the recorder."""
    with pytest.raises(ValidationError) as info:
        await call
    assert recorder.requests == []
    return info.value


# -- refusals --------------------------------------------------------------------------------
async def test_missing_required_names_the_parameter(client: BitgetClient, recorder: Recorder) -> None:
    err = await refused(recorder, client.mix.market.tickers())  # type: ignore[call-arg]
    assert err.param == "product_type"
    assert err.route == "mix.market.tickers"
    assert str(err) == (
        "mix.market.tickers: missing required parameter 'product_type' "
        "(one of 'USDT-FUTURES', 'COIN-FUTURES', 'USDC-FUTURES', 'SUSDT-FUTURES', 'SCOIN-FUTURES', 'SUSDC-FUTURES')"
    )


async def test_none_for_required_is_missing(client: BitgetClient, recorder: Recorder) -> None:
    err = await refused(recorder, client.spot.market.candles(symbol="BTCUSDT", granularity=None))  # type: ignore[arg-type]
    assert err.param == "granularity"
    assert "missing required parameter 'granularity'" in str(err)


async def test_unknown_parameter_suggests_the_closest(client: BitgetClient, recorder: Recorder) -> None:
    err = await refused(recorder, client.mix.market.tickers(prodct_type="USDT-FUTURES"))  # type: ignore[call-arg]
    assert err.param == "prodct_type"
    assert str(err).startswith("mix.market.tickers: unknown parameter 'prodct_type'; did you mean 'product_type'?")
    assert "use extra_params=" in str(err)


async def test_wire_spelling_suggests_the_python_name(client: BitgetClient, recorder: Recorder) -> None:
    err = await refused(
        recorder, client.mix.market.candles(symbol="BTCUSDT", product_type="USDT-FUTURES", granularity="1m",
                                          kLineType="MARK")  # type: ignore[call-arg]
    )
    assert err.param == "kLineType"
    assert "did you mean 'k_line_type'?" in str(err)


async def test_enum_violation_lists_allowed_values(client: BitgetClient, recorder: Recorder) -> None:
    err = await refused(recorder, client.mix.market.tickers(product_type="usdt-futurs"))
    assert err.param == "product_type"
    assert str(err) == (
        "mix.market.tickers: parameter 'product_type' must be one of 'USDT-FUTURES', 'COIN-FUTURES', "
        "'USDC-FUTURES', 'SUSDT-FUTURES', 'SCOIN-FUTURES', 'SUSDC-FUTURES' (in any letter case), "
        "got 'usdt-futurs' (did you mean 'USDT-FUTURES'?)"
    )


@pytest.mark.parametrize("name", ["size", "price"])
async def test_float_refused_for_money(client: BitgetClient, recorder: Recorder, name: str) -> None:
    kwargs: dict[str, Any] = {"size": "1", "price": "100", name: 0.1}
    err = await refused(
        recorder,
        client.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="limit", force="gtc", **kwargs),
    )
    assert err.param == name
    assert "float 0.1 refused" in str(err)
    assert "Decimal, str or int" in str(err)


async def test_float_refused_for_int_timestamps(client: BitgetClient, recorder: Recorder) -> None:
    err = await refused(
        recorder, client.spot.market.candles(symbol="BTCUSDT", granularity="1min", start_time=1.7e12)  # type: ignore[arg-type]
    )
    assert err.param == "start_time"


@pytest.mark.parametrize("bad", ["1E-7", "abc", "NaN", Decimal("NaN"), Decimal("Infinity")])
async def test_money_must_be_a_plain_finite_number(client: BitgetClient, recorder: Recorder, bad: Any) -> None:
    err = await refused(
        recorder, client.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="market", force="gtc",
                                              size=bad)
    )
    assert err.param == "size"


async def test_str_parameter_refuses_other_types(client: BitgetClient, recorder: Recorder) -> None:
    err = await refused(recorder, client.spot.market.tickers(symbol=123))  # type: ignore[arg-type]
    assert err.param == "symbol"
    assert str(err) == "spot.market.tickers: parameter 'symbol' expects a str, got int"


@pytest.mark.parametrize("limit", [1001, "1001", Decimal("1001")])
async def test_over_documented_maximum(client: BitgetClient, recorder: Recorder, limit: Any) -> None:
    err = await refused(recorder, client.spot.market.candles(symbol="BTCUSDT", granularity="1min", limit=limit))
    assert err.param == "limit"
    assert str(err) == "spot.market.candles: parameter 'limit' is 1001, above the documented maximum 1000"


@pytest.mark.parametrize("limit", ["10.5", Decimal("2.5")])
async def test_int_parameter_refuses_fractions(client: BitgetClient, recorder: Recorder, limit: Any) -> None:
    err = await refused(recorder, client.spot.market.candles(symbol="BTCUSDT", granularity="1min", limit=limit))
    assert err.param == "limit"
    assert "expects an integer" in str(err)


async def test_required_when_limit_without_price(client: BitgetClient, recorder: Recorder) -> None:
    err = await refused(
        recorder, client.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="limit", force="gtc",
                                              size="1")
    )
    assert err.param == "price"
    assert str(err) == "spot.trade.place_order: parameter 'price' is required when orderType = limit"


async def test_required_when_either_of_two_ids(client: BitgetClient, recorder: Recorder) -> None:
    err = await refused(recorder, client.mix.order.cancel_order(symbol="BTCUSDT", product_type="USDT-FUTURES"))
    assert err.param == "order_id"
    assert str(err) == "mix.order.cancel_order: parameter 'order_id' is required when clientOid not given"


async def test_batch_item_required_when_depends_on_top_level(client: BitgetClient, recorder: Recorder) -> None:
    item = SpotTradeBatchOrdersItem(side="buy", order_type="market", force="gtc", size="1", client_oid="a")
    err = await refused(recorder, client.spot.trade.batch_orders(batch_mode="multiple", order_list=[item]))
    assert err.param == "order_list"
    assert str(err) == (
        "spot.trade.batch_orders: order_list[0]: field 'symbol' is required when batchMode = multiple"
    )


async def test_batch_item_enum_and_float_and_missing_field(client: BitgetClient, recorder: Recorder) -> None:
    bad_side = SpotTradeBatchOrdersItem(side="hold", order_type="market", force="gtc", size="1")  # type: ignore[arg-type]
    err = await refused(recorder, client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=[bad_side]))
    assert "parameter 'side' must be one of 'buy', 'sell' (in any letter case), got 'hold'" in str(err)
    bad_size = {"side": "buy", "orderType": "market", "force": "gtc", "size": 1.5}
    err = await refused(recorder, client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=[bad_size]))
    assert "float 1.5 refused" in str(err)
    no_size = {"side": "buy", "order_type": "market", "force": "gtc"}
    err = await refused(recorder, client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=[no_size]))
    assert str(err) == (
        "spot.trade.batch_orders: order_list[0]: missing required field 'size' (a Decimal, str or int amount)"
    )
    err = await refused(recorder, client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=["buy"]))  # type: ignore[list-item]
    assert "expects a request struct or a dict, got str" in str(err)


async def test_batch_over_max_items(client: BitgetClient, recorder: Recorder) -> None:
    items = [{"side": "buy", "orderType": "market", "force": "gtc", "size": "1"}] * 51
    err = await refused(recorder, client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=items))
    assert err.param == "order_list"
    assert "has 51 items, above the documented maximum 50" in str(err)


async def test_extra_params_float_refused(client: BitgetClient, recorder: Recorder) -> None:
    err = await refused(recorder, client.spot.market.tickers(extra_params={"newField": 0.5}))
    assert "float 0.5 refused" in str(err)


async def test_signed_route_without_credentials(recorder: Recorder) -> None:
    async with BitgetClient(transport=httpx.MockTransport(recorder)) as public:
        with pytest.raises(bitget_async.MissingCredentialsError) as info:
            await public.spot.account.assets()
    assert isinstance(info.value, ValidationError)
    assert info.value.route == "spot.account.assets"
    assert recorder.requests == []


async def test_validation_error_is_a_value_error() -> None:
    assert issubclass(ValidationError, ValueError)
    assert issubclass(ValidationError, bitget_async.BitgetError)


# -- what does go out ------------------------------------------------------------------------
async def test_omitted_and_none_params_never_reach_the_wire(client: BitgetClient, recorder: Recorder) -> None:
    await client.spot.market.candles(symbol="BTCUSDT", granularity="1min", start_time=None, end_time=UNSET,  # type: ignore[arg-type]
                                     limit=1000)
    assert str(recorder.only.url) == (
        "https://api.bitget.com/api/v2/spot/market/candles?symbol=BTCUSDT&granularity=1min&limit=1000"
    )


async def test_omitted_body_fields_are_absent_not_empty(client: BitgetClient, recorder: Recorder) -> None:
    recorder.body = PLACED
    await client.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="market", force="gtc",
                                        size=Decimal("1E-7"), client_oid="c1", stp_mode=None)  # type: ignore[arg-type]
    assert recorder.only.content == (
        b'{"symbol":"BTCUSDT","side":"buy","orderType":"market","force":"gtc","size":"0.0000001",'
        b'"clientOid":"c1"}'
    )


async def test_extra_params_pass_through_exactly(client: BitgetClient, recorder: Recorder) -> None:
    await client.spot.market.tickers(
        symbol="BTCUSDT", extra_params={"brandNew": "x", "amount": Decimal("1E-7"), "skip": None}
    )
    assert recorder.only.url.query == b"symbol=BTCUSDT&brandNew=x&amount=0.0000001"


async def test_extra_params_in_a_body(client: BitgetClient, recorder: Recorder) -> None:
    await client.mix.account.set_leverage(
        symbol="BTCUSDT", product_type="USDT-FUTURES", margin_coin="USDT", leverage="10",
        extra_params={"futureFlag": True},
    )
    assert recorder.only.content == (
        b'{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginCoin":"USDT","leverage":"10",'
        b'"futureFlag":"true"}'
    )


async def test_batch_accepts_typed_structs_and_dicts(client: BitgetClient, recorder: Recorder) -> None:
    recorder.body = BATCH
    typed = SpotTradeBatchOrdersItem(
        side="buy", order_type="limit", force="post_only", price=Decimal("0.00001000"), size=10, client_oid="a"
    )
    wire_dict = {"side": "sell", "orderType": "market", "force": "gtc", "size": "2", "clientOid": "b"}
    python_dict = {"side": "sell", "order_type": "market", "force": "ioc", "size": Decimal("3.0"),
                   "client_oid": "c"}
    result = await client.spot.trade.batch_orders(symbol="BTCUSDT", order_list=[typed, wire_dict, python_dict])
    assert recorder.only.content == (
        b'{"symbol":"BTCUSDT","orderList":['
        b'{"side":"buy","orderType":"limit","force":"post_only","price":"0.00001000","size":"10","clientOid":"a"},'
        b'{"side":"sell","orderType":"market","force":"gtc","size":"2","clientOid":"b"},'
        b'{"side":"sell","orderType":"market","force":"ioc","size":"3.0","clientOid":"c"}]}'
    )
    assert result == bitget_async.models.SpotBatchOrders(success_list=[], failure_list=[])


async def test_batch_struct_without_client_oid_gets_one(client: BitgetClient, recorder: Recorder) -> None:
    recorder.body = BATCH
    item = MixOrderBatchPlaceOrderItem(size="1", side="buy", order_type="market")
    await client.mix.order.batch_place_order(
        symbol="BTCUSDT", product_type="USDT-FUTURES", margin_mode="crossed", margin_coin="USDT", order_list=[item]
    )
    body = recorder.only.content.decode()
    assert body.startswith(
        '{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginCoin":"USDT","marginMode":"crossed",'
        '"orderList":[{"size":"1","side":"buy","orderType":"market","clientOid":"'
    )
    assert item.client_oid is None  # the caller's struct is not mutated


async def test_parameters_are_keyword_only_at_runtime(client: BitgetClient, recorder: Recorder) -> None:
    with pytest.raises(TypeError):
        await client.spot.market.tickers("BTCUSDT")  # type: ignore[call-arg]
    assert recorder.requests == []
