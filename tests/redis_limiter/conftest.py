"""Fixtures of the RedisRateLimiter tests: real redis-server processes (started here; never a
mock, never skipped), a key prefix per test, and the arrival server that counts requests where
Bitget counts them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from _redis_server import ArrivalServer, RedisServer


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    """One server for a module's tests; each test keeps to its own ``prefix``."""
    with RedisServer() as server:
        yield server


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A server of this test's own, free to kill and restart."""
    with RedisServer() as server:
        yield server


@pytest.fixture
def prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def arrivals() -> Iterator[ArrivalServer]:
    with ArrivalServer() as server:
        yield server
