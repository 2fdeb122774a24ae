from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterable, List, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"

# The one command that regenerates every generated file (snapshots and the README rules table).
UPDATE_COMMAND = "python scripts/update_generated.py"

# what the tests of this run wrote or deleted with --snapshot-update: (action, path)
CHANGES: List[Tuple[str, Path]] = []


@pytest.fixture(autouse=True)
def _no_user_cache(monkeypatch):
    """No test reads or writes the user's cache directory: caching is off unless a test points
    RESLINT_CACHE_DIR at a directory of its own (tests that patch the registry would otherwise
    meet results cached for other rules)."""
    monkeypatch.setenv("RESLINT_CACHE_DIR", "")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project directory (with its own pyproject.toml) as the working directory."""
    (tmp_path / "pyproject.toml").write_text("[tool.reslint]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _shown(path: Path) -> str:
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


class Golden:
    """Generated files the tests keep in the repository: snapshots, the README rules table.

    Without ``--snapshot-update`` a test compares its output with the file and fails on a
    difference, naming the file and the command that regenerates it. With ``--snapshot-update``
    it writes the file instead (or deletes a stale one) and passes, so one update run brings
    every generated file up to date whatever state they were in; the files it changed are
    listed at the end of the run, to be read before committing. (pytest-snapshot's own fixture
    fails every test whose snapshot it writes, so an update run was never green.)
    """

    def __init__(self, updating: bool):
        self.updating = updating

    def record(self, action: str, path: Path) -> None:
        CHANGES.append((action, path))

    def check(self, path: Path, value: str) -> None:
        """``path`` holds exactly ``value``, encoded as UTF-8."""
        current = path.read_bytes().decode("utf-8") if path.is_file() else None
        if self.updating:
            if current != value:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(value.encode("utf-8"))
                self.record("created" if current is None else "updated", path)
            return
        if current is None:
            pytest.fail(f"snapshot {_shown(path)} does not exist: run `{UPDATE_COMMAND}` and read it", pytrace=False)
        assert value == current, f"snapshot {_shown(path)} differs: if the change is intended, run `{UPDATE_COMMAND}`"

    def check_absent(self, paths: Iterable[Path], why: str) -> None:
        """None of ``paths`` exists (stale snapshots); an update run deletes them."""
        stale = [path for path in paths if path.exists()]
        if not stale:
            return
        if self.updating:
            for path in stale:
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                self.record("deleted", path)
                if not any(path.parent.iterdir()):
                    path.parent.rmdir()
            return
        shown = ", ".join(_shown(path) for path in stale)
        pytest.fail(f"stale snapshot{'s' if len(stale) > 1 else ''} {shown}: {why}; "
                    f"run `{UPDATE_COMMAND}` to delete {'them' if len(stale) > 1 else 'it'}", pytrace=False)


def is_updating(config) -> bool:
    return bool(config.getoption("snapshot_update", default=False))


@pytest.fixture
def golden(request) -> Golden:
    return Golden(is_updating(request.config))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", f"generated: checks (and with --snapshot-update writes) a generated file; `{UPDATE_COMMAND}` runs these"
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "golden" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.generated)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not is_updating(config):
        return
    terminalreporter.section("generated files")
    if not CHANGES:
        terminalreporter.write_line("every generated file was already up to date")
        return
    for action, path in CHANGES:
        terminalreporter.write_line(f"{action} {_shown(path)}")
    terminalreporter.write_line("read every change before committing: git status; git diff -- tests/snapshots README.md")
