"""The simulator's gatekeeping: authentication, timestamps, demo mode, parameters, rate limits,
unknown paths, the envelope; every route answering through the client; the pytest fixtures;
serving over loopback HTTP."""

from __future__ import annotations

import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from bitget_async import (
    ROUTES,
    APIError,
    AuthenticationError,
    BitgetClient,
    DemoEnvironmentError,
    InvalidParameterError,
    NetworkError,
    NotFoundError,
    RateLimitError,
    RateLimits,
    Route,
)
from bitget_async.signing import hmac_sign, prehash
from bitget_async.testing import Simulator

ROOT = Path(__file__).resolve().parent.parent
T0 = 1_700_000_000_000  # a fixed exchange clock for exact timestamps


def fixed_clock() -> int:
    return T0


def raw_client(sim: Simulator) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=sim.transport(), base_url="https://api.bitget.com")


def signed_headers(
    sim: Simulator, method: str, path: str, query: str = "", body: str = "", *, ts: str | None = None, secret: str | None = None
) -> dict[str, str]:
    stamp = ts if ts is not None else str(sim.now_ms())
    return {
        "ACCESS-KEY": sim.api_key,
        "ACCESS-SIGN": hmac_sign(secret or sim.api_secret, prehash(stamp, method, path, query, body)),
        "ACCESS-TIMESTAMP": stamp,
        "ACCESS-PASSPHRASE": sim.passphrase,
        "Content-Type": "application/json",
    }


# -- construction ---------------------------------------------------------------------------
def test_construction_defaults_and_funding() -> None:
    sim = Simulator(seed=0)
    assert (sim.api_key, sim.api_secret, sim.passphrase) == ("sim-api-key", "sim-api-secret", "sim-passphrase")
    assert (sim.demo_api_key, sim.demo_api_secret, sim.demo_passphrase) == (
        "sim-demo-api-key",
        "sim-demo-api-secret",
        "sim-demo-passphrase",
    )
    assert sim.balance("USDT") == Decimal(100_000)
    assert sim.balance("BTC") == Decimal(1)
    assert sim.balance("USDT", account_type="usdt_futures") == Decimal(100_000)
    assert sim.balance("USDC", account_type="usdc_futures") == Decimal(100_000)
    assert sim.price("BTCUSDT") == Decimal("65000.00")
    assert sim.price("BTCPERP") == Decimal("65000.00")
    assert sim.requests == []


def test_same_seed_same_prices_and_ids() -> None:
    a, b, c = Simulator(seed=7), Simulator(seed=7), Simulator(seed=8)
    for sim in (a, b, c):
        sim.advance(3600)
    assert a.price("ETHUSDT") == b.price("ETHUSDT")
    assert a.price("ETHUSDT") != c.price("ETHUSDT")


def test_add_account_validation() -> None:
    sim = Simulator()
    uid = sim.add_account(api_key="k2", api_secret="s2", passphrase="p2", balances={"USDT": "5"}, wallets={})
    assert uid == sim.account("k2").uid
    assert sim.balance("USDT", api_key="k2") == Decimal(5)
    assert sim.balance("USDT", account_type="usdt_futures", api_key="k2") == Decimal(0)
    with pytest.raises(ValueError, match="already exists"):
        sim.add_account(api_key="k2", api_secret="s", passphrase="p")
    with pytest.raises(TypeError, match="Decimal, str or int"):
        sim.add_account(api_key="k3", api_secret="s", passphrase="p", balances={"USDT": 1.5})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="unknown account type"):
        sim.add_account(api_key="k4", api_secret="s", passphrase="p", wallets={"savings": {"USDT": 1}})
    with pytest.raises(ValueError, match="api_secret"):
        sim.add_account(api_key="k5", passphrase="p")


def test_secrets_never_in_reprs() -> None:
    sim = Simulator()
    text = repr(sim) + repr(sim.account()) + repr(sim.account(sim.demo_api_key)) + repr(sim.faults)
    for secret in (sim.api_secret, sim.passphrase, sim.demo_api_secret, sim.demo_passphrase):
        assert secret not in text


# -- authentication -------------------------------------------------------------------------
@pytest.mark.anyio
async def test_signed_request_accepted() -> None:
    sim = Simulator()
    async with sim.client() as client:
        assets = await client.spot.account.assets(coin="USDT")
    assert [(a.coin, a.available) for a in assets] == [("USDT", Decimal(100_000))]


@pytest.mark.anyio
async def test_wrong_secret_is_40009() -> None:
    sim = Simulator()
    async with sim.client(api_secret="not-the-secret") as client:
        with pytest.raises(AuthenticationError) as info:
            await client.spot.account.assets()
    assert (info.value.code, info.value.msg, info.value.http_status) == ("40009", "sign signature error", 400)


@pytest.mark.anyio
async def test_signature_covers_exact_bytes_received() -> None:
    sim = Simulator()
    path = "/api/v2/spot/account/assets"
    async with raw_client(sim) as http:
        # Signed for one query, sent with another: refused.
        headers = signed_headers(sim, "GET", path, "coin=BTC")
        response = await http.get(f"{path}?coin=ETH", headers=headers)
        assert response.status_code == 400
        assert response.json()["code"] == "40009"
        # Odd but exact: a body with spaces, signed as sent, is accepted.
        body = '{ "fromType": "spot", "toType": "usdt_futures", "amount": "1", "coin": "USDT" }'
        transfer = "/api/v2/spot/wallet/transfer"
        response = await http.post(transfer, content=body, headers=signed_headers(sim, "POST", transfer, body=body))
        assert response.json()["code"] == "00000"
        # The same body re-serialised differently no longer matches its signature.
        compact = body.replace(" ", "")
        response = await http.post(transfer, content=compact, headers=signed_headers(sim, "POST", transfer, body=body))
        assert response.json()["code"] == "40009"


@pytest.mark.anyio
async def test_rsa_keys_verified_with_public_half() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    def pem() -> str:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()

    registered, other = pem(), pem()
    sim = Simulator()
    sim.add_account(api_key="rsa-key", passphrase="rsa-pass", private_key_pem=registered)
    async with BitgetClient(
        api_key="rsa-key", passphrase="rsa-pass", private_key=registered, transport=sim.transport()
    ) as client:
        assets = await client.spot.account.assets(coin="USDT")
        assert assets[0].available == Decimal(100_000)
    async with BitgetClient(api_key="rsa-key", passphrase="rsa-pass", private_key=other, transport=sim.transport()) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.spot.account.assets()
    assert info.value.code == "40009"


@pytest.mark.anyio
async def test_wrong_passphrase_and_unknown_key() -> None:
    sim = Simulator()
    async with sim.client(passphrase="wrong-passphrase") as client:
        with pytest.raises(AuthenticationError) as info:
            await client.spot.account.assets()
    assert (info.value.code, info.value.msg) == ("40012", "apikey/password is incorrect")
    async with sim.client(api_key="nobody") as client:
        with pytest.raises(AuthenticationError) as info:
            await client.spot.account.assets()
    assert (info.value.code, info.value.msg) == ("40006", "Invalid ACCESS_KEY")


@pytest.mark.anyio
async def test_missing_and_malformed_auth_headers() -> None:
    sim = Simulator()
    path = "/api/v2/spot/account/assets"
    cases = [
        ("ACCESS-KEY", "", "40001", "ACCESS_KEY cannot be empty"),
        ("ACCESS-SIGN", "", "40002", "ACCESS_SIGN cannot be empty"),
        ("ACCESS-PASSPHRASE", "", "40011", "ACCESS_PASSPHRASE cannot be empty"),
        ("ACCESS-TIMESTAMP", "soon", "40005", "Invalid ACCESS_TIMESTAMP"),
    ]
    async with raw_client(sim) as http:
        for header, value, code, msg in cases:
            headers = signed_headers(sim, "GET", path)
            headers[header] = value
            response = await http.get(path, headers=headers)
            assert (response.status_code, response.json()["code"], response.json()["msg"]) == (400, code, msg)


@pytest.mark.anyio
async def test_timestamp_window_is_30_seconds() -> None:
    sim = Simulator(clock=fixed_clock)
    path = "/api/v2/spot/account/assets"
    async with raw_client(sim) as http:
        inside = await http.get(path, headers=signed_headers(sim, "GET", path, ts=str(T0 - 30_000)))
        outside = await http.get(path, headers=signed_headers(sim, "GET", path, ts=str(T0 + 30_001)))
    assert inside.json()["code"] == "00000"
    assert (outside.status_code, outside.json()["code"], outside.json()["msg"]) == (400, "40008", "Request timestamp expired")


@pytest.mark.anyio
async def test_clock_skew_is_40008_and_client_resyncs() -> None:
    sim = Simulator(clock=fixed_clock)
    sim.faults.clock_skew_ms = 120_000
    path = "/api/v2/spot/account/assets"
    async with raw_client(sim) as http:
        refused = await http.get(path, headers=signed_headers(sim, "GET", path))
    assert (refused.json()["code"], refused.json()["requestTime"]) == ("40008", T0 + 120_000)
    async with sim.client() as client:
        assets = await client.spot.account.assets(coin="USDT")
        assert client.time_offset_ms == 120_000
    assert assets[0].available == Decimal(100_000)
    assert [(r.path, r.code) for r in sim.requests][-3:] == [
        (path, "40008"),
        ("/api/v2/public/time", "00000"),
        (path, "00000"),
    ]


@pytest.mark.anyio
async def test_demo_key_needs_paptrading_and_live_key_refuses_it() -> None:
    sim = Simulator()
    async with sim.client(api_key=sim.demo_api_key, api_secret=sim.demo_api_secret, passphrase=sim.demo_passphrase) as client:
        with pytest.raises(DemoEnvironmentError) as info:
            await client.spot.account.assets()
    assert (info.value.code, info.value.msg) == ("40099", "exchange environment is incorrect")
    async with sim.client(api_key=sim.api_key, api_secret=sim.api_secret, passphrase=sim.passphrase, demo=True) as client:
        with pytest.raises(DemoEnvironmentError):
            await client.spot.account.assets()
    async with sim.client(demo=True) as client:
        assets = await client.spot.account.assets(coin="BTC")
    assert assets[0].available == Decimal(1)


# -- routing, parameters, envelope ----------------------------------------------------------
@pytest.mark.anyio
async def test_unknown_path_exact_envelope() -> None:
    sim = Simulator(clock=fixed_clock)
    async with raw_client(sim) as http:
        response = await http.get("/api/v2/spot/market/nothing-here")
        seed_path = await http.get("/api/v2/margin/cross/account/assets")  # reference spelling, not Bitget's
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.content == b'{"code":"40404","msg":"Request URL NOT FOUND","requestTime":1700000000000,"data":null}'
    assert seed_path.status_code == 404
    async with sim.client() as client:
        with pytest.raises(NotFoundError) as info:
            await client.request("GET", "/api/v2/spot/market/nothing-here")
    assert (info.value.code, info.value.http_status) == ("40404", 404)


@pytest.mark.anyio
async def test_success_envelope_exact_bytes() -> None:
    sim = Simulator(clock=fixed_clock)
    async with raw_client(sim) as http:
        response = await http.get("/api/v2/public/time")
    assert response.content == b'{"code":"00000","msg":"success","requestTime":1700000000000,"data":{"serverTime":"1700000000000"}}'


@pytest.mark.anyio
async def test_required_enum_and_symbol_checks() -> None:
    sim = Simulator()
    async with sim.client() as client:
        with pytest.raises(InvalidParameterError) as missing:
            await client.request("GET", "/api/v2/spot/market/candles", params={"symbol": "BTCUSDT"})
        with pytest.raises(InvalidParameterError) as bad_enum:
            await client.request("GET", "/api/v2/spot/market/candles", params={"symbol": "BTCUSDT", "granularity": "2min"})
        with pytest.raises(APIError) as unknown_symbol:
            await client.request("GET", "/api/v2/spot/market/candles", params={"symbol": "NOPEUSDT", "granularity": "1min"})
        with pytest.raises(InvalidParameterError) as conditional:  # price is required for limit orders
            await client.request(
                "POST",
                "/api/v2/spot/trade/place-order",
                body={"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "force": "gtc", "size": "1"},
            )
        with pytest.raises(InvalidParameterError) as not_a_number:
            await client.request("GET", "/api/v2/spot/market/candles", params={"symbol": "BTCUSDT", "granularity": "1min", "limit": "ten"})
        lower_case = await client.request("GET", "/api/v2/mix/market/tickers", params={"productType": "usdt-futures"})
    assert (missing.value.code, missing.value.msg) == ("40019", "Parameter granularity cannot be empty")
    assert (bad_enum.value.code, bad_enum.value.msg) == ("40020", "Parameter granularity error")
    assert (unknown_symbol.value.code, unknown_symbol.value.msg) == ("40034", "Parameter NOPEUSDT does not exist")
    assert (conditional.value.code, conditional.value.msg) == ("40019", "Parameter price cannot be empty")
    assert (not_a_number.value.code, not_a_number.value.msg) == ("40020", "Parameter limit error")
    assert len(lower_case) == 61


@pytest.mark.anyio
async def test_body_must_be_json_object() -> None:
    sim = Simulator()
    path = "/api/v2/spot/wallet/transfer"
    async with raw_client(sim) as http:
        body = "[1, 2]"
        not_object = await http.post(path, content=body, headers=signed_headers(sim, "POST", path, body=body))
        headers = signed_headers(sim, "POST", path, body="{}")
        headers["Content-Type"] = "text/plain"
        wrong_type = await http.post(path, content="{}", headers=headers)
    assert (not_object.json()["code"], not_object.json()["msg"]) == ("400172", "Parameter verification failed")
    assert (wrong_type.json()["code"], wrong_type.json()["msg"]) == ("40007", "Invalid Content_Type")


@pytest.mark.anyio
async def test_route_rate_limit_per_uid_and_ip() -> None:
    sim = Simulator()
    frozen = [100.0]
    sim.app.monotonic = lambda: frozen[0]
    unlimited = RateLimits(enabled=False)
    async with sim.client(rate_limits=unlimited, retry=_no_retry()) as client:
        await client.spot.account.info()  # 1/s per UID
        with pytest.raises(RateLimitError) as info:
            await client.spot.account.info()
        for _ in range(20):  # 20/s per IP
            await client.public.time()
        with pytest.raises(RateLimitError):
            await client.public.time()
        frozen[0] += 1.0
        await client.spot.account.info()
        await client.public.time()
    assert (info.value.code, info.value.msg, info.value.http_status) == ("429", "Too Many Requests", 429)
    # UID scope: another account has its own budget on the same IP.
    sim.add_account(api_key="k2", api_secret="s2", passphrase="p2")
    async with sim.client(api_key="k2", api_secret="s2", passphrase="p2", rate_limits=unlimited) as other:
        info_other = await other.spot.account.info()
    assert info_other.user_id == sim.account("k2").uid


@pytest.mark.anyio
async def test_rate_limits_can_be_disabled() -> None:
    sim = Simulator(enforce_rate_limits=False)
    async with sim.client(rate_limits=RateLimits(enabled=False)) as client:
        for _ in range(3):
            await client.spot.account.info()


def _no_retry() -> Any:
    from bitget_async import RetryPolicy

    return RetryPolicy(max_attempts=1)


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
    from bitget_async._pagination import cursor_rule
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
    assert len(stateful) >= 100
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


# -- pytest plugin --------------------------------------------------------------------------
def test_plugin_simulator_fixture(bitget_simulator: Simulator) -> None:
    assert isinstance(bitget_simulator, Simulator)
    assert bitget_simulator.seed == 0
    assert bitget_simulator.requests == []


@pytest.mark.anyio
async def test_plugin_client_fixture(bitget_sim: BitgetClient, bitget_simulator: Simulator) -> None:
    order = await bitget_sim.spot.trade.place_order(symbol="BTCUSDT", side="buy", order_type="market", force="gtc", size="100")
    assert order.order_id in bitget_simulator.account().orders
    assert bitget_simulator.balance("BTC") == Decimal("1.001536462")


def test_plugin_registered_by_entry_point(pytestconfig: pytest.Config) -> None:
    plugin = pytestconfig.pluginmanager.get_plugin("bitget_async")
    assert plugin is not None
    assert plugin.__name__ == "bitget_async.testing.pytest_plugin"


# -- real HTTP on loopback ------------------------------------------------------------------
@pytest.mark.anyio
async def test_serve_over_loopback_http() -> None:
    sim = Simulator()
    async with sim.serve() as url:
        assert url.startswith("http://127.0.0.1:")
        async with BitgetClient(
            api_key=sim.api_key, api_secret=sim.api_secret, passphrase=sim.passphrase, base_url=url
        ) as client:
            assets = await client.spot.account.assets(coin="USDT")
            sim.faults.drop_after_execute = 1
            with pytest.raises(NetworkError) as dropped:
                await client.request("POST", "/api/v2/spot/wallet/transfer", body={"fromType": "spot", "toType": "p2p", "amount": "5", "coin": "USDT"})
    assert assets[0].available == Decimal(100_000)
    assert dropped.value.request_sent is True
    assert sim.balance("USDT", account_type="p2p") == Decimal(5)  # the write happened
    assert sim.requests[-1].dropped is True


def test_served_socket_disables_nagle_on_accepted_connections() -> None:
    """asyncio sets TCP_NODELAY only when a socket's proto says TCP; accepted sockets inherit the
    listener's proto and options, so both must be right on the listener."""
    import socket

    from bitget_async.testing._serve import bind

    listener = bind("127.0.0.1", 0)
    try:
        listener.setblocking(True)
        with socket.create_connection(listener.getsockname()[:2]) as peer:
            conn, _ = listener.accept()
            with conn:
                assert conn.proto == socket.IPPROTO_TCP
                assert conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
                assert peer.fileno() >= 0
    finally:
        listener.close()


@pytest.mark.anyio
async def test_served_simulator_answers_keep_alive_requests_without_nagle_delay() -> None:
    """20 sequential requests on one keep-alive connection: with Nagle on the server each one
    waited for the client's delayed ACK (~40 ms, 800+ ms in all).  The best of three rounds is
    compared with half of that, which a loaded 2-core machine still clears by a wide margin."""
    sim = Simulator(enforce_rate_limits=False)  # 61 calls in well under a second
    async with sim.serve() as url, httpx.AsyncClient(base_url=url) as http:
        assert (await http.get("/api/v2/public/time")).status_code == 200  # connection open
        rounds = []
        for _ in range(3):
            started = time.perf_counter()
            for _ in range(20):
                response = await http.get("/api/v2/public/time")
                assert response.status_code == 200
            rounds.append(time.perf_counter() - started)
        connections = http._transport._pool.connections  # type: ignore[attr-defined]
    assert len(connections) == 1  # one keep-alive connection carried every request
    assert min(rounds) < 20 * 0.040 / 2, rounds
