"""``results.md`` and ``results.json``: the targets, one table per workload, decode and memory.

The markdown says where the numbers come from before it shows any (command, date, machine,
commit, versions, repetitions), and every table lists ccxt and pybotters, as "n/a" when the run
could not measure them, so a reader never mistakes a missing peer for a won comparison.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from catalog import CONCURRENCY, HTTPX_BASELINE, PEERS, WORKLOAD_TITLES, WORKLOADS, Cells, titles
from chart import render_chart
from verdict import targets

__all__ = ["render_markdown", "write_results"]

CELL_HEADER = [
    "| client | conc | req/s | CPU us/req | CPU min-max | vs raw httpx, same pool and loop | vs httpx gated "
    "| vs raw aiohttp | p50 ms | p99 ms | peak RSS MB | server busy | errors | bad signatures |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
]


def _fmt(x: float, digits: int = 0) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:,.{digits}f}"


def _ratio(a: dict[str, Any] | None, b: dict[str, Any] | None) -> str:
    if not a or not b or "error" in a or "error" in b:
        return "n/a"
    return f"{a['cpu_us_per_req'] / b['cpu_us_per_req']:.2f}x"


def _pools(meta: dict[str, Any]) -> str:
    pools = meta.get("pools")
    if not pools:
        return ("Pools (saved before they were recorded): raw httpx 8 connections like bitget_async's default "
                "`Limits()`, raw aiohttp its own default connector (100).")
    return (f"Pools: bitget_async's default `Limits()` {pools['bitget_async']} connections, raw httpx and raw aiohttp "
            f"{pools['raw']} (the pool-128 rows {pools['big']} on both sides); ccxt and pybotters run as their "
            "users get them (aiohttp's default connector).")


def _header(meta: dict[str, Any]) -> list[str]:
    m = meta["machine"]
    return [
        "# Benchmark results",
        "",
        f"Command: `{meta['command']}` ({meta['mode']} run, {meta['date']}, {meta['elapsed_s'] / 60:.1f} min), "
        f"commit {m.get('commit', 'unknown')}.",
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
        "with the raw client in the same run, same workload and concurrency.  " + _pools(meta) + "  "
        "Bodies are Bitget's page sizes: 1,000 tickers, 1,000 candles.",
        "",
        "![CPU per request and throughput](results.png)",
    ]


def _targets(cells: Cells, probes: dict[str, Any]) -> list[str]:
    out = ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    for name, value, ok in targets(cells, probes):
        out.append(f"| {name} | {value} | {'n/a' if ok is None else 'yes' if ok else 'NO'} |")
    return out


def _cell_row(title: str, c: str, n: int, w: str, v: dict[str, Any], cells: Cells) -> str:
    if "error" in v:
        return f"| {title} | {n} | n/a: {v['error']} ||||||||||||"
    return (
        f"| {title} | {n} | {_fmt(v['rps'])} | {_fmt(v['cpu_us_per_req'])} "
        f"| {_fmt(v['cpu_us_spread'][0])}-{_fmt(v['cpu_us_spread'][1])} "
        f"| {_ratio(v, cells.get((HTTPX_BASELINE.get(c, 'httpx'), w, n)))} | {_ratio(v, cells.get(('httpx_gated', w, n)))} "
        f"| {_ratio(v, cells.get(('aiohttp', w, n)))} | {_fmt(v['p50_ms'], 2)} | {_fmt(v['p99_ms'], 2)} "
        f"| {_fmt(v['peak_rss_mb'], 1)} | {v['server_busy_max']:.0%} | {v['errors']} | {v['signature_failures']} |"
    )


def _workload_tables(meta: dict[str, Any], cells: Cells) -> list[str]:
    clients = [*meta["clients"], *(p for p in PEERS if p not in meta["clients"])]
    names = titles(meta)
    out: list[str] = []
    for w in WORKLOADS:
        out += ["", f"## {WORKLOAD_TITLES[w]}", "", *CELL_HEADER]
        for n in CONCURRENCY:
            for c in clients:
                v = cells.get((c, w, n))
                if v is None and c in PEERS:
                    v = {"error": "not run (left out of --clients, --workloads or --concurrency)"}
                if v is not None:
                    out.append(_cell_row(names[c], c, n, w, v, cells))
    return out


def _decode_tables(decode: dict[str, Any], peers: dict[str, Any]) -> list[str]:
    out = ["", "## Decoding 1,000 tickers and 1,000 candles (in-process, no I/O)", ""]
    res = decode.get("results")
    if not res:
        return [*out, f"n/a: {decode.get('error', 'not run')}"]
    base = res["json.loads (dicts)"]["median_us"]
    candle_base = res.get("candles: json.loads (dicts)", {}).get("median_us", base)
    rerun = f" Measured {decode['date']} with `{decode['command']}`." if "date" in decode else ""
    out += [
        f"Body: {decode['body_bytes']:,} bytes, {decode['tickers']} tickers, {decode['rounds']} rounds, "
        f"every case timed once per round (round-robin).{rerun} Candle rows compare with "
        "`json.loads` of the candles body.  ccxt's and pybotters' own decode of the same bodies: the "
        "peers table below.",
        "",
        "| decoder | median us | best us | vs json.loads |",
        "|---|---:|---:|---:|",
    ]
    for name, r in res.items():
        b = candle_base if name.startswith("candles:") else base
        out.append(f"| {name} | {r['median_us']:,.0f} | {r['best_us']:,.0f} | {r['median_us'] / b:.2f}x |")
    out += ["", "Peers decoding the same bodies (`peer_decode.py`, its own round-robin with its own `json.loads`):", ""]
    peer_res = peers.get("results")
    if not peer_res:
        return [*out, f"n/a: {peers.get('error', 'not run')}"]
    out += ["| peer | decoder | median us | vs json.loads |", "|---|---|---:|---:|"]
    for name, r in peer_res.items():
        out.append(f"| {r['peer']} | {name} | {r['median_us']:,.0f} | {r['vs_json_loads']:.2f}x |")
    return out


def _loop_table(loop: dict[str, Any]) -> list[str]:
    out = ["", "## Decoding inside the request loop (`decode_bench.py --loop`)", ""]
    res = loop.get("results")
    if not res:
        return [*out, f"n/a: {loop.get('error', 'not run')}"]
    out += [
        f"One caller, one loopback GET per call against the fake server, client CPU (`time.process_time`), "
        f"median of {loop['rounds']} round-robin samples of {loop['calls_per_sample']} calls.",
        "",
        "| case | median us | best us | vs raw aiohttp + json.loads |",
        "|---|---:|---:|---:|",
    ]
    for name, r in res.items():
        floor = res.get(f"{name.split(':', 1)[0]}: raw aiohttp + json.loads")
        ratio = f"{r['median_us'] / floor['median_us']:.2f}x" if floor else "n/a"
        out.append(f"| {name} | {r['median_us']:,.0f} | {r['best_us']:,.0f} | {ratio} |")
    return out


def _memory_table(memory: dict[str, Any], names: dict[str, str]) -> list[str]:
    out = ["", "## Memory: import + one open client (one request done)", "", "| client | RSS MB | peak RSS MB |", "|---|---:|---:|"]
    missing = {p: {"error": "not run"} for p in PEERS if p not in memory}
    for c, v in {**memory, **missing}.items():
        title = "bare python" if c == "python" else names[c]
        if "error" in v:
            out.append(f"| {title} | n/a: {v['error']} | |")
        else:
            out.append(f"| {title} | {v['rss_mb']:.1f} | {v['peak_rss_mb']:.1f} |")
    return out


def _problems(cells: Cells, names: dict[str, str]) -> list[str]:
    problems = [
        f"- {names[c]} / {w} / {n}: {v.get('error') or v.get('first_error') or ''} "
        f"(errors {v.get('errors', 'n/a')}, bad signatures {v.get('signature_failures', 'n/a')}, "
        f"failed repetitions {len(v.get('failed_reps', []))})"
        for (c, w, n), v in sorted(cells.items())
        if "error" in v or v["errors"] or v["signature_failures"] or v["failed_reps"]
    ]
    out = ["", "## Errors, signature failures, n/a cells", ""]
    return out + (problems or ["None: every request of every client succeeded and every signature verified."])


def render_markdown(saved: dict[str, Any], cells: Cells) -> str:
    """The whole ``results.md`` from a results record (meta, memory and the decode probes)."""
    meta = saved["meta"]
    out = _header(meta) + _targets(cells, saved) + _workload_tables(meta, cells)
    out += _decode_tables(saved.get("decode") or {}, saved.get("peer_decode") or {})
    out += _loop_table(saved.get("decode_loop") or {})
    out += _memory_table(saved.get("memory") or {}, titles(meta)) + _problems(cells, titles(meta))
    return "\n".join([*out, ""])


def write_results(out: Path, saved: dict[str, Any], cells: Cells) -> None:
    """``out``.json (everything measured), .md and .png; ``saved`` holds meta, runs, decode, memory."""
    record = {**saved, "cells": [{"client": c, "workload": w, "concurrency": n, **v} for (c, w, n), v in sorted(cells.items())]}
    out.with_suffix(".json").write_text(json.dumps(record, indent=1))
    out.with_suffix(".md").write_text(render_markdown(saved, cells))
    render_chart(out.with_suffix(".png"), saved["meta"], cells)
    print(f"wrote {out.with_suffix('.md')}, {out.with_suffix('.png')}, {out.with_suffix('.json')}", flush=True)
