"""Calls in async code: is the callee a coroutine function, does the call make a task, and is
its result dropped.

:class:`Coroutines` resolves a call's callee to "a coroutine function" (True), "something else"
(False) or "cannot tell" (None): an `async def` of the same module or nested in the same
function, a method of the same class or of a base class (through `self.`, `cls.`, `super()`),
an `async def` of another module of the project (through the project index, re-exports
included), a method of a project class reached through what a receiver is declared to be (an
attribute chain from `self`, a property, a parameter annotation, a local `x = Class(...)`; the
index knows each class's attribute and property types, along its bases, across modules), an
async context manager's `__aenter__` / `__aexit__`, or an API of :mod:`.coroutines`. A name
rebound anywhere in a function (a `def`, an assignment, an import, a `for` or `with` target, in
any block, `match` arms included) is not followed.

:func:`truth_tested` tells a call whose result is only tested for truth or compared (`if
coro():`, `not coro()`, `x or coro()` as a condition): a coroutine object is always true, so the
test is meaningless and the coroutine is lost.
"""

from __future__ import annotations

from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from ..lazycst import cst, kinds

from .blocks import small_statements, walk
from .calls import find_arg
from ..project import lookup_attribute, lookup_method
from .coroutines import (
    ASYNC_DUNDERS,
    CALLBACK_FUNCTIONS,
    DONE_CALLBACK,
    EXECUTOR_CALLBACK_METHODS,
    KNOWN_COROUTINE_FUNCTIONS,
    KNOWN_COROUTINE_METHODS,
    LOOP_CALLBACK_METHODS,
    LOOP_GETTERS,
    LOOP_NAMES,
    LOOP_TASK_METHODS,
    TASK_FUNCTIONS,
    TRANSPARENT_DECORATORS,
)
from .names import assignment_targets, dotted_name, target_names
from .scopes import enclosing_method
from .types import EXECUTOR, LOOP


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


# an `if` or `while` test, an `assert`, a comprehension's `if`: what decides on the value's truth
_TESTS = ("If", "While", "IfExp", "Assert", "CompIf")  # names: see reslint.lazycst.kinds


def truth_tested(ctx, call: cst.Call) -> Optional[str]:
    """"condition" when the call's result is only tested for truth (an `if`, `while`, `assert`,
    conditional-expression or comprehension test, a `not`, an `and` / `or` operand whose value
    is itself only tested or dropped) or compared, else None."""
    child: cst.CSTNode = call
    depth = 1
    parent = ctx.parent(depth)
    while isinstance(parent, cst.BooleanOperation):
        if parent.left is child and isinstance(parent.operator, cst.And):
            return "condition"  # `coro() and x`: the coroutine is tested, then thrown away
        child, depth = parent, depth + 1
        parent = ctx.parent(depth)
    if isinstance(parent, kinds(*_TESTS)) and parent.test is child:
        return "condition"
    if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
        return "condition"
    if isinstance(parent, cst.Comparison):
        return "condition"
    if child is not call and isinstance(parent, cst.Expr):
        return "condition"  # `ready() or connect()` as a statement
    return None


def in_dead_branch(stack: Sequence[cst.CSTNode]) -> bool:
    """The node on top of the stack sits where it can never run: the `else` of an `if True:`,
    the body of an `if False:` or an `if TYPE_CHECKING:` (code generators leave such branches)."""
    for index in range(len(stack) - 1):
        node = stack[index]
        if not isinstance(node, cst.If):
            continue
        test = dotted_name(node.test)
        child = stack[index + 1]
        if child is node.body and test in ("False", "TYPE_CHECKING", "typing.TYPE_CHECKING"):
            return True
        if child is node.orelse and test == "True":
            return True
    return False


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
    is an event loop: resolved as one (a name or `self.<attr>` bound to a loop factory's result or
    annotated as a loop), got from `get_running_loop()`, or named `loop` or `*loop`
    (`thread_loop`). Not `ensure_future` of a future that is already there: an executor's
    (`loop.run_in_executor(...)`, `asyncio.wrap_future(...)`) comes back as it is, no task is made,
    and the executor holds the work until it is done."""
    if ctx.qualified_name(call.func) in TASK_FUNCTIONS:
        return not _executor_future(ctx, call)
    func = call.func
    return isinstance(func, cst.Attribute) and func.attr.value in LOOP_TASK_METHODS and is_loop(ctx, func.value)


def is_loop(ctx, receiver: cst.BaseExpression) -> bool:
    """The receiver is an event loop: resolved as one (a name or `self.<attr>` bound to a loop
    factory's result or annotated as a loop), got from `get_running_loop()`, or named `loop` or
    `*loop` (`thread_loop`)."""
    info = ctx.type_of(receiver)
    if info is not None:
        return info.type == LOOP
    if isinstance(receiver, cst.Call):
        return ctx.qualified_name(receiver.func) in LOOP_GETTERS
    name = dotted_name(receiver)
    if name is None:
        return False
    last = name.rsplit(".", 1)[-1]
    return last in LOOP_NAMES or last.lower().endswith("loop")


def callback_of(ctx, call: cst.Call) -> Optional[Tuple[str, cst.BaseExpression]]:
    """(what takes it, the callable) when ``call`` hands a callable to something that calls it
    later and drops what it returns: an event loop's `call_soon` / `call_later` / `call_at` /
    `call_soon_threadsafe` / `add_signal_handler` / `add_reader` / `add_writer`, a future's
    `add_done_callback`, `atexit.register`, `signal.signal`, `threading.Thread(target=...)`,
    `threading.Timer`; or that calls it in a worker thread and hands back what it returns
    unawaited: `loop.run_in_executor`, `asyncio.to_thread`, `anyio.to_thread.run_sync`, an
    executor's `submit` / `map`. A `functools.partial(f, ...)` stands for ``f``."""
    func = call.func
    position: Optional[int] = None
    keyword: Optional[str] = None
    method = func.attr.value if isinstance(func, cst.Attribute) else None
    if method in LOOP_CALLBACK_METHODS and is_loop(ctx, func.value):
        shown, position = f"loop.{method}", LOOP_CALLBACK_METHODS[method]
    elif method == DONE_CALLBACK:
        shown, position, keyword = f"future.{method}", 0, "fn"
    elif method in EXECUTOR_CALLBACK_METHODS:
        info = ctx.type_of(func.value)
        if info is None or info.type != EXECUTOR:
            return None
        shown, position, keyword = f"executor.{method}", 0, "fn"
    else:
        qualified = ctx.qualified_name(func)
        if qualified not in CALLBACK_FUNCTIONS:
            return None
        shown = qualified
        position, keyword = CALLBACK_FUNCTIONS[qualified]
    value = _argument(call, position, keyword)
    while isinstance(value, cst.Call) and ctx.qualified_name(value.func) == "functools.partial":
        value = _argument(value, 0, None)
    return (shown, value) if value is not None else None


def _argument(call: cst.Call, position: Optional[int], keyword: Optional[str]) -> Optional[cst.BaseExpression]:
    """The argument at ``position`` or under ``keyword``; None when a `*args` / `**kwargs` may
    hide where it is."""
    if any(arg.star for arg in call.args):
        return None
    found = find_arg(call, keyword or "", position)
    return found.value if found is not None else None


def _executor_future(ctx, call: cst.Call) -> bool:
    """`ensure_future(loop.run_in_executor(...))` / `ensure_future(asyncio.wrap_future(...))`."""
    func = call.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    if name not in ("ensure_future", "async") or not call.args or call.args[0].keyword is not None:
        return False
    inner = call.args[0].value
    if not isinstance(inner, cst.Call):
        return False
    if isinstance(inner.func, cst.Attribute) and inner.func.attr.value == "run_in_executor":
        return True
    return ctx.qualified_name(inner.func) in ("asyncio.wrap_future", "asyncio.futures.wrap_future")


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


def _annotated_class(annotation: cst.BaseExpression) -> Optional[str]:
    """The dotted class name an annotation declares: `T`, `"T"`, `Optional[T]`, `T | None`."""
    expr = annotation
    if isinstance(expr, cst.SimpleString):
        text = expr.evaluated_value if isinstance(expr.evaluated_value, str) else ""
        text = text.strip()
        return text if text and text.replace(".", "").replace("_", "a").isalnum() else None
    if isinstance(expr, cst.Subscript) and (dotted_name(expr.value) or "").rsplit(".", 1)[-1] == "Optional":
        element = expr.slice[0].slice if len(expr.slice) == 1 else None
        return _annotated_class(element.value) if isinstance(element, cst.Index) else None
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
        if isinstance(expr.right, cst.Name) and expr.right.value == "None":
            return _annotated_class(expr.left)
        if isinstance(expr.left, cst.Name) and expr.left.value == "None":
            return _annotated_class(expr.right)
        return None
    return dotted_name(expr)


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
        self._local = None
        self._indexed: Optional[bool] = None
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
        return self.of_callee(call.func)

    def of_callee(self, func: cst.BaseExpression) -> Optional[bool]:
        """Is ``func``, an expression in the node being visited, a coroutine function?"""
        if isinstance(func, cst.Name):
            return self._name(func.value)
        if not isinstance(func, cst.Attribute):
            return None
        receiver = func.value
        attr = func.attr.value
        if attr in ASYNC_DUNDERS:
            return True  # the async context manager / iterator protocol: always awaitable
        if isinstance(receiver, cst.Name) and receiver.value in ("self", "cls"):
            method, cls = enclosing_method(self.ctx.stack)
            if cls is not None and method is not None and method.params.params \
                    and method.params.params[0].name.value == receiver.value:
                return self._method(cls, attr, set())
            if receiver.value == "cls":
                return None
            # `self` of an enclosing method, seen from a nested function (a closure)
            owner = self.instance_of(receiver)
            return lookup_method(self._class_entry, owner, attr, self._coroutine_decorator) if owner else None
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
        owner = self.instance_of(receiver)
        if owner is not None:
            return lookup_method(self._class_entry, owner, attr, self._coroutine_decorator)
        return None

    def may_be_syncified(self, call: cst.Call) -> bool:
        """A project method call that a project which rewrites its coroutine methods into sync
        wrappers at run time (`setattr(cls, name, async_to_sync(...))` over the members that
        `iscoroutinefunction` picks) may reach as the sync wrapper: an attribute call that is not
        an async dunder nor a known async API."""
        return self.callee_may_be_syncified(call.func)

    def callee_may_be_syncified(self, func: cst.BaseExpression) -> bool:
        """:meth:`may_be_syncified` for a callee expression (a method handed on as a callback)."""
        project = self.ctx.project
        if project is None or not isinstance(func, cst.Attribute) or func.attr.value in ASYNC_DUNDERS:
            return False
        qualified = self.ctx.qualified_name(func)
        if qualified is not None and (qualified in KNOWN_COROUTINE_FUNCTIONS or qualified in self.extra):
            return False
        info = self.ctx.type_of(func.value)
        if info is not None and (info.type, func.attr.value) in KNOWN_COROUTINE_METHODS:
            return False
        return bool(project.syncifies_methods())

    # -- receivers that are instances of project classes -------------------------------
    def _module(self) -> Tuple[str, bool]:
        if self._module_name is None:
            if self.ctx.project is not None:
                self._module_name = self.ctx.project.module_of(self.ctx.path)
            else:
                self._module_name = (self.ctx.imports.module_name or "", False)
        return self._module_name

    def _own_module(self) -> str:
        return self._module()[0] or "__linted__"

    def _local_entry(self):
        """This file's own index entry (stdlib `ast`, once per file), for a file the project index
        does not hold (no `async def` in it, or no project)."""
        if self._local is None:
            from ..project import index_source

            self._local = index_source(self.ctx.text, self._own_module(), self._module()[1]) or False
        return self._local or None

    def _own_indexed(self) -> bool:
        """The project index holds this file's module (else its own entry is parsed here)."""
        if self._indexed is None:
            project = self.ctx.project
            self._indexed = project is not None and bool(self._module()[0]) and project.has_module(self._module()[0])
        return self._indexed

    def _own_name(self, qualified: str) -> Optional[str]:
        """The name a qualified name has in this file's module when it is one of its top-level names."""
        own = self._own_module() + "."
        if qualified.startswith(own) and "." not in qualified[len(own):]:
            return qualified[len(own):]
        return None

    def _class_entry(self, qualified: str):
        """The index entry of a project class: ``(ClassEntry, module)`` or ``(None, "")``."""
        project = self.ctx.project
        name = self._own_name(qualified)
        if name is not None and not self._own_indexed():
            local = self._local_entry()
            if local is not None and name in local.classes:
                return local.classes[name], self._own_module()
            if local is not None and name in local.imports and project is not None:
                return project.class_entry(local.imports[name])
            return None, ""
        return project.class_entry(qualified) if project is not None else (None, "")

    def _coroutine_decorator(self, qualified: str) -> bool:
        project = self.ctx.project
        call = qualified.endswith("()")
        name = self._own_name(qualified[:-2] if call else qualified)
        if name is not None and not self._own_indexed():
            local = self._local_entry()
            if local is not None and name + ("()" if call else "") in local.coroutine_decorators:
                return True
            if local is not None and name in local.imports and project is not None:
                return project.is_coroutine_decorator(local.imports[name] + ("()" if call else ""))
            return False
        return project.is_coroutine_decorator(qualified) if project is not None else False

    def _def_is_coroutine(self, func: cst.CSTNode) -> Optional[bool]:
        """:func:`coroutine_def`, and an `async def` whose decorators all wrap it in an `async def`
        (a decorator of the project that returns an async wrapper it defines)."""
        found = coroutine_def(func)
        if found is not None or not isinstance(func, cst.FunctionDef) or func.asynchronous is None \
                or is_generator(func):
            return found
        for decorator in func.decorators:
            expr = decorator.decorator
            call = isinstance(expr, cst.Call)
            dotted = dotted_name(expr.func if call else expr)
            if dotted is None:
                return None
            if dotted.rsplit(".", 1)[-1] in TRANSPARENT_DECORATORS:
                continue
            qualified = self._qualified_def(dotted)
            if qualified is None or not self._coroutine_decorator(qualified + ("()" if call else "")):
                return None
        return True

    def _qualified_def(self, dotted: str) -> Optional[str]:
        """The qualified name of a module-level function or imported name of this file."""
        head = dotted.split(".", 1)[0]
        if head in self.ctx.imports.aliases:
            qualified = self.ctx.imports.resolve_dotted(dotted)
            return self.absolute(qualified) if qualified else None
        found = self._defined(self.ctx.module.body, head)
        if len(found) == 1 and isinstance(found[0], cst.FunctionDef) and "." not in dotted:
            return f"{self._own_module()}.{dotted}"
        return None

    def _typevar_bound(self, qualified: str) -> Optional[str]:
        project = self.ctx.project
        name = self._own_name(qualified)
        if name is not None and not self._own_indexed():
            local = self._local_entry()
            if local is not None and name in local.typevars:
                return local.typevars[name]
            if local is not None and name in local.imports and project is not None:
                return project.typevar_bound(local.imports[name])
            return None
        return project.typevar_bound(qualified) if project is not None else None

    def _qualified_class(self, dotted: Optional[str]) -> Optional[str]:
        """The qualified name a dotted class name of this file refers to, or None."""
        if not dotted:
            return None
        head = dotted.split(".", 1)[0]
        if self._shadowed(head):
            return None
        if head in self.ctx.imports.aliases:
            qualified = self.ctx.imports.resolve_dotted(dotted)
            return self.absolute(qualified) if qualified else None
        found = self._defined(self.ctx.module.body, head)
        if len(found) == 1 and isinstance(found[0], cst.ClassDef):
            return f"{self._own_module()}.{dotted}"
        return None

    def instance_of(self, expr: cst.BaseExpression, depth: int = 0) -> Optional[str]:
        """The project class (qualified) that ``expr`` is declared to be an instance of: `self` in a
        method of a module-level class, a parameter annotated with a class, a local bound once to
        `Class(...)`, and attributes and properties of those, as the index declares them."""
        if depth > 8:
            return None
        if isinstance(expr, cst.Attribute):
            owner = self.instance_of(expr.value, depth + 1)
            return lookup_attribute(self._class_entry, owner, expr.attr.value, self._typevar_bound) if owner else None
        if isinstance(expr, cst.Name):
            return self._name_instance(expr.value)
        if isinstance(expr, cst.Call):
            # what a sync function or method is declared to return (`self.store().save()`,
            # `get_registry().flush()`)
            func = expr.func
            if isinstance(func, cst.Attribute):
                owner = self.instance_of(func.value, depth + 1)
                return lookup_attribute(self._class_entry, owner, func.attr.value + "()",
                                        self._typevar_bound) if owner else None
            if isinstance(func, cst.Name) and self._module_level(func.value):
                return self._module_instance(func.value + "()")
        return None

    def _module_level(self, name: str) -> bool:
        """No function around the node binds ``name`` (a parameter or a local): it is the module's."""
        for node in reversed(self.ctx.stack[:-1]):
            if isinstance(node, cst.Lambda) and any(p.name.value == name for p in node.params.params):
                return False
            if isinstance(node, cst.FunctionDef):
                if name in _params(node) or self._defined(node.body.body, name):
                    return False
        return True

    def _module_instance(self, key: str) -> Optional[str]:
        """The project class a module-level name of this file is an instance of (`registry =
        Registry()`), or that a module-level function returns (`key` ends in `()`); through
        an import, what the index knows of the name in its module."""
        call = key.endswith("()")
        name = key[:-2] if call else key
        if self._own_indexed():
            project = self.ctx.project
            found = project.instance_type(f"{self._own_module()}.{key}")
            if found is not None:
                return found
        else:
            local = self._local_entry()
            if local is not None and key in local.instances:
                return local.instances[key]
        if name in self.ctx.imports.aliases and self.ctx.project is not None:
            qualified = self.ctx.imports.resolve_dotted(name)
            if qualified:
                return self.ctx.project.instance_type(self.absolute(qualified) + ("()" if call else ""))
        return None

    def _name_instance(self, name: str) -> Optional[str]:
        stack = self.ctx.stack
        for index in range(len(stack) - 2, -1, -1):
            node = stack[index]
            if isinstance(node, cst.Lambda):
                if any(p.name.value == name for p in node.params.params):
                    return None
                continue
            if not isinstance(node, cst.FunctionDef):
                continue
            params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
            param = next((p for p in params if p.name.value == name), None)
            if param is None and name in _params(node):
                return None  # *args, **kwargs
            bound = self._defined(node.body.body, name) if isinstance(node.body, cst.IndentedBlock) else []
            if param is not None:
                if bound:
                    return None  # rebound in the body
                if param.annotation is not None:
                    return self._qualified_class(_annotated_class(param.annotation.annotation))
                positional = [*node.params.posonly_params, *node.params.params]
                if positional and param is positional[0]:
                    return self._self_class(stack, index, node)
                return None
            if bound:
                stmt = bound[0]
                if len(bound) != 1:
                    return None
                if isinstance(stmt, cst.AnnAssign):
                    return self._qualified_class(_annotated_class(stmt.annotation.annotation))
                if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1 \
                        and isinstance(stmt.targets[0].target, cst.Name) and isinstance(stmt.value, cst.Call):
                    return self._qualified_class(dotted_name(stmt.value.func))
                return None
            # not bound in this function: look in the enclosing one
        # a module-level instance (`registry = Registry()` here, or imported from a module of the project)
        return self._module_instance(name)

    def _self_class(self, stack: Sequence[cst.CSTNode], index: int, method: cst.FunctionDef) -> Optional[str]:
        """The class `self` (the first parameter of ``method``, at ``stack[index]``) is an instance of:
        a module-level class; not in a static method."""
        parent = stack[index - 1] if index >= 1 else None
        if isinstance(parent, cst.IndentedBlock) and index >= 2:
            parent = stack[index - 2]
        if not isinstance(parent, cst.ClassDef) or not any(parent is n for n in self.ctx.module.body):
            return None
        for decorator in method.decorators:
            if (dotted_name(decorator.decorator) or "").rsplit(".", 1)[-1] == "staticmethod":
                return None
        return f"{self._own_module()}.{parent.name.value}"

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
                    return self._def_is_coroutine(found[0]) if len(found) == 1 else None
            if isinstance(node, cst.ClassDef):
                continue  # class-level names are not visible inside methods
        found = self._defined(self.ctx.module.body, name)
        if len(found) == 1 and isinstance(found[0], cst.FunctionDef):
            return self._def_is_coroutine(found[0])
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
                return self._def_is_coroutine(found[0])  # the first binding in the class body
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


# -- a cheap first look, on the stdlib tree: may a file hold a RES502 finding at all? -------------

def ast_task_candidate(tree) -> bool:
    """A call that may make a task or gather futures (it may resolve to one of
    :data:`TASK_FUNCTIONS` or ``GATHER_FUNCTIONS``, or is a `create_task` / `ensure_future`
    method on any receiver) whose result is dropped (an expression statement), or bound to a
    local name of a function that no other name of the function's body reads: a sound
    over-approximation of what RES502 reports, on the stdlib tree."""
    import ast

    from .coroutines import GATHER_FUNCTIONS
    from .reach import carried, reach_of, subtree

    resolve = reach_of(tree).resolver(TASK_FUNCTIONS | GATHER_FUNCTIONS)
    uses: Dict[int, Dict[str, int]] = {}

    def schedules(value) -> bool:
        if type(value) is not ast.Call:
            return False
        func = value.func
        return (type(func) is ast.Attribute and func.attr in LOOP_TASK_METHODS) or resolve(func)

    def read_again(scope, name: str) -> bool:
        counts = uses.get(id(scope))
        if counts is None:
            counts = uses[id(scope)] = {}
            for stmt in scope.body:
                for node in subtree(stmt):
                    if type(node) is ast.Name:
                        counts[node.id] = counts.get(node.id, 0) + 1
        return counts.get(name, 0) > 1  # the target itself is one

    def enter(node, scope):  # the function a statement is in
        return node if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else scope

    for node, scope in carried(tree, None, enter):
        kind = type(node)
        if kind is ast.Expr:
            if schedules(node.value):
                return True
        elif kind is ast.Assign and scope is not None and len(node.targets) == 1 and \
                type(node.targets[0]) is ast.Name and schedules(node.value) and \
                not read_again(scope, node.targets[0].id):
            return True
    return False
