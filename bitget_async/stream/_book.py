"""A verified local order book from the ``books`` channel: snapshot + updates, checksum, sequence.

Prices and sizes are kept as the exact strings Bitget sent, because the checksum is computed over
those strings (``"0.5000"`` must stay ``"0.5000"``; a Decimal would print ``5E-8`` for
``"0.00000005"``).  Decimals are made only when a caller reads levels.

Verification, per update (``OrderBook.apply``):
* a non-zero ``checksum``: CRC32 (as a signed 32-bit int) of the first 25 levels interleaved
  ``bid1p:bid1q:ask1p:ask1q:...`` (the longer side continues alone) must match;
* a ``pseq`` (futures, and Bitget's successor to the checksum since May 2026): it must equal the
  previous push's ``seq``; without ``pseq``, ``seq`` must increase.
A failure raises ``BookOutOfSync``; the subscription then resubscribes that book for a fresh
snapshot (``OrderBook.resyncs`` counts it) and yields the book again once it is whole.
"""

from __future__ import annotations

import bisect
import zlib
from collections.abc import Sequence
from decimal import Decimal

from ._messages import Arg, BookLevel

__all__ = ["BookOutOfSync", "OrderBook", "checksum"]

RawLevel = Sequence[str]  # [price, size] as received
_CHECKSUM_DEPTH = 25


class BookOutOfSync(Exception):
    """The local book no longer matches Bitget's (checksum mismatch or sequence gap)."""


def checksum(bids: Sequence[RawLevel], asks: Sequence[RawLevel], depth: int = _CHECKSUM_DEPTH) -> int:
    """Bitget's book checksum over the top ``depth`` levels of each side (signed CRC32)."""
    parts: list[str] = []
    for i in range(depth):
        if i < len(bids):
            parts.append(bids[i][0])
            parts.append(bids[i][1])
        if i < len(asks):
            parts.append(asks[i][0])
            parts.append(asks[i][1])
    crc = zlib.crc32(":".join(parts).encode())
    return crc - (1 << 32) if crc >= 1 << 31 else crc


class _Side:
    """One side: sorted keys (bids negated so both sort best-first) and the raw levels."""

    __slots__ = ("keys", "levels", "sign")

    def __init__(self, sign: int) -> None:
        self.sign = sign
        self.keys: list[Decimal] = []
        self.levels: dict[Decimal, tuple[str, str]] = {}

    def clear(self) -> None:
        self.keys.clear()
        self.levels.clear()

    def set(self, price: str, size: str) -> None:
        key = Decimal(price) * self.sign
        if Decimal(size) == 0:
            if self.levels.pop(key, None) is not None:
                del self.keys[bisect.bisect_left(self.keys, key)]
            return
        if key not in self.levels:
            bisect.insort(self.keys, key)
        self.levels[key] = (price, size)

    def top(self, n: int) -> list[tuple[str, str]]:
        levels = self.levels
        return [levels[k] for k in self.keys[:n]]


class OrderBook:
    """The local copy of one ``books`` subscription.  Read it; the subscription writes it.

    ``bids``/``asks``/``top(n)`` give ``BookLevel``s best first (``.price``/``.size`` Decimals); ``best_bid``/``best_ask``
    the first of each (``None`` on an empty side); ``synced`` is False between a detected
    problem and the next snapshot; ``resyncs`` counts resubscribes; ``seq`` and ``ts`` are the
    last applied push's.  ``gap`` is True when this book was rebuilt from a fresh snapshot since
    it was last yielded (after a reconnect or a resync): anything derived from earlier states
    should be recomputed.
    """

    def __init__(self, arg: Arg) -> None:
        self.arg = arg
        self._bids = _Side(-1)
        self._asks = _Side(1)
        self.seq: int | None = None
        self.ts: int | None = None
        self.synced = False
        self.resyncs = 0
        self.updates = 0
        self.checksums_verified = 0
        self.gap = False

    def __repr__(self) -> str:
        return (f"<OrderBook {self.arg} bid={self.best_bid} ask={self.best_ask} seq={self.seq} "
                f"synced={self.synced} resyncs={self.resyncs}>")

    # -- reading ---------------------------------------------------------------------------
    @property
    def inst_id(self) -> str | None:
        return self.arg.inst_id

    def top(self, n: int = 5) -> tuple[list[BookLevel], list[BookLevel]]:
        """``(bids, asks)``: the best ``n`` levels of each side."""
        return _typed(self._bids.top(n)), _typed(self._asks.top(n))

    @property
    def bids(self) -> list[BookLevel]:
        return _typed(self._bids.top(len(self._bids.keys)))

    @property
    def asks(self) -> list[BookLevel]:
        return _typed(self._asks.top(len(self._asks.keys)))

    @property
    def best_bid(self) -> BookLevel | None:
        top = self._bids.top(1)
        return _typed(top)[0] if top else None

    @property
    def best_ask(self) -> BookLevel | None:
        top = self._asks.top(1)
        return _typed(top)[0] if top else None

    def raw_top(self, n: int = _CHECKSUM_DEPTH) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """The best ``n`` levels of each side as the exact strings received."""
        return self._bids.top(n), self._asks.top(n)

    def checksum(self) -> int:
        bids, asks = self.raw_top()
        return checksum(bids, asks)

    # -- writing (the subscription calls these) --------------------------------------------
    def reset(self) -> None:
        """Forget everything until the next snapshot."""
        self._bids.clear()
        self._asks.clear()
        self.seq = None
        self.synced = False

    def apply(
        self,
        action: str | None,
        bids: Sequence[RawLevel],
        asks: Sequence[RawLevel],
        *,
        checksum_value: int | None,
        seq: int | None,
        pseq: int | None,
        ts: int | None,
    ) -> None:
        """Apply one push; raises ``BookOutOfSync`` (book left unsynced) when it does not fit."""
        if action == "snapshot":
            self._bids.clear()
            self._asks.clear()
        elif not self.synced:
            return  # updates before the (re)snapshot are meaningless: drop them
        else:
            if pseq is not None and self.seq is not None and pseq != self.seq:
                self.synced = False
                raise BookOutOfSync(f"{self.arg}: pseq {pseq} after seq {self.seq}")
            if pseq is None and seq is not None and self.seq is not None and seq <= self.seq:
                self.synced = False
                raise BookOutOfSync(f"{self.arg}: seq {seq} after seq {self.seq}")
        for price, size in bids:
            self._bids.set(price, size)
        for price, size in asks:
            self._asks.set(price, size)
        if checksum_value:
            if self.checksum() != checksum_value:
                self.synced = False
                raise BookOutOfSync(f"{self.arg}: checksum {checksum_value} != local {self.checksum()}")
            self.checksums_verified += 1
        self.seq = seq if seq is not None else self.seq
        self.ts = ts
        self.synced = True
        self.updates += 1


def _typed(levels: list[tuple[str, str]]) -> list[BookLevel]:
    return [BookLevel(p, s) for p, s in levels]
