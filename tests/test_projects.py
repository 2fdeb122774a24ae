"""Fixture projects: fixtures/<CODE>/<project>/ is a mini project (pyproject.toml + packages) for
project-scope rules. Markers `# expect: CODE` in any of its files must equal the findings, when the
whole project is linted and when only one file is (as pre-commit does): the project index covers
the project root either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from reslint.api import lint_paths
from reslint.config import load

from .conftest import FIXTURES
from .helpers import expected

PROJECTS = sorted(
    project
    for code_dir in FIXTURES.iterdir() if code_dir.is_dir() and code_dir.name.startswith("RES")
    for project in code_dir.iterdir() if project.is_dir() and (project / "pyproject.toml").is_file()
)


def _markers(project: Path):
    want = set()
    for path in sorted(project.rglob("*.py")):
        rel = path.relative_to(project).as_posix()
        want |= {(rel, line, code) for line, code in expected(path.read_text(encoding="utf-8"))}
    return want


def _found(results):
    return {(r.rel, f.span.line, f.code) for r in results for f in r.findings}


@pytest.mark.parametrize("project", PROJECTS, ids=[f"{p.parent.name}/{p.name}" for p in PROJECTS])
def test_project_findings_match_markers(project, monkeypatch, tmp_path):
    monkeypatch.setenv("RESLINT_CACHE_DIR", str(tmp_path))
    settings = load(config_file=project / "pyproject.toml")
    want = _markers(project)
    assert want, "a fixture project needs at least one marker"
    got = _found(lint_paths([str(project)], settings))
    assert got == want, f"\nmissing: {sorted(want - got)}\nunexpected: {sorted(got - want)}"


@pytest.mark.parametrize("project", PROJECTS, ids=[f"{p.parent.name}/{p.name}" for p in PROJECTS])
def test_one_file_still_sees_the_project(project, monkeypatch, tmp_path):
    monkeypatch.setenv("RESLINT_CACHE_DIR", str(tmp_path))
    settings = load(config_file=project / "pyproject.toml")
    want = _markers(project)
    for rel in sorted({rel for rel, _, _ in want}):
        got = _found(lint_paths([str(project / rel)], settings))
        assert got == {w for w in want if w[0] == rel}, rel


def test_index_cache_is_used_and_invalidated_by_content(monkeypatch, tmp_path):
    from reslint import project as project_module

    monkeypatch.setenv("RESLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("from .io import send\n")
    io = root / "pkg" / "io.py"
    io.write_text("async def send():\n    pass\n")
    files = [(str(p), p.relative_to(root).as_posix()) for p in sorted(root.rglob("*.py"))]
    first = project_module.build(str(root), files)
    assert first.parsed == 2 and first.is_coroutine_function("pkg.send") is True
    again = project_module.build(str(root), files)
    assert again.parsed == 0 and again.is_coroutine_function("pkg.send") is True
    io.write_text("def send():\n    pass\nasync def other():\n    pass\n")
    changed = project_module.build(str(root), files)
    assert changed.parsed == 1 and changed.is_coroutine_function("pkg.send") is False
    off = project_module.build(str(root), files, use_cache=False)
    assert off.parsed == 2
