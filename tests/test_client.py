"""``BitgetClient`` lifecycle, construction, ``from_env`` and the ``request()`` escape hatch."""

from __future__ import annotations

import base64
import inspect
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from helpers import Recorder, make_client, ok

from bitget_async import (
    BitgetClient,
    ClientClosedError,
    ConfigurationError,
    InvalidParameterError,
    MissingCredentialsError,
    RateLimits,
    ValidationError,
)

NOW = 1_700_000_000_000
BASE = "https://api.bitget.com"
CREDS: dict[str, Any] = {"api_key": "bg_key_42", "api_secret": "sec-42", "passphrase": "pass-42"}
ACCESS = ("ACCESS-KEY", "ACCESS-SIGN", "ACCESS-TIMESTAMP", "ACCESS-PASSPHRASE")


def serving(data: Any = None) -> Recorder:
    """A recorder answering ``data`` everywhere, and the server time on /api/v2/public/time."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v2/public/time":
            return ok({"serverTime": str(NOW)}, NOW)
        return ok(data, NOW)

    return Recorder(answer)


class ClosingTransport(httpx.MockTransport):
    """A mock transport that counts ``aclose`` calls (the pool closing reaches it)."""

    def __init__(self, server: Recorder) -> None:
        super().__init__(server)
        self.closed = 0

    async def aclose(self) -> None:
        self.closed += 1


def client(server: Recorder, **kwargs: Any) -> BitgetClient:
    return make_client(server, signed=False, **kwargs)


def make_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


# -- construction and lifecycle -----------------------------------------------------------------


def test_construction_does_no_io_even_outside_an_event_loop() -> None:
    server = serving()
    c = client(server, demo=True, **CREDS)
    assert server.requests == []
    assert not c.closed
    assert c.time_offset_ms == 0


@pytest.mark.anyio
async def test_async_with_does_no_io_and_closes_the_owned_pool() -> None:
    server = serving()
    transport = ClosingTransport(server)
    async with BitgetClient(transport=transport, **CREDS) as c:
        assert not c.closed
    assert server.requests == []
    assert c.closed
    assert transport.closed == 1
    await c.aclose()  # idempotent: the pool is closed once
    assert transport.closed == 1


@pytest.mark.anyio
async def test_aclose_without_async_with() -> None:
    server = serving([])
    transport = ClosingTransport(server)
    c = BitgetClient(transport=transport, rate_limits=RateLimits(enabled=False))
    assert await c.spot.market.tickers() == []
    await c.aclose()
    assert (c.closed, transport.closed, len(server.requests)) == (True, 1, 1)


@pytest.mark.anyio
async def test_caller_supplied_httpx_client_is_not_closed() -> None:
    server = serving([])
    async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as http:
        async with client(server, httpx_client=http) as c:
            assert await c.spot.market.tickers() == []
        assert c.closed
        assert not http.is_closed
        response = await http.get(f"{BASE}/api/v2/public/time")  # still usable by its owner
        assert response.status_code == 200
    assert len(server.requests) == 2


def test_httpx_client_and_transport_are_exclusive() -> None:
    with pytest.raises(ConfigurationError, match=r"^httpx_client= brings its own transport and proxy settings"):
        BitgetClient(httpx_client=httpx.AsyncClient(), transport=httpx.MockTransport(serving()))


def test_base_url_must_be_http() -> None:
    with pytest.raises(ValueError, match=r"^base_url must start with http:// or https://"):
        BitgetClient(base_url="api.bitget.com")


@pytest.mark.anyio
async def test_use_after_close_raises_client_closed_error() -> None:
    server = serving([])
    c = client(server, **CREDS)
    async with c:
        await c.spot.market.tickers()
    calls: list[Callable[[], Awaitable[Any]]] = [
        lambda: c.spot.market.tickers(),
        lambda: c.spot.account.assets(),
        lambda: c.request("GET", "/api/v2/spot/market/tickers"),
        lambda: c.sync_time(),
    ]
    for make_call in calls:
        with pytest.raises(ClientClosedError, match=r"^this BitgetClient is closed; create a new one$"):
            await make_call()
    with pytest.raises(ClientClosedError):
        async with c:
            pass
    assert len(server.requests) == 1


@pytest.mark.anyio
async def test_base_url_is_used_for_every_request() -> None:
    server = serving([])
    async with client(server, base_url="http://127.0.0.1:8123/") as c:
        await c.spot.market.tickers(symbol="BTCUSDT")
    assert str(server.requests[0].url) == "http://127.0.0.1:8123/api/v2/spot/market/tickers?symbol=BTCUSDT"


def test_init_has_no_mutable_defaults() -> None:
    for name, param in inspect.signature(BitgetClient.__init__).parameters.items():
        assert not isinstance(param.default, (list, dict, set, bytearray)), name
    for name, param in inspect.signature(BitgetClient.request).parameters.items():
        assert not isinstance(param.default, (list, dict, set, bytearray)), name


@pytest.mark.anyio
async def test_clients_share_no_state() -> None:
    server = serving([])
    a = client(server, **CREDS)
    b = client(server)
    assert a.spot is not b.spot
    async with a, b:
        await a.sync_time()
        await b.spot.market.tickers()
    assert "spot.market.tickers" not in a.stats()["routes"]
    assert "spot.market.tickers" in b.stats()["routes"]
    assert b.closed and a.closed


# -- credentials --------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_private_endpoint_without_credentials_raises_before_io() -> None:
    server = serving([])
    async with client(server) as c:
        with pytest.raises(MissingCredentialsError) as info:
            await c.spot.account.assets()
        assert info.value.route == "spot.account.assets"
        with pytest.raises(MissingCredentialsError):
            await c.request("GET", "/api/v2/spot/account/assets")
        with pytest.raises(MissingCredentialsError):
            await c.request("POST", "/api/v2/spot/trade/place-order", body={"symbol": "BTCUSDT"})
        with pytest.raises(MissingCredentialsError):
            await c.request("GET", "/api/v2/some/new/private", auth=True)
        assert await c.public.time() is not None  # public endpoints need no keys
    assert [r.url.path for r in server.requests] == ["/api/v2/public/time"]
    assert not any(name in server.requests[0].headers for name in ACCESS)


def test_partial_credentials_are_refused() -> None:
    with pytest.raises(ValueError, match=r"^passphrase is required together with api_key$"):
        BitgetClient(api_key="k", api_secret="s")
    with pytest.raises(ValueError, match=r"^either api_secret"):
        BitgetClient(api_key="k", passphrase="p")
    with pytest.raises(ValueError, match=r"^api_key must be a non-empty string$"):
        BitgetClient(api_secret="s", passphrase="p")


# -- from_env -----------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_from_env_hmac_and_demo() -> None:
    server = serving([])
    env = {"BITGET_API_KEY": "env-key", "BITGET_API_SECRET": "env-secret", "BITGET_PASSPHRASE": "env-pass", "BITGET_DEMO": "1"}
    async with BitgetClient.from_env(env, transport=httpx.MockTransport(server), clock=lambda: NOW) as c:
        assert c.demo is True
        await c.spot.account.assets()
    (request,) = server.requests
    assert request.headers["ACCESS-KEY"] == "env-key"
    assert request.headers["ACCESS-PASSPHRASE"] == "env-pass"
    assert request.headers["paptrading"] == "1"


@pytest.mark.parametrize(("value", "demo"), [("1", True), ("true", True), ("YES", True), ("on", True),
                                             ("0", False), ("false", False), ("", False), (None, False)])
def test_from_env_demo_flag(value: str | None, demo: bool) -> None:
    env = {} if value is None else {"BITGET_DEMO": value}
    assert BitgetClient.from_env(env).demo is demo


@pytest.mark.anyio
async def test_from_env_without_keys_is_public_only() -> None:
    server = serving([])
    async with BitgetClient.from_env({}, transport=httpx.MockTransport(server)) as c:
        assert repr(c) == "<BitgetClient https://api.bitget.com public demo=False open>"
        await c.spot.market.tickers()
        with pytest.raises(MissingCredentialsError):
            await c.spot.account.assets()
    assert len(server.requests) == 1


@pytest.mark.anyio
@pytest.mark.parametrize("as_path", [False, True])
async def test_from_env_private_key_as_pem_text_or_file(tmp_path: Path, as_path: bool) -> None:
    pem = make_pem()
    value = pem
    if as_path:
        key_file = tmp_path / "bitget.pem"
        key_file.write_text(pem)
        value = str(key_file)
    env = {"BITGET_API_KEY": "rsa-key", "BITGET_PASSPHRASE": "rsa-pass", "BITGET_PRIVATE_KEY": value}
    server = serving([])
    async with BitgetClient.from_env(env, transport=httpx.MockTransport(server), clock=lambda: NOW) as c:
        assert repr(c) == "<BitgetClient https://api.bitget.com Credentials(api_key='***', kind='rsa') demo=False open>"
        await c.spot.account.assets()
    (request,) = server.requests
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    key.public_key().verify(
        base64.b64decode(request.headers["ACCESS-SIGN"]),
        b"1700000000000GET/api/v2/spot/account/assets",
        padding.PKCS1v15(),
        hashes.SHA256(),
    )


def test_from_env_private_key_bad_path_does_not_echo_the_value() -> None:
    secret_like = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" * 20  # a PEM body without its header
    with pytest.raises(ValueError) as info:
        BitgetClient.from_env({"BITGET_API_KEY": "k", "BITGET_PASSPHRASE": "p", "BITGET_PRIVATE_KEY": secret_like})
    assert info.value.args == ("private key is neither PEM text nor a readable file path",)
    assert info.value.__cause__ is None and info.value.__context__ is None


def test_from_env_keyword_arguments_win() -> None:
    env = {"BITGET_DEMO": "1", "BITGET_BASE_URL": "http://127.0.0.1:9"}
    c = BitgetClient.from_env(env, demo=False)
    assert (c.demo, c.base_url) == (False, "http://127.0.0.1:9")


# -- request() ------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_request_seed_path_hits_the_real_path() -> None:
    server = serving([{"symbol": "BTCUSDT"}])
    async with client(server) as c:
        data = await c.request("get", "/api/v2/spot/market/ticker", params={"symbol": "BTCUSDT"})
    assert data == [{"symbol": "BTCUSDT"}]
    (request,) = server.requests
    assert request.method == "GET"
    assert str(request.url) == f"{BASE}/api/v2/spot/market/tickers?symbol=BTCUSDT"
    assert "spot.market.tickers" in c.stats()["routes"]


@pytest.mark.anyio
async def test_request_auth_false_on_public_path_sends_no_access_headers() -> None:
    server = serving([])
    async with client(server, **CREDS) as c:
        await c.request("GET", "/api/v2/spot/market/tickers", params={"symbol": "BTCUSDT"}, auth=False)
        await c.request("GET", "/api/v2/spot/market/tickers", params={"symbol": "BTCUSDT"})
        await c.request("GET", "/api/v2/spot/market/tickers", params={"symbol": "BTCUSDT"}, auth=True)
        await c.request("GET", "/api/v2/not/in/the/table")
    unsigned, default, signed, unknown = server.requests
    assert not any(name in unsigned.headers for name in ACCESS)
    # A known public route is sent as its endpoint sends it: unsigned, keys or not.
    assert not any(name in default.headers for name in ACCESS)
    assert all(name in signed.headers for name in ACCESS)  # asked for
    assert all(name in unknown.headers for name in ACCESS)  # unknown path, keys present


@pytest.mark.anyio
async def test_request_auth_false_refused_on_a_private_route() -> None:
    server = serving([])
    async with client(server, **CREDS) as c:
        with pytest.raises(ValidationError, match=r"^spot\.account\.assets must be signed; auth=False refused$"):
            await c.request("GET", "/api/v2/spot/account/assets", auth=False)
    assert server.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"params": {"price": 0.1}}, "price"),
        ({"params": {"limit": [1, 2]}}, "limit"),
        ({"body": {"price": 0.1}, "method": "POST"}, "body"),
        ({"body": {"orderList": [{"size": 1.5}]}, "method": "POST"}, "body"),
        ({"body": {"blob": b"raw"}, "method": "POST"}, "body"),
        ({"body": {"symbol": "BTCUSDT"}}, "body"),
        ({"path": "/api/v2/spot/market/tickers?symbol=BTCUSDT"}, "path"),
        ({"path": "/api/v2/spot/market/tick ers"}, "path"),
        ({"path": "/api/v2/spot/market/tickers#x"}, "path"),
        ({"path": "/api/v2/café"}, "path"),
        ({"path": "/v2/spot/market/tickers"}, "path"),
        ({"method": "DELETE"}, "method"),
    ],
)
async def test_request_refuses_bad_input_before_io(kwargs: dict[str, Any], param: str) -> None:
    server = serving([])
    kwargs = dict(kwargs)  # the parametrized dict is shared by the asyncio and trio runs
    method = kwargs.pop("method", "GET")
    path = kwargs.pop("path", "/api/v2/test/thing")
    async with client(server, **CREDS) as c:
        with pytest.raises(ValidationError) as info:
            await c.request(method, path, **kwargs)
    assert info.value.param == param
    assert server.requests == []


@pytest.mark.anyio
async def test_float_refusal_message_names_the_parameter() -> None:
    async with client(serving([])) as c:
        with pytest.raises(ValidationError) as info:
            await c.request("GET", "/api/v2/spot/market/tickers", params={"price": 0.1})
    assert str(info.value) == (
        "params['price']: float 0.1 refused; pass money as Decimal, str or int so it stays exact"
    )


@pytest.mark.anyio
async def test_request_reuses_prebuilt_decoders(monkeypatch: pytest.MonkeyPatch) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v2/test/fail":
            return httpx.Response(400, json={"code": "40020", "msg": "bad", "requestTime": NOW, "data": None})
        return ok({"serverTime": "5"})

    async with BitgetClient(transport=httpx.MockTransport(answer), rate_limits=RateLimits(enabled=False)) as c:
        await c.request("GET", "/api/v2/public/time")
        await c.public.time()  # builds the route's typed decoder (once, on first use)

        def no_new_decoders(*args: Any, **kwargs: Any) -> None:
            raise AssertionError("a msgspec Decoder was built on the request path")

        monkeypatch.setattr(msgspec.json, "Decoder", no_new_decoders)
        for _ in range(2):
            assert await c.request("GET", "/api/v2/public/time") == {"serverTime": "5"}
            assert (await c.public.time()).server_time == 5
            with pytest.raises(InvalidParameterError):
                await c.request("GET", "/api/v2/test/fail")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("api_key", "kéy", "api_key must be printable ASCII"), ("passphrase", "pässe", "passphrase must be printable ASCII")],
)
def test_non_ascii_credentials_refused_at_construction(field: str, value: str, message: str) -> None:
    kwargs = {"api_key": "key", "api_secret": "secret", "passphrase": "pass", field: value}
    with pytest.raises(ValueError, match=message) as info:
        BitgetClient(**kwargs)
    assert value not in str(info.value)
