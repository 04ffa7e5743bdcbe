"""``bitget_async.__all__`` is exactly the package's public surface (httpx's test_exported_members).

The rule for what counts as public: every name bound in the package namespace that does not
start with ``_``, plus ``__version__``; except

- submodules (``stream``, ``testing``): they are reached with
  ``import bitget_async.stream`` / ``from bitget_async.testing import Simulator``, never through
  ``from bitget_async import *``, so they stay out of ``__all__``.  The exceptions are
  ``models`` and ``signing``, which the package exports as namespaces
  (``bitget_async.models.SpotTicker``, ``bitget_async.signing.hmac_sign``) and lists in
  ``__all__`` on purpose.  Which submodules exist, and which of them are
  exported, is pinned below: a new public module is a deliberate change;
- ``annotations``: the ``from __future__ import annotations`` feature flag, a compiler directive.
"""

from __future__ import annotations
import __future__

import importlib
import pkgutil
import types

import bitget_async

PUBLIC_SUBMODULES = {"models", "signing", "stream", "testing"}
INCLUDED_DUNDERS = {"__version__"}
EXPORTED_SUBMODULES = {"models", "signing"}  # namespaces listed in __all__ on purpose


def public_names() -> set[str]:
    names = set()
    for name, value in vars(bitget_async).items():
        if name.startswith("_") and name not in INCLUDED_DUNDERS:
            continue
        if value is __future__.annotations:
            continue
        if isinstance(value, types.ModuleType) and name not in EXPORTED_SUBMODULES:
            continue
        names.add(name)
    return names


def test_all_is_exactly_the_public_names() -> None:
    assert len(bitget_async.__all__) == len(set(bitget_async.__all__)), "a name listed twice"
    assert set(bitget_async.__all__) == public_names()


def test_the_only_modules_in_all_are_the_exported_namespaces() -> None:
    modules = {n for n in bitget_async.__all__ if isinstance(getattr(bitget_async, n), types.ModuleType)}
    assert modules == EXPORTED_SUBMODULES


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from bitget_async import *", namespace)
    namespace.pop("__builtins__")
    assert set(namespace) == set(bitget_async.__all__)


def test_public_submodules_are_the_pinned_set_and_import() -> None:
    found = {m.name for m in pkgutil.iter_modules(bitget_async.__path__) if not m.name.startswith("_")}
    assert found == PUBLIC_SUBMODULES
    for name in sorted(found):
        module = importlib.import_module(f"bitget_async.{name}")
        exported = getattr(module, "__all__", None)
        if exported is not None:  # a submodule with __all__ keeps it honest too
            assert all(hasattr(module, n) for n in exported), name
