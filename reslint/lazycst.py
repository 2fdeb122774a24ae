"""libcst, imported when a rule first needs a tree.

Importing libcst takes about 0.15 s, half of a one-file run's budget. Most files of a run never
need a libcst tree: the result cache answers for them, or no rule's triggers match them (in a
large project about six files in seven). The rules and the analysis modules therefore write

    from reslint.lazycst import cst

and use ``cst.Call``, ``cst.CSTVisitor`` ... exactly as with ``import libcst as cst``. The first
attribute looked up imports libcst and copies its namespace into the stand-in, so every later
lookup costs what a module attribute costs. Code that runs at import time (module constants,
default arguments, base classes) must not touch ``cst``: that would import libcst for every run.
``tests/test_structure.py`` checks that importing every rule leaves libcst unloaded.
"""

from __future__ import annotations

import functools
import importlib
import types
from typing import TYPE_CHECKING, Any, Tuple

__all__ = ["cst", "kinds"]


class _Deferred(types.ModuleType):
    """A stand-in for the module ``libcst`` that imports it on the first attribute lookup."""

    def __getattr__(self, name: str) -> Any:  # only called for names not (yet) in __dict__
        real = importlib.import_module(self.__name__)
        if not self.__dict__.get("_reslint_loaded"):
            self.__dict__.update({k: v for k, v in vars(real).items() if not k.startswith("__")})
            self.__dict__["_reslint_loaded"] = True
        return getattr(real, name)  # a submodule imported later (`libcst.metadata`) is found here


if TYPE_CHECKING:  # pragma: no cover - type checkers see the real module
    import libcst as cst
else:
    cst = _Deferred("libcst")


@functools.lru_cache(maxsize=None)
def kinds(*names: str) -> Tuple[type, ...]:
    """The libcst classes of these names, as a tuple for ``isinstance``: what a module constant
    like ``LOOPS = (cst.For, cst.While)`` would be, looked up when first used instead of at import."""
    return tuple(getattr(cst, name) for name in names)
