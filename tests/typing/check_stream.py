"""Static typing of ``client.stream``, checked by ``mypy --strict tests/typing`` (never run).

Each ``assert_type`` is a claim mypy verifies: the overloads pick the spot or futures model from
``inst_type``, and ``# type: ignore[...]`` lines are errors mypy must keep reporting.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import Any

from bitget_async import BitgetClient
from bitget_async import stream as ws

if sys.version_info >= (3, 11):
    from typing import assert_type
else:  # pragma: no cover
    from typing_extensions import assert_type


async def stream_types(client: BitgetClient) -> None:
    s = client.stream
    assert_type(s.ticker("SPOT", "BTCUSDT"), ws.Subscription[ws.SpotTicker])
    assert_type(s.ticker("USDT-FUTURES", ["BTCUSDT", "ETHUSDT"]), ws.Subscription[ws.FuturesTicker])
    assert_type(s.orders("SPOT"), ws.Subscription[ws.SpotOrder])
    assert_type(s.orders("COIN-FUTURES"), ws.Subscription[ws.FuturesOrder])
    assert_type(s.fill("SPOT", "BTCUSDT"), ws.Subscription[ws.SpotFill])
    assert_type(s.positions("USDT-FUTURES"), ws.Subscription[ws.Position])
    assert_type(s.candle("SPOT", "BTCUSDT", "1H"), ws.Subscription[ws.Candle])
    assert_type(s.books("SPOT", "BTCUSDT", "books5"), ws.Subscription[ws.Books])
    assert_type(s.order_book("SPOT", "BTCUSDT"), ws.OrderBooks)
    assert_type(s.merge(s.orders("SPOT"), s.fill("SPOT")), ws.Subscription[Any])
    s.positions("SPOT")  # type: ignore[arg-type]
    s.ticker("MARGIN", "BTCUSDT")  # type: ignore[call-overload]
    async with s.ticker("SPOT", "BTCUSDT") as sub:
        async for push in sub:
            assert_type(push, ws.Push[ws.SpotTicker])
            assert_type(push.data[0].last_pr, Decimal | None)
            assert_type(push.gap, bool)
    async with s.order_book("SPOT", "BTCUSDT") as books:
        async for book in books:
            assert_type(book, ws.OrderBook)
            assert_type(book.best_bid, ws.BookLevel | None)
            level = book.top(5)[0][0]
            assert_type(level.price, Decimal)
