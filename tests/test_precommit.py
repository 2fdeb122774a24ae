"""The pre-commit hooks, run for real by the pre-commit package against this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT

pre_commit = pytest.importorskip("pre_commit", reason="the pre-commit package is not installed (pip install -e '.[test]')")

STALE = "x = 1  # reslint: ignore[RES301]\n"


def _git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _try_repo(repo, hook, home):
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "SKIP": ""}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files", "--color", "never"],
        cwd=repo, capture_output=True, text=True, env=env, timeout=900,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_hooks_fail_then_fix_then_pass(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "ci@example.invalid")
    _git(repo, "config", "user.name", "CI")
    (repo / "pyproject.toml").write_text('[tool.reslint]\nextend-select = ["RES900"]\n')
    (repo / "app.py").write_text(STALE)
    _git(repo, "add", ".")
    home = tmp_path / "pre-commit-home"

    check = _try_repo(repo, "reslint", home)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "app.py:1:8: RES900 Suppression comment for `RES301` suppresses nothing [safe fix]" in check.stdout

    fix = _try_repo(repo, "reslint-fix", home)
    assert fix.returncode == 1, fix.stdout + fix.stderr  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in fix.stdout
    assert (repo / "app.py").read_text() == "x = 1\n"

    again = _try_repo(repo, "reslint", home)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Passed" in again.stdout
