"""RES301 bare-except: a bare `except:` that does not re-raise (reslint.analysis.handlers)."""

from __future__ import annotations

from reslint.lazycst import cst

from reslint.analysis.handlers import BROAD, caught, exits_process, raises_unconditionally
from reslint.model import Safety, Severity
from reslint.rule import Replace, Rule


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
    `sys.exit()`), is left alone: nothing is swallowed.

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
        fix = None
        if not self._earlier_handler_catches_exception(node):
            fixed = node.with_changes(type=cst.Name("Exception"), whitespace_after_except=cst.SimpleWhitespace(" "))
            fix = Replace(node, fixed, "Replace with `except Exception:`")
        self.report(
            node,
            "Bare `except:` also catches `KeyboardInterrupt`, `SystemExit` and task cancellation",
            fix=fix,
        )

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
