"""What a caller holds: ``Subscription`` (typed pushes) and ``OrderBooks`` (verified local books).

Both are entered with ``async with``, which starts one reader task per connection the
subscription needs (its args are sharded ``max_channels`` per connection) inside a task group the
``async with`` owns; leaving the block, or cancelling the task inside it, closes those sockets.
Nothing runs in the background beyond the block.

Backpressure policy: readers never wait for the consumer.
* ``Subscription`` keeps at most ``queue_size`` pushes; when full, the oldest is dropped,
  ``dropped`` counts it and the next push of that arg is flagged ``gap=True``.
* ``OrderBooks`` conflates: every push is applied to its book at once, and the consumer is handed
  each changed book once, however many pushes changed it since (``coalesced`` counts the pushes
  folded that way), so memory is one book per instrument whatever the consumer's speed.
Gaps are visible: after a reconnect, the first push of every arg has ``gap=True`` and
``Subscription.gaps`` counts the events; a rebuilt book is yielded with ``book.gap`` True.
"""

from __future__ import annotations

import collections
import sys
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import anyio
import anyio.abc
import msgspec

from .._errors import ClientClosedError, StreamConnectionError, StreamError
from ._book import BookOutOfSync, OrderBook
from ._codec import PushDecoder, RoutingDecoder
from ._connection import Connection
from ._messages import Arg, Push

if sys.version_info >= (3, 11):
    from typing import Self
else:  # pragma: no cover
    from typing_extensions import Self

if TYPE_CHECKING:
    from ._client import StreamClient

__all__ = ["OrderBooks", "Subscription"]

T = TypeVar("T")
Item = TypeVar("Item")
Decoder = PushDecoder[Any] | RoutingDecoder


class _Stream(Generic[Item]):
    """Lifecycle shared by both kinds: connections, task group, errors, wakeups."""

    def __init__(self, owner: StreamClient, args: Sequence[Arg], private: bool, decoder: Decoder) -> None:
        if not args:
            raise ValueError("a subscription needs at least one channel")
        self.args: tuple[Arg, ...] = tuple(dict.fromkeys(args))
        self.private = private
        self.decoder = decoder
        owner._check_open()
        self._owner = owner
        self._tg: anyio.abc.TaskGroup | None = None
        self._connections: list[Connection] = []
        self._error: BaseException | None = None
        self._wakeup = anyio.Event()
        self._state = "new"
        self.gaps = 0

    def __repr__(self) -> str:
        first = self.args[0]
        more = f" +{len(self.args) - 1}" if len(self.args) > 1 else ""
        return f"<{type(self).__name__} {first}{more} {self._state} connections={len(self._connections)}>"

    @property
    def connections(self) -> tuple[Connection, ...]:
        return tuple(self._connections)

    # -- lifecycle -------------------------------------------------------------------------
    async def __aenter__(self) -> Self:
        if self._state != "new":
            raise StreamError("a subscription can be entered once; make a new one")
        self._connections = self._owner._connections_for(self)  # type: ignore[arg-type]  # both subclasses
        self._owner._register(self)
        self._state = "starting"
        tg = anyio.create_task_group()
        await tg.__aenter__()
        self._tg = tg
        try:
            for conn in self._connections:
                tg.start_soon(conn.run, name=f"bitget-stream {conn.url} {len(conn.args)} args")
            cfg = self._owner.config
            with anyio.fail_after(cfg.connect_timeout + 2 * cfg.reply_timeout + 5):
                while not all(c.ready or c.error for c in self._connections):
                    await self._wait()
            failed = next((c.error for c in self._connections if c.error is not None), None)
            if failed is not None:
                raise failed
        except BaseException as exc:
            if isinstance(exc, TimeoutError):
                exc = StreamConnectionError("subscription not ready in time")
            await self._close(type(exc), exc, exc.__traceback__)
            raise exc from None
        self._state = "open"
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        return await self._close(exc_type, exc, tb)

    async def _close(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        self._state = "closed"
        self._owner._forget(self)
        tg, self._tg = self._tg, None
        if tg is None:
            return None
        tg.cancel_scope.cancel()
        # The readers never raise (their errors are delivered through __anext__), so the group
        # is exited clean and the body's own exception, if any, propagates unwrapped.
        await tg.__aexit__(None, None, None)
        return None

    def _shutdown(self) -> None:
        """The client is closing: stop the readers; the consumer gets ``ClientClosedError``."""
        if self._error is None:
            self._error = ClientClosedError("the client was closed while this subscription was open")
        for conn in self._connections:
            conn.cancel_scope.cancel()
        self._wakeup.set()

    async def _wait(self) -> None:
        await self._wakeup.wait()
        self._wakeup = anyio.Event()

    def _check(self) -> None:
        if self._error is not None:
            raise self._error
        failed = next((c.error for c in self._connections if c.error is not None), None)
        if failed is not None:
            self._error = failed
            raise failed
        if self._state != "open":
            raise StreamError("use the subscription inside `async with`: it owns its connections there")

    # -- what connections report -----------------------------------------------------------
    def on_state(self) -> None:
        self._wakeup.set()

    def on_gap(self, args: Sequence[Arg]) -> None:
        self.gaps += 1

    def __aiter__(self) -> Self:
        return self

    def stats(self) -> dict[str, Any]:
        return {"gaps": self.gaps, "connections": [c.stats() for c in self._connections]}


class Subscription(_Stream[Push[T]]):
    """Typed pushes of one channel kind (e.g. ``ticker``) for one or many instruments.

    ``async with client.stream.ticker("SPOT", "BTCUSDT") as sub: async for push in sub: ...``;
    each ``push`` is a ``Push[T]``: ``push.arg.inst_id``, ``push.data`` (a list of ``T``),
    ``push.action``, ``push.ts``, ``push.gap``.  ``dropped`` counts pushes lost to a slow consumer.
    """

    def __init__(self, owner: StreamClient, args: Sequence[Arg], private: bool, item_type: type[T],
                 decoder: RoutingDecoder | None = None) -> None:
        super().__init__(owner, args, private, decoder or PushDecoder(item_type))
        self._queue: collections.deque[Push[T]] = collections.deque(maxlen=owner.config.queue_size)
        self._lost: set[Arg] = set()  # reconnected: flag the next push that arrives
        self._dropped_from: set[Arg] = set()  # dropped oldest: flag the next push handed out
        self.dropped = 0

    def on_push(self, push: Push[T], conn: Connection) -> None:
        queue = self._queue
        if self._lost and push.arg in self._lost:
            self._lost.discard(push.arg)
            push.gap = True
        if len(queue) == queue.maxlen:
            self._dropped_from.add(queue[0].arg)
            self.dropped += 1
        queue.append(push)
        self._wakeup.set()

    def on_gap(self, args: Sequence[Arg]) -> None:
        super().on_gap(args)
        self._lost.update(args)

    async def __anext__(self) -> Push[T]:
        while True:
            if self._queue:
                push = self._queue.popleft()
                if self._dropped_from and push.arg in self._dropped_from:
                    self._dropped_from.discard(push.arg)
                    push.gap = True
                return push
            self._check()
            await self._wait()

    def stats(self) -> dict[str, Any]:
        return {**super().stats(), "dropped": self.dropped, "queued": len(self._queue)}


class _RawBooks(msgspec.Struct, gc=False):
    asks: list[tuple[str, str]] = msgspec.field(default_factory=list)
    bids: list[tuple[str, str]] = msgspec.field(default_factory=list)
    checksum: int | None = None
    seq: int | None = None
    pseq: int | None = None
    ts: int | None = None


class OrderBooks(_Stream[OrderBook]):
    """Verified local order books (``books`` channel) for one or many instruments.

    ``async with client.stream.order_book("SPOT", "BTCUSDT") as books: async for book in books:``
    yields the ``OrderBook`` that changed, whole and verified (never one mid-resync).  ``books[id]``
    looks one up by instId.  ``resyncs`` counts resubscribes after a checksum mismatch or a gap.
    """

    def __init__(self, owner: StreamClient, args: Sequence[Arg], private: bool = False) -> None:
        super().__init__(owner, args, private, PushDecoder(_RawBooks))
        self._books = {arg: OrderBook(arg) for arg in self.args}
        self._by_id = {(arg.inst_id or ""): book for arg, book in self._books.items()}
        self._dirty: dict[Arg, None] = {}
        self._gap_pending: set[Arg] = set()
        self.resyncs = 0
        self.coalesced = 0

    def __getitem__(self, inst_id: str) -> OrderBook:
        return self._by_id[inst_id.upper()]

    @property
    def books(self) -> dict[str, OrderBook]:
        return dict(self._by_id)

    def on_push(self, push: Push[_RawBooks], conn: Connection) -> None:
        book = self._books.get(push.arg)
        if book is None:
            return
        for data in push.data:
            try:
                book.apply(push.action, data.bids, data.asks, checksum_value=data.checksum, seq=data.seq,
                           pseq=data.pseq, ts=data.ts or push.ts)
            except BookOutOfSync:
                book.reset()
                book.resyncs += 1
                self.resyncs += 1
                self._gap_pending.add(push.arg)
                self._dirty.pop(push.arg, None)
                conn.request_resync(push.arg)
                return
        if book.synced:
            if push.arg in self._dirty:
                self.coalesced += 1
            else:
                self._dirty[push.arg] = None
            self._wakeup.set()

    def on_gap(self, args: Sequence[Arg]) -> None:
        super().on_gap(args)
        for arg in args:
            book = self._books.get(arg)
            if book is not None:
                book.reset()
                self._dirty.pop(arg, None)
                self._gap_pending.add(arg)

    async def __anext__(self) -> OrderBook:
        while True:
            if self._dirty:
                arg = next(iter(self._dirty))
                del self._dirty[arg]
                book = self._books[arg]
                book.gap = arg in self._gap_pending
                self._gap_pending.discard(arg)
                return book
            self._check()
            await self._wait()

    def stats(self) -> dict[str, Any]:
        return {**super().stats(), "resyncs": self.resyncs, "coalesced": self.coalesced}
