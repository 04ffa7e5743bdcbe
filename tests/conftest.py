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
