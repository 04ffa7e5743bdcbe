"""Bitget request signing as pure functions: no I/O, no clock, no globals.

Bitget signs ``timestamp + METHOD + requestPath + ("?" + query if query) + body`` with either
HMAC-SHA256 (the API secret) or SHA256withRSA (an RSA private key), base64-encoded.  The most
common bug in every client (error 40009) is signing a query string other than the one sent;
``encode_query`` is therefore the *only* query builder in the package, and the transport sends
the exact string these functions sign.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable
from typing import Any, Protocol

__all__ = [
    "HmacSigner",
    "RsaSigner",
    "Signer",
    "encode_query",
    "hmac_sign",
    "prehash",
    "rsa_sign",
]

# Bytes Bitget accepts unescaped in a query value: RFC 3986 unreserved characters plus "$",
# which appears in real symbols such as "$AIUSDT".  Everything else is percent-encoded as UTF-8.
_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~$")
_ESCAPE = tuple(chr(b) if b in _SAFE else f"%{b:02X}" for b in range(256))


_PLAIN = re.compile(r"[A-Za-z0-9\-_.~$]*")


def _quote(value: str) -> str:
    if _PLAIN.fullmatch(value):  # the common case, checked in C
        return value
    return "".join(_ESCAPE[b] for b in value.encode("utf-8"))


def encode_query(items: Iterable[tuple[str, str]]) -> str:
    """Encode ``(name, value)`` pairs in the given order, e.g. ``symbol=BTCUSDT&limit=5``.

    Order is the caller's: the transport passes parameters in route-table order, so the same
    call always produces the same bytes (and the same signature).
    """
    return "&".join(f"{_quote(k)}={_quote(v)}" for k, v in items)


def prehash(timestamp: str, method: str, request_path: str, query: str = "", body: str = "") -> str:
    """The string Bitget signs.  ``query`` excludes the leading ``?``; GET requests have no body."""
    if query:
        return f"{timestamp}{method.upper()}{request_path}?{query}{body}"
    return f"{timestamp}{method.upper()}{request_path}{body}"


def hmac_sign(secret: str, prehash: str) -> str:
    """HMAC-SHA256 of ``prehash`` keyed by ``secret``, base64 (the ``ACCESS-SIGN`` header)."""
    digest = hmac.new(secret.encode("utf-8"), prehash.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _load_rsa_key(private_key_pem: str | bytes) -> Any:
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "RSA API keys need the 'cryptography' package: pip install 'bitget-async[rsa]'"
        ) from exc
    try:
        data = private_key_pem.encode("ascii") if isinstance(private_key_pem, str) else private_key_pem
        key = serialization.load_pem_private_key(data, password=None)
    except ValueError:  # UnicodeEncodeError included: its args carry the whole input
        # Deliberately no chaining: the original error may quote key material.
        raise ValueError("private_key is not a PEM-encoded RSA private key") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("private_key must be an RSA private key")
    return key


def rsa_sign(private_key_pem: str | bytes, prehash: str) -> str:
    """SHA256withRSA (PKCS#1 v1.5) of ``prehash``, base64.  Needs the ``rsa`` extra."""
    return RsaSigner(private_key_pem).sign(prehash)


class Signer(Protocol):
    """Turns a prehash into the ``ACCESS-SIGN`` value; built once per client."""

    def sign(self, prehash: str) -> str: ...


class HmacSigner:
    """HMAC signer holding a keyed hash object, copied per request (saves the key schedule)."""

    __slots__ = ("_mac",)

    def __init__(self, secret: str) -> None:
        self._mac = hmac.new(secret.encode("utf-8"), digestmod=hashlib.sha256)

    def sign(self, prehash: str) -> str:
        mac = self._mac.copy()
        mac.update(prehash.encode("utf-8"))
        return base64.b64encode(mac.digest()).decode("ascii")

    def __repr__(self) -> str:
        return "HmacSigner(<secret hidden>)"


class RsaSigner:
    """RSA signer holding the parsed private key (parsing a PEM costs far more than signing)."""

    __slots__ = ("_key",)

    def __init__(self, private_key_pem: str | bytes) -> None:
        self._key = _load_rsa_key(private_key_pem)

    def sign(self, prehash: str) -> str:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        signature = self._key.sign(prehash.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode("ascii")

    def __repr__(self) -> str:
        return "RsaSigner(<private key hidden>)"
