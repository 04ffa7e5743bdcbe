"""The transport: rate slot -> concurrency slot -> timestamp -> signature -> HTTP -> codec.

Everything between an endpoint method and the socket happens in ``Transport.send``:

1. a rate slot for the route's (route, scope key) window and the global per-IP window;
2. a concurrency slot (``anyio.CapacityLimiter`` sized to the pool): firing thousands of calls at
   once keeps httpx at its efficient in-flight count instead of collapsing; inside it the send
   itself is paced on the route's limit (``_pace_send``), in case it left later than reserved;
3. the timestamp (``clock() + time offset``) and the signature over the exact bytes sent;
4. the HTTP backend (httpx by default; aiohttp as the ``fast`` extra) which translates its own
   library's exceptions in exactly one place;
5. the route's codec: HTTP status + envelope code -> typed ``data`` or a typed exception.

Retries wrap steps 1-5 per attempt: slots are released before any backoff sleep and acquired
afresh on the next attempt, never nested.  After a 429 the pause (``Retry-After``, else the
backoff) is imposed on the route's rate bucket, so the retry and every other caller wait it out.  Which failures are retried depends on whether the
request may have had an effect (see ``Transport._retryable``); order placement adds a lookup by
``clientOid`` on top (``_orders.py``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal, Protocol

import anyio
import httpx
import msgspec

from ._codec import ResponseCodec
from ._config import Credentials, Limits, RetryPolicy
from ._errors import (
    APIError,
    ClientClosedError,
    ConnectError,
    MissingCredentialsError,
    NetworkError,
    RateLimitError,
    ServerError,
    TimeoutError,
    TimestampError,
    TransportError,
)
from ._ratelimit import (
    LOCAL_RATE_LIMIT,
    RateLimitExceeded,
    RateLimits,
    Reservation,
    WindowLimit,
    acquire_all,
    local_error,
)
from .signing import HmacSigner, RsaSigner, Signer, prehash

__all__ = ["BucketStats", "Call", "HTTPBackend", "HttpxBackend", "RouteStats", "Transport"]

logger = logging.getLogger("bitget_async")

Retry = Literal["read", "write", "order"]


@dataclasses.dataclass(frozen=True, slots=True)
class Call:
    """One request, fully encoded: the bytes here are the bytes signed and sent."""

    method: str
    path: str
    query: str
    body: bytes | None
    auth: bool
    codec: ResponseCodec[Any]
    name: str  # python name of the route, e.g. "spot.market.tickers" ("raw" for request())
    rate_per_s: float | None = None
    scope: str = "IP"
    kind: Retry = "read"
    client_oid: str | None = None


class HTTPBackend(Protocol):
    """The socket side: send bytes, return (status, headers, body); translate library errors."""

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], content: bytes | None
    ) -> tuple[int, Mapping[str, str], bytes]: ...

    async def aclose(self) -> None: ...


class HttpxBackend:
    """Sends through one pooled ``httpx.AsyncClient``; the only place httpx errors are mapped."""

    def __init__(self, client: httpx.AsyncClient, *, owns_client: bool) -> None:
        self.client = client
        self._owns = owns_client

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], content: bytes | None
    ) -> tuple[int, Mapping[str, str], bytes]:
        try:
            response = await self.client.request(method, url, headers=headers, content=content)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            cls = TimeoutError if isinstance(exc, httpx.TimeoutException) else ConnectError
            raise cls(f"could not connect: {type(exc).__name__}", request_sent=False) from None
        except httpx.TimeoutException as exc:
            # Read/write timeouts: the request (or part of it) has left this process.
            raise TimeoutError(f"{type(exc).__name__} after sending", request_sent=True) from None
        except httpx.RequestError as exc:
            # TransportError subclasses (reset, protocol error) and the rest of RequestError
            # (DecodingError on a garbled body, TooManyRedirects from a caller's client): the
            # request went out, no usable answer came back.
            raise NetworkError(
                f"connection failed after sending: {type(exc).__name__}: {exc}", request_sent=True
            ) from None
        return response.status_code, response.headers, response.content

    async def aclose(self) -> None:
        if self._owns:
            await self.client.aclose()


class _ServerTime(msgspec.Struct):
    serverTime: int


_TIME_CODEC: ResponseCodec[_ServerTime] = ResponseCodec(_ServerTime)
_TIME_PATH = "/api/v2/public/time"


@dataclasses.dataclass
class RouteStats:
    """Counters for one route; ``client.stats()["routes"]`` returns these by python name.

    ``requests`` counts attempts handed to the HTTP backend (retries included), ``errors`` failed
    attempts (local rate refusals included), ``in_flight`` this route's attempts on the wire now.
    """

    requests: int = 0
    errors: int = 0
    retries: int = 0
    http_429: int = 0
    rate_waits: int = 0
    rate_wait_seconds: float = 0.0
    latency_seconds: float = 0.0
    in_flight: int = 0


@dataclasses.dataclass
class BucketStats:
    """Counters for one rate-limit key (``route|ip:host``, ``route|uid:<key hash>``, ``global|ip:host``)."""

    acquired: int = 0
    rate_waits: int = 0
    rate_wait_seconds: float = 0.0
    refused: int = 0  # calls refused locally (wait=False, or the wait would exceed max_wait)
    http_429: int = 0
    paused_seconds: float = 0.0  # pauses imposed on this key after the server said 429


class Transport:
    """Owns the HTTP backend, the signer, the limiters and the clock offset of one client."""

    def __init__(
        self,
        *,
        backend: HTTPBackend,
        base_url: str,
        credentials: Credentials | None,
        demo: bool,
        locale: str,
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
        self._rand = rand
        self._closed = False
        self._in_flight = anyio.CapacityLimiter(limits.in_flight)
        self._signer: Signer | None = None
        base_headers = {"Content-Type": "application/json", "locale": locale}
        if demo:
            base_headers["paptrading"] = "1"
        self._public_headers = base_headers
        self._private_headers = dict(base_headers)
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
        self._ip_key = f"ip:{host}"
        uid = hashlib.sha256(credentials.api_key.encode()).hexdigest()[:12] if credentials else "anon"
        self._uid_key = f"uid:{uid}"
        self._stats: dict[str, RouteStats] = {}
        self._buckets: dict[str, BucketStats] = {}
        self._route_limits: dict[str, tuple[str, WindowLimit]] = {}
        self._global_key = f"global|{self._ip_key}"
        self._resync_lock = anyio.Lock()

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        return self._closed

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            await self.backend.aclose()

    # -- introspection ---------------------------------------------------------------------
    @property
    def in_flight(self) -> int:
        return int(self._in_flight.borrowed_tokens)

    def stats(self) -> dict[str, Any]:
        """Counters per route and per rate bucket, the attempts in flight now and the ones queued
        for a concurrency slot (plain data, safe to log)."""
        return {
            "in_flight": self.in_flight,
            "max_in_flight": int(self._in_flight.total_tokens),
            "waiting": self._in_flight.statistics().tasks_waiting,
            "time_offset_ms": self.time_offset_ms,
            "routes": {name: dataclasses.asdict(s) for name, s in sorted(self._stats.items())},
            "buckets": {key: dataclasses.asdict(b) for key, b in sorted(self._buckets.items())},
        }

    def _bucket(self, key: str) -> BucketStats:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = BucketStats()
        return bucket

    def _route_stats(self, name: str) -> RouteStats:
        st = self._stats.get(name)
        if st is None:
            st = self._stats[name] = RouteStats()
        return st

    # -- time ------------------------------------------------------------------------------
    def timestamp(self) -> str:
        return str(self.clock() + self.time_offset_ms)

    async def sync_time(self) -> int:
        """Measure the server clock offset (midpoint of the round trip) and apply it."""
        self.check_open()
        before = self.clock()
        status, _headers, body = await self.backend.send(
            "GET", self.base_url + _TIME_PATH, self._public_headers, None
        )
        after = self.clock()
        data = _TIME_CODEC.decode(body, status=status, method="GET", path=_TIME_PATH)
        self.time_offset_ms = data.serverTime - (before + after) // 2
        logger.debug("time offset %d ms (round trip %d ms)", self.time_offset_ms, after - before)
        return self.time_offset_ms

    # -- sending ---------------------------------------------------------------------------
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

    def _headers(self, call: Call) -> dict[str, str]:
        if not call.auth:
            return self._public_headers
        assert self._signer is not None
        ts = self.timestamp()
        body = call.body.decode("utf-8") if call.body else ""
        headers = dict(self._private_headers)
        headers["ACCESS-TIMESTAMP"] = ts
        headers["ACCESS-SIGN"] = self._signer.sign(prehash(ts, call.method, call.path, call.query, body))
        return headers

    def _route_key(self, call: Call) -> str:
        """The route's rate bucket: one per client IP (host) or per API key, by the route's scope."""
        return self._route_limit(call)[0]

    def _route_limit(self, call: Call) -> tuple[str, WindowLimit]:
        """(bucket key, window) for the call's route, built once per route and client: this runs
        two or three times per request, so nothing here may be rebuilt per call."""
        cached = self._route_limits.get(call.name)
        if cached is None:  # a python name is one route, so its scope and rate never change
            key = f"{call.name}|{self._uid_key if call.scope == 'UID' else self._ip_key}"
            cached = self._route_limits[call.name] = (key, self.rate_limits.limit_for(call.name, call.rate_per_s or 1))
        return cached

    async def _acquire_rate(
        self, call: Call, st: RouteStats, max_wait: float | None
    ) -> list[Reservation]:
        """Rate slots for one attempt: the route's window, then the global per-IP window.

        ``max_wait`` bounds the two waits together.  Anything taken is handed back if a later
        slot is refused or the caller is cancelled, so a call that never sends holds nothing.
        """
        rl = self.rate_limits
        if not rl.enabled:
            return []
        keys: list[tuple[str, WindowLimit]] = []
        if call.rate_per_s:
            keys.append(self._route_limit(call))
        if rl.global_limit is not None:
            keys.append((self._global_key, rl.global_limit))
        try:
            # One step for all keys: a shared limiter reserves them in one round trip.
            taken = await acquire_all(rl.limiter, keys, max_wait)
        except RateLimitExceeded as exc:
            self._bucket(exc.key).refused += 1
            raise local_error(call.name, call.method, call.path, exc) from None
        waited = 0.0
        for (key, _limit), reservation in zip(keys, taken, strict=True):
            waited += reservation.wait
            bucket = self._bucket(key)
            bucket.acquired += 1
            if reservation.wait > 0:
                bucket.rate_waits += 1
                bucket.rate_wait_seconds += reservation.wait
        if waited > 0:
            st.rate_waits += 1
            st.rate_wait_seconds += waited
        return taken

    async def _pace_send(
        self, call: Call, st: RouteStats, reservations: list[Reservation], max_wait: float | None, waited: float
    ) -> float:
        """Hold the send until the route's window, counted on actual send instants, has room.

        Rate slots are reserved before the concurrency gate.  A request that leaves later than
        its reserved instant (queued at the gate, opening a connection, a stall) would go out
        together with the next window's requests and put more than N into one of the server's
        windows: on 127.0.0.1 the cold first burst alone did that.  So the send itself takes a
        slot in a second window on the same limit, keyed ``<route key>|sent``; normally it has
        room and nothing waits.  Returns the seconds waited; the reservation joins the others.
        """
        rl = self.rate_limits
        if not rl.enabled or not call.rate_per_s:
            return 0.0
        key, limit = self._route_limit(call)
        budget = None if max_wait is None else max(0.0, max_wait - waited)
        try:
            reservation = await rl.limiter.acquire(f"{key}|sent", limit, max_wait=budget)
        except RateLimitExceeded as exc:
            self._bucket(key).refused += 1
            raise local_error(call.name, call.method, call.path, exc) from None
        reservations.append(reservation)
        if reservation.wait > 0:
            bucket = self._bucket(key)
            bucket.rate_waits += 1
            bucket.rate_wait_seconds += reservation.wait
            if waited == 0:
                st.rate_waits += 1
            st.rate_wait_seconds += reservation.wait
        return reservation.wait

    async def _attempt(self, call: Call, st: RouteStats, max_wait: float | None, attempt: int) -> Any:
        """One try: rate slots, concurrency slot, sign, send, decode.

        The concurrency slot is released when this returns or is cancelled; rate slots are given
        back unless the request may have reached the server (which then counts it).
        """
        reservations = await self._acquire_rate(call, st, max_wait)
        rate_wait = sum(r.wait for r in reservations)
        sent = False
        gate = self._in_flight
        try:
            # A free slot is taken without a trip through the event loop (CapacityLimiter.acquire
            # always checkpoints: one extra loop iteration per request); only a full gate waits.
            try:
                gate.acquire_nowait()
            except anyio.WouldBlock:
                await gate.acquire()
            try:
                rate_wait += await self._pace_send(call, st, reservations, max_wait, rate_wait)
                url = f"{self.base_url}{call.path}?{call.query}" if call.query else self.base_url + call.path
                headers = self._headers(call)
                st.requests += 1
                st.in_flight += 1
                sent = True
                outcome = "cancelled"
                started = time.perf_counter()
                try:
                    status, resp_headers, body = await self.backend.send(call.method, url, headers, call.body)
                    outcome = str(status)
                except TransportError as exc:
                    sent = exc.request_sent
                    outcome = type(exc).__name__
                    exc.method, exc.path, exc.client_oid = call.method, call.path, call.client_oid
                    raise
                finally:
                    elapsed = time.perf_counter() - started
                    st.in_flight -= 1
                    st.latency_seconds += elapsed
                    if logger.isEnabledFor(logging.DEBUG):
                        logger.debug(
                            "%s %s -> %s in %.1f ms (attempt %d, rate wait %.1f ms)",
                            call.method, call.name, outcome, elapsed * 1000, attempt, rate_wait * 1000,
                        )
            finally:
                gate.release()
        except BaseException:
            if not sent:
                for r in reservations:
                    self.rate_limits.limiter.release(r)
            raise
        try:
            return call.codec.decode(
                body, status=status, method=call.method, path=call.path, client_oid=call.client_oid,
                retry_after=_retry_after(resp_headers) if status != 200 else None,
            )
        except RateLimitError:
            st.http_429 += 1
            if self.rate_limits.enabled and call.rate_per_s:
                self._bucket(self._route_key(call)).http_429 += 1
            raise

    def _penalize(self, call: Call, seconds: float) -> bool:
        """Pause the route's bucket after a 429 (every caller of the route waits, not only the
        refused one).  False when no limiter guards this call, so the caller must sleep itself."""
        rl = self.rate_limits
        if not rl.enabled or not call.rate_per_s:
            return False
        key = self._route_key(call)
        rl.limiter.penalize(key, seconds)
        self._bucket(key).paused_seconds += seconds
        return True

    def _retryable(self, call: Call, exc: BaseException) -> bool:
        """May this failure be retried without risking a second execution?"""
        if isinstance(exc, RateLimitError):
            # The server refused it, so nothing ran; a local refusal is the caller's own bound.
            return exc.code != LOCAL_RATE_LIMIT
        if isinstance(exc, TimestampError):
            return False  # handled by the re-sync path
        if isinstance(exc, TransportError):
            return call.kind == "read" or not exc.request_sent
        if isinstance(exc, ServerError):
            return call.kind == "read"
        return False

    async def send(
        self,
        call: Call,
        *,
        retries: int | RetryPolicy | None = None,
        wait: bool | None = None,
        max_wait: float | None = None,
    ) -> Any:
        """Send ``call`` with rate control and retries; return the typed ``data``.

        Each attempt takes its slots afresh (never nested inside the previous one).  The pause
        between attempts is the server's ``Retry-After`` when given, else capped exponential
        backoff with jitter; after a 429 the pause is imposed on the route's bucket, so the retry
        and every other caller of that route wait it out.
        """
        self.check_open()
        if call.auth:
            self.require_credentials(call.name)
        policy = self.retry_policy
        if isinstance(retries, RetryPolicy):
            policy = retries
        elif retries is not None:
            if retries < 0:
                raise ValueError("retries must be >= 0")
            policy = dataclasses.replace(policy, max_attempts=retries + 1)
        limit_wait = self.rate_limits.effective_max_wait(wait, max_wait)
        st = self._route_stats(call.name)
        attempt = 0
        resynced = False
        while True:
            attempt += 1
            try:
                return await self._attempt(call, st, limit_wait, attempt)
            except TimestampError:
                st.errors += 1
                if resynced or not call.auth:
                    raise
                resynced = True
                async with self._resync_lock:
                    await self.sync_time()
                logger.warning("%s: timestamp rejected; clock re-synced, retrying once", call.name)
                attempt -= 1  # the re-sync retry does not use up the retry budget
                continue
            except (APIError, TransportError) as exc:
                st.errors += 1
                hint = exc.retry_after if isinstance(exc, APIError) else None
                delay = hint if hint is not None else policy.delay(attempt, self._rand)
                throttled = paused = False
                if isinstance(exc, RateLimitError) and exc.code != LOCAL_RATE_LIMIT:
                    throttled = True
                    paused = self._penalize(call, delay)
                    logger.warning(
                        "%s: rate limited by the server (HTTP %d, attempt %d); pausing the route %.2fs",
                        call.name, exc.http_status, attempt, delay,
                    )
                if attempt >= policy.max_attempts or not self._retryable(call, exc):
                    raise
                if throttled and limit_wait is not None and delay > limit_wait:
                    raise  # the caller will not wait that long for a slot
                st.retries += 1
                logger.warning(
                    "%s attempt %d failed (%s); retrying in %.2fs", call.name, attempt, type(exc).__name__, delay
                )
                if not paused:
                    await anyio.sleep(delay)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After") or headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
