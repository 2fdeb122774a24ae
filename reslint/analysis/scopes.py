"""Where a node sits: inside which function, method, class or loop, and whether that function is async.

Each helper reads an ancestor stack (Module first, the node itself last), as the engine keeps it
in ``ctx.stack``.
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence, Set, Tuple

from ..lazycst import cst


def enclosing_function(stack: Sequence[cst.CSTNode]) -> Optional[cst.CSTNode]:
    """The innermost FunctionDef or Lambda on the ancestor stack (the node itself excluded)."""
    for node in reversed(stack[:-1]):
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            return node
    return None


def in_async_function(stack: Sequence[cst.CSTNode]) -> bool:
    """True when the nearest enclosing function is an `async def`.

    A sync `def` or a `lambda` nested in an `async def` is not async context:
    code there does not run on the event loop's coroutine.
    """
    func = enclosing_function(stack)
    return isinstance(func, cst.FunctionDef) and func.asynchronous is not None


def qualified_context(stack: Sequence[cst.CSTNode]) -> str:
    """`Class.method.<locals>.inner` style name of the enclosing definitions."""
    parts = []
    for node in stack:
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            parts.append(node.name.value)
    return ".".join(parts)


def in_loop(stack: Sequence[cst.CSTNode]) -> bool:
    """True when a `for` or `while` of the innermost function (or lambda) holds the node on top
    of the ancestor stack."""
    for node in reversed(stack):
        if isinstance(node, (cst.For, cst.While)):
            return True
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            return False
    return False


def innermost_class(stack: Sequence[cst.CSTNode]) -> Optional[cst.ClassDef]:
    """The innermost ClassDef on the ancestor stack, however many functions lie in between."""
    for node in reversed(stack):
        if isinstance(node, cst.ClassDef):
            return node
    return None


def enclosing_method(stack: Sequence[cst.CSTNode]) -> Tuple[Optional[cst.FunctionDef], Optional[cst.ClassDef]]:
    """The innermost function on the ancestor stack (the node itself excluded) and, when it is a
    method, its class: (method, class), (function, None), or (None, None) inside a lambda or at
    module level."""
    for index in range(len(stack) - 2, -1, -1):
        node = stack[index]
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            if isinstance(node, cst.Lambda):
                return None, None
            parent = stack[index - 1] if index >= 1 else None
            if isinstance(parent, cst.IndentedBlock) and index >= 2:
                parent = stack[index - 2]
            return (node, parent) if isinstance(parent, cst.ClassDef) else (node, None)
    return None, None


def receiver_name(method: cst.FunctionDef) -> Optional[str]:
    """The name of a method's first parameter (`self`, `cls`), or None when it has none."""
    params = method.params.params
    return params[0].name.value if params else None


def stored_attributes(body: cst.BaseSuite, owner: str, sources: Set[str],
                      carries: Optional[Callable[[cst.CSTNode], bool]] = None) -> Set[str]:
    """Attributes `owner.<attr>` that ``body`` (nested functions excluded) assigns a value to that
    reads one of the names in ``sources``, or that ``carries`` accepts. A local assigned such a
    value joins ``sources`` on the way (`t, v, tb = sys.exc_info()` then `self.error = v`)."""
    from .blocks import small_statements, walk

    def holds(expr: cst.CSTNode) -> bool:
        return any(isinstance(node, cst.Name) and node.value in sources for node in walk(expr)) or (
            carries is not None and carries(expr))

    sources = set(sources)
    stored: Set[str] = set()
    for small in small_statements(body):
        if not isinstance(small, (cst.Assign, cst.AnnAssign)) or small.value is None or not holds(small.value):
            continue
        targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
        for target in targets:
            parts = [e.value for e in target.elements] if isinstance(target, (cst.Tuple, cst.List)) else [target]
            for part in parts:
                if (isinstance(part, cst.Attribute) and isinstance(part.value, cst.Name)
                        and part.value.value == owner):
                    stored.add(part.attr.value)
                elif isinstance(part, cst.Name):
                    sources.add(part.value)
    return stored


def stored_through_method(call: cst.Call, owner: str, klass: cst.ClassDef,
                          hands: Callable[[cst.BaseExpression], bool]) -> Set[str]:
    """For a call `owner.method(...)` to a method defined in ``klass``: the attributes that method
    stores the arguments ``hands`` accepts on its receiver (`self._set_task(task)` whose body is
    `self._task = task` -> {"_task"}). Empty for any other call."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == owner):
        return set()
    method = next((stmt for stmt in klass.body.body if isinstance(stmt, cst.FunctionDef)
                   and stmt.name.value == func.attr.value), None)
    if method is None or any(isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod"
                             for d in method.decorators):
        return set()  # a static method has no receiver to store on
    inner = receiver_name(method)
    params = [p.name.value for p in method.params.params[1:]]
    handed = {params[i] for i, arg in enumerate(call.args)
              if i < len(params) and arg.keyword is None and not arg.star and hands(arg.value)}
    if not handed or inner is None:
        return set()
    return stored_attributes(method.body, inner, handed)
