"""Helpers shared by the validation_params tests (moved from test_validation_params.py when it was split)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from bitget_async import ROUTES, Param

DATA = Path(__file__).parent / "data"
OK = b'{"code":"00000","msg":"success","requestTime":1,"data":null}'
PLACED = b'{"code":"00000","msg":"success","requestTime":1,"data":{"orderId":"1","clientOid":"c1"}}'
BATCH = b'{"code":"00000","msg":"success","requestTime":1,"data":{"successList":[],"failureList":[]}}'
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _all_params() -> list[tuple[str, Param]]:
    out = []
    for route in ROUTES:
        for p in route.params:
            out.append((route.python_name, p))
            out.extend((route.python_name, c) for c in p.children)
    return out


PARAMS = _all_params()
ENUMS = [(r, p) for r, p in PARAMS if p.enum and p.kind in ("str", "list_str")]
NUMBERS = [(r, p) for r, p in PARAMS if p.kind in ("money", "int")]
MONEY = [(r, p) for r, p in NUMBERS if p.kind == "money"]
NONNEG = [(r, p) for r, p in MONEY if p.nonneg]


# -- numbers: plain ASCII decimals only ---------------------------------------------------------
_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=12)
_NON_ASCII_DIGIT = st.characters(categories=["Nd"]).filter(lambda c: c not in "0123456789")


@st.composite
def bad_number_text(draw: st.DrawFn) -> str:
    """Text that Python's ``Decimal()`` (or ``int()``) may accept but Bitget's plain numbers are not."""
    digits = draw(st.text(alphabet="0123456789", min_size=2, max_size=8))
    kind = draw(st.sampled_from(["exp", "underscore", "padded", "non_ascii", "special", "junk"]))
    if kind == "exp":
        return f"{draw(_DIGITS)}{draw(st.sampled_from(['e', 'E']))}{draw(st.sampled_from(['', '-', '+']))}{draw(_DIGITS)}"
    if kind == "underscore":
        cut = draw(st.integers(1, len(digits) - 1))
        return f"{digits[:cut]}_{digits[cut:]}"
    if kind == "padded":
        pad = draw(st.sampled_from([" ", "\t", "\n", "\u00a0", "\u2003"]))
        return draw(st.sampled_from([pad + digits, digits + pad, pad + digits + pad]))
    if kind == "non_ascii":
        pos = draw(st.integers(0, len(digits) - 1))
        return digits[:pos] + draw(_NON_ASCII_DIGIT) + digits[pos + 1 :]
    if kind == "special":
        return draw(st.sampled_from(["NaN", "nan", "-NaN", "sNaN", "Infinity", "-Infinity", "inf", "-inf"]))
    return draw(st.sampled_from(["", ".", "-", "1.2.3", "0x10", "1,5", "+1", "--1", "1-"]))


BAD_VALUES = st.one_of(
    bad_number_text(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from([Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"), b"1", [1], None]),
)
