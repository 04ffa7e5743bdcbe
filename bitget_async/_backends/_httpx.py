"""The httpx backend: one pooled ``httpx.AsyncClient``, the carrier on trio, for a caller's
``httpx_client=`` or ``transport=``, HTTP/2, proxy objects and respx (``_auto.py`` picks it)."""

from __future__ import annotations

import time
from collections.abc import Mapping

import httpx

from .._errors import ConnectError, NetworkError, TimeoutError, ValidationError

__all__ = ["HTTPX_IN_FLIGHT", "HttpxBackend"]

# Requests in flight one httpx pool carries well.  httpcore's pool rescans every connection and
# queued request on each checkout and return, so its cost per request grows with what is in
# flight: on 2 cores, 128 callers on one 128-connection pool did about half the req/s (and 7x the
# p99) of the same pool gated to 8 (benchmarks/results.md, "pool size" table).
HTTPX_IN_FLIGHT = 8


def _reason(exc: BaseException) -> str:
    """httpx's own words plus the lowest cause (``[Errno 111] Connection refused``)."""
    text = str(exc) or type(exc).__name__
    cause = exc.__cause__ or exc.__context__
    seen = 0
    while cause is not None and seen < 5:
        inner = str(cause)
        if inner and inner not in text:
            text = f"{text} ({inner})"
        cause = cause.__cause__ or cause.__context__
        seen += 1
    return text


class HttpxBackend:
    """Sends through one pooled ``httpx.AsyncClient``; the only place httpx errors are mapped."""

    in_flight_cap = HTTPX_IN_FLIGHT

    def __init__(self, client: httpx.AsyncClient, *, owns_client: bool, attempt_timeout: float | None = None) -> None:
        self.client = client
        self._owns = owns_client
        self.attempt_timeout = attempt_timeout

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], content: bytes | None
    ) -> tuple[int, Mapping[str, str], bytes]:
        try:
            if self.attempt_timeout is None:
                response = await self.client.request(method, url, headers=headers, content=content)
            else:
                return await self._send_within(method, url, headers, content, self.attempt_timeout)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError) as exc:
            cls = TimeoutError if isinstance(exc, httpx.TimeoutException) else ConnectError
            host = httpx.URL(url).host
            raise cls(f"could not connect to {host}: {type(exc).__name__}: {_reason(exc)}", request_sent=False) from None
        except httpx.TimeoutException as exc:
            # Read/write timeouts: the request (or part of it) has left this process.
            raise TimeoutError(f"{type(exc).__name__} after sending", request_sent=True) from None
        except (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.InvalidURL) as exc:
            # Refused by httpx before a byte was written: a request that cannot be sent as built.
            raise ValidationError(f"request refused before sending: {type(exc).__name__}: {exc}") from None
        except httpx.RequestError as exc:
            # Resets, remote protocol errors, a garbled body, redirects from a caller's client:
            # the request went out, no usable answer came back.
            raise NetworkError(
                f"connection failed after sending: {type(exc).__name__}: {exc}", request_sent=True
            ) from None
        return response.status_code, response.headers, response.content

    async def _send_within(
        self, method: str, url: str, headers: Mapping[str, str], content: bytes | None, limit: float
    ) -> tuple[int, Mapping[str, str], bytes]:
        """Send, then read the body against a deadline for the whole attempt.

        httpx's timeouts bound each read, so a body trickling in a byte at a time never trips
        them; checking the clock per chunk costs nothing next to a timer per request."""
        deadline = time.monotonic() + limit
        request = self.client.build_request(method, url, headers=headers, content=content)
        response = await self.client.send(request, stream=True)
        try:
            chunks = []
            async for chunk in response.aiter_bytes():
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no complete answer within {limit:g}s (the client's timeout) after sending", request_sent=True)
        finally:
            await response.aclose()
        return response.status_code, response.headers, b"".join(chunks)

    async def aclose(self) -> None:
        if self._owns:
            await self.client.aclose()
