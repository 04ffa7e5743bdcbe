"""What a new order does the moment it arrives, spot and futures alike (Bitget's time in force).

A market order fills at once.  A limit order that crosses the price takes liquidity: it fills,
unless it is ``post_only`` (Bitget cancels it rather than let it take).  One that does not cross
rests on the book, unless it is ``ioc`` or ``fok``, which never rest.  The engines (``_spot.py``,
``_futures.py``) decide what crossing means for their orders and carry the action out.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["Arrival", "arrival"]

Arrival = Literal["fill", "cancel", "rest"]


def arrival(order_type: str, force: str, crosses: bool) -> Arrival:
    if order_type == "market":
        return "fill"
    if crosses:
        return "cancel" if force == "post_only" else "fill"
    return "cancel" if force in ("ioc", "fok") else "rest"
