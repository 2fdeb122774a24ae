"""The engine's position finder agrees with libcst's PositionProvider on every node it reports."""

from __future__ import annotations

import ast
import textwrap

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from reslint.positions import Positions

TRICKY = textwrap.dedent(
    '''\
    # header comment

    import os; import sys


    @decorator
    # comment between
    @other(
        arg,
    )
    def f(x):
        """doc"""
        if x:
            a = 1; b = 2
        elif x > 1:
            try:
                pass
            except (ValueError,
                    TypeError) as e:  # trailing
                g(e)
            else:
                h()
            finally:
                k()
        else:
            while x:
                x -= 1
            else:
                y = [i for i in range(3)]
        match x:
            case 1:
                z = call(
                    1,
                    2,
                )
            case _:
                pass


    class C:
        # leading comment
        class D:
            def m(self):
                with open(p) as fh, other():
                    return fh.read()

        async def n(self):
            async for i in it:
                try: await i
                except* OSError: pass
    '''
)


def _all_nodes(module):
    out = []

    class Collect(cst.CSTVisitor):
        def __init__(self):
            self.stack = []

        def on_visit(self, node):
            self.stack.append(node)
            out.append((node, tuple(self.stack)))
            return True

        def on_leave(self, node):
            self.stack.pop()

    module.visit(Collect())
    return out


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_every_node_position_matches_libcst(newline):
    text = TRICKY.replace("\n", newline)
    module = cst.parse_module(text)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    positions = Positions(module, ast.parse(text))
    interesting = (cst.BaseStatement, cst.ExceptHandler, cst.ExceptStarHandler, cst.Call, cst.Name,
                   cst.Else, cst.Finally, cst.MatchCase, cst.Decorator)
    checked = 0
    for node, stack in _all_nodes(module):
        if not isinstance(node, interesting):
            continue
        positions.locate(node, stack)
        want = expected[node]
        assert positions[node] == (want.start.line, want.start.column, want.end.line, want.end.column), (
            type(node).__name__, module.code_for_node(node)[:40]
        )
        checked += 1
    assert checked > 80


def test_precise_path_is_taken():
    """The fast path (innermost statement only) is what runs on ordinary code, not the fallback."""
    module = cst.parse_module(TRICKY)
    positions = Positions(module, ast.parse(TRICKY))
    for node, stack in _all_nodes(module):
        if isinstance(node, cst.ExceptHandler):
            assert positions._precise(stack)
