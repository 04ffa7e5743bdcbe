"""The run's processes: the fake server, one worker per measured cell, the memory and decode probes.

Each measurement is a fresh process (pinned to CPU 0 when two CPUs exist, the server to CPU 1)
so imports, caches and peak RSS of one client never leak into another's numbers.  A process
that fails, hangs or prints no JSON becomes ``{"error": reason}`` in the results, never a crash
of the run and never a silently missing row.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from environment import HERE, pin

__all__ = ["fake_server", "run_cells", "run_decode", "run_decodes", "run_json", "run_memory"]


@contextmanager
def fake_server(env: dict[str, str]) -> Iterator[int]:
    """Start ``fake_server.py`` on a free port, yield the port, stop it on the way out."""
    cmd = [*pin(1), sys.executable, str(HERE / "fake_server.py"), "--port", "0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"fake server did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}")
        yield int(line.split()[1])
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_json(cmd: Sequence[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
    """Run one measurement process; a failure becomes ``{"error": reason}``, never a crash."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=HERE)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f}s"}
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {done.returncode}: {tail[:300]}"}
    return dict(json.loads(lines[-1]))


def run_cells(
    cells: list[tuple[str, str, int]], reps: int, seconds: float, warmup: float, port: int, env: dict[str, str]
) -> list[dict[str, Any]]:
    """Every cell ``reps`` times, each repetition in a fresh shuffled order (fixed seed), so slow
    drift of a shared machine lands on all clients alike; one record per process."""
    runs: list[dict[str, Any]] = []
    rng = random.Random(20240601)
    total = len(cells) * reps
    for rep in range(reps):
        order = list(cells)
        rng.shuffle(order)
        for c, w, n in order:
            cmd = [*pin(0), sys.executable, str(HERE / "worker.py"), "--client", c, "--workload", w,
                   "--concurrency", str(n), "--seconds", str(seconds), "--warmup", str(warmup), "--port", str(port)]
            r = run_json(cmd, env, timeout=60 + 4 * seconds)
            r.update(client=c, workload=w, concurrency=n, rep=rep)
            runs.append(r)
            status = r.get("error") or f"{r['cpu_us_per_req']:8.0f} us/req {r['rps']:9.0f} req/s"
            print(f"[{len(runs):3d}/{total}] {c:18s} {w:8s} {n:4d}  {status}", flush=True)
    return runs


def run_memory(clients: list[str], port: int, env: dict[str, str]) -> dict[str, Any]:
    """RSS after import + one open client, for the bare interpreter and each client."""
    memory: dict[str, Any] = {}
    for c in ["python", *clients]:
        memory[c] = run_json([sys.executable, str(HERE / "memory_bench.py"), "--client", c, "--port", str(port)], env, 60)
        print(f"memory {c}: {memory[c]}", flush=True)
    return memory


def run_decode(args: list[str], env: dict[str, str], timeout: float, pinned: bool = True) -> dict[str, Any]:
    """One decode benchmark (``decode_bench.py`` or ``peer_decode.py`` and its arguments).

    ``pinned=False`` for ``decode_bench.py --loop``: it starts its own fake server as a child,
    which would inherit the pin and share the client's CPU.
    """
    result = run_json([*(pin(0) if pinned else []), sys.executable, str(HERE / args[0]), *args[1:]], env, timeout)
    print(f"{' '.join(args)}: {result}", flush=True)
    return result


def run_decodes(micro_rounds: int, loop_rounds: int, env: dict[str, str], timeout: float) -> dict[str, Any]:
    """The three decode probes, keyed as the results file keeps them: ours in-process
    (``decode``), the peers' in-process (``peer_decode``), ours inside a request (``decode_loop``)."""
    return {
        "decode": run_decode(["decode_bench.py", str(micro_rounds)], env, timeout),
        "peer_decode": run_decode(["peer_decode.py", str(micro_rounds)], env, timeout),
        "decode_loop": run_decode(["decode_bench.py", "--loop", str(loop_rounds)], env, timeout, pinned=False),
    }
