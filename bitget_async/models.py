"""The public home of the response models: ``from bitget_async.models import SpotTicker``.

The Structs themselves are generated (``_generated/models/``, from ``spec/``); this module only
re-exports them, so the generated folder can be rewritten without changing what users import.
"""

from ._fields import JsonObject
from ._generated.models import *  # noqa: F403
from ._generated.models import __all__ as _generated

__all__ = [*_generated, "JsonObject"]  # JsonObject: the type of free-form fields (feeDetail)
