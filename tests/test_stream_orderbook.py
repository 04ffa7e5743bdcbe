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


def _server_books(sim: object) -> dict[tuple[str, str], tuple[list[list[str]], list[list[str]]]]:
    out = {}
    for session in list(sim.stream._sessions):  # type: ignore[attr-defined]
        for sub in session.subs.values():
            if sub.book is not None:
                out[(sub.arg["instType"], sub.arg["instId"])] = sub.book.levels(25)
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
        async with client.stream.order_book("SPOT", SYMBOLS[:4]) as spot, \
                client.stream.order_book("USDT-FUTURES", SYMBOLS[:4]) as futures:
            await eventually(lambda: _verified(spot, futures) >= 2000 and _synced(spot, futures), 30)
            assert spot.resyncs == futures.resyncs == 0
            assert min(_verified(spot), _verified(futures)) > 200

            sim.stream.faults.corrupt_checksum = 1
            await eventually(lambda: spot.resyncs + futures.resyncs == 1 and _synced(spot, futures))
            mark = _verified(spot, futures)
            await eventually(lambda: _verified(spot, futures) >= mark + 200)
            assert spot.resyncs + futures.resyncs == 1

            sim.stream.faults.skip_seq = 1  # an update applied at the exchange but never sent
            await eventually(lambda: spot.resyncs + futures.resyncs == 2 and _synced(spot, futures))
            mark = _verified(spot, futures)
            await eventually(lambda: _verified(spot, futures) >= mark + 200)
            assert spot.resyncs + futures.resyncs == 2
            assert sim.stream.stats["subscribe_requests"] == 4  # one per subscription, one per resync
            assert sum(b.resyncs for subs in (spot, futures) for b in subs.books.values()) == 2

            # The local books are the exchange's books (top 25, exact strings).
            sim.stream.push_interval = 3600.0  # freeze the market to compare
            await anyio.sleep(0.1)
            server = _server_books(sim)
            for books in (spot, futures):
                for inst_id, book in books.books.items():
                    bids, asks = book.raw_top(25)
                    key = (book.arg.inst_type, inst_id)
                    assert ([list(b) for b in bids], [list(a) for a in asks]) == server[key]


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
