"""Helpers shared by the transport tests (moved from test_transport.py when it was split)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from typing import Any

import helpers
import httpx
from helpers import Recorder

from bitget_async import BitgetClient

KEY = "bg_0123456789abcdef"
SECRET = "test-secret-0123456789"
PASSPHRASE = "test-passphrase-xyz"
NOW = 1_700_000_000_000
BASE = "https://api.bitget.com"
ACCESS = ("ACCESS-KEY", "ACCESS-SIGN", "ACCESS-TIMESTAMP", "ACCESS-PASSPHRASE")


def envelope(data: Any, code: str = "00000", msg: str = "success") -> dict[str, Any]:
    return helpers.envelope(data, code, msg, NOW)


class Server(Recorder):
    """The shared recorder, answering an empty list unless told otherwise."""

    def __init__(self, answer: Callable[[httpx.Request], httpx.Response] | None = None) -> None:
        super().__init__(answer, body=helpers.envelope_bytes([], request_time=NOW))


class Ticks:
    """A clock that advances ``step`` ms on every reading (records how often it was read)."""

    def __init__(self, start: int = NOW, step: int = 0) -> None:
        self.now = start
        self.step = step
        self.readings = 0

    def __call__(self) -> int:
        value = self.now
        self.now += self.step
        self.readings += 1
        return value


def make_client(server: Server, **kwargs: Any) -> BitgetClient:
    kwargs.setdefault("clock", Ticks())
    if "private_key" not in kwargs:
        kwargs.setdefault("api_secret", SECRET)
    return helpers.make_client(server, api_key=kwargs.pop("api_key", KEY), passphrase=kwargs.pop("passphrase", PASSPHRASE), **kwargs)


def wire_prehash(request: httpx.Request) -> bytes:
    """The prehash rebuilt from the bytes that were actually sent."""
    return (
        request.headers["ACCESS-TIMESTAMP"].encode("ascii")
        + request.method.encode("ascii")
        + request.url.raw_path
        + request.content
    )


def wire_signature(request: httpx.Request, secret: str = SECRET) -> str:
    digest = hmac.new(secret.encode("utf-8"), wire_prehash(request), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def hmac_b64(message: str) -> str:
    digest = hmac.new(SECRET.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def bitget_headers(request: httpx.Request) -> dict[str, str]:
    """The headers Bitget cares about (httpx adds host, accept, user-agent ... on its own)."""
    names = {*ACCESS, "Content-Type", "locale", "paptrading"}
    return {name: request.headers[name] for name in sorted(names) if name in request.headers}
