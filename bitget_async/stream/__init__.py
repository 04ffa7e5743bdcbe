"""WebSocket v2 streams: ``client.stream.<channel>(...)`` subscriptions, verified order books.

Layers, top down (nothing imports upward): ``_client`` (one method per channel) ->
``_subscription`` (what the caller iterates; backpressure) -> ``_connection`` (login, subscribe,
ping, reconnect, pacing) -> ``_socket`` (the WebSocket over anyio) ; beside them ``_book``
(the local book and its checksum), ``_messages`` (typed pushes), ``_codec``, ``_limits``, ``_config``.
"""

from ._book import OrderBook, checksum
from ._client import CANDLE_INTERVALS, INST_TYPES, StreamClient
from ._config import DEFAULT_STREAM_CONFIG, StreamConfig
from ._connection import Connection
from ._messages import (
    Arg,
    Auction,
    BookLevel,
    Books,
    Candle,
    FuturesTicker,
    IndexPrice,
    Push,
    SpotTicker,
    Trade,
)
from ._private_messages import (
    AccountCrossed,
    AccountIsolated,
    AdlNotice,
    Equity,
    FeeDetail,
    FuturesAccount,
    FuturesFill,
    FuturesOrder,
    FuturesPlanOrder,
    MarginOrder,
    Position,
    PositionHistory,
    SpotAccount,
    SpotFill,
    SpotOrder,
    SpotPlanOrder,
)
from ._subscription import OrderBooks, Subscription

__all__ = [
    "CANDLE_INTERVALS", "DEFAULT_STREAM_CONFIG", "INST_TYPES",
    "AccountCrossed", "AccountIsolated", "AdlNotice", "Arg", "Auction", "BookLevel", "Books", "Candle",
    "Connection", "Equity", "FeeDetail", "FuturesAccount", "FuturesFill", "FuturesOrder", "FuturesPlanOrder",
    "FuturesTicker", "IndexPrice", "MarginOrder", "OrderBook", "OrderBooks", "Position", "PositionHistory",
    "Push", "SpotAccount", "SpotFill", "SpotOrder", "SpotPlanOrder", "SpotTicker", "StreamClient",
    "StreamConfig", "Subscription", "Trade", "checksum",
]
