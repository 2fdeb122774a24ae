"""Every `reslint` command of the README runs as written (the install, run and test blocks are
.ci/run's): each one in a sample repository, none a usage or configuration error."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from reslint.cli import main

from .conftest import ROOT

BAD = "import requests\n\n\ndef load(url):\n    try:\n        return requests.get(url)\n    except:\n        return None\n"


def readme_commands():
    """(line number, command) of each `reslint ...` line in the README's sh blocks and each
    `run: reslint ...` step of its workflow examples, in order; .ci/run's blocks left out."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    out = []
    inside = None
    for number, line in enumerate(lines, 1):
        if line.startswith("```"):
            if inside is None:
                ci = number > 1 and lines[number - 2].startswith("<!-- ci:")
                inside = "skip" if ci else line[3:].strip()
            else:
                inside = None
            continue
        stripped = line.strip()
        if inside == "sh" and ("reslint " in stripped.split("#")[0]) and not stripped.startswith("#"):
            out.append((number, stripped))
        elif inside == "yaml":
            match = re.match(r"-?\s*run:\s*(reslint .*)", stripped)
            if match:
                out.append((number, match.group(1)))
    return out


def test_the_readme_has_commands_to_run():
    commands = [c for _, c in readme_commands()]
    assert any("--write-baseline" in c for c in commands) and any("--add-noqa" in c for c in commands)
    assert any(c.startswith("reslint check . --output-format github") for c in commands)  # the CI recipe


def test_every_readme_command_runs(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.reslint]\n")
    (tmp_path / "app.py").write_text(BAD)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "mod.py").write_text(BAD)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text(BAD)
    monkeypatch.chdir(tmp_path)
    ran = 0
    for number, command in readme_commands():
        stdin = None
        if "|" in command:
            producer, command = (part.strip() for part in command.split("|", 1))
            words = shlex.split(producer)
            assert words[0] == "cat", f"README.md:{number}: only `cat FILE |` pipes are known here"
            stdin = (tmp_path / words[1]).read_text()
        words = shlex.split(command, comments=True)
        assert words[0] == "reslint", f"README.md:{number}: {command}"
        if words[1] == "server":
            continue  # a language server waits for its client: tests/test_server.py runs it
        result = CliRunner().invoke(main, words[1:], input=stdin, catch_exceptions=False)
        assert result.exit_code in (0, 1), f"README.md:{number}: `{command}` exited {result.exit_code}:\n{result.output}"
        assert "error:" not in result.stderr, f"README.md:{number}: `{command}`:\n{result.stderr}"
        ran += 1
    assert ran >= 15
    # the adoption commands did what the README says
    assert (tmp_path / "reslint-baseline.json").is_file()
    assert "# reslint: ignore[" in (tmp_path / "src" / "mod.py").read_text()


@pytest.mark.parametrize("block", ["install", "run", "test"])
def test_ci_run_runs_the_readme_blocks(block):
    """The install, run and test blocks are .ci/run's: it reads them from the README by marker."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"<!-- ci: {block} -->\n```sh\n" in readme
    assert "for step in install run test; do" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
