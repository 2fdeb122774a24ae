"""RES501 unawaited-coroutine: a coroutine created and dropped (callees resolved by reslint.analysis.async_calls)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Tuple

from reslint.lazycst import cst

from reslint.analysis.async_calls import Coroutines, dropped
from reslint.analysis.names import dotted_name
from reslint.model import Safety, Severity
from reslint.rule import Replace, Rule

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Options:
    extra_async_calls: Tuple[str, ...] = field(
        default=(),
        metadata={"doc": "Qualified names of more coroutine functions (of libraries the project uses), "
                         "e.g. `\"vendor.client.fetch\"`."},
    )


class UnawaitedCoroutine(Rule):
    """
    ## What it does
    Flags a call to a coroutine function whose result is dropped (an expression statement) or
    bound to a local name that nothing reads afterwards. The callee is resolved: an `async def`
    of the same module (or nested in the same function), a method of the same class or of a
    project base class through `self.`, `cls.` or `super().`, an `async def` imported from another
    module of the project (through re-exports in `__init__.py`), or a known async API
    (`asyncio.sleep`, `asyncio.wait_for`, `asyncio.open_connection`, `loop.sock_*`, aiohttp and
    httpx async client methods, asyncio queue, lock, event and stream methods). Calls in sync code
    are flagged too: there the coroutine can never run.

    ## Why is this bad?
    Calling a coroutine function only creates a coroutine object; nothing runs until it is
    awaited. The write is never made, the message never sent, the lock never taken, and no error
    is raised, only a `RuntimeWarning: coroutine ... was never awaited` when the object is
    garbage-collected, which logs usually drop.

    ## Example
    ```python
    class Outbox:
        async def flush(self):
            ...

        async def close(self):
            self.flush()
    ```

    ## Use instead
    ```python
        async def close(self):
            await self.flush()
    ```

    Left alone: results that are awaited, returned, yielded, stored, passed to a call
    (`asyncio.gather`, `create_task`, `asyncio.run`, `run_coroutine_threadsafe`, ...) or read later;
    async generators and `@asynccontextmanager` functions (calling them does not make a
    coroutine); `async def`\\ s whose decorators may turn them into something else (names with
    `sync`, `task`, `fixture`, `command`, ...); names rebound in the function; callees that cannot
    be resolved.

    ## Fix safety
    Unsafe: inside an `async def`, a dropped call gets `await` in front of it. The awaited code now
    runs, with its side effects and its exceptions, and the caller waits for it; if it was meant
    to run in the background, wrap it in `asyncio.create_task` and keep the task instead. For an
    aiohttp request (`session.post(...)`) the awaited response is not released; prefer
    `async with session.post(...) as resp:`.

    ## Known limitations
    The project index parses only modules with an `async def` in them and packages' `__init__.py`
    files; a base class defined in a module with no `async def` breaks the chain. Coroutine
    functions stored in variables or attributes are not followed.

    ## References
    - [asyncio: Coroutines](https://docs.python.org/3/library/asyncio-task.html#coroutines)
    - [asyncio: Detect never-awaited coroutines](https://docs.python.org/3/library/asyncio-dev.html#detect-never-awaited-coroutines)
    """

    code = "RES501"
    name = "unawaited-coroutine"
    family = "async"
    severity = Severity.ERROR
    fix_safety = Safety.UNSAFE
    scope = "project"
    precision = "high"
    triggers = (r"\basync\b|asyncio|aiohttp|httpx|trio|anyio",)
    Options = Options

    @classmethod
    def is_project_candidate(cls, text, project) -> bool:
        # sync code that never says "async" can still call a coroutine function it imports
        names = project.coroutine_function_names()
        if not names or (len(names) <= 256 and not any(name in text for name in names)):
            return False  # a substring scan per name is far cheaper than listing the identifiers
        return not names.isdisjoint(_IDENTIFIER.findall(text))

    @classmethod
    def option_triggers(cls, options):
        import re

        return tuple((re.escape(name.rsplit(".", 1)[-1]),) for name in options.extra_async_calls if name)

    def _coroutines(self) -> Coroutines:
        found = getattr(self, "_resolver", None)
        if found is None:
            found = self._resolver = Coroutines(self.ctx, self.options.extra_async_calls)
        return found

    def visit_Call(self, node: cst.Call) -> None:
        how = dropped(self.ctx, node)
        if how is None:
            return
        if self._coroutines().of_call(node) is not True:
            return
        shown = dotted_name(node.func) or self.ctx.module.code_for_node(node.func)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        in_async = self.ctx.in_async_function()
        fix = None
        if not in_async:
            message = (f"coroutine `{shown}()` is created in sync code and never awaited; it never runs")
        elif how == "dropped":
            message = f"coroutine `{shown}()` is never awaited; it never runs"
            fix = Replace(node, cst.Await(expression=node), f"Await `{shown}()`")
        else:
            message = f"coroutine `{shown}()` is bound to a name that is never awaited; it never runs"
        self.report(node, message, fix=fix)
