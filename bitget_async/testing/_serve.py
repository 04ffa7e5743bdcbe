"""Serving the simulator over real HTTP on loopback with uvicorn (the ``sim`` extra).

Only this module and the ``sim`` command import uvicorn; the in-process simulator never does.
The server runs on its own thread with its own asyncio loop, so ``Simulator.serve()`` works
the same from asyncio and trio tests; the exchange lock keeps that thread and the caller's
``sim.advance()`` from interleaving.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from typing import Any

__all__ = ["ServerThread", "bind", "url_for"]


class _HideDrops(logging.Filter):
    """A dropped connection is a fault the test asked for, not an application error to log."""

    def filter(self, record: logging.LogRecord) -> bool:
        from ._faults import ConnectionDropped

        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, ConnectionDropped)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket: bound (port 0 picks a free one) and listening before anyone is told.

    Created with ``proto=IPPROTO_TCP`` and ``TCP_NODELAY`` set: accepted sockets inherit both,
    and asyncio sets ``TCP_NODELAY`` only on sockets whose ``proto`` says TCP.  With proto 0,
    Nagle's algorithm held uvicorn's second write (the body after the headers) until the
    client's delayed ACK, about 40 ms per keep-alive request."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def url_for(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def make_server(app: Any, *, log_level: str = "warning") -> Any:
    try:
        import uvicorn
    except ImportError:
        raise ImportError("serving the simulator over HTTP needs uvicorn: pip install 'bitget-async[sim]'") from None

    config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="on", loop="asyncio")
    return uvicorn.Server(config)


class ServerThread:
    """uvicorn serving ``app`` on a background thread until ``stop()``."""

    def __init__(self, app: Any, host: str, port: int) -> None:
        self._server = make_server(app)
        self._sock = bind(host, port)
        self.url = url_for(self._sock)
        self._thread = threading.Thread(target=self._run, name=f"bitget-sim {self.url}", daemon=True)
        self._filter = _HideDrops()
        self._error: BaseException | None = None

    def _run(self) -> None:
        try:
            asyncio.run(self._server.serve(sockets=[self._sock]))
        except BaseException as exc:  # reported by start() instead of dying silently on the thread
            self._error = exc

    def start(self, timeout: float = 10.0) -> None:
        logging.getLogger("uvicorn.error").addFilter(self._filter)
        self._thread.start()
        waited = 0.0
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"simulator server failed to start: {self._error!r}")
            if waited >= timeout:
                raise RuntimeError("simulator server did not start in time")
            self._thread.join(0.01)
            waited += 0.01

    def stop(self, timeout: float = 10.0) -> None:
        """Ask uvicorn to finish and wait for the thread (safe if ``start`` never ran or failed)."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._sock.close()
        logging.getLogger("uvicorn.error").removeFilter(self._filter)
