"""The Lua script ``RedisRateLimiter`` runs, how one batch is encoded for it, and how it is run.

One script run does a whole batch atomically: pending releases and 429 penalties first, then
the instants a process wrote on its own during an outage, then each acquire in order.  Scores
are microseconds of the Redis server's clock (``TIME`` inside the script), so hosts whose
clocks disagree still share one window.  A restarted (or new) server answers ``EVALSHA`` with
``NOSCRIPT``; the source then goes once with ``EVAL``, which caches it for the next batches.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .base import WindowLimit

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["SCRIPT", "SCRIPT_SHA", "ScriptCall", "US", "meta_key", "run_script"]

US = 1_000_000  # the script's unit: microseconds

# ARGV: n_ops, then ops.  R kidx n m1..mn | P kidx block_us slow_us | I kidx period_us n rel1..reln m1..mn
# | A nkeys (kidx count period_us gap_us)*nkeys cost max_wait_us token.  KEYS: (window, meta) pairs; kidx
# points at the window, kidx+1 at its meta hash.  Reply: now_us, then per A op the reserved
# instant (µs) or minus the wait when it exceeds max_wait.
SCRIPT = """
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
SCRIPT_SHA = hashlib.sha1(SCRIPT.encode()).hexdigest()


def meta_key(window: str) -> str:
    """The hash holding a window's pause and slow-down deadlines (``<prefix>:m:<route key>``)."""
    return window.replace(":w:", ":m:", 1)


class ScriptCall:
    """The KEYS and ARGV of one script run, built op by op in the order the script runs them."""

    __slots__ = ("_index", "args", "keys", "n_ops")

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.args: list[str | int] = []
        self.n_ops = 0
        self._index: dict[str, int] = {}

    def _kidx(self, window: str) -> int:
        at = self._index.get(window)
        if at is None:
            at = self._index[window] = len(self.keys) + 1
            self.keys.extend((window, meta_key(window)))
        return at

    def release(self, window: str, members: Sequence[str]) -> None:
        """Remove ``members`` (reserved instants never used) from ``window``."""
        self.args += ["R", self._kidx(window), len(members), *members]
        self.n_ops += 1

    def penalty(self, window: str, block_us: int, slow_us: int) -> None:
        """Pause ``window`` for ``block_us`` from the server's now, then halve its rate for ``slow_us``."""
        self.args += ["P", self._kidx(window), block_us, slow_us]
        self.n_ops += 1

    def held(self, window: str, period: float, rels: Sequence[float], names: Sequence[str]) -> None:
        """Write instants (seconds relative to the server's now) this process holds or sent on its
        own, keeping those still inside ``period``."""
        self.args += ["I", self._kidx(window), int(period * US), len(rels)]
        self.args += [int(r * US) for r in rels]
        self.args += names
        self.n_ops += 1

    def acquire(
        self, windows: Sequence[tuple[str, WindowLimit]], cost: int, max_wait_us: int, token: str, spacing: float
    ) -> None:
        """One instant for ``cost`` requests on every window (``max_wait_us`` < 0: no bound).

        ``spacing`` keeps consecutive instants on a window at least that fraction of its average
        interval apart."""
        self.args += ["A", len(windows)]
        for window, limit in windows:
            period_us = math.ceil(limit.period * US)
            self.args += [self._kidx(window), limit.count, period_us, int(period_us * spacing / limit.count)]
        self.args += [cost, max_wait_us, token]
        self.n_ops += 1

    async def run(self, client: Redis) -> list[Any]:
        """Run the batch; the reply is the server's now (µs), then one value per acquire."""
        return await run_script(client, self.keys, [self.n_ops, *self.args])


async def run_script(client: Redis, keys: list[str], args: list[Any]) -> list[Any]:
    """``EVALSHA``, or ``EVAL`` once when the server does not know the script (``NOSCRIPT``)."""
    from redis.exceptions import NoScriptError

    try:
        return await client.evalsha(SCRIPT_SHA, len(keys), *keys, *args)  # type: ignore[no-any-return]
    except NoScriptError:
        # A new or restarted server: EVAL carries the source and caches it for EVALSHA.
        return await client.eval(SCRIPT, len(keys), *keys, *args)  # type: ignore[no-any-return]
