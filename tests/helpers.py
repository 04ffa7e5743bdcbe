"""The test suite's shared helpers: one fake-server recorder, one loopback HTTP server, one client
factory, one envelope, one window counter, one raw signed POST.

Plain functions and classes live here (test modules import them: ``from helpers import ...``);
the fixtures that wrap them live in ``conftest.py``.  One copy each, so a change to the
envelope's shape or to how a test client is built is made once.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

from bitget_async import BitgetClient, RateLimits
from bitget_async.signing import hmac_sign, prehash

NOW_MS = 1_700_000_000_000
CREDS: dict[str, str] = {"api_key": "bg_key_for_tests", "api_secret": "secret", "passphrase": "pass"}


# -- scripts that are no package (examples/, benchmarks/) ----------------------------------------
def load_module(path: Path, name: str) -> ModuleType:
    """Import the file at ``path`` as module ``name`` (once: a second call returns the first)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pydantic resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


# -- the Bitget envelope -----------------------------------------------------------------------
def envelope(data: Any = None, code: str = "00000", msg: str = "success", request_time: int = 1) -> dict[str, Any]:
    """Bitget's answer envelope around ``data``."""
    return {"code": code, "msg": msg, "requestTime": request_time, "data": data}


def envelope_bytes(data: Any = None, code: str = "00000", msg: str = "success", request_time: int = 1) -> bytes:
    """The envelope as the bytes on the wire."""
    return json.dumps(envelope(data, code, msg, request_time)).encode()


def ok(data: Any = None, request_time: int = 1) -> httpx.Response:
    """A 200 answer carrying ``data`` in a success envelope."""
    return httpx.Response(200, content=envelope_bytes(data, request_time=request_time))


# -- the mock-transport recorder and the client factory ----------------------------------------
@dataclass
class Recorder:
    """An ``httpx.MockTransport`` handler: remembers every request, answers with ``answer(request)``
    (which may raise an httpx error) or, without one, with ``body``."""

    answer: Callable[[httpx.Request], httpx.Response] | None = None
    body: bytes = field(default=envelope_bytes(None, request_time=NOW_MS))
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.answer is not None:
            return self.answer(request)
        return httpx.Response(200, content=self.body)

    @property
    def only(self) -> httpx.Request:
        (request,) = self.requests
        return request

    @property
    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def make_client(handler: Callable[..., Any] | None = None, *, signed: bool = True, **kwargs: Any) -> BitgetClient:
    """A client for tests: on an ``httpx.MockTransport(handler)`` (unless ``transport=``,
    ``httpx_client=`` or ``base_url=`` say otherwise), a fixed clock, rate limiting off, and test
    credentials unless ``signed=False``; every default gives way to a keyword."""
    if handler is not None and "httpx_client" not in kwargs:
        kwargs.setdefault("transport", httpx.MockTransport(handler))
    kwargs.setdefault("clock", lambda: NOW_MS)
    kwargs.setdefault("rate_limits", RateLimits(enabled=False))
    if signed:
        kwargs.setdefault("api_key", CREDS["api_key"])
        if "private_key" not in kwargs:
            kwargs.setdefault("api_secret", CREDS["api_secret"])
        kwargs.setdefault("passphrase", CREDS["passphrase"])
    return BitgetClient(**kwargs)


# -- counting arrivals -------------------------------------------------------------------------
def max_in_window(instants: list[float], period: float = 1.0) -> int:
    """Most instants inside any half-open window [t, t + period)."""
    ts = sorted(instants)
    best = j = 0
    for i, t in enumerate(ts):
        while ts[j] <= t - period:
            j += 1
        best = max(best, i - j + 1)
    return best


# -- one signed POST with no client in between -------------------------------------------------
def signed_headers(
    sim: Any, method: str, path: str, query: str = "", body: str = "", *, ts: str | None = None, secret: str | None = None
) -> dict[str, str]:
    """The four ACCESS headers for a request, signed with the simulator's keys at its clock
    (``ts`` and ``secret`` override them: a stale stamp, a wrong key)."""
    stamp = ts if ts is not None else str(sim.now_ms())
    return {
        "ACCESS-KEY": sim.api_key,
        "ACCESS-SIGN": hmac_sign(secret or sim.api_secret, prehash(stamp, method, path, query, body)),
        "ACCESS-TIMESTAMP": stamp,
        "ACCESS-PASSPHRASE": sim.passphrase,
        "Content-Type": "application/json",
    }


async def signed_post(sim: Any, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """One signed POST straight through the simulator's transport: no client-side order safety in between."""
    text = json.dumps(body)
    async with httpx.AsyncClient(transport=sim.transport(), base_url="https://api.bitget.com") as http:
        response = await http.post(path, content=text, headers=signed_headers(sim, "POST", path, body=text))
    answer: dict[str, Any] = response.json()
    return answer


# -- the loopback HTTP server ------------------------------------------------------------------
@dataclass
class Received:
    method: str
    target: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    arrived: float = 0.0  # time.monotonic() when the whole request had been read


# What the server does with a request: answer (status, body, extra headers), "close" (hang up
# without answering) or "hang" (never answer; wait for the client to give up).  A script may
# also block (waiting on an event) before it answers: it runs on the connection's own thread.
Action = tuple[int, bytes, dict[str, str]] | str
OK_EMPTY = b'{"code":"00000","msg":"success","requestTime":1,"data":[]}'


def first_then(first: Action, then: Action) -> Callable[[Received], Action]:
    """A script that does ``first`` to the first request and ``then`` to every later one."""
    seen = 0

    def script(req: Received) -> Action:
        nonlocal seen
        seen += 1
        return first if seen == 1 else then

    return script


@dataclass
class LoopbackServer:
    """A real HTTP/1.1 server on 127.0.0.1 (an OS-chosen port, one thread per connection, keep-alive).

    It records every request with its arrival instant and answers by ``script``; raw sockets,
    so a test can also hang up mid-request or never answer.
    """

    script: Callable[[Received], Action] = lambda req: (200, OK_EMPTY, {})
    port: int = 0
    requests: list[Received] = field(default_factory=list)
    hung_up_by_client: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _sock: socket.socket | None = None
    _threads: list[threading.Thread] = field(default_factory=list)
    _stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def arrivals(self) -> list[float]:
        with self.lock:
            return [r.arrived for r in self.requests]

    def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        # The default backlog of a few: with 8 connections opening at once the kernel may drop a
        # SYN, and its retransmit lands the request a second late, at the server, after pacing.
        sock.listen(128)
        sock.settimeout(0.05)
        self._sock, self.port = sock, sock.getsockname()[1]
        self._spawn(self._accept_loop)

    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        t = threading.Thread(target=target, args=args, daemon=True)
        t.start()
        self._threads.append(t)

    def _accept_loop(self) -> None:
        assert self._sock is not None
        while not self._stopping.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:  # including the accept timeout: check _stopping again
                continue
            conn.settimeout(0.05)
            self._spawn(self._serve, conn)

    def _recv(self, conn: socket.socket, buf: bytearray) -> bool:
        while not self._stopping.is_set():
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return False
            if not chunk:
                return False
            buf += chunk
            return True
        return False

    def _serve(self, conn: socket.socket) -> None:
        buf = bytearray()
        with conn:
            while True:
                while b"\r\n\r\n" not in buf:
                    if not self._recv(conn, buf):
                        return
                head, _, rest = bytes(buf).partition(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
                length = int(headers.get("content-length", "0"))
                buf = bytearray(rest)
                while len(buf) < length:
                    if not self._recv(conn, buf):
                        return
                req = Received(method, target, headers, bytes(buf[:length]), time.monotonic())
                del buf[:length]
                with self.lock:
                    self.requests.append(req)
                action = self.script(req)
                if action == "close":
                    return
                if action == "hang":
                    while self._recv(conn, buf):
                        pass
                    if not self._stopping.is_set():
                        self.hung_up_by_client.set()
                    return
                assert not isinstance(action, str)
                status, body, extra = action
                head_out = f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                head_out += "".join(f"{k}: {v}\r\n" for k, v in extra.items())
                try:
                    conn.sendall(head_out.encode() + b"\r\n" + body)
                except OSError:  # the client hung up on a held request: expected in cancellation tests
                    return

    def stop(self) -> None:
        self._stopping.set()
        for t in self._threads:
            t.join(timeout=5)
        if self._sock is not None:
            self._sock.close()
