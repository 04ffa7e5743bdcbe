"""The transport: one ``send`` with one retry loop for every request the client makes.

Per attempt, in order: the gate (rate slots, concurrency slot, arrival guard: ``_gate.py``), the
timestamp and the signature over the exact bytes sent, the HTTP backend (``_backends/``), the
route's codec (HTTP status + envelope code -> typed ``data`` or a typed exception).

The loop around the attempts has one budget, ``RetryPolicy.max_attempts``: it counts every send
of the call, whatever the reason for the re-send.  What may be retried depends on what a failure
may have done at the exchange (``_retryable``).  An order placement carries an ``OrderStrategy``
(``_orders.py``); the loop asks it, after an ambiguous failure, whether the order exists, and
re-sends only when the exchange certainly holds none.  The one extra attempt outside the budget
is the re-send after a rejected timestamp, once the clock has been re-synced.

``CallOptions.timeout`` bounds the whole call (one cancel scope per call, only when asked for);
each attempt's trip to the exchange is bounded by the backend, which knows its library's
timers (a body that trickles in one byte at a time cannot hold a call forever, whatever the
HTTP library's per-read timeouts say).
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import math
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import anyio
import httpx
import msgspec

from ._backends import HTTPBackend
from ._backends._auto import AutoBackend
from ._codec import ResponseCodec
from ._config import Credentials, Limits, RetryPolicy
from ._errors import (
    APIError,
    ClientClosedError,
    MissingCredentialsError,
    RateLimitError,
    ServerError,
    TimeoutError,
    TimestampError,
    TransportError,
    ValidationError,
)
from ._gate import Gate
from ._ratelimit import LOCAL_RATE_LIMIT, RateLimits
from ._request import NO_OPTIONS, CallOptions, Request
from ._stats import RouteStats, Stats
from .signing import HmacSigner, RsaSigner, Signer, prehash

__all__ = ["Transport"]

logger = logging.getLogger("bitget_async")


class _ServerTime(msgspec.Struct):
    serverTime: int


_TIME_REQUEST = Request(
    method="GET", path="/api/v2/public/time", query="", body=None, auth=False,
    codec=ResponseCodec(_ServerTime), name="public.time", rate_per_s=20, scope="IP",
)


class _Progress:
    """What one call has done so far, for the error a deadline turns into."""

    __slots__ = ("ended", "measure", "sent", "started")

    def __init__(self, *, measure: bool = False) -> None:
        self.sent = False  # some attempt may have reached the exchange
        self.measure = measure  # read clock() around each attempt (the time sync's midpoint)
        self.started = 0
        self.ended = 0


def merge_headers(base: Mapping[str, str], extra: Mapping[str, str]) -> dict[str, str]:
    """``base`` with ``extra`` on top, matching names case-insensitively (HTTP's rule)."""
    lowered = {k.lower() for k in extra}
    merged = {k: v for k, v in base.items() if k.lower() not in lowered}
    merged.update(extra)
    return merged


class Transport:
    """Owns the HTTP backend, the signer, the gate, the counters and the clock offset of one client."""

    def __init__(
        self,
        *,
        backend: HTTPBackend,
        base_url: str,
        credentials: Credentials | None,
        headers: Mapping[str, str],
        clock: Callable[[], int],
        limits: Limits,
        retry_policy: RetryPolicy,
        rate_limits: RateLimits,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.backend = backend
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.clock = clock
        self.time_offset_ms = 0
        self.retry_policy = retry_policy
        self.rate_limits = rate_limits
        self._default_limit_wait = rate_limits.effective_max_wait(None, None)  # RateLimits is frozen
        self._rand = rand
        self._closed = False
        self._signer: Signer | None = None
        self._public_headers = dict(headers)
        self._private_headers = dict(headers)
        if credentials is not None:
            self._signer = (
                RsaSigner(credentials.private_key)
                if credentials.private_key
                else HmacSigner(credentials.api_secret or "")
            )
            self._private_headers["ACCESS-KEY"] = credentials.api_key
            self._private_headers["ACCESS-PASSPHRASE"] = credentials.passphrase
        # Rate keys: IP-scoped routes share one key per host, UID-scoped ones one per API key.
        host = httpx.URL(self.base_url).host or self.base_url
        uid = hashlib.sha256(credentials.api_key.encode()).hexdigest()[:12] if credentials else "anon"
        self.stats = Stats()
        self.gate = Gate(rate_limits, limits.in_flight, self.stats, ip_key=f"ip:{host}", uid_key=f"uid:{uid}")
        # A backend may handle only so many requests in flight well (httpx: HTTPX_IN_FLIGHT);
        # the gate never lets more through, whatever Limits says.  The default backend knows
        # which library carries the bytes only on the first request, and says so then.
        self.gate.cap_in_flight(getattr(backend, "in_flight_cap", None))
        if isinstance(backend, AutoBackend):
            backend.on_choose = lambda chosen: self.gate.cap_in_flight(getattr(chosen, "in_flight_cap", None))
        self._resync_lock = anyio.Lock()

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        return self._closed

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            await self.backend.aclose()

    def check_open(self) -> None:
        if self._closed:
            raise ClientClosedError("this BitgetClient is closed; create a new one")

    def require_credentials(self, name: str) -> None:
        if self._signer is None:
            raise MissingCredentialsError(
                f"{name} is a signed endpoint: construct BitgetClient with api_key, "
                "api_secret (or private_key) and passphrase",
                route=name,
            )

    # -- introspection ---------------------------------------------------------------------
    @property
    def in_flight(self) -> int:
        return self.gate.capacity.borrowed

    def snapshot(self) -> dict[str, Any]:
        """Counters per route and per rate bucket, the attempts in flight now and the ones queued
        for a concurrency slot (plain data, safe to log)."""
        capacity = self.gate.capacity
        return {
            "in_flight": self.in_flight,
            "max_in_flight": capacity.total,
            "waiting": len(capacity.waiters),
            "time_offset_ms": self.time_offset_ms,
            **self.stats.snapshot(),
        }

    # -- time ------------------------------------------------------------------------------
    def timestamp(self) -> str:
        return str(self.clock() + self.time_offset_ms)

    async def sync_time(self) -> int:
        """Measure the server clock offset (midpoint of the last attempt's round trip) and apply
        it.  The time request is rate-limited and retried like any read."""
        self.check_open()
        progress = _Progress(measure=True)
        data = await self._deadline(_TIME_REQUEST, NO_OPTIONS, progress)
        self.time_offset_ms = data.serverTime - (progress.started + progress.ended) // 2
        logger.debug(
            "time offset %d ms (round trip %d ms)", self.time_offset_ms, progress.ended - progress.started
        )
        return self.time_offset_ms

    # -- sending ---------------------------------------------------------------------------
    async def send(self, request: Request, options: CallOptions = NO_OPTIONS) -> Any:
        """Send ``request``; return its typed ``data`` or raise its typed error."""
        self.check_open()
        if request.auth:
            self.require_credentials(request.name)
        if options.timeout is None:  # the common case, one coroutine frame fewer
            return await self._send(request, options, _Progress())
        return await self._deadline(request, options, _Progress())

    async def _deadline(self, request: Request, options: CallOptions, progress: _Progress) -> Any:
        timeout = options.timeout
        if timeout is None:
            return await self._send(request, options, progress)
        with anyio.move_on_after(timeout):
            return await self._send(request, options, progress)
        # Reached only when the deadline cancelled the call.
        reason = f"the call's timeout of {timeout:g}s was reached"
        if request.order is not None and progress.sent:
            raise request.order.unknown(reason)
        raise TimeoutError(
            f"{request.name}: {reason}" + (" after sending" if progress.sent else " before sending"),
            method=request.method, path=request.path, request_sent=progress.sent, client_oid=request.client_oid,
        )

    async def _send(self, request: Request, options: CallOptions, progress: _Progress) -> Any:
        policy = options.retry or self.retry_policy
        limit_wait = (
            self._default_limit_wait if options is NO_OPTIONS
            else self.rate_limits.effective_max_wait(options.wait, options.max_wait)
        )
        st = self.stats.route(request.name)
        order = request.order
        attempt = 0
        resynced = False
        while True:
            attempt += 1
            final = attempt >= policy.max_attempts
            try:
                result = await self._attempt(request, options, st, limit_wait, attempt, progress)
                if order is not None:
                    return await order.check(self.send, result, attempt)
                return result
            except TimestampError:
                st.errors += 1
                if resynced or not request.auth:
                    raise
                resynced = True
                async with self._resync_lock:
                    await self.sync_time()
                logger.warning("%s: timestamp rejected; clock re-synced, retrying once", request.name)
                attempt -= 1  # the re-sync retry does not use up the retry budget
                continue
            except (APIError, TransportError) as exc:
                st.errors += 1
                hint = exc.retry_after if isinstance(exc, APIError) else None
                delay = hint if hint is not None else policy.delay(attempt, self._rand)
                paused = False
                throttled = isinstance(exc, RateLimitError) and exc.code != LOCAL_RATE_LIMIT
                if throttled:
                    paused = self.gate.penalize(request, delay)
                    logger.warning(
                        "%s: rate limited by the server (HTTP %d, attempt %d); pausing the route %.2fs",
                        request.name, exc.http_status if isinstance(exc, APIError) else 0, attempt, delay,
                    )
                if order is not None and order.ambiguous(exc):
                    settled = await order.settle(self.send, exc, attempt, final)
                    if settled is not None:
                        return settled[0]
                    # The exchange holds no such order: sending again is safe.
                    request = order.resend() or request
                    st.retries += 1
                    continue
                if final or not self._retryable(request, exc) or (
                    throttled and limit_wait is not None and delay > limit_wait
                ):
                    if order is not None:
                        return await order.final(self.send, exc)
                    raise
                st.retries += 1
                logger.warning(
                    "%s attempt %d failed (%s); retrying in %.2fs", request.name, attempt, type(exc).__name__, delay
                )
                if not paused:
                    await anyio.sleep(delay)

    def _retryable(self, request: Request, exc: BaseException) -> bool:
        """May this failure be retried without risking a second execution?"""
        if isinstance(exc, RateLimitError):
            # The server refused it, so nothing ran; a local refusal is the caller's own bound.
            return exc.code != LOCAL_RATE_LIMIT
        if isinstance(exc, TransportError):
            return request.effect == "read" or not exc.request_sent
        if isinstance(exc, ServerError):
            return request.effect == "read"
        return False

    def _headers(self, request: Request, extra: Mapping[str, str] | None) -> dict[str, str]:
        if not request.auth:
            return self._public_headers if not extra else merge_headers(self._public_headers, extra)
        assert self._signer is not None
        ts = self.timestamp()
        body = request.body.decode("utf-8") if request.body else ""
        headers = self._private_headers if not extra else merge_headers(self._private_headers, extra)
        headers = dict(headers)
        headers["ACCESS-TIMESTAMP"] = ts
        headers["ACCESS-SIGN"] = self._signer.sign(prehash(ts, request.method, request.path, request.query, body))
        return headers

    async def _attempt(
        self,
        request: Request,
        options: CallOptions,
        st: RouteStats,
        max_wait: float | None,
        attempt: int,
        progress: _Progress,
    ) -> Any:
        """One try: gate, sign, send, decode.  Everything the gate gave is given back when this
        returns or is cancelled; rate slots stay spent when the request may have been sent."""
        slots = await self.gate.enter(request, st, max_wait)
        sent = was_sent = progress.sent
        try:
            url = f"{self.base_url}{request.path}?{request.query}" if request.query else self.base_url + request.path
            headers = self._headers(request, options.headers)
            st.requests += 1
            st.in_flight += 1
            sent = progress.sent = True
            outcome: object = "cancelled"  # the status, or what ended the attempt (debug log)
            started = time.perf_counter()
            if progress.measure:
                progress.started = self.clock()
            try:
                status, resp_headers, body = await self.backend.send(request.method, url, headers, request.body)
                outcome = status
            except TransportError as exc:
                if not exc.request_sent:
                    sent = False
                    progress.sent = was_sent
                outcome = type(exc).__name__
                exc.method, exc.path, exc.client_oid = request.method, request.path, request.client_oid
                raise
            except ValidationError:
                sent = False
                progress.sent = was_sent
                outcome = "refused"
                raise
            finally:
                if progress.measure:
                    progress.ended = self.clock()
                elapsed = time.perf_counter() - started
                st.in_flight -= 1
                st.latency_seconds += elapsed
                if logger.isEnabledFor(logging.DEBUG):
                    logger.debug(
                        "%s %s -> %s in %.1f ms (attempt %d, rate wait %.1f ms)",
                        request.method, request.name, outcome, elapsed * 1000, attempt, slots.waited * 1000,
                    )
        finally:
            self.gate.leave(request, slots, sent=sent)
        try:
            return request.codec.decode(
                body, status=status, method=request.method, path=request.path, client_oid=request.client_oid,
                retry_after=(
                    parse_retry_after(resp_headers, (options.retry or self.retry_policy).max_retry_after)
                    if status != 200 else None
                ),
            )
        except RateLimitError:
            st.http_429 += 1
            self.gate.count_429(request)
            raise

def parse_retry_after(headers: Mapping[str, str], cap: float) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), capped at ``cap``.

    Anything unreadable is ignored (None: the policy's backoff applies); ``inf``, ``1e9`` or a
    date far ahead become ``cap``, so one bad header cannot wedge a route forever."""
    value = headers.get("Retry-After") or headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - time.time()
    if math.isnan(seconds):
        return None
    return min(max(0.0, seconds), cap)
