from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Set, Tuple

import libcst as cst

from reslint.analysis.handlers import body_statements, caught, raises_anywhere
from reslint.model import Safety, Severity
from reslint.rule import Replace, Rule

CANCELLATION = frozenset({
    "builtins.BaseException",
    "asyncio.CancelledError",
    "asyncio.exceptions.CancelledError",
    "trio.Cancelled",
    "anyio.get_cancelled_exc_class()",
})

_TERMINAL = (cst.Pass, cst.Return, cst.Continue, cst.Break)


@dataclass(frozen=True)
class Options:
    cancellation_exceptions: Tuple[str, ...] = field(
        default=(),
        metadata={"doc": "More qualified names that mean cancellation in your code base "
                         "(for example `\"gevent.GreenletExit\"`), caught by the same check."},
    )


def _is_terminal(stmt: cst.CSTNode) -> bool:
    if isinstance(stmt, _TERMINAL):
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


def _awaited_targets(block: cst.BaseSuite, module: cst.Module) -> Set[str]:
    """Source text of what a `try` body awaits: `await t`, `x = await t`, `await gather(*ts)`."""
    out: Set[str] = set()
    for stmt in body_statements(block):
        value = None
        if isinstance(stmt, cst.Expr):
            value = stmt.value
        elif isinstance(stmt, (cst.Assign, cst.AnnAssign)) and stmt.value is not None:
            value = stmt.value
        if not isinstance(value, cst.Await):
            return set()
        target = value.expression
        if isinstance(target, cst.Call):
            for arg in target.args:
                out.add(module.code_for_node(arg.value))
        else:
            out.add(module.code_for_node(target))
    return out


class _CancelledTargets(cst.CSTVisitor):
    """Receivers of `.cancel()` calls in a function, and the iterables of loops that cancel."""

    def __init__(self, module: cst.Module):
        self.module = module
        self.targets: Set[str] = set()
        self.loops = []

    def visit_For(self, node: cst.For) -> None:
        self.loops.append(node)

    def leave_For(self, node: cst.For) -> None:
        self.loops.pop()

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "cancel":
            receiver = self.module.code_for_node(func.value)
            self.targets.add(receiver)
            for loop in self.loops:
                if self.module.code_for_node(loop.target) == receiver:
                    self.targets.add(self.module.code_for_node(loop.iter))


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

    Left alone: handlers that contain a `raise`, and the idiom of awaiting a task you have just
    cancelled yourself (`task.cancel()` then `try: await task` / `except CancelledError: pass`), where
    the `CancelledError` caught is the child's.

    ## Fix safety
    Unsafe. The fix makes the handler end in `raise` (a trailing `pass`, `...`, `return`, `continue`
    or `break` is replaced by it, otherwise `raise` is appended). The coroutine then ends with
    `CancelledError` instead of returning normally, which is the point, but callers see a different
    outcome.

    ## Known limitations
    `contextlib.suppress(asyncio.CancelledError)` is not checked. A handler that re-raises only on
    some paths counts as re-raising.

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
    Options = Options

    def _catches_cancellation(self, handler) -> bool:
        info = caught(handler, self.ctx.imports)
        if info.bare:
            return True
        names = CANCELLATION | frozenset(self.options.cancellation_exceptions)
        return info.catches_any(names)

    def _awaits_cancelled_task(self, try_node) -> bool:
        awaited = _awaited_targets(try_node.body, self.ctx.module)
        if not awaited:
            return False
        func = next((n for n in reversed(self.ctx.stack) if isinstance(n, cst.FunctionDef)), None)
        if func is None:
            return False
        finder = _CancelledTargets(self.ctx.module)
        func.body.visit(finder)
        return bool(awaited & finder.targets)

    def _check(self, node) -> None:
        if not self.ctx.in_async_function():
            return
        if not self._catches_cancellation(node) or raises_anywhere(node.body):
            return
        parent = self.ctx.parent()
        if isinstance(parent, (cst.Try, cst.TryStar)) and self._awaits_cancelled_task(parent):
            return
        fixed = node.with_changes(body=_with_reraise(node.body))
        star = "*" if isinstance(node, cst.ExceptStarHandler) else ""
        what = "bare `except:`" if node.type is None else f"`except{star} {' '.join(self.ctx.module.code_for_node(node.type).split())}:`"
        self.report(
            node,
            f"{what} in `async def` swallows task cancellation: the handler never re-raises",
            fix=Replace(node, fixed, "End the handler with `raise`"),
        )

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._check(node)

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._check(node)
