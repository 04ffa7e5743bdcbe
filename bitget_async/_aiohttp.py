"""The ``fast`` extra: an HTTP backend on aiohttp (asyncio only).

Same contract as ``HttpxBackend``: send bytes, return (status, headers, body), and translate the
library's exceptions here and nowhere else.  Signing, rate control, retries and decoding stay in
the transport, so both backends behave identically above this line.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx

from ._config import Limits
from ._errors import ConnectError, NetworkError, TimeoutError

__all__ = ["AiohttpBackend"]


class AiohttpBackend:
    """One ``aiohttp.ClientSession`` per client, created lazily inside the running loop."""

    def __init__(self, *, timeout: float | httpx.Timeout, limits: Limits) -> None:
        try:
            import aiohttp
        except ImportError as exc:  # pragma: no cover - exercised only without the extra
            raise ImportError("transport='aiohttp' needs the fast extra: pip install 'bitget-async[fast]'") from exc
        self._aiohttp: Any = aiohttp
        if isinstance(timeout, httpx.Timeout):
            self._timeout = aiohttp.ClientTimeout(
                total=None, connect=timeout.connect, sock_read=timeout.read, sock_connect=timeout.connect
            )
        else:
            self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._limits = limits
        self._session: Any = None

    def _open(self) -> Any:
        aiohttp = self._aiohttp
        connector = aiohttp.TCPConnector(
            limit=self._limits.max_connections,
            keepalive_timeout=self._limits.keepalive_expiry,
            ttl_dns_cache=300,
        )
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=self._timeout, auto_decompress=True, skip_auto_headers=("User-Agent",)
        )
        return self._session

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], content: bytes | None
    ) -> tuple[int, Mapping[str, str], bytes]:
        session = self._session or self._open()
        aiohttp = self._aiohttp
        sent = False
        try:
            async with session.request(method, url, headers=headers, data=content, allow_redirects=False) as resp:
                sent = True
                body = await resp.read()
                return resp.status, resp.headers, body
        except (aiohttp.ClientConnectorError, aiohttp.ServerTimeoutError, asyncio.TimeoutError) as exc:
            if isinstance(exc, aiohttp.ClientConnectorError):
                raise ConnectError(f"could not connect: {type(exc).__name__}", request_sent=False) from None
            # aiohttp does not say which phase timed out: after the connection exists, assume sent.
            raise TimeoutError(f"{type(exc).__name__}", request_sent=True) from None
        except aiohttp.ClientError as exc:
            raise NetworkError(f"connection failed: {type(exc).__name__}: {exc}", request_sent=sent or True) from None

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
