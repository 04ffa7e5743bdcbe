"""Run the whole benchmark with one command and write ``results.md``, ``results.json``, ``results.png``.

    python benchmarks/run.py            # full run (about 22 minutes on 2 cores)
    python benchmarks/run.py --quick    # smoke run (a few minutes), into benchmarks/.work/

The first run creates ``benchmarks/.venv-bench`` (gitignored) with this repository's package
(editable) and the exact versions in ``benchmarks/requirements.txt``, then re-runs itself inside
it.  The fake server runs in its own process pinned to the second CPU; every (client, workload,
concurrency) cell runs in a fresh process pinned to the first (``taskset``, when two CPUs
exist), ``--reps`` times in shuffled order, and the tables report the median of the repetitions.

This process stays small on purpose: it imports neither the package nor any client library
(matplotlib only at the very end), because every child it starts inherits its RSS high-water
mark (``ru_maxrss`` survives fork and exec on Linux), which would inflate every cell's peak RSS.

This module is the command line and the order of the steps; the pieces live beside it:
``catalog`` (the grid), ``environment`` (venv, pins, machine), ``processes`` (server, workers,
probes), ``verdict`` (medians, targets), ``report`` and ``chart`` (the files).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from catalog import CLIENTS, CONCURRENCY, WORKLOADS, plan
from clients import BIG_POOL, POOL
from environment import HERE, REPO, VENV, WORK, bench_env, ensure_venv, machine, venv_python
from processes import fake_server, run_cells, run_decodes, run_memory
from report import write_results
from verdict import aggregate


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="short smoke run (a few minutes)")
    parser.add_argument("--clients", default=",".join(CLIENTS))
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--concurrency", default=",".join(map(str, CONCURRENCY)))
    parser.add_argument("--seconds", type=float, help="timed phase per cell (default 2.0, quick 0.4)")
    parser.add_argument("--warmup", type=float, help="warm-up per cell (default 0.5, quick 0.15)")
    parser.add_argument("--reps", type=int, help="repetitions per cell (default 3, quick 1)")
    parser.add_argument("--out", help="output path without extension (default benchmarks/results; "
                        "quick runs: benchmarks/.work/results-quick, so they never overwrite a full run)")
    parser.add_argument("--no-venv", action="store_true", help="use the current interpreter as is")
    parser.add_argument("--from-json", help="re-render .md and .png from a results .json, measuring nothing")
    parser.add_argument("--decode-only", action="store_true",
                        help="rerun only the decode benchmarks (in-process, and inside a loopback request) into benchmarks/results.json")
    return parser


def main() -> None:
    args = _parser().parse_args()
    if not args.no_venv and Path(sys.prefix).resolve() != VENV.resolve():
        ensure_venv()
        os.execv(str(venv_python()), [str(venv_python()), str(Path(__file__).resolve()), *sys.argv[1:]])

    if args.decode_only:
        rerun_decode(Path(args.out).with_suffix(".json") if args.out else HERE / "results.json",
                     *((30, 5) if args.quick else (400, 40)))
        return
    if args.from_json:
        rerender(Path(args.from_json))
        return
    seconds = args.seconds or (0.4 if args.quick else 2.0)
    warmup = args.warmup or (0.15 if args.quick else 0.5)
    reps = args.reps or (1 if args.quick else 3)
    clients = [c for c in args.clients.split(",") if c]
    cells = plan(clients, [w for w in args.workloads.split(",") if w], [int(n) for n in args.concurrency.split(",") if n])
    WORK.mkdir(exist_ok=True)
    env = bench_env()
    started = time.monotonic()
    # Compile the package once so no measured process pays for (or holds memory from) compiling.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "bitget_async")], env=env, check=True)

    with fake_server(env) as port:
        runs = run_cells(cells, reps, seconds, warmup, port, env)
        memory = run_memory(clients, port, env)
    decodes = run_decodes(*((30, 5) if args.quick else (200, 40)), env, 600)

    meta = {
        "command": " ".join(["python benchmarks/run.py", *sys.argv[1:]]),
        "mode": "quick" if args.quick else "full",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "elapsed_s": time.monotonic() - started,
        "seconds": seconds,
        "warmup": warmup,
        "reps": reps,
        "clients": clients,
        "machine": machine(),
        # clients.POOL is bitget_async's default Limits().max_connections (a test pins it): this
        # process must not import the package (see the module docstring).
        "pools": {"bitget_async": POOL, "raw": POOL, "big": BIG_POOL},
    }
    out = Path(args.out) if args.out else (WORK / "results-quick" if args.quick else HERE / "results")
    out.parent.mkdir(parents=True, exist_ok=True)
    saved = {"meta": meta, "runs": runs, "memory": memory, **decodes}
    write_results(out, saved, aggregate(runs))


def rerun_decode(path: Path, micro_rounds: int, loop_rounds: int) -> None:
    """Measure the decode benchmarks again and keep the saved HTTP runs (minutes to redo)."""
    saved: dict[str, Any] = json.loads(path.read_text())
    for key, result in run_decodes(micro_rounds, loop_rounds, bench_env(), 600).items():
        result["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        result["command"] = "python benchmarks/run.py --decode-only"
        saved[key] = result
    write_results(path.with_suffix(""), saved, aggregate(saved["runs"]))


def rerender(path: Path) -> None:
    """Rebuild the tables and chart from a saved run (after changing how they are drawn)."""
    saved: dict[str, Any] = json.loads(path.read_text())
    write_results(path.with_suffix(""), saved, aggregate(saved["runs"]))


if __name__ == "__main__":
    main()
