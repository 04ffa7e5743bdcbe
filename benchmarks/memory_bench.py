"""Memory: resident set of a fresh interpreter after importing a client and opening one.

"Open" means constructed and one request completed against the fake server, so the connection
pool, the route's codec and whatever the library loads lazily are all in.  Measured as VmRSS
from ``/proc/self/status`` (its peak ``VmHWM`` too, see ``rss.py``) in a process of its own per
client, and the bare interpreter for reference.  Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json

from rss import peak_rss_mb, rss_mb


async def _measure(client: str, port: int) -> dict[str, float]:
    from clients import make_adapter

    adapter = make_adapter(client, f"http://127.0.0.1:{port}")
    await adapter.open()
    await adapter.small()
    rss = rss_mb()
    await adapter.close()
    return {"rss_mb": rss}


def main() -> None:
    parser = argparse.ArgumentParser(description="RSS after import + one open client")
    parser.add_argument("--client", required=True, help="a client name, or 'python' for the bare interpreter")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    baseline = rss_mb()
    if args.client == "python":
        result = {"rss_mb": baseline}
    else:
        result = asyncio.run(_measure(args.client, args.port))
    result.update(
        client=args.client,
        baseline_mb=baseline,
        peak_rss_mb=peak_rss_mb(),
    )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
