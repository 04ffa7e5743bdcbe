"""``RedisRateLimiter``: the sliding windows of ``LocalRateLimiter``, shared through one Redis.

Bitget counts per IP and per account, not per process.  Here every window is a sorted set in
Redis whose scores are reserved send instants in the Redis server's clock, so hosts whose clocks
disagree still share one window.  An acquire reserves one instant on every key it names (the
route window and the global 6,000/min gate together) in one script run (``redis_script.py``), so
a request costs one round trip; concurrent callers in a process are combined into one
``EVALSHA`` (served in their arrival order), and Redis serves the batches of all processes in
the order they arrive.  The connection, its timeouts and what happens while Redis is unreachable
(``on_redis_error``) are ``redis_link.py``'s.

What Redis holds, per window: the reserved instants (members are a random per-limiter token and
a counter) and, after a 429, the pause and slow-down deadlines.  Key names are
``<prefix>:w:<route key>`` (instants) and ``<prefix>:m:<route key>`` (pause), where the route key
is ``<route>|uid:<12 hex of sha256(api key)>`` for account-scoped windows and
``<route>|ip:<api host>@<egress>`` for address-scoped ones.  No API key, secret or passphrase is
ever sent to Redis; every key expires once its window is idle.

The send guard: the transport takes a ``<route key>|sent`` slot right before sending, so a
request that left later than reserved cannot crowd the next window.  Here that check is local
and free: the process's reserved instants are used in order by whichever request is leaving; one
more than ``late_tolerance`` old is handed back and the request takes the next one (a second
round trip only when the process holds none).  Instants are spread evenly over a window by
default (``spacing``), so a stalled process never has a whole burst due at once.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import socket
import time
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING

import anyio

from .._errors import ClientClosedError
from .base import RateLimitExceeded, Reservation, WindowLimit
from .redis_link import Acquire, FailurePolicy, Held, LinkSettings, LocalFallback, LoopState, RedisLink
from .redis_script import US

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["FailurePolicy", "RedisRateLimiter", "RedisReservation"]

_SENT = "|sent"
_STALE = 5.0  # seconds after which an unpaced instant is dropped from the guard's bookkeeping

_EGRESS = re.compile(r"[A-Za-z0-9._:\-\[\]]{1,200}")


@dataclasses.dataclass(eq=False, slots=True)
class RedisReservation(Reservation):
    """A slot held in Redis: ``at`` is the local monotonic instant it may be used, ``members``
    the sorted-set entries to remove if it is given back."""

    members: tuple[str, ...] = ()
    window: str = ""


def _default_egress() -> str:
    return socket.gethostname() or "localhost"


class RedisRateLimiter:
    """Rate windows shared by every process and host that uses the same Redis (asyncio only).

    ``url`` is a redis-py URL (``redis://host:6379/0``, ``rediss://`` for TLS, ``unix://``);
    or pass your own ``redis.asyncio.Redis`` as ``client`` (then you close it).  ``egress``
    names the public address requests leave from: processes with the same egress share the
    per-IP windows (default: this host's name; set the same value on hosts behind one NAT
    address).  ``prefix`` namespaces the keys.  ``timeout`` bounds every Redis operation
    (seconds); after a failure Redis is retried every ``retry_interval`` seconds, and meanwhile
    ``on_redis_error`` applies (``"local"``: per-process windows at ``fallback_share`` of each
    limit, with a warning; ``"fail_closed"``: ``RateLimiterUnavailableError``, nothing sent).
    ``late_tolerance`` is how late after its slot a request may leave before it takes a fresh
    one (keep it below ``RateLimits.margin``).  ``spacing`` keeps consecutive instants on a window
    at least that fraction of its average interval apart: 1.0 (default) spreads a window's N
    evenly, so a stalled process has at most one or two sends due at once instead of a burst;
    0 allows bursts of N as the in-memory limiter does.  The window bound and the throughput are
    the same either way; what changes is how much of the 50 ms margin a stall may eat.  After a
    429 a key is paused for the server's hint and runs at half rate for ``slowdown_seconds``, for
    every process.

    Use ``async with RedisRateLimiter(...)`` or ``await limiter.aclose()`` to hand back releases
    not yet written and close the connection.
    """

    def __init__(
        self,
        url: str = "redis://localhost:6379/0",
        *,
        client: Redis | None = None,
        egress: str | None = None,
        prefix: str = "bitget_async",
        on_redis_error: FailurePolicy = "local",
        timeout: float = 0.5,
        retry_interval: float = 1.0,
        late_tolerance: float = 0.025,
        spacing: float = 1.0,
        slowdown_seconds: float = 60.0,
        fallback_share: float = 1.0,
    ) -> None:
        try:
            import redis.asyncio  # noqa: F401  (checked here, used per event loop)
        except ImportError:  # pragma: no cover - exercised only without the extra
            raise ImportError(
                "RedisRateLimiter needs redis-py: pip install 'bitget-async[redis]'"
            ) from None
        if on_redis_error not in ("local", "fail_closed"):
            raise ValueError(f"on_redis_error must be 'local' or 'fail_closed', got {on_redis_error!r}")
        for name, value in (("timeout", timeout), ("retry_interval", retry_interval)):
            if not value > 0:
                raise ValueError(f"RedisRateLimiter {name} must be > 0")
        if late_tolerance < 0 or slowdown_seconds < 0:
            raise ValueError("RedisRateLimiter late_tolerance and slowdown_seconds must be >= 0")
        if not 0 <= spacing <= 1:
            raise ValueError("RedisRateLimiter spacing must be in [0, 1]")
        if not 0 < fallback_share <= 1:
            raise ValueError("RedisRateLimiter fallback_share must be in (0, 1]")
        egress = _default_egress() if egress is None else egress
        if not _EGRESS.fullmatch(egress):
            raise ValueError(f"RedisRateLimiter egress must be a host name or address, got {egress!r}")
        if not re.fullmatch(r"[A-Za-z0-9_.:\-{}]{1,100}", prefix):
            raise ValueError(f"RedisRateLimiter prefix must be 1-100 of [A-Za-z0-9_.:-{{}}], got {prefix!r}")
        self.egress = egress
        self.prefix = prefix
        self.on_redis_error: FailurePolicy = on_redis_error
        self._late = late_tolerance
        self._fallback = LocalFallback(on_redis_error, fallback_share, slowdown_seconds)
        settings = LinkSettings(timeout, retry_interval, spacing, int(slowdown_seconds * US), egress)
        self._link = RedisLink(url, client, settings, self._fallback, self._held)
        self._token = secrets.token_hex(4)
        self._seq = 0
        self._names: dict[str, str] = {}
        self._unsent: dict[str, deque[RedisReservation]] = {}
        self._closed = False
        # Counters (plain data, for tests, dashboards and the benchmark); the link counts its own.
        self.waits = 0
        self.wait_seconds = 0.0
        self.late_resends = 0

    @property
    def round_trips(self) -> int:
        """Script runs answered by Redis."""
        return self._link.round_trips

    @property
    def failures(self) -> int:
        """Redis operations that failed or timed out."""
        return self._link.failures

    @property
    def fallbacks(self) -> int:
        """Slots served by this process's own windows while Redis was unreachable."""
        return self._fallback.count

    def __repr__(self) -> str:
        return (
            f"RedisRateLimiter({self._link.where!r}, egress={self.egress!r}, prefix={self.prefix!r}, "
            f"on_redis_error={self.on_redis_error!r})"
        )

    # -- lifecycle --------------------------------------------------------------------------
    async def __aenter__(self) -> RedisRateLimiter:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Write releases and penalties not yet sent (best effort, bounded by ``timeout``), then
        close the connection this limiter opened."""
        if self._closed:
            return
        self._closed = True
        await self._link.aclose()

    # -- the RateLimiter protocol -----------------------------------------------------------
    async def acquire(
        self, key: str, limit: WindowLimit, *, cost: int = 1, max_wait: float | None = None
    ) -> Reservation:
        if key.endswith(_SENT):
            return await self._pace(key, limit, cost, max_wait)
        return (await self.acquire_many([(key, limit)], cost=cost, max_wait=max_wait))[0]

    async def acquire_many(
        self, keys: Sequence[tuple[str, WindowLimit]], *, cost: int = 1, max_wait: float | None = None
    ) -> list[Reservation]:
        """One instant on every key, reserved in one round trip (see ``BatchRateLimiter``)."""
        for _key, limit in keys:
            if cost > limit.count:
                raise ValueError(f"cost {cost} exceeds the window size {limit.count}")
        if not keys:
            return []
        state = self._loop_state()
        reason = self._link.down()
        if reason is not None:
            return await self._fallback.acquire(keys, cost, max_wait, reason)
        return await self._reserve(state, keys, cost, max_wait, track=True)

    async def _reserve(
        self,
        state: LoopState,
        keys: Sequence[tuple[str, WindowLimit]],
        cost: int,
        max_wait: float | None,
        *,
        track: bool,
    ) -> list[Reservation]:
        self._seq += 1
        op = Acquire([(k, self._window(k), limit) for k, limit in keys], cost, max_wait, f"{self._token}.{self._seq:x}")
        await self._link.submit(state, op)
        if op.error is not None:
            return await self._fallback.acquire(keys, cost, max_wait, op.error)
        return await self._granted(op, keys[0][0], track=track)

    def release(self, reservation: Reservation) -> None:
        if not isinstance(reservation, RedisReservation):
            self._fallback.local.release(reservation)
            return
        pending = self._unsent.get(reservation.key)
        if pending is not None:
            try:
                pending.remove(reservation)
            except ValueError:
                pass
        if reservation.members:
            self._link.release(reservation.window, reservation.members)
            reservation.members = ()

    def penalize(self, key: str, seconds: float) -> None:
        """Pause ``key`` for every sharer: sent to Redis ahead of this process's next acquire
        (normally the retry right after the 429), and applied to the fallback windows now."""
        self._fallback.local.penalize(key, seconds)
        self._link.penalize(self._window(key), time.monotonic() + seconds)

    # -- internals --------------------------------------------------------------------------
    def _loop_state(self) -> LoopState:
        if self._closed:
            raise ClientClosedError("this RedisRateLimiter is closed; create a new one")
        return self._link.loop_state()

    def _window(self, key: str) -> str:
        name = self._names.get(key)
        if name is None:
            # Account windows are global to the account; address windows belong to one egress.
            scope = key if "|uid:" in key else f"{key}@{self.egress}"
            name = self._names[key] = f"{self.prefix}:w:{scope}"
        return name

    def _held(self, now: float) -> Held:
        """What to write into Redis when it is back: the slots this process sent on its own
        meanwhile and the instants it still holds from before (relative to ``now``)."""
        held: Held = {}
        for key, rel in self._fallback.local.recent().items():
            if not key.endswith(_SENT):
                self._seq += 1
                names = [f"{self._token}.{self._seq:x}:{j}" for j in range(len(rel))]
                held[self._window(key)] = (list(rel), names)
        for key, pending in self._unsent.items():
            for r in pending:
                if r.members and r.at > now:
                    rels, names = held.setdefault(self._window(key), ([], []))
                    rels += [r.at - now] * len(r.members)
                    names += r.members
        return held

    async def _granted(self, op: Acquire, first_key: str, *, track: bool) -> list[Reservation]:
        if op.at_us < 0:
            raise RateLimitExceeded(first_key, -op.at_us / US)
        wait = (op.at_us - op.now_us) / US
        due = op.mid + wait
        members = op.members()
        out: list[Reservation] = []
        now = time.monotonic()
        for key, window, _limit in op.keys:
            r = RedisReservation(key, due, op.cost, wait, members, window)
            out.append(r)
            if not track:
                continue  # a slot taken by the send guard itself: used by its caller only
            pending = self._unsent.setdefault(key, deque())
            # Keys nobody paces (the global gate) keep only recent entries: bookkeeping only.
            while pending and now - pending[0].at > _STALE:
                pending.popleft()
            pending.append(r)
        delay = due - time.monotonic()
        if wait > 0:
            self.waits += 1
            self.wait_seconds += wait
        if delay > 0:
            try:
                await anyio.sleep(delay)
            except BaseException:
                for held in out:
                    self.release(held)
                raise
        return out

    async def _pace(self, key: str, limit: WindowLimit, cost: int, max_wait: float | None) -> Reservation:
        """The send guard for ``<route key>|sent``: free when requests leave on time.

        This process's reserved instants on the route are used in order by whichever request is
        about to leave (which one does not matter, only that every send stands on an instant the
        shared schedule granted).  An instant more than ``late_tolerance`` in the past can no
        longer be used safely: it is given back, and the request takes the next one, waiting for
        it if it lies ahead; only when none is left does it reserve a fresh one (a round trip).
        """
        base = key[: -len(_SENT)]
        if self._link.outage and self.on_redis_error == "local":
            return await self._fallback.local.acquire(key, limit, cost=cost, max_wait=max_wait)
        pending = self._unsent.setdefault(base, deque())
        now = time.monotonic()
        while pending and now - pending[0].at > self._late:
            self.release(pending[0])  # removes it from ``pending`` and hands the instant back
            self.late_resends += 1
        if pending:
            slot = pending.popleft()
        else:
            # Every instant this process held was used or had gone stale: queue for a fresh one.
            state = self._loop_state()
            reason = self._link.down()
            if reason is not None:
                return (await self._fallback.acquire([(base, limit)], cost, max_wait, reason))[0]
            fresh = (await self._reserve(state, [(base, limit)], cost, max_wait, track=False))[0]
            if not isinstance(fresh, RedisReservation):
                return fresh  # Redis went away meanwhile: a fallback slot on the route window
            fresh.key = key
            return fresh  # already waited for in _granted
        # The instant now belongs to this send: if it does not go out, it is given back from here.
        used = RedisReservation(key, slot.at, slot.cost, 0.0, slot.members, slot.window)
        slot.members = ()
        delay = used.at - time.monotonic()
        if delay > 0:
            if max_wait is not None and delay > max_wait + 1e-9:
                self.release(used)
                raise RateLimitExceeded(key, delay)
            try:
                await anyio.sleep(delay)
            except BaseException:
                self.release(used)
                raise
        used.wait = max(0.0, delay)
        return used
