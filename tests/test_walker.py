"""reslint.walker.child_nodes: the same nodes as libcst's ``children`` (whitespace and punctuation
aside), and with ``source_order`` in the same order."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest

from reslint.walker import child_nodes

NEW_SYNTAX = '''
@dec(a=1, *b, **c)
async def f[T: int, *Ts, **P](a, /, b: int = 1, *args, c, d=2, **kw) -> T:
    async with x as y, z:
        pass
    async for a in b:
        pass
    match p:
        case Point(x=0, y=yy) if yy > 1:
            pass
        case {"k": v, **rest}:
            pass
        case [1, *others] | (2 as two):
            pass
    r = [x async for x in y if x]
    t = a if b else c
    try:
        pass
    except* ValueError as e:
        pass
    type Alias[K] = dict[K, int]
class C[T](Base, metaclass=M):
    x: int = 1
lambda a, *, b=1: a
'''

STDLIB = Path(sysconfig.get_path("stdlib"))


def _mismatches(module: cst.Module):
    skipped = (cst.SimpleWhitespace, cst.ParenthesizedWhitespace, cst.TrailingWhitespace, cst.Newline,
               cst.EmptyLine, cst.Comma, cst.Semicolon, cst.LeftParen, cst.RightParen, cst.LeftSquareBracket,
               cst.RightSquareBracket, cst.LeftCurlyBrace, cst.RightCurlyBrace, cst.Colon, cst.Dot,
               cst.AssignEqual)
    out = []
    stack = [module]
    while stack:
        node = stack.pop()
        want = [c for c in node.children if not isinstance(c, skipped)]
        ordered = child_nodes(node, source_order=True)
        if [id(c) for c in ordered] != [id(c) for c in want]:
            out.append(type(node).__name__)
        if sorted(map(id, child_nodes(node))) != sorted(map(id, want)):
            out.append(type(node).__name__ + " (nodes)")
        stack.extend(node.children)
    return out


def test_source_order_matches_libcst_children_on_new_syntax():
    assert _mismatches(cst.parse_module(NEW_SYNTAX)) == []


@pytest.mark.parametrize("name", ["asyncio/tasks.py", "argparse.py", "dataclasses.py"])
def test_source_order_matches_libcst_children_on_stdlib_modules(name):
    assert _mismatches(cst.parse_module((STDLIB / name).read_text(encoding="utf-8"))) == []
