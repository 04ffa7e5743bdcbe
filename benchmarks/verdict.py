"""What a run says: the median of each cell's repetitions, and every target of the issue with the
value this run measured and whether it is met.

Every target row is always there: a target this run could not measure (a peer not installed, a
cell left out with ``--clients``, a failed process) reads "n/a", never disappears, so the table
cannot look greener than the run was.  Ratios compare cells of this run only, same workload and
concurrency, and the raw baselines hold the same pool as the client they are compared with
(``clients.POOL`` = bitget_async's default ``Limits()``; the ``pool128`` rows 128 each).
"""

from __future__ import annotations

import statistics
from typing import Any

from catalog import WORKLOADS, Cells

__all__ = ["DECODE_BOUNDS", "Target", "aggregate", "targets"]

# (target, measured, met); met is None when the run has no number for it.
Target = tuple[str, str, bool | None]

# The typed decode against json.loads of the same body: (decode_bench case, its json.loads
# case, bound).  The same bounds hold for whole requests in the loop (``large``, ``candles``).
DECODE_BOUNDS = {
    "large": ("bitget_async typed (Decimal fields)", "json.loads (dicts)", 1.3),
    "candles": ("candles: bitget_async typed (1,000 rows)", "candles: json.loads (dicts)", 1.5),
}
DECODE_NAMES = {"large": "1,000 tickers", "candles": "1,000 candles"}
NOT_MEASURED = "n/a (not measured in this run)"


def aggregate(runs: list[dict[str, Any]]) -> Cells:
    """Median of the repetitions per cell; errors and signature failures are summed, not hidden."""
    cells: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for r in runs:
        cells.setdefault((r["client"], r["workload"], r["concurrency"]), []).append(r)
    out: Cells = {}
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


class _Run:
    """Look-ups into one run's cells: a pair of cells, or None when either is missing or failed."""

    def __init__(self, cells: Cells) -> None:
        self._cells = cells

    def cell(self, c: str, w: str, n: int) -> dict[str, Any] | None:
        v = self._cells.get((c, w, n))
        return v if v and "error" not in v else None

    def compare(self, name: str, ours: str, theirs: str, w: str, n: int, kind: str, bound: float = 1.0) -> Target:
        """``ours`` against ``theirs`` in one workload and concurrency.

        ``kind``: "below" (CPU us/req strictly lower), "cpu" (CPU ratio <= ``bound``), "rps"
        (req/s ratio >= ``bound``), "beside" (CPU and req/s side by side, met on CPU <= ``bound``).
        """
        a, b = self.cell(ours, w, n), self.cell(theirs, w, n)
        if not (a and b):
            return (name, NOT_MEASURED, None)
        x, y = a["cpu_us_per_req"], b["cpu_us_per_req"]
        cpu = f"{x:,.0f} vs {y:,.0f} us/req ({x / y:.2f}x)"
        rps = f"{a['rps']:,.0f} vs {b['rps']:,.0f} req/s ({a['rps'] / b['rps']:.2f}x)"
        if kind == "below":
            return (name, cpu, x < y)
        if kind == "cpu":
            return (name, cpu, x / y <= bound)
        if kind == "rps":
            return (name, rps, a["rps"] / b["rps"] >= bound)
        if kind == "beside":
            return (name, f"{cpu}; {rps}", x / y <= bound)
        raise ValueError(f"unknown comparison {kind!r}")


# decode_bench.py --loop: one caller, one GET per call, client CPU; its case names per body.
LOOP_KINDS = {"large": "tickers", "candles": "candles"}


def _loop_target(loop: dict[str, Any], workload: str) -> Target:
    kind, bound = LOOP_KINDS[workload], DECODE_BOUNDS[workload][2]
    name = (f"{DECODE_NAMES[workload]} inside the request loop (decode_bench.py --loop, one caller, typed) "
            f"<= {bound}x raw aiohttp + json.loads")
    res = loop.get("results") or {}
    typed, floor = res.get(f"{kind}: bitget_async default, aiohttp (typed)"), res.get(f"{kind}: raw aiohttp + json.loads")
    if not (typed and floor):
        return (name, NOT_MEASURED, None)
    r = typed["median_us"] / floor["median_us"]
    return (name, f"{r:.2f}x ({typed['median_us']:,.0f} vs {floor['median_us']:,.0f} us)", r <= bound)


def _decode_target(decode: dict[str, Any], workload: str) -> Target:
    typed, plain, bound = DECODE_BOUNDS[workload]
    name = f"typed decode of {DECODE_NAMES[workload]} (exact decimals, micro-benchmark) <= {bound}x json.loads"
    res = decode.get("results") or {}
    if typed not in res or plain not in res:
        return (name, NOT_MEASURED, None)
    r = res[typed]["median_us"] / res[plain]["median_us"]
    return (name, f"{r:.2f}x ({res[typed]['median_us']:,.0f} vs {res[plain]['median_us']:,.0f} us)", r <= bound)


def targets(cells: Cells, probes: dict[str, Any]) -> list[Target]:
    """(target, measured, met?) for every target in the issue, computed from this run only.

    ``probes``: the results file's ``decode``, ``decode_loop`` and ``memory`` (any may be missing).
    """
    run = _Run(cells)
    decode, loop, memory = (probes.get(k) or {} for k in ("decode", "decode_loop", "memory"))
    rows: list[Target] = []
    # The default install on asyncio (its backend is aiohttp: the fast path) against the peers
    # and against raw aiohttp with the same pool (issue 15).
    for w in ("small", "signed"):
        for n in (16, 128):
            for peer in ("pybotters", "ccxt"):
                rows.append(run.compare(f"default CPU/req below {peer}: {w} @{n}", "bitget_async", peer, w, n, "below"))
            rows.append(run.compare(f"fast path (default on asyncio: aiohttp) CPU/req <= 1.15x raw aiohttp: "
                                    f"{w} @{n}", "bitget_async", "aiohttp", w, n, "cpu", 1.15))
            # The same bar against aiohttp's own default pool (100 connections), shown beside it.
            rows.append(run.compare(f"fast path CPU/req <= 1.15x raw aiohttp with its default pool (100): "
                                    f"{w} @{n}", "bitget_async", "aiohttp_pool100", w, n, "cpu", 1.15))
    # Typed decode: in-process on the body alone, then inside the request loop (the whole
    # request, typed decode included, against raw aiohttp + json.loads of the same body): once
    # by decode_bench.py --loop, once from this run's cells at 1 and 16 callers.
    for w in ("large", "candles"):
        rows.append(_decode_target(decode, w))
        rows.append(_loop_target(loop, w))
        bound = DECODE_BOUNDS[w][2]
        for n in (1, 16):
            rows.append(run.compare(f"{DECODE_NAMES[w]}, whole request in this run's cells (typed) <= {bound}x "
                                    f"raw aiohttp + json.loads @{n}", "bitget_async", "aiohttp", w, n, "cpu", bound))
    # No pool size collapses at 128 callers: req/s at least raw httpx's with the same pool.
    for ours, raw in (("bitget_async", "httpx"), ("bitget_async_httpx", "httpx"),
                      ("bitget_async_pool128", "httpx_pool128"), ("bitget_async_httpx_pool128", "httpx_pool128")):
        for w in WORKLOADS:
            if raw == "httpx_pool128" and w not in ("small", "signed"):
                continue  # the pool-128 rows run small and signed only (catalog.ONLY)
            rows.append(run.compare(f"no collapse: req/s @128 >= raw httpx, same pool: {ours} vs {raw}, {w}",
                                    ours, raw, w, 128, "rps"))
    # trio: the default there is httpx; its numbers beside raw httpx on trio.
    for w in WORKLOADS:
        for n in (16, 128):
            rows.append(run.compare(f"trio path beside raw httpx on trio, CPU/req <= 1.10x: {w} @{n}",
                                    "bitget_async_trio", "httpx_trio", w, n, "beside", 1.10))
    for c in ("bitget_async", "bitget_async_fast"):
        m = memory.get(c)
        name = f"import + one open client <= 45 MB RSS: {c}"
        if m and "error" not in m:
            rows.append((name, f"{m['rss_mb']:.1f} MB (peak {m['peak_rss_mb']:.1f})", max(m["rss_mb"], m["peak_rss_mb"]) <= 45))
        elif c == "bitget_async":  # the fast variant is optional (not in the default run)
            rows.append((name, NOT_MEASURED, None))
    return rows
