"""The HTTP backend on aiohttp (asyncio only): the default on asyncio, or ``transport="aiohttp"``.

Same contract as ``HttpxBackend``: send the given bytes, return (status, headers, body), and
translate the library's exceptions here and nowhere else.  Signing, rate control, the in-flight
gate, retries and decoding stay in ``Transport``, so both backends behave identically above this
line; ``tests/test_aiohttp_transport.py`` runs the same wire and error tests over both.

What makes it cheaper than the httpx backend is aiohttp itself (its HTTP parser is C).  On top of
that this module avoids three per-request costs measured in ``benchmarks/``:

* the URL is handed over as ``yarl.URL(url, encoded=True)``: aiohttp does not re-quote it, so the
  query on the wire is byte for byte the one that was signed (and no requoting is paid for);
* no ``skip_auto_headers``: passing it makes aiohttp rebuild and sort a header multidict on every
  request (about 5 us), where the default path only adds Accept/User-Agent;
* no pool-wait ("connect") timer when the transport's in-flight gate is no larger than the pool,
  because then a request never waits for a connection; connecting itself stays bounded by
  ``sock_connect``.

Timeouts map from httpx's: ``connect`` -> ``sock_connect``; ``pool`` (+ ``connect``) -> aiohttp's
``connect`` when waiting for a pooled connection is possible; ``read`` is folded into the
attempt's ``total`` (connect + pool wait + read, never more than the attempt cap), because
aiohttp's between-bytes timer costs two timer re-arms per request.  aiohttp has no write timeout; Bitget request bodies are small
enough to fit the socket buffer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx

from .._config import Limits
from .._errors import ConnectError, NetworkError, TimeoutError, UnsupportedAsyncLibraryError

__all__ = ["AiohttpBackend"]


def _client_timeout(aiohttp: Any, timeout: float | httpx.Timeout, limits: Limits, total: float | None) -> Any:
    t = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
    pool_wait = None
    if limits.in_flight > limits.max_connections and (t.pool is not None or t.connect is not None):
        pool_wait = (t.pool or 0.0) + (t.connect or 0.0)
    if total is not None and t.read is not None:
        # The read bound is kept inside the attempt's total instead of aiohttp's ``sock_read``
        # timer, which is re-armed on every chunk: two call_later/cancel pairs per request,
        # about 15 us of a 100 us small GET.  A stalled answer still fails within
        # connect (+ pool wait) + read seconds of the attempt's start.
        total = min(total, (pool_wait if pool_wait is not None else t.connect or 0.0) + t.read)
    return aiohttp.ClientTimeout(total=total, connect=pool_wait, sock_connect=t.connect, sock_read=None)


class AiohttpBackend:
    """One ``aiohttp.ClientSession`` per client, opened on first use inside the running loop.

    aiohttp binds its session to one asyncio event loop: using the client from trio, or from a
    second ``asyncio.run``, raises ``UnsupportedAsyncLibraryError`` (a ``BitgetError`` and a
    ``RuntimeError``) instead of failing deep inside aiohttp.
    """

    def __init__(
        self,
        *,
        timeout: float | httpx.Timeout,
        limits: Limits,
        proxy: str | None = None,
        trust_env: bool = False,
        total: float | None = None,
    ) -> None:
        try:
            import aiohttp
            import yarl
        except ImportError as exc:  # pragma: no cover - exercised only without the extra
            raise ImportError("transport='aiohttp' needs aiohttp (a dependency of bitget-async): pip install aiohttp") from exc
        if limits.http2:
            raise ValueError("transport='aiohttp' speaks HTTP/1.1 only; use Limits(http2=False) or httpx")
        self._aiohttp: Any = aiohttp
        self._url: Any = yarl.URL
        self._timeout = _client_timeout(aiohttp, timeout, limits, total)
        self._limits = limits
        self._proxy = proxy
        self._trust_env = trust_env
        self._session: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # Resolved once: which aiohttp failures mean "nothing was sent".  ConnectionTimeoutError
        # (connect or pool wait timed out) exists from aiohttp 3.10; before it, a connect timeout
        # is indistinguishable from a read timeout and is reported as possibly sent.
        self._connect_timeout: type[BaseException] | tuple[()] = getattr(aiohttp, "ConnectionTimeoutError", ())

    def _open(self, loop: asyncio.AbstractEventLoop) -> Any:
        """Create the session for the running loop, or refuse a loop other than its own."""
        if self._session is not None:
            raise UnsupportedAsyncLibraryError(
                "this BitgetClient's aiohttp session belongs to another event loop; "
                "create the client inside the loop that uses it"
            )
        aiohttp = self._aiohttp
        connector = aiohttp.TCPConnector(
            limit=self._limits.max_connections,
            keepalive_timeout=self._limits.keepalive_expiry,
            ttl_dns_cache=300,
        )
        session = aiohttp.ClientSession(
            connector=connector, timeout=self._timeout, auto_decompress=True, trust_env=self._trust_env
        )
        if hasattr(session, "_retry_connection"):
            # aiohttp silently re-sends a GET once when the connection drops (RFC 9112 9.3.1).
            # Retries belong to the transport (counted, rate-limited, backed off, retries=0
            # honoured), as with httpx; aiohttp has no public switch for this one.
            session._retry_connection = False
        self._session = session
        self._loop = loop
        return session

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], content: bytes | None
    ) -> tuple[int, Mapping[str, str], bytes]:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise UnsupportedAsyncLibraryError(
                "transport='aiohttp' runs on asyncio only; use the default httpx transport with trio"
            ) from None
        session = self._session
        if session is None or loop is not self._loop:
            session = self._open(loop)
        aiohttp = self._aiohttp
        try:
            async with session.request(
                method,
                self._url(url, encoded=True),
                headers=headers,
                data=content,
                allow_redirects=False,
                proxy=self._proxy,
            ) as resp:
                body = await resp.read()
                return resp.status, resp.headers, body
        except aiohttp.ClientConnectorError as exc:
            # Includes DNS failures, refused connections and TLS handshake errors.
            raise ConnectError(
                f"could not connect to {self._url(url).host}: {type(exc).__name__}: {exc}", request_sent=False
            ) from None
        except self._connect_timeout as exc:
            raise TimeoutError(f"{type(exc).__name__} before sending", request_sent=False) from None
        except asyncio.TimeoutError as exc:  # aiohttp.ServerTimeoutError (sock_read) subclasses it
            raise TimeoutError(f"{type(exc).__name__} after sending", request_sent=True) from None
        except aiohttp.ClientError as exc:
            # Disconnects, resets and truncated bodies: the request (or part of it) had left.
            raise NetworkError(
                f"connection failed after sending: {type(exc).__name__}: {exc}", request_sent=True
            ) from None

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()
