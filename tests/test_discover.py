"""Which files `reslint check` lints."""

from __future__ import annotations

from pathlib import Path

from reslint.config import Settings
from reslint.discover import discover


def tree(root: Path, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def found(root: Path, paths=(".",), **kw):
    settings = Settings(root=root, **kw)
    targets, problems = discover(list(paths), settings, cwd=str(root))
    return sorted(t.display for t in targets), problems


def test_default_exclusions(tmp_path):
    tree(tmp_path, {
        "app/main.py": "", "app/types.pyi": "", "app/readme.txt": "",
        ".git/hooks/x.py": "", ".venv/lib/x.py": "", "env2/pyvenv.cfg": "", "env2/lib/x.py": "",
        "app/__pycache__/x.py": "", "build/lib/x.py": "", "dist/x.py": "", "node_modules/x.py": "",
        ".tox/py/x.py": "", ".nox/x.py": "", "pkg.egg-info/x.py": "",
    })
    assert found(tmp_path) == (["app/main.py", "app/types.pyi"], [])


def test_gitignore_at_every_level(tmp_path):
    tree(tmp_path, {
        ".gitignore": "generated/\n*_pb2.py\n/top_only.py\n!keep_pb2.py\n",
        "generated/x.py": "", "a/generated/y.py": "",
        "api_pb2.py": "", "a/b_pb2.py": "", "keep_pb2.py": "",
        "top_only.py": "", "a/top_only.py": "",
        "a/.gitignore": "local.py\n", "a/local.py": "", "local.py": "",
        "ok.py": "",
    })
    files, _ = found(tmp_path)
    assert files == ["a/top_only.py", "keep_pb2.py", "local.py", "ok.py"]
    files, _ = found(tmp_path, respect_gitignore=False)
    assert "generated/x.py" in files and "a/local.py" in files


def test_git_info_exclude(tmp_path):
    tree(tmp_path, {".git/info/exclude": "scratch.py\n", "scratch.py": "", "ok.py": ""})
    assert found(tmp_path)[0] == ["ok.py"]


def test_extend_exclude_patterns(tmp_path):
    tree(tmp_path, {"migrations/0001.py": "", "app/migrations/0002.py": "", "legacy/a/b.py": "", "app/x.py": ""})
    files, _ = found(tmp_path, extend_exclude=("migrations/", "legacy/**/*.py"))
    assert files == ["app/x.py"]


def test_explicit_file_linted_unless_force_exclude(tmp_path):
    tree(tmp_path, {".gitignore": "gen/\n", "gen/x.py": "", "build/y.py": ""})
    assert found(tmp_path, ["gen/x.py", "build/y.py"])[0] == ["build/y.py", "gen/x.py"]
    assert found(tmp_path, ["gen/x.py", "build/y.py"], force_exclude=True)[0] == []


def test_missing_path_is_a_problem(tmp_path):
    assert found(tmp_path, ["nope.py"]) == ([], ["nope.py: no such file or directory"])


def test_stdin_and_duplicates(tmp_path):
    tree(tmp_path, {"a.py": ""})
    assert found(tmp_path, ["-", "a.py", ".", "a.py"])[0] == ["-", "a.py"]


# --------------------------------------------------------------------------
# symlinks: never followed out of the linted roots; one file, one target

import os  # noqa: E402

import pytest  # noqa: E402

from reslint.discover import linted_roots  # noqa: E402


def found_with_notices(root: Path, paths=(".",), cwd=None, **kw):
    settings = Settings(root=root, **kw)
    notices = []
    targets, problems = discover(list(paths), settings, cwd=str(cwd or root), notices=notices)
    return sorted(t.display for t in targets), problems, notices


def test_file_links_leading_outside_the_roots_are_skipped_with_a_notice(tmp_path):
    project, outside = tmp_path / "proj", tmp_path / "outside"
    tree(project, {"pkg/ok.py": ""})
    tree(outside, {"victim.py": "x = 1\n"})
    os.symlink(outside / "victim.py", project / "pkg" / "absolute.py")
    os.symlink(os.path.join("..", "..", "outside", "victim.py"), project / "pkg" / "relative.py")
    os.symlink("/etc/passwd", project / "pkg" / "passwd.py")
    files, problems, notices = found_with_notices(project)
    assert files == ["pkg/ok.py"] and problems == []
    assert sorted(n.split(":")[0] for n in notices) == ["pkg/absolute.py", "pkg/passwd.py", "pkg/relative.py"]
    assert all("skipped: a symlink to a file outside the linted directories" in n for n in notices)
    assert any("(/etc/passwd)" in n for n in notices)


def test_a_directory_link_leading_outside_is_not_followed_and_said(tmp_path):
    project, outside = tmp_path / "proj", tmp_path / "outside"
    tree(project, {"ok.py": "", "sub/inner.py": ""})
    tree(outside, {"lib/secret.py": ""})
    os.symlink(outside / "lib", project / "vendored")
    os.symlink(project / "sub", project / "alias")  # inside: its files are reached directly
    files, problems, notices = found_with_notices(project)
    assert files == ["ok.py", "sub/inner.py"]
    assert len(notices) == 1 and notices[0].startswith("vendored: skipped: a symlink to a directory outside")


def test_a_file_reached_twice_through_links_is_listed_once_by_its_own_path(tmp_path):
    tree(tmp_path, {"pkg/real.py": "", "other.py": ""})
    os.symlink(tmp_path / "pkg" / "real.py", tmp_path / "alias.py")
    os.symlink("real.py", tmp_path / "pkg" / "zz_alias.py")
    assert found_with_notices(tmp_path) == (["other.py", "pkg/real.py"], [], [])
    # named on the command line, through the link first
    assert found_with_notices(tmp_path, ["alias.py", "pkg/real.py"])[0] == ["pkg/real.py"]
    # a link alone is linted under its own name
    assert found_with_notices(tmp_path, ["alias.py"])[0] == ["alias.py"]


def test_a_link_named_on_the_command_line_leading_outside_is_skipped(tmp_path):
    project, outside = tmp_path / "proj", tmp_path / "outside"
    tree(project, {"ok.py": ""})
    tree(outside, {"victim.py": ""})
    os.symlink(outside / "victim.py", project / "link.py")
    files, problems, notices = found_with_notices(project, ["link.py"])
    assert files == [] and problems == []
    assert notices and notices[0].startswith("link.py: skipped")


def test_a_directory_argument_is_a_root_even_outside_the_project(tmp_path):
    project, other = tmp_path / "proj", tmp_path / "other"
    tree(project, {"ok.py": ""})
    tree(other, {"a.py": "", "b.py": ""})
    os.symlink(other / "a.py", other / "link.py")
    roots = linted_roots([str(other)], Settings(root=project), str(project))
    assert roots == (str(project.resolve()), str(other.resolve()))
    files, _, notices = found_with_notices(project, [str(other)])
    assert files == [str(other / "a.py"), str(other / "b.py")] and notices == []


def test_the_check_command_never_reads_a_link_to_etc_passwd(project):
    os.symlink("/etc/passwd", project / "passwd.py")
    (project / "ok.py").write_text("x = 1\n")
    from click.testing import CliRunner

    from reslint.cli import main

    result = CliRunner().invoke(main, ["check", "--show-source", "."], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "reslint: warning: passwd.py: skipped: a symlink to a file outside the linted directories" in result.stderr
    assert "RES000" not in result.output and "root:" not in result.output
    assert "1 file checked" in result.output


# --------------------------------------------------------------------------
# directories that cannot be read

def _deny(monkeypatch, locked: Path):
    """Simulate a directory without read and search permission (chmod 000 stops nothing for root)."""
    real_scandir, real_stat = os.scandir, os.stat
    prefix = str(locked) + os.sep

    def scandir(path="."):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    def stat_(path, *args, **kwargs):
        if isinstance(path, (str, bytes, os.PathLike)) and os.fsdecode(path).startswith(prefix):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "stat", stat_)


def test_an_unreadable_directory_is_a_notice_and_a_file_in_it_permission_denied(tmp_path, monkeypatch):
    tree(tmp_path, {"ok.py": "", "locked/a.py": ""})
    _deny(monkeypatch, tmp_path / "locked")
    files, problems, notices = found_with_notices(tmp_path)
    assert files == ["ok.py"] and problems == []
    assert notices == ["locked: permission denied: the directory cannot be read, its files are not linted"]
    assert found_with_notices(tmp_path, ["locked/a.py"])[1] == ["locked/a.py: permission denied"]
    assert found_with_notices(tmp_path, ["locked"])[1] == ["locked: permission denied"]
    assert found_with_notices(tmp_path, ["gone.py"])[1] == ["gone.py: no such file or directory"]


def test_check_warns_about_an_unreadable_directory_by_name_and_lints_the_rest(project, monkeypatch):
    from click.testing import CliRunner

    from reslint.cli import main

    tree(project, {"ok.py": "x = 1\n", "locked/a.py": "x = 1\n"})
    _deny(monkeypatch, project / "locked")
    result = CliRunner().invoke(main, ["check", "--no-cache", "."], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stderr == ("reslint: warning: locked: permission denied: the directory cannot be read, its files "
                             "are not linted\n")
    assert "1 file checked" in result.stdout


def test_an_unreadable_directory_is_not_remembered_by_the_walk_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RESLINT_CACHE_DIR", str(tmp_path / "cache"))
    project = tmp_path / "proj"
    tree(project, {"ok.py": "", "locked/a.py": ""})
    settings = Settings(root=project)
    from reslint.discover import new_run

    with monkeypatch.context() as denied:
        _deny(denied, project / "locked")
        notices = []
        targets, _ = discover(["."], settings, cwd=str(project), use_cache=True, notices=notices)
        assert [t.display for t in targets] == ["ok.py"] and len(notices) == 1
    new_run()
    notices = []
    targets, _ = discover(["."], settings, cwd=str(project), use_cache=True, notices=notices)
    assert sorted(t.display for t in targets) == ["locked/a.py", "ok.py"] and notices == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads a chmod 000 directory: the simulated test above covers it")
def test_a_chmod_000_directory_for_real(tmp_path):
    tree(tmp_path, {"ok.py": "", "locked/a.py": ""})
    os.chmod(tmp_path / "locked", 0)
    try:
        files, problems, notices = found_with_notices(tmp_path)
        assert files == ["ok.py"] and len(notices) == 1 and "locked: permission denied" in notices[0]
        assert found_with_notices(tmp_path, ["locked/a.py"])[1] == ["locked/a.py: permission denied"]
    finally:
        os.chmod(tmp_path / "locked", 0o755)


def test_a_named_file_that_is_not_python_is_skipped_with_a_warning(tmp_path):
    tree(tmp_path, {"notes.txt": "x = 1\n", "nb.ipynb": "{}", "tool": "#!/usr/bin/env python3\nx = 1\n",
                    "run.sh": "#!/bin/sh\necho hi\n", "app.py": "", "types.pyi": ""})
    notices = []
    settings = Settings(root=tmp_path)
    targets, problems = discover(["notes.txt", "nb.ipynb", "tool", "run.sh", "app.py", "types.pyi"], settings,
                                 cwd=str(tmp_path), notices=notices)
    assert sorted(t.display for t in targets) == ["app.py", "tool", "types.pyi"]
    assert problems == []
    assert sorted(n.split(":")[0] for n in notices) == ["nb.ipynb", "notes.txt", "run.sh"]
    assert all("not a Python file" in n for n in notices)
