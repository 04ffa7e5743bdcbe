"""Fixtures of the example tests: one ``python -m bitget_async sim`` child for the whole session
(per xdist worker), shared by every subprocess test; each test reads its own orders by symbol."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from examples_helpers import ServedSim


@pytest.fixture(scope="session")
def served() -> Iterator[ServedSim]:
    sim = ServedSim()
    yield sim
    sim.close()
