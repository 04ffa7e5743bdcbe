"""HTTP backends: the socket side of the transport, one module per HTTP library.

A backend sends the exact bytes it is given and returns ``(status, headers, body)``.  It is the
only place where its library's exceptions are translated into ours (``ConnectError`` when
nothing left this process, ``TimeoutError``/``NetworkError`` with ``request_sent``), so the
transport above behaves identically whichever library carries the bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

__all__ = ["HTTPBackend"]


class HTTPBackend(Protocol):
    """Send bytes, return (status, headers, body); translate the library's errors."""

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], content: bytes | None
    ) -> tuple[int, Mapping[str, str], bytes]: ...

    async def aclose(self) -> None: ...
