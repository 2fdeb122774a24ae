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


def clause_text(module: cst.Module, handler: Handler, limit: int = 60) -> str:
    """`except (A, B):` as a message quotes it: classes only, comments and line breaks dropped."""
    star = "*" if isinstance(handler, cst.ExceptStarHandler) else ""
    if handler.type is None:
        return "except:"
    parts = [" ".join(module.code_for_node(expr).split()) for expr in _class_expressions(handler.type)]
    text = ", ".join(parts)
    if isinstance(handler.type, cst.Tuple):
        text = f"({text},)" if len(parts) == 1 else f"({text})"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"except{star} {text}:"


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
        for child in child_blocks(stmt):
            yield from _walk_statements(child)


def child_blocks(stmt: cst.CSTNode) -> Iterator[cst.BaseSuite]:
    """The blocks of a compound statement: body, elif/else, handlers, finally, match cases."""
    body = getattr(stmt, "body", None)
    if isinstance(body, cst.BaseSuite):
        yield body
    orelse = getattr(stmt, "orelse", None)
    if isinstance(orelse, cst.If):
        yield from child_blocks(orelse)
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


def _exits_early(block: cst.BaseSuite, in_loop: bool = False) -> bool:
    """A `return`, or a `continue`/`break` that leaves the handler, anywhere in the block."""
    for stmt in block.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Return):
                    return True
                if isinstance(small, (cst.Continue, cst.Break)) and not in_loop:
                    return True
            continue
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            continue
        loop = in_loop or isinstance(stmt, (cst.For, cst.While))
        for child in child_blocks(stmt):
            # a loop's `else` runs after the loop: break/continue there leave the handler
            nested_loop = loop and not (isinstance(stmt, (cst.For, cst.While)) and child is getattr(stmt.orelse, "body", None))
            if _exits_early(child, nested_loop if isinstance(stmt, (cst.For, cst.While)) else in_loop):
                return True
    return False


def raises_unconditionally(block: cst.BaseSuite) -> bool:
    """The handler re-raises on every path: a `raise` among its own statements, and no
    `return`, `continue` or `break` anywhere that could leave it before that."""
    if not any(isinstance(stmt, cst.Raise) for stmt in body_statements(block)):
        return False
    return not _exits_early(block)


def suspends(block: cst.BaseSuite) -> bool:
    """The block can suspend a coroutine (`await`, `async for`, `async with`), nested functions excluded.

    Only there can a task's own cancellation arrive.
    """
    finder = _SuspensionFinder()
    for stmt in block.body:
        stmt.visit(finder)
        if finder.found:
            return True
    return False


class _SuspensionFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = False

    def visit_Await(self, node: cst.Await) -> bool:
        self.found = True
        return False

    def visit_For(self, node: cst.For) -> bool:
        if node.asynchronous is not None:
            self.found = True
        return not self.found

    def visit_With(self, node: cst.With) -> bool:
        if node.asynchronous is not None:
            self.found = True
        return not self.found

    def visit_CompFor(self, node: cst.CompFor) -> bool:
        if node.asynchronous is not None:
            self.found = True
        return not self.found

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False
