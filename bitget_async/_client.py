"""``BitgetClient``: configuration, lifecycle, and the entry points to every endpoint group."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import httpx

from ._backends import HTTPBackend
from ._backends._auto import AutoBackend
from ._backends._httpx import HttpxBackend
from ._config import (
    DEFAULT_BASE_URL,
    DEFAULT_LIMITS,
    DEFAULT_RETRY_POLICY,
    DEFAULT_TIMEOUT,
    Credentials,
    Limits,
    RetryPolicy,
    credentials_from_env,
    env_flag,
    system_clock_ms,
)
from ._endpoints import build_groups, raw_call
from ._errors import ConfigurationError, ValidationError
from ._pagination import HasPageItems, Paginator, TimeArg, make_paginator
from ._ratelimit import RateLimiter, RateLimits
from ._request import check_header, parse_options
from ._routes import BY_NAME
from ._transport import Transport, merge_headers
from ._version import __version__

if sys.version_info >= (3, 11):
    from typing import Self
else:  # pragma: no cover
    from typing_extensions import Self

if TYPE_CHECKING:
    from ._generated.surface import (
        AccountAPI,
        BrokerAPI,
        CommonAPI,
        ConvertAPI,
        CopyAPI,
        EarnAPI,
        MarginAPI,
        MixAPI,
        P2pAPI,
        PublicAPI,
        SpotAPI,
        TaxAPI,
        UserAPI,
    )
    from .stream import StreamClient, StreamConfig

__all__ = ["BitgetClient"]

_T = TypeVar("_T")

TransportName = Literal["httpx", "aiohttp"]
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
USER_AGENT = f"bitget-async/{__version__}"


def aiohttp_can_carry(proxy: str | httpx.Proxy | None) -> bool:
    """aiohttp speaks to plain HTTP(S) proxies given as a URL; proxy objects (auth, headers,
    SSL context) and SOCKS stay with httpx, which understands them."""
    return proxy is None or (isinstance(proxy, str) and proxy.startswith(("http://", "https://")))


def attempt_cap(timeout: float | httpx.Timeout) -> float | None:
    """The most one attempt may take, start to finish: a float ``timeout`` is that bound
    itself; an ``httpx.Timeout`` bounds each phase, so its phases add up (None when reads are
    unbounded)."""
    if not isinstance(timeout, httpx.Timeout):
        return float(timeout)
    if timeout.read is None:
        return None
    return sum(t for t in (timeout.connect, timeout.write, timeout.read, timeout.pool) if t is not None)


class BitgetClient:
    """Async client for the Bitget REST API v2.

    Construct it (no I/O happens), then use it inside ``async with`` or call ``aclose()``.
    Every endpoint is a method on a group that mirrors the URL:
    ``await client.spot.market.tickers(symbol="BTCUSDT")`` is ``GET /api/v2/spot/market/tickers``.

    One pooled connection set per client.  Pass ``httpx_client=`` to use your own
    ``httpx.AsyncClient`` (you then own and close it), or ``transport=`` for an httpx transport
    (``httpx.MockTransport``, ``httpx.ASGITransport``, the simulator's), or ``"httpx"`` /
    ``"aiohttp"`` to pick the library.  Otherwise aiohttp carries the bytes on asyncio and httpx
    on trio (``_backends/_auto.py`` says why).  ``clock=`` returns epoch milliseconds (tests
    inject a fixed one).
    """

    spot: SpotAPI
    mix: MixAPI
    margin: MarginAPI
    copy: CopyAPI
    earn: EarnAPI
    broker: BrokerAPI
    user: UserAPI
    tax: TaxAPI
    public: PublicAPI
    common: CommonAPI
    account: AccountAPI
    convert: ConvertAPI
    p2p: P2pAPI

    def __init__(
        self,
        api_key: str | None = None,
        api_secret: str | None = None,
        passphrase: str | None = None,
        *,
        private_key: str | None = None,
        demo: bool = False,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        limits: Limits = DEFAULT_LIMITS,
        locale: str = "en-US",
        headers: Mapping[str, str] | None = None,
        proxy: str | httpx.Proxy | None = None,
        trust_env: bool = False,
        httpx_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | TransportName | None = None,
        clock: Callable[[], int] | None = None,
        retry: RetryPolicy = DEFAULT_RETRY_POLICY,
        rate_limits: RateLimits | RateLimiter | None = None,
        stream_config: StreamConfig | None = None,
    ) -> None:
        credentials: Credentials | None = None
        if api_key or api_secret or passphrase or private_key:
            credentials = Credentials(
                api_key=api_key or "",
                api_secret=api_secret,
                passphrase=passphrase or "",
                private_key=Credentials.load_private_key(private_key) if private_key else None,
            )
        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            raise ConfigurationError(f"base_url must start with http:// or https://, got {base_url!r}")
        if httpx_client is not None and (transport is not None or proxy is not None or trust_env):
            raise ConfigurationError(
                "httpx_client= brings its own transport and proxy settings: pass transport=, proxy= "
                "and trust_env= only without it"
            )
        if isinstance(transport, str) and transport not in ("httpx", "aiohttp"):
            raise ConfigurationError(f"transport must be 'httpx', 'aiohttp' or an httpx transport, got {transport!r}")
        if not isinstance(timeout, (int, float, httpx.Timeout)) or isinstance(timeout, bool) or (
            not isinstance(timeout, httpx.Timeout) and not 0 < timeout < float("inf")
        ):
            raise ConfigurationError(f"timeout must be seconds > 0 or an httpx.Timeout, got {timeout!r}")
        if not isinstance(limits, Limits):
            raise ConfigurationError(f"limits must be a bitget_async.Limits, got {type(limits).__name__}")
        if not isinstance(retry, RetryPolicy):
            raise ConfigurationError(f"retry must be a bitget_async.RetryPolicy, got {type(retry).__name__}")
        if not isinstance(locale, str) or not _LOCALE.fullmatch(locale):
            raise ConfigurationError(f"locale must look like 'en-US' or 'zh-CN', got {locale!r}")
        base_headers = {"Content-Type": "application/json", "locale": locale, "User-Agent": USER_AGENT}
        if demo:
            base_headers["paptrading"] = "1"
        if headers:
            try:
                for k, v in headers.items():
                    check_header(k, v, "headers")
            except ValidationError as exc:
                raise ConfigurationError(str(exc)) from None
            base_headers = merge_headers(base_headers, headers)
        if rate_limits is None:
            rate_limits = RateLimits()
        elif not isinstance(rate_limits, RateLimits):
            rate_limits = RateLimits(limiter=rate_limits)
        rate_limits.check_routes(BY_NAME)
        self.demo = demo
        self.base_url = base_url.rstrip("/")
        backend = self._make_backend(httpx_client, transport, timeout, limits, proxy, trust_env)
        self._transport = Transport(
            backend=backend,
            base_url=self.base_url,
            credentials=credentials,
            headers=base_headers,
            clock=clock or system_clock_ms,
            limits=limits,
            retry_policy=retry,
            rate_limits=rate_limits,
        )
        for name, group in build_groups(self._transport).items():
            setattr(self, name, group)
        self._stream_config = stream_config
        self._stream: StreamClient | None = None

    @property
    def stream(self) -> StreamClient:
        """WebSocket v2 channels (``async with client.stream.ticker("SPOT", "BTCUSDT") as sub``),
        made on first use; ``aclose()`` stops its subscriptions."""
        if self._stream is None:
            self._transport.check_open()
            from .stream import DEFAULT_STREAM_CONFIG, StreamClient

            self._stream = StreamClient(
                config=self._stream_config or DEFAULT_STREAM_CONFIG, credentials=self._transport.credentials,
                demo=self.demo, timestamp_ms=self._transport.timestamp,
            )
        return self._stream

    @staticmethod
    def _make_backend(
        httpx_client: httpx.AsyncClient | None,
        transport: httpx.AsyncBaseTransport | TransportName | None,
        timeout: float | httpx.Timeout,
        limits: Limits,
        proxy: str | httpx.Proxy | None,
        trust_env: bool,
    ) -> HTTPBackend:
        cap = attempt_cap(timeout)
        if httpx_client is not None:
            return HttpxBackend(httpx_client, owns_client=False, attempt_timeout=cap)

        def aiohttp_backend() -> HTTPBackend:
            from ._backends._aiohttp import AiohttpBackend

            url = str(proxy.url) if isinstance(proxy, httpx.Proxy) else proxy
            return AiohttpBackend(timeout=timeout, limits=limits, proxy=url, trust_env=trust_env, total=cap)

        def httpx_backend() -> HTTPBackend:
            client = httpx.AsyncClient(
                timeout=timeout,
                limits=limits.to_httpx(),
                http2=limits.http2,
                transport=None if isinstance(transport, str) else transport,
                proxy=proxy,
                follow_redirects=False,
                trust_env=trust_env,
            )
            return HttpxBackend(client, owns_client=True, attempt_timeout=cap)

        if transport == "aiohttp":
            return aiohttp_backend()
        if transport is not None or limits.http2 or not aiohttp_can_carry(proxy):
            return httpx_backend()
        # The default: aiohttp on asyncio, httpx on trio (and under respx), decided on first use.
        return AutoBackend(aiohttp_backend, httpx_backend)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **kwargs: Any) -> BitgetClient:
        """Build a client from ``BITGET_API_KEY``, ``BITGET_API_SECRET``, ``BITGET_PASSPHRASE``,
        ``BITGET_PRIVATE_KEY`` (PEM text or a file path), ``BITGET_DEMO`` and ``BITGET_BASE_URL``.
        Missing keys give a public-only client; keyword arguments override the environment."""
        env = os.environ if env is None else env
        creds = credentials_from_env(env)
        if creds is not None:
            kwargs.setdefault("api_key", creds.api_key)
            kwargs.setdefault("api_secret", creds.api_secret)
            kwargs.setdefault("passphrase", creds.passphrase)
            kwargs.setdefault("private_key", creds.private_key)
        kwargs.setdefault("demo", env_flag(env, "BITGET_DEMO"))
        if env.get("BITGET_BASE_URL"):
            kwargs.setdefault("base_url", env["BITGET_BASE_URL"])
        return cls(**kwargs)

    # -- lifecycle -------------------------------------------------------------------------
    async def __aenter__(self) -> Self:
        self._transport.check_open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool (not a caller-supplied ``httpx_client``) and the streams.  Idempotent."""
        if self._stream is not None:
            await self._stream.aclose()
        await self._transport.aclose()

    @property
    def closed(self) -> bool:
        return self._transport.closed

    def __repr__(self) -> str:
        creds = self._transport.credentials
        auth = repr(creds) if creds is not None else "public"
        state = "closed" if self.closed else "open"
        return f"<BitgetClient {self.base_url} {auth} demo={self.demo} {state}>"

    # -- time ------------------------------------------------------------------------------
    @property
    def time_offset_ms(self) -> int:
        """Server time minus local time, as measured by the last ``sync_time()``."""
        return self._transport.time_offset_ms

    async def sync_time(self) -> int:
        """Measure the offset to Bitget's clock (``GET /api/v2/public/time``) and sign with it."""
        return await self._transport.sync_time()

    # -- observability ---------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """Counters per route (requests, errors, retries, 429s, rate waits) and in-flight now."""
        return self._transport.snapshot()

    # -- pagination ------------------------------------------------------------------------
    @overload
    def paginate(
        self, endpoint: Callable[..., Awaitable[list[_T]]], /, *, limit: int | None = None,
        page_size: int | None = None, start_time: TimeArg | None = None, end_time: TimeArg | None = None,
        **params: Any,
    ) -> Paginator[_T]: ...
    @overload
    def paginate(
        self, endpoint: Callable[..., Awaitable[HasPageItems[_T]]], /, *, limit: int | None = None,
        page_size: int | None = None, start_time: TimeArg | None = None, end_time: TimeArg | None = None,
        **params: Any,
    ) -> Paginator[_T]: ...
    def paginate(
        self, endpoint: Callable[..., Awaitable[Any]], /, *, limit: int | None = None,
        page_size: int | None = None, start_time: TimeArg | None = None, end_time: TimeArg | None = None,
        **params: Any,
    ) -> Paginator[Any]:
        """Every row of a paginated route, newest first: ``async for o in client.paginate(
        client.spot.trade.history_orders, symbol="BTCUSDT"):``.  ``limit`` caps the rows in
        total, ``page_size`` the rows per request (default: the route's maximum); a
        ``start_time``..``end_time`` range longer than the route's window is walked window by
        window.  Each page is an ordinary call of ``endpoint``; arguments are checked now."""
        transport = self._transport
        return make_paginator(
            endpoint, params, limit=limit, page_size=page_size, start_time=start_time, end_time=end_time,
            now_ms=lambda: transport.clock() + transport.time_offset_ms,
        )

    # -- escape hatch ----------------------------------------------------------------------
    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        auth: bool | None = None,
        retries: int | RetryPolicy | None = None,
        wait: bool | None = None,
        max_wait: float | None = None,
        timeout: float | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Call any ``/api/v2/...`` path; returns the decoded ``data`` as plain Python values.

        Known routes (and the reference's seed paths, e.g. ``/api/v2/margin/cross/...``) go to the
        real path with their rate limit, retry class and order safety, signed exactly when the
        route is; an unknown path is signed when the client has keys.  ``auth=`` overrides
        either.  Values go out exactly as given; decimals in the answer stay exact.  The per-call
        options are the endpoints' own.
        """
        transport = self._transport
        transport.check_open()
        options = parse_options(
            transport.retry_policy, retries=retries, wait=wait, max_wait=max_wait, timeout=timeout, headers=headers
        )
        return await transport.send(raw_call(transport, method, path, params, body, auth, options), options)
