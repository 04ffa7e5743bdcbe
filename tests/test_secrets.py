"""Secrets never print: not in reprs, strs, exceptions (with their chains and args), or logs.

The client is built with distinctive secret, passphrase and RSA key material, driven through
failing requests with DEBUG logging on for every logger, and everything a user could print or
a log handler could format is scanned for any of it.
"""

from __future__ import annotations

import dataclasses
import logging
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bitget_async import (
    AuthenticationError,
    BitgetClient,
    BitgetError,
    ConnectError,
    Credentials,
    NetworkError,
    RateLimits,
    RetryPolicy,
    ServerError,
    TimeoutError,
    TimestampError,
)

API_KEY = "bg_visible_api_key_0001"
SECRET = "SECRET-hmac-7c1f0e55d9b24a61"
PASSPHRASE = "PASSPHRASE-q9Xv2LmT"
NOW = 1_700_000_000_000
RETRY = RetryPolicy(max_attempts=2, backoff_base=0.0, jitter=0.0)


@pytest.fixture(scope="module")
def pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def secrets_of(pem: str) -> list[str]:
    return [SECRET, PASSPHRASE, *(line.strip() for line in pem.splitlines() if line.strip())]


def leaks(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s in text]


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend([current.__cause__, current.__context__])


def exception_texts(exc: BaseException) -> list[str]:
    texts = ["".join(traceback.format_exception(exc))]
    for link in exception_chain(exc):
        texts += [str(link), repr(link), repr(link.args), repr(vars(link))]
        texts += [repr(a) for a in link.args]
    return texts


# Bitget's refusals (HTTP 400 with its code) and the httpx failures, by path; any other path
# cannot connect.
REFUSALS = {
    "/api/v2/spot/account/assets": ("40009", "sign signature error"),
    "/api/v2/mix/account/accounts": ("40008", "Request timestamp expired"),
}
NETWORK_FAILURES: dict[str, tuple[type[httpx.RequestError], str]] = {
    "/api/v2/spot/trade/cancel-order": (httpx.ReadTimeout, "timed out"),
    "/api/v2/spot/market/tickers": (httpx.RemoteProtocolError, "Server disconnected without sending a response."),
}


def failing_server() -> Callable[[httpx.Request], httpx.Response]:
    """Each path fails its own way: a Bitget auth error, a timestamp error, network failures."""

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/v2/public/time":
            return httpx.Response(200, json={"code": "00000", "msg": "success", "requestTime": NOW,
                                             "data": {"serverTime": str(NOW)}})
        if path in REFUSALS:
            code, msg = REFUSALS[path]
            return httpx.Response(400, json={"code": code, "msg": msg, "requestTime": NOW})
        if path == "/api/v2/test/html":
            return httpx.Response(502, content=b"<html><body>502 Bad Gateway</body></html>")
        exc_type, message = NETWORK_FAILURES.get(path, (httpx.ConnectError, "All connection attempts failed"))
        raise exc_type(message, request=request)

    return answer


async def collect_failures(client: BitgetClient) -> list[BaseException]:
    attempts: list[Callable[[], Any]] = [
        lambda: client.spot.account.assets(coin="USDT"),
        lambda: client.mix.account.accounts(product_type="USDT-FUTURES"),
        lambda: client.spot.trade.cancel_order(symbol="BTCUSDT", order_id="1"),
        lambda: client.spot.market.tickers(symbol="BTCUSDT"),
        lambda: client.request("GET", "/api/v2/test/html"),
        lambda: client.request("POST", "/api/v2/test/connect", body={"a": "1"}),
    ]
    failures: list[BaseException] = []
    for attempt in attempts:
        with pytest.raises(BitgetError) as info:
            await attempt()
        failures.append(info.value)
    return failures


def log_texts(caplog: pytest.LogCaptureFixture) -> list[str]:
    texts = [caplog.text]
    for record in caplog.records:
        texts += [record.getMessage(), repr(record.args), repr(record.msg)]
        if record.exc_info and record.exc_info[1] is not None:
            texts += exception_texts(record.exc_info[1])
    return texts


def test_leak_scanner_finds_planted_secrets(pem: str) -> None:
    secrets = secrets_of(pem)
    # Every base64 line of the key is checked separately; a fresh random RSA key may encode a
    # byte shorter or longer, so the line count is a bound, not a constant.
    assert len(secrets) > 20
    assert leaks(f"headers={{'ACCESS-PASSPHRASE': '{PASSPHRASE}'}}", secrets) == [PASSPHRASE]
    err = ValueError("outer")
    err.__context__ = KeyError(pem.splitlines()[5])
    assert leaks("\n".join(exception_texts(err)), secrets) == [pem.splitlines()[5]]


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["hmac", "rsa"])
async def test_no_secret_in_reprs_exceptions_or_logs(
    kind: str, pem: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # root: bitget_async, httpx, httpcore, anyio alike
    secrets = secrets_of(pem)
    creds: dict[str, Any] = (
        {"api_secret": SECRET} if kind == "hmac" else {"private_key": pem, "api_secret": SECRET}
    )
    client = BitgetClient(
        API_KEY,
        passphrase=PASSPHRASE,
        transport=httpx.MockTransport(failing_server()),
        clock=lambda: NOW,
        retry=RETRY,
        rate_limits=RateLimits(enabled=False),
        **creds,
    )
    texts = [repr(client), str(client), f"{client!r:>10}", repr(client.spot), repr(client.spot.account.assets)]
    async with client:
        failures = await collect_failures(client)
        texts += [repr(client), repr(client.stats())]
    texts += [repr(client)]

    assert [type(f) for f in failures] == [
        AuthenticationError, TimestampError, TimeoutError, NetworkError, ServerError, ConnectError,
    ]
    for failure in failures:
        texts += exception_texts(failure)
    texts += log_texts(caplog)

    # The run did log (retries, re-sync, httpx request lines): the scan covered real records.
    messages = [r.getMessage() for r in caplog.records]
    assert any("retrying" in m for m in messages)
    assert any("timestamp rejected" in m for m in messages)
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    assert leaks("\n".join(texts), secrets) == []


@pytest.mark.parametrize("with_key", [False, True])
def test_credentials_repr_and_str(pem: str, with_key: bool) -> None:
    creds = Credentials(API_KEY, SECRET, PASSPHRASE, private_key=pem if with_key else None)
    kind = "rsa" if with_key else "hmac"
    assert repr(creds) == f"Credentials(api_key='...0001', kind='{kind}')"
    assert str(creds) == repr(creds) == f"{creds}" == f"{creds!s}"
    assert leaks(repr([creds]) + repr({"c": creds}), secrets_of(pem)) == []
    # Field-by-field access is the only way out; dataclass machinery stays available.
    assert dataclasses.replace(creds).passphrase == PASSPHRASE


def test_bad_private_key_error_does_not_echo_key_material(pem: str) -> None:
    lines = pem.splitlines()
    broken = "\n".join([lines[0], *lines[1:6], lines[-1]])  # a truncated key: still PEM-shaped
    with pytest.raises(ValueError) as info:
        BitgetClient(API_KEY, passphrase=PASSPHRASE, private_key=broken)
    assert str(info.value) == "private_key is not a PEM-encoded RSA private key"
    assert leaks("\n".join(exception_texts(info.value)), secrets_of(pem)) == []


# -- secrets the exchange returns: API keys created for sub-accounts -------------------------
def _with_secrets(value: Any, token: str) -> tuple[Any, int]:
    """The value with every credential field (secretKey, secret, passphrase) set to ``token``."""
    if isinstance(value, dict):
        out, count = {}, 0
        for k, v in value.items():
            if k in ("secretKey", "secret", "passphrase", "apiSecret") and isinstance(v, str):
                out[k], count = token, count + 1
            else:
                out[k], n = _with_secrets(v, token)
                count += n
        return out, count
    if isinstance(value, list):
        items = [_with_secrets(v, token) for v in value]
        return [v for v, _ in items], sum(n for _, n in items)
    return value, 0


def _schema_examples() -> Iterator[tuple[str, str, dict[str, Any]]]:
    import json
    from pathlib import Path

    for f in sorted((Path(__file__).resolve().parent.parent / "spec").glob("schemas-*.json")):
        for path, rec in json.loads(f.read_text()).items():
            yield rec["method"], path, rec["example_response"]


SECRET_ROUTES = [(m, p, e) for m, p, e in _schema_examples() if _with_secrets(e, "x")[1]]


def test_routes_returning_secrets_are_known() -> None:
    paths = {p for _, p, _ in SECRET_ROUTES}
    assert {"/api/v2/broker/manage/create-subaccount-apikey", "/api/v2/user/batch-create-subaccount-and-apikey",
            "/api/v2/user/create-virtual-subaccount-apikey"} <= paths


@pytest.mark.parametrize(("method", "path", "example"), SECRET_ROUTES, ids=[f"{m} {p}" for m, p, _ in SECRET_ROUTES])
def test_decoded_api_secrets_never_print(method: str, path: str, example: dict[str, Any]) -> None:
    """A model holding a newly created sub-account key prints '***' for its secret, not the value."""
    import json

    from bitget_async import find_route

    token = "SUBACCOUNT-SECRET-3f9a"
    body, count = _with_secrets(example, token)
    assert count >= 1
    data = find_route(method, path).decode(json.dumps(body).encode())
    assert token not in repr(data) and token not in str(data)
    assert "'***'" in repr(data)
    import msgspec

    assert msgspec.json.encode(data).count(token.encode()) == count  # still there for the caller to use


def test_request_items_with_a_passphrase_never_print_it() -> None:
    from bitget_async.models import UserBatchCreateSubaccountAndApikeyItem

    item = UserBatchCreateSubaccountAndApikeyItem(sub_account_name="a", passphrase=PASSPHRASE, label="l")
    assert PASSPHRASE not in repr(item) and PASSPHRASE not in repr([item])
    assert item.passphrase == PASSPHRASE
