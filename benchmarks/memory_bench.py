"""Memory: resident set of a fresh interpreter after importing a client and opening one.

"Open" means constructed and one request completed against the fake server, so the connection
pool, the route's codec and whatever the library loads lazily are all in.  Measured as VmRSS
from ``/proc/self/status`` (peak ``ru_maxrss`` too) in a process of its own per client, and the
bare interpreter for reference.  Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


async def _measure(client: str, port: int) -> dict[str, float]:
    from clients import make_adapter

    adapter = make_adapter(client, f"http://127.0.0.1:{port}")
    await adapter.open()
    await adapter.small()
    rss = _rss_mb()
    await adapter.close()
    return {"rss_mb": rss}


def main() -> None:
    parser = argparse.ArgumentParser(description="RSS after import + one open client")
    parser.add_argument("--client", required=True, help="a client name, or 'python' for the bare interpreter")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    baseline = _rss_mb()
    if args.client == "python":
        result = {"rss_mb": baseline}
    else:
        result = asyncio.run(_measure(args.client, args.port))
    result.update(
        client=args.client,
        baseline_mb=baseline,
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
