"""``results.png``: CPU per request at 16 callers and throughput at 128, one bar per client.

Drawn from the same cells as the tables (matplotlib, imported only here so the rest of the harness
runs without it); the pool-128 rows are left out, they answer a different question (collapse).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from catalog import CHART_EXCLUDE, WORKLOADS, Cells, titles

__all__ = ["render_chart"]


def _values(cells: Cells, client: str, workloads: tuple[str, ...], n: int, metric: str) -> list[float]:
    """``metric`` per workload at concurrency ``n``; 0 where the cell is missing or failed."""
    out = []
    for w in workloads:
        v = cells.get((client, w, n))
        out.append(v[metric] if v and "error" not in v else 0.0)
    return out


def render_chart(path: Path, meta: dict[str, Any], cells: Cells) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    clients = [c for c in meta["clients"] if c not in CHART_EXCLUDE]
    names = {c: t.replace("**", "") for c, t in titles(meta).items()}  # markdown bold: the tables only
    throughput = ("small", "signed", "candles")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, 5.5))
    width = 0.8 / len(clients)
    for i, c in enumerate(clients):
        ax1.bar([j + i * width for j in range(len(WORKLOADS))], _values(cells, c, WORKLOADS, 16, "cpu_us_per_req"),
                width, label=names[c])
        ax2.bar([j + i * width for j in range(len(throughput))], _values(cells, c, throughput, 128, "rps"),
                width, label=names[c])
    ax1.set_xticks([j + 0.4 - width / 2 for j in range(len(WORKLOADS))], ["small GET", "signed POST", "1,000 tickers", "candles"])
    ax1.set_yscale("log")
    ax1.set_ylabel("client CPU us per request (log; lower is better)")
    ax1.set_title("CPU per request at 16 concurrent")
    ax2.set_xticks([j + 0.4 - width / 2 for j in range(len(throughput))], ["small GET", "signed POST", "candles"])
    ax2.set_ylabel("requests per second (higher is better)")
    ax2.set_title("Throughput at 128 concurrent (one client CPU)")
    handles, labels = ax1.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(5, len(clients)), fontsize=8, frameon=False)
    m = meta["machine"]
    fig.suptitle(f"bitget_async vs raw clients and peers - {m['nproc']} CPUs, {m['cpu']}, Python {m['python']} ({meta['mode']} run)")
    fig.tight_layout(rect=(0, 0.11, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
