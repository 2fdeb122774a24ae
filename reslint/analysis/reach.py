"""What a file's calls can resolve to, read from the stdlib `ast` tree before libcst parses it.

Rules whose findings all start from a table of qualified names (a network call, a blocking call,
a wait) use this as their `is_ast_candidate` filter: a file none of whose calls can resolve to a
name of the table, and none of whose method calls is on a receiver of a type the table knows,
cannot hold a finding, and skips the libcst parse.

It must over-approximate :class:`reslint.analysis.names.ImportTable` and
:class:`reslint.analysis.bindings.Bindings`, never under-approximate them:

- a callee resolves as the import table resolves it (imports anywhere in the file, builtins);
  a name bound by a relative import, or a class the module defines, resolves into a package this
  file cannot name, so it may reach any table entry whose dotted parts end the same way;
- a receiver has a type only if the file mentions a name that resolves to a constructor or an
  annotation of that type (or of a type whose method returns it).
"""

from __future__ import annotations

import ast
import builtins
import functools
import re
import threading
from typing import Callable, Dict, FrozenSet, Iterable, Iterator, Optional, Set, Tuple

from .types import ANNOTATIONS, AWAITED_TUPLES, CONSTRUCTORS, METHOD_RETURNS

_BUILTINS = frozenset(dir(builtins))
# the fields that hold statements: imports, defs and classes are only ever found through them
STATEMENT_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")  # the fields that hold statements
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


class Reach:
    """The import bindings of one stdlib tree, and what its calls may resolve to."""

    def __init__(self, tree: ast.AST):
        # local name -> the qualified names imports bind it to (all of them: which one wins where is
        # left to the import table)
        self.absolute: Dict[str, Set[str]] = {}
        self.relative: Dict[str, Set[str]] = {}  # local name -> the names it imports, in a package unknown here
        self.own_classes: Set[str] = set()
        self.async_defs: list = []
        self._memo: Dict[object, object] = {}
        for node in statements(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.absolute.setdefault(alias.asname, set()).add(alias.name)
                    else:
                        head = alias.name.split(".", 1)[0]
                        self.absolute.setdefault(head, set()).add(head)
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name == "*":
                        continue
                    local = alias.asname or alias.name
                    if node.level:
                        self.relative.setdefault(local, set()).add(alias.name)
                    elif node.module:
                        self.absolute.setdefault(local, set()).add(f"{node.module}.{alias.name}")
            elif isinstance(node, ast.ClassDef):
                self.own_classes.add(node.name)
            elif isinstance(node, ast.AsyncFunctionDef):
                self.async_defs.append(node)
        self.tree = tree

    def resolver(self, qualified: Iterable[str]) -> Callable[[ast.AST], bool]:
        """A test of a callee expression: may it resolve to one of ``qualified``?"""
        names = frozenset(qualified)
        key = ("resolver", names)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = _Resolver(self, names).may_resolve
        return found  # type: ignore[return-value]

    def all_calls(self) -> list:
        """Every call of the tree (one walk, kept)."""
        found = self._memo.get("calls")
        if found is None:
            found = self._memo["calls"] = [node for node in nodes(self.tree) if type(node) is ast.Call]
        return found  # type: ignore[return-value]

    def typed(self, text: str, types: Iterable[str]) -> bool:
        """Whether a receiver in the file may be of one of ``types`` (or of a type a method of which
        returns one): a callee, an annotation or a base class of the file may resolve to a
        constructor or an annotation of one. A string annotation, which this does not read, makes
        the file's text decide: a name that may resolve so is mentioned."""
        sources = _type_sources(frozenset(types))
        key = ("typed", sources)
        found = self._memo.get(key)
        if found is None:
            sites, strings = self._type_sites()
            if strings:
                heads = _Resolver(self, sources).heads()
                found = bool(heads) and re.search(
                    r"\b(?:%s)\b" % "|".join(sorted(map(re.escape, heads))), text) is not None
            else:
                found = self._resolved("sites", sites).hits(sources)
            self._memo[key] = found
        return bool(found)

    def calls_hit(self, functions: FrozenSet[str]) -> bool:
        """Whether a call of the file may resolve to one of ``functions``."""
        return self._resolved("calls", [call.func for call in self.all_calls()]).hits(functions)

    def call_attributes(self) -> FrozenSet[str]:
        """The method names the file's calls use (`x.m()` -> `m`)."""
        found = self._memo.get("attributes")
        if found is None:
            found = self._memo["attributes"] = frozenset(
                call.func.attr for call in self.all_calls() if type(call.func) is ast.Attribute)
        return found  # type: ignore[return-value]

    def _resolved(self, key: str, expressions: list) -> "_Resolved":
        found = self._memo.get(("resolved", key))
        if found is None:
            found = self._memo[("resolved", key)] = _Resolved(self, expressions)
        return found  # type: ignore[return-value]

    def _type_sites(self) -> Tuple[list, bool]:
        """The expressions a receiver's type can come from (callees, the names in annotations,
        base classes), and whether an annotation is a string."""
        found = self._memo.get("sites")
        if found is None:
            sites = [call.func for call in self.all_calls()]
            strings = False
            annotations = []
            for node in statements(self.tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    args = node.args
                    annotations.extend(a.annotation for a in (*args.posonlyargs, *args.args, *args.kwonlyargs,
                                                              args.vararg, args.kwarg) if a is not None)
                    annotations.append(node.returns)
                elif isinstance(node, ast.AnnAssign):
                    annotations.append(node.annotation)
                elif isinstance(node, ast.ClassDef):
                    annotations.extend(node.bases)
            for annotation in annotations:
                for sub in ast.walk(annotation) if annotation is not None else ():
                    if isinstance(sub, (ast.Name, ast.Attribute)):
                        sites.append(sub)
                    elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                        strings = True
            found = self._memo["sites"] = (sites, strings)
        return found  # type: ignore[return-value]


def may_call(tree: ast.AST, text: str, functions: Iterable[str], methods: Iterable[Tuple[str, str]]) -> bool:
    """Whether a call of the file may resolve to one of ``functions`` (qualified names), or be one
    of ``methods`` ((receiver type, method name) pairs) on a receiver of a type the file may hold."""
    reach = reach_of(tree)
    by_type: Dict[str, Set[str]] = {}
    for typ, method in methods:
        by_type.setdefault(typ, set()).add(method)
    attrs: Set[str] = set()
    for typ, names in by_type.items():
        if reach.typed(text, (typ,)):
            attrs |= names
    return not reach.call_attributes().isdisjoint(attrs) or reach.calls_hit(frozenset(functions))


def decorated_in_class(tree: ast.AST, decorators: Iterable[str]) -> bool:
    """Whether a def in a class body (at any depth) has a decorator (`@d` or `@d(...)`) that may
    resolve to one of ``decorators``."""
    reach = reach_of(tree)
    resolve = reach.resolver(decorators)
    for node in statements(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        for inner in statements(node):
            if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                    resolve(d.func if isinstance(d, ast.Call) else d) for d in inner.decorator_list):
                return True
    return False


def reach_of(tree: ast.AST) -> Reach:
    """The :class:`Reach` of ``tree``; the rules of one file share the last one made."""
    last = getattr(_local, "last", None)
    if last is None or last[0] is not tree:
        last = _local.last = (tree, Reach(tree))
    return last[1]


_local = threading.local()  # the language server lints on several threads


def subtree(root: ast.AST) -> list:
    """Every node under a stdlib-ast node, itself included, in no particular order: what
    ``list(ast.walk(root))`` gives, about three times as fast (no generators, and only the fields
    that can hold a node are read), less the context and operator markers (`Load`, `Add`, `Eq`...),
    which no filter looks for."""
    node_type = ast.AST
    fields_of = _CHILD_FIELDS
    out = []
    stack = [root]
    while stack:
        node = stack.pop()
        out.append(node)
        kind = type(node)
        fields = fields_of.get(kind)
        if fields is None:
            fields = fields_of[kind] = tuple(
                name for name in kind._fields if name not in _LEAF_FIELDS and not (kind is ast.Constant and name == "value"))
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend(item for item in value if isinstance(item, node_type))
            elif isinstance(value, node_type):
                stack.append(value)
    return out


# fields that never hold a node a filter looks for: names and flags (strings, numbers), and the
# context and operator markers
_LEAF_FIELDS = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "name", "module", "level", "kind",
                          "type_comment", "is_async", "simple", "conversion", "tag", "names"})
_CHILD_FIELDS: Dict[type, Tuple[str, ...]] = {}


def nodes(tree: ast.AST) -> list:
    """Every node of a stdlib tree, listed once per tree for all the prefilters."""
    found = getattr(tree, "_reslint_nodes", None)
    if found is None:
        found = subtree(tree)
        try:
            tree._reslint_nodes = found
        except AttributeError:  # pragma: no cover - a tree that takes no attributes
            pass
    return found


def statements(tree: ast.AST) -> Iterator[ast.AST]:
    """Every statement of the tree, nested ones too (no expression is visited)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for name in STATEMENT_FIELDS:
            value = getattr(node, name, None)
            if value and isinstance(value, list):
                stack.extend(value)


def carried(tree: ast.AST, initial, enter) -> Iterator[Tuple[ast.AST, object]]:
    """Every statement of the tree (the tree itself first) with a state carried down from the
    statements around it: ``enter(node, state)`` gives the state of what ``node`` holds (the
    function a statement is in, whether that function is a coroutine...)."""
    stack = [(tree, initial)]
    while stack:
        node, state = stack.pop()
        yield node, state
        inner = enter(node, state)
        for name in STATEMENT_FIELDS:
            children = getattr(node, name, None)
            if children:
                stack.extend((child, inner) for child in children)


@functools.lru_cache(maxsize=64)
def _type_sources(types: FrozenSet[str]) -> FrozenSet[str]:
    """The qualified names whose call, annotation or awaited result may give a value of one of
    ``types`` (or of a type a method of which returns one)."""
    wanted = _producers(types)
    sources = {name for name, typ in CONSTRUCTORS.items() if typ in wanted}
    sources |= {name for name, typ in ANNOTATIONS.items() if typ in wanted}
    sources |= {name for name, typs in AWAITED_TUPLES.items() if wanted & set(typs)}
    return frozenset(sources)


def _producers(types: FrozenSet[str]) -> FrozenSet[str]:
    """``types`` and every type one of whose methods returns one of them (a `Path`'s `open()` is a file)."""
    out = set(types)
    while True:
        more = {receiver for (receiver, _), returned in METHOD_RETURNS.items() if returned in out} - out
        if not more:
            return frozenset(out)
        out |= more


def _resolutions(reach: Reach, expr: ast.AST) -> Iterator[Tuple[bool, Tuple[str, ...]]]:
    """What a dotted expression may resolve to, as the import table would: ``(True, (name,))``
    for a qualified name (through an absolute import or a builtin), ``(False, parts)`` for the
    dotted parts a name must end with when its package is unknown here (a relative import, a
    class of the module)."""
    root = expr
    while type(root) is ast.Attribute:
        root = root.value
    if type(root) is not ast.Name:
        return
    head = root.id
    if head not in reach.absolute and head not in reach.relative and head not in reach.own_classes \
            and head not in _BUILTINS:
        return  # a local, a parameter, `self`: nothing the import table names (the common case)
    dotted = ast_dotted(expr)
    if dotted is None:  # pragma: no cover - a chain of attributes over a name always has one
        return
    rest = dotted.partition(".")[2]
    for full in reach.absolute.get(head, ()):
        yield True, (f"{full}.{rest}" if rest else full,)
    tail = tuple(rest.split(".")) if rest else ()
    for name in reach.relative.get(head, ()):
        yield False, (name, *tail)
    if head in reach.own_classes:
        yield False, (head, *tail)
    if head in _BUILTINS:
        yield True, (f"builtins.{dotted}",)


class _Resolved:
    """What a list of expressions may resolve to (see :func:`_resolutions`), worked out once."""

    def __init__(self, reach: Reach, expressions: list):
        self.names: Set[str] = set()
        self.tails: Set[Tuple[str, ...]] = set()
        for expr in expressions:
            for qualified, found in _resolutions(reach, expr):
                if qualified:
                    self.names.add(found[0])
                else:
                    self.tails.add(found)

    def hits(self, qualified: FrozenSet[str]) -> bool:
        if not self.names.isdisjoint(qualified):
            return True
        if not self.tails:
            return False
        parts = _parts(qualified)
        return any(all(part in parts for part in tail) for tail in self.tails)


@functools.lru_cache(maxsize=64)
def _parts(qualified: FrozenSet[str]) -> FrozenSet[str]:
    return frozenset(part for name in qualified for part in name.split("."))


class _Resolver:
    def __init__(self, reach: Reach, names: FrozenSet[str]):
        self.reach = reach
        self.names = names
        self.parts = _parts(names)
        self.prefixes = frozenset(".".join(name.split(".")[:i]) for name in names
                                  for i in range(1, name.count(".") + 2))

    def heads(self) -> Set[str]:
        """The local names a dotted callee may start with to resolve into the table."""
        out = {local for local, fulls in self.reach.absolute.items() if not fulls.isdisjoint(self.prefixes)}
        out |= {local for local, names in self.reach.relative.items() if not names.isdisjoint(self.parts)}
        out |= {name for name in self.reach.own_classes if name in self.parts}
        out |= {name.split(".")[1] for name in self.names if name.startswith("builtins.")}
        return out

    def may_resolve(self, func: ast.AST) -> bool:
        names, parts = self.names, self.parts
        return any(found[0] in names if qualified else all(part in parts for part in found)
                   for qualified, found in _resolutions(self.reach, func))


def ast_dotted(node: ast.AST) -> Optional[str]:
    """`a.b.c` for a Name or an Attribute chain over one, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def declared_class(node: Optional[ast.AST], depth: int = 0) -> Optional[str]:
    """The dotted class name an annotation declares, as written (`T`, `"T"`, `Optional[T]`, `T |
    None`, `Union[T, None]`, `Generic[...]` subscripts of a class), or None: how the project index
    and RES501's prefilter read a declared type."""
    if node is None or depth > 4:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            inner = ast.parse(node.value.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        return declared_class(inner, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        sides = [n for n in (node.left, node.right) if not (isinstance(n, ast.Constant) and n.value is None)]
        return declared_class(sides[0], depth + 1) if len(sides) == 1 else None
    if isinstance(node, ast.Subscript):
        base = ast_dotted(node.value) or ""
        last = base.rsplit(".", 1)[-1]
        inner = node.slice
        elements = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if last in _WRAPPERS:
            return declared_class(elements[0], depth + 1) if elements else None
        if last == "Union":
            kept = [e for e in elements if not (isinstance(e, ast.Constant) and e.value is None)]
            return declared_class(kept[0], depth + 1) if len(kept) == 1 else None
        return base or None  # a generic class: `Manager[int]` is a Manager
    return ast_dotted(node)


# `Optional[T]`, `ClassVar[T]`, ...: the type is the one inside
_WRAPPERS = frozenset({"Optional", "ClassVar", "Final", "Annotated"})


def calls(root: ast.AST, nested: bool = True) -> Iterator[Tuple[ast.Call, bool]]:
    """The calls under ``root`` with whether each is directly awaited; ``nested=False`` leaves out
    the bodies of functions and lambdas defined inside ``root`` (root itself may be one)."""
    awaited: Set[int] = set()
    stack = list(ast.iter_child_nodes(root))
    while stack:
        node = stack.pop()
        if not nested and isinstance(node, _FUNCTIONS):
            continue
        if isinstance(node, ast.Await):
            awaited.add(id(node.value))
        elif isinstance(node, ast.Call):
            yield node, id(node) in awaited
        stack.extend(ast.iter_child_nodes(node))
