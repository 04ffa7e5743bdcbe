"""Run the whole benchmark with one command and write ``results.md``, ``results.json``, ``results.png``.

    python benchmarks/run.py            # full run (about 15 minutes on 2 cores)
    python benchmarks/run.py --quick    # smoke run (about 2 minutes)

The first run creates ``benchmarks/.venv-bench`` (gitignored) with this repository's package
(editable) and the exact versions in ``benchmarks/requirements.txt``, then re-runs itself inside
it.  The fake server runs in its own process pinned to the second CPU; every (client, workload,
concurrency) cell runs in a fresh process pinned to the first (``taskset``, when two CPUs
exist), ``--reps`` times in shuffled order, and the tables report the median of the repetitions.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VENV = HERE / ".venv-bench"
WORK = HERE / ".work"
REQUIREMENTS = HERE / "requirements.txt"

CLIENTS = (
    "bitget_async", "bitget_async_httpx", "httpx", "httpx_gated", "aiohttp", "ccxt", "pybotters",
    "bitget_async_trio", "httpx_trio", "bitget_async_pool128", "bitget_async_httpx_pool128", "httpx_pool128",
)
# The raw httpx row each client is compared with in the "vs raw httpx" column: same pool size,
# same event loop.
HTTPX_BASELINE = {
    "bitget_async_trio": "httpx_trio",
    "bitget_async_pool128": "httpx_pool128",
    "bitget_async_httpx_pool128": "httpx_pool128",
}
CHART_EXCLUDE = ("bitget_async_pool128", "bitget_async_httpx_pool128", "httpx_pool128")
# Cells worth their minutes: the pool-size rows answer one question (does any pool size collapse
# at 128 callers?), the trio rows sit beside raw httpx on trio at the concurrencies that matter.
ONLY: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "bitget_async_pool128": (("small", "signed"), (128,)),
    "bitget_async_httpx_pool128": (("small", "signed"), (128,)),
    "httpx_pool128": (("small", "signed"), (128,)),
    "bitget_async_trio": (("small", "signed", "large", "candles"), (16, 128)),
    "httpx_trio": (("small", "signed", "large", "candles"), (16, 128)),
}
WORKLOADS = ("small", "signed", "large", "candles")
WORKLOAD_TITLES = {
    "small": "Small public GET (one ticker)",
    "signed": "Signed POST (place order)",
    "large": "Large GET (1,000 tickers, ~370 KB, decoded)",
    "candles": "Candles (1,000 rows, Bitget's page size)",
}
CLIENT_TITLES = {
    "bitget_async": "**bitget_async default** (aiohttp on asyncio)",
    "bitget_async_httpx": "bitget_async transport=\"httpx\"",
    "bitget_async_fast": "bitget_async transport=\"aiohttp\"",
    "httpx": "raw httpx (pool 8)",
    "httpx_gated": "raw httpx gated (pool 8, 8 in flight)",
    "httpx2_gated": "raw httpx2 gated (pool 8, 8 in flight)",
    "bitget_async_trio": "bitget_async default on trio (httpx)",
    "httpx_trio": "raw httpx on trio (pool 8)",
    "bitget_async_pool128": "bitget_async default, Limits(max_connections=128)",
    "bitget_async_httpx_pool128": "bitget_async httpx, Limits(max_connections=128)",
    "httpx_pool128": "raw httpx (pool 128)",
    "aiohttp": "raw aiohttp",
    "ccxt": "ccxt async",
    "pybotters": "pybotters",
}
CONCURRENCY = (1, 16, 128)
LIBRARIES = ("httpx", "httpcore", "aiohttp", "yarl", "anyio", "trio", "msgspec", "ccxt", "pybotters", "orjson", "uvloop", "matplotlib")


# -- environment ---------------------------------------------------------------------------------


def _venv_python() -> Path:
    return VENV / "bin" / "python"


def _stamp() -> str:
    h = hashlib.sha256(REQUIREMENTS.read_bytes())
    h.update((REPO / "pyproject.toml").read_bytes())
    h.update(sys.version.encode())
    return h.hexdigest()


def ensure_venv() -> None:
    """Create or refresh the benchmark virtualenv when the pins or pyproject changed."""
    stamp_file = VENV / ".stamp"
    if stamp_file.exists() and stamp_file.read_text() == _stamp():
        return
    print(f"== creating {VENV.relative_to(REPO)} (pinned peers from requirements.txt)", flush=True)
    if VENV.exists():
        shutil.rmtree(VENV)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(_venv_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", str(REPO), "-r", str(REQUIREMENTS)], check=True)
    stamp_file.write_text(_stamp())


def bench_env() -> dict[str, str]:
    """Child environment: compiled bytecode cached outside the tree, as an installed wheel has."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    env["PYTHONPATH"] = str(HERE)
    return env


def pin(cpu: int) -> list[str]:
    if (os.cpu_count() or 1) >= 2 and shutil.which("taskset"):
        return ["taskset", "-c", str(cpu)]
    return []


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    versions = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = "not installed"
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "kernel": platform.release(),
        "pinned": bool(pin(0)),
        "versions": versions,
    }


# -- processes -----------------------------------------------------------------------------------


@contextmanager
def fake_server(env: dict[str, str]) -> Iterator[int]:
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


# -- aggregation ---------------------------------------------------------------------------------


def aggregate(runs: list[dict[str, Any]]) -> dict[tuple[str, str, int], dict[str, Any]]:
    """Median of the repetitions per cell; errors and signature failures are summed, not hidden."""
    cells: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for r in runs:
        cells.setdefault((r["client"], r["workload"], r["concurrency"]), []).append(r)
    out: dict[tuple[str, str, int], dict[str, Any]] = {}
    for key, reps in cells.items():
        good = [r for r in reps if "error" not in r and r["requests"] > 0]
        if not good:
            out[key] = {"error": next((r.get("error") or r.get("first_error") for r in reps), "no requests")}
            continue
        agg: dict[str, Any] = {"reps": len(good)}
        for m in ("rps", "cpu_us_per_req", "p50_ms", "p99_ms", "server_busy"):
            agg[m] = statistics.median(r[m] for r in good)
        agg["cpu_us_spread"] = [min(r["cpu_us_per_req"] for r in good), max(r["cpu_us_per_req"] for r in good)]
        agg["server_busy_max"] = max(r["server_busy"] for r in good)
        agg["peak_rss_mb"] = max(r["peak_rss_mb"] for r in good)
        for m in ("requests", "errors", "signature_failures", "signed_ok", "not_found"):
            agg[m] = sum(r[m] for r in good)
        agg["first_error"] = next((r["first_error"] for r in good if r["first_error"]), "")
        agg["failed_reps"] = [r["error"] for r in reps if "error" in r]
        out[key] = agg
    return out


def _fmt(x: float, digits: int = 0) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:,.{digits}f}"


def _ratio(a: dict[str, Any] | None, b: dict[str, Any] | None) -> str:
    if not a or not b or "error" in a or "error" in b:
        return "n/a"
    return f"{a['cpu_us_per_req'] / b['cpu_us_per_req']:.2f}x"


def targets(cells: dict[tuple[str, str, int], dict[str, Any]], decode: dict[str, Any], memory: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met?) for every target in the issue, computed from this run only."""
    rows: list[tuple[str, str, bool | None]] = []

    def cell(c: str, w: str, n: int) -> dict[str, Any] | None:
        v = cells.get((c, w, n))
        return v if v and "error" not in v else None

    def cpu(c: str, w: str, n: int) -> float | None:
        v = cell(c, w, n)
        return v["cpu_us_per_req"] if v else None

    # The default install on asyncio against the peers and the floor (issue 15).
    for w in ("small", "signed"):
        for n in (16, 128):
            ours = cpu("bitget_async", w, n)
            for peer in ("pybotters", "ccxt"):
                theirs = cpu(peer, w, n)
                if ours and theirs:
                    rows.append((f"default CPU/req below {peer}: {w} @{n}", f"{ours:.0f} vs {theirs:.0f} us", ours < theirs))
            floor = cpu("aiohttp", w, n)
            if ours and floor:
                rows.append((f"default CPU/req <= 1.15x raw aiohttp: {w} @{n}", f"{ours / floor:.2f}x", ours / floor <= 1.15))
    # No configuration collapses at 128 callers: each bitget_async pool size against raw httpx
    # with the same pool (req/s at least as high).
    for w in ("small", "signed"):
        for ours_name, raw_name in (("bitget_async_httpx_pool128", "httpx_pool128"), ("bitget_async_pool128", "httpx_pool128"),
                                    ("bitget_async_httpx", "httpx"), ("bitget_async", "httpx")):
            a, b = cell(ours_name, w, 128), cell(raw_name, w, 128)
            if a and b:
                r = a["rps"] / b["rps"]
                rows.append((f"req/s @128 >= raw httpx, same pool: {ours_name} vs {raw_name}, {w}",
                             f"{r:.2f}x ({a['rps']:,.0f} vs {b['rps']:,.0f})", r >= 1.0))
    # Big bodies inside the request loop: the whole request (typed decode included) against raw
    # aiohttp + json.loads of the same body.
    for w, bound in (("large", 1.3), ("candles", 1.5)):
        for n in (1, 16):
            a, b = cpu("bitget_async", w, n), cpu("aiohttp", w, n)
            if a and b:
                rows.append((f"{w} in the request loop (typed) <= {bound}x raw aiohttp + json.loads @{n}", f"{a / b:.2f}x", a / b <= bound))
    # trio: the default there is httpx; it should cost no more than raw httpx on trio.
    for w in WORKLOADS:
        for n in (16, 128):
            a, b = cpu("bitget_async_trio", w, n), cpu("httpx_trio", w, n)
            if a and b:
                rows.append((f"trio CPU/req <= 1.10x raw httpx on trio: {w} @{n}", f"{a / b:.2f}x", a / b <= 1.10))
    res = decode.get("results", {})
    if "bitget_async typed (Decimal fields)" in res and "json.loads (dicts)" in res:
        r = res["bitget_async typed (Decimal fields)"]["median_us"] / res["json.loads (dicts)"]["median_us"]
        rows.append(("typed decode of 1,000 tickers (exact decimals) <= 1.6x json.loads", f"{r:.2f}x", r <= 1.6))
    typed, plain = res.get("candles: bitget_async typed (1,000 rows)"), res.get("candles: json.loads (dicts)")
    if typed and plain:
        r = typed["median_us"] / plain["median_us"]
        rows.append(("typed decode of 1,000 candles (exact decimals) <= 1.6x json.loads", f"{r:.2f}x", r <= 1.6))
    for c in ("bitget_async", "bitget_async_fast"):
        m = memory.get(c)
        if m and "error" not in m:
            rows.append((f"import + one open client <= 45 MB RSS: {c}", f"{m['rss_mb']:.1f} MB (peak {m['peak_rss_mb']:.1f})", max(m["rss_mb"], m["peak_rss_mb"]) <= 45))
    return rows


def render_markdown(
    meta: dict[str, Any],
    cells: dict[tuple[str, str, int], dict[str, Any]],
    decode: dict[str, Any],
    memory: dict[str, Any],
) -> str:
    m = meta["machine"]
    out = [
        "# Benchmark results",
        "",
        f"Command: `{meta['command']}` ({meta['mode']} run, {meta['date']}, {meta['elapsed_s'] / 60:.1f} min).",
        "",
        f"Machine: {m['nproc']} CPUs, {m['cpu']}, {m['implementation']} {m['python']}, Linux {m['kernel']}; "
        f"{'server pinned to CPU 1, each client process to CPU 0' if m['pinned'] else 'not pinned (taskset or a second CPU missing)'}. "
        "Clients run on the stock asyncio loop (the `on trio` rows under `trio.run`); the fake server on uvloop. "
        "The machine is shared with other jobs: compare ratios within this run, and see the min-max spread "
        "of each cell in results.json (`cpu_us_spread`).",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        "",
        f"Each cell: {meta['reps']} repetition(s) in shuffled order, each a fresh process, {meta['warmup']} s warm-up "
        f"then {meta['seconds']} s timed; the table shows the median.  CPU us/req is the client process's "
        "user+system time over the timed phase divided by completed requests.  Ratios compare CPU us/req "
        "with the raw client in the same run, same workload and concurrency.",
        "",
        "![CPU per request and throughput](results.png)",
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    for name, value, ok in targets(cells, decode, memory):
        out.append(f"| {name} | {value} | {'yes' if ok else 'NO'} |")
    for w in WORKLOADS:
        out += [
            "",
            f"## {WORKLOAD_TITLES[w]}",
            "",
            "| client | conc | req/s | CPU us/req | CPU min-max | vs raw httpx, same pool and loop | vs httpx gated | vs aiohttp | p50 ms | p99 ms | peak RSS MB | server busy | errors | bad signatures |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for n in CONCURRENCY:
            for c in meta["clients"]:
                v = cells.get((c, w, n))
                if v is None:
                    continue
                if "error" in v:
                    out.append(f"| {CLIENT_TITLES[c]} | {n} | n/a: {v['error']} ||||||||||||")
                    continue
                out.append(
                    f"| {CLIENT_TITLES[c]} | {n} | {_fmt(v['rps'])} | {_fmt(v['cpu_us_per_req'])} "
                    f"| {_fmt(v['cpu_us_spread'][0])}-{_fmt(v['cpu_us_spread'][1])} "
                    f"| {_ratio(v, cells.get((HTTPX_BASELINE.get(c, 'httpx'), w, n)))} | {_ratio(v, cells.get(('httpx_gated', w, n)))} "
                    f"| {_ratio(v, cells.get(('aiohttp', w, n)))} | {_fmt(v['p50_ms'], 2)} | {_fmt(v['p99_ms'], 2)} "
                    f"| {_fmt(v['peak_rss_mb'], 1)} | {v['server_busy_max']:.0%} | {v['errors']} | {v['signature_failures']} |"
                )
    out += ["", "## Decoding 1,000 tickers (in-process, no I/O)", ""]
    res = decode.get("results")
    if res:
        base = res["json.loads (dicts)"]["median_us"]
        candle_base = res.get("candles: json.loads (dicts)", {}).get("median_us", base)
        rerun = f" Measured {decode['date']} with `{decode['command']}`." if "date" in decode else ""
        out += [
            f"Body: {decode['body_bytes']:,} bytes, {decode['tickers']} tickers, {decode['rounds']} rounds, "
            f"every case timed once per round (round-robin).{rerun} Candle rows compare with "
            "`json.loads` of the candles body.",
            "",
            "| decoder | median us | best us | vs json.loads |",
            "|---|---:|---:|---:|",
        ]
        for name, r in res.items():
            b = candle_base if name.startswith("candles:") else base
            out.append(f"| {name} | {r['median_us']:,.0f} | {r['best_us']:,.0f} | {r['median_us'] / b:.2f}x |")
    else:
        out.append(f"n/a: {decode.get('error', 'not run')}")
    out += [
        "",
        "## Memory: import + one open client (one request done)",
        "",
        "| client | RSS MB | peak RSS MB |",
        "|---|---:|---:|",
    ]
    for c, v in memory.items():
        title = "bare python" if c == "python" else CLIENT_TITLES[c]
        if "error" in v:
            out.append(f"| {title} | n/a: {v['error']} | |")
        else:
            out.append(f"| {title} | {v['rss_mb']:.1f} | {v['peak_rss_mb']:.1f} |")
    problems = [
        f"- {CLIENT_TITLES[c]} / {w} / {n}: {v.get('error') or v.get('first_error') or ''} "
        f"(errors {v.get('errors', 'n/a')}, bad signatures {v.get('signature_failures', 'n/a')}, "
        f"failed repetitions {len(v.get('failed_reps', []))})"
        for (c, w, n), v in sorted(cells.items())
        if "error" in v or v["errors"] or v["signature_failures"] or v["failed_reps"]
    ]
    out += ["", "## Errors, signature failures, n/a cells", ""]
    out += problems or ["None: every request of every client succeeded and every signature verified."]
    out.append("")
    return "\n".join(out)


def render_chart(path: Path, meta: dict[str, Any], cells: dict[tuple[str, str, int], dict[str, Any]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    clients = [c for c in meta["clients"] if c not in CHART_EXCLUDE]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, 5.5))
    width = 0.8 / len(clients)
    for i, c in enumerate(clients):
        cpu = []
        for w in WORKLOADS:
            v = cells.get((c, w, 16))
            cpu.append(v["cpu_us_per_req"] if v and "error" not in v else 0.0)
        xs = [j + i * width for j in range(len(WORKLOADS))]
        ax1.bar(xs, cpu, width, label=CLIENT_TITLES[c])
        rps = []
        for w in ("small", "signed", "candles"):
            v = cells.get((c, w, 128))
            rps.append(v["rps"] if v and "error" not in v else 0.0)
        ax2.bar([j + i * width for j in range(3)], rps, width, label=CLIENT_TITLES[c])
    ax1.set_xticks([j + 0.4 - width / 2 for j in range(len(WORKLOADS))], ["small GET", "signed POST", "1,000 tickers", "candles"])
    ax1.set_yscale("log")
    ax1.set_ylabel("client CPU us per request (log; lower is better)")
    ax1.set_title("CPU per request at 16 concurrent")
    ax2.set_xticks([j + 0.4 - width / 2 for j in range(3)], ["small GET", "signed POST", "candles"])
    ax2.set_ylabel("requests per second (higher is better)")
    ax2.set_title("Throughput at 128 concurrent (one client CPU)")
    handles, labels = ax1.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(clients), fontsize=8, frameon=False)
    m = meta["machine"]
    fig.suptitle(f"bitget_async vs raw clients and peers - {m['nproc']} CPUs, {m['cpu']}, Python {m['python']} ({meta['mode']} run)")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


# -- main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="short smoke run (about 2 minutes)")
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
                        help="rerun only the in-process decode benchmark into benchmarks/results.json")
    args = parser.parse_args()

    if not args.no_venv and Path(sys.prefix).resolve() != VENV.resolve():
        ensure_venv()
        os.execv(str(_venv_python()), [str(_venv_python()), str(Path(__file__).resolve()), *sys.argv[1:]])

    if args.decode_only:
        rerun_decode(HERE / "results.json", 30 if args.quick else 400)
        return
    if args.from_json:
        rerender(Path(args.from_json))
        return
    seconds = args.seconds or (0.4 if args.quick else 2.0)
    warmup = args.warmup or (0.15 if args.quick else 0.5)
    reps = args.reps or (1 if args.quick else 3)
    clients = [c for c in args.clients.split(",") if c]
    workloads = [w for w in args.workloads.split(",") if w]
    concurrency = [int(n) for n in args.concurrency.split(",") if n]
    WORK.mkdir(exist_ok=True)
    env = bench_env()
    started = time.monotonic()
    # Compile the package once so no measured process pays for (or holds memory from) compiling.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "bitget_async")], env=env, check=True)

    runs: list[dict[str, Any]] = []
    memory: dict[str, Any] = {}
    with fake_server(env) as port:
        plan = [
            (c, w, n) for w in workloads for n in concurrency for c in clients
            if c not in ONLY or (w in ONLY[c][0] and n in ONLY[c][1])
        ]
        rng = random.Random(20240601)
        total = len(plan) * reps
        done = 0
        for rep in range(reps):
            order = list(plan)
            rng.shuffle(order)
            for c, w, n in order:
                done += 1
                cmd = [*pin(0), sys.executable, str(HERE / "worker.py"), "--client", c, "--workload", w,
                       "--concurrency", str(n), "--seconds", str(seconds), "--warmup", str(warmup), "--port", str(port)]
                r = run_json(cmd, env, timeout=60 + 4 * seconds)
                r.update(client=c, workload=w, concurrency=n, rep=rep)
                runs.append(r)
                status = r.get("error") or f"{r['cpu_us_per_req']:8.0f} us/req {r['rps']:9.0f} req/s"
                print(f"[{done:3d}/{total}] {c:18s} {w:8s} {n:4d}  {status}", flush=True)
        for c in ["python", *clients]:
            memory[c] = run_json([sys.executable, str(HERE / "memory_bench.py"), "--client", c, "--port", str(port)], env, 60)
            print(f"memory {c}: {memory[c]}", flush=True)
    decode = run_json([*pin(0), sys.executable, str(HERE / "decode_bench.py"), "30" if args.quick else "200"], env, 300)
    print(f"decode: {decode}", flush=True)

    cells = aggregate(runs)
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
    }
    out = Path(args.out) if args.out else (WORK / "results-quick" if args.quick else HERE / "results")
    write_results(out, meta, runs, decode, memory, cells)


def write_results(
    out: Path,
    meta: dict[str, Any],
    runs: list[dict[str, Any]],
    decode: dict[str, Any],
    memory: dict[str, Any],
    cells: dict[tuple[str, str, int], dict[str, Any]],
) -> None:
    out.with_suffix(".json").write_text(
        json.dumps(
            {"meta": meta, "runs": runs, "decode": decode, "memory": memory,
             "cells": [{"client": c, "workload": w, "concurrency": n, **v} for (c, w, n), v in sorted(cells.items())]},
            indent=1,
        )
    )
    out.with_suffix(".md").write_text(render_markdown(meta, cells, decode, memory))
    render_chart(out.with_suffix(".png"), meta, cells)
    print(f"wrote {out.with_suffix('.md')}, {out.with_suffix('.png')}, {out.with_suffix('.json')}", flush=True)


def rerun_decode(path: Path, rounds: int) -> None:
    """Measure the decode benchmark again and keep the saved HTTP runs (minutes to redo)."""
    saved = json.loads(path.read_text())
    decode = run_json([*pin(0), sys.executable, str(HERE / "decode_bench.py"), str(rounds)], bench_env(), 600)
    decode["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    decode["command"] = "python benchmarks/run.py --decode-only"
    print(f"decode: {decode}", flush=True)
    saved["decode"] = decode
    write_results(path.with_suffix(""), saved["meta"], saved["runs"], decode, saved["memory"], aggregate(saved["runs"]))


def rerender(path: Path) -> None:
    """Rebuild the tables and chart from a saved run (after changing how they are drawn)."""
    saved = json.loads(path.read_text())
    write_results(path.with_suffix(""), saved["meta"], saved["runs"], saved["decode"], saved["memory"], aggregate(saved["runs"]))


if __name__ == "__main__":
    main()
