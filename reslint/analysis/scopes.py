"""Where a node sits: inside which function, and whether that function is async."""

from __future__ import annotations

from typing import Optional, Sequence

import libcst as cst


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
