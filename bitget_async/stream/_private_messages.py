"""Typed pushes of the private Bitget v2 WebSocket channels (account, orders, fills, positions).

Same rules as the public ones (``_messages.py``): exact ``Decimal`` amounts, ``int`` epoch ms,
every field optional, enum-like values as the plain strings Bitget sends.  Field lists are from
the private channel pages under ``spot|contract|margin/*/websocket``.

The Structs are generated from ``spec/stream-messages.json`` (``tools/codegen.py`` writes
``bitget_async/_generated/stream_messages.py``); a family's shared fields (every order, fill,
plan order, position, margin asset) live once in its private base there.  This module is where
they are imported from.
"""

from __future__ import annotations

from .._generated.stream_messages import *  # noqa: F403  (every generated Struct; __all__ names this module's)

__all__ = ["AccountCrossed", "AccountIsolated", "AdlNotice", "Equity", "FeeDetail", "FuturesAccount", "FuturesFill", "FuturesOrder", "FuturesPlanOrder", "MarginOrder", "Position", "PositionHistory", "SpotAccount", "SpotFill", "SpotOrder", "SpotPlanOrder"]  # noqa: F405  (the private channels' Structs, star-imported above)
