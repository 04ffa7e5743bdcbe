"""The benchmark's grid: which (client, workload, concurrency) cells a run measures, and their names.

One table read by the orchestration (``run.py``: what to run), the targets (``verdict.py``: which
row is compared with which) and the renderers (``report.py``, ``chart.py``: titles, order).
The client names are those of ``clients.make_adapter``; ``clients.py`` and ``worker.py`` import
nothing from here, so a worker process loads only what it measures.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CHART_EXCLUDE",
    "CLIENTS",
    "CLIENT_TITLES",
    "CONCURRENCY",
    "Cells",
    "HTTPX_BASELINE",
    "ONLY",
    "PEERS",
    "WORKLOADS",
    "WORKLOAD_TITLES",
    "plan",
    "titles",
]

# (client, workload, concurrency) -> the median of its repetitions (``verdict.aggregate``).
Cells = dict[tuple[str, str, int], dict[str, Any]]

CLIENTS = (
    "bitget_async", "bitget_async_httpx", "httpx", "httpx_gated", "aiohttp", "aiohttp_pool100", "ccxt", "pybotters",
    "bitget_async_trio", "httpx_trio", "bitget_async_pool128", "bitget_async_httpx_pool128", "httpx_pool128",
)
# The peers every table shows, a row each, even when a run could not measure them ("n/a").
PEERS = ("ccxt", "pybotters")
# The raw httpx row each client is compared with in the "vs raw httpx" column: same pool size,
# same event loop.  Unlisted clients use "httpx" (pool 8 = bitget_async's default Limits()).
HTTPX_BASELINE = {
    "bitget_async_trio": "httpx_trio",
    "bitget_async_pool128": "httpx_pool128",
    "bitget_async_httpx_pool128": "httpx_pool128",
}
CHART_EXCLUDE = ("bitget_async_pool128", "bitget_async_httpx_pool128", "httpx_pool128")
# Cells worth their minutes: the pool-size rows answer one question (does any pool size collapse
# at 128 callers?), the trio rows sit beside raw httpx on trio at the concurrencies that matter.
ONLY: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    # aiohttp as its users get it (100 connections): the fast-path bar without the equal pool.
    "aiohttp_pool100": (("small", "signed"), (16, 128)),
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
    "aiohttp": "raw aiohttp (pool 8)",
    "aiohttp_pool100": "raw aiohttp (its default pool, 100)",
    "ccxt": "ccxt async",
    "pybotters": "pybotters",
}
CONCURRENCY = (1, 16, 128)


def plan(clients: list[str], workloads: list[str], concurrency: list[int]) -> list[tuple[str, str, int]]:
    """Every cell of the grid the run measures, minus what ``ONLY`` leaves out (in table order)."""
    return [
        (c, w, n) for w in workloads for n in concurrency for c in clients
        if c not in ONLY or (w in ONLY[c][0] and n in ONLY[c][1])
    ]


def titles(meta: dict[str, Any]) -> dict[str, str]:
    """``CLIENT_TITLES`` for a saved run: runs saved before ``meta["pools"]`` existed gave raw
    aiohttp its own default connector (100 connections), and their tables must say so."""
    if "pools" in meta:
        return CLIENT_TITLES
    return {**CLIENT_TITLES, "aiohttp": "raw aiohttp (aiohttp's default pool, 100)"}
