"""Frozen configuration values with named defaults.

Configuration is data: objects here are immutable, compare by value, and print without
secrets, so they are safe to log, share between clients and put in test snapshots.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import httpx

from ._errors import ConfigurationError

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_LIMITS",
    "DEFAULT_RETRY_POLICY",
    "DEFAULT_TIMEOUT",
    "Credentials",
    "Limits",
    "RetryPolicy",
    "system_clock_ms",
]

DEFAULT_BASE_URL = "https://api.bitget.com"
# Connect fast-fail; reads get longer because history endpoints can be slow on Bitget's side.
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def system_clock_ms() -> int:
    """Wall-clock milliseconds since the epoch: the default ``clock=``."""
    return time.time_ns() // 1_000_000


def _mask(value: str) -> str:
    return f"...{value[-4:]}" if len(value) > 8 else "***"


@dataclasses.dataclass(frozen=True, repr=False)
class Credentials:
    """API key material.  ``repr``/``str`` never show the secret, passphrase or private key."""

    api_key: str
    api_secret: str | None
    passphrase: str
    private_key: str | None = None

    def __post_init__(self) -> None:
        if not self.api_key:
            raise ConfigurationError("api_key must be a non-empty string")
        if not self.passphrase:
            raise ConfigurationError("passphrase is required together with api_key")
        if not self.api_secret and not self.private_key:
            raise ConfigurationError("either api_secret (HMAC keys) or private_key (RSA keys) is required")
        # Both travel in HTTP headers, which carry ASCII only; say so here rather than letting
        # the HTTP library fail later with the value in its message.
        if not self.api_key.isascii() or not self.api_key.isprintable():
            raise ConfigurationError("api_key must be printable ASCII")
        if not self.passphrase.isascii() or not self.passphrase.isprintable():
            raise ConfigurationError("passphrase must be printable ASCII")

    def __repr__(self) -> str:
        kind = "rsa" if self.private_key else "hmac"
        return f"Credentials(api_key={_mask(self.api_key)!r}, kind={kind!r})"

    __str__ = __repr__

    @staticmethod
    def load_private_key(value: str) -> str:
        """Accept PEM text or a path to a PEM file (``BITGET_PRIVATE_KEY`` may be either)."""
        if "-----BEGIN" in value:
            return value
        path = Path(value)
        try:
            is_file = path.expanduser().is_file()
        except (OSError, RuntimeError):
            # The OSError quotes the "path", which may be key material (e.g. a PEM body without
            # its header, too long for a file name): never chain it.
            is_file = False
        if not is_file:
            raise ConfigurationError("private key is neither PEM text nor a readable file path")
        return path.expanduser().read_text()


@dataclasses.dataclass(frozen=True)
class Limits:
    """Connection pool and in-flight request limits.

    ``max_in_flight`` gates concurrent requests *before* they reach httpx, so thousands of
    concurrent calls queue cheaply instead of crowding the pool.  With httpx 0.28 on a 2-core
    box (benchmarks/results.md), 128 requests in flight on one ungated pool did ~780 req/s; the
    same pool gated to 8 did ~1,600 req/s with 6-8x lower p99 latency (older httpx versions
    collapsed to ~94 req/s).  The gate therefore defaults to the pool size, and on httpx it never
    exceeds 8 whatever these fields say (``HTTPX_IN_FLIGHT``: a 128-connection httpx pool at 128
    callers did a tenth of the gated throughput); aiohttp's connector carries the full pool.
    """

    max_connections: int = 8
    max_keepalive_connections: int = 8
    keepalive_expiry: float = 30.0
    http2: bool = False
    max_in_flight: int | None = None

    def __post_init__(self) -> None:
        if self.max_connections < 1:
            raise ConfigurationError("Limits.max_connections must be >= 1")
        if self.max_in_flight is not None and self.max_in_flight < 1:
            raise ConfigurationError("Limits.max_in_flight must be >= 1 or None")

    @property
    def in_flight(self) -> int:
        return self.max_in_flight or self.max_connections

    def to_httpx(self) -> httpx.Limits:
        return httpx.Limits(
            max_connections=self.max_connections,
            max_keepalive_connections=self.max_keepalive_connections,
            keepalive_expiry=self.keepalive_expiry,
        )


DEFAULT_LIMITS = Limits()


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry requests that are safe to retry.

    Delays grow as ``backoff_base * 2**(attempt-1)``, capped at ``backoff_max``, then spread by
    +/- ``jitter`` so many clients do not retry in lockstep.
    """

    max_attempts: int = 3
    """The budget of one call: every send counts, the first one included, whatever the reason
    for the re-send (a retried read, an order re-sent after a lookup found nothing); 1 disables
    retries."""
    backoff_base: float = 0.25
    """Seconds before the first retry; doubled for each later one."""
    backoff_max: float = 8.0
    """The longest backoff between two attempts, in seconds."""
    jitter: float = 0.25
    """The fraction (0..1) by which each delay is spread up or down at random."""
    max_retry_after: float = 60.0
    """A server ``Retry-After`` wins over the backoff, up to this many seconds (a header of
    ``inf`` cannot wedge a route)."""
    lookup_attempts: int = 4
    """After an ambiguous order failure, how many times the order is looked up by clientOid to
    see past the exchange's visibility lag (lookups are reads with their own, separate budget)."""
    lookup_delay: float = 0.25
    """Lookup *i* waits ``lookup_delay * i`` seconds first."""

    def __post_init__(self) -> None:
        for name in ("max_attempts", "lookup_attempts"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigurationError(f"RetryPolicy.{name} must be an int >= 1, got {value!r}")
        for name in ("backoff_base", "backoff_max", "max_retry_after", "lookup_delay"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < float("inf"):
                raise ConfigurationError(f"RetryPolicy.{name} must be a finite number of seconds >= 0, got {value!r}")
        if not 0 <= self.jitter <= 1:
            raise ConfigurationError("RetryPolicy.jitter must be between 0 and 1")

    def delay(self, attempt: int, rand: Callable[[], float]) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        base = min(self.backoff_max, self.backoff_base * 2.0 ** (attempt - 1))
        spread = base * self.jitter * (2 * rand() - 1)
        return max(0.0, base + spread)


DEFAULT_RETRY_POLICY = RetryPolicy()


def env_flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def credentials_from_env(env: Mapping[str, str] | None = None) -> Credentials | None:
    """Credentials from ``BITGET_API_KEY``/``_SECRET``/``_PASSPHRASE``/``_PRIVATE_KEY``, or None."""
    env = os.environ if env is None else env
    key = env.get("BITGET_API_KEY")
    if not key:
        return None
    pem = env.get("BITGET_PRIVATE_KEY")
    return Credentials(
        api_key=key,
        api_secret=env.get("BITGET_API_SECRET") or None,
        passphrase=env.get("BITGET_PASSPHRASE", ""),
        private_key=Credentials.load_private_key(pem) if pem else None,
    )
