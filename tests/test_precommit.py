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


def test_the_fix_hooks_description_names_the_rules_whose_fixes_it_applies():
    """`reslint-fix` applies safe fixes only: its description names exactly the rules that have one, and
    says how to get the others, so nobody expects it to fix a missing timeout."""
    import re

    from reslint import registry
    from reslint.model import Safety

    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    hook = text[text.index("- id: reslint-fix"):]
    description = re.search(r'description: "(.*)"', hook).group(1)
    safe = [r.code for r in registry.all_rules() if r.fix_safety is Safety.SAFE]
    named = re.findall(r"RES\d{3}", description)
    assert named == safe, f"the reslint-fix description names {named}; the rules with safe fixes are {safe}"
    assert "--unsafe-fixes" in description and "entry: reslint check --force-exclude --fix\n" in hook
