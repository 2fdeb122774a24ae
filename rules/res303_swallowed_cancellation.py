"""RES303 swallowed-cancellation: a handler in `async def` that swallows cancellation
(reslint.analysis.cancellation)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Tuple

from reslint.lazycst import cst, kinds

from reslint.analysis.cancellation import (
    CANCELLATION,
    ast_cancellation_candidate,
    awaits_cancelled_task,
    awaits_only_own_work,
    ends_task,
    recancels_current_task,
    reraised_later,
    task_entries,
)
from reslint.analysis.handlers import (
    exits_process,
    caught,
    clause_text,
    collected_then_raised,
    ends_in_raising_call,
    functions_by_name,
    hands_error_on,
    outer_handler_reraises,
    raises_anywhere,
    raises_unconditionally,
    stops_loop,
    suspends,
)
from reslint.analysis.scopes import in_loop
from reslint.model import Safety, Severity
from reslint.rule import Replace, Rule

_TERMINAL = ("Pass", "Return", "Continue", "Break")  # names: see reslint.lazycst.kinds
# a comment in the handler that says the swallowing is deliberate
_EXPLAINS = re.compile(r"#.*(?i:cancel|ignor|suppress|swallow|intention|deliberate|on purpose|expected|"
                       r"shut\s*down|shutting|no longer|don'?t care|not needed|harmless)")


@dataclass(frozen=True)
class Options:
    cancellation_exceptions: Tuple[str, ...] = field(
        default=(),
        metadata={"doc": "More qualified names that mean cancellation in your code base "
                         "(for example `\"gevent.GreenletExit\"`), caught by the same check."},
    )
    report_task_endings: bool = field(
        default=True,
        metadata={"doc": "Report a handler that ends the coroutine of a task this module starts "
                         "without `return` (`except CancelledError: pass`, a log line, or a `break` "
                         "out of its loop, with nothing after it that suspends). Set it to `false` "
                         "when nothing in your code base reads how such tasks ended: the task "
                         "stops either way, and only its outcome reads as a normal finish."},
    )


def _is_terminal(stmt: cst.CSTNode) -> bool:
    if isinstance(stmt, kinds(*_TERMINAL)):
        return True
    return isinstance(stmt, cst.Expr) and isinstance(stmt.value, cst.Ellipsis)


def _with_reraise(body: cst.BaseSuite) -> cst.BaseSuite:
    """The handler body ending in `raise`: a trailing pass/.../return/continue/break becomes `raise`."""
    if isinstance(body, cst.SimpleStatementSuite):
        small = list(body.body)
        if _is_terminal(small[-1]):
            small[-1] = cst.Raise(semicolon=small[-1].semicolon)
        else:
            small.append(cst.Raise())
        return body.with_changes(body=small)
    statements = list(body.body)
    last = statements[-1]
    if isinstance(last, cst.SimpleStatementLine) and _is_terminal(last.body[-1]):
        small = list(last.body)
        small[-1] = cst.Raise(semicolon=small[-1].semicolon)
        statements[-1] = last.with_changes(body=small)
    else:
        statements.append(cst.SimpleStatementLine(body=[cst.Raise()]))
    return body.with_changes(body=statements)


class SwallowedCancellation(Rule):
    """
    ## What it does
    Inside an `async def`, flags an `except` clause that catches cancellation (`asyncio.CancelledError`,
    `BaseException`, a bare `except:`, `trio.Cancelled`, `anyio.get_cancelled_exc_class()`) and never
    re-raises. Code in a sync `def` or a `lambda` nested in the `async def` is not checked: it does not
    run as part of the coroutine.

    ## Why is this bad?
    asyncio stops a task by raising `CancelledError` inside it. A handler that swallows it keeps the
    task running: `asyncio.timeout()` and `wait_for()` stop working, `TaskGroup`s and server shutdowns
    wait forever, and a cancelled request keeps holding its connection. Since Python 3.8
    `CancelledError` derives from `BaseException`, so `except Exception:` is safe, but `except
    BaseException:` and a bare `except:` are not.

    ## Example
    ```python
    import asyncio

    async def consume(queue):
        while True:
            try:
                item = await queue.get()
                await handle(item)
            except asyncio.CancelledError:
                logger.info("consumer stopping")
    ```

    ## Use instead
    Clean up, then let the cancellation continue:
    ```python
    import asyncio

    async def consume(queue):
        while True:
            try:
                item = await queue.get()
                await handle(item)
            except asyncio.CancelledError:
                logger.info("consumer stopping")
                raise
    ```

    Left alone:
    - handlers that contain a `raise`, or end by calling a function of this module that always
      raises (annotated `-> NoReturn`, or every path of its body raises, such as
      `self._convert_error(exc)`), or that end the process (`sys.exit(3)`, `os._exit(1)`);
    - a handler that cancels its own task again (`asyncio.current_task().cancel()`, also through
      a name it binds to `asyncio.current_task()`): the cancellation is deferred to the next
      `await`, not swallowed (code emulating a non-blocking step does this);
    - a bare `except:` or `except BaseException:` after a clause of the same `try` that already
      catches cancellation (`except CancelledError: pass` then `except: log(...)`): it never sees
      the cancellation, and the earlier clause is the one judged;
    - a `try` whose body never suspends (no `await`, `async for` or `async with`), since a task's
      own cancellation can only arrive where it suspends and what such a handler catches is a
      child's `CancelledError` (`task.result()`);
    - the cancel-then-await idiom, where the `CancelledError` caught is the child's: `task.cancel()`
      earlier in the function or in the same `try` (`try: task.cancel(); await task`), in a
      closure of the function or a sibling closure (`def on_lost(): reply.cancel()`), in a loop
      over a collection listed with it (`_, pending = await asyncio.wait([watch, fetch])`, then
      `for p in pending: p.cancel()`), or in another method of the class for `self.<task>` or
      for a task the function hands to a method that stores it on the object
      (`self._set_active(task)`, which does `self._active = task`, and `stop()` cancels
      `self._active`), or for a local copy of such an attribute (`task = self._task`, then
      `self._task.cancel()`), then `await task` / `except CancelledError: pass`. Every task the `try`
      awaits must be one of these (`await task`, `await asyncio.wait_for(task, 5)`, `await
      asyncio.gather(a, b)`); other statements in it may not suspend (`self._task = None`,
      `return result` are fine, `await asyncio.sleep(1)` is not); a `cancel` handed to the loop to call later
      (`loop.call_soon_threadsafe(self._done.cancel)`, `loop.call_later(5, task.cancel)`) counts
      as a call;
    - `except CancelledError: return` in a coroutine this module starts as a task
      (`asyncio.create_task(self._run())`, `loop.create_task(coro)` with `coro = self._run()`,
      `ensure_future`, `run_coroutine_threadsafe`, `start_soon`, `asyncio.run`): returning ends the
      task, which is what the cancellation asked for; the same in a coroutine that can end no
      other way, whoever starts it (a base class in another module): it ends in a `while True:`
      loop that holds the handler and has no `break` of its own, and every other `return` of the
      function is in an `except` handler, so no caller awaits it to go on afterwards;
    - handlers outside a loop that hand the exception on to be raised elsewhere
      (`future.set_exception(e)`, `future.failure(e)`, `errors.append(e)`, `queue.put((ERROR, e))`,
      also deferred: `partial(fut.set_exception, e)`, `loop.call_soon_threadsafe(fut.set_exception, e)`),
      also in a loop when the handler ends it (`break`, `return`, a `break` right after the
      `try`, or `running = False` on the flag the `while` tests); and, in a loop over cleanup
      steps, a handler that keeps each error
      (`failures.append(exc)`) when the function raises them after the loop (`if failures: raise
      failures[0]`);
    - the save-and-re-raise idiom, where the handler keeps the error or a flag (`cancelled = e`)
      and the function raises it after its cleanup (`if cancelled: raise cancelled`);
    - a handler inside the body of another `except` clause that raises after the statement
      holding it (cleanup that joins child tasks while shutting down, then `raise`), when the
      handler has no `return`, and a handler of a `try` whose own `finally:` always raises:
      the coroutine still ends by raising.

    Still reported: a task's coroutine whose handler only passes (`except CancelledError: pass`),
    which reads as "ignore the cancellation" and lets the task report a normal finish (unless
    `report-task-endings` is off, see Options); a
    coroutine whose handler returns but that its callers await rather than run as a task, since
    the caller's cancellation is then lost (one that can finish normally: a loop on a flag, a
    `break`, a `return` after the loop).

    ## Fix safety
    Unsafe. For a bare `except:` or `except BaseException:` the fix narrows the clause to `except
    Exception:`, which lets cancellation (and `KeyboardInterrupt`, `SystemExit`) through while
    still handling errors. For a handler that names cancellation itself, the fix makes it end in
    `raise` (a trailing `pass`, `...`, `return`, `continue` or `break` is replaced by it, otherwise
    `raise` is appended); a tuple that mixes cancellation with other classes gets no fix, since
    re-raising would re-raise the others too. Either way the coroutine then ends with
    `CancelledError` instead of returning normally, which is the point, but callers see a different
    outcome. No fix is offered where it could do harm: when the `try` awaits something that may
    be another task or future (`await task`, `await asyncio.wait_for(task, 5)`, `gather(*tasks)`),
    whose `CancelledError` re-raising would misreport as this task's, and when a comment in the
    handler says the swallowing is deliberate (it mentions cancellation, ignoring, suppressing or
    shutdown): a person should decide.

    ## Known limitations
    `contextlib.suppress(asyncio.CancelledError)` is not checked. A handler that re-raises only on
    some paths counts as re-raising. A coroutine that can only end by a handler's `return` is
    taken for a task's; one awaited directly by a caller that goes on afterwards is missed.

    ## References
    - [asyncio: task cancellation](https://docs.python.org/3/library/asyncio-task.html#task-cancellation)
    - [`asyncio.CancelledError`](https://docs.python.org/3/library/asyncio-exceptions.html#asyncio.CancelledError)
    """

    code = "RES303"
    name = "swallowed-cancellation"
    family = "exceptions"
    severity = Severity.ERROR
    fix_safety = Safety.UNSAFE
    triggers = ((r"async", r"except\s*:|BaseException|CancelledError|Cancelled|get_cancelled_exc_class"),)

    @classmethod
    def option_triggers(cls, options: Options) -> Tuple[Tuple[str, ...], ...]:
        return tuple(("async", re.escape(name.rsplit(".", 1)[-1])) for name in options.cancellation_exceptions)

    @classmethod
    def is_ast_candidate(cls, tree, text, options=None) -> bool:
        return ast_cancellation_candidate(tree, options.cancellation_exceptions if options is not None else ())
    Options = Options

    def _catches_cancellation(self, handler) -> bool:
        info = caught(handler, self.ctx.imports)
        if info.bare:
            return True
        names = CANCELLATION | frozenset(self.options.cancellation_exceptions)
        return info.catches_any(names)

    def _caught_earlier(self, try_node, handler) -> bool:
        """A clause before ``handler`` in the same `try` catches cancellation, so ``handler`` never
        sees it (`except CancelledError: pass` then `except: log(...)`)."""
        for other in try_node.handlers:
            if other is handler:
                return False
            if self._catches_cancellation(other):
                return True
        return False

    def _passes_error_on(self, handler) -> bool:
        """The handler hands the exception on to be raised elsewhere (`future.set_exception(e)`),
        outside a loop: in a loop the task goes round again, cancelled or not, unless the loop
        only collects the errors of its steps and the function raises them after it."""
        if in_loop(self.ctx.stack):
            return collected_then_raised(handler, self.ctx.stack) or (
                hands_error_on(handler) and stops_loop(handler, self.ctx.stack))
        return hands_error_on(handler)

    def _raises_through_helper(self, handler) -> bool:
        """The handler ends by calling a function of this module that always raises."""
        functions = self.ctx.memo(functions_by_name, lambda: functions_by_name(self.ctx.module))
        return ends_in_raising_call(handler, self.ctx.module, self.ctx.imports, functions)

    def _ends_own_task(self, handler) -> bool:
        """`except CancelledError: return` in a coroutine this module runs as a task."""
        entries = self.ctx.memo(task_entries, lambda: task_entries(self.ctx.module, self.ctx.imports))
        return ends_task(handler, self.ctx.stack, entries, endings=not self.options.report_task_endings)

    def _fix(self, node) -> Optional[Replace]:
        parent = self.ctx.parent()
        if isinstance(parent, (cst.Try, cst.TryStar)) and not awaits_only_own_work(parent.body):
            return None  # the CancelledError may be another task's: re-raising it would misreport
        if any(_EXPLAINS.search(self.ctx.module.code_for_node(stmt)) for stmt in node.body.body):
            return None  # the handler says it swallows on purpose: a person should decide
        if node.type is None:
            fixed = node.with_changes(type=cst.Name("Exception"), whitespace_after_except=cst.SimpleWhitespace(" "))
            return Replace(node, fixed, "Catch `Exception` instead, which lets cancellation through")
        if self.ctx.qualified_name(node.type) == "builtins.BaseException":
            return Replace(node.type, cst.Name("Exception"), "Catch `Exception` instead, which lets cancellation through")
        if isinstance(node.type, cst.Tuple):
            return None  # re-raising would re-raise the other classes too: no safe rewrite
        return Replace(node, node.with_changes(body=_with_reraise(node.body)), "End the handler with `raise`")

    def _check(self, node) -> None:
        if not self.ctx.in_async_function():
            return
        if not self._catches_cancellation(node) or raises_anywhere(node.body):
            return
        if exits_process(node.body, self.ctx.imports):
            return  # `sys.exit(3)`: the process ends (SystemExit), nothing carries on as if not cancelled
        parent = self.ctx.parent()
        if isinstance(parent, (cst.Try, cst.TryStar)) and self._caught_earlier(parent, node):
            return  # an earlier clause of the same `try` takes the cancellation; it is judged there
        if isinstance(parent, (cst.Try, cst.TryStar)):
            # the task's own cancellation arrives only where it suspends; a `try` that never
            # awaits catches a child's CancelledError (`task.result()`), not its own
            if not suspends(parent.body) or awaits_cancelled_task(self.ctx.module, self.ctx.stack, parent):
                return
            if parent.finalbody is not None and raises_unconditionally(parent.finalbody.body):
                return  # the `try`'s own `finally` always raises: the coroutine ends by raising
        if self._passes_error_on(node) or reraised_later(self.ctx.stack, node) or \
                outer_handler_reraises(self.ctx.stack, node):
            return
        if recancels_current_task(node, self.ctx.imports):
            return  # `asyncio.current_task().cancel()`: the next `await` raises it again
        if self._raises_through_helper(node) or self._ends_own_task(node):
            return
        what = "Bare `except:`" if node.type is None else f"`{clause_text(self.ctx.module, node)}`"
        self.report(
            node,
            f"{what} in `async def` swallows task cancellation: the handler never re-raises",
            fix=self._fix(node),
        )

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._check(node)

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._check(node)
