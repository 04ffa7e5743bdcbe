"""``BitgetClient``: configuration, lifecycle, and the entry points to every endpoint group."""

from __future__ import annotations

import dataclasses
import os
import re
import sys
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

import httpx

from ._codec import ResponseCodec, encode_body, to_wire
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
from ._errors import ValidationError
from ._groups import build_groups, encode_query_params
from ._orders import fill_client_oids, send_order
from ._ratelimit import RateLimiter, RateLimits
from ._routes import BY_NAME, find_route_or_none
from ._transport import Call, HTTPBackend, HttpxBackend, Transport

if sys.version_info >= (3, 11):
    from typing import Self
else:  # pragma: no cover
    from typing_extensions import Self

if TYPE_CHECKING:
    from ._surface import (
        AccountAPI,
        BrokerAPI,
        CommonAPI,
        CopyAPI,
        EarnAPI,
        MarginAPI,
        MixAPI,
        PublicAPI,
        SpotAPI,
        TaxAPI,
        UserAPI,
    )

__all__ = ["BitgetClient"]

_RAW_CODEC: ResponseCodec[Any] = ResponseCodec(Any)
_PLAIN_PATH = re.compile(r"/api/[A-Za-z0-9/_.\-]+")
TransportName = Literal["httpx", "aiohttp"]


class BitgetClient:
    """Async client for the Bitget REST API v2.

    Construct it (no I/O happens), then use it inside ``async with`` or call ``aclose()``.
    Every endpoint is a method on a group that mirrors the URL:
    ``await client.spot.market.tickers(symbol="BTCUSDT")`` is ``GET /api/v2/spot/market/tickers``.

    One pooled connection set per client.  Pass ``httpx_client=`` to use your own
    ``httpx.AsyncClient`` (you then own and close it), or ``transport=`` for an httpx transport
    (``httpx.MockTransport``, ``httpx.ASGITransport``, the simulator's) or ``"aiohttp"`` for the
    ``fast`` extra.  ``clock=`` returns epoch milliseconds (tests inject a fixed one).
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
        httpx_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | TransportName | None = None,
        clock: Callable[[], int] | None = None,
        retry: RetryPolicy = DEFAULT_RETRY_POLICY,
        rate_limits: RateLimits | RateLimiter | None = None,
    ) -> None:
        credentials: Credentials | None = None
        if api_key or api_secret or passphrase or private_key:
            credentials = Credentials(
                api_key=api_key or "",
                api_secret=api_secret,
                passphrase=passphrase or "",
                private_key=Credentials.load_private_key(private_key) if private_key else None,
            )
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {base_url!r}")
        if httpx_client is not None and transport is not None:
            raise ValueError("pass either httpx_client= or transport=, not both")
        if rate_limits is None:
            rate_limits = RateLimits()
        elif not isinstance(rate_limits, RateLimits):
            rate_limits = RateLimits(limiter=rate_limits)
        rate_limits.check_routes(BY_NAME)
        self.demo = demo
        self.base_url = base_url.rstrip("/")
        backend = self._make_backend(httpx_client, transport, timeout, limits)
        self._transport = Transport(
            backend=backend,
            base_url=self.base_url,
            credentials=credentials,
            demo=demo,
            locale=locale,
            clock=clock or system_clock_ms,
            limits=limits,
            retry_policy=retry,
            rate_limits=rate_limits,
        )
        for name, group in build_groups(self._transport).items():
            setattr(self, name, group)

    @staticmethod
    def _make_backend(
        httpx_client: httpx.AsyncClient | None,
        transport: httpx.AsyncBaseTransport | TransportName | None,
        timeout: float | httpx.Timeout,
        limits: Limits,
    ) -> HTTPBackend:
        if httpx_client is not None:
            return HttpxBackend(httpx_client, owns_client=False)
        if transport == "aiohttp":
            from ._aiohttp import AiohttpBackend

            return AiohttpBackend(timeout=timeout, limits=limits)
        if transport == "httpx":
            transport = None
        client = httpx.AsyncClient(
            timeout=timeout,
            limits=limits.to_httpx(),
            http2=limits.http2,
            transport=transport,
            follow_redirects=False,
            trust_env=False,
        )
        return HttpxBackend(client, owns_client=True)

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
        """Close the connection pool (not a caller-supplied ``httpx_client``).  Idempotent."""
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
        return self._transport.stats()

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
    ) -> Any:
        """Call any ``/api/v2/...`` path; returns the decoded ``data`` as plain Python values.

        Signed when credentials exist and ``auth`` is not False.  Known routes (and the
        reference's seed paths, e.g. ``/api/v2/margin/cross/...``) are resolved to the real path
        and get their rate limit and retry class; decimals in the answer stay exact strings.
        """
        method = method.upper()
        if method not in ("GET", "POST"):
            raise ValidationError(f"method must be GET or POST, got {method!r}", param="method")
        if not path.startswith("/api/"):
            raise ValidationError(f"path must start with /api/, got {path!r}", param="path")
        if not _PLAIN_PATH.fullmatch(path):
            # httpx would percent-encode anything else after we signed it (error 40009), and a
            # query inside the path would be dropped for known routes.
            raise ValidationError(
                f"path may hold only letters, digits and '/_-.' (query parameters go in params=), got {path!r}",
                param="path",
            )
        if method == "GET" and body:
            raise ValidationError("GET requests carry no body; use params=", param="body")
        route = find_route_or_none(method, path)
        has_creds = self._transport.credentials is not None
        if auth is None:
            auth = has_creds or (route is not None and route.auth)
        if route is not None and route.auth and auth is False:
            raise ValidationError(f"{route.python_name} must be signed; auth=False refused", param="auth")
        query = encode_query_params(params or {})
        is_order = route is not None and route.kind == "order"
        wire_body: dict[str, Any] = {}
        try:
            if method == "POST":
                wire_body = to_wire(body or {})
                if is_order:
                    wire_body = fill_client_oids(wire_body)
            content = encode_body(wire_body) if method == "POST" else None
        except (TypeError, ValueError) as exc:
            raise ValidationError(str(exc), param="body") from None
        if route is None:
            call = Call(
                method=method, path=path, query=query, body=content, auth=auth, codec=_RAW_CODEC,
                name="raw", kind="read" if method == "GET" else "write",
            )
            return await self._transport.send(call, retries=retries)
        call = route.call(query, content, client_oid=wire_body.get("clientOid"), codec=_RAW_CODEC)
        if call.auth != auth:  # a public route signed because the client has keys
            call = dataclasses.replace(call, auth=auth)
        if is_order:
            return await send_order(
                self._transport, route, call, wire_body, retries=retries, wait=None, max_wait=None, result_type=Any
            )
        return await self._transport.send(call, retries=retries)

