"""Positions of the nodes rules report, without regenerating the whole module.

libcst's PositionProvider regenerates the whole module while recording every
node's position: on a large file that costs more than the rules. Here only
the statements around reported nodes are generated (see :class:`Positions`),
and a compound statement is reported at its header, never its whole body.
"""

from __future__ import annotations

import ast
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .model import Span


def is_statement(node: Any) -> bool:
    import libcst as cst

    return isinstance(node, (
        cst.SimpleStatementLine, cst.BaseCompoundStatement, cst.ExceptHandler, cst.ExceptStarHandler,
        cst.Else, cst.Finally, cst.MatchCase,
    ))


def _has_header(node: Any) -> bool:
    import libcst as cst

    return isinstance(getattr(node, "body", None), cst.BaseSuite)


def _header_text(node: Any) -> str:
    """The code of a compound statement's header, `except (A, B) as e:` style, from libcst codegen."""
    import libcst as cst

    changes: Dict[str, Any] = {"body": cst.SimpleStatementSuite(body=[cst.Pass()])}
    for attr in ("leading_lines", "decorators", "lines_after_decorators"):
        if hasattr(node, attr):
            changes[attr] = ()
    code = cst.Module(body=[]).code_for_node(node.with_changes(**changes))
    code = code.lstrip(" \t")
    marker = code.rfind(":")
    return code[: marker + 1] if marker >= 0 else code


def node_span(node: Any, positions: "Positions") -> Span:
    start_line, start_col, end_line, end_col = positions[node]
    if _has_header(node):
        header = _header_text(node)
        lines = header.split("\n")
        if len(lines) == 1:
            return Span(start_line, start_col, start_line, start_col + len(header))
        return Span(start_line, start_col, start_line + len(lines) - 1, len(lines[-1]))
    return Span(start_line, start_col, end_line, end_col)


def _newlines(code: str) -> int:
    return code.count("\n") + code.count("\r") - code.count("\r\n")


class Positions:
    """Positions of reported nodes, without regenerating the whole module.

    libcst's PositionProvider regenerates the whole module while recording
    every node's position: on a large file that costs more than the rules.
    Here only the innermost statement around a reported node is generated,
    with libcst's position-recording codegen state primed with that
    statement's first line (from the stdlib tree's line numbers) and the
    indentation of its enclosing blocks. The statement's recorded start is
    checked against the stdlib line; on any mismatch (or without a stdlib
    tree) the finder falls back to generating the statement's top-level
    ancestor alone, whose first line is the line count of the code before it.
    """

    def __init__(self, module: Any, tree: Optional[ast.Module] = None):
        self.module = module
        self.tree = tree
        self._computed: Dict[int, Any] = {}
        self._line_before: List[int] = []
        self._done: set = set()
        self._indices: Dict[int, Dict[int, int]] = {}

    # -- precise path: the innermost statement -------------------------------
    def _ast_statement(self, path: Sequence[Any]) -> Optional[ast.stmt]:
        """The stdlib statement for ``path[-1]`` (a libcst statement), walking down ``path``.

        ``path`` runs from the Module through statements, clauses (`except`, `else`, `finally`,
        `case`) and blocks. Statement lists line up except that one libcst line of `a; b` is
        several stdlib statements, and an `elif` is a one-statement `orelse`.
        """
        import libcst as cst

        if self.tree is None:
            return None
        body: list = self.tree.body
        i = 1
        while i < len(path):
            node = path[i]
            parent = path[i - 1]
            if isinstance(parent, (cst.Module, cst.IndentedBlock)):
                index = self._stdlib_indices(parent).get(id(node))
                if index is None:
                    return None
            elif isinstance(parent, cst.If) and node is parent.orelse:
                index = 0  # elif
            else:
                return None
            if index >= len(body):
                return None
            current = body[index]
            if i == len(path) - 1:
                return current
            nxt = path[i + 1]
            if nxt is getattr(node, "body", None):
                body, i = current.body, i + 2
            elif isinstance(node, cst.If) and isinstance(nxt, cst.If) and nxt is node.orelse:
                body, i = current.orelse, i + 1
            elif nxt is getattr(node, "orelse", None):
                body, i = current.orelse, i + 3
            elif nxt is getattr(node, "finalbody", None):
                body, i = current.finalbody, i + 3
            elif nxt in getattr(node, "handlers", ()):
                body, i = current.handlers[list(node.handlers).index(nxt)].body, i + 3
            elif nxt in getattr(node, "cases", ()):
                body, i = current.cases[list(node.cases).index(nxt)].body, i + 3
            else:
                return None
        return None

    def _stdlib_indices(self, block: Any) -> Dict[int, int]:
        """id(statement) -> the index of its (first) stdlib statement, for one block's statements:
        built once per block, so locating many statements of a long block stays linear."""
        import libcst as cst

        indices = self._indices.get(id(block))
        if indices is None:
            indices = self._indices[id(block)] = {}
            index = 0
            for sibling in block.body:
                indices[id(sibling)] = index
                index += len(sibling.body) if isinstance(sibling, cst.SimpleStatementLine) else 1
        return indices

    def _innermost_statement(self, stack: Sequence[Any]) -> int:
        import libcst as cst

        for depth in range(len(stack) - 1, 0, -1):
            if isinstance(stack[depth], (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                return depth
        return -1

    def _generate(self, statement: Any, first_line: int, indent: List[str]) -> Any:
        from libcst.metadata import PositionProvider
        from libcst.metadata.position_provider import PositionProvidingCodegenState

        provider = PositionProvider()
        state = PositionProvidingCodegenState(
            default_indent=self.module.default_indent,
            default_newline=self.module.default_newline,
            provider=provider,
            indent_tokens=list(indent),
            line=first_line,
            column=0,
        )
        statement._codegen(state)
        return provider._computed

    def _precise(self, stack: Sequence[Any]) -> bool:
        import libcst as cst

        if self.tree is None:
            return False
        depth = self._innermost_statement(stack)
        if depth < 0:
            return False
        statement = stack[depth]
        if id(statement) in self._done:
            return True
        target = self._ast_statement(stack[: depth + 1])
        if target is None:
            return False
        first_token = target.lineno
        leading = len(getattr(statement, "leading_lines", ()))
        decorators = getattr(statement, "decorators", ())
        if decorators and getattr(target, "decorator_list", None):
            first_token = min(d.lineno for d in target.decorator_list)
            leading += len(decorators[0].leading_lines)
        indent = [
            block.indent if block.indent is not None else self.module.default_indent
            for block in stack[:depth] if isinstance(block, cst.IndentedBlock)
        ]
        computed = self._generate(statement, first_token - leading, indent)
        own = computed.get(statement)
        if own is None or own.start.line != target.lineno:
            return False
        for node, code_range in computed.items():
            self._computed[id(node)] = code_range
        self._done.add(id(statement))
        return True

    # -- fallback: the top-level statement ------------------------------------
    def _lines_before(self, index: int) -> int:
        import libcst as cst

        if not self._line_before:
            empty = cst.Module(body=[])
            self._line_before.append(sum(_newlines(empty.code_for_node(line)) for line in self.module.header))
        generator = cst.Module(body=[], default_newline="\n", default_indent=self.module.default_indent)
        while len(self._line_before) <= index:
            previous = self.module.body[len(self._line_before) - 1]
            self._line_before.append(self._line_before[-1] + _newlines(generator.code_for_node(previous)))
        return self._line_before[index]

    def _top_level(self, stack: Sequence[Any]) -> None:
        top = stack[1] if len(stack) > 1 else stack[-1]
        if id(top) in self._done:
            return
        index = next(i for i, stmt in enumerate(self.module.body) if stmt is top)
        computed = self._generate(top, self._lines_before(index) + 1, [])
        for node, code_range in computed.items():
            self._computed[id(node)] = code_range
        self._done.add(id(top))

    def locate(self, node: Any, stack: Sequence[Any]) -> None:
        """Make ``node`` (reached through ``stack``, Module first) resolvable."""
        if id(node) in self._computed:
            return
        try:
            # the innermost statement first; when the node is not in it (a rule may report a node
            # beside the one it visits, like the act after an `if` it checked), the next one out:
            # generating one function is far cheaper than the top-level class around it
            depth = len(stack)
            while True:
                depth = self._innermost_statement(stack[:depth])
                if depth < 1:
                    break
                if self._precise(stack[: depth + 1]) and id(node) in self._computed:
                    return
        except Exception:  # an unexpected tree shape: the fallback is always right
            pass
        self._top_level(stack)

    def __getitem__(self, node: Any) -> Tuple[int, int, int, int]:
        code_range = self._computed[id(node)]
        return code_range.start.line, code_range.start.column, code_range.end.line, code_range.end.column
