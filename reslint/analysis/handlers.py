"""What an `except` clause catches and what its body does with the error.

The exceptions family's knowledge: which classes are broad, what a handler body does (drops
the error, re-raises, hands it on, ends the process, falls back to a value), and whether a
`try` can suspend a coroutine. Cleanup vocabulary lives in :mod:`.cleanup`, cancellation in
:mod:`.cancellation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional, Tuple, Union

from ..lazycst import cst

from .blocks import body_statements, child_blocks, find_all, small_statements, walk
from .names import ImportTable

Handler = Union["cst.ExceptHandler", "cst.ExceptStarHandler"]

# classes that catch every error
BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})
# calls that end the process: a handler that makes one swallows nothing
PROCESS_EXITS = frozenset({"os._exit", "sys.exit", "os.abort"})
# methods that hand an error on to be raised elsewhere
_HANDING_ON = ("set_exception", "append", "put_nowait", "put")


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


def raises_anywhere(block: cst.BaseSuite) -> bool:
    """A `raise` statement somewhere in the block (nested functions excluded)."""
    return any(isinstance(stmt, cst.Raise) for stmt in small_statements(block))


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


def exits_process(block: cst.BaseSuite, imports: ImportTable) -> bool:
    """The block ends the process (`os._exit(1)`, `sys.exit(...)`) among its own statements."""
    for stmt in body_statements(block):
        if isinstance(stmt, cst.Expr) and isinstance(stmt.value, cst.Call):
            if imports.resolve(stmt.value.func) in PROCESS_EXITS:
                return True
    return False


def reads_future(block: cst.BaseSuite) -> bool:
    """`try: fut.result()` / `fut.exception()`: a done-callback retrieving an outcome so that asyncio
    does not log "exception was never retrieved"; swallowing it is the point."""
    statements = body_statements(block)
    if len(statements) != 1 or not isinstance(statements[0], cst.Expr):
        return False
    call = statements[0].value
    return (isinstance(call, cst.Call) and not call.args and isinstance(call.func, cst.Attribute)
            and call.func.attr.value in ("result", "exception"))


def _returns_value_after(try_node: cst.CSTNode, holder: cst.CSTNode) -> bool:
    """The statement after ``try_node`` in ``holder`` (the block or module holding it) is
    `return <value>`."""
    body = list(getattr(holder, "body", ()))
    for index, stmt in enumerate(body):
        if stmt is try_node:
            following = body[index + 1] if index + 1 < len(body) else None
            if isinstance(following, cst.SimpleStatementLine) and isinstance(following.body[0], cst.Return):
                value = following.body[0].value
                return value is not None and not (isinstance(value, cst.Name) and value.value == "None")
            return False
    return False


def falls_back(try_node: cst.CSTNode, handler: Handler, holder: cst.CSTNode) -> bool:
    """The handler only passes and the code falls back to a value it already has:
    `try: value = compute()` (or a `try` that ends by setting a local, as a capability probe
    does) / `except Exception: pass`, or `except Exception: pass` followed by `return <value>`.
    ``holder`` is the block (or module) that holds ``try_node``."""
    if not all(isinstance(s, (cst.Pass, cst.Expr)) for s in body_statements(handler.body)):
        return False
    statements = body_statements(try_node.body)
    if not statements or not all(isinstance(s, (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Return)) for s in statements):
        return False  # a statement run for its side effect: its failure is what gets swallowed
    if _returns_value_after(try_node, holder):
        return True
    stmt = statements[-1]
    if isinstance(stmt, cst.Assign):
        targets = [t.target for t in stmt.targets]
    elif isinstance(stmt, (cst.AnnAssign, cst.AugAssign)):
        targets = [stmt.target]
    else:
        return False
    return all(isinstance(t, cst.Name) for t in targets)


def hands_error_on(handler: Handler) -> bool:
    """The handler hands the exception it bound to someone who will raise it later:
    `future.set_exception(e)`, `errors.append(e)` somewhere in its body."""
    if handler.name is None or not isinstance(handler.name.name, cst.Name):
        return False
    name = handler.name.name.value
    for call in find_all(handler.body, cst.Call):
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in _HANDING_ON:
            if any(isinstance(a.value, cst.Name) and a.value.value == name for a in call.args):
                return True
    return False


def suspends(block: cst.BaseSuite) -> bool:
    """The block can suspend a coroutine (`await`, `async for`, `async with`), nested functions excluded.

    Only there can a task's own cancellation arrive.
    """
    for stmt in block.body:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            continue
        for node in walk(stmt):  # nested functions, lambdas and classes are not entered
            if isinstance(node, cst.Await):
                return True
            if isinstance(node, (cst.For, cst.With, cst.CompFor)) and node.asynchronous is not None:
                return True
    return False
