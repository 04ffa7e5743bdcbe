"""Fixtures of the pagination tests: a simulator on a fixed clock and a client on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pagination_helpers import T0

from bitget_async import BitgetClient
from bitget_async.testing import Simulator


@pytest.fixture
def sim() -> Simulator:
    return Simulator(seed=0, clock=lambda: T0)


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[BitgetClient]:
    async with sim.client() as c:
        yield c
