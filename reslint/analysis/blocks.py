"""Generic tree walkers: the blocks of a compound statement, the statements under a block, the
nodes under a node.

Every analysis walks blocks through this one family, so that they all agree on what a block is
and none forgets a kind of statement (a `match` arm, an `except*` handler, a loop's `else`):

- :func:`child_blocks`: the blocks one compound statement owns;
- :func:`statements`: every statement of a block and of the blocks nested in it, with an explicit
  choice of entering nested `def`\\ s and `class`\\ es;
- :func:`small_statements`: the same, with each statement line split into its small statements;
- :func:`body_statements`: only the statements directly in one block, lines split;
- :func:`walk`: every node under a node, not entering nested functions, lambdas and classes,
  with an explicit choice of entering nested loops.

The walkers use explicit stacks, not recursion: deeply nested code must not exhaust the stack.
"""

from __future__ import annotations

from typing import Iterable, Iterator, List, Sequence, Tuple, Union

from ..lazycst import cst, kinds

Body = Union["cst.BaseSuite", Sequence["cst.CSTNode"]]

# nodes that open a new scope: code in them does not run where it is written
SCOPES = ("FunctionDef", "Lambda", "ClassDef")  # as names: see reslint.lazycst.kinds
LOOPS = ("For", "While")


_subclass: dict = {}


def _is(node: object, cls: type) -> bool:
    """``isinstance(node, cls)`` for libcst classes, remembered per node type: libcst's classes are
    ABCs, and an ABC's isinstance is slow on the paths every analysis takes."""
    key = (type(node), cls)
    found = _subclass.get(key)
    if found is None:
        found = _subclass[key] = isinstance(node, cls)
    return found


def child_blocks(stmt: cst.CSTNode) -> Iterator[cst.BaseSuite]:
    """The blocks of a compound statement, in this order: its body; the `elif` bodies and the
    `else` (of an `if`, a loop or a `try`); the `except` / `except*` handlers; `finally`; the
    `match` cases.

    A `def` or `class` yields its body like any compound statement: whether to enter it is the
    walker's choice (see :func:`statements`). A small statement has no blocks.
    """
    body = getattr(stmt, "body", None)
    if _is(body, cst.BaseSuite):
        yield body
    orelse = getattr(stmt, "orelse", None)
    while _is(orelse, cst.If):  # an elif chain
        yield orelse.body
        orelse = orelse.orelse
    if _is(orelse, cst.Else):
        yield orelse.body
    for handler in getattr(stmt, "handlers", ()):
        yield handler.body
    final = getattr(stmt, "finalbody", None)
    if _is(final, cst.Finally):
        yield final.body
    for case in getattr(stmt, "cases", ()):
        yield case.body


def _statements_of(body: Body) -> Sequence[cst.CSTNode]:
    return body.body if _is(body, cst.BaseSuite) else body


def _enters(stmt: cst.CSTNode, functions: bool, classes: bool) -> bool:
    if _is(stmt, cst.FunctionDef):
        return functions
    if _is(stmt, cst.ClassDef):
        return classes
    return _is(stmt, cst.BaseCompoundStatement)


def statements(body: Body, *, functions: bool = False, classes: bool = False) -> Iterator[cst.CSTNode]:
    """Every statement of ``body`` (a block, or a list of statements) and of the blocks nested in
    it, each before the statements nested in it (blocks in :func:`child_blocks` order).

    Statements are yielded as blocks hold them: a statement line (``SimpleStatementLine``), a
    compound statement, or, in a one-line block (``if x: y = 1``), a small statement. A nested
    `def` or `class` is yielded; its body is entered only when ``functions`` / ``classes`` says so.
    """
    stack = [iter(_statements_of(body))]
    while stack:
        for stmt in stack[-1]:
            yield stmt
            if _enters(stmt, functions, classes):
                stack.append(inner for block in child_blocks(stmt) for inner in block.body)
                break
        else:
            stack.pop()


def small_statements(body: Body, *, functions: bool = False, classes: bool = False) -> Iterator[cst.CSTNode]:
    """:func:`statements`, with each statement line replaced by its small statements: what is
    yielded is a small statement (an assignment, an import, a `raise`, ...) or a compound one."""
    for stmt in statements(body, functions=functions, classes=classes):
        if _is(stmt, cst.SimpleStatementLine):
            yield from stmt.body
        else:
            yield stmt


def body_statements(block: cst.BaseSuite) -> Tuple[cst.CSTNode, ...]:
    """The small and compound statements directly in a block, flattened across `;`."""
    out = []
    for stmt in block.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            out.extend(stmt.body)
        else:
            out.append(stmt)
    return tuple(out)


def walk(node: cst.CSTNode, *, into_loops: bool = True) -> Iterator[cst.CSTNode]:
    """Every node under ``node`` (itself included) but whitespace, comments and punctuation
    (commas, brackets, colons), depth first in source order, not entering nested functions,
    lambdas or classes; with ``into_loops=False``, not nested loops either."""
    from ..walker import child_nodes

    scopes, loops = kinds(*SCOPES), kinds(*LOOPS)
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        # libcst's `children`, in the same order, without whitespace and punctuation, and far cheaper
        for child in reversed(child_nodes(current, source_order=True)):
            if isinstance(child, scopes):
                continue
            if not into_loops and isinstance(child, loops):
                continue
            stack.append(child)


def walk_all(nodes: Iterable[cst.CSTNode], *, into_loops: bool = True) -> Iterator[cst.CSTNode]:
    """:func:`walk` over each of ``nodes`` in turn."""
    for node in nodes:
        yield from walk(node, into_loops=into_loops)


def find_all(node: cst.CSTNode, kind: type) -> List[cst.CSTNode]:
    """Every node of type ``kind`` (a concrete libcst class) under ``node``, itself included, at
    any depth, nested functions and classes included; in no particular order. What
    ``libcst.matchers.findall(node, m.Kind())`` finds, without importing the matchers (a large
    module) and without libcst's slow ``.children``."""
    from ..walker import child_nodes

    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if type(current) is kind:
            found.append(current)
        stack.extend(child_nodes(current))
    return found


def always_true(test: cst.BaseExpression) -> bool:
    """A loop test that is true by its spelling: `True`, or a non-zero integer (`while 1:`)."""
    if _is(test, cst.Name):
        return test.value == "True"
    return _is(test, cst.Integer) and test.value not in ("0", "0x0", "0o0", "0b0")
