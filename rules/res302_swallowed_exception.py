"""RES302 swallowed-exception: a broad handler that drops the error (reslint.analysis.handlers, .cleanup)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Tuple

from reslint.lazycst import cst

from reslint.analysis.cleanup import DEFAULT_CLEANUP_CALLS, is_cleanup_block, is_cleanup_function
from reslint.analysis.handlers import (
    BROAD,
    caught,
    clause_text,
    drops_error,
    falls_back,
    keeps_default,
    raises_after,
    reads_future,
)
from reslint.analysis.scopes import enclosing_function, in_loop
from reslint.model import Severity
from reslint.rule import Rule


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
    - a fallback: the handler only passes (or, in a loop, goes on with `continue`) and the `try`
      only computes values, so a failure leaves a default in place. Computing means assigning
      local names, keys or attributes of local objects, building local collections
      (`found.append(x)`), importing and `return`ing, in `if`/`for`/`with`/`try` blocks made of
      the same, with no call run for its effect (closing what it opened, `os.close(fd)`, is
      part of it) and no state-changing verb (`post`, `send`, `write`, `save`, `insert`, ...). The default in place is `return <value>` after the `try` (`return False`);
      a `return` in the `try` with code after it or a loop going on to the next candidate (a
      probe, or a chain of them ending in `return []`); names that all had a value before the
      `try` (`name = None` then an `if`/`elif` that computes it; temporaries read nowhere else
      need none); outside a loop, an optional key
      of a local dict left unset (`info["email"] = ...`); or a `try` that ends by assigning a
      local name (the same as
      `except Exception: x = None`). The same holds for `with contextlib.suppress(Exception):`
      around such a computation (`local = set()` then `with suppress(Exception): local =
      await store.ls()`);
    - a best-effort step on the way to a failure: the `try` (or `with suppress(Exception):`)
      is followed in its block by a `raise` (`conn.send_goaway()` in a `try`, then `raise ProtocolError(...)`), so the
      function reports a failure anyway;
    - a done-callback that only reads a future's outcome (`try: fut.result()`), which exists to
      keep asyncio from logging "exception was never retrieved";
    - best-effort cleanup: a `try` whose body holds only calls such as `conn.close()`,
      `os.unlink(tmp)`, `self._pool[key].close()` (see `cleanup-calls`), and any handler inside
      `__del__`, `__exit__`, `__aexit__` or a function named for cleanup (`close`, `shutdown`,
      `tearDown`, `stop_server`, ...). Business verbs count only as the whole name or its last word,
      so `task.cancel()` is cleanup and `cancel_subscription()` is not.

    Still reported, because an operation whose failure matters is lost: a `try` that writes,
    sends, commits or changes shared state (`self.size -= n`, `os.makedirs(dest)`, `db.insert(row)`),
    even when a default would be kept; items appended in a loop that silently drops the one that
    failed; a handler that returns `None` from a function whose callers then cannot tell a
    failure from "nothing".

    ## Known limitations
    A class held in a variable (`errors = (Exception,)`; `except errors:`) is not resolved. The
    state-changing verbs are read from the called name, so a computation named like one
    (`parser.send(token)`) counts as an operation.

    ## References
    - [Errors and exceptions](https://docs.python.org/3/tutorial/errors.html)
    - [`contextlib.suppress`](https://docs.python.org/3/library/contextlib.html#contextlib.suppress)
    """

    code = "RES302"
    other_tools_codes = ("BLE001", "S110", "S112", "B110", "B112", "W0718")  # flake8-blind-except; bandit / ruff: try-except-pass/continue; pylint: broad-exception-caught
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
        func = next((n for n in reversed(self.ctx.stack) if isinstance(n, (cst.FunctionDef, cst.Lambda))), None)
        return is_cleanup_function(func, self.options.cleanup_calls)

    def _check_handler(self, node) -> None:
        if not self._is_broad(node) or not drops_error(node.body):
            return
        parent = self.ctx.parent()
        if isinstance(parent, (cst.Try, cst.TryStar)):
            function = enclosing_function(self.ctx.stack)
            if (is_cleanup_block(parent.body, self.options.cleanup_calls)
                    or falls_back(parent, node, self.ctx.parent(2), function, in_loop(self.ctx.stack),
                                  self.ctx.stack[:-2])
                    or reads_future(parent.body) or raises_after(parent, self.ctx.parent(2))):
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
        if isinstance(item, cst.WithItem) and isinstance(with_stmt, cst.With):
            if is_cleanup_block(with_stmt.body, self.options.cleanup_calls):
                return
            # a preset default kept when the computation fails: `local = set()` then
            # `with suppress(Exception): local = listing()`
            if keeps_default(with_stmt.body, with_stmt, self.ctx.parent(3), enclosing_function(self.ctx.stack),
                             in_loop(self.ctx.stack), self.ctx.stack[:-3]) \
                    or raises_after(with_stmt, self.ctx.parent(3)):
                return
        if self._exempt_context():
            return
        args = ", ".join(" ".join(self.ctx.module.code_for_node(a.value).split()) for a in node.args)
        self.report(node, f"`contextlib.suppress({args})` swallows every error in its block")
