"""The connection to Redis behind ``RedisRateLimiter``, and what a caller gets when it fails.

``RedisLink`` combines the concurrent callers of one process into one script run (served in
their arrival order), maps the server's clock onto this process's, and bounds every Redis
operation by ``timeout``.  A failure opens a circuit for ``retry_interval`` seconds; meanwhile
``LocalFallback`` applies ``on_redis_error``: ``"local"`` runs this process's own windows
(``fallback_share`` of each limit) with a warning, ``"fail_closed"`` raises
``RateLimiterUnavailable`` (nothing is sent).  When Redis answers again (perhaps restarted
empty), the instants this process still holds and what it sent on its own meanwhile are written
into the shared windows before new slots.

redis-py's connections belong to the event loop that opened them, and its asyncio client runs on
asyncio only: on trio the first acquire raises ``UnsupportedAsyncLibraryError``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import math
import re
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

import anyio
import sniffio

from .._errors import UnsupportedAsyncLibraryError
from .base import RateLimiterUnavailable, Reservation, WindowLimit
from .local import LocalRateLimiter
from .redis_script import US, ScriptCall

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["Acquire", "FailurePolicy", "Held", "LinkSettings", "LocalFallback", "LoopState", "RedisLink", "ServerClock"]

logger = logging.getLogger("bitget_async")

FailurePolicy = Literal["local", "fail_closed"]

# Per window: instants relative to now (seconds) and their member names, to write after an outage.
Held = dict[str, tuple[list[float], list[str]]]


class Acquire:
    """One caller's request inside a combined batch."""

    __slots__ = ("abandoned", "at_us", "cost", "done", "error", "keys", "max_wait_us", "mid", "now_us", "token")

    def __init__(self, keys: list[tuple[str, str, WindowLimit]], cost: int, max_wait: float | None, token: str):
        self.keys = keys  # (limiter key, redis window key, limit)
        self.cost = cost
        self.max_wait_us = -1 if max_wait is None else int(max_wait * US)
        self.token = token
        self.done = False
        self.abandoned = False
        self.error: str | None = None
        self.at_us = 0
        self.now_us = 0
        self.mid = 0.0

    def members(self) -> tuple[str, ...]:
        return tuple(f"{self.token}:{c}" for c in range(1, self.cost + 1))


class ServerClock:
    """Maps Redis ``TIME`` onto this process's monotonic clock.

    Each round trip brackets the server's instant between send and reply, so the offset is known
    to within half the round trip; the tightest recent one wins.  An old estimate's error grows
    with the drift between the two clocks (assumed at most 100 ppm), so a looser but fresher
    round trip replaces it once that is the better bound.  One slow reply (a busy loop, a
    reconnect) therefore cannot shift this process's send instants against everyone else's.
    """

    __slots__ = ("at", "error", "offset")
    DRIFT = 1e-4

    def __init__(self) -> None:
        self.offset = 0.0
        self.error = math.inf
        self.at = 0.0

    def sample(self, server: float, started: float, ended: float) -> float:
        error = (ended - started) / 2
        if error <= self.error + (ended - self.at) * self.DRIFT:
            self.offset, self.error, self.at = server - (started + ended) / 2, error, ended
        return self.offset


@dataclasses.dataclass
class LoopState:
    """What is bound to one event loop: redis-py's connections and the batch lock."""

    loop: asyncio.AbstractEventLoop
    client: Redis
    lock: anyio.Lock
    queue: list[Acquire] = dataclasses.field(default_factory=list)


class LocalFallback:
    """What callers get while Redis is unreachable, by ``policy`` (``on_redis_error``)."""

    def __init__(self, policy: FailurePolicy, share: float, slowdown_seconds: float) -> None:
        self.policy: FailurePolicy = policy
        self._share = share
        self._slowdown = slowdown_seconds
        self.local = LocalRateLimiter(slowdown_seconds=slowdown_seconds)
        self.count = 0  # slots served by the fallback

    async def acquire(
        self, keys: Sequence[tuple[str, WindowLimit]], cost: int, max_wait: float | None, reason: str
    ) -> list[Reservation]:
        """This process's share of every window, at one instant; or refuse, failing closed."""
        if self.policy == "fail_closed":
            raise RateLimiterUnavailable(keys[0][0], reason)
        self.count += 1
        share = self._share
        mine = [(key, limit if share == 1 else limit.share(share)) for key, limit in keys]
        return await self.local.acquire_many(mine, cost=cost, max_wait=max_wait)

    def reset(self) -> None:
        """Back on Redis: what was sent meanwhile is in the shared windows now."""
        self.local = LocalRateLimiter(slowdown_seconds=self._slowdown)


@dataclasses.dataclass(frozen=True)
class LinkSettings:
    """How a link talks to Redis: ``timeout`` bounds every operation, ``retry_interval`` is how
    long the circuit stays open; ``spacing`` and ``slowdown_us`` go into every batch; ``egress``
    names this process's address in the log."""

    timeout: float
    retry_interval: float
    spacing: float
    slowdown_us: int
    egress: str


class RedisLink:
    """One Redis for every event loop this limiter runs on: batches, server time, the circuit.

    ``held(now)`` names the instants to write into the shared windows when Redis is back after
    an outage; ``fallback`` is reset once they are written.
    """

    def __init__(
        self, url: str, client: Redis | None, settings: LinkSettings, fallback: LocalFallback, held: Callable[[float], Held]
    ) -> None:
        self._url, self._given_client = url, client
        self._settings = settings
        self._fallback, self._held = fallback, held
        self._state: LoopState | None = None
        self._server_clock = ServerClock()
        self._releases: list[tuple[str, tuple[str, ...]]] = []
        self._penalties: dict[str, float] = {}  # window -> local deadline of its pause
        self._down_until, self._down_reason = 0.0, ""  # the circuit: open until when, and why
        self.outage = False
        self._needs_import = False
        # Counters (plain data, for tests, dashboards and the benchmark).
        self.round_trips = 0
        self.failures = 0

    @property
    def where(self) -> str:
        """The server as a repr may show it: a URL's password masked."""
        return "client" if self._given_client is not None else re.sub(r"//[^@/]*@", "//***@", self._url)

    def down(self) -> str | None:
        """The last failure's reason while Redis is not to be tried again yet, else None."""
        return self._down_reason if time.monotonic() < self._down_until else None

    def release(self, window: str, members: tuple[str, ...]) -> None:
        """Hand ``members`` back with this process's next batch (release must not block)."""
        self._releases.append((window, members))

    def penalize(self, window: str, deadline: float) -> None:
        """Pause ``window`` until the local instant ``deadline``, sent with the next batch."""
        old = self._penalties.get(window)
        if old is None or deadline > old:
            self._penalties[window] = deadline

    def loop_state(self) -> LoopState:
        try:
            library = sniffio.current_async_library()
        except sniffio.AsyncLibraryNotFoundError:
            library = "none"
        if library != "asyncio":
            raise UnsupportedAsyncLibraryError(
                f"RedisRateLimiter runs on asyncio only (redis-py's asyncio client); this is {library}: "
                "use LocalRateLimiter on trio, or run the client under asyncio"
            )
        loop = asyncio.get_running_loop()
        state = self._state
        if state is None or state.loop is not loop:
            # redis-py's connections belong to the loop that opened them: a new loop gets its own.
            self._state = state = LoopState(loop, self._make_client(), anyio.Lock())
        return state

    def _make_client(self) -> Redis:
        if self._given_client is not None:
            return self._given_client
        from redis.asyncio import Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        return Redis.from_url(
            self._url,
            socket_timeout=self._settings.timeout,
            socket_connect_timeout=self._settings.timeout,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=0,
        )

    async def aclose(self) -> None:
        """Write releases and penalties not yet sent (best effort, bounded by ``timeout``), then
        close the connection this link opened."""
        state = self._state
        self._state = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not on asyncio (the limiter was never usable here)
            return
        if state is None or state.loop is not loop:
            return
        if self._releases or self._penalties:
            try:
                async with state.lock:
                    await self._run_batch(state, [])
            except Exception:  # pragma: no cover - reported by _run_batch's warning already
                pass
        if self._given_client is None:
            await state.client.aclose()

    async def submit(self, state: LoopState, op: Acquire) -> None:
        """Run ``op`` in the next batch: whoever holds the lock sends everything queued."""
        state.queue.append(op)
        lock = state.lock
        try:
            try:
                lock.acquire_nowait()  # no extra trip through the event loop when uncontended
            except anyio.WouldBlock:
                await lock.acquire()
            try:
                if not op.done:
                    batch, state.queue = state.queue, []
                    await self._run_batch(state, batch)
            finally:
                lock.release()
        except BaseException:
            if op in state.queue:
                state.queue.remove(op)
            elif op.done:
                if op.error is None and op.at_us >= 0:
                    self._release_op(op)
            else:
                op.abandoned = True  # in a batch in flight: released when its answer arrives
            raise

    def _release_op(self, op: Acquire) -> None:
        members = op.members()
        for _key, window, _limit in op.keys:
            self._releases.append((window, members))

    async def _run_batch(self, state: LoopState, batch: list[Acquire]) -> None:
        call = ScriptCall()
        releases, self._releases = self._releases, []
        penalties, self._penalties = self._penalties, {}
        now = time.monotonic()
        for window, members in releases:
            call.release(window, members)
        for window, deadline in penalties.items():
            left = deadline - now
            if left > 0:
                call.penalty(window, int(left * US), self._settings.slowdown_us)
        imported = self._needs_import
        if imported:
            # Back after an outage (Redis may have restarted empty): first write what this
            # process sent on its own meanwhile, and the instants it still holds from before.
            for window, (rels, names) in self._held(now).items():
                # Kept at least a minute: long enough for the global gate's window.
                call.held(window, max(60.0, 1.0 - min(0.0, *rels)), rels, names)
        for op in batch:
            call.acquire([(window, limit) for _key, window, limit in op.keys], op.cost, op.max_wait_us, op.token,
                         self._settings.spacing)
        if call.n_ops == 0:
            return
        try:
            if self._server_clock.error == math.inf:
                # The first command also opens the connection: sample the clock on a cheap TIME
                # once it is open, so the offset is not skewed by the handshake.
                await self._time(state.client)
            started = time.monotonic()
            with anyio.fail_after(self._settings.timeout):
                reply = await call.run(state.client)
        except BaseException as exc:
            # Nothing known about what ran: hand back whatever it may have reserved, keep the
            # penalties, and let the callers decide by policy (or retry, if we were cancelled).
            self._releases[:0] = releases
            for window, deadline in penalties.items():
                self.penalize(window, deadline)
            for op in batch:
                self._release_op(op)
            if not isinstance(exc, Exception):
                # Cancelled mid-flight: the other callers' requests go out with the next batch.
                state.queue[:0] = [op for op in batch if not op.abandoned]
                raise
            reason = self._failed(exc)
            for op in batch:
                op.error = reason
                op.done = True
            return
        ended = time.monotonic()
        self._answered(imported)
        now_us = int(reply[0])
        # The local instant the script ran at, by the best estimate of the server clock.
        mid = now_us / US - self._server_clock.sample(now_us / US, started, ended)
        for op, value in zip(batch, reply[1:], strict=True):
            op.now_us, op.at_us, op.mid = now_us, int(value), mid
            op.done = True
            if op.abandoned and op.at_us >= 0:
                self._release_op(op)

    async def _time(self, client: Redis) -> None:
        with anyio.fail_after(self._settings.timeout):
            await client.time()
            started = time.monotonic()
            seconds, micros = await client.time()
        self._server_clock.sample(seconds + micros / US, started, time.monotonic())

    def _answered(self, imported: bool) -> None:
        self.round_trips += 1
        if self.outage:
            self.outage = False
            logger.warning("Redis rate limiter reachable again: shared windows resumed (egress %s)", self._settings.egress)
        if imported:
            self._needs_import = False
            self._fallback.reset()

    def _failed(self, exc: BaseException) -> str:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        self.failures += 1
        self._down_until = time.monotonic() + self._settings.retry_interval
        self._down_reason = reason
        self._server_clock = ServerClock()  # the server may come back as another host: re-sample
        if not self.outage:
            self.outage = True
            action = "falling back to per-process windows" if self._fallback.policy == "local" else "failing closed"
            logger.warning("Redis rate limiter unreachable (%s): %s for %.1fs", reason, action, self._settings.retry_interval)
        self._needs_import = True
        return reason

