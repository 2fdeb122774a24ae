"""What a name in a file really refers to, through its imports.

libcst's QualifiedNameProvider answers this with a ScopeProvider pass that
costs about a third of a whole lint on large files. Most rules only need to
know where a dotted name was imported from, so this module reads the file's
import statements once (module level and nested in functions, classes, `if`,
`try`) into an alias table and resolves names against it:

    import asyncio as aio                  aio.CancelledError -> asyncio.CancelledError
    from asyncio import CancelledError as C   C           -> asyncio.CancelledError
    from urllib import request             request.urlopen -> urllib.request.urlopen
    Exception  (never imported or bound)   -> builtins.Exception

Imports are treated as file-wide (an import inside one function is seen from
another); a module-level `def`, `class` or assignment of a builtin's name
shadows the builtin. Rules that need exact scoping can still declare
libcst's providers in METADATA_DEPENDENCIES.

Also here: the names an expression or a target is made of (`dotted_name`,
`target_names`, `names_in`, `root_names`, `last_word`).
"""

from __future__ import annotations

import builtins
from typing import Dict, Iterator, List, Optional, Set

from ..lazycst import cst

from .blocks import statements, walk

_BUILTINS = frozenset(dir(builtins))


def dotted_name(node: cst.CSTNode) -> Optional[str]:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def assignment_targets(small: cst.CSTNode) -> List[cst.BaseExpression]:
    """What a small statement assigns to (`=`, annotated and augmented assignment), as written."""
    if isinstance(small, cst.Assign):
        return [t.target for t in small.targets]
    if isinstance(small, (cst.AnnAssign, cst.AugAssign)):
        return [small.target]
    return []


def target_names(target: cst.BaseExpression) -> Iterator[str]:
    """The names an assignment or loop target binds: `a`, `a, (b, *c)`, `[a, b]` (not `x.attr`
    or `x[i]`, which bind no name)."""
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from target_names(target.value)


def last_word(name: Optional[str]) -> str:
    """The last part of a dotted name, lower-cased (`self._Backoff` -> `_backoff`); '' for None."""
    return (name or "").rsplit(".", 1)[-1].lower()


def names_in(node: cst.CSTNode) -> Set[str]:
    """Every name under ``node``, attribute names included, nested functions, lambdas and classes
    excluded (`delay * self.factor` -> {delay, self, factor})."""
    return {n.value for n in walk(node) if isinstance(n, cst.Name)}


def root_names(node: cst.CSTNode) -> Set[str]:
    """The names an expression reads, not counting attribute names (`exc.response` -> {exc})."""
    out: Set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            out.add(current.value)
        elif isinstance(current, cst.Attribute):
            stack.append(current.value)
        else:
            stack.extend(current.children)
    return out


def _module_name(node: Optional[cst.CSTNode], relative: int) -> str:
    name = dotted_name(node) if node is not None else ""
    return "." * relative + (name or "")


class ImportTable:
    """Local name -> fully qualified name, for one file.

    ``module_name`` is the file's dotted name when it sits in a package (`redis.connection`;
    ``is_package`` for an `__init__.py`): relative imports are then resolved against it
    (`from .retry import Retry` -> `redis.retry.Retry`), and a class the module defines resolves
    to the module's own name (`Retry` in `urllib3/util/retry.py` -> `urllib3.util.retry.Retry`)."""

    def __init__(self, module: cst.Module, module_name: Optional[str] = None, is_package: bool = False):
        self.aliases: Dict[str, str] = {}
        self.module_bindings: Set[str] = set()
        self.module_name = module_name
        self._package = (module_name if is_package else module_name.rpartition(".")[0]) if module_name else None
        self.own_classes: Dict[str, str] = {}
        for stmt in statements(module.body, functions=True, classes=True):
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Import):
                        self._add_import(small)
                    elif isinstance(small, cst.ImportFrom):
                        self._add_import_from(small)
        for stmt in module.body:
            self._add_module_binding(stmt)
            if module_name and isinstance(stmt, cst.ClassDef):
                self.own_classes[stmt.name.value] = f"{module_name}.{stmt.name.value}"

    def _add_import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted_name(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.aliases[alias.asname.name.value] = full
            else:
                # `import a.b` binds `a`
                head = full.split(".", 1)[0]
                self.aliases.setdefault(head, head)

    def _add_import_from(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        module = _module_name(node.module, len(node.relative))
        if node.relative and self._package:
            package = self._package
            for _ in range(len(node.relative) - 1):
                package = package.rpartition(".")[0]
            if package:
                name = dotted_name(node.module) if node.module is not None else ""
                module = f"{package}.{name}" if name else package
        for alias in node.names:
            name = dotted_name(alias.name)
            if not name:
                continue
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.aliases[local] = f"{module}.{name}" if module and not module.endswith(".") else module + name

    def _add_module_binding(self, stmt: cst.CSTNode) -> None:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            self.module_bindings.add(stmt.name.value)
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                for target in assignment_targets(small):
                    if isinstance(target, cst.Name):
                        self.module_bindings.add(target.value)

    def resolve(self, node: cst.CSTNode) -> Optional[str]:
        """The qualified name of a Name/Attribute expression, or None when unknown."""
        name = dotted_name(node)
        if name is None:
            return None
        return self.resolve_dotted(name)

    def resolve_dotted(self, name: str) -> Optional[str]:
        head, _, rest = name.partition(".")
        target = self.aliases.get(head)
        if target is not None:
            return f"{target}.{rest}" if rest else target
        if head in _BUILTINS and head not in self.module_bindings:
            return f"builtins.{name}"
        own = self.own_classes.get(head)
        if own is not None:
            return f"{own}.{rest}" if rest else own
        return None
