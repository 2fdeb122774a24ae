from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Tuple

import libcst as cst

from reslint.analysis.handlers import body_statements, caught, clause_text, drops_error
from reslint.model import Severity
from reslint.rule import Rule

BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})

DEFAULT_CLEANUP_CALLS = (
    "close", "aclose", "shutdown", "terminate", "kill", "cancel", "unlink", "remove", "rmtree", "rmdir",
    "disconnect", "release", "cleanup", "stop", "join", "flush", "unregister", "reset", "dispose",
    "teardown", "destroy", "delete", "discard", "detach", "unsubscribe", "abort", "exit",
)
# Verbs that mark cleanup even at the start of a name (`close_all`, `stop_server`); the others
# only count as the whole name or its last word (`task.cancel()`, `lock.release()`), so that
# `cancel_subscription()` or `delete_account()` stay business operations.
LEADING_CLEANUP_VERBS = frozenset({
    "close", "aclose", "shutdown", "terminate", "kill", "disconnect", "cleanup", "stop", "dispose", "teardown",
})
# Code in these methods, or in a function named for cleanup (first or last word one of the
# leading verbs above, or `closed`), is itself cleanup: its errors have nowhere to go.
ALWAYS_CLEANUP_FUNCTIONS = ("__del__", "__exit__", "__aexit__")


@dataclass(frozen=True)
class Options:
    cleanup_calls: Tuple[str, ...] = field(
        default=DEFAULT_CLEANUP_CALLS,
        metadata={"doc": "Words that mark a call as best-effort cleanup when they are the called name "
                         "or its last word (`conn.close()`, `hotkeys_stop()`, `writer.wait_closed()`), "
                         "or, for close/shutdown/terminate/kill/disconnect/cleanup/stop/dispose/"
                         "teardown, its first word (`stop_server()`). A `try` whose body holds only such "
                         "calls, and a function named that way, may swallow errors. Set to `[]` to flag "
                         "those handlers too."},
    )


def _words(name: str):
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return [w for w in spaced.lower().split("_") if w]


# awaiting a stream's close: cleanup, though `closed` alone is not a cleanup word
# (`record_connection_closed()` is a metric, `on_closed()` a callback)
CLEANUP_NAMES = frozenset({"wait_closed"})


def _matches_word(name: str, words) -> bool:
    parts = _words(name)
    if not parts:
        return False
    if "_".join(parts) in CLEANUP_NAMES and words:
        return True
    if parts[-1] in words or "_".join(parts) in words or "".join(parts) in words:
        return True
    return parts[0] in words and parts[0] in LEADING_CLEANUP_VERBS


def _callee_name(expr: cst.BaseExpression) -> Optional[str]:
    """The called function's or method's own name, whatever the receiver (`pool[k].close()` -> close)."""
    if isinstance(expr, cst.Await):
        expr = expr.expression
    if not isinstance(expr, cst.Call):
        return None
    func = expr.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return None


def _reads_future(block: cst.BaseSuite) -> bool:
    """`try: fut.result()` / `fut.exception()`: a done-callback retrieving an outcome so that asyncio
    does not log "exception was never retrieved"; swallowing it is the point."""
    statements = body_statements(block)
    if len(statements) != 1 or not isinstance(statements[0], cst.Expr):
        return False
    call = statements[0].value
    return (isinstance(call, cst.Call) and not call.args and isinstance(call.func, cst.Attribute)
            and call.func.attr.value in ("result", "exception"))


class SwallowedException(Rule):
    """
    ## What it does
    Flags a handler for `Exception`, `BaseException` or a bare `except:` whose body throws the error
    away: it holds only `pass`, `...`, a string, `continue`, `break`, `return` or `return None`. Also
    flags `contextlib.suppress(Exception)` (or `BaseException`).

    ## Why is this bad?
    Every failure in the `try` body, including bugs (`TypeError`, `AttributeError`), lost connections
    and full disks, disappears without a log line, a metric or an alert. The program carries on with a
    half-done operation and the first sign of trouble is wrong data or an outage much later, with
    nothing to trace it back to.

    ## Example
    ```python
    def publish(event):
        try:
            broker.send(event)
        except Exception:
            pass
    ```

    ## Use instead
    Catch the errors you expect and leave the rest to propagate, or at least record what happened:
    ```python
    def publish(event):
        try:
            broker.send(event)
        except Exception:
            logger.exception("could not publish %s", event.id)
    ```

    Left alone, because the error is handled or has nowhere better to go:
    - narrow handlers (`except KeyError: pass`), and handlers that log, re-raise, return a value or
      use the error;
    - a fallback: the handler only passes, the `try` only computes values (assignments), and it
      ends by assigning a local variable, which keeps the default it had (the same as `except
      Exception: x = None`), or it is followed by `return <value>`;
    - a done-callback that only reads a future's outcome (`try: fut.result()`), which exists to
      keep asyncio from logging "exception was never retrieved";
    - best-effort cleanup: a `try` whose body holds only calls such as `conn.close()`,
      `os.unlink(tmp)`, `self._pool[key].close()` (see `cleanup-calls`), and any handler inside
      `__del__`, `__exit__`, `__aexit__` or a function named for cleanup (`close`, `shutdown`,
      `tearDown`, `stop_server`, ...). Business verbs count only as the whole name or its last word,
      so `task.cancel()` is cleanup and `cancel_subscription()` is not.

    ## Known limitations
    A class held in a variable (`errors = (Exception,)`; `except errors:`) is not resolved.

    ## References
    - [Errors and exceptions](https://docs.python.org/3/tutorial/errors.html)
    - [`contextlib.suppress`](https://docs.python.org/3/library/contextlib.html#contextlib.suppress)
    """

    code = "RES302"
    name = "swallowed-exception"
    family = "exceptions"
    severity = Severity.WARNING
    # `except:`, or `Exception`/`BaseException` within reach of an `except` (a comment inside a
    # multi-line clause may hold a colon, so the window is bounded by length, not by `:`); no
    # leading `\b`, so the regex engine can jump between occurrences of the literal
    triggers = (r"except\s*:", r"except\b[\s\S]{0,1000}?\b(?:Base)?Exception\b", r"suppress")
    Options = Options

    def _is_broad(self, handler) -> bool:
        info = caught(handler, self.ctx.imports)
        return info.bare or info.catches_any(BROAD)

    def _returns_value_next(self, try_node) -> bool:
        block = self.ctx.parent(2)
        body = list(getattr(block, "body", ()))
        for index, stmt in enumerate(body):
            if stmt is try_node:
                following = body[index + 1] if index + 1 < len(body) else None
                if isinstance(following, cst.SimpleStatementLine) and isinstance(following.body[0], cst.Return):
                    value = following.body[0].value
                    return value is not None and not (isinstance(value, cst.Name) and value.value == "None")
                return False
        return False

    def _function(self):
        return next((n for n in reversed(self.ctx.stack) if isinstance(n, (cst.FunctionDef, cst.Lambda))), None)

    def _exempt_context(self) -> bool:
        func = self._function()
        if not isinstance(func, cst.FunctionDef):
            return False
        name = func.name.value
        if name in ALWAYS_CLEANUP_FUNCTIONS:
            return True
        words = [w for w in self.options.cleanup_calls if w in LEADING_CLEANUP_VERBS]
        return _matches_word(name, words)

    def _is_cleanup_call(self, expr: cst.BaseExpression) -> bool:
        name = _callee_name(expr)
        return bool(name) and _matches_word(name, self.options.cleanup_calls)

    def _is_cleanup(self, block: cst.BaseSuite) -> bool:
        statements = body_statements(block)
        return bool(statements) and all(
            isinstance(stmt, cst.Expr) and self._is_cleanup_call(stmt.value) for stmt in statements
        )

    def _is_fallback(self, try_node, handler) -> bool:
        """The handler only passes and the code falls back to a value it already has:
        `try: value = compute()` (or a `try` that ends by setting a local, as a capability probe
        does) / `except Exception: pass`, or `except Exception: pass` followed by `return <value>`."""
        if not all(isinstance(s, (cst.Pass, cst.Expr)) for s in body_statements(handler.body)):
            return False
        statements = body_statements(try_node.body)
        if not statements or not all(isinstance(s, (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Return)) for s in statements):
            return False  # a statement run for its side effect: its failure is what gets swallowed
        if self._returns_value_next(try_node):
            return True
        stmt = statements[-1]
        if isinstance(stmt, cst.Assign):
            targets = [t.target for t in stmt.targets]
        elif isinstance(stmt, (cst.AnnAssign, cst.AugAssign)):
            targets = [stmt.target]
        else:
            return False
        return all(isinstance(t, cst.Name) for t in targets)

    def _check_handler(self, node) -> None:
        if not self._is_broad(node) or not drops_error(node.body):
            return
        parent = self.ctx.parent()
        if isinstance(parent, (cst.Try, cst.TryStar)):
            if self._is_cleanup(parent.body) or self._is_fallback(parent, node) or _reads_future(parent.body):
                return
        if self._exempt_context():
            return
        clause = clause_text(self.ctx.module, node)
        self.report(node, f"`{clause}` swallows the error: the handler neither re-raises, logs nor uses it")

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._check_handler(node)

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._check_handler(node)

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.qualified_name(node.func) != "contextlib.suppress":
            return
        if not any(
            arg.keyword is None and arg.star == "" and self.ctx.qualified_name(arg.value) in BROAD
            for arg in node.args
        ):
            return
        item = self.ctx.parent()
        with_stmt = self.ctx.parent(2)
        if isinstance(item, cst.WithItem) and isinstance(with_stmt, cst.With) and self._is_cleanup(with_stmt.body):
            return
        if self._exempt_context():
            return
        args = ", ".join(" ".join(self.ctx.module.code_for_node(a.value).split()) for a in node.args)
        self.report(node, f"`contextlib.suppress({args})` swallows every error in its block")
