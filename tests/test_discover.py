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
