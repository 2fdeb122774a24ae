"""Calls in async code: is the callee a coroutine function, does the call make a task, and is
its result dropped.

:class:`Coroutines` resolves a call's callee to "a coroutine function" (True), "something else"
(False) or "cannot tell" (None): an `async def` of the same module or nested in the same
function, a method of the same class or of a base class (through `self.`, `cls.`, `super()`),
an `async def` of another module of the project (through the project index, re-exports
included), or an API of :mod:`.coroutines`. A name rebound anywhere in a function (a `def`, an
assignment, an import, a `for` or `with` target, in any block, `match` arms included) is not
followed.
"""

from __future__ import annotations

from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from ..lazycst import cst

from .blocks import small_statements, walk
from .coroutines import (
    KNOWN_COROUTINE_FUNCTIONS,
    KNOWN_COROUTINE_METHODS,
    LOOP_GETTERS,
    LOOP_NAMES,
    LOOP_TASK_METHODS,
    TASK_FUNCTIONS,
    TRANSPARENT_DECORATORS,
)
from .names import assignment_targets, dotted_name, target_names
from .scopes import enclosing_method
from .types import LOOP


def dropped(ctx, call: cst.Call) -> Optional[str]:
    """How the call's result is lost: "dropped" (an expression statement), "unused" (bound to a
    local name that nothing reads afterwards), or None when it is used."""
    parent = ctx.parent()
    if isinstance(parent, cst.Expr):
        return "dropped"
    if isinstance(parent, cst.Assign) and parent.value is call and len(parent.targets) == 1:
        target = parent.targets[0].target
        if isinstance(target, cst.Name):
            scope = next((n for n in reversed(ctx.stack[:-1]) if isinstance(n, cst.FunctionDef)), None)
            if scope is None:
                return None  # a module-level name may be imported elsewhere
            names = ctx.memo((_names_in, id(scope)), lambda: _names_in(scope))
            if not any(node is not target for node in names.get(target.value, ())):
                return "unused"
    return None


def _names_in(scope: cst.FunctionDef) -> Dict[str, List[cst.Name]]:
    """The `Name` nodes of a function's body by name (one walk per function, memoised per file):
    not an attribute's name (`x.attr`: only the receiver can be the name), nor a keyword's."""
    from ..walker import child_nodes

    found: Dict[str, List[cst.Name]] = {}
    stack: List[cst.CSTNode] = [scope.body]
    name_type, attribute_type, arg_type = cst.Name, cst.Attribute, cst.Arg
    while stack:
        node = stack.pop()
        kind = type(node)  # concrete classes: `type() is` spares libcst's slow ABC isinstance
        if kind is name_type:
            found.setdefault(node.value, []).append(node)
        elif kind is attribute_type or kind is arg_type:
            stack.append(node.value)
            continue
        stack.extend(child_nodes(node))
    return found


def is_task_call(ctx, call: cst.Call) -> bool:
    """`asyncio.create_task(...)`, `asyncio.ensure_future(...)`, or `create_task` on something that
    is an event loop: resolved as one, got from `get_running_loop()`, or named `loop`."""
    if ctx.qualified_name(call.func) in TASK_FUNCTIONS:
        return True
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value in LOOP_TASK_METHODS):
        return False
    receiver = func.value
    info = ctx.type_of(receiver)
    if info is not None:
        return info.type == LOOP
    if isinstance(receiver, cst.Call):
        return ctx.qualified_name(receiver.func) in LOOP_GETTERS
    name = dotted_name(receiver)
    return name is not None and name.rsplit(".", 1)[-1] in LOOP_NAMES


def is_generator(func: cst.FunctionDef) -> bool:
    """The function's own body yields (nested functions, lambdas and classes excluded)."""
    return any(isinstance(node, cst.Yield) for node in walk(func.body))


def coroutine_def(func: cst.CSTNode) -> Optional[bool]:
    """True for an `async def` whose call returns a coroutine; False for any other def; None
    when it cannot be told (not a def, or a decorator that may change what it returns)."""
    if not isinstance(func, cst.FunctionDef):
        return None
    if func.asynchronous is None:
        return False
    for decorator in func.decorators:
        expr = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        if (dotted_name(expr) or "").rsplit(".", 1)[-1] not in TRANSPARENT_DECORATORS:
            return None
    return not is_generator(func)


def defined_in(body: Sequence[cst.CSTNode], name: str) -> Iterator[cst.CSTNode]:
    """What binds ``name`` among a block's statements, in source order: a `def` or `class` of that
    name, an import, an assignment, a `for` or `with ... as` target. Nested blocks (of `if`,
    loops, `try`, `with`, `match`) are searched, nested functions and classes are not."""
    for stmt in small_statements(body):
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            if stmt.name.value == name:
                yield stmt
            continue
        if isinstance(stmt, (cst.Import, cst.ImportFrom)) and not isinstance(stmt.names, cst.ImportStar):
            for alias in stmt.names:
                local = alias.asname.name if alias.asname else alias.name
                if dotted_name(local) == name or (dotted_name(local) or "").split(".")[0] == name:
                    yield stmt
        for target in assignment_targets(stmt):
            if name in target_names(target):
                yield stmt
        if isinstance(stmt, (cst.For, cst.With)):
            targets = [stmt.target] if isinstance(stmt, cst.For) else [i.asname.name for i in stmt.items if i.asname]
            for target in targets:
                if name in target_names(target):
                    yield stmt


def bindings_index(body: Sequence[cst.CSTNode]) -> Dict[str, List[cst.CSTNode]]:
    """:func:`defined_in` for every name at once: name -> what ``defined_in(body, name)`` yields,
    in the same order (one pass over the block instead of one per name asked about)."""
    index: Dict[str, List[cst.CSTNode]] = {}

    def add(names: Iterable[str], stmt: cst.CSTNode) -> None:
        for name in names:
            index.setdefault(name, []).append(stmt)

    for stmt in small_statements(body):
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            add((stmt.name.value,), stmt)
            continue
        if isinstance(stmt, (cst.Import, cst.ImportFrom)) and not isinstance(stmt.names, cst.ImportStar):
            for alias in stmt.names:
                local = alias.asname.name if alias.asname else alias.name
                dotted = dotted_name(local)
                add({n for n in (dotted, (dotted or "").split(".")[0]) if n is not None}, stmt)
        for target in assignment_targets(stmt):
            add(set(target_names(target)), stmt)
        if isinstance(stmt, (cst.For, cst.With)):
            targets = [stmt.target] if isinstance(stmt, cst.For) else [i.asname.name for i in stmt.items if i.asname]
            for target in targets:
                add(set(target_names(target)), stmt)
    return index


def _params(func: cst.FunctionDef) -> Iterator[str]:
    p = func.params
    for param in (*p.posonly_params, *p.params, *p.kwonly_params):
        yield param.name.value
    for star in (p.star_arg, p.star_kwarg):
        if isinstance(star, cst.Param):
            yield star.name.value


class Coroutines:
    """Resolves the callee of a call to "is it a coroutine function" for one file."""

    def __init__(self, ctx, extra: Sequence[str] = ()):
        self.ctx = ctx
        self.extra = frozenset(extra)
        self._module_name: Optional[Tuple[str, bool]] = None
        self._bindings: Dict[int, Tuple[Sequence[cst.CSTNode], Dict[str, List[cst.CSTNode]]]] = {}

    def _defined(self, body: Sequence[cst.CSTNode], name: str) -> List[cst.CSTNode]:
        """``list(defined_in(body, name))``, from one index per block (the block is kept, so its id
        cannot be reused by another)."""
        entry = self._bindings.get(id(body))
        if entry is None or entry[0] is not body:
            entry = self._bindings[id(body)] = (body, bindings_index(body))
        return entry[1].get(name, [])

    # -- qualified names -----------------------------------------------------------
    def absolute(self, qualified: str) -> str:
        """A relative import's target (`.client.fetch`) made absolute with the project index."""
        if not qualified.startswith(".") or self.ctx.project is None:
            return qualified
        if self._module_name is None:
            self._module_name = self.ctx.project.module_of(self.ctx.path)
        module, is_package = self._module_name
        level = len(qualified) - len(qualified.lstrip("."))
        package = module if is_package else module.rpartition(".")[0]
        for _ in range(level - 1):
            package = package.rpartition(".")[0]
        rest = qualified.lstrip(".")
        return f"{package}.{rest}" if package else rest

    def _qualified(self, qualified: Optional[str]) -> Optional[bool]:
        if qualified is None:
            return None
        if qualified in KNOWN_COROUTINE_FUNCTIONS or qualified in self.extra:
            return True
        project = self.ctx.project
        if project is None:
            return None
        return project.is_coroutine_function(self.absolute(qualified))

    # -- the callee ---------------------------------------------------------------------
    def of_call(self, call: cst.Call) -> Optional[bool]:
        """Is the callee of ``call`` (the node being visited) a coroutine function?"""
        func = call.func
        if isinstance(func, cst.Name):
            return self._name(func.value)
        if not isinstance(func, cst.Attribute):
            return None
        receiver = func.value
        attr = func.attr.value
        if isinstance(receiver, cst.Name) and receiver.value in ("self", "cls"):
            method, cls = enclosing_method(self.ctx.stack)
            if cls is not None and method is not None and method.params.params \
                    and method.params.params[0].name.value == receiver.value:
                return self._method(cls, attr, set())
            return None
        if isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Name) and receiver.func.value == "super":
            _, cls = enclosing_method(self.ctx.stack)
            return self._bases(cls, attr, set()) if cls is not None else None
        qualified = self.ctx.qualified_name(func)
        if qualified is not None:
            head = (dotted_name(receiver) or "").split(".")[0]
            if not self._shadowed(head):
                found = self._qualified(qualified)
                if found is not None:
                    return found
        info = self.ctx.type_of(receiver)
        if info is not None and (info.type, attr) in KNOWN_COROUTINE_METHODS:
            return True
        return None

    def _shadowed(self, name: str) -> bool:
        """A local of an enclosing function, or a parameter, rebinds the name."""
        for node in reversed(self.ctx.stack[:-1]):
            if isinstance(node, cst.FunctionDef):
                if name in _params(node) or self._defined(node.body.body, name):
                    return True
        return False

    def _name(self, name: str) -> Optional[bool]:
        for node in reversed(self.ctx.stack[:-1]):
            if isinstance(node, cst.FunctionDef):
                if name in _params(node):
                    return None
                found = self._defined(node.body.body, name)
                if found:
                    return coroutine_def(found[0]) if len(found) == 1 else None
            if isinstance(node, cst.ClassDef):
                continue  # class-level names are not visible inside methods
        found = self._defined(self.ctx.module.body, name)
        if len(found) == 1 and isinstance(found[0], cst.FunctionDef):
            return coroutine_def(found[0])
        if len(found) == 1 and isinstance(found[0], (cst.Import, cst.ImportFrom)):
            return self._qualified(self.ctx.imports.resolve_dotted(name))
        if not found and name not in self.ctx.imports.aliases:
            return None
        if not found:
            return self._qualified(self.ctx.imports.resolve_dotted(name))
        return None

    def _class_named(self, name: str) -> Optional[cst.ClassDef]:
        found = self._defined(self.ctx.module.body, name)
        return found[0] if len(found) == 1 and isinstance(found[0], cst.ClassDef) else None

    def _method(self, cls: cst.ClassDef, attr: str, seen: set) -> Optional[bool]:
        if id(cls) in seen:
            return None
        seen.add(id(cls))
        if isinstance(cls.body, cst.IndentedBlock):
            found = self._defined(cls.body.body, attr)
            if found:
                return coroutine_def(found[0])  # the first binding in the class body
        return self._bases(cls, attr, seen)

    def _bases(self, cls: cst.ClassDef, attr: str, seen: set) -> Optional[bool]:
        for base in cls.bases:
            if base.keyword is not None:
                continue
            name = dotted_name(base.value)
            if name is None:
                return None
            local = self._class_named(name) if "." not in name else None
            if local is not None:
                found = self._method(local, attr, seen)
            else:
                qualified = self.ctx.imports.resolve_dotted(name)
                if qualified is None or self.ctx.project is None:
                    return None
                found = self.ctx.project.method_is_coroutine(self.absolute(qualified), attr)
            if found is not None:
                return found
            if local is None:
                return None  # an unknown base may define it
        return None
