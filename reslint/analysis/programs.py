"""What kind of program a file belongs to, as far as the file and its path say.

Some findings matter only in a process that lives long or runs many at once: a cache that grows
for a day, two requests that race. A command-line program runs once and ends, so the RES4 and RES6
rules leave it alone.
"""

from __future__ import annotations

import re
from typing import Sequence

from ..lazycst import cst

from .blocks import small_statements
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


# frameworks whose applications run as many processes at once that share the application's
# directories: a Django site is served by a pre-fork WSGI server or several ASGI workers, beside its
# task workers and management commands, all under one MEDIA_ROOT and data directories. (Micro
# frameworks, Flask or Starlette, are also embedded as the single-process UI of a tool or a device,
# which one module cannot tell apart: they do not count.)
WORKER_FRAMEWORKS = frozenset({"django"})


def runs_in_many_workers(ctx) -> bool:
    """The module belongs to a Django application (an absolute import of `django`): its code runs
    in several processes at the same moment, which share the site's directories (media, cache,
    data, uploads)."""
    def compute() -> bool:
        for small in small_statements(ctx.module.body, functions=True, classes=True):
            if isinstance(small, cst.Import):
                heads = [(dotted_name(a.name) or "").split(".", 1)[0] for a in small.names]
            elif isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None:
                heads = [(dotted_name(small.module) or "").split(".", 1)[0]]
            else:
                continue
            if any(head in WORKER_FRAMEWORKS for head in heads):
                return True
        return False

    return ctx.memo(runs_in_many_workers, compute)


def ast_imports_worker_framework(nodes) -> bool:
    """The stdlib-tree side of :func:`runs_in_many_workers`, over every node of the module's tree:
    an absolute import of one of the frameworks anywhere (a superset of what the libcst side reads)."""
    import ast

    for node in nodes:
        if isinstance(node, ast.Import):
            if any(a.name.split(".", 1)[0] in WORKER_FRAMEWORKS for a in node.names):
                return True
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module \
                and node.module.split(".", 1)[0] in WORKER_FRAMEWORKS:
            return True
    return False


# libraries of test suites: a module that imports one is a test
TEST_LIBRARIES = frozenset({"unittest", "pytest", "django.test"})
_TEST_DIRS = frozenset({"tests", "test", "testing"})


def is_test_module(ctx) -> bool:
    """The module is part of a test suite: it sits in a `tests` / `test` / `testing` folder, is named
    `test_*.py`, `tests_*.py`, `*_test.py`, `*_tests.py`, `tests.py` or `conftest.py`, or imports
    `unittest`, `pytest` or `django.test`. A test runs in a process of its own (or one per worker,
    each with its own directories): nothing else touches what it creates."""

    def compute() -> bool:
        parts = ctx.path.replace("\\", "/").split("/")
        name = parts[-1]
        if _TEST_DIRS & set(parts[:-1]) or name in ("tests.py", "conftest.py") \
                or name.startswith(("test_", "tests_")) or name.endswith(("_test.py", "_tests.py")):
            return True
        return _imports_any(ctx, TEST_LIBRARIES)

    return ctx.memo(is_test_module, compute)


def _imports_any(ctx, modules) -> bool:
    """An absolute import of one of ``modules`` or of a module under one (`django.test.utils`)."""
    def under(name: str) -> bool:
        return any(name == m or name.startswith(m + ".") for m in modules)

    for small in small_statements(ctx.module.body, functions=True, classes=True):
        if isinstance(small, cst.Import):
            if any(under(dotted_name(a.name) or "") for a in small.names):
                return True
        elif isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None:
            module = dotted_name(small.module) or ""
            if under(module):
                return True
            if isinstance(small.names, (list, tuple)) and any(
                    under(f"{module}.{dotted_name(a.name) or ''}") for a in small.names):
                return True  # `from django import test`
    return False


# libraries of build steps: a module that imports one packages or builds, in one process
BUILD_LIBRARIES = frozenset({"setuptools", "distutils"})


def is_build_step(ctx) -> bool:
    """The module is part of a build (it imports `setuptools` or `distutils`): it runs in the one
    process that builds or packages, not in the application's workers."""
    return ctx.memo(is_build_step, lambda: _imports_any(ctx, BUILD_LIBRARIES))


def ast_imports_any(nodes, modules) -> bool:
    """The stdlib-tree side of :func:`_imports_any`, over every node of the module's tree: it sees
    no import the libcst side misses (both read every import statement of the module)."""
    import ast

    def under(name: str) -> bool:
        return any(name == m or name.startswith(m + ".") for m in modules)

    for node in nodes:
        if isinstance(node, ast.Import):
            if any(under(a.name) for a in node.names):
                return True
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if under(node.module) or any(under(f"{node.module}.{a.name}") for a in node.names):
                return True
    return False


# Django's migrate signals, and the arguments only they send to their receivers
_MIGRATE_SIGNALS = frozenset({"post_migrate", "pre_migrate"})
_MIGRATE_ARGUMENTS = frozenset({"apps", "verbosity", "plan", "app_config", "interactive"})


def migrate_hook(ctx, func: cst.FunctionDef) -> bool:
    """The function runs from the `migrate` command, once per deployment: a receiver of Django's
    `pre_migrate` / `post_migrate` signal (decorated `@receiver(post_migrate, ...)`, connected in
    this module with `post_migrate.connect(func)`, or a `sender` followed by an argument only those
    signals send: `apps`, `verbosity`, `plan`, `app_config`, `interactive`), or a data-migration
    step kept outside the migration (`def forwards(apps, schema_editor)`)."""
    params = func.params
    ordered = [p.name.value for p in params.posonly_params + params.params]
    names = set(ordered) | {p.name.value for p in params.kwonly_params}
    if ordered[:1] == ["sender"] and names & _MIGRATE_ARGUMENTS or {"apps", "schema_editor"} <= names:
        return True  # a receiver `(sender, apps, verbosity, **kwargs)`, a `RunPython` step `(apps, schema_editor)`
    for decorator in func.decorators:
        expr = decorator.decorator
        if isinstance(expr, cst.Call) and (dotted_name(expr.func) or "").rsplit(".", 1)[-1] == "receiver" \
                and any((dotted_name(a.value) or "").rsplit(".", 1)[-1] in _MIGRATE_SIGNALS for a in expr.args):
            return True
    return func.name.value in _migrate_receivers(ctx)


def _migrate_receivers(ctx) -> frozenset:
    """Names this module connects to a migrate signal: `post_migrate.connect(create_defaults, ...)`."""
    def compute() -> frozenset:
        out = set()
        for node in _calls(ctx.module):
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value == "connect" \
                    and (dotted_name(func.value) or "").rsplit(".", 1)[-1] in _MIGRATE_SIGNALS and node.args:
                name = dotted_name(node.args[0].value)
                if name:
                    out.add(name.rsplit(".", 1)[-1])
        return frozenset(out)
    return ctx.memo(_migrate_receivers, compute)


def _calls(module: cst.Module):
    from .blocks import find_all

    return find_all(module, cst.Call)
