"""Verified local books over a real socket: thousands of checksummed updates, exactly one resync
per corrupted update or sequence gap, and the book always equal to the simulator's."""

from __future__ import annotations

import anyio
import pytest
from stream_helpers import eventually, streaming

from bitget_async.stream import OrderBooks
from bitget_async.testing import Simulator
from bitget_async.testing._catalog import SPOT

pytestmark = pytest.mark.anyio
SYMBOLS = sorted(SPOT)


def _server_books(sim: object) -> dict[tuple[str, str], tuple[list[list[str]], list[list[str]], int]]:
    out = {}
    for session in list(sim.stream._sessions):  # type: ignore[attr-defined]
        for sub in session.subs.values():
            if sub.book is not None:
                out[(sub.arg["instType"], sub.arg["instId"])] = (*sub.book.levels(25), sub.book.seq)
    return out


def _verified(*subs: OrderBooks) -> int:
    return sum(b.checksums_verified for books in subs for b in books.books.values())


def _synced(*subs: OrderBooks) -> bool:
    return all(b.synced for books in subs for b in books.books.values())


async def test_thousands_of_updates_verified_and_one_resync_per_fault(anyio_backend: str) -> None:
    # Readers apply every push whether or not anyone iterates (the consumer side is conflated),
    # so the counters can be watched directly.  Spot books carry checksums; futures books carry
    # checksums and pseq.
    async with streaming(push_interval=0.002) as (sim, client):
        async with client.stream.order_book("USDT-FUTURES", SYMBOLS[:4]) as futures:
            async with client.stream.order_book("SPOT", SYMBOLS[:4]) as spot:
                await eventually(lambda: _verified(spot, futures) >= 2000 and _synced(spot, futures), 30)
                assert spot.resyncs == futures.resyncs == 0
                assert min(_verified(spot), _verified(futures)) > 200

                sim.stream.faults.corrupt_checksum = 1
                await eventually(lambda: spot.resyncs + futures.resyncs == 1 and _synced(spot, futures))
                mark = _verified(spot, futures)
                await eventually(lambda: _verified(spot, futures) >= mark + 200)
                assert spot.resyncs + futures.resyncs == 1
                await _assert_books_match(sim, spot)
            resyncs = futures.resyncs
            await eventually(lambda: sim.stream.open_connections == 1)  # the spot session has ended

            # A lost update: futures books carry pseq, so the very next push shows the gap.  (Spot
            # books carry no pseq; there only the checksum notices, when the lost update touched
            # the top 25 levels: the exchange's own semantics, so it is not asserted here.)
            sim.stream.faults.skip_seq = 1
            await eventually(lambda: futures.resyncs == resyncs + 1 and _synced(futures))
            mark = _verified(futures)
            await eventually(lambda: _verified(futures) >= mark + 200)
            assert futures.resyncs == resyncs + 1
            assert sum(b.resyncs for subs in (spot, futures) for b in subs.books.values()) == 2
            assert sim.stream.stats["subscribe_requests"] == 4  # one per subscription, one per resync
            await _assert_books_match(sim, futures)


async def _assert_books_match(sim: Simulator, books: OrderBooks) -> None:
    """The local books are the exchange's books (top 25, exact strings), the market paused."""
    sim.stream.paused = True
    await anyio.sleep(0.1)  # what was in flight arrives
    server = _server_books(sim)
    sim.stream.paused = False
    for inst_id, book in books.books.items():
        bids, asks = book.raw_top(25)
        key = (book.arg.inst_type, inst_id)
        if book.seq == server[key][2]:
            assert ([list(b) for b in bids], [list(a) for a in asks]) == server[key][:2]
            continue
        raise AssertionError(f"{key}: local seq {book.seq} != exchange seq {server[key][2]}")


async def test_rebuilt_book_is_flagged_once(anyio_backend: str) -> None:
    async with streaming(push_interval=0.005) as (sim, client):
        async with client.stream.order_book("SPOT", "BTCUSDT") as books:
            book = await books.__anext__()
            assert not book.gap and book is books["BTCUSDT"]
            sim.stream.faults.corrupt_checksum = 1
            with anyio.fail_after(10):
                async for book in books:
                    if book.gap:
                        break
            assert book.resyncs == 1 and book.synced
            assert not (await books.__anext__()).gap
            sim.stream.faults.drop_connections()
            with anyio.fail_after(10):
                async for book in books:
                    if book.gap:
                        break
            assert books.gaps == 1 and book.synced and book.best_bid is not None
