"""scripts/roundtrip.py on a small tree of awkward files: it runs, and reslint passes it."""

from __future__ import annotations

import codecs
import importlib.util
import os
import sys

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symlinks and modes")

BARE = "try:\n    go()\nexcept:\n    pass\n"


def _load():
    spec = importlib.util.spec_from_file_location("roundtrip", ROOT / "scripts" / "roundtrip.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_roundtrip_keeps_encodings_newlines_and_modes(tmp_path):
    tree = tmp_path / "tree"
    (tree / "pkg").mkdir(parents=True)
    (tree / "pkg" / "crlf.py").write_bytes(BARE.replace("\n", "\r\n").encode())
    (tree / "pkg" / "cr.py").write_bytes(BARE.replace("\n", "\r").encode())
    (tree / "pkg" / "bom.py").write_bytes(codecs.BOM_UTF8 + ("X = 'é'\n" + BARE).encode())
    (tree / "pkg" / "latin.py").write_bytes(("# -*- coding: latin-1 -*-\nX = 'é'\n" + BARE).encode("latin-1"))
    script = tree / "pkg" / "tool.py"
    script.write_text("import requests\n\ndef f(u):\n    return requests.get(u)\n")
    os.chmod(script, 0o755)
    (tree / "pkg" / "clean.py").write_text("x = 1\n")
    os.symlink("clean.py", tree / "pkg" / "alias.py")
    work = tmp_path / "work"
    work.mkdir()
    row = _load().roundtrip(tree, work, keep=False, jobs=1)
    assert row["regressions"] == {kind: 0 for kind in row["regressions"]}, row["details"]
    assert row["files"] == 6
    assert row["files_fixed"] == 5
    assert row["fixes"] == 5
    assert list(work.iterdir()) == []  # the copy is gone
    assert (tree / "pkg" / "crlf.py").read_bytes() == BARE.replace("\n", "\r\n").encode()  # the original untouched


def test_roundtrip_reports_each_kind_of_regression(tmp_path, monkeypatch):
    """A stand-in for reslint that does every wrong thing once: each is counted under its kind."""
    roundtrip = _load()
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "syntax.py").write_text("x = 1\n")
    (tree / "compile.py").write_text("def f():\n    pass\n")
    (tree / "mode.py").write_text("y = 2\n")
    (tree / "bom.py").write_bytes(codecs.BOM_UTF8 + b"z = 3\n")
    (tree / "crlf.py").write_bytes(b"a = 1\r\nb = 2\r\n")
    runs = []

    def bad_reslint(copy, jobs):
        runs.append(copy)
        if len(runs) == 1:
            (copy / "syntax.py").write_text("x = (\n")
            (copy / "compile.py").write_text("def f():\n    pass\nreturn 1\n")
            os.chmod(copy / "mode.py", 0o700)
            (copy / "bom.py").write_bytes(b"z = 4\n")
            (copy / "crlf.py").write_bytes(b"a = 1\nb = 3\n")
            (copy.parent / "outside" / "victim.py").write_text("written\n")
            return 0, "Fixed 5 findings in 5 files.", "", 0.1
        (copy / "mode.py").write_text("y = 3\n")  # the second run changes a file again
        return 2, "", "reslint: internal error: boom", 0.1

    monkeypatch.setattr(roundtrip, "_run_reslint", bad_reslint)
    row = roundtrip.roundtrip(tree, tmp_path, keep=False, jobs=None)
    assert row["regressions"] == {"parse": 1, "compile": 1, "second-run": 1, "mode": 1, "encoding": 1, "newline": 1,
                                  "outside": 1, "crash": 1}, row["details"]
    assert row["fixes"] == 5
