"""Typed pushes of the public Bitget v2 WebSocket channels, and the frame around every push.

The private channels' pushes are in ``_private_messages.py``; both follow the same rules:

Field names follow Bitget's (``lastPr`` is ``last_pr``); amounts are exact ``Decimal`` (from JSON
strings or numbers alike); timestamps are ``int`` epoch ms whether Bitget sends ``"1695..."`` or a
number; every field is optional (absent, ``""`` and ``null`` all decode to ``None``: see
``_codec.py``) and unknown fields are ignored, so a field Bitget adds or drops never breaks a
stream.  Enum-like values (``side``, ``status`` ...) stay plain strings: live frames spell
``canceled`` where doc examples spell ``cancelled``, and a value Bitget adds tomorrow must
arrive, not fail.  Field lists are from the channel pages under ``spot|contract|margin/*/websocket``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Generic, TypeVar

import msgspec

__all__ = ["Arg", "Auction", "BookLevel", "Books", "Candle", "FuturesTicker", "IndexPrice", "Push", "SpotTicker", "Trade"]

T = TypeVar("T")
D = Decimal | None
S = str | None
I = int | None  # noqa: E741


class Message(msgspec.Struct, rename="camel", gc=False):
    """Base of the channels' data Structs: Bitget's camelCase keys, and leaf values that need no
    garbage-collector tracking (msgspec's ``gc=False``; subclasses inherit both)."""


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


# -- public -------------------------------------------------------------------------------
class SpotTicker(Message):
    """``ticker`` (spot): last price, best bid/ask, 24 h statistics."""

    inst_id: S = None
    last_pr: D = None
    open24h: D = None
    high24h: D = None
    low24h: D = None
    change24h: D = None
    bid_pr: D = None
    ask_pr: D = None
    bid_sz: D = None
    ask_sz: D = None
    base_volume: D = None
    quote_volume: D = None
    open_utc: D = None
    change_utc24h: D = None
    ts: I = None


class FuturesTicker(Message):
    """``ticker`` (futures): the spot fields plus funding, mark and index prices."""

    inst_id: S = None
    symbol: S = None
    last_pr: D = None
    bid_pr: D = None
    ask_pr: D = None
    bid_sz: D = None
    ask_sz: D = None
    open24h: D = None
    high24h: D = None
    low24h: D = None
    change24h: D = None
    funding_rate: D = None
    next_funding_time: I = None
    mark_price: D = None
    index_price: D = None
    holding_amount: D = None
    base_volume: D = None
    quote_volume: D = None
    open_utc: D = None
    symbol_type: I = None  # "1" live, 1 in the doc: both decode to 1
    delivery_price: D = None
    ts: I = None


class Candle(msgspec.Struct, array_like=True, gc=False):
    """``[ts, open, high, low, close, baseVolume, quoteVolume, usdtVolume]`` (WS order: index 6 is
    the quote volume and 7 the USDT volume, the reverse of the REST candle pages)."""

    ts: I = None
    open: D = None
    high: D = None
    low: D = None
    close: D = None
    base_volume: D = None
    quote_volume: D = None
    usdt_volume: D = None


class Trade(Message):
    """``trade``: one public trade."""

    trade_id: S = None
    ts: I = None
    price: D = None
    size: D = None
    side: S = None


class BookLevel(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """``[price, size]`` as Bitget sent them (``price_str``/``size_str``, exact text, e.g. for the
    checksum), with ``price``/``size`` as exact Decimals made when read.  Building 60 Decimals per
    ``books15`` push up front cost 4x the JSON parse (benchmarks/ws_results.md); most consumers
    read the top level or two.  A size of 0 in an update removes the level."""

    price_str: str
    size_str: str

    @property
    def price(self) -> Decimal:
        return Decimal(self.price_str)

    @property
    def size(self) -> Decimal:
        return Decimal(self.size_str)


class Books(msgspec.Struct, gc=False):
    """A ``books``/``books1``/``books5``/``books15`` push.  ``checksum`` is Bitget's signed CRC32
    (0 or absent where Bitget no longer sends it), ``pseq`` the previous update's ``seq``."""

    asks: list[BookLevel] = msgspec.field(default_factory=list)
    bids: list[BookLevel] = msgspec.field(default_factory=list)
    checksum: I = None
    seq: I = None
    pseq: I = None
    ts: I = None
    instId: S = None


class Auction(Message):
    """``auction`` (spot): a call-auction stage and its estimated opening price."""

    stage: S = None
    stage_end_time: I = None
    est_opening_price: D = None
    matched_volume: D = None
    auction_end_time: I = None


class IndexPrice(Message):
    """``index-price`` (instType MARGIN): one margin symbol's index price."""

    symbol: S = None
    base_coin: S = None
    quote_coin: S = None
    index_price: D = None
    ts: I = None
