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

# The message Structs are listed once, in their modules' __all__.
from ._messages import *  # noqa: F403
from ._messages import __all__ as _public_pushes
from ._private_messages import *  # noqa: F403
from ._private_messages import __all__ as _private_pushes
from ._subscription import OrderBooks, Subscription

__all__ = [
    *_public_pushes, *_private_pushes,
    "CANDLE_INTERVALS", "DEFAULT_STREAM_CONFIG", "INST_TYPES",
    "Connection", "OrderBook", "OrderBooks", "StreamClient", "StreamConfig", "Subscription", "checksum",
]
