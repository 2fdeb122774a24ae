"""What an `except` clause catches and what its body does with the error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional, Tuple, Union

import libcst as cst

from .names import ImportTable

Handler = Union[cst.ExceptHandler, cst.ExceptStarHandler]


@dataclass(frozen=True)
class Caught:
    """The classes one `except` clause names.

    `names` holds one qualified name per class expression (None where the
    expression cannot be resolved, e.g. a variable holding a tuple). A call
    such as `anyio.get_cancelled_exc_class()` resolves to its callee's name
    followed by `()`.
    """

    bare: bool
    names: Tuple[Optional[str], ...]

    def catches_any(self, qualified: "frozenset[str] | set[str]") -> bool:
        return any(name in qualified for name in self.names if name)


def _class_expressions(expr: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    if isinstance(expr, cst.Tuple):
        for element in expr.elements:
            yield from _class_expressions(element.value)
    else:
        yield expr


def caught(handler: Handler, imports: ImportTable) -> Caught:
    if handler.type is None:
        return Caught(True, ())
    names = []
    for expr in _class_expressions(handler.type):
        if isinstance(expr, cst.Call):
            callee = imports.resolve(expr.func)
            names.append(callee + "()" if callee else None)
        else:
            names.append(imports.resolve(expr))
    return Caught(False, tuple(names))


def body_statements(block: cst.BaseSuite) -> Tuple[cst.CSTNode, ...]:
    """The small and compound statements directly in a block, flattened across `;`."""
    out = []
    for stmt in block.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            out.extend(stmt.body)
        else:
            out.append(stmt)
    return tuple(out)


def _is_noop(stmt: cst.CSTNode) -> bool:
    if isinstance(stmt, cst.Pass):
        return True
    if isinstance(stmt, cst.Expr):
        return isinstance(stmt.value, (cst.Ellipsis, cst.SimpleString, cst.ConcatenatedString))
    return False


def drops_error(block: cst.BaseSuite) -> bool:
    """True when a handler body does nothing with the error.

    Only `pass`, `...`, a bare string, `continue`, `break`, `return` and
    `return None` count: anything else (a call, an assignment, a raise, a
    `return value`) may handle, record or report the error.
    """
    for stmt in body_statements(block):
        if _is_noop(stmt) or isinstance(stmt, (cst.Continue, cst.Break)):
            continue
        if isinstance(stmt, cst.Return):
            value = stmt.value
            if value is None or (isinstance(value, cst.Name) and value.value == "None"):
                continue
        return False
    return True


def _walk_statements(block: cst.BaseSuite) -> Iterator[cst.CSTNode]:
    """Small statements in a block and its nested blocks, not entering new functions or classes."""
    for stmt in block.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            yield from stmt.body
            continue
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            continue
        yield stmt
        for child in _child_blocks(stmt):
            yield from _walk_statements(child)


def _child_blocks(stmt: cst.CSTNode) -> Iterator[cst.BaseSuite]:
    body = getattr(stmt, "body", None)
    if isinstance(body, cst.BaseSuite):
        yield body
    orelse = getattr(stmt, "orelse", None)
    if isinstance(orelse, cst.If):
        yield from _child_blocks(orelse)
    elif isinstance(orelse, cst.Else):
        yield orelse.body
    for handler in getattr(stmt, "handlers", ()):
        yield handler.body
    final = getattr(stmt, "finalbody", None)
    if isinstance(final, cst.Finally):
        yield final.body
    for case in getattr(stmt, "cases", ()):
        yield case.body


def raises_anywhere(block: cst.BaseSuite) -> bool:
    """A `raise` statement somewhere in the block (nested functions excluded)."""
    return any(isinstance(stmt, cst.Raise) for stmt in _walk_statements(block))


def raises_unconditionally(block: cst.BaseSuite) -> bool:
    """A `raise` among the block's own statements: every path that reaches it re-raises."""
    return any(isinstance(stmt, cst.Raise) for stmt in body_statements(block))
