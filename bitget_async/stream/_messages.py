"""Typed pushes of the public Bitget v2 WebSocket channels, and the frame around every push.

The private channels' pushes are in ``_private_messages.py``; both follow the same rules:

Field names follow Bitget's (``lastPr`` is ``last_pr``); amounts are exact ``Decimal`` (from JSON
strings or numbers alike); timestamps are ``int`` epoch ms whether Bitget sends ``"1695..."`` or a
number; every field is optional (absent, ``""`` and ``null`` all decode to ``None``: see
``_codec.py``) and unknown fields are ignored, so a field Bitget adds or drops never breaks a
stream.  Enum-like values (``side``, ``status`` ...) stay plain strings: live frames spell
``canceled`` where doc examples spell ``cancelled``, and a value Bitget adds tomorrow must
arrive, not fail.  Field lists are from the channel pages under ``spot|contract|margin/*/websocket``.

The channels' Structs are generated (``spec/stream-messages.json`` -> ``tools/codegen.py`` ->
``bitget_async/_generated/stream_messages.py``) and re-exported here; what stays hand-written is
the frame: ``Arg`` (a subscription, with its wire form) and ``Push`` (generic over the data).
``Message`` (the generated base) is importable here for code that subclasses it.
"""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

from .._generated.stream_messages import *  # noqa: F403  (every generated Struct; __all__ names this module's)
from .._generated.stream_messages import Message as Message  # the base, for code that subclasses it

__all__ = ["Arg", "Auction", "BookLevel", "Books", "Candle", "FuturesTicker", "IndexPrice", "Push", "SpotTicker", "Trade"]  # noqa: F405  (the public channels' Structs, star-imported above)

T = TypeVar("T")
S = str | None
I = int | None  # noqa: E741


class Arg(msgspec.Struct, frozen=True, rename="camel", omit_defaults=True, gc=False):
    """A subscription as Bitget spells it: ``{"instType", "channel", "instId"}`` (or ``coin``)."""

    inst_type: str = ""
    channel: str = ""
    inst_id: S = None
    coin: S = None

    def wire(self) -> dict[str, str]:
        out = {"instType": self.inst_type, "channel": self.channel}
        if self.inst_id is not None:
            out["instId"] = self.inst_id
        if self.coin is not None:
            out["coin"] = self.coin
        return out

    def __str__(self) -> str:
        return f"{self.inst_type}/{self.channel}/{self.inst_id or self.coin or '-'}"


class Push(msgspec.Struct, Generic[T], gc=False):
    """One push frame: ``arg`` (which subscription), ``action`` (``snapshot``/``update``), ``data``.

    ``gap`` is set by the client, never by Bitget: True on the first push of this ``arg`` after
    pushes may have been lost (a reconnect, or older pushes dropped because the consumer fell
    behind).  Treat it as "state built from earlier pushes may be stale".
    """

    arg: Arg = Arg()
    action: S = None
    data: list[T] = msgspec.field(default_factory=list)
    ts: I = None
    gap: bool = False
    event: S = None  # set on event frames only (the client routes those elsewhere)
    code: int | str | None = None
    msg: S = None
