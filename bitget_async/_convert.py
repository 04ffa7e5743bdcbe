"""Converters behind the lazy model properties for fields Bitget may send as ``""``.

msgspec cannot decode ``""`` into ``Decimal``/``int``/``bool``, and a pre-pass over the bytes costs
more than the decode itself, so such fields are stored as the raw string and converted when read.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec

_JSON = msgspec.json.Decoder(dict[str, Any], float_hook=Decimal)


def _decimal(raw: str | None) -> Decimal | None:
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"not a decimal: {raw!r}") from None


def _int(raw: str | None) -> int | None:
    return int(raw) if raw else None


def _bool(raw: str | None) -> bool | None:
    if not raw:
        return None
    return raw.strip().lower() in ("true", "yes", "1")


def _json_field(raw: str | dict[str, Any] | None) -> dict[str, Any] | None:
    """A JSON object that Bitget serialized into a string (``feeDetail``); numbers stay exact."""
    if not raw:
        return None
    if isinstance(raw, dict):
        return raw
    return _JSON.decode(raw)
