"""RES402 cached-method: a memoising decorator on an instance method (reslint.analysis.caches)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Tuple

from reslint.lazycst import cst

from reslint.analysis.caches import (
    CACHE_OBJECT_DECORATORS,
    LRU_DECORATORS,
    UNBOUNDED_DECORATORS,
    enum_classes,
    is_value_type,
    method_kind,
)
from reslint.analysis.names import dotted_name
from reslint.analysis.reach import decorated_in_class
from reslint.model import Severity

from ._caches import CACHE_TRIGGERS, CacheRule


@dataclass(frozen=True)
class Options:
    extra_cache_decorators: Tuple[str, ...] = field(
        default=(),
        metadata={"doc": "Qualified names of project decorators that memoise in a cache global to "
                         "the function, as for RES401."},
    )


class CachedMethod(CacheRule):
    """
    ## What it does
    Flags `functools.lru_cache` (bounded or not), `functools.cache` and the `cachetools` /
    `async_lru` memoising decorators on an instance method, also under `@property`.

    ## Why is this bad?
    The cache belongs to the function, not to the instance: it is one dictionary shared by every
    object of the class, and its keys include `self`. Each instance a method was ever called on
    stays referenced by the cache, with everything it holds (a client, a parsed document, a
    request), long after the program dropped it. With `maxsize=None` that is every instance
    forever; with a bound it is the last N instances, which may still be a lot of memory, and
    the hits of one instance evict another's.

    ## Example
    ```python
    import functools

    class Catalogue:
        def __init__(self, client):
            self.client = client

        @functools.lru_cache(maxsize=256)
        def product(self, sku: str):
            return self.client.fetch(sku)
    ```

    ## Use instead
    ```python
    import functools

    class Catalogue:
        def __init__(self, client):
            self.client = client
            # a cache per instance, freed with it
            self.product = functools.lru_cache(maxsize=256)(self._product)

        def _product(self, sku: str):
            return self.client.fetch(sku)
    ```
    or `functools.cached_property` for a method that takes only `self`, or a module-level
    function keyed by what the method really depends on.

    Left alone: `staticmethod`, `classmethod` (and a def whose first parameter is `cls`, wrapped
    later): the key is a class, and classes live as long as the program anyway; module-level
    functions; `cached_property`; methods of enums, whose members are fixed singletons; a
    bounded cache on a value type (a `NamedTuple`, a frozen dataclass or attrs class, a class that
    defines `__eq__` and `__hash__`), where equal instances share an entry and what is kept is a
    small value (an unbounded one is still reported);
    decorators that are not the standard memoisers (project decorators that store results on
    the instance or key on a weak reference).

    ## Known limitations
    A class whose only instances are module-level singletons (which live as long as the cache
    anyway) is still reported: instances made in other modules, and subclasses, cannot be seen
    from one file, and a module-level default instance does not make a class a singleton.

    ## References
    - [`functools.lru_cache`](https://docs.python.org/3/library/functools.html#functools.lru_cache)
      ("the cache will keep references to the arguments ... until they age out of the cache")
    - [Python FAQ: how do I cache method calls?](https://docs.python.org/3/faq/programming.html#how-do-i-cache-method-calls)
    """

    code = "RES402"
    name = "cached-method"
    severity = Severity.WARNING
    triggers = CACHE_TRIGGERS
    other_tools_codes = ("B019", "W1518", "PLW1518")  # flake8-bugbear / ruff; pylint method-cache-max-size-none
    Options = Options

    @classmethod
    def is_ast_candidate(cls, tree, text, options=None) -> bool:
        extra = tuple(getattr(options, "extra_cache_decorators", ()))
        return decorated_in_class(tree, (*UNBOUNDED_DECORATORS, *LRU_DECORATORS, *CACHE_OBJECT_DECORATORS, *extra))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        cached = self.cached_by(node)
        if cached is None:
            return
        owner, nested = self.owner()
        if owner is None or nested or method_kind(self.ctx, node, owner) != "instance":
            return
        if owner.name.value in enum_classes(self.ctx):
            return
        if cached.bounded is not False and is_value_type(self.ctx, owner):
            return  # equal values share entries, and what is kept is a small value
        if cached.bounded is False:
            held = "every instance it is called on, forever"
        else:
            held = "the instances it is called on until they age out"
        written = dotted_name(cached.node.decorator.func if isinstance(cached.node.decorator, cst.Call)
                              else cached.node.decorator) or cached.display
        message = (f"`@{written}` on method `{owner.name.value}.{node.name.value}()` is shared by all instances "
                   f"and keeps {held}; cache per instance or key on what the method needs")
        self.report(cached.node, message)
