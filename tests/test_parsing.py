"""reslint.parsing: the libcst parse without node validation gives the same tree, and validation
stays on everywhere else."""

from __future__ import annotations

import threading

import libcst as cst
import pytest

from reslint import parsing

SOURCE = '''\
import asyncio


async def main(x: int = 1, *args, **kw) -> None:
    """Doc."""
    try:
        await asyncio.sleep(x)
    except (ValueError, TypeError) as exc:  # comment
        raise RuntimeError("x") from exc
    finally:
        print(f"{x!r:>{kw}}", *args)
    return [y async for y in kw if y]


class A(B, metaclass=M):
    @property
    def p(self): return self._p; pass
'''


def test_the_unvalidated_parse_builds_the_same_tree():
    ours = parsing.parse_libcst(SOURCE)
    theirs = cst.parse_module(SOURCE)
    assert ours.code == SOURCE
    assert ours.deep_equals(theirs)


def test_nodes_built_outside_the_parse_are_still_validated():
    parsing.parse_libcst("x = 1\n")  # installs the wrapper
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")
    # and on another thread while this one parses nothing
    errors = []

    def build():
        try:
            cst.Name("1x")
        except cst.CSTValidationError as exc:
            errors.append(exc)

    worker = threading.Thread(target=build)
    worker.start()
    worker.join()
    assert len(errors) == 1


def test_a_syntax_error_still_raises_and_leaves_validation_on():
    with pytest.raises(Exception):
        parsing.parse_libcst("def f(:\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")
