"""``RedisRateLimiter``: the sliding windows of ``LocalRateLimiter``, shared through one Redis.

Bitget counts per IP and per account, not per process.  Here every window is a sorted set in
Redis whose scores are reserved send instants in the Redis server's clock (``TIME`` inside the
script), so hosts whose clocks disagree still share one window.  One Lua script does a whole
batch atomically: pending releases and 429 penalties first, then each acquire in order.  An
acquire reserves one instant on every key it names (the route window and the global 6,000/min
gate together), so a request costs one round trip; concurrent callers in a process are combined
into one ``EVALSHA`` (served in their arrival order), and Redis serves the batches of all
processes in the order they arrive.

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

Faults: every Redis operation has a deadline (``timeout``).  A failure opens a circuit for
``retry_interval`` seconds, during which ``on_redis_error`` decides: ``"local"`` runs this
process's own windows (``fallback_share`` of each limit) with a warning, ``"fail_closed"``
raises ``RateLimiterUnavailable`` (the caller sees ``RateLimiterUnavailableError``, nothing is
sent).  When Redis answers again (perhaps restarted empty), the instants this process still holds
and what it sent on its own meanwhile are written into the shared windows before new slots.  A restarted Redis reloads the script on the first
``NOSCRIPT``.

redis-py's asyncio client runs on asyncio only: on trio the first acquire raises
``UnsupportedAsyncLibraryError``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import math
import re
import secrets
import socket
import time
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import anyio
import sniffio

from .._errors import ClientClosedError, UnsupportedAsyncLibraryError
from .base import RateLimiterUnavailable, RateLimitExceeded, Reservation, WindowLimit
from .local import LocalRateLimiter

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["FailurePolicy", "RedisRateLimiter", "RedisReservation"]

logger = logging.getLogger("bitget_async")

FailurePolicy = Literal["local", "fail_closed"]

_SENT = "|sent"
_STALE = 5.0  # seconds after which an unpaced instant is dropped from the guard's bookkeeping
_US = 1_000_000

# ARGV: n_ops, then ops.  R kidx n m1..mn | P kidx block_us slow_us | I kidx period_us n rel1..reln m1..mn
# | A nkeys (kidx count period_us gap_us)*nkeys cost max_wait_us token.  KEYS: (window, meta) pairs; kidx
# points at the window, kidx+1 at its meta hash.  Reply: now_us, then per A op the reserved
# instant (µs) or minus the wait when it exceeds max_wait.
_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local out = {now}
local i = 2
local function keep(key, ms)
  if redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, ms) end
end
-- The earliest instant >= at where cost more fit when placed after every instant already held.
local function fifo(z, count, period, gap, cost, at)
  local n = redis.call('ZCARD', z)
  if n > 0 then
    local newest = tonumber(redis.call('ZRANGE', z, -1, -1, 'WITHSCORES')[2]) + gap
    if newest > at then at = newest end
  end
  for c = 0, cost - 1 do
    local idx = n + c
    if idx >= count then
      local e = tonumber(redis.call('ZRANGE', z, idx - count, idx - count, 'WITHSCORES')[2]) + period
      if e > at then at = e end
    end
  end
  return at
end
for _ = 1, tonumber(ARGV[1]) do
  local kind = ARGV[i]
  if kind == 'R' then
    local z = KEYS[tonumber(ARGV[i + 1])]
    local n = tonumber(ARGV[i + 2])
    for j = 1, n do redis.call('ZREM', z, ARGV[i + 2 + j]) end
    i = i + 3 + n
  elseif kind == 'P' then
    local m = KEYS[tonumber(ARGV[i + 1]) + 1]
    local b = now + tonumber(ARGV[i + 2])
    local s = b + tonumber(ARGV[i + 3])
    local cur = redis.call('HMGET', m, 'b', 's')
    if b > (tonumber(cur[1]) or 0) then redis.call('HSET', m, 'b', b) end
    if s > (tonumber(cur[2]) or 0) then redis.call('HSET', m, 's', s) end
    keep(m, math.ceil((s - now) / 1000) + 1000)
    i = i + 4
  elseif kind == 'I' then
    local z = KEYS[tonumber(ARGV[i + 1])]
    local period = tonumber(ARGV[i + 2])
    local n = tonumber(ARGV[i + 3])
    local last = now
    for j = 1, n do
      local at = now + tonumber(ARGV[i + 3 + j])
      if at > now - period then
        redis.call('ZADD', z, at, ARGV[i + 3 + n + j])
        if at > last then last = at end
      end
    end
    keep(z, math.ceil((last - now + period) / 1000) + 1000)
    i = i + 4 + 2 * n
  else
    local nk = tonumber(ARGV[i + 1])
    local base = i + 2
    local cost = tonumber(ARGV[base + 4 * nk])
    local max_wait = tonumber(ARGV[base + 4 * nk + 1])
    local token = ARGV[base + 4 * nk + 2]
    local at = now
    local zs, counts, periods, gaps = {}, {}, {}, {}
    for k = 0, nk - 1 do
      local kk = tonumber(ARGV[base + 4 * k])
      zs[k] = KEYS[kk]
      counts[k] = tonumber(ARGV[base + 4 * k + 1])
      local period = tonumber(ARGV[base + 4 * k + 2])
      gaps[k] = tonumber(ARGV[base + 4 * k + 3])
      local st = redis.call('HMGET', KEYS[kk + 1], 'b', 's')
      if now < (tonumber(st[2]) or 0) then period = period * 2 end
      periods[k] = period
      local blocked = tonumber(st[1]) or 0
      if blocked > at then at = blocked end
      redis.call('ZREMRANGEBYSCORE', zs[k], '-inf', now - period)
    end
    -- The first key is served in order: never before its newest instant.
    at = fifo(zs[0], counts[0], periods[0], gaps[0], cost, at)
    -- The others (the global gate) take the same instant when it fits: no window containing it
    -- can be full if fewer than count instants lie within one period either side.  Otherwise
    -- they too queue in order, which moves the instant later (still valid for the keys before).
    local queued = {}
    for _ = 1, nk do
      local moved = false
      for k = 1, nk - 1 do
        if not queued[k] then
          local p = periods[k]
          local near = redis.call('ZCOUNT', zs[k], '(' .. (at - p), '(' .. (at + p))
          if near + cost > counts[k] then
            queued[k] = true
            local later = fifo(zs[k], counts[k], p, gaps[k], cost, at)
            if later > at then at = later; moved = true end
          end
        end
      end
      if not moved then break end
    end
    if max_wait >= 0 and at - now > max_wait then
      out[#out + 1] = now - at
    else
      for k = 0, nk - 1 do
        for c = 1, cost do redis.call('ZADD', zs[k], at, token .. ':' .. c) end
        keep(zs[k], math.ceil((at - now + periods[k]) / 1000) + 1000)
      end
      out[#out + 1] = at
    end
    i = base + 4 * nk + 3
  end
end
return out
"""
_SHA = hashlib.sha1(_SCRIPT.encode()).hexdigest()

_EGRESS = re.compile(r"[A-Za-z0-9._:\-\[\]]{1,200}")


@dataclasses.dataclass(eq=False, slots=True)
class RedisReservation(Reservation):
    """A slot held in Redis: ``at`` is the local monotonic instant it may be used, ``members``
    the sorted-set entries to remove if it is given back."""

    members: tuple[str, ...] = ()
    window: str = ""


class _Acquire:
    """One caller's request inside a combined batch."""

    __slots__ = ("abandoned", "at_us", "cost", "done", "error", "keys", "max_wait_us", "mid", "now_us", "token")

    def __init__(self, keys: list[tuple[str, str, WindowLimit]], cost: int, max_wait: float | None, token: str):
        self.keys = keys  # (limiter key, redis window key, limit)
        self.cost = cost
        self.max_wait_us = -1 if max_wait is None else int(max_wait * _US)
        self.token = token
        self.done = False
        self.abandoned = False
        self.error: str | None = None
        self.at_us = 0
        self.now_us = 0
        self.mid = 0.0

    def members(self) -> tuple[str, ...]:
        return tuple(f"{self.token}:{c}" for c in range(1, self.cost + 1))


class _ServerClock:
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
class _LoopState:
    """What is bound to one event loop: redis-py's connections and the batch lock."""

    loop: asyncio.AbstractEventLoop
    client: Redis
    lock: anyio.Lock
    queue: list[_Acquire] = dataclasses.field(default_factory=list)


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
    the same either way; what changes is how much of the 50 ms margin a stall may eat.  After a 429 a key is paused for the server's hint
    and runs at half rate for ``slowdown_seconds``, for every process.

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
        self._url = url
        self._own_client = client is None
        self._given_client = client
        self.egress = egress
        self.prefix = prefix
        self.on_redis_error: FailurePolicy = on_redis_error
        self._timeout = timeout
        self._retry_interval = retry_interval
        self._late = late_tolerance
        self._slowdown_us = int(slowdown_seconds * _US)
        self._share = fallback_share
        self._spacing = spacing
        self._local = LocalRateLimiter(slowdown_seconds=slowdown_seconds)
        self._state: _LoopState | None = None
        self._server_clock = _ServerClock()
        self._token = secrets.token_hex(4)
        self._seq = 0
        self._names: dict[str, tuple[str, str]] = {}
        self._releases: list[tuple[str, tuple[str, ...]]] = []
        self._penalties: dict[str, tuple[float, float]] = {}  # key -> (local deadline, seconds)
        self._unsent: dict[str, deque[RedisReservation]] = {}
        self._down_until = 0.0
        self._down_reason = ""
        self._outage = False
        self._needs_import = False
        self._closed = False
        # Counters (plain data, for tests, dashboards and the benchmark).
        self.round_trips = 0
        self.waits = 0
        self.wait_seconds = 0.0
        self.fallbacks = 0
        self.late_resends = 0
        self.failures = 0

    def __repr__(self) -> str:
        where = "client" if self._given_client is not None else re.sub(r"//[^@/]*@", "//***@", self._url)
        return (
            f"RedisRateLimiter({where!r}, egress={self.egress!r}, prefix={self.prefix!r}, "
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
        if self._own_client:
            await state.client.aclose()

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
        if time.monotonic() < self._down_until:
            return await self._fallback(keys, cost, max_wait, self._down_reason)
        return await self._reserve(state, keys, cost, max_wait, track=True)

    async def _reserve(
        self,
        state: _LoopState,
        keys: Sequence[tuple[str, WindowLimit]],
        cost: int,
        max_wait: float | None,
        *,
        track: bool,
    ) -> list[Reservation]:
        op = self._new_op(keys, cost, max_wait)
        await self._submit(state, op)
        if op.error is not None:
            return await self._fallback(keys, cost, max_wait, op.error)
        return await self._granted(op, keys[0][0], track=track)

    def release(self, reservation: Reservation) -> None:
        if not isinstance(reservation, RedisReservation):
            self._local.release(reservation)
            return
        pending = self._unsent.get(reservation.key)
        if pending is not None:
            try:
                pending.remove(reservation)
            except ValueError:
                pass
        if reservation.members:
            # Written with this process's next batch: release is synchronous and must not block.
            self._releases.append((reservation.window, reservation.members))
            reservation.members = ()

    def penalize(self, key: str, seconds: float) -> None:
        """Pause ``key`` for every sharer: sent to Redis ahead of this process's next acquire
        (normally the retry right after the 429), and applied to the fallback windows now."""
        self._local.penalize(key, seconds)
        deadline = time.monotonic() + seconds
        old = self._penalties.get(key)
        if old is None or deadline > old[0]:
            self._penalties[key] = (deadline, seconds)

    # -- internals --------------------------------------------------------------------------
    def _loop_state(self) -> _LoopState:
        if self._closed:
            raise ClientClosedError("this RedisRateLimiter is closed; create a new one")
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
            self._state = state = _LoopState(loop, self._make_client(), anyio.Lock())
        return state

    def _make_client(self) -> Redis:
        if self._given_client is not None:
            return self._given_client
        from redis.asyncio import Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        return Redis.from_url(
            self._url,
            socket_timeout=self._timeout,
            socket_connect_timeout=self._timeout,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=0,
        )

    def _window(self, key: str) -> tuple[str, str]:
        names = self._names.get(key)
        if names is None:
            # Account windows are global to the account; address windows belong to one egress.
            scope = key if "|uid:" in key else f"{key}@{self.egress}"
            names = self._names[key] = (f"{self.prefix}:w:{scope}", f"{self.prefix}:m:{scope}")
        return names

    def _new_op(self, keys: Sequence[tuple[str, WindowLimit]], cost: int, max_wait: float | None) -> _Acquire:
        self._seq += 1
        return _Acquire(
            [(k, self._window(k)[0], limit) for k, limit in keys], cost, max_wait, f"{self._token}.{self._seq:x}"
        )

    async def _submit(self, state: _LoopState, op: _Acquire) -> None:
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

    def _release_op(self, op: _Acquire) -> None:
        members = op.members()
        for _key, window, _limit in op.keys:
            self._releases.append((window, members))

    async def _run_batch(self, state: _LoopState, batch: list[_Acquire]) -> None:
        keys: list[str] = []
        index: dict[str, int] = {}

        def kidx(window: str) -> int:
            at = index.get(window)
            if at is None:
                at = index[window] = len(keys) + 1
                keys.extend((window, window.replace(":w:", ":m:", 1)))
            return at

        args: list[str | int] = []
        n_ops = 0
        releases, self._releases = self._releases, []
        penalties, self._penalties = self._penalties, {}
        now = time.monotonic()
        for window, members in releases:
            args += ["R", kidx(window), len(members), *members]
            n_ops += 1
        for key, (deadline, _seconds) in penalties.items():
            left = deadline - now
            if left > 0:
                args += ["P", kidx(self._window(key)[0]), int(left * _US), self._slowdown_us]
                n_ops += 1
        imported = self._needs_import
        if imported:
            # Back after an outage (Redis may have restarted empty): first write what this
            # process sent on its own meanwhile, and the instants it still holds from before.
            held: dict[str, tuple[list[float], list[str]]] = {}
            for key, rel in self._local.recent().items():
                if not key.endswith(_SENT):
                    self._seq += 1
                    names = [f"{self._token}.{self._seq:x}:{j}" for j in range(len(rel))]
                    held[key] = (list(rel), names)
            for key, pending in self._unsent.items():
                for r in pending:
                    if r.members and r.at > now:
                        rels, names = held.setdefault(key, ([], []))
                        rels += [r.at - now] * len(r.members)
                        names += r.members
            for key, (rels, names) in held.items():
                # Kept at least a minute: long enough for the global gate's window.
                period = max(60.0, 1.0 - min(0.0, *rels))
                args += ["I", kidx(self._window(key)[0]), int(period * _US), len(rels)]
                args += [int(r * _US) for r in rels]
                args += names
                n_ops += 1
        for op in batch:
            args += ["A", len(op.keys)]
            for _key, window, limit in op.keys:
                period_us = math.ceil(limit.period * _US)
                args += [kidx(window), limit.count, period_us, int(period_us * self._spacing / limit.count)]
            args += [op.cost, op.max_wait_us, op.token]
            n_ops += 1
        if n_ops == 0:
            return
        try:
            if self._server_clock.error == math.inf:
                # The first command also opens the connection: sample the clock on a cheap TIME
                # once it is open, so the offset is not skewed by the handshake.
                await self._time(state.client)
            started = time.monotonic()
            reply = await self._eval(state.client, keys, [n_ops, *args])
        except BaseException as exc:
            # Nothing known about what ran: hand back whatever it may have reserved, keep the
            # penalties, and let the callers decide by policy (or retry, if we were cancelled).
            self._releases[:0] = releases
            for key, value in penalties.items():
                old = self._penalties.get(key)
                if old is None or value[0] > old[0]:
                    self._penalties[key] = value
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
        self.round_trips += 1
        if self._outage:
            self._outage = False
            logger.warning("Redis rate limiter reachable again: shared windows resumed (egress %s)", self.egress)
        if imported:
            self._needs_import = False
            self._local = LocalRateLimiter(slowdown_seconds=self._slowdown_us / _US)
        now_us = int(reply[0])
        # The local instant the script ran at, by the best estimate of the server clock.
        mid = now_us / _US - self._server_clock.sample(now_us / _US, started, ended)
        for op, value in zip(batch, reply[1:], strict=True):
            op.now_us, op.at_us, op.mid = now_us, int(value), mid
            op.done = True
            if op.abandoned and op.at_us >= 0:
                self._release_op(op)

    async def _time(self, client: Redis) -> None:
        with anyio.fail_after(self._timeout):
            await client.time()
            started = time.monotonic()
            seconds, micros = await client.time()
        self._server_clock.sample(seconds + micros / _US, started, time.monotonic())

    async def _eval(self, client: Redis, keys: list[str], args: list[Any]) -> list[Any]:
        from redis.exceptions import NoScriptError

        with anyio.fail_after(self._timeout):
            try:
                return await client.evalsha(_SHA, len(keys), *keys, *args)  # type: ignore[no-any-return]
            except NoScriptError:
                # A new or restarted server: EVAL carries the source and caches it for EVALSHA.
                return await client.eval(_SCRIPT, len(keys), *keys, *args)  # type: ignore[no-any-return]

    def _failed(self, exc: BaseException) -> str:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        self.failures += 1
        self._down_until = time.monotonic() + self._retry_interval
        self._down_reason = reason
        self._server_clock = _ServerClock()  # the server may come back as another host: re-sample
        if not self._outage:
            self._outage = True
            action = (
                "falling back to per-process windows" if self.on_redis_error == "local" else "failing closed"
            )
            logger.warning("Redis rate limiter unreachable (%s): %s for %.1fs", reason, action, self._retry_interval)
        self._needs_import = True
        return reason

    async def _granted(self, op: _Acquire, first_key: str, *, track: bool) -> list[Reservation]:
        if op.at_us < 0:
            raise RateLimitExceeded(first_key, -op.at_us / _US)
        wait = (op.at_us - op.now_us) / _US
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

    async def _fallback(
        self, keys: Sequence[tuple[str, WindowLimit]], cost: int, max_wait: float | None, reason: str
    ) -> list[Reservation]:
        if self.on_redis_error == "fail_closed":
            raise RateLimiterUnavailable(keys[0][0], reason)
        self.fallbacks += 1
        local = self._local
        taken: list[Reservation] = []
        waited = 0.0
        try:
            for key, limit in keys:
                mine = limit if self._share == 1 else limit.share(self._share)
                budget = None if max_wait is None else max(0.0, max_wait - waited)
                got = await local.acquire(key, mine, cost=cost, max_wait=budget)
                taken.append(got)
                waited += got.wait
        except BaseException:
            for held in taken:
                local.release(held)
            raise
        return taken

    async def _pace(self, key: str, limit: WindowLimit, cost: int, max_wait: float | None) -> Reservation:
        """The send guard for ``<route key>|sent``: free when requests leave on time.

        This process's reserved instants on the route are used in order by whichever request is
        about to leave (which one does not matter, only that every send stands on an instant the
        shared schedule granted).  An instant more than ``late_tolerance`` in the past can no
        longer be used safely: it is given back, and the request takes the next one, waiting for
        it if it lies ahead; only when none is left does it reserve a fresh one (a round trip).
        """
        base = key[: -len(_SENT)]
        if self._outage and self.on_redis_error == "local":
            return await self._local.acquire(key, limit, cost=cost, max_wait=max_wait)
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
            if time.monotonic() < self._down_until:
                return (await self._fallback([(base, limit)], cost, max_wait, self._down_reason))[0]
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
