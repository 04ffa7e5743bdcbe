"""The default backend: aiohttp on asyncio, httpx on trio, picked on the first request.

Why two libraries (numbers in benchmarks/results.md, same run, client pinned to one core): on
asyncio, httpx 0.28 spends 600-1,200 us of CPU per small request, most of it in httpcore's pool
and anyio's cancel scopes, where aiohttp (C parser, one connector) spends 60-90 us; ccxt and
pybotters are both built on aiohttp.  httpx stays the carrier wherever aiohttp cannot go or the
caller is in httpx's world: trio, ``httpx_client=``, ``transport=`` (``httpx.MockTransport``,
ASGI, the simulator's), HTTP/2, ``httpx.Proxy`` objects and SOCKS proxies, and respx (a respx
router patches httpx or httpcore; when it is active on the first request, httpx carries this
client so the router sees every call).

The choice waits for the first request because construction runs no event loop; after it, the
chosen backend's ``send`` replaces this one's on the instance, so no extra frame stays on the
request path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import httpcore
import httpx
import sniffio

from . import HTTPBackend

__all__ = ["AutoBackend", "httpx_is_patched"]


def httpx_is_patched() -> bool:
    """True while something (respx) has replaced httpx's or httpcore's request entry points."""
    entry_points = (
        httpx.AsyncHTTPTransport.handle_async_request,
        httpx.AsyncClient._transport_for_url,
        httpcore.AsyncConnectionPool.handle_async_request,
    )
    return not all(getattr(f, "__module__", "").startswith(("httpx.", "httpcore.")) for f in entry_points)


class AutoBackend:
    """Builds aiohttp's backend on asyncio and httpx's elsewhere, on first use.

    ``on_choose`` receives the chosen backend (the transport reads its in-flight cap from it)."""

    in_flight_cap: int | None = None

    def __init__(
        self,
        make_aiohttp: Callable[[], HTTPBackend],
        make_httpx: Callable[[], HTTPBackend],
    ) -> None:
        self._make_aiohttp = make_aiohttp
        self._make_httpx = make_httpx
        self.chosen: HTTPBackend | None = None
        self.on_choose: Callable[[HTTPBackend], None] | None = None

    def choose(self) -> HTTPBackend:
        if self.chosen is None:
            try:
                library = sniffio.current_async_library()
            except sniffio.AsyncLibraryNotFoundError:
                library = ""
            asyncio_ok = library == "asyncio" and not httpx_is_patched()
            self.chosen = self._make_aiohttp() if asyncio_ok else self._make_httpx()
            if self.on_choose is not None:
                self.on_choose(self.chosen)
        return self.chosen

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], content: bytes | None
    ) -> tuple[int, Mapping[str, str], bytes]:
        chosen = self.choose()
        self.send = chosen.send  # type: ignore[method-assign]  # later calls skip this frame
        return await chosen.send(method, url, headers, content)

    async def aclose(self) -> None:
        if self.chosen is not None:
            await self.chosen.aclose()
