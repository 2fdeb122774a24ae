"""The structure of the package, read with the stdlib `ast` (nothing is imported).

The modules are those of `reslint/` and `rules/` (the package `reslint.rules`). Tests are not
covered: a test may reach into the privates of the module it tests.

1. No import cycle among reslint's modules. Only imports that run when a module is imported
   count: statements at module level (inside `if`, `try`, `with` and class bodies too), but not
   `if TYPE_CHECKING:` blocks, which never run, nor imports inside functions. A function-level
   import runs after every module has loaded, which is exactly how a cycle is broken on
   purpose; counting those would raise false alarms.
2. No module uses another module's private names (a leading underscore, not a dunder):
   neither `from reslint.x import _y` nor `x._y` where `x` is an imported reslint module, at any
   level (function-level and `TYPE_CHECKING` imports included: a private name used there
   couples the modules just the same). A private module (`rules/_retries.py`) is private to its
   package: the modules of that package may import it, no other may.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Set

from .conftest import ROOT


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@dataclass
class Module:
    name: str
    path: Path
    is_package: bool
    tree: ast.Module = field(repr=False)

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]


def _modules() -> Dict[str, Module]:
    roots = [(ROOT / "reslint", "reslint"), (ROOT / "rules", "reslint.rules")]
    out: Dict[str, Module] = {}
    for folder, prefix in roots:
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(folder).with_suffix("").parts
            if prefix == "reslint" and parts and parts[0] == "rules":
                continue  # a checkout where reslint/rules links to rules/: read rules/ once
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            name = ".".join((prefix, *parts))
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            out[name] = Module(name, path, is_package, tree)
    return out


MODULES = _modules()


def _where(module: Module, node: ast.AST) -> str:
    return f"{module.path.relative_to(ROOT).as_posix()}:{getattr(node, 'lineno', 0)}"


def _absolute(module: Module, node: ast.ImportFrom) -> Optional[str]:
    """The module an ImportFrom reads from, as an absolute name."""
    if not node.level:
        return node.module
    base = module.package.split(".")
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_time_statements(body: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements that run when the module is imported: not in functions, not under TYPE_CHECKING."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(stmt, ast.If) and _is_type_checking(stmt.test):
            yield from _import_time_statements(stmt.orelse)
            continue
        for name in ("body", "orelse", "finalbody"):
            yield from _import_time_statements(getattr(stmt, name, ()) or ())
        for handler in getattr(stmt, "handlers", ()) or ():
            yield from _import_time_statements(handler.body)
        for case in getattr(stmt, "cases", ()) or ():
            yield from _import_time_statements(case.body)


def _ancestors(name: str) -> Set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def _targets(importer: Module, imported: str, names: Iterable[str] = ()) -> Set[str]:
    """The reslint modules an import needs to have run: the module and the packages on its way
    (except the importer's own packages, which are loaded before it), the submodules a
    `from package import name` names, and the package itself when a name it defines is read
    (`from reslint import __version__`: the package must have got that far)."""
    out: Set[str] = set()
    own = _ancestors(importer.name) | ({importer.name} if importer.is_package else set())
    for candidate in _ancestors(imported) | {imported}:
        if candidate in MODULES and candidate not in own:
            out.add(candidate)
    for name in names:
        sub = f"{imported}.{name}"
        if sub in MODULES:
            if sub not in own:
                out.add(sub)
        elif imported in MODULES:
            out.add(imported)
    return out


def import_graph() -> Dict[str, Dict[str, str]]:
    """module -> {module it imports at import time: where}."""
    graph: Dict[str, Dict[str, str]] = {}
    for module in MODULES.values():
        edges = graph.setdefault(module.name, {})
        for stmt in _import_time_statements(module.tree.body):
            targets: Set[str] = set()
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    targets |= _targets(module, alias.name)
            elif isinstance(stmt, ast.ImportFrom):
                source = _absolute(module, stmt)
                if source:
                    targets |= _targets(module, source, [a.name for a in stmt.names])
            for target in sorted(targets - {module.name}):
                edges.setdefault(target, _where(module, stmt))
    return graph


def find_cycles(graph: Dict[str, Dict[str, str]]) -> List[List[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    components: List[List[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, {})):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_a_cycle(graph, set(component)) for component in sorted(components)]


def _a_cycle(graph: Dict[str, Dict[str, str]], component: Set[str]) -> List[str]:
    """A shortest cycle through the first module of ``component`` (breadth-first)."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node]):
            if target not in component:
                continue
            if target == start:
                return paths[node] + [start]
            if target not in paths:
                paths[target] = paths[node] + [target]
                queue.append(target)
    raise AssertionError("a strongly connected component without a cycle")


def _describe_cycle(graph: Dict[str, Dict[str, str]], cycle: List[str]) -> str:
    steps = [f"{a} -> {b} ({graph[a][b]})" for a, b in zip(cycle, cycle[1:])]
    return "\n    ".join(steps)


def test_no_import_cycles():
    graph = import_graph()
    assert "reslint.rules.res301_bare_except" in graph and graph["reslint.rules.res301_bare_except"]
    cycles = find_cycles(graph)
    assert cycles == [], "import cycles (module-level imports):\n  " + "\n  ".join(
        _describe_cycle(graph, cycle) for cycle in cycles
    )


# -- private names -------------------------------------------------------------------------------


def _private_module_violation(importer: Module, imported: str) -> Optional[str]:
    """A private segment of ``imported`` that ``importer`` is not inside the package of."""
    parts = imported.split(".")
    for i, part in enumerate(parts):
        if _is_private(part):
            owner = ".".join(parts[:i])
            if not (importer.name == owner or importer.name.startswith(owner + ".")):
                return ".".join(parts[: i + 1])
    return None


class _PrivateUse(ast.NodeVisitor):
    """Collects private names of other reslint modules that one module uses."""

    def __init__(self, module: Module):
        self.module = module
        self.found: List[str] = []
        self.scopes: List[Dict[str, str]] = [{}]  # name -> reslint module it is bound to

    def _report(self, node: ast.AST, what: str) -> None:
        self.found.append(f"{_where(self.module, node)}: {what}")

    def _bind(self, name: str, module: Optional[str]) -> None:
        self.scopes[-1][name] = module or ""

    def _bound(self, name: str) -> Optional[str]:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name] or None
        return None

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if not alias.name.startswith("reslint"):
                continue
            private = _private_module_violation(self.module, alias.name)
            if private:
                self._report(node, f"imports the private module {private}")
            if alias.asname:
                self._bind(alias.asname, alias.name)
            else:
                self._bind(alias.name.split(".")[0], alias.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        source = _absolute(self.module, node)
        if not source or not (source == "reslint" or source.startswith("reslint.")):
            for alias in node.names:
                self._bind(alias.asname or alias.name, None)
            return
        private = _private_module_violation(self.module, source)
        if private:
            self._report(node, f"imports from the private module {private}")
        for alias in node.names:
            full = f"{source}.{alias.name}"
            if full in MODULES:
                private = _private_module_violation(self.module, full)
                if private and private != _private_module_violation(self.module, source):
                    self._report(node, f"imports the private module {private}")
                self._bind(alias.asname or alias.name, full)
            else:
                if _is_private(alias.name) and source != self.module.name:
                    self._report(node, f"imports the private name {source}.{alias.name}")
                self._bind(alias.asname or alias.name, None)

    def _module_of(self, node: ast.expr) -> Optional[str]:
        if isinstance(node, ast.Name):
            return self._bound(node.id)
        if isinstance(node, ast.Attribute):
            base = self._module_of(node.value)
            if base and f"{base}.{node.attr}" in MODULES:
                return f"{base}.{node.attr}"
        return None

    def visit_Attribute(self, node: ast.Attribute) -> None:
        base = self._module_of(node.value)
        if base and base != self.module.name and _is_private(node.attr) and f"{base}.{node.attr}" not in MODULES:
            self._report(node, f"uses the private name {base}.{node.attr}")
        self.generic_visit(node)

    def _function(self, node) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.visit(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        args = node.args
        params = args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]
        self.scopes.append({a.arg: "" for a in params})
        for stmt in node.body:
            self.visit(stmt)
        self.scopes.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node: ast.Lambda) -> None:
        args = node.args
        params = args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]
        self.scopes.append({a.arg: "" for a in params})
        self.visit(node.body)
        self.scopes.pop()

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name):
                self._bind(target.id, None)  # a name assigned in this scope no longer is the module
            self.visit(target)


def private_uses() -> List[str]:
    found: List[str] = []
    for module in MODULES.values():
        visitor = _PrivateUse(module)
        visitor.visit(module.tree)
        found.extend(visitor.found)
    return found


def test_no_cross_module_private_names():
    found = private_uses()
    assert found == [], "private names used across modules:\n  " + "\n  ".join(found)


# -- the checks themselves, on made-up modules -------------------------------------------------


def _fake(name: str, source: str, is_package: bool = False) -> Module:
    return Module(name, ROOT / (name.replace(".", "/") + ".py"), is_package, ast.parse(source))


def test_cycle_finder_reports_a_cycle_and_ignores_lazy_and_type_checking_imports(monkeypatch):
    fakes = {
        "reslint.a": _fake("reslint.a", "from . import b\n"),
        "reslint.b": _fake("reslint.b", "if True:\n    from .c import x\n"),
        "reslint.c": _fake("reslint.c", "import reslint.a\n"),
        "reslint.d": _fake("reslint.d", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import e\n"),
        "reslint.e": _fake("reslint.e", "def f():\n    from . import d\nfrom . import f\n"),
        "reslint.f": _fake("reslint.f", "x = 1\n"),
        "reslint.pkg": _fake("reslint.pkg", "from .g import x\n", is_package=True),
        "reslint.pkg.g": _fake("reslint.pkg.g", "from reslint.pkg import y\nfrom . import h\n"),
        "reslint.pkg.h": _fake("reslint.pkg.h", "import reslint.pkg\nfrom reslint import pkg\n"),
    }
    monkeypatch.setattr(sys.modules[__name__], "MODULES", fakes)
    graph = import_graph()
    assert graph["reslint.e"] == {"reslint.f": "reslint/e.py:3"}
    assert graph["reslint.d"] == {}
    assert graph["reslint.pkg.h"] == {}  # its own package is loaded before it, and pkg is a module name here
    # reading a name from the package while the package is still importing .g: a real cycle
    assert find_cycles(graph) == [["reslint.a", "reslint.b", "reslint.c", "reslint.a"],
                                  ["reslint.pkg", "reslint.pkg.g", "reslint.pkg"]]


def test_private_use_finder(monkeypatch):
    fakes = {
        "reslint.engine": _fake("reslint.engine", "def _lint_text(): pass\n_x = 1\n"),
        "reslint.fixer": _fake("reslint.fixer", (
            "from . import engine\n"
            "from .engine import _x, __doc__\n"
            "import reslint.engine as eng\n"
            "def f(engine2):\n"
            "    engine._lint_text()\n"
            "    eng._x\n"
            "    reslint_engine = engine\n"
            "def g(engine):\n"
            "    engine._not_the_module\n"
            "self_ = _own = 1\n"
        )),
        "reslint.rules": _fake("reslint.rules", "", is_package=True),
        "reslint.rules._helpers": _fake("reslint.rules._helpers", "x = 1\n"),
        "reslint.rules.res1": _fake("reslint.rules.res1", "from ._helpers import x\nfrom reslint.rules import _helpers\n"),
        "reslint.api": _fake("reslint.api", "from reslint.rules._helpers import x\nimport reslint\nreslint.engine._x\n"),
    }
    monkeypatch.setattr(sys.modules[__name__], "MODULES", fakes)
    assert sorted(private_uses()) == sorted([
        "reslint/fixer.py:2: imports the private name reslint.engine._x",
        "reslint/fixer.py:5: uses the private name reslint.engine._lint_text",
        "reslint/fixer.py:6: uses the private name reslint.engine._x",
        "reslint/api.py:1: imports from the private module reslint.rules._helpers",
        "reslint/api.py:3: uses the private name reslint.engine._x",
    ])


def test_loading_the_rules_does_not_import_libcst():
    """Listing the rules and linting files that need no tree never import libcst (0.15 s of a
    one-file run): module constants, default arguments and base classes must not touch ``cst``
    (see reslint.lazycst)."""
    import subprocess
    import sys

    code = (
        "import sys, reslint.registry as r, reslint.engine as e, reslint.config as c\n"
        "from pathlib import Path\n"
        "rules = r.all_rules()\n"
        "s = c.from_table({'select': ['ALL']}, root=Path('.'), where='t')\n"
        "result = e.lint('import os\\nprint(os.sep)\\n', 'x.py', s.ruleset_for('x.py'))\n"
        "assert not result.findings and not result.parsed, result\n"
        "loaded = sorted(m for m in sys.modules if m == 'libcst' or m.startswith('libcst.'))\n"
        "print(len(rules), loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, loaded = done.stdout.split(" ", 1)
    assert int(count) > 20
    assert loaded.strip() == "[]"
