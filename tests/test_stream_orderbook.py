"""Verified local books over a real socket: thousands of checksummed updates, exactly one resync
per corrupted update or sequence gap, and the book always equal to the simulator's."""

from __future__ import annotations

import anyio
import pytest
from stream_helpers import eventually, streaming

from bitget_async.stream import OrderBooks
from bitget_async.testing._catalog import SPOT

pytestmark = pytest.mark.anyio
SYMBOLS = sorted(SPOT)


def _server_books(sim: object, books: OrderBooks) -> dict[str, tuple[list[list[str]], list[list[str]]]]:
    out = {}
    for session in list(sim.stream._sessions):  # type: ignore[attr-defined]
        for sub in session.subs.values():
            if sub.book is not None:
                out[sub.arg["instId"]] = sub.book.levels(25)
    return out


async def _verified(books: OrderBooks, count: int) -> None:
    with anyio.fail_after(20):
        async for _ in books:
            if sum(b.checksums_verified for b in books.books.values()) >= count:
                return


@pytest.mark.parametrize("inst_type", ["SPOT", "USDT-FUTURES"])
async def test_thousands_of_updates_verified_and_one_resync_per_fault(anyio_backend: str, inst_type: str) -> None:
    async with streaming(push_interval=0.002) as (sim, client):
        async with client.stream.order_book(inst_type, SYMBOLS[:8]) as books:  # type: ignore[arg-type]
            await _verified(books, 2000)
            assert books.resyncs == 0 and all(b.synced and b.resyncs == 0 for b in books.books.values())
            updates = sum(b.updates for b in books.books.values())
            assert updates >= 2000

            sim.stream.faults.corrupt_checksum = 1
            await eventually(lambda: books.resyncs == 1 and all(b.synced for b in books.books.values()))
            await _verified(books, sum(b.checksums_verified for b in books.books.values()) + 200)
            assert books.resyncs == 1 and sum(b.resyncs for b in books.books.values()) == 1

            sim.stream.faults.skip_seq = 1  # an update applied at the exchange but never sent
            await eventually(lambda: books.resyncs == 2 and all(b.synced for b in books.books.values()))
            await _verified(books, sum(b.checksums_verified for b in books.books.values()) + 200)
            assert books.resyncs == 2
            assert sim.stream.stats["subscribe_requests"] == 3  # the initial one and one per resync

            # The book handed out after a resync says so, exactly once.
            rebuilt = [b for b in books.books.values() if b.resyncs]
            assert rebuilt and all(b.synced for b in rebuilt)

            # The local books are the exchange's books (top 25, exact strings).
            sim.stream.push_interval = 3600.0  # freeze the market to compare
            await anyio.sleep(0.05)
            with anyio.move_on_after(0.1):
                async for _ in books:  # drain what was in flight
                    pass
            server = _server_books(sim, books)
            for inst_id, book in books.books.items():
                bids, asks = book.raw_top(25)
                assert ([list(b) for b in bids], [list(a) for a in asks]) == server[inst_id]


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
