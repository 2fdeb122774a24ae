"""RES401 unbounded-cache: a memoised function that never evicts (reslint.analysis.caches)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Tuple

from reslint.lazycst import cst

from reslint.analysis.caches import (
    CACHE_OBJECT_DECORATORS,
    LRU_DECORATORS,
    builds_class,
    compared_only_with_literals,
    is_command_line_program,
    literal_only_parameters,
    method_kind,
    open_parameters,
    program_object_parameters,
    truth_tested_only,
)
from reslint.model import Safety, Severity
from reslint.rule import Replace

from ._caches import CACHE_TRIGGERS, CacheRule


@dataclass(frozen=True)
class Options:
    maxsize: int = field(
        default=1024,
        metadata={"doc": "Entries the fix writes as `maxsize`. Large enough to keep the hot keys, "
                         "small enough that the worst case is a known amount of memory.",
                  "min": 1},
    )
    extra_cache_decorators: Tuple[str, ...] = field(
        default=(),
        metadata={"doc": "Qualified names of project decorators that memoise without a bound, e.g. "
                         "`\"myapp.cache.memoize\"` (RES402 reads the same list when set under "
                         "`[tool.reslint.rules.RES4]`)."},
    )
    closed_types: Tuple[str, ...] = field(
        default=(),
        metadata={"doc": "Qualified names of types whose values form a small fixed set (like an "
                         "enum): a function keyed only by parameters annotated with them is left alone."},
    )


class UnboundedCache(CacheRule):
    """
    ## What it does
    Flags `functools.cache`, `functools.lru_cache(maxsize=None)` / `lru_cache(None)`,
    `cachetools.cached` over a plain `dict`, and the same with `cachetools.func` and `async_lru`
    decorators, on a function whose parameters can take any number of values (strings, paths,
    URLs, ids, numbers).

    ## Why is this bad?
    A cache without a bound keeps one entry for every distinct argument it has ever seen, for the
    life of the process. In a script that is harmless; in a server, a worker or a scheduler the
    keys keep coming (a URL per request, a file name per upload, a topic per message) and the
    process grows until it is killed for memory, days after the deploy that caused it. The
    results also go stale: nothing ever recomputes them.

    ## Example
    ```python
    import functools

    @functools.cache
    def normalise_url(url: str) -> str:
        return url.rstrip("/").lower()
    ```

    ## Use instead
    ```python
    import functools

    @functools.lru_cache(maxsize=1024)
    def normalise_url(url: str) -> str:
        return url.rstrip("/").lower()
    ```

    Left alone: a function with no parameters (one entry), a bounded `maxsize` (a bare
    `@lru_cache` keeps 128), parameters whose values form a small fixed set (`bool`, a `Literal`,
    an enum of the file, a class: `type[...]`, or a parameter named `cls` / `model`), a function
    defined inside another function (its cache dies with it), a private function that every call
    in the file gives values the program chooses for those parameters (literals, constants, enum
    members, classes and functions of the file, `settings.X` and what is built from them only),
    program objects told by their annotation (`Callable`, `ModuleType`, `FunctionType`) or by what
    the body does with the parameter (calls it, hands it to `inspect`, reads its `__name__` /
    `__code__` / `__mro__`, tests against it with `isinstance` / `issubclass`): a memo over the
    program's functions, classes and modules holds one entry per object, a parameter the body only compares with
    literals (an option choice: `if provider == "auto"`), a function that builds a class (memoised so
    that equal arguments give the same class: a bound would break that), and instance methods,
    which RES402 reports (its message says when the cache is unbounded too). Command-line programs
    (a file in a `commands`, `scripts`, `cli` or `bin` folder, or one that runs as `__main__`) are left
    alone: the cache ends with the command. Names that say the values come from a fixed table count
    as closed too: a time zone, an hour, a flag (`is_...`),
    an import path, a URL conf, a database alias, a dtype, a device, an encoding.

    ## Fix safety
    Unsafe: `lru_cache(maxsize=N)` (N from the `maxsize` option) evicts entries, so a function
    that relied on being called once per argument (a warn-once helper, a registry of singletons)
    would run again for an evicted key. The fix is offered for `functools.cache` and
    `functools.lru_cache(maxsize=None)`, not for `cachetools` or project decorators.

    ## Known limitations
    Opt-in (select `RES401`): on whole distributions read by hand, most unbounded caches on
    functions with open-looking parameters were keyed by a closed set the file cannot show — plugin,
    blueprint or model names, configuration values and specs, a project's own asset paths — and the
    findings that were right were rare. Turn it on for a service whose cached helpers take request
    data. The key space is judged from the signature only: a `str` parameter that every caller fills
    from a handful of constants is still reported (suppress it, or list the type in
    `closed-types`). Caches cleared by `cache_clear()` elsewhere are still reported: the bound
    belongs in the decorator.

    ## References
    - [`functools.lru_cache`](https://docs.python.org/3/library/functools.html#functools.lru_cache)
    - [`functools.cache`](https://docs.python.org/3/library/functools.html#functools.cache)
    """

    code = "RES401"
    name = "unbounded-cache"
    severity = Severity.WARNING
    default_enabled = False
    fix_safety = Safety.UNSAFE
    triggers = CACHE_TRIGGERS
    Options = Options

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        cached = self.cached_by(node)
        if cached is None or cached.bounded is not False:
            return
        owner, nested = self.owner()
        if nested or is_command_line_program(self.ctx):
            return
        kind = method_kind(self.ctx, node, owner)
        if kind == "instance":
            return  # RES402's
        params = open_parameters(self.ctx, node, kind, frozenset(self.options.closed_types))
        if params:
            fixed = literal_only_parameters(self.ctx, node, kind) | program_object_parameters(self.ctx, node)
            params = [p for p in params if p not in fixed and not compared_only_with_literals(node, p)
                      and not truth_tested_only(node, p)]
        if not params or builds_class(node):
            return
        keyed = ", ".join(f"`{p}`" for p in params[:3]) + (", ..." if len(params) > 3 else "")
        written = self.ctx.module.code_for_node(cached.node.decorator)
        if len(written) > 48:
            written = cached.display + "(...)"
        if cached.qualified in CACHE_OBJECT_DECORATORS:
            advice = "give it a bounded cache such as `cachetools.LRUCache(maxsize=...)`"
        elif cached.qualified.startswith("functools.") or cached.qualified not in LRU_DECORATORS:
            advice = "bound it with `lru_cache(maxsize=...)`"
        else:
            advice = "give it a positive `maxsize`"
        message = (f"`@{written}` on `{node.name.value}()` keeps an entry for every distinct {keyed} "
                   f"forever; {advice}")
        self.report(cached.node, message, fix=self._fix(cached))

    def _fix(self, cached):
        size = str(int(self.options.maxsize))
        expr = cached.node.decorator
        if cached.qualified == "functools.cache":
            func = expr.func if isinstance(expr, cst.Call) else expr
            if isinstance(func, cst.Attribute):
                new_func = func.with_changes(attr=cst.Name("lru_cache"))
                imports = ()
            elif isinstance(func, cst.Name):
                new_func = cst.Name("lru_cache")
                imports = (("functools", "lru_cache"),)
            else:
                return None
            new = cst.Call(func=new_func, args=[cst.Arg(
                keyword=cst.Name("maxsize"), value=cst.Integer(size),
                equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                      whitespace_after=cst.SimpleWhitespace("")))])
            return Replace(expr, new, f"Replace with `lru_cache(maxsize={size})`", add_imports=imports)
        if cached.qualified == "functools.lru_cache" and cached.maxsize is not None:
            return Replace(cached.maxsize.value, cst.Integer(size), f"Set `maxsize={size}`")
        return None
