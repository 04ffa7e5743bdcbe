"""Deterministic price paths: one per base coin, a pure function of (seed, coin, time).

Prices are integers of ticks computed with integer arithmetic only (no floats, no platform
libm), so a seed gives the same path everywhere.  Each path is three triangle waves with seeded
phases plus hashed noise at knots every ``KNOT_MS``, interpolated linearly in between; the
extremes over any interval are therefore at its ends or at a knot, which is what fill and
trigger checks need.  ``jump`` adds a step from a given time on (``Simulator.set_price``).

Time here is *market time*: milliseconds since the simulator started, as moved by
``Simulator.advance``.  Negative times are history before the start.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from ._catalog import Instrument

__all__ = ["KNOT_MS", "PriceFeed"]

KNOT_MS = 5_000
_PPM = 1_000_000
# (period ms, amplitude in parts per million of the start price): a slow swing, a medium one,
# a fast wiggle.  Together at most ~5.6 %, so no path ever reaches zero.
_WAVES = ((6 * 3_600_000, 40_000), (53 * 60_000, 12_000), (7 * 60_000, 3_000))
_NOISE_PPM = 800
_MAX_EXTREME_POINTS = 4_096
_CACHE_LIMIT = 250_000


def _triangle(x: int, period: int, amplitude: int) -> int:
    phase = x % period
    half = period // 2
    if phase < half:
        return -amplitude + 4 * amplitude * phase // period
    return 3 * amplitude - 4 * amplitude * phase // period


class PriceFeed:
    """The market's price paths for one simulator (its jumps and cache are per instance)."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._jumps: dict[str, list[tuple[int, int]]] = {}  # base -> [(from market ms, ticks)]
        self._ppm_cache: dict[tuple[str, int], int] = {}
        self._phases: dict[str, tuple[int, ...]] = {}

    def _hash(self, *parts: object) -> int:
        text = "|".join(str(p) for p in (self._seed, *parts)).encode()
        return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")

    def _phase(self, base: str) -> tuple[int, ...]:
        phases = self._phases.get(base)
        if phases is None:
            phases = self._phases[base] = tuple(
                self._hash(base, "phase", i) % period for i, (period, _) in enumerate(_WAVES)
            )
        return phases

    def _ppm(self, base: str, knot: int) -> int:
        key = (base, knot)
        cached = self._ppm_cache.get(key)
        if cached is not None:
            return cached
        t = knot * KNOT_MS
        value = sum(
            _triangle(t + phase, period, amplitude)
            for phase, (period, amplitude) in zip(self._phase(base), _WAVES, strict=True)
        )
        value += self._hash(base, knot) % (2 * _NOISE_PPM + 1) - _NOISE_PPM
        if len(self._ppm_cache) > _CACHE_LIMIT:
            self._ppm_cache.clear()
        self._ppm_cache[key] = value
        return value

    def _start_ticks(self, inst: Instrument) -> int:
        return int(inst.start / inst.tick)

    def _knot_ticks(self, inst: Instrument, knot: int) -> int:
        start = self._start_ticks(inst)
        drift = self._ppm(inst.base, knot) - self._ppm(inst.base, 0)
        return start + start * drift // _PPM

    def _jump_ticks(self, base: str, t: int) -> int:
        return sum(delta for since, delta in self._jumps.get(base, ()) if since <= t)

    def ticks(self, inst: Instrument, t: int) -> int:
        """Price at market time ``t`` in ticks (at least one tick)."""
        k0 = t // KNOT_MS
        offset = t - k0 * KNOT_MS
        a = self._knot_ticks(inst, k0)
        if offset:
            b = self._knot_ticks(inst, k0 + 1)
            a += (b - a) * offset // KNOT_MS
        return max(1, a + self._jump_ticks(inst.base, t))

    def price(self, inst: Instrument, t: int) -> Decimal:
        return self.ticks(inst, t) * inst.tick

    def extremes(
        self, inst: Instrument, start: int, end: int, max_points: int = _MAX_EXTREME_POINTS
    ) -> tuple[Decimal, Decimal]:
        """(low, high) of the path over ``[start, end]``: exact when the span has at most
        ``max_points`` knots, sampled evenly beyond that (candles and 24 h statistics)."""
        points = {start, end}
        first = start // KNOT_MS + 1
        last = (end - 1) // KNOT_MS
        count = last - first + 1
        step = max(1, -(-count // max_points))
        points.update(k * KNOT_MS for k in range(first, last + 1, step))
        points.update(since for since, _ in self._jumps.get(inst.base, ()) if start <= since <= end)
        values = [self.ticks(inst, t) for t in points]
        return min(values) * inst.tick, max(values) * inst.tick

    def jump(self, inst: Instrument, t: int, price: Decimal) -> None:
        """Make the path read ``price`` from market time ``t`` on (a step, history unchanged)."""
        wanted = max(1, int(price / inst.tick))
        delta = wanted - self.ticks(inst, t)
        if delta:
            self._jumps.setdefault(inst.base, []).append((t, delta))

    def volume(self, inst: Instrument, t: int, span_ms: int, price: Decimal) -> Decimal:
        """Traded base quantity in ``[t, t + span)``: hashed, ~10k-100k USDT a minute."""
        minutes = max(1, span_ms // 60_000)
        usdt = Decimal(10_000 + self._hash(inst.base, "volume", t // 60_000) % 90_000) * minutes
        return (usdt / price).quantize(inst.lot) if price else Decimal(0)

    def noise(self, *parts: object) -> int:
        """A reproducible pseudo-random integer for anything else the market shows (sizes)."""
        return self._hash(*parts)
