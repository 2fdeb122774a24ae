from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Tuple

import libcst as cst

from reslint.analysis.handlers import body_statements, caught, drops_error
from reslint.analysis.names import dotted_name
from reslint.model import Severity
from reslint.rule import Rule

BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})

DEFAULT_CLEANUP_CALLS = (
    "close", "aclose", "shutdown", "terminate", "kill", "cancel", "unlink", "remove", "rmtree",
    "rmdir", "disconnect", "release", "cleanup", "stop", "join", "flush", "unregister",
)


@dataclass(frozen=True)
class Options:
    cleanup_calls: Tuple[str, ...] = field(
        default=DEFAULT_CLEANUP_CALLS,
        metadata={"doc": "Names of calls treated as best-effort cleanup: a `try` whose body is one call "
                         "to a function or method of one of these names may swallow errors. Set to `[]` "
                         "to flag those handlers too."},
    )


def _clause_text(module: cst.Module, handler) -> str:
    star = "*" if isinstance(handler, cst.ExceptStarHandler) else ""
    if handler.type is None:
        return "except:"
    text = " ".join(module.code_for_node(handler.type).split())
    if len(text) > 60:
        text = text[:57] + "..."
    return f"except{star} {text}:"


def _callee_name(expr: cst.BaseExpression) -> Optional[str]:
    if isinstance(expr, cst.Await):
        expr = expr.expression
    if not isinstance(expr, cst.Call):
        return None
    name = dotted_name(expr.func)
    return name.rsplit(".", 1)[-1] if name else None


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

    Left alone: narrow handlers (`except KeyError: pass`), handlers that log, re-raise, return a
    value or use the error, a `try` whose body is a single best-effort cleanup call (`conn.close()`,
    `os.unlink(tmp)`, see `cleanup-calls`), and handlers inside `__del__`, where an exception cannot
    propagate anyway.

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

    def _exempt_context(self) -> bool:
        for node in reversed(self.ctx.stack):
            if isinstance(node, cst.FunctionDef):
                return node.name.value == "__del__"
        return False

    def _is_cleanup(self, block: cst.BaseSuite) -> bool:
        statements = body_statements(block)
        if len(statements) != 1 or not isinstance(statements[0], cst.Expr):
            return False
        return _callee_name(statements[0].value) in self.options.cleanup_calls

    def _check_handler(self, node) -> None:
        if not self._is_broad(node) or not drops_error(node.body):
            return
        parent = self.ctx.parent()
        if isinstance(parent, (cst.Try, cst.TryStar)) and self._is_cleanup(parent.body):
            return
        if self._exempt_context():
            return
        clause = _clause_text(self.ctx.module, node)
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
