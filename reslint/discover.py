"""Which files to lint.

- A directory argument is walked: `.py` and `.pyi` files, skipping the
  `exclude` + `extend-exclude` patterns (by default VCS folders, virtualenvs,
  caches, `build`, `dist`, `node_modules`, `.tox`, `.nox`, ...), any directory
  holding a `pyvenv.cfg` (a virtualenv, whatever its name), and what
  `.gitignore` files (at every level) and `.git/info/exclude` ignore.
  Directory symlinks are not followed.
- A file argument is linted even when excluded, unless `force_exclude`
  (the pre-commit case: the hook passes every staged file).
- `-` means standard input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Set, Tuple

from .config import Settings
from .globs import PatternSet

PYTHON_SUFFIXES = (".py", ".pyi")
STDIN = "-"


@dataclass(frozen=True)
class Target:
    path: str  # absolute path, or "-" for stdin
    display: str  # what the user sees: relative to the cwd when possible
    rel: str  # relative to the project root (per-file-ignores, SARIF), forward slashes


class DiscoveryError(Exception):
    pass


def display_path(path: str, cwd: str) -> str:
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:  # other drive on Windows
        return path
    return path if rel.startswith("..") else rel


def root_relative(path: str, root: str) -> str:
    try:
        rel = os.path.relpath(path, root)
    except ValueError:
        rel = path
    if rel.startswith(".."):
        rel = os.path.abspath(path)
    return rel.replace(os.sep, "/")


class _Ignores:
    """Exclusion patterns plus the .gitignore files seen on the way down."""

    def __init__(self, settings: Settings):
        self.root = str(settings.root)
        self.exclude = PatternSet(self.root, settings.excluded_patterns())
        self.respect_gitignore = settings.respect_gitignore
        self._gitignores: dict = {}

    def _gitignore_for(self, directory: str) -> Optional[PatternSet]:
        if directory not in self._gitignores:
            found = PatternSet.from_file(os.path.join(directory, ".gitignore"), directory)
            if os.path.isdir(os.path.join(directory, ".git")):
                extra = PatternSet.from_file(os.path.join(directory, ".git", "info", "exclude"), directory)
                if extra:
                    if found:
                        found.patterns = extra.patterns + found.patterns
                    else:
                        found = extra
            self._gitignores[directory] = found
        return self._gitignores[directory]

    def _excluded_by_patterns(self, path: str, is_dir: bool) -> bool:
        verdict = self.exclude.decide(path, is_dir)
        if verdict is None:
            # outside the root: match the patterns against the name alone
            name = os.path.basename(path)
            verdict = any(p.matches(name, is_dir) and not p.negated for p in self.exclude.patterns)
        return bool(verdict)

    def gitignored(self, path: str, is_dir: bool, chain: Sequence[str]) -> bool:
        if not self.respect_gitignore:
            return False
        verdict = None
        for directory in chain:
            patterns = self._gitignore_for(directory)
            if patterns is not None:
                decided = patterns.decide(path, is_dir)
                if decided is not None:
                    verdict = decided
        return bool(verdict)

    def skip_dir(self, path: str, chain: Sequence[str]) -> bool:
        if self._excluded_by_patterns(path, True):
            return True
        if os.path.isfile(os.path.join(path, "pyvenv.cfg")):
            return True
        return self.gitignored(path, True, chain)

    def skip_file(self, path: str, chain: Sequence[str]) -> bool:
        return self._excluded_by_patterns(path, False) or self.gitignored(path, False, chain)

    def explicitly_excluded(self, path: str) -> bool:
        """For --force-exclude: the file or one of its directories below the root is excluded."""
        chain = _ancestor_dirs(os.path.dirname(path), self.root)
        for i, directory in enumerate(chain):
            if directory.startswith(self.root + os.sep) and self.skip_dir(directory, chain[:i]):
                return True
        return self.skip_file(path, chain)


def _ancestor_dirs(directory: str, root: str) -> List[str]:
    """Directories from the root (or the filesystem top) down to ``directory``."""
    out = []
    current = directory
    while True:
        out.append(current)
        if current == root:
            break
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return list(reversed(out))


def discover(paths: Sequence[str], settings: Settings, cwd: Optional[str] = None) -> Tuple[List[Target], List[str]]:
    """(targets, problems). A problem is a path argument that does not exist."""
    cwd = cwd or os.getcwd()
    ignores = _Ignores(settings)
    root = str(settings.root)
    targets: List[Target] = []
    problems: List[str] = []
    seen: Set[str] = set()

    def add(path: str) -> None:
        if path not in seen:
            seen.add(path)
            targets.append(Target(path, display_path(path, cwd), root_relative(path, root)))

    for raw in paths:
        if raw == STDIN:
            targets.append(Target(STDIN, STDIN, STDIN))
            continue
        path = os.path.abspath(os.path.join(cwd, raw))
        if os.path.isdir(path):
            for found in _walk(path, ignores):
                add(found)
        elif os.path.exists(path) or os.path.islink(path):
            if settings.force_exclude and ignores.explicitly_excluded(path):
                continue
            add(path)
        else:
            problems.append(f"{raw}: no such file or directory")
    return targets, problems


def _walk(top: str, ignores: _Ignores) -> Iterable[str]:
    chain = _ancestor_dirs(top, ignores.root) if top.startswith(ignores.root) else [top]
    found: List[str] = []
    stack: List[Tuple[str, List[str]]] = [(top, chain)]
    while stack:
        directory, dir_chain = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if not ignores.skip_dir(entry.path, dir_chain):
                    subdirs.append(entry.path)
            elif entry.name.endswith(PYTHON_SUFFIXES):
                if not ignores.skip_file(entry.path, dir_chain):
                    found.append(entry.path)
        for sub in reversed(subdirs):
            stack.append((sub, dir_chain + [sub]))
    return sorted(found)
