"""Fixes: atomic writes that keep encoding, BOM, newlines and mode; overlaps; broken fixes dropped."""

from __future__ import annotations

import codecs
import json
import os
import stat
import textwrap

import libcst as cst
import pytest
from click.testing import CliRunner

from reslint.cli import main
from reslint.edits import apply_edits, edits_between, overlaps
from reslint.engine import RuleSet
from reslint.fixer import fix_text, write_atomic
from reslint.model import Safety
from reslint.rule import NoOptions, Replace, Rule

ASYNC_BARE = textwrap.dedent(
    """\
    async def serve(queue):
        while True:
            try:
                await queue.get()
            except:
                pass
    """
)


def fix(*args):
    return CliRunner().invoke(main, ["check", "--fix", "--unsafe-fixes", *args], catch_exceptions=False)


def test_keeps_latin1_cookie_and_bytes(project):
    path = project / "legacy.py"
    original = "# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\ntry:\n    go()\nexcept:\n    log()\n"
    path.write_bytes(original.encode("latin-1"))
    assert fix("--select", "RES301").exit_code == 0
    assert path.read_bytes() == original.replace("except:", "except Exception:").encode("latin-1")


def test_keeps_bom_crlf_and_mode(project):
    path = project / "script.py"
    original = "try:\r\n    go()\r\nexcept:\r\n    log()\r\n"
    path.write_bytes(codecs.BOM_UTF8 + original.encode())
    os.chmod(path, 0o755)
    inode_before = os.stat(path).st_ino
    assert fix("--select", "RES301").exit_code == 0
    data = path.read_bytes()
    assert data == codecs.BOM_UTF8 + original.replace("except:", "except Exception:").encode()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o755
    assert os.stat(path).st_ino != inode_before  # replaced by rename, not rewritten in place
    assert [p.name for p in project.iterdir() if p.name.startswith(".reslint-")] == []


@pytest.mark.parametrize("ending", ["\r", "\r\r", "\r\r\r"])
def test_keeps_the_final_line_breaks_of_a_cr_only_file(project, ending):
    path = project / "mac.py"
    original = "try:\r    go()\rexcept:\r    log()" + ending
    path.write_bytes(original.encode())
    assert fix("--select", "RES301").exit_code == 0
    assert path.read_bytes() == original.replace("except:", "except Exception:").encode()
    assert fix("--select", "RES301").exit_code == 0  # a second run changes nothing
    assert path.read_bytes() == original.replace("except:", "except Exception:").encode()


def test_symlink_target_is_fixed_link_kept(project):
    real = project / "real.py"
    real.write_text("try:\n    go()\nexcept:\n    log()\n")
    link = project / "link.py"
    os.symlink(real, link)
    assert fix("link.py", "--select", "RES301").exit_code == 0
    assert link.is_symlink()
    assert "except Exception:" in real.read_text()


def test_overlapping_fixes_settle_over_passes(project):
    # RES301 and RES303 both narrow this bare except: the same insertion, so one is applied and
    # the re-lint finds nothing left for the other
    path = project / "svc.py"
    path.write_text(ASYNC_BARE)
    result = fix("--select", "RES301,RES303")
    assert result.exit_code == 0, result.output
    assert "Fixed 1 finding in 1 file." in result.output
    assert path.read_text() == ASYNC_BARE.replace("except:", "except Exception:")
    again = fix("--select", "RES301,RES303")
    assert "Fixed" not in again.output


def test_fixes_in_two_places_of_one_handler(project):
    path = project / "svc.py"
    path.write_text("import asyncio\n\nasync def f(q):\n    try:\n        await q.get()\n"
                    "    except asyncio.CancelledError:\n        pass\n"
                    "    try:\n        await q.get()\n    except:\n        log()\n")
    result = fix("--select", "RES301,RES303")
    assert result.exit_code == 0, result.output
    assert path.read_text() == (
        "import asyncio\n\nasync def f(q):\n    try:\n        await q.get()\n"
        "    except asyncio.CancelledError:\n        raise\n"
        "    try:\n        await q.get()\n    except Exception:\n        log()\n"
    )


def test_fix_is_idempotent_on_one_line_handler(project):
    path = project / "one.py"
    path.write_text("import asyncio\nasync def f():\n    try: await g()\n    except asyncio.CancelledError: pass\n")
    fix("--select", "RES301,RES303")
    first = path.read_text()
    assert first == "import asyncio\nasync def f():\n    try: await g()\n    except asyncio.CancelledError: raise\n"
    fix("--select", "RES301,RES303")
    assert path.read_text() == first


class BreaksTheFile(Rule):
    """Test-only rule whose fix turns `x = 1` into `class = 1`."""

    code = "RES990"
    name = "breaks-the-file"
    family = "test"
    fix_safety = Safety.SAFE
    triggers = (r"x = 1",)
    Options = NoOptions

    def visit_Assign(self, node):
        target = node.targets[0].target
        if isinstance(target, cst.Name) and target.value == "x":
            self.report(node, "test", fix=Replace(target, cst.Name("class"), "Break it"))


def test_fix_that_breaks_parsing_is_dropped_and_reported():
    ruleset = RuleSet(rules=((BreaksTheFile, NoOptions()),), syntax_errors=True)
    outcome = fix_text("x = 1\n", "t.py", ruleset, unsafe=False)
    assert outcome.text == "x = 1\n"
    assert outcome.applied == 0
    assert outcome.notices == ['t.py:1:1: RES990 fix "Break it" was not applied: the result would not parse']
    assert [f.code for f in outcome.result.findings] == ["RES990"]


def test_edits_between_splits_separate_regions():
    old = "import os\n" + "x = 1\n" * 20 + "y = 2\n"
    new = "import os\nimport sys\n" + "x = 1\n" * 20 + "y = 3\n"
    edits = edits_between(old, new)
    assert len(edits) == 2
    assert apply_edits(old, edits) == new
    assert not overlaps(edits[:1], edits[1:])


def test_write_atomic_leaves_no_temp_file_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "a.py"
    path.write_text("old\n")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    try:
        write_atomic(str(path), b"new\n")
    except OSError:
        pass
    assert path.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]


def test_unwritable_file_is_a_notice_not_a_crash(project, monkeypatch):
    path = project / "ro.py"
    path.write_text("try:\n    go()\nexcept:\n    log()\n")
    import reslint.fixer as fixer_module

    def refuse(path, data, *roots):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fixer_module, "write_atomic", refuse)
    result = fix("--select", "RES301")
    assert "ro.py: fixes not written: Permission denied" in result.output
    assert "ro.py:3:1: RES301" in result.output  # the file still has its finding
    assert result.exit_code == 2


def test_fix_never_writes_through_a_link_leading_outside_the_tree(tmp_path, monkeypatch):
    project, outside = tmp_path / "proj", tmp_path / "outside"
    (project / "pkg").mkdir(parents=True)
    outside.mkdir()
    (project / "pyproject.toml").write_text("[tool.reslint]\n")
    victim = outside / "victim.py"
    original = "try:\n    go()\nexcept:\n    log()\n"
    victim.write_text(original)
    os.symlink(victim, project / "pkg" / "link.py")
    os.symlink(os.path.join("..", "..", "outside", "victim.py"), project / "pkg" / "relative.py")
    monkeypatch.chdir(project)
    result = fix("--select", "RES301", "pkg")
    assert victim.read_text() == original
    assert "pkg/link.py: skipped: a symlink to a file outside the linted directories" in result.stderr
    assert "pkg/relative.py: skipped" in result.stderr


def test_the_write_path_refuses_a_target_outside_the_roots(tmp_path):
    inside, outside = tmp_path / "inside", tmp_path / "outside"
    inside.mkdir()
    outside.mkdir()
    (outside / "victim.py").write_text("old\n")
    os.symlink(outside / "victim.py", inside / "link.py")
    from reslint.fixer import NotWritten

    with pytest.raises(NotWritten, match="outside the linted directories"):
        write_atomic(str(inside / "link.py"), b"new\n", [str(inside.resolve())])
    assert (outside / "victim.py").read_text() == "old\n"
    write_atomic(str(inside / "link.py"), b"new\n", [str(tmp_path.resolve())])  # inside these roots
    assert (outside / "victim.py").read_text() == "new\n"


def test_a_file_the_user_cannot_write_is_not_fixed(project, monkeypatch):
    path = project / "protected.py"
    original = "try:\n    go()\nexcept:\n    log()\n"
    path.write_text(original)
    real_access = os.access

    def access(target, mode, *args, **kwargs):
        if os.fspath(target) == str(path.resolve()) and mode & os.W_OK:
            return False  # as for a 0444 file (root may write any file, so chmod alone cannot show it)
        return real_access(target, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    result = fix("--select", "RES301")
    assert path.read_text() == original
    assert "reslint: protected.py: read-only, not fixed" in result.stderr
    assert "protected.py:3:1: RES301" in result.output  # the finding is still there
    assert result.exit_code == 1  # findings, not an error


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write a 0444 file")
def test_a_0444_file_is_not_fixed_for_real(project):
    path = project / "protected.py"
    original = "try:\n    go()\nexcept:\n    log()\n"
    path.write_text(original)
    os.chmod(path, 0o444)
    result = fix("--select", "RES301")
    assert path.read_text() == original
    assert "read-only, not fixed" in result.stderr


@pytest.mark.parametrize("old, new, edit", [
    ("        return False\n", "        raise\n", ("return False", "raise")),  # not `eturn Fals` -> `ais`
    ("lru_cache(maxsize=None)\n", "lru_cache(maxsize=1024)\n", ("None", "1024")),
    ("x = a == b\n", "x = a != b\n", ("==", "!=")),
    ("fetch(x)\n", "fetch_all(x)\n", ("fetch", "fetch_all")),
    ('get("http://x")\n', 'get("http://x", timeout=10)\n', ("", ", timeout=10")),  # an insertion stays one
    ("except:\n", "except Exception:\n", ("", " Exception")),
])
def test_edits_are_whole_tokens(old, new, edit):
    """JSON and SARIF carry these edits: each starts and ends at a token boundary, so a reader sees
    what changes."""
    edits = edits_between(old, new)
    assert [(old[e.start:e.end], e.content) for e in edits] == [edit]
    assert apply_edits(old, edits) == new


def test_json_fix_edits_of_a_rule_are_whole_tokens(project):
    from reslint.api import lint_source
    from reslint.config import from_table
    from reslint.output import Report
    from reslint.output.json import render

    source = ("import asyncio\n\nasync def f():\n    try:\n        await asyncio.sleep(1)\n"
              "    except asyncio.CancelledError:\n        return False\n")
    settings = from_table({"select": ["RES303"]}, root=project, where="t")
    result = lint_source(source, "a.py", settings)
    (finding,) = json.loads(render(Report([result], files_checked=1)))["findings"]
    (edit,) = finding["fix"]["edits"]
    assert edit == {"start": {"line": 7, "column": 9}, "end": {"line": 7, "column": 21}, "content": "raise"}
