"""Ignore and exclusion patterns: git's semantics (through pathspec), time linear in the path
whatever the pattern, and patterns that cannot be parsed skipped with a warning naming them."""

from __future__ import annotations

import os
import re
import textwrap
import time
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from reslint import globs
from reslint.cli import main
from reslint.config import Settings
from reslint.discover import discover, new_run

BARE = "try:\n    go()\nexcept:\n    pass\n"


def tree(root: Path, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def listed(root: Path, paths=(".",), notices=None, **kw):
    targets, problems = discover(list(paths), Settings(root=root, **kw), cwd=str(root), notices=notices)
    assert problems == []
    return sorted(t.display for t in targets)


@pytest.fixture(params=["re2", "simple"])
def backend(request, monkeypatch):
    """Both of pathspec's matchers give the same answers (re2 where google-re2 is installed)."""
    if request.param == "re2":
        assert globs.backend() == "re2", "google-re2 is a dependency of reslint on CPython"
    monkeypatch.setattr(globs, "_BACKEND", [request.param])
    return request.param


def test_git_semantics(tmp_path, backend):
    tree(tmp_path, {
        ".gitignore": textwrap.dedent("""\
            # a comment
            *.log.py
            /anchored.py
            ./dotted.py
            docs/**/*.py
            out/
            !out_keep.py
            [0-9]*.py
            [[:upper:]]*.py
            \\#hash.py
            trailing.py   
            """),
        "a.log.py": "", "x/b.log.py": "", "anchored.py": "", "x/anchored.py": "", "dotted.py": "",
        "x/dotted.py": "", "docs/a/b/c.py": "", "docs/top.py": "", "out/x.py": "", "x/out/y.py": "",
        "out_keep.py": "", "1st.py": "", "x1.py": "", "Upper.py": "", "lower.py": "", "#hash.py": "",
        "trailing.py": "",
    })
    assert listed(tmp_path) == ["lower.py", "out_keep.py", "x/anchored.py", "x/dotted.py", "x1.py"]


REPEATED = "**/" * 40 + "x.py"


@pytest.mark.parametrize("where", ["gitignore", "extend-exclude"])
@pytest.mark.parametrize("pattern", [REPEATED, "a/" + "**/a/" * 14 + "b.py", "*a" * 30 + "b.py"])
def test_no_pattern_makes_matching_slow(tmp_path, where, pattern):
    deep = "/".join(["a"] * 60)
    tree(tmp_path, {f"{deep}/{'a' * 200}.py": "", f"{deep}/x.py": "", "a/x.py": "", "ok.py": ""})
    kw = {}
    if where == "gitignore":
        (tmp_path / ".gitignore").write_text(pattern + "\n")
    else:
        kw["extend_exclude"] = (pattern,)
    started = time.process_time()
    files = listed(tmp_path, **kw)
    assert time.process_time() - started < 1.0
    assert "ok.py" in files
    if pattern == REPEATED:
        assert files == [f"{deep}/{'a' * 200}.py", "ok.py"]


def test_unparsable_gitignore_lines_are_skipped_with_a_warning(tmp_path, backend):
    tree(tmp_path, {".gitignore": "gen/\n[z-a]\n[]\nfoo\\\n[[:nope:]].py\n*.tmp.py\n",
                    "gen/x.py": "", "a.tmp.py": "", "z.py": "", "ok.py": ""})
    notices = []
    assert listed(tmp_path, notices=notices) == ["ok.py", "z.py"]
    gitignore = tmp_path / ".gitignore"
    assert [n.split(": the pattern")[0] for n in notices] == [f"{gitignore}:{line}" for line in (2, 3, 4, 5)]
    assert "`[z-a]` cannot be parsed (bad character range z-a)" in notices[0]
    assert "`[]` cannot be parsed (a `[` is never closed)" in notices[1]
    assert "ends with a backslash" in notices[2]
    assert "unknown character class `[:nope:]`" in notices[3]
    assert all(n.endswith("it is skipped, as git skips it: correct or remove it") for n in notices)


def test_posix_classes_match_as_in_git_without_a_futurewarning(tmp_path, backend):
    tree(tmp_path, {".gitignore": "[[:alpha:]][[:digit:]].py\n[[:alpha:]]\n", "a1.py": "", "11.py": "", "ab.py": ""})
    re.purge()  # Python's re warns when it compiles, not when its cache answers
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert listed(tmp_path) == ["11.py", "ab.py"]


def test_a_file_name_that_is_not_utf8_is_matched_not_a_crash(tmp_path, backend):
    tree(tmp_path, {".gitignore": "*.gen.py\nskip?.py\n", "ok.py": ""})
    for name in (b"caf\xe9.py", b"skip\xff.py", b"x\xfe.gen.py"):
        with open(os.path.join(os.fsencode(tmp_path), name), "w"):
            pass
    assert listed(tmp_path) == [os.fsdecode(b"caf\xe9.py"), "ok.py"]


def test_the_check_command_warns_and_lints_on(project):
    (project / "pyproject.toml").write_text(textwrap.dedent("""\
        [tool.reslint]
        select = ["RES301"]
        extend-exclude = ["[z-a]"]
        per-file-ignores = { "[]" = ["RES301"] }
        """))
    (project / ".gitignore").write_text("[z-a]\n")
    (project / "a.py").write_text(BARE)
    (project / "b.py").write_text(BARE)
    result = CliRunner().invoke(main, ["check", "."], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "a.py:3:1: RES301" in result.output and "b.py:3:1: RES301" in result.output
    warned = [line for line in result.stderr.splitlines() if line.startswith("reslint: warning:")]
    assert [w.split(": the pattern")[0] for w in warned] == [
        f"reslint: warning: {project / 'pyproject.toml'}:3: in `extend-exclude`",
        f"reslint: warning: {project / 'pyproject.toml'}:4: in `per-file-ignores`",
        f"reslint: warning: {project / '.gitignore'}:1",
    ]
    assert "internal error" not in result.output


def test_a_cached_walk_repeats_the_gitignore_warnings(tmp_path, monkeypatch):
    monkeypatch.setenv("RESLINT_CACHE_DIR", str(tmp_path / "cache"))
    project = tmp_path / "proj"
    tree(project, {".gitignore": "[z-a]\n", "ok.py": ""})
    past = time.time() - 3600  # older than the walk by more than a timestamp's tick
    for path in (project / ".gitignore", project / "ok.py", project):
        os.utime(path, (past, past))
    settings = Settings(root=project)
    for _ in range(2):
        new_run()
        notices, report = [], {}
        discover(["."], settings, cwd=str(project), use_cache=True, notices=notices, report=report)
        assert len(notices) == 1 and "`[z-a]` cannot be parsed" in notices[0]
    assert report["reused"]


def test_plain_patterns_are_checked_without_importing_pathspec():
    assert not globs.might_fail("build/") and not globs.might_fail("**/*.egg-info")
    assert all(globs.might_fail(p) for p in ("[z-a]", "foo\\", "!", "/", "a\udcff"))
    assert globs.check(["build/", "[z-a]"], ["here", "there"])[0] is None
    assert globs.check(["build/", "[z-a]"], ["here", "there"])[1].startswith("there: the pattern `[z-a]`")
