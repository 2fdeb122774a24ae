"""RES301 bare-except: a bare `except:` that does not re-raise (reslint.analysis.handlers)."""

from __future__ import annotations

from reslint.lazycst import cst

from reslint.analysis.handlers import (
    BROAD,
    caught,
    exits_process,
    keeps_error_for_raise,
    outer_handler_reraises,
    raises_unconditionally,
)
from reslint.analysis.scopes import enclosing_method
from reslint.analysis.names import dotted_name
from reslint.model import Safety, Severity
from reslint.rule import Replace, Rule


_SYSTEM_EXITS = frozenset({"builtins.KeyboardInterrupt", "builtins.SystemExit"})


def _tuple_bindings(module: cst.Module) -> dict:
    """Names bound to a tuple at module level or in a class body of the module (`name = (A, B)`)."""
    out: dict = {}
    bodies = [module.body] + [stmt.body.body for stmt in module.body
                              if isinstance(stmt, cst.ClassDef) and isinstance(stmt.body, cst.IndentedBlock)]
    for body in bodies:
        for stmt in body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if isinstance(small, cst.Assign) and isinstance(small.value, cst.Tuple):
                    for target in small.targets:
                        if isinstance(target.target, cst.Name):
                            out.setdefault(target.target.value, []).append(small.value)
    return out


class BareExcept(Rule):
    """
    ## What it does
    Flags a bare `except:` clause, unless the handler always re-raises.

    ## Why is this bad?
    `except:` catches everything derived from `BaseException`, not just errors: `KeyboardInterrupt`
    (Ctrl-C no longer stops the program), `SystemExit` (`sys.exit()` is ignored), `GeneratorExit`, and
    `asyncio.CancelledError` (tasks can no longer be cancelled, so shutdowns and timeouts hang). It
    also hides which failures the author expected, so real bugs are handled like routine ones.

    ## Example
    ```python
    def load(path):
        try:
            return read_config(path)
        except:
            return DEFAULTS
    ```

    ## Use instead
    Catch what you expect, or at most `Exception`:
    ```python
    def load(path):
        try:
            return read_config(path)
        except (OSError, ValueError):
            return DEFAULTS
    ```

    A bare `except:` whose handler always re-raises (cleanup, then `raise`, with no `return`,
    `continue` or `break` that could leave the handler first), or ends the process (`os._exit()`,
    `sys.exit()`), is left alone: nothing is swallowed. So is a bare `except:` after a clause of
    the same `try` that catches both `KeyboardInterrupt` and `SystemExit` and always re-raises
    them (`except (KeyboardInterrupt, SystemExit): raise`, also through a tuple bound in this
    file, such as a class attribute `SYSTEM_EXCEPTIONS = (KeyboardInterrupt, SystemExit)` used as
    `except self.SYSTEM_EXCEPTIONS: raise`): the interrupts pass through. A tuple defined in
    another module is not followed, and such a clause is still reported.

    A bare `except:` that keeps the error on the object for its class to raise later is left
    alone too: the handler stores `sys.exc_info()` (or `sys.exception()`) on `self.<attr>`,
    directly or through a method of the same class that stores its argument there, and the
    class has a `raise` that reads `self.<attr>` (`raise self.exc_info[1]`, `raise
    Failed() from self.error[1]`). That is how a thread's target hands its failure to the
    thread that joins it: `KeyboardInterrupt` only ever reaches the main thread. A handler
    that passes the error to a method that only logs it, or stores it where nothing raises
    it, is still reported. A bare `except:` around a best-effort step inside another `except`
    clause that raises after it is left alone when it has no `return` (`except: try:
    conn.close() except: pass` then `raise`): the function unwinds anyway.

    ## Fix safety
    Unsafe. The fix rewrites `except:` to `except Exception:`, which stops catching
    `KeyboardInterrupt`, `SystemExit`, `GeneratorExit` and cancellation. That is almost always what
    was meant, but it changes what the program does when they happen. No fix is offered when an
    earlier handler of the same `try` already catches `Exception`: the rewritten clause could never
    run, and the right change (catch `BaseException` deliberately, or drop the clause) is a decision.

    ## References
    - [The `try` statement](https://docs.python.org/3/reference/compound_stmts.html#the-try-statement)
    - [PEP 8, programming recommendations](https://peps.python.org/pep-0008/#programming-recommendations)
    """

    code = "RES301"
    other_tools_codes = ("E722", "W0702")  # pycodestyle / ruff: bare except; pylint: bare-except
    name = "bare-except"
    precision = "very-high"
    family = "exceptions"
    severity = Severity.ERROR
    fix_safety = Safety.UNSAFE
    triggers = (r"except\s*:",)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.type is not None or raises_unconditionally(node.body) or exits_process(node.body, self.ctx.imports):
            return
        if self._system_exits_reraised_before(node):
            return
        method, klass = enclosing_method(self.ctx.stack)
        if keeps_error_for_raise(node, method, klass, self.ctx.imports) or outer_handler_reraises(self.ctx.stack, node):
            return
        fix = None
        if not self._earlier_handler_catches_exception(node):
            fixed = node.with_changes(type=cst.Name("Exception"), whitespace_after_except=cst.SimpleWhitespace(" "))
            fix = Replace(node, fixed, "Replace with `except Exception:`")
        self.report(
            node,
            "Bare `except:` also catches `KeyboardInterrupt`, `SystemExit` and task cancellation",
            fix=fix,
        )

    def _system_exits_reraised_before(self, node: cst.ExceptHandler) -> bool:
        """An earlier handler of the same `try` catches `KeyboardInterrupt` and `SystemExit` and
        re-raises them (`except (KeyboardInterrupt, SystemExit): raise`, also through a tuple
        bound in this file: `SYSTEM_EXCEPTIONS = (KeyboardInterrupt, SystemExit)` then `except
        self.SYSTEM_EXCEPTIONS: raise`): the bare clause no longer catches them."""
        parent = self.ctx.parent()
        for handler in getattr(parent, "handlers", ()):
            if handler is node:
                return False
            if handler.type is None or not raises_unconditionally(handler.body):
                continue
            if _SYSTEM_EXITS <= self._classes(handler.type):
                return True
        return False

    def _classes(self, expr: cst.BaseExpression, depth: int = 0) -> set:
        """Qualified names of the classes an `except` expression stands for, following a name
        or `self.<name>` / `Cls.<name>` bound to a tuple in this file."""
        if isinstance(expr, cst.Tuple):
            out: set = set()
            for element in expr.elements:
                out |= self._classes(element.value, depth)
            return out
        qualified = self.ctx.qualified_name(expr)
        if qualified and qualified.startswith("builtins."):
            return {qualified}
        if depth > 2:
            return set()
        written = dotted_name(expr)
        if not written:
            return set()
        name = written.rsplit(".", 1)[-1]  # `SYSTEM`, `self.SYSTEM`, `Hub.SYSTEM`
        tuples = self.ctx.memo(_tuple_bindings, lambda: _tuple_bindings(self.ctx.module))
        values = tuples.get(name, [])
        if len(values) != 1:
            return set()
        return self._classes(values[0], depth + 1)

    def _earlier_handler_catches_exception(self, node: cst.ExceptHandler) -> bool:
        """`except Exception:` before this one would make the rewritten clause unreachable."""
        parent = self.ctx.parent()
        for handler in getattr(parent, "handlers", ()):
            if handler is node:
                return False
            info = caught(handler, self.ctx.imports)
            if info.catches_any(BROAD):
                return True
        return False
