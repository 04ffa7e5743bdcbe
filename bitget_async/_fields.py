"""The field types the generated models are made of: what Bitget's wire values decode into.

``Text`` is a non-empty ``str``: ``""`` in a text field fails the fast typed decode, exactly like
``""`` in a decimal field, and the lenient path (``_lenient.py``) reads it as None, so a blank is
never ``""`` on one path and ``None`` on another.

Decimal fields are ``DecimalText``: decoded as their exact wire text (as fast as ``json.loads``
makes a ``str``) and turned into the ``Decimal`` on first read (``exact_on_read``).  An exact
``Decimal`` costs about 130 ns to build, more than parsing its text, so a 1,000-candle page (7,000
numbers) decoded eagerly took 3.4x ``json.loads``; a caller reading a few columns now pays only
for those.  Everything a caller sees is as before: the attribute is ``Decimal | None``, text that
is no number reads None, and equality, hash and repr compare and show the ``Decimal`` values.

``JsonObject`` is a free-form object that Bitget sends as an object or serialized into a string.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, TypeVar

import msgspec

__all__ = ["DecimalText", "JsonObject", "Text", "decimal_fields", "exact_on_read"]

S = TypeVar("S", bound=type)

Text = Annotated[str, msgspec.Meta(min_length=1)]
"""A text field: ``str`` to type checkers; ``""`` decodes to None like every other blank."""

if TYPE_CHECKING:
    DecimalText: TypeAlias = Decimal
else:
    DecimalText = Text
"""A decimal field: ``Decimal`` to type checkers and callers, non-empty text to the decoder (blanks
fail the fast path exactly as a ``Decimal`` field's did); ``exact_on_read`` makes the attribute."""


class _ReadAsDecimal:
    """The attribute of a ``DecimalText`` field (a non-data descriptor).

    The slot keeps what was decoded (the wire text) or passed to the constructor (a ``Decimal``),
    so ``msgspec`` encodes, pickles and converts the row exactly as it arrived.  The first read
    turns text into its exact ``Decimal`` and keeps it in the instance ``__dict__``, which Python
    then finds before this descriptor: a second read is a plain attribute read.  Text that is no
    number reads None, as the lenient path made it before (a doc placeholder such as ``"111,1"``).
    """

    __slots__ = ("_get", "_name")

    def __init__(self, slot: Any, name: str) -> None:
        self._get = slot.__get__  # the Struct's own member descriptor: the field's slot
        self._name = name

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        value = self._get(obj)
        if type(value) is str:
            try:
                value = Decimal(value)
            except InvalidOperation:
                value = None
        obj.__dict__[self._name] = value  # frozen to callers; caching a read is no change
        return value


def decimal_fields(model: type) -> tuple[str, ...]:
    """The fields of ``model`` that ``exact_on_read`` made read as ``Decimal`` (a clone built with
    ``msgspec.defstruct(..., dict=True)`` gets them back with ``exact_on_read(*decimal_fields(m))``)."""
    fields: tuple[str, ...] = model.__struct_fields__  # type: ignore[attr-defined]
    return tuple(n for n in fields if isinstance(model.__dict__.get(n), _ReadAsDecimal))


def exact_on_read(*decimal_fields: str) -> Callable[[S], S]:
    """Class decorator of a generated model (a Struct with ``dict=True``, the read cache): its
    ``DecimalText`` fields read as ``Decimal``.

    Equality, hash and repr then use the values a caller reads, never the slots: ``"1.50"`` and
    ``Decimal("1.5")`` are the same price, and a row read once equals the same row unread.
    """

    def install(cls: S) -> S:
        config = cls.__struct_config__  # type: ignore[attr-defined]
        if not config.dict:
            raise TypeError(f"{cls.__name__}: exact_on_read caches in __dict__; declare it with dict=True")
        names: tuple[str, ...] = cls.__struct_fields__  # type: ignore[attr-defined]
        for name in decimal_fields:
            setattr(cls, name, _ReadAsDecimal(cls.__dict__[name], name))
        values = operator.attrgetter(*names)

        def __eq__(self: Any, other: object) -> bool:
            if type(other) is not type(self):
                return NotImplemented
            equal: bool = values(self) == values(other)
            return equal

        def __hash__(self: Any) -> int:
            return hash(values(self))

        def __rich_repr__(self: Any) -> list[tuple[str, Any]]:
            return [(name, getattr(self, name)) for name in names]

        def __repr__(self: Any) -> str:
            return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in __rich_repr__(self))})"

        cls.__eq__ = __eq__  # type: ignore[assignment]
        cls.__rich_repr__ = __rich_repr__  # type: ignore[attr-defined]
        if "__repr__" not in cls.__dict__:  # a model with secrets brings its own, masked
            cls.__repr__ = __repr__  # type: ignore[assignment]
        if config.frozen:
            cls.__hash__ = __hash__  # type: ignore[assignment]
        return cls

    return install


class JsonObject(dict[str, Any]):
    """A free-form JSON object (``feeDetail`` and the like), whether Bitget sent it as an object or
    serialized into a string.  Numbers inside are exact (``Decimal``/``int``); ``""`` is None."""


