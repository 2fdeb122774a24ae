"""The fixture harness: fixtures/<CODE>/<case>.py with `# expect: CODE` markers.

For every case: (1) the (line, code) set of the findings equals the markers;
(2) the user-facing text rendering matches its snapshot; (3) for a rule that
fixes, the fixed source matches `<case>.fixed.py`, parses, and a second fix
pass changes nothing. The snapshots are `tests/snapshots/<CODE>/<case>.txt` and
`<case>.fixed.py`; `--snapshot-update` (or `python scripts/update_generated.py`) rewrites
the ones that changed and deletes the stale ones in one run.
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


@pytest.mark.parametrize("code,path", CASES, ids=[f"{c}/{p.stem}" for c, p in CASES])
def test_findings_match_markers(code, path):
    text = path.read_text(encoding="utf-8")
    result = lint_fixture(path, code)
    assert not result.internal_error, result.notices
    got = {(f.span.line, f.code) for f in result.findings}
    want = expected(text)
    assert got == want, (
        f"\nmissing (expected, not reported): {sorted(want - got)}"
        f"\nunexpected (reported, not marked): {sorted(got - want)}"
    )


@pytest.mark.parametrize("code,path", CASES, ids=[f"{c}/{p.stem}" for c, p in CASES])
def test_rendering_snapshot(code, path, golden):
    result = lint_fixture(path, code)
    golden.check(SNAPSHOTS / code / f"{path.stem}.txt", render_text(result))


def _fixable(code):
    rule = registry.by_code().get(code)  # a fixture folder of no rule fails in test_catalog
    return rule is not None and rule.fix_safety is not None


FIXABLE = [(c, p) for c, p in CASES if _fixable(c)]


@pytest.mark.parametrize("code,path", FIXABLE, ids=[f"{c}/{p.stem}" for c, p in FIXABLE])
def test_fix(code, path, golden):
    original = path.read_text(encoding="utf-8")
    result = lint_fixture(path, code, fix=True)
    snapshot_file = SNAPSHOTS / code / f"{path.stem}.fixed.py"
    if result.fixed_source is None:
        # nothing to fix (a file of near-misses): the claim is "unchanged", no copy to keep
        assert not any(f.fix and f.fix.edits for f in result.findings), "fixable findings left unfixed"
        golden.check_absent([snapshot_file], "the fix changes nothing now")
        return
    fixed = result.fixed_source
    assert fixed != original
    golden.check(snapshot_file, fixed)
    ast.parse(fixed)
    again = lint_fixture(path, code, fix=True, text=fixed)
    assert again.fixed_source is None, "a second fix pass changed the file again"
    # whatever the rule still reports after fixing has no applicable fix left
    assert all(f.fix is None or not f.fix.edits for f in again.findings)


def test_no_stale_snapshots(golden):
    """Every file in tests/snapshots/<CODE>/ belongs to a fixture case: its `.txt`, and its `.fixed.py`
    when the rule fixes (whether the fix changes the case is test_fix's business)."""
    cases = {}
    for code, path in CASES:
        cases.setdefault(code, set()).add(path.stem)
    stale = []
    for code_dir in sorted(p for p in SNAPSHOTS.glob("RES*") if p.is_dir()):
        stems = cases.get(code_dir.name, set())
        allowed = {f"{stem}.txt" for stem in stems}
        if _fixable(code_dir.name):
            allowed |= {f"{stem}.fixed.py" for stem in stems}
        stale.extend(p for p in sorted(code_dir.iterdir()) if p.name not in allowed)
    golden.check_absent(stale, "no fixture case makes it")


@pytest.mark.parametrize("code,path", CASES, ids=[f"{c}/{p.stem}" for c, p in CASES])
def test_triggers_are_sound(code, path, monkeypatch):
    """Skipping files by trigger never loses a finding: with every rule forced to run, nothing changes."""
    normal = {(f.span.line, f.code) for f in lint_fixture(path, code).findings}
    from reslint.rule import Rule

    monkeypatch.setattr(Rule, "is_candidate", classmethod(lambda cls, text, options=None, memo=None: bool(cls.triggers)))
    for rule in registry.all_rules():
        monkeypatch.setattr(rule, "is_ast_candidate", classmethod(lambda cls, tree, text, options=None, project=None: True))
    forced = {(f.span.line, f.code) for f in lint_fixture(path, code).findings}
    assert forced == normal
