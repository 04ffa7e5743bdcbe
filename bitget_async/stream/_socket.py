"""One WebSocket over an anyio byte stream: the ``websockets`` sans-I/O protocol, our I/O.

Why this pairing: anyio gives sockets and TLS on asyncio *and* trio, and ``websockets``' protocol
objects do the framing without owning an event loop.  Measured on this project's 2-core box
(books15-sized text frames, ``python benchmarks/ws_bench.py --parsers``): ``websockets`` parses
~236k frames per CPU second against ~100k for ``wsproto``, so its parser costs well under the JSON
decode that follows (``benchmarks/ws_results.md``).

``WebSocket`` is the only place where the library's and the socket's errors are seen; everything
below the connection layer raises ``SocketClosed`` (a plain internal signal to reconnect) or
``StreamConnectionError``.
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence

import anyio
import anyio.abc
from websockets.client import ClientProtocol
from websockets.exceptions import InvalidHandshake, InvalidURI, ProtocolError
from websockets.frames import Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.uri import parse_uri

from .._errors import StreamConnectionError

__all__ = ["SocketClosed", "WebSocket"]

_MAX_MESSAGE = 1 << 24  # a full-depth books snapshot is ~20 kB; this is a sanity bound only
_READ_CHUNK = 1 << 16
_STREAM_ERRORS = (anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError, OSError)


class SocketClosed(Exception):
    """The connection ended (closed by the peer, reset, or a protocol error): reconnect."""


class WebSocket:
    """A client WebSocket: ``send_text``, ``receive`` (all complete messages of one read), ``aclose``."""

    def __init__(self, stream: anyio.abc.ByteStream, protocol: ClientProtocol) -> None:
        self._stream = stream
        self._proto = protocol
        self._fragments: list[bytes] = []
        self._send_lock = anyio.Lock()

    @classmethod
    async def connect(cls, url: str, *, connect_timeout: float, ssl_context: ssl.SSLContext | None = None) -> WebSocket:
        """Open TCP (+TLS for ``wss://``) and do the opening handshake within ``connect_timeout`` seconds."""
        try:
            uri = parse_uri(url)
        except InvalidURI as exc:
            raise StreamConnectionError(f"not a WebSocket URL: {url!r}") from exc
        proto = ClientProtocol(uri, max_size=_MAX_MESSAGE)
        stream: anyio.abc.ByteStream | None = None
        try:
            with anyio.fail_after(connect_timeout):
                if uri.secure:
                    stream = await anyio.connect_tcp(
                        uri.host, uri.port, tls=True, ssl_context=ssl_context or ssl.create_default_context(),
                        tls_hostname=uri.host, tls_standard_compatible=False,
                    )
                else:
                    stream = await anyio.connect_tcp(uri.host, uri.port)
                proto.send_request(proto.connect())
                for data in proto.data_to_send():
                    await stream.send(data)
                while proto.state is State.CONNECTING:
                    proto.receive_data(await stream.receive(_READ_CHUNK))
                    for event in proto.events_received():
                        if isinstance(event, Response) and event.status_code != 101:
                            raise StreamConnectionError(f"WebSocket handshake refused: HTTP {event.status_code} from {url}")
                if proto.handshake_exc is not None:
                    raise StreamConnectionError(f"WebSocket handshake failed: {proto.handshake_exc}")
        except TimeoutError:
            if stream is not None:
                await _abort(stream)
            raise StreamConnectionError(f"no WebSocket connection to {url} within {connect_timeout:g} s") from None
        except (*_STREAM_ERRORS, InvalidHandshake, ProtocolError) as exc:
            if stream is not None:
                await _abort(stream)
            raise StreamConnectionError(f"WebSocket connection to {url} failed: {exc!r}") from None
        except BaseException:
            if stream is not None:
                await _abort(stream)
            raise
        ws = cls(stream, proto)
        # Frames that arrived together with the handshake answer.
        ws._pending = ws._messages(proto.events_received())
        return ws

    _pending: list[bytes]

    async def send_text(self, text: bytes) -> None:
        """Send one text frame (``text`` is UTF-8 JSON or ``b"ping"``)."""
        async with self._send_lock:
            try:
                self._proto.send_text(text)
                await self._flush()
            except (*_STREAM_ERRORS, ProtocolError) as exc:
                raise SocketClosed(repr(exc)) from None

    async def receive(self) -> Sequence[bytes]:
        """The complete text/binary messages of the next read (at least one), oldest first."""
        if self._pending:
            pending, self._pending = self._pending, []
            return pending
        while True:
            try:
                data = await self._stream.receive(_READ_CHUNK)
            except _STREAM_ERRORS as exc:
                raise SocketClosed(repr(exc)) from None
            self._proto.receive_data(data)
            messages = self._messages(self._proto.events_received())
            outgoing = self._proto.data_to_send()  # pongs to server pings, the close reply
            if outgoing:
                await self._send_raw(outgoing)
            if messages:
                return messages
            if self._proto.state is State.CLOSED or self._proto.close_expected():
                raise SocketClosed(f"closed by the server (code {self._close_code()})")

    def _close_code(self) -> int | None:
        rcvd = self._proto.close_rcvd
        return rcvd.code if rcvd is not None else None

    def _messages(self, events: Sequence[object]) -> list[bytes]:
        out: list[bytes] = []
        for frame in events:
            opcode = getattr(frame, "opcode", None)
            if opcode is Opcode.TEXT or opcode is Opcode.BINARY:
                if frame.fin:  # type: ignore[attr-defined]
                    out.append(bytes(frame.data))  # type: ignore[attr-defined]
                else:
                    self._fragments = [bytes(frame.data)]  # type: ignore[attr-defined]
            elif opcode is Opcode.CONT:
                self._fragments.append(bytes(frame.data))  # type: ignore[attr-defined]
                if frame.fin:  # type: ignore[attr-defined]
                    out.append(b"".join(self._fragments))
                    self._fragments = []
        return out

    async def _flush(self) -> None:
        for data in self._proto.data_to_send():
            if data:
                await self._stream.send(data)

    async def _send_raw(self, chunks: Sequence[bytes]) -> None:
        try:
            async with self._send_lock:
                for data in chunks:
                    if data:
                        await self._stream.send(data)
        except _STREAM_ERRORS as exc:
            raise SocketClosed(repr(exc)) from None

    async def aclose(self) -> None:
        """Close politely (close frame) if possible, within a second; always release the socket."""
        with anyio.CancelScope(shield=True), anyio.move_on_after(1.0):
            try:
                if self._proto.state is State.OPEN:
                    self._proto.send_close(1000)
                    await self._flush()
            except (*_STREAM_ERRORS, ProtocolError):
                pass  # the peer is gone already; the socket is released below either way
        await _abort(self._stream)


async def _abort(stream: anyio.abc.ByteStream) -> None:
    with anyio.CancelScope(shield=True):
        try:
            await anyio.aclose_forcefully(stream)
        except _STREAM_ERRORS:
            pass  # already closed
