"""The simulator's gatekeeping: authentication, timestamps, demo mode, parameters, rate limits,
unknown paths, the envelope (the pytest fixtures and loopback serving are in
test_simulator_serving.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from helpers import signed_headers
from sim_helpers import T0, fixed_clock, raw_client

from bitget_async import (
    APIError,
    AuthenticationError,
    BitgetClient,
    DemoEnvironmentError,
    InvalidParameterError,
    NotFoundError,
    RateLimitError,
    RateLimits,
)
from bitget_async.testing import Simulator


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


async def refused_assets(sim: Simulator, **credentials: str) -> AuthenticationError:
    """Ask for the spot assets with a client built on ``credentials``; return the refusal."""
    async with sim.client(**credentials) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.spot.account.assets()
    return info.value


@pytest.mark.anyio
async def test_wrong_secret_is_40009() -> None:
    sim = Simulator()
    err = await refused_assets(sim, api_secret="not-the-secret")
    assert (err.code, err.msg, err.http_status) == ("40009", "sign signature error", 400)


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
    err = await refused_assets(sim, passphrase="wrong-passphrase")
    assert (err.code, err.msg) == ("40012", "apikey/password is incorrect")
    err = await refused_assets(sim, api_key="nobody")
    assert (err.code, err.msg) == ("40006", "Invalid ACCESS_KEY")


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
