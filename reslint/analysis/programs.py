"""What kind of program a file belongs to, as far as the file and its path say.

Some findings matter only in a process that lives long or runs many at once: a cache that grows
for a day, two requests that race. A command-line program runs once and ends, so the RES4 and RES6
rules leave it alone.
"""

from __future__ import annotations

import re
from typing import Sequence

from ..lazycst import cst

from .names import dotted_name

# folders of command-line programs: Django management commands, scripts, CLIs
_CLI_PARTS = frozenset({"commands", "scripts", "cli", "bin"})
# a module that builds its own argument parser and parses the command line
_ARGPARSE = (re.compile(r"\bArgumentParser\s*\("), re.compile(r"\.parse_(?:known_)?args\s*\("))
# libraries whose decorators make a function a command of a command-line program
_COMMAND_LIBRARIES = ("click.", "typer.", "asyncclick.", "cloup.")
_COMMAND_DECORATORS = frozenset({"command", "group", "option", "argument", "pass_context", "pass_obj"})


def is_command_line_program(ctx) -> bool:
    """The file is a command-line program: it sits in a `commands` / `scripts` / `cli` / `bin`
    folder (Django's `management/commands/` included), is a `__main__.py` or `cli.py`, runs as
    `__main__` (`if __name__ == "__main__":` at the top level), or builds an `argparse` parser and
    parses the command line with it."""

    def compute() -> bool:
        parts = ctx.path.replace("\\", "/").split("/")
        if _CLI_PARTS & set(parts[:-1]) or parts[-1] in ("__main__.py", "cli.py"):
            return True
        for stmt in ctx.module.body:
            if isinstance(stmt, cst.If) and isinstance(stmt.test, cst.Comparison) and \
                    dotted_name(stmt.test.left) == "__name__":
                return True
        text = getattr(ctx, "text", "") or ""
        return all(pattern.search(text) for pattern in _ARGPARSE)

    return ctx.memo(is_command_line_program, compute)


def _command_decorator(ctx, decorator: cst.Decorator) -> bool:
    expr = decorator.decorator
    func = expr.func if isinstance(expr, cst.Call) else expr
    qualified = ctx.qualified_name(func) or ""
    if qualified.startswith(_COMMAND_LIBRARIES):
        return True
    # `@cli.command()`, `@publish.command()`: a command registered on a click group of the program
    name = dotted_name(func) or ""
    head, _, last = name.rpartition(".")
    return bool(head) and last in ("command", "group") and isinstance(expr, cst.Call) and \
        any((v or "").startswith(_COMMAND_LIBRARIES[:2]) or v in ("click", "typer")
            for v in ctx.imports.aliases.values())


def in_command(ctx, stack: Sequence[cst.CSTNode]) -> bool:
    """The code being visited runs inside a command of a command-line program: a function (or a
    function around it) decorated as a `click` / `typer` command, or its options."""
    for node in stack:
        if isinstance(node, cst.FunctionDef) and node.decorators and \
                any(_command_decorator(ctx, d) for d in node.decorators):
            return True
    return False


def is_migration(ctx) -> bool:
    """A Django migration module (it imports `django.db.migrations`): its data functions run once,
    from one `migrate` command."""
    return ctx.memo(is_migration, lambda: any(
        v == "django.db.migrations" or v.startswith("django.db.migrations.") for v in ctx.imports.aliases.values()))
