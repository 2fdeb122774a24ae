"""What the RES4 rules share: the options that name project cache decorators and closed types,
and the look-up of a cached function's decorator. What a cache is, is decided in
reslint.analysis.caches."""

from __future__ import annotations

import re
from typing import FrozenSet, Optional, Tuple

from reslint.lazycst import cst

from reslint.analysis.caches import CacheDecorator, cache_decorator
from reslint.rule import Rule

# a memoising decorator is written on its own line after an `@`, and its last name ends in `cache`,
# `cached` or `cachedmethod` (`@functools.lru_cache(...)`, `@cache`, `@cachetools.cached(...)`)
CACHE_TRIGGERS = (r"(?m)^[ \t]*@[ \t]*[\w. \t]*?(?:cache|cached|cachedmethod)\b",)


class CacheRule(Rule):
    """Base of RES401 and RES402: the memoising decorator of a function, if it has one."""

    family = "unbounded-growth"

    @classmethod
    def option_triggers(cls, options):
        extra = getattr(options, "extra_cache_decorators", ())
        return tuple((r"(?m)^[ \t]*@[ \t]*[\w. \t]*?" + re.escape(name.rsplit(".", 1)[-1]) + r"\b",)
                     for name in extra if name)

    def _extra(self) -> FrozenSet[str]:
        return frozenset(getattr(self.options, "extra_cache_decorators", ()))

    def cached_by(self, node: cst.FunctionDef) -> Optional[CacheDecorator]:
        extra = self._extra()
        for decorator in node.decorators:
            found = cache_decorator(self.ctx, decorator, extra)
            if found is not None:
                return found
        return None

    def owner(self) -> Tuple[Optional[cst.ClassDef], bool]:
        """(the class whose body holds the def being visited, whether the def is nested in a
        function)."""
        stack = self.ctx.stack
        # stack[-1] is the FunctionDef; its parents are IndentedBlock then ClassDef / FunctionDef
        for node in reversed(stack[:-1]):
            if isinstance(node, cst.ClassDef):
                return node, False
            if isinstance(node, (cst.FunctionDef, cst.Lambda)):
                return None, True
        return None, False
