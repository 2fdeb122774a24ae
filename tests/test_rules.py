"""The fixture harness: fixtures/<CODE>/<case>.py with `# expect: CODE` markers.

For every case: (1) the (line, code) set of the findings equals the markers;
(2) the user-facing text rendering matches its snapshot; (3) for a rule that
fixes, the fixed source matches `<case>.fixed.py`, parses, and a second fix
pass changes nothing.
"""

from __future__ import annotations

import ast

import pytest

from reslint import registry

from .conftest import FIXTURES, SNAPSHOTS
from .helpers import expected, lint_fixture, render_text

CASES = sorted(
    (code_dir.name, case)
    for code_dir in FIXTURES.iterdir() if code_dir.is_dir() and code_dir.name.startswith("RES")
    for case in code_dir.glob("*.py") if not case.name.endswith(".fixed.py")
)


def _id(param):
    return f"{param[0]}/{param[1].stem}" if isinstance(param, tuple) else str(param)


@pytest.mark.parametrize("code,path", CASES, ids=[f"{c}/{p.stem}" for c, p in CASES])
def test_findings_match_markers(code, path):
    text = path.read_text(encoding="utf-8")
    result = lint_fixture(path, code)
    got = {(f.span.line, f.code) for f in result.findings}
    want = expected(text)
    assert got == want, (
        f"\nmissing (expected, not reported): {sorted(want - got)}"
        f"\nunexpected (reported, not marked): {sorted(got - want)}"
    )


@pytest.mark.parametrize("code,path", CASES, ids=[f"{c}/{p.stem}" for c, p in CASES])
def test_rendering_snapshot(code, path, snapshot):
    snapshot.snapshot_dir = SNAPSHOTS / code
    result = lint_fixture(path, code)
    snapshot.assert_match(render_text(result), f"{path.stem}.txt")


FIXABLE = [(c, p) for c, p in CASES if registry.by_code()[c].fix_safety is not None]


@pytest.mark.parametrize("code,path", FIXABLE, ids=[f"{c}/{p.stem}" for c, p in FIXABLE])
def test_fix(code, path, snapshot):
    original = path.read_text(encoding="utf-8")
    result = lint_fixture(path, code, fix=True)
    snapshot_file = SNAPSHOTS / code / f"{path.stem}.fixed.py"
    if result.fixed_source is None:
        # nothing to fix (a file of near-misses): the claim is "unchanged", no copy to keep
        assert not any(f.fix and f.fix.edits for f in result.findings), "fixable findings left unfixed"
        assert not snapshot_file.exists(), f"stale snapshot {snapshot_file.name}: the fix changes nothing now"
        return
    fixed = result.fixed_source
    assert fixed != original
    snapshot.snapshot_dir = SNAPSHOTS / code
    snapshot.assert_match(fixed, f"{path.stem}.fixed.py")
    ast.parse(fixed)
    again = lint_fixture(path, code, fix=True, text=fixed)
    assert again.fixed_source is None, "a second fix pass changed the file again"
    # whatever the rule still reports after fixing has no applicable fix left
    assert all(f.fix is None or not f.fix.edits for f in again.findings)


@pytest.mark.parametrize("code,path", CASES, ids=[f"{c}/{p.stem}" for c, p in CASES])
def test_triggers_are_sound(code, path, monkeypatch):
    """Skipping files by trigger never loses a finding: with every rule forced to run, nothing changes."""
    normal = {(f.span.line, f.code) for f in lint_fixture(path, code).findings}
    from reslint.rule import Rule

    monkeypatch.setattr(Rule, "is_candidate", classmethod(lambda cls, text, options=None: bool(cls.triggers)))
    for rule in registry.all_rules():
        monkeypatch.setattr(rule, "is_ast_candidate", classmethod(lambda cls, tree, text, options=None: True))
    forced = {(f.span.line, f.code) for f in lint_fixture(path, code).findings}
    assert forced == normal
