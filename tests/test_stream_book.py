"""The local order book: Bitget's checksum, snapshot/update application, seq/pseq continuity."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from bitget_async.stream import Arg, BookLevel, OrderBook, checksum
from bitget_async.stream._book import BookOutOfSync
from bitget_async.testing._ws_feed import sim_checksum

ARG = Arg("SPOT", "books", "BTCUSDT")


def _split(text: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The doc's interleaved string back into (bids, asks), two levels each."""
    f = text.split(":")
    return [(f[0], f[1]), (f[4], f[5])], [(f[2], f[3]), (f[6], f[7])]


@pytest.mark.parametrize(("text", "expected"), [
    ("43231.1:4:43232.8:9:43231:6:43232.9:8", -1504501796),
    ("3366.1:7:3366.8:9:3368:8:3372:8", 831078360),
])
def test_checksum_matches_the_doc_worked_strings(text: str, expected: int) -> None:
    bids, asks = _split(text)
    assert checksum(bids, asks) == expected
    assert sim_checksum([list(b) for b in bids], [list(a) for a in asks]) == expected


def test_checksum_continues_with_the_longer_side_and_stops_at_25() -> None:
    bids = [(f"{100 - i}", "1") for i in range(30)]
    asks = [("101", "2")]
    import zlib

    text = ":".join(["100", "1", "101", "2"] + [x for i in range(1, 25) for x in (f"{100 - i}", "1")])
    crc = zlib.crc32(text.encode())
    assert checksum(bids, asks) == (crc - 2**32 if crc >= 2**31 else crc)


def test_client_and_simulator_checksums_agree_on_random_books() -> None:
    rng = random.Random(3)
    for _ in range(300):
        bids = [(f"{rng.randrange(1, 10**6)}.{rng.randrange(100):02d}", f"{rng.randrange(1, 999)}.{'0' * rng.randrange(4)}")
                for _ in range(rng.randrange(0, 40))]
        asks = [(f"{rng.randrange(1, 10**6)}", f"0.{rng.randrange(1, 10**8):08d}") for _ in range(rng.randrange(0, 40))]
        assert checksum(bids, asks) == sim_checksum([list(b) for b in bids], [list(a) for a in asks])


def _book() -> OrderBook:
    book = OrderBook(ARG)
    bids = [("100.10", "1.5000"), ("100.00", "2")]
    asks = [("100.20", "0.00000005"), ("100.30", "3")]
    book.apply("snapshot", bids, asks, checksum_value=checksum(bids, asks), seq=10, pseq=None, ts=1)
    return book


def test_snapshot_then_updates_are_applied_exactly_with_original_strings() -> None:
    book = _book()
    assert book.best_bid == BookLevel("100.10", "1.5000")
    assert book.best_bid.price == Decimal("100.10") and book.best_bid.size == Decimal("1.5000")
    assert book.raw_top(1) == ([("100.10", "1.5000")], [("100.20", "0.00000005")])
    # Remove the best ask, change a bid, add a new best bid.
    expected_bids = [("100.15", "4"), ("100.10", "1.5000"), ("100.00", "7.10")]
    expected_asks = [("100.30", "3")]
    book.apply("update", [("100.00", "7.10"), ("100.15", "4")], [("100.20", "0")],
               checksum_value=checksum(expected_bids, expected_asks), seq=11, pseq=None, ts=2)
    assert book.raw_top(5) == (expected_bids, expected_asks)
    assert [lvl.price for lvl in book.bids] == [Decimal("100.15"), Decimal("100.10"), Decimal("100.00")]
    assert book.top(1) == ([BookLevel("100.15", "4")], [BookLevel("100.30", "3")])
    assert (book.seq, book.ts, book.checksums_verified, book.synced) == (11, 2, 2, True)


def test_wrong_checksum_marks_the_book_out_of_sync() -> None:
    book = _book()
    with pytest.raises(BookOutOfSync, match="checksum"):
        book.apply("update", [("100.00", "3")], [], checksum_value=12345, seq=11, pseq=None, ts=2)
    assert not book.synced
    # Updates are ignored until a fresh snapshot arrives.
    book.apply("update", [("99", "1")], [], checksum_value=None, seq=12, pseq=None, ts=3)
    assert book.seq == 10


@pytest.mark.parametrize(("seq", "pseq"), [(13, 12), (10, None), (9, None)])
def test_sequence_gaps_are_detected(seq: int, pseq: int | None) -> None:
    book = _book()
    with pytest.raises(BookOutOfSync, match="seq"):
        book.apply("update", [("100.00", "3")], [], checksum_value=0, seq=seq, pseq=pseq, ts=2)


def test_pseq_continuity_without_checksum() -> None:
    book = _book()
    book.apply("update", [("100.00", "3")], [], checksum_value=0, seq=20, pseq=10, ts=2)
    book.apply("update", [("100.00", "4")], [], checksum_value=None, seq=21, pseq=20, ts=3)
    assert book.best_bid == BookLevel("100.10", "1.5000")
    assert book.best_bid.price == Decimal("100.10") and book.best_bid.size == Decimal("1.5000")
    assert book.raw_top(2)[0][1] == ("100.00", "4")
    assert book.checksums_verified == 1
