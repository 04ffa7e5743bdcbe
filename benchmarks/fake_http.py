"""The fake server's HTTP/1.1: an incremental request parser and a keep-alive ``asyncio.Protocol``.

Kept apart from the routing (``fake_server.FakeBitget``) so each can be read and tested alone:
this module knows bytes and framing (Content-Length, chunked bodies, pipelining,
``Connection: close``), nothing about Bitget.  Per request it parses the head and hands a
``Request`` to a ``respond`` callable that returns the whole answer as pre-built bytes.
Standard library only.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Mapping
from typing import cast

__all__ = ["HttpParser", "Request", "Respond", "http_response", "serve"]


@dataclasses.dataclass(frozen=True, slots=True)
class Request:
    """One parsed request: the head as received (target undecoded) and the exact body bytes."""

    method: str
    target: str
    headers: Mapping[str, str]  # lower-cased names
    body: bytes


Respond = Callable[[Request], bytes]


def http_response(status: int, body: bytes) -> bytes:
    """A complete keep-alive JSON response: built once per answer at start-up, not per request."""
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}[status]
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode("ascii") + body


class HttpParser:
    """Incremental HTTP/1.1 request parser: Content-Length and chunked bodies, pipelining."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[Request]:
        """Add bytes; return every request now complete (in order)."""
        buf = self._buf
        buf += data
        out: list[Request] = []
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return out
            lines = bytes(buf[:end]).decode("latin-1").split("\r\n")
            method, target, _version = lines[0].split(" ", 2)
            headers: dict[str, str] = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            start = end + 4
            if headers.get("transfer-encoding", "").lower() == "chunked":
                parsed = _dechunk(buf, start)
                if parsed is None:
                    return out
                body, consumed = parsed
            else:
                length = int(headers.get("content-length") or 0)
                if len(buf) < start + length:
                    return out
                body, consumed = bytes(buf[start : start + length]), start + length
            del buf[:consumed]
            out.append(Request(method, target, headers, body))


def _dechunk(buf: bytearray, pos: int) -> tuple[bytes, int] | None:
    """(body, end offset) of a complete chunked body starting at ``pos``, or None if partial."""
    parts: list[bytes] = []
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None
        size = int(bytes(buf[pos:eol]).split(b";", 1)[0], 16)
        pos = eol + 2
        if size == 0:
            trailer_end = buf.find(b"\r\n", pos)
            if trailer_end < 0:
                return None
            return b"".join(parts), trailer_end + 2
        if len(buf) < pos + size + 2:
            return None
        parts.append(bytes(buf[pos : pos + size]))
        pos += size + 2


class _Connection(asyncio.Protocol):
    def __init__(self, respond: Respond) -> None:
        self._respond = respond
        self._parser = HttpParser()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports do not subclass asyncio.Transport; they implement its methods.
        self._transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        transport = self._transport
        assert transport is not None
        for req in self._parser.feed(data):
            transport.write(self._respond(req))
            if req.headers.get("connection", "").lower() == "close":
                transport.close()
                return


async def serve(respond: Respond, host: str = "127.0.0.1", port: int = 0) -> asyncio.Server:
    """Start listening; the caller reads the bound port from ``server.sockets``."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: _Connection(respond), host, port, backlog=1024)
