"""A loopback WebSocket server for the simulator's ASGI WebSocket handler, on anyio.

Tests need the stream endpoint over a real socket on whatever loop they run (asyncio or trio)
without a server thread, so this serves the same ASGI ``websocket`` interface uvicorn drives,
using ``websockets``' sans-I/O server protocol over ``anyio.create_tcp_listener``.  An app that
raises ``ConnectionDropped`` has its socket aborted without a close frame (a dropped connection).
"""

from __future__ import annotations

import contextlib
import math
import ssl
from collections.abc import AsyncIterator
from typing import Any

import anyio
import anyio.abc
from anyio.abc import SocketAttribute
from websockets.exceptions import InvalidHandshake, ProtocolError
from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.protocol import State
from websockets.server import ServerProtocol

from ._faults import ConnectionDropped

__all__ = ["serve_websocket"]

_ERRORS = (anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError, OSError)


@contextlib.asynccontextmanager
async def serve_websocket(
    app: Any, host: str = "127.0.0.1", port: int = 0, ssl_context: ssl.SSLContext | None = None
) -> AsyncIterator[str]:
    """Serve ``app`` (ASGI, ``websocket`` scopes only) until the block ends; yields ``ws://host:port``
    (``wss://`` with a server ``ssl_context``)."""
    tcp = await anyio.create_tcp_listener(local_host=host, local_port=port)
    bound_port = tcp.extra(SocketAttribute.local_port)
    listener: anyio.abc.Listener[Any] = tcp
    if ssl_context is not None:
        from anyio.streams.tls import TLSListener

        listener = TLSListener(tcp, ssl_context, standard_compatible=False)
    async with listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, lambda stream: _serve_one(app, stream))
        try:
            yield f"{'wss' if ssl_context is not None else 'ws'}://{host}:{bound_port}"
        finally:
            tg.cancel_scope.cancel()


async def _serve_one(app: Any, stream: anyio.abc.ByteStream) -> None:
    try:
        await _session(app, stream)
    finally:  # also when the server shuts down: clients see the connection end
        await anyio.aclose_forcefully(stream)


async def _session(app: Any, stream: anyio.abc.ByteStream) -> None:
    proto = ServerProtocol(max_size=1 << 20)
    try:
        request = await _read_request(proto, stream)
    except (*_ERRORS, InvalidHandshake, ProtocolError):
        await anyio.aclose_forcefully(stream)
        return
    if request is None:
        await anyio.aclose_forcefully(stream)
        return
    inbox_send, inbox = anyio.create_memory_object_stream[dict[str, Any]](math.inf)
    connected = False
    accepted = False

    write_lock = anyio.Lock()

    async def flush() -> None:
        async with write_lock:  # the reader (close replies) and the app both write
            for data in proto.data_to_send():
                if data:
                    await stream.send(data)

    async def reader() -> None:
        try:
            while True:
                data = await stream.receive(1 << 16)
                proto.receive_data(data)
                for frame in proto.events_received():
                    if not isinstance(frame, Frame):
                        continue
                    if frame.opcode is Opcode.TEXT:
                        await inbox_send.send({"type": "websocket.receive", "text": bytes(frame.data).decode()})
                    elif frame.opcode is Opcode.BINARY:
                        await inbox_send.send({"type": "websocket.receive", "bytes": bytes(frame.data)})
                await flush()
                if proto.state is State.CLOSED or proto.close_expected():
                    break
        except _ERRORS:
            pass  # the client went away; reported as a disconnect below
        await inbox_send.send({"type": "websocket.disconnect", "code": 1006})

    async def receive() -> dict[str, Any]:
        nonlocal connected
        if not connected:
            connected = True
            return {"type": "websocket.connect"}
        return await inbox.receive()

    async with anyio.create_task_group() as tg:

        async def send(message: dict[str, Any]) -> None:
            nonlocal accepted
            kind = message["type"]
            try:
                if kind == "websocket.accept":
                    proto.send_response(proto.accept(request))
                    await flush()
                    accepted = True
                    tg.start_soon(reader)
                elif kind == "websocket.close" and not accepted:
                    proto.send_response(proto.reject(403, "connection refused\n"))
                    await flush()
                elif kind == "websocket.send":
                    if proto.state is not State.OPEN:
                        return  # closing: what a real server writes now is lost too
                    text = message.get("text")
                    if text is not None:
                        proto.send_text(text.encode())
                    else:
                        proto.send_binary(bytes(message.get("bytes") or b""))
                    await flush()
                elif kind == "websocket.close":
                    proto.send_close(int(message.get("code", 1000)))
                    await flush()
            except _ERRORS:
                raise anyio.BrokenResourceError from None

        scope = {
            "type": "websocket",
            "path": request.path.split("?", 1)[0],
            "raw_path": request.path.encode(),
            "headers": [(k.lower().encode(), v.encode()) for k, v in request.headers.raw_items()],
            "client": stream.extra(SocketAttribute.remote_address, ("127.0.0.1", 0)),
            "subprotocols": [],
        }
        try:
            await app(scope, receive, send)
        except ConnectionDropped:
            tg.cancel_scope.cancel()
            await anyio.aclose_forcefully(stream)
            return
        except anyio.BrokenResourceError:
            pass  # the client is gone
        finally:
            tg.cancel_scope.cancel()
    with anyio.move_on_after(1, shield=True):
        with contextlib.suppress(*_ERRORS):
            await flush()
    await anyio.aclose_forcefully(stream)


async def _read_request(proto: ServerProtocol, stream: anyio.abc.ByteStream) -> Request | None:
    with anyio.move_on_after(10):
        while True:
            proto.receive_data(await stream.receive(1 << 16))
            for event in proto.events_received():
                if isinstance(event, Request):
                    return event
            if proto.handshake_exc is not None:
                return None
    return None
