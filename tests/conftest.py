"""Shared fixtures: every ``@pytest.mark.anyio`` test runs on asyncio AND trio; one loopback
HTTP server; one recording mock server with its client.  The plain helpers they wrap live in
``helpers.py`` (``from helpers import ...``): a test module never imports ``conftest``, whose
module name pytest reuses for every folder's conftest."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from helpers import LoopbackServer, Recorder

from bitget_async import BitgetClient


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    """A started loopback HTTP server (its own OS-chosen port: safe under pytest-xdist)."""
    server = LoopbackServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def recorded_client(recorder: Recorder) -> AsyncIterator[BitgetClient]:
    """A signed client (keys ``key``/``secret``/``pass``, default rate limits) on ``recorder``."""
    async with BitgetClient(
        "key", "secret", "pass", transport=recorder.transport, clock=lambda: 1700000000000
    ) as client:
        yield client


# Files whose tests spend seconds waiting on real clocks, rate windows and subprocesses.  They
# are dealt out first, one at the head of each pytest-xdist worker's share, so their waits
# overlap from the start and the run never ends on one of them started last.
_WAITING = (
    "redis_limiter/test_redis_processes.py",
    "example_apps/test_example_collector.py",
    "test_rate_loopback.py",
    "test_cli.py",
    "test_stream_orderbook.py",
    "test_pagination_kinds.py",
    "example_apps/test_example_bot.py",
    "example_apps/test_example_fastapi_trio.py",
    "test_stream_connection.py",
    "test_default_backend.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    if workers < 2:
        return
    waiting = [item for item in items if item.nodeid.split("::")[0].endswith(_WAITING)]
    if not waiting:
        return
    chosen = set(map(id, waiting))
    rest = [item for item in items if id(item) not in chosen]
    share = -(-len(rest) // workers)  # xdist hands each worker a contiguous share at first
    ordered: list[pytest.Item] = []
    for w in range(workers):
        ordered += waiting[w::workers] + rest[w * share:(w + 1) * share]
    items[:] = ordered
