"""Property tests: any program, every rule on, lint and `--fix --unsafe-fixes`, never fail.

Programs come from hypothesmith (from Python's grammar, and from libcst's nodes) and from the
fixtures with lines deleted, duplicated or spliced in from another fixture (near-real code that
the rules' triggers match, broken in the ways half-edited files are). For each: linting raises
nothing and reports no internal error; fixing reports none either, the fixed text is as valid as
the original (it compiles if the original did, else it parses if the original did), fixes settle
(a second pass changes nothing, no "did not settle" notice).

The CI run is small, derandomized (the same examples every run) and well under 60 s. For a long
run set RESLINT_FUZZ_EXAMPLES (examples per test) and, to draw new examples each run,
RESLINT_FUZZ_SEED (any integer; reported in the failure):

    RESLINT_FUZZ_EXAMPLES=5000 RESLINT_FUZZ_SEED=1 python -m pytest tests/test_fuzz.py -x
"""

from __future__ import annotations

import ast
import os
import warnings
from pathlib import Path
from typing import List

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it generates

hypothesis = pytest.importorskip("hypothesis")
hypothesmith = pytest.importorskip("hypothesmith")

from hypothesis import HealthCheck, event, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from reslint.api import lint_source  # noqa: E402
from reslint.config import from_table  # noqa: E402

from .conftest import FIXTURES  # noqa: E402

EXAMPLES = int(os.environ.get("RESLINT_FUZZ_EXAMPLES", "0") or 0)
SEED = os.environ.get("RESLINT_FUZZ_SEED")
SOURCES: List[str] = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("RES*/**/*.py"))]
SETTINGS = from_table({"select": ["ALL"]}, root=FIXTURES, where="fuzz")


def _settings(ci_examples: int):
    kwargs = dict(
        max_examples=EXAMPLES or ci_examples,
        deadline=None,
        database=None,
        derandomize=SEED is None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    return settings(**kwargs)


def _seeded(test):
    return seed(int(SEED))(test) if SEED is not None else test


def _validity(text: str) -> int:
    """2: compiles, 1: parses, 0: neither."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning: invalid escape sequences and the like
        try:
            compile(text, "fuzz.py", "exec", dont_inherit=True)
            return 2
        except (SyntaxError, ValueError):
            pass
        try:
            ast.parse(text)
            return 1
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return 0


def _internal(result) -> List[str]:
    return [n for n in result.notices if "internal error" in n or "did not settle" in n or "would not parse" in n]


def _event(name: str) -> None:
    try:
        event(name)
    except hypothesis.errors.InvalidArgument:  # outside a test (replaying an input by hand)
        pass


def check_program(text: str) -> None:
    linted = lint_source(text, "fuzz.py", SETTINGS)
    assert not linted.internal_error and not _internal(linted), linted.notices
    # `--hypothesis-show-statistics` shows what the examples exercised
    _event("unreadable (RES000)" if any(f.code == "RES000" for f in linted.findings)
          else "findings" if linted.findings else "no finding")
    fixed = lint_source(text, "fuzz.py", SETTINGS, fix=True, unsafe_fixes=True)
    assert not fixed.internal_error and not _internal(fixed), fixed.notices
    if fixed.fixed_source is None:
        return
    _event("fixed")
    before = _validity(text)
    assert _validity(fixed.fixed_source) >= before, f"the fixed text is less valid than the original:\n{fixed.fixed_source}"
    again = lint_source(fixed.fixed_source, "fuzz.py", SETTINGS, fix=True, unsafe_fixes=True)
    assert not again.internal_error and not _internal(again), again.notices
    assert again.fixed_source is None, "a second fix pass changed the text again"


def _statements(text: str) -> List[tuple]:
    """(first line, last line, column) of every statement of ``text`` (0-based lines, decorators
    included), outermost first."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.end_lineno is not None:
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())])
            found.append((first - 1, node.end_lineno - 1, node.col_offset))
    return found


STATEMENTS = [_statements(text) for text in SOURCES]


def _reindent(lines: List[str], column: int, indent: str) -> List[str]:
    return [indent + line[column:] if line[:column].strip() == "" else line for line in lines]


@st.composite
def mutated_fixtures(draw) -> str:
    """A fixture with a few statements deleted, duplicated or inserted from another fixture (at the
    indentation of their new place), and now and then a single line deleted or dedented: mostly
    code that still parses, so the rules see it, and some half-edited code that does not."""
    number = draw(st.integers(0, len(SOURCES) - 1))
    lines = SOURCES[number].splitlines(keepends=True)
    statements = STATEMENTS[number]
    if not statements:
        return "".join(lines)
    changes = []
    for _ in range(draw(st.integers(1, 4))):
        first, last, column = draw(st.sampled_from(statements))
        action = draw(st.sampled_from(["insert", "duplicate", "insert", "delete", "insert", "line"]))
        if action == "insert":
            other = draw(st.integers(0, len(SOURCES) - 1))
            if not STATEMENTS[other]:
                continue
            o_first, o_last, o_column = draw(st.sampled_from(STATEMENTS[other]))
            piece = SOURCES[other].splitlines(keepends=True)[o_first:o_last + 1]
            indent = lines[first][:column] if lines[first][:column].strip() == "" else " " * column
            changes.append((first, first, _reindent(piece, o_column, indent)))
        elif action == "duplicate":
            changes.append((first, first, lines[first:last + 1]))
        elif action == "delete":
            changes.append((first, last + 1, []))
        else:  # one line of the statement deleted or dedented: likely broken
            line = draw(st.integers(first, last))
            changes.append((line, line + 1, [] if draw(st.booleans()) else [lines[line].lstrip(" ")]))
    for start, end, new in sorted(changes, key=lambda c: (c[0], c[1]), reverse=True):
        lines[start:end] = new
    return "".join(lines)


@_seeded
@_settings(150)
@given(mutated_fixtures())
def test_mutated_fixtures(text):
    check_program(text)


@_seeded
@_settings(60)
@given(hypothesmith.from_grammar())
def test_grammar_programs(text):
    check_program(text)


@_seeded
@_settings(30)
@given(hypothesmith.from_node())
def test_node_programs(text):
    check_program(text)


def test_fixture_sources_are_found():
    assert len(SOURCES) > 100 and Path(FIXTURES).is_dir()
