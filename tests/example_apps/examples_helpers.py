"""Helpers shared by the examples tests (moved from test_examples.py when it was split)."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import anyio
from helpers import load_module

from bitget_async import BitgetClient

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
BTC = "BTCUSDT"


def load_example(name: str) -> ModuleType:
    """Import ``examples/<name>.py`` under a private module name (the folder is no package)."""
    return load_module(EXAMPLES / f"{name}.py", f"_example_{name}")


bot = load_example("bot")
collector = load_example("collector")
fastapi_app = load_example("fastapi_app")
trio_example = load_example("trio_example")


# -- subprocess plumbing ---------------------------------------------------------------------------
class Lines:
    """Lines of a child's pipe, readable with a timeout (a thread drains the pipe)."""

    def __init__(self, stream: IO[str]) -> None:
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.stream = stream
        self.thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        """After the child exited: let the pump reach end of file, then close the pipe."""
        self.thread.join(10)
        self.stream.close()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self.queue.put(line.rstrip("\n"))
        self.queue.put(None)

    def wait_for(self, pattern: str, timeout: float = 20.0) -> str:
        regex = re.compile(pattern)
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no line matching {pattern!r} within {timeout}s; saw {self.seen[-20:]}")
            try:
                line = self.queue.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"stream ended before {pattern!r}; saw {self.seen[-20:]}")
            self.seen.append(line)
            if regex.search(line):
                return line

    def rest(self, timeout: float = 10.0) -> list[str]:
        """Everything until the stream closes."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.queue.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                continue
            if line is None:
                return self.seen
            self.seen.append(line)
        return self.seen


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BITGET_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


class ServedSim:
    """``python -m bitget_async sim --port 0`` as a child process, with the env it printed."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bitget_async", "sim", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=child_env(), cwd=ROOT,
        )
        assert self.proc.stdout is not None
        self.lines = Lines(self.proc.stdout)
        self.env: dict[str, str] = {}
        for key in ("BITGET_BASE_URL", "BITGET_API_KEY", "BITGET_API_SECRET", "BITGET_PASSPHRASE"):
            line = self.lines.wait_for(f"^{key}=")
            self.env[key] = line.split("=", 1)[1]
        assert self.env["BITGET_BASE_URL"].startswith("http://127.0.0.1:")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.lines.close()

    def api(self, fn: Any) -> Any:
        """Run ``await fn(client)`` with a client built from this server's env."""

        async def go() -> Any:
            async with BitgetClient.from_env(self.env) as client:
                return await fn(client)

        return anyio.run(go)


def run_example(name: str, args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py"), *args],
        capture_output=True, text=True, env=child_env(env), cwd=ROOT, timeout=timeout,
    )
