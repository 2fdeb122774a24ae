"""The persistent caches (reslint.cache): results, the walk, the rule catalog.

Each test points RESLINT_CACHE_DIR at a directory of its own. Files are given modification
times in the past, as a real project's are: an entry written within the racy window of a file's
last change is re-hashed, never trusted from its stat signature.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reslint import api, cache
from reslint.config import load
from reslint.discover import discover, new_run

PAST = time.time() - 3600


def _age(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        os.utime(path, (PAST, PAST))


def _write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (PAST, PAST))
    os.utime(path.parent, (PAST, PAST))
    return path


@pytest.fixture
def cached(tmp_path, monkeypatch):
    """A project (cwd) and a cache directory; ``run()`` lints it and says which files were linted."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.reslint]\n", encoding="utf-8")
    _age(root)
    directory = tmp_path / "cache"
    monkeypatch.setenv("RESLINT_CACHE_DIR", str(directory))
    monkeypatch.chdir(root)
    linted: list = []
    real = api.lint_target

    def counting(target, *args, **kwargs):
        linted.append(target.rel)
        return real(target, *args, **kwargs)

    monkeypatch.setattr(api, "lint_target", counting)

    class Run:
        def __init__(self):
            self.root = root
            self.directory = directory

        def __call__(self, config: str = "[tool.reslint]\n", jobs: int = 1):
            (root / "pyproject.toml").write_text(config, encoding="utf-8")
            os.utime(root / "pyproject.toml", (PAST, PAST))
            linted.clear()
            new_run()
            settings = load()
            targets, _ = discover(["."], settings, use_cache=True)
            options = api.RunOptions(want_edits=True, jobs=jobs, project=api.project_index(settings, targets))
            results_cache = api.result_cache(settings, options)
            results = api.lint_all(targets, settings, options, cache=results_cache)
            results_cache.save()
            found = sorted((r.rel, f.code, f.span.line) for r in results for f in r.findings)
            return sorted(linted), found

    return Run()


UNBOUNDED = "import requests\n\ndef get():\n    return requests.get('https://x')\n"
PLAIN = "def f():\n    return 1\n"


def test_second_run_lints_nothing_and_reports_the_same(cached):
    _write(cached.root, "a.py", UNBOUNDED)
    _write(cached.root, "b.py", PLAIN)
    linted, first = cached()
    assert linted == ["a.py", "b.py"] and ("a.py", "RES101", 4) in first
    linted, second = cached()
    assert linted == [] and second == first


def test_a_changed_file_is_linted_again_and_only_it(cached):
    _write(cached.root, "a.py", UNBOUNDED)
    _write(cached.root, "b.py", PLAIN)
    cached()
    _write(cached.root, "a.py", UNBOUNDED.replace("'https://x'", "'https://x', timeout=5"))
    linted, found = cached()
    assert linted == ["a.py"] and found == []


def test_same_size_same_mtime_edit_is_seen_while_racy(cached):
    """Within the racy window the content is hashed: an edit that keeps size and mtime is seen."""
    path = cached.root / "a.py"
    path.write_text(UNBOUNDED, encoding="utf-8")
    _, first = cached()
    stat = path.stat()
    path.write_text(UNBOUNDED.replace("requests.get", "requests.put"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    linted, found = cached()
    assert linted == ["a.py"] and found == first


def test_a_changed_setting_invalidates_every_file(cached):
    _write(cached.root, "a.py", UNBOUNDED)
    _write(cached.root, "b.py", PLAIN)
    cached()
    linted, found = cached('[tool.reslint]\nignore = ["RES101"]\n')
    assert linted == ["a.py", "b.py"] and not [f for f in found if f[1] == "RES101"]
    # and each setting keeps its own entries
    assert cached('[tool.reslint]\nignore = ["RES101"]\n')[0] == []
    assert cached()[0] == []


def test_a_changed_rule_option_or_severity_invalidates(cached):
    _write(cached.root, "a.py", UNBOUNDED)
    cached()
    linted, _ = cached('[tool.reslint]\n[tool.reslint.severity]\nRES101 = "note"\n')
    assert linted == ["a.py"]
    linted, _ = cached('[tool.reslint]\n[tool.reslint.rules.RES501]\nextra-async-calls = ["lib.go"]\n')
    assert linted == ["a.py"]


def test_another_reslint_version_invalidates(cached, monkeypatch):
    _write(cached.root, "a.py", UNBOUNDED)
    cached()
    monkeypatch.setattr(cache, "_fingerprint", ["another-version"])
    linted, found = cached()
    assert linted == ["a.py"] and ("a.py", "RES101", 4) in found
    # the files of the other version are pruned
    assert len(list(cached.directory.glob("results-*"))) == 1


def test_a_changed_coroutine_invalidates_exactly_its_users(cached):
    """RES501 on a sync file that never says `async`: it depends on the project index only."""
    _write(cached.root, "pkg/__init__.py", "")
    _write(cached.root, "pkg/io.py", "def send():\n    pass\n")
    _write(cached.root, "user.py", "from pkg.io import send\n\ndef f():\n    send()\n")
    _write(cached.root, "other.py", "from pkg.io import other\n\ndef g():\n    other()\n")
    linted, found = cached()
    assert "user.py" in linted and not [f for f in found if f[1] == "RES501"]
    _write(cached.root, "pkg/io.py", "async def send():\n    pass\n\ndef other():\n    pass\n")
    linted, found = cached()
    assert linted == ["pkg/io.py", "user.py"]
    assert ("user.py", "RES501", 4) in found
    # an index change that the file's answers do not see keeps it cached
    _write(cached.root, "pkg/io.py", "async def send():\n    pass\n\ndef other():\n    pass\n\nasync def third():\n    pass\n")
    linted, found = cached()
    assert linted == ["pkg/io.py"] and ("user.py", "RES501", 4) in found


def test_a_default_socket_timeout_set_elsewhere_invalidates_the_socket_users(cached):
    """RES101 asks the project index whether the program sets `socket.setdefaulttimeout(n)`."""
    _write(cached.root, "pkg/__init__.py", "")
    _write(cached.root, "pkg/fetch.py", "import urllib.request\n\ndef f(url):\n    return urllib.request.urlopen(url)\n")
    _write(cached.root, "pkg/cli.py", "import socket\n\ndef main():\n    socket.setdefaulttimeout(30)\n")
    _, found = cached()
    assert not [f for f in found if f[1] == "RES101"]
    _write(cached.root, "pkg/cli.py", "import socket\n\ndef main():\n    pass\n")
    linted, found = cached()
    assert "pkg/fetch.py" in linted and ("pkg/fetch.py", "RES101", 4) in found
    _write(cached.root, "pkg/cli.py", "import socket\n\ndef main():\n    socket.setdefaulttimeout(10)\n")
    linted, found = cached()
    assert "pkg/fetch.py" in linted and not [f for f in found if f[1] == "RES101"]


def test_a_changed_async_method_invalidates_its_callers(cached):
    _write(cached.root, "pkg/__init__.py", "")
    _write(cached.root, "pkg/base.py", "class Base:\n    async def close(self):\n        pass\n")
    _write(cached.root, "pkg/child.py", "from pkg.base import Base\n\nclass Child(Base):\n"
                                        "    async def run(self):\n        self.close()\n")
    _, found = cached()
    assert ("pkg/child.py", "RES501", 5) in found
    _write(cached.root, "pkg/base.py", "class Base:\n    def close(self):\n        pass\n\nasync def x():\n    pass\n")
    linted, found = cached()
    assert "pkg/child.py" in linted and not [f for f in found if f[1] == "RES501"]


def test_a_method_turned_async_reaches_a_sync_caller_kept_off_libcst(cached):
    """A sync file whose only link to a coroutine is a method of a project class in another module:
    the stdlib-ast filter keeps it off libcst while the method is sync, and the change of the
    method's kind (a change to the project's coroutine names) lints it again."""
    _write(cached.root, "pkg/__init__.py", "")
    _write(cached.root, "pkg/store.py", "class Store:\n    def save(self):\n        pass\n")
    _write(cached.root, "user.py", "from pkg.store import Store\n\ndef f(s: Store):\n    s.save()\n")
    linted, found = cached()
    assert "user.py" in linted and not [f for f in found if f[1] == "RES501"]
    _write(cached.root, "pkg/store.py", "class Store:\n    async def save(self):\n        pass\n")
    linted, found = cached()
    assert "user.py" in linted
    assert ("user.py", "RES501", 4) in found


def test_a_method_turned_async_reaches_a_local_of_its_class(cached):
    """`store = Store(); store.save()`: the prefilter reads the project's class-method pairs; a
    file it kept off libcst is linted again when `Store.save` becomes a coroutine function."""
    _write(cached.root, "pkg/__init__.py", "")
    _write(cached.root, "pkg/store.py", "class Store:\n    def save(self):\n        pass\n\n"
                                        "    async def load(self):\n        pass\n")
    _write(cached.root, "user.py", "from pkg.store import Store\n\ndef f():\n    store = Store()\n    store.save()\n")
    _, found = cached()
    assert not [f for f in found if f[1] == "RES501"]
    _write(cached.root, "pkg/store.py", "class Store:\n    async def save(self):\n        pass\n\n"
                                        "    async def load(self):\n        pass\n")
    linted, found = cached()
    assert "user.py" in linted
    assert ("user.py", "RES501", 5) in found


def test_project_index_sees_a_rewrite_that_keeps_size_and_mtime(cached):
    """Outside the racy window too: a file rewritten with its old size and mtime put back (`touch
    -d`, a checkout) has a new ctime, so the index hashes it again."""
    new = "async def send():\n    pass\n"
    old = "def send():\n    pass\n".ljust(len(new) - 1) + "\n"
    _write(cached.root, "pkg/__init__.py", "")
    io = _write(cached.root, "pkg/io.py", old)
    _write(cached.root, "user.py", "from pkg.io import send\n\ndef f():\n    send()\n")
    _, found = cached()
    assert not [f for f in found if f[1] == "RES501"]
    stat = io.stat()
    time.sleep(0.01)
    io.write_text(new, encoding="utf-8")
    os.utime(io, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert io.stat().st_size == stat.st_size and io.stat().st_mtime_ns == stat.st_mtime_ns
    _, found = cached()
    assert ("user.py", "RES501", 4) in found


@pytest.mark.parametrize("bad", [42, None, [], [1, 2, 3, 4], [[1, 2], 5, ["x"], None],
                                 [[1, 2, 3], None, ["pkg.io"], {"coroutines": 5}]])
def test_a_project_index_entry_of_the_wrong_shape_is_rebuilt(cached, capsys, bad):
    _write(cached.root, "pkg/__init__.py", "")
    _write(cached.root, "pkg/io.py", "async def send():\n    pass\n")
    _write(cached.root, "user.py", "from pkg.io import send\n\ndef f():\n    send()\n")
    _, first = cached()
    assert ("user.py", "RES501", 4) in first
    [index] = cached.directory.glob("index-*.json")
    entries = json.loads(index.read_text(encoding="utf-8"))
    entries["pkg/io.py"] = bad
    index.write_text(json.dumps(entries), encoding="utf-8")
    for results in cached.directory.glob("results-*"):
        results.unlink()  # lint again, so the index is asked
    _, found = cached()
    assert found == first
    assert "internal error" not in capsys.readouterr().err


def test_a_new_file_is_found_by_the_cached_walk(cached):
    _write(cached.root, "a.py", PLAIN)
    cached()
    assert cached()[0] == []
    (cached.root / "sub").mkdir()
    _write(cached.root, "sub/b.py", UNBOUNDED)
    os.utime(cached.root, None)  # the new directory changed its parent's mtime
    linted, found = cached()
    assert linted == ["sub/b.py"] and ("sub/b.py", "RES101", 4) in found


def test_a_corrupt_cache_file_is_survived(cached, capsys):
    _write(cached.root, "a.py", UNBOUNDED)
    _, first = cached()
    for path in cached.directory.iterdir():
        path.write_bytes(b"reslint-results-1\n\x80garbage")
    linted, found = cached()
    assert linted == ["a.py"] and found == first
    err = capsys.readouterr().err
    assert err.count("warning") == 1 and "corrupt cache file" in err
    assert cached()[0] == []  # rewritten whole


def test_an_unwritable_cache_dir_is_survived(cached, monkeypatch, capsys, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("RESLINT_CACHE_DIR", str(blocker / "cache"))
    _write(cached.root, "a.py", UNBOUNDED)
    _, first = cached()
    assert capsys.readouterr().err.count("reslint: warning: cannot") == 1  # once per run
    _, second = cached()
    assert first == second and ("a.py", "RES101", 4) in first
    assert capsys.readouterr().err.count("reslint: warning: cannot") == 1


def test_no_cache_is_no_cache(cached, monkeypatch):
    _write(cached.root, "a.py", UNBOUNDED)
    monkeypatch.setenv("RESLINT_CACHE_DIR", "")
    cached()
    assert cached()[0] == ["a.py"]
    assert not cached.directory.exists()


def _cli(root: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reslint", "check", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


def test_concurrent_runs_leave_a_valid_cache(tmp_path):
    root = tmp_path / "proj"
    for i in range(30):
        _write(root, f"m{i}.py", UNBOUNDED if i % 3 == 0 else PLAIN)
    env = {**os.environ, "RESLINT_CACHE_DIR": str(tmp_path / "cache")}
    runs = [subprocess.Popen([sys.executable, "-m", "reslint", "check", "--isolated", "-j", "1", "."], cwd=root,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert all(run.returncode == 1 for run in runs), outputs
    assert len({out for out, _ in outputs}) == 1 and not any("warning" in err for _, err in outputs)
    assert not list((tmp_path / "cache").glob("*.tmp"))
    again = _cli(root, env, "--isolated", ".")
    assert again.stdout == outputs[0][0] and again.stderr == outputs[0][1]


def test_a_cached_run_imports_neither_libcst_nor_the_rules(tmp_path):
    root = tmp_path / "proj"
    _write(root, "a.py", UNBOUNDED)
    _write(root, "b.py", "import asyncio\n\nasync def main():\n    asyncio.sleep(1)\n")
    env = {**os.environ, "RESLINT_CACHE_DIR": str(tmp_path / "cache")}
    probe = ("import sys\nfrom reslint.cli import main\ntry:\n    main(['check', '--isolated', '.'])\n"
             "except SystemExit:\n    pass\n"
             "print('LOADED', sorted(m for m in sys.modules if m == 'libcst' or m.startswith('reslint.rules.')))\n")

    def loaded() -> str:
        out = subprocess.run([sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True,
                             timeout=120).stdout
        return out[out.index("LOADED"):].strip()

    assert "libcst" in loaded()  # the first run lints
    assert loaded() == "LOADED []"


def test_no_cache_flag_writes_nothing(tmp_path):
    root = tmp_path / "proj"
    _write(root, "a.py", UNBOUNDED)
    env = {**os.environ, "RESLINT_CACHE_DIR": str(tmp_path / "cache")}
    first = _cli(root, env, "--isolated", "--no-cache", ".")
    assert first.returncode == 1 and "RES101" in first.stdout
    assert not (tmp_path / "cache").exists()
