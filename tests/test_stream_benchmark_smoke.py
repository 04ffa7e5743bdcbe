"""``benchmarks/ws_bench.py`` measures what it says: the library loop really decodes every push of
the local server (a broken harness would report any number)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from helpers import load_module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_module(Path(__file__).resolve().parents[1] / "benchmarks" / "ws_bench.py", "bench_ws")


@pytest.mark.parametrize("kind", ["raw", "bitget_async"])
@pytest.mark.parametrize("channel", ["books15", "ticker"])
def test_harness_counts_decoded_pushes(bench: ModuleType, kind: str, channel: str) -> None:
    rate = bench.measure(kind, channel, 300)
    assert rate > 0


def test_the_pushes_decode_to_the_served_values(bench: ModuleType) -> None:
    import json

    from bitget_async.stream import Books, SpotTicker
    from bitget_async.stream._codec import PushDecoder

    books = PushDecoder(Books).decode(json.dumps({"arg": {"instType": "SPOT", "channel": "books15", "instId": "X"},
                                                  "action": "snapshot", "data": [bench.BOOK]}).encode())
    assert [[lvl.price_str, lvl.size_str] for lvl in books.data[0].asks] == bench.BOOK["asks"]
    ticker = PushDecoder(SpotTicker).decode(json.dumps({"arg": {}, "data": [bench.TICKER]}).encode())
    assert str(ticker.data[0].last_pr) == bench.TICKER["lastPr"]
