"""Every route answers through the client with its documented shape: each simulated route is called with arguments built from its parameters, and every field of the answer has the declared type."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import pytest
from sim_helpers import ROOT

from bitget_async import (
    ROUTES,
    BitgetClient,
    Route,
)
from bitget_async.testing import Simulator

# -- every route answers with its documented shape ------------------------------------------
_NOW = int(time.time() * 1000)
_WIRE_VALUES: dict[str, Any] = {
    "symbol": "BTCUSDT", "productType": "USDT-FUTURES", "marginCoin": "USDT", "coin": "USDT", "loanCoin": "USDT",
    "pledgeCoin": "BTC", "startTime": _NOW - 3_600_000, "endTime": _NOW, "limit": 10, "size": "0.001",
    "price": "60000", "triggerPrice": "70000", "executePrice": "70000", "amount": "1", "borrowAmount": "1",
    "repayAmount": "1", "leverage": "10", "newClientOid": "new-oid", "passphrase": "abcdefgh1", "language": "en_US",
    "fromCoin": "USDT", "toCoin": "BTC", "copyAmount": "100",
}
_MIX_TRADER, _SPOT_TRADER = "b0b54e7d8bb33d55a191", "c2a66e0cf8f73c51a294"  # simulated elite traders

# Routes whose generic arguments need exchange state first; the values name the setup.
_NEEDS = {
    "spot.trade.cancel_order": "spot_order", "spot.trade.order_info": "spot_order",
    "spot.trade.cancel_replace_order": "spot_order", "spot.trade.modify_plan_order": "spot_plan",
    "spot.trade.cancel_plan_order": "spot_plan", "spot.trade.plan_sub_order": "spot_plan",
    "mix.account.set_margin": "isolated_position", "mix.order.cancel_order": "futures_order",
    "mix.order.modify_order": "futures_order", "mix.order.detail": "futures_order",
    "mix.order.modify_plan_order": "futures_plan", "mix.order.plan_sub_order": "futures_plan",
    "mix.order.close_positions": "position", "mix.order.place_tpsl_order": "position",
    "mix.order.place_pos_tpsl": "position", "margin.crossed.place_order": "margin",
    "margin.isolated.place_order": "margin", "margin.crossed.cancel_order": "margin_order",
    "margin.isolated.cancel_order": "margin_order", "margin.crossed.account.borrow": "margin",
    "margin.isolated.account.borrow": "margin", "margin.crossed.account.repay": "loan",
    "margin.isolated.account.repay": "loan",
    "convert.trade": "quote", "convert.bgb_convert": "small_balance", "earn.savings.redeem": "savings",
    "copy.mix_follower.cancel_trader": "follow_mix", "copy.spot_follower.cancel_trader": "follow_spot",
}
_OVERRIDES: dict[str, dict[str, Any]] = {
    "spot.trade.batch_orders": {"symbol": "BTCUSDT"},
    "mix.account.set_leverage": {"leverage": "10"},
    "spot.wallet.transfer": {"from_type": "spot", "to_type": "usdt_futures"},
    "mix.order.place_tpsl_order": {"trigger_price": "70000", "hold_side": "long", "size": "0.01"},
    "mix.order.place_pos_tpsl": {"hold_side": "long", "stop_surplus_trigger_price": "70000"},
    "mix.account.set_margin": {"hold_side": "long", "amount": "1"},
    "mix.order.modify_order": {"new_size": "0.02"},
    "margin.crossed.place_order": {"base_size": "0.001"},
    "margin.isolated.place_order": {"base_size": "0.001"},
    "convert.quoted_price": {"from_coin_size": "100"},
    "earn.savings.subscribe": {"product_id": "4101", "amount": "10"},
    "earn.savings.subscribe_info": {"product_id": "4101"},
    "earn.savings.subscribe_result": {"product_id": "4101"},
    "earn.savings.redeem": {"product_id": "4101", "amount": "1"},
    "earn.sharkfin.subscribe": {"product_id": "5201", "amount": "100"},
    "earn.sharkfin.subscribe_info": {"product_id": "5201"},
    **{f"copy.mix_follower.{n}": {"trader_id": _MIX_TRADER} for n in ("settings", "copy_settings", "query_settings", "cancel_trader")},
    **{
        f"copy.spot_follower.{n}": {"trader_id": _SPOT_TRADER}
        for n in ("settings", "query_settings", "cancel_trader", "query_trader_symbols")
    },
}


def _holds(when: Any, values: dict[str, Any]) -> bool:
    for alternative in when:
        ok = True
        for name, op, options in alternative:
            got = values.get(name)
            ok = got is not None if op == "set" else got is None if op == "unset" else got is not None and str(got) in options
            if not ok:
                break
        if ok:
            return True
    return False


def _value(p: Any) -> Any:
    if p.kind == "list_obj":
        item: dict[str, Any] = {c.py: _value(c) for c in p.children if c.required}
        wire = {c.wire: item.get(c.py) for c in p.children}
        item.update({c.py: _value(c) for c in p.children if c.when and _holds(c.when, wire)})
        return [item]
    if p.kind == "list_str":
        return [p.enum[0]] if p.enum else ["BTCUSDT"]
    if p.enum:
        return p.enum[0]
    value = _WIRE_VALUES.get(p.wire)
    if value is not None:
        return int(value) if p.kind == "int" else str(value)
    return {"str": "1", "money": "1", "int": 1, "bool": True}[p.kind]


def _kwargs(route: Route) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    wire: dict[str, Any] = {}
    for _ in range(2):  # conditions may name parameters listed later
        for p in route.params:
            if p.py not in kwargs and (p.required or (p.when and _holds(p.when, wire))):
                kwargs[p.py] = _value(p)
                wire[p.wire] = kwargs[p.py]
    return kwargs


async def _prepare(need: str, target: str, client: BitgetClient) -> dict[str, Any]:
    spot, mix, margin = client.spot, client.mix, client.margin
    if need == "spot_order":
        order = await spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="limit", force="gtc", price="60000", size="0.001")
        return {"order_id": order.order_id}
    if need == "spot_plan":
        plan = await spot.trade.place_plan_order(
            symbol="BTCUSDT", side="buy", trigger_price="70000", order_type="market", size="10", trigger_type="fill_price"
        )
        return {"order_id": plan.order_id, "plan_order_id": plan.order_id}
    if need in ("position", "isolated_position"):
        await mix.order.place_order(
            symbol="BTCUSDT", product_type="USDT-FUTURES", margin_coin="USDT",
            margin_mode="isolated" if need == "isolated_position" else "crossed", size="0.01", side="buy", order_type="market",
        )
        return {}
    if need == "futures_order":
        resting = await mix.order.place_order(
            symbol="BTCUSDT", product_type="USDT-FUTURES", margin_coin="USDT", margin_mode="crossed", size="0.01",
            side="buy", order_type="limit", price="60000", force="gtc",
        )
        return {"order_id": resting.order_id}
    if need == "futures_plan":
        trigger = await mix.order.place_plan_order(
            symbol="BTCUSDT", product_type="USDT-FUTURES", margin_coin="USDT", plan_type="normal_plan", margin_mode="crossed",
            size="0.01", trigger_price="70000", trigger_type="mark_price", side="buy", order_type="market",
        )
        return {"order_id": trigger.order_id, "plan_order_id": trigger.order_id}
    if need in ("quote", "small_balance"):  # a small balance: 5 USDT worth of DOGE, bought by convert
        quote = await client.convert.quoted_price(from_coin="USDT", to_coin="DOGE" if need == "small_balance" else "BTC", from_coin_size="5")
        if need == "small_balance":
            await client.convert.trade(
                from_coin="USDT", from_coin_size=quote.from_coin_size, cnvt_price=quote.cnvt_price, to_coin="DOGE",
                to_coin_size=quote.to_coin_size, trace_id=quote.trace_id,
            )
            return {"coin_list": ["DOGE"]}
        return {
            "from_coin": "USDT", "from_coin_size": quote.from_coin_size, "cnvt_price": quote.cnvt_price, "to_coin": "BTC",
            "to_coin_size": quote.to_coin_size, "trace_id": quote.trace_id,
        }
    if need == "savings":
        await client.earn.savings.subscribe(product_id="4101", period_type="flexible", amount="100")
        return {}
    if need == "follow_mix":
        await client.copy.mix_follower.copy_settings(trader_id=_MIX_TRADER, copy_amount="100")
        return {}
    if need == "follow_spot":
        setting = {"symbol": "BTCUSDT", "trace_type": "amount", "max_hold_size": "1", "trace_value": "10"}
        await client.copy.spot_follower.settings(trader_id=_SPOT_TRADER, settings=[setting])
        return {}
    await spot.wallet.transfer(from_type="spot", to_type="crossed_margin", amount="1000", coin="USDT")
    await spot.wallet.transfer(from_type="spot", to_type="isolated_margin", amount="1000", coin="USDT", symbol="BTCUSDT")
    if need == "loan":
        await margin.crossed.account.borrow(coin="USDT", borrow_amount="10")
        await margin.isolated.account.borrow(symbol="BTCUSDT", coin="USDT", borrow_amount="10")
    if need == "margin_order":
        crossed = await margin.crossed.place_order(
            symbol="BTCUSDT", order_type="limit", price="60000", loan_type="normal", force="gtc", base_size="0.001", side="buy"
        )
        isolated = await margin.isolated.place_order(
            symbol="BTCUSDT", order_type="limit", price="60000", loan_type="normal", force="gtc", base_size="0.001", side="buy"
        )
        return {"order_id": crossed.order_id if "crossed" in target else isolated.order_id}
    return {}


def _check_type(value: Any, expected: Any) -> None:
    origin = getattr(expected, "__origin__", None)
    if origin is list:
        assert isinstance(value, list)
        (item,) = expected.__args__
        for v in value:
            _check_type(v, item)
    elif expected is None:
        assert value is None
    elif isinstance(expected, type):
        assert isinstance(value, expected), f"{type(value).__name__} is not {expected.__name__}"


@pytest.mark.anyio
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.python_name)
async def test_every_route_answers_with_its_model(route: Route) -> None:
    sim = Simulator()
    async with sim.client() as client:
        extra = await _prepare(_NEEDS[route.python_name], route.python_name, client) if route.python_name in _NEEDS else {}
        kwargs = {**_kwargs(route), **_OVERRIDES.get(route.python_name, {})}
        for key, value in extra.items():
            if key in {p.py for p in route.params}:
                kwargs[key] = value
        endpoint: Any = client
        for part in route.python_name.split("."):
            endpoint = getattr(endpoint, part)
        data = await endpoint(**kwargs)
    _check_type(data, route.response_type)
    if sim.app.has_state(route):
        return
    from bitget_async._cursors import cursor_rule
    from bitget_async.testing._wire import example_bytes

    envelope = b'{"code":"00000","msg":"success","data":%s}' % example_bytes(route.method, route.path)
    expected = route.decode(envelope)
    rule = cursor_rule(route)
    if rule is None:  # answered with Bitget's documented example, field for field
        assert data == expected
        return
    # A paginated route pages through rows made from its example's first row: each row is that
    # row but for its id (descending) and its time (a minute apart).
    rows = data if isinstance(data, list) else getattr(data, "page_items", None)
    template_rows = expected if isinstance(expected, list) else getattr(expected, "page_items", None)
    if not template_rows:
        assert data == expected
        return
    if not rows:
        # The sample call's time range (startTime "1"...) holds none of the made-up rows.
        assert rule.start is not None, route.python_name
        return
    keep = [
        f for f in type(rows[0]).__struct_fields__
        if not f.endswith(("id", "id_", "_no", "time", "ts", "date")) and f not in ("id_", "ts", "uid")
    ]
    assert all(getattr(r, f) == getattr(template_rows[0], f) for r in rows for f in keep), route.python_name


def test_stateful_routes_cover_the_trading_surface() -> None:
    sim = Simulator()
    stateful = {r.python_name for r in ROUTES if sim.app.has_state(r)}
    assert len(stateful) == 141  # the routes the simulator keeps state for today
    for name in (
        "spot.trade.place_order", "spot.trade.batch_orders", "spot.trade.fills", "spot.trade.place_plan_order",
        "mix.order.place_order", "mix.position.all_position", "mix.order.place_tpsl_order",
        "margin.crossed.account.borrow", "margin.isolated.account.repay", "spot.wallet.transfer",
        "spot.market.candles", "mix.market.contracts", "public.time",
        "convert.quoted_price", "convert.trade", "convert.bgb_convert", "earn.savings.subscribe", "earn.savings.redeem",
        "earn.sharkfin.subscribe", "earn.account.assets", "copy.mix_follower.settings", "copy.spot_follower.query_settings",
    ):
        assert name in stateful


def test_examples_file_is_generated_from_fact_files() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "codegen.py"), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
