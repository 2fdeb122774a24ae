"""RES501 unawaited-coroutine: a coroutine created and dropped (callees resolved by reslint.analysis.async_calls)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Tuple

from reslint.lazycst import cst

from reslint.analysis.async_calls import Coroutines, callback_of, dropped, in_dead_branch, truth_tested
from reslint.analysis.dropped_calls import may_drop_coroutine
from reslint.analysis.names import dotted_name
from reslint.triggers import identifiers
from reslint.model import Safety, Severity
from reslint.rule import Replace, Rule



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
    Flags a call to a coroutine function whose coroutine is lost: the call is a statement of its
    own (also under `with suppress(...)`, in a `try` / `else` branch), it is bound to a local name
    that nothing reads afterwards, or it is only tested for truth or compared (`if self.check():`,
    `while not ready():`, `x or not coro()`, `coro() == ...`): a coroutine object is always true,
    so the test decides nothing and the call never runs. Calls in sync code are flagged too:
    there the coroutine can never run.

    Also flagged: a coroutine function handed to something that calls it later and drops what it
    returns: an event loop's `call_soon`, `call_soon_threadsafe`, `call_later`, `call_at`,
    `add_signal_handler`, `add_reader` or `add_writer` (on a receiver resolved as a loop, got from
    `get_running_loop()`, or named `loop` / `*loop`), a future's `add_done_callback`,
    `atexit.register`, `signal.signal`, `threading.Thread(target=...)` and `threading.Timer`; or
    something that calls it in a worker thread and hands back the coroutine unawaited:
    `loop.run_in_executor`, `asyncio.to_thread`, `anyio.to_thread.run_sync`, an executor's
    `submit` / `map`. It may be handed on as it is, through `functools.partial`, or as a `lambda`
    whose body calls it (`lambda: self.shutdown()`).

    The callee is resolved: an `async def` of the same module (or nested in the same function); a method of the same class or of a
    project base class, in any module, through `self.`, `cls.` or `super().`; an `async def`
    imported from another module of the project (through re-exports in `__init__.py`); a method
    of a project class reached through what the receiver is declared to be: an attribute chain
    or a property (`self.sys_backups.save_data()`, `self.coresys.plugins.dns.write()`, with the
    types the project index reads from class annotations, `self.x: T = ...`, `self.x = T(...)`,
    `self.x = param` with `param: T`, and property return annotations, along base classes in
    other modules), a parameter annotated with a project class, a local bound once to
    `Class(...)`, a module-level instance (`store = Store()` or `store: Store = ...` bound once,
    in this module or imported from another module of the project), or what a sync function or
    method declares it returns (`get_store().save()`, `self.current_store().save()` with
    `def current_store(self) -> Store`); an `async def` under decorators that keep it a coroutine function
    (`staticmethod`, `wraps`, `abstractmethod`, ... and the project's own decorators, and
    decorator factories, that return an `async def` wrapper they define, as error-catching
    decorators do); an async context manager's `__aenter__` / `__aexit__` (and `__anext__`),
    whatever the receiver; or a known async API (`asyncio.sleep`, `asyncio.wait_for`,
    `asyncio.open_connection`, `loop.sock_*`, aiohttp and httpx async client methods, asyncio
    queue, lock, event and stream methods).

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

    Left alone: callbacks that schedule the coroutine or run it (`lambda:
    tasks.add(asyncio.create_task(self.shutdown()))`, `Thread(target=asyncio.run, args=(main(),))`),
    a coroutine function passed as an argument of the callback (`loop.call_later(1, print,
    self.shutdown)`), and a receiver not known as an event loop (`self.timers.call_later(...)`);
    results that are awaited, returned, yielded, stored, passed to a call
    (`asyncio.gather`, `create_task`, `asyncio.run`, `run_coroutine_threadsafe`, ...) or read later;
    a condition that awaits (`if await self.check():`); async generators and
    `@asynccontextmanager` functions (calling them does not make a coroutine); `async def`\\ s
    whose decorators may turn them into something else (a library's `@work`, `@async_to_sync`,
    `@app.task`, a project decorator that returns a sync wrapper or has several returns); names
    rebound in the function; a receiver whose type is unknown (an
    unannotated parameter, an attribute assigned something else than `T(...)` or bound to two
    different classes, a class of another library); the same method names on sync classes and a
    sync override in a subclass of the declared type; a project method called from sync code in a
    project that rewrites its coroutine methods into sync wrappers at run time (a module that tests
    `iscoroutinefunction` and `setattr`s a wrapper under a computed name, as `async_to_sync`
    helpers do: `with Client():` then runs `stop()` to completion); code that can never run (the `else` of
    `if True:`, the body of `if False:` or `if TYPE_CHECKING:`, as code generators leave them).

    ## Fix safety
    Unsafe: inside an `async def`, a dropped call gets `await` in front of it. The awaited code now
    runs, with its side effects and its exceptions, and the caller waits for it; if it was meant
    to run in the background, wrap it in `asyncio.create_task` and keep the task instead. For an
    aiohttp request (`session.post(...)`) the awaited response is not released; prefer
    `async with session.post(...) as resp:`.

    ## Known limitations
    The project index parses modules with an `async def` in them, packages' `__init__.py` files,
    and the modules that define a base class or an attribute type those name (a few levels
    deep). Coroutine functions stored in variables or attributes are not followed, nor are
    `cls.` attribute chains; a module-level instance imported from a module the index does not
    hold (no `async def` in it, not named by an indexed class) is unknown, and so is a name a
    function rebinds with `global`. A declared
    type is trusted: an instance of a subclass that overrides the coroutine method with a sync
    one is not told apart.
    A module name that two files of the tree claim (a vendored fork of a package, two projects
    under one root) is not followed: which file an import reaches depends on the path the program
    runs with.
    Callback registries other than those above (GUI toolkits, a framework's hooks) are not
    followed: some of them await a coroutine callback.
    In a project that rewrites coroutine methods into sync wrappers at run time, the index does
    not follow which classes the rewrite reaches: no project method call in sync code is flagged
    there, whatever its class.

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
        # sync code that never says "async" can still call a coroutine function it imports, or an
        # async method of a project class
        names = project.coroutine_member_names()
        return bool(names) and not names.isdisjoint(identifiers(text))

    @classmethod
    def is_ast_candidate(cls, tree, text, options=None, project=None) -> bool:
        return may_drop_coroutine(tree, text, project, options.extra_async_calls if options is not None else ())

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
        self._callback(node)
        how = dropped(self.ctx, node) or truth_tested(self.ctx, node)
        if how is None:
            return
        if self._coroutines().of_call(node) is not True or in_dead_branch(self.ctx.stack):
            return
        shown = _short(dotted_name(node.func) or self.ctx.module.code_for_node(node.func))
        in_async = self.ctx.in_async_function()
        if not in_async and self._coroutines().may_be_syncified(node):
            return  # the project turns its coroutine methods into sync ones at run time
        fix = None
        if how == "condition":
            message = (f"coroutine `{shown}()` is used as a condition and never awaited; a coroutine object is "
                       "always true, so the test decides nothing and the call never runs")
            if in_async:
                fix = Replace(node, cst.Await(expression=node), f"Await `{shown}()`")
        elif not in_async:
            message = (f"coroutine `{shown}()` is created in sync code and never awaited; it never runs")
        elif how == "dropped":
            message = f"coroutine `{shown}()` is never awaited; it never runs"
            fix = Replace(node, cst.Await(expression=node), f"Await `{shown}()`")
        else:
            message = f"coroutine `{shown}()` is bound to a name that is never awaited; it never runs"
        self.report(node, message, fix=fix)

    def _callback(self, node: cst.Call) -> None:
        """A coroutine function handed to something that calls it and drops what it returns."""
        found = callback_of(self.ctx, node)
        if found is None or in_dead_branch(self.ctx.stack):
            return
        taker, callback = found
        # `lambda: self.stop()`: the lambda returns the coroutine to a caller that drops it
        lambda_call = callback.body if isinstance(callback, cst.Lambda) else None
        if isinstance(callback, cst.Lambda) and not isinstance(lambda_call, cst.Call):
            return
        callee = lambda_call.func if lambda_call is not None else callback
        coroutines = self._coroutines()
        if coroutines.of_callee(callee) is not True or coroutines.callee_may_be_syncified(callee):
            return
        shown = _short(dotted_name(callee) or "...")
        if lambda_call is not None:
            message = (f"`lambda: {shown}()` is handed to `{taker}()`, which calls it and drops the coroutine it "
                       f"returns: `{shown}()` never runs")
        elif taker == "loop.add_signal_handler":
            message = (f"coroutine function `{shown}` is handed to `{taker}()`, which raises TypeError for "
                       "one: the handler is never installed")
        elif taker in _THREAD_RUNNERS:
            message = (f"coroutine function `{shown}` is handed to `{taker}()`, which calls it in a worker "
                       f"thread: that only makes a coroutine, which nothing awaits, so `{shown}` never runs")
        else:
            message = (f"coroutine function `{shown}` is handed to `{taker}()`, which calls it and drops the "
                       f"coroutine: `{shown}` never runs")
        target = lambda_call if lambda_call is not None else callback
        self.report(target, f"{message}; {_CALLBACK_INSTEAD.get(taker, _LOOP_INSTEAD)}")


def _short(shown: str) -> str:
    return shown if len(shown) <= 60 else shown[:57] + "..."


_LOOP_INSTEAD = "pass a sync callback that creates a task for it, and keep the task"
_THREAD_RUNNERS = frozenset({"loop.run_in_executor", "asyncio.to_thread", "anyio.to_thread.run_sync",
                             "executor.submit", "executor.map"})
_CALLBACK_INSTEAD = {
    **{runner: "await the coroutine itself instead" for runner in _THREAD_RUNNERS},
    "atexit.register": "register a sync function that runs it to completion (`asyncio.run(...)`)",
    "signal.signal": "use `loop.add_signal_handler()` with a sync callback that creates a task for it",
    "threading.Thread": "give the thread `target=asyncio.run, args=(coro(),)` or a sync function",
    "threading.Timer": "give the timer a sync function, or use `loop.call_later()` with one that creates a task",
}
