"""Files that are not clean Python: each is reported, none stops or crashes the run."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys

import pytest

BARE = "try:\n    x = 1\nexcept:\n    pass\n"


def make_bad_inputs(folder):
    files = {
        "syntax_error.py": b"def f(:\n    pass\n",
        "latin1_cookie.py": "# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n".encode("latin-1") + BARE.encode(),
        "latin1_no_cookie.py": "NAME = 'caf\xe9'\n".encode("latin-1"),
        "bom.py": codecs.BOM_UTF8 + BARE.encode(),
        "crlf.py": BARE.replace("\n", "\r\n").encode(),
        "null_byte.py": b"x = 1\ny = '\x00'\n",
        "deep_parens.py": ("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n").encode(),
        # accepted by the stdlib parser, crashes libcst's native parser on a normal stack
        # (the bare except makes a rule want the file, so libcst gets to see it)
        "long_and_chain.py": (BARE + "x = a" + " and a" * 20000 + "\n").encode(),
        "deep_not.py": ("x = " + "not " * 20000 + "y\n").encode(),
        "empty.py": b"",
        "binary.py": bytes(range(256)) * 4,
        "tabs.py": b"if True:\n\tx = 1\n        y = 2\n",
        "unknown_cookie.py": b"# coding: klingon\nx = 1\n",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    os.symlink(folder / "does-not-exist.py", folder / "dangling.py")
    return files


EXPECTED = {
    "syntax_error.py": (1, "File cannot be parsed: invalid syntax"),
    "latin1_cookie.py": None,
    "latin1_no_cookie.py": (1, "File cannot be decoded: not valid utf-8: byte 0xe9"),
    "bom.py": None,
    "crlf.py": None,
    "null_byte.py": (2, "File cannot be decoded: file contains a null byte"),
    "deep_parens.py": (1, "File cannot be parsed: too many nested parentheses"),
    "long_and_chain.py": (1, "File cannot be analysed: code is nested too deeply"),
    "deep_not.py": (1, "File cannot be parsed: code is nested too deeply"),
    "empty.py": None,
    "binary.py": (2, "File cannot be decoded: not valid utf-8: byte 0x80"),
    "tabs.py": (3, "File cannot be parsed: inconsistent use of tabs and spaces in indentation"),
    "unknown_cookie.py": (1, "File cannot be decoded: unknown encoding 'klingon' in the coding cookie"),
    "dangling.py": (1, "File cannot be read: No such file or directory"),
}


def test_every_bad_input_reported_in_one_real_run(tmp_path):
    """One real `python -m reslint` process over the whole folder: no crash, every file accounted for."""
    (tmp_path / "pyproject.toml").write_text("[tool.reslint]\n")
    make_bad_inputs(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "reslint", "check", ".", "--select", "RES000,RES301", "--output-format", "json",
         "--jobs", "1"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    doc = json.loads(proc.stdout)
    syntax = {f["path"]: (f["start"]["line"], f["message"]) for f in doc["findings"] if f["code"] == "RES000"}
    for name, want in EXPECTED.items():
        if want is None:
            assert name not in syntax, f"{name} should parse: {syntax.get(name)}"
        else:
            line, prefix = want
            assert name in syntax, f"{name} not reported"
            assert syntax[name][0] == line, (name, syntax[name])
            assert syntax[name][1].startswith(prefix), (name, syntax[name])
    bare = sorted(f["path"] for f in doc["findings"] if f["code"] == "RES301")
    # the readable files with a bare except were linted normally
    assert bare == ["bom.py", "crlf.py", "latin1_cookie.py"]
    assert doc["summary"]["files_checked"] == len(EXPECTED)


@pytest.mark.parametrize("name", ["syntax_error.py", "binary.py", "null_byte.py", "deep_parens.py"])
def test_bad_input_through_the_pool(tmp_path, name):
    """The same files among many, linted in worker processes."""
    from click.testing import CliRunner

    from reslint.cli import main

    make_bad_inputs(tmp_path)
    for i in range(40):
        (tmp_path / f"ok_{i}.py").write_text(BARE)
    os.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", ".", "--isolated", "--jobs", "2", "-q", "--select", "RES000,RES301"])
    assert result.exit_code == 1
    assert f"{name}:" in result.output
    assert result.output.count(": RES301 ") == 40 + 3


def test_a_file_above_max_file_size_is_reported_not_analysed(tmp_path, monkeypatch):
    """libcst needs ~1.7 kB of memory per source byte: a file above the limit is a RES000 finding
    (or, with RES000 off, a notice), never gigabytes of memory and never silence."""
    from click.testing import CliRunner

    from reslint.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.reslint]\nmax-file-size = 512\n")
    (tmp_path / "big.py").write_text("x = 1\n" * 100_000 + "try:\n    go()\nexcept:\n    pass\n")
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--no-cache", "--jobs", "1", "big.py"])
    assert result.exit_code == 1
    assert "RES000 File is too large to analyse (585 KiB > the 512 KiB limit)" in result.output
    quiet = runner.invoke(main, ["check", "--no-cache", "--jobs", "1", "--select", "RES301", "big.py"])
    assert "big.py: not linted: File is too large to analyse" in quiet.output
    (tmp_path / "pyproject.toml").write_text("[tool.reslint]\nmax-file-size = 1024\n")
    raised = runner.invoke(main, ["check", "--no-cache", "--jobs", "1", "--select", "RES301", "big.py"])
    assert "big.py:100003:1: RES301" in raised.output


def test_the_default_file_size_limit_is_two_mebibytes():
    from pathlib import Path

    from reslint.config import from_table

    settings = from_table({}, root=Path("/p"), where="t")
    assert settings.max_file_size == 2048
