"""Where a node sits: inside which function, method, class or loop, and whether that function is async.

Each helper reads an ancestor stack (Module first, the node itself last), as the engine keeps it
in ``ctx.stack``.
"""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

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
