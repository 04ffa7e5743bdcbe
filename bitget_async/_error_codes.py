"""Bitget's error codes -> exception classes: data, not logic (add a row when Bitget adds a code).

The classes and their tree live in ``_errors.py``; this module only says which code means which.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from ._errors import (
    APIError,
    AuthenticationError,
    DemoEnvironmentError,
    DuplicateClientOidError,
    InsufficientBalanceError,
    InvalidParameterError,
    MinimumAmountError,
    NotFoundError,
    OrderNotFoundError,
    PositionNotFoundError,
    RateLimitError,
    ServerError,
    StreamAuthError,
    StreamError,
    StreamRateLimitError,
    StreamSubscribeError,
    TimestampError,
)

__all__ = ["CODE_TABLE", "STREAM_CODE_TABLE", "error_class_for"]


# Bitget error code -> exception class.  Data, not logic: add a row when Bitget adds a code.
# Sources: api-doc error-code pages for common, spot, contract and margin.
CODE_TABLE: Final[Mapping[str, type[APIError]]] = {
    # authentication / permission
    "40001": AuthenticationError,  # ACCESS_KEY cannot be empty
    "40002": AuthenticationError,  # ACCESS_SIGN cannot be empty
    "40003": AuthenticationError,  # signature cannot be empty
    "40006": AuthenticationError,  # invalid ACCESS_KEY
    "40009": AuthenticationError,  # sign signature error
    "40011": AuthenticationError,  # invalid ACCESS_PASSPHRASE
    "40012": AuthenticationError,  # apikey/password incorrect
    "40014": AuthenticationError,  # incorrect permissions
    "40018": AuthenticationError,  # invalid IP
    "40037": AuthenticationError,  # apikey does not exist
    # time
    "40005": TimestampError,  # invalid ACCESS_TIMESTAMP
    "40008": TimestampError,  # request timestamp expired
    # environment
    "40099": DemoEnvironmentError,
    # routing
    "40404": NotFoundError,
    # rate
    "429": RateLimitError,
    "40010": RateLimitError,  # request too frequent (older code)
    "43122": RateLimitError,  # requests too frequent
    # balance
    "40762": InsufficientBalanceError,
    "43012": InsufficientBalanceError,
    "40754": InsufficientBalanceError,  # balance not enough (futures)
    "43004": InsufficientBalanceError,  # insufficient balance (spot)
    "43132": InsufficientBalanceError,  # insufficient balance (convert)
    "59011": InsufficientBalanceError,  # insufficient balance (earn subscribe)
    "59022": InsufficientBalanceError,  # redeeming more than is held (earn)
    # positions
    "40764": PositionNotFoundError,  # closing a position that is not there (see README note)
    "22002": PositionNotFoundError,  # no position to close
    "40757": PositionNotFoundError,  # not enough position is available
    # minimums
    "45110": MinimumAmountError,
    "45111": MinimumAmountError,  # less than the minimum order quantity
    "13007": MinimumAmountError,
    "43027": MinimumAmountError,
    "12006": MinimumAmountError,  # convert size below the coin's minimum
    "59020": MinimumAmountError,  # earn subscription below the minimum
    # duplicates
    "43118": DuplicateClientOidError,  # clientOrderId duplicate (spot)
    "40786": DuplicateClientOidError,  # duplicate clientOid (futures)
    # order not found
    "40768": OrderNotFoundError,  # order does not exist
    "43001": OrderNotFoundError,  # the order does not exist
    "43025": OrderNotFoundError,  # plan order does not exist
    # parameters
    "40017": InvalidParameterError,
    "40019": InvalidParameterError,  # parameter cannot be empty
    "40020": InvalidParameterError,  # parameter error
    "40034": InvalidParameterError,
    "40808": InvalidParameterError,
    "400171": InvalidParameterError,
    "400172": InvalidParameterError,
    "45001": InvalidParameterError,
}

# Messages Bitget attaches to a duplicate clientOid on codes that also mean other things.
_DUPLICATE_HINTS: Final = ("duplicate", "clientoid already", "client_oid already", "already exist")


def error_class_for(code: str, http_status: int, msg: str = "") -> type[APIError]:
    """Pick the exception class for a failed answer: the code first, then the HTTP status."""
    cls = CODE_TABLE.get(code)
    if cls is not None:
        return cls
    lowered = msg.lower()
    if "clientoid" in lowered.replace(" ", "") and any(h in lowered for h in _DUPLICATE_HINTS):
        return DuplicateClientOidError
    if http_status == 429:
        return RateLimitError
    if http_status in (401, 403):
        return AuthenticationError
    if http_status == 404:
        return NotFoundError
    if http_status >= 500:
        return ServerError
    return APIError


# WebSocket event codes (no v2 error-code page lists them; known from live frames and the v1 pages).
STREAM_CODE_TABLE: Final[Mapping[str, type[StreamError]]] = {
    "30001": StreamSubscribeError,  # channel does not exist
    "30002": StreamSubscribeError,  # illegal request
    "30003": StreamSubscribeError,  # invalid op
    "30004": StreamAuthError,  # user not logged in
    "30005": StreamAuthError,  # login failed
    "30006": StreamRateLimitError,  # request too many
    "30007": StreamRateLimitError,  # request over limit, connection close
    "30011": StreamAuthError,  # invalid ACCESS_KEY
    "30012": StreamAuthError,  # invalid ACCESS_PASSPHRASE
    "30013": StreamAuthError,  # invalid ACCESS_TIMESTAMP
    "30014": StreamAuthError,  # request timestamp expired
    "30015": StreamAuthError,  # invalid signature
}
