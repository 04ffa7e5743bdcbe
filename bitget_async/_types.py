"""Small shared types: the "not given" sentinel and the accepted input types for amounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Final, TypeAlias

__all__ = ["UNSET", "Int", "Money", "Unset"]


class Unset:
    """Type of ``UNSET``: "not given", distinct from ``None`` and from ``""``.

    Parameters left at ``UNSET`` (or passed as ``None``) are omitted from the wire entirely.
    """

    _instance: Unset | None = None

    def __new__(cls) -> Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Final = Unset()

# Amounts and prices: exact types only.  A float is refused before any I/O.
Money: TypeAlias = Decimal | str | int
# Integers Bitget carries as strings (limits, millisecond timestamps).
Int: TypeAlias = int | str
