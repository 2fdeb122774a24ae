"""What kind of program a file belongs to, as far as the file and its path say.

Some findings matter only in a process that lives long or runs many at once: a cache that grows
for a day, two requests that race. A command-line program runs once and ends, so the RES4 and RES6
rules leave it alone.
"""

from __future__ import annotations

from ..lazycst import cst

from .names import dotted_name

# folders of command-line programs: Django management commands, scripts, CLIs
_CLI_PARTS = frozenset({"commands", "scripts", "cli", "bin"})


def is_command_line_program(ctx) -> bool:
    """The file is a command-line program: it sits in a `commands` / `scripts` / `cli` / `bin`
    folder (Django's `management/commands/` included), is a `__main__.py` or `cli.py`, or runs as
    `__main__` (`if __name__ == "__main__":` at the top level)."""

    def compute() -> bool:
        parts = ctx.path.replace("\\", "/").split("/")
        if _CLI_PARTS & set(parts[:-1]) or parts[-1] in ("__main__.py", "cli.py"):
            return True
        for stmt in ctx.module.body:
            if isinstance(stmt, cst.If) and isinstance(stmt.test, cst.Comparison) and \
                    dotted_name(stmt.test.left) == "__name__":
                return True
        return False

    return ctx.memo(is_command_line_program, compute)
