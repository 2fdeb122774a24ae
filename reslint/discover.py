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
import time
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

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
    if os.path.isabs(path) and os.path.normpath(path) == path and os.path.normpath(cwd) == cwd:
        # both normalised: no relpath needed (it is slow), and a path outside cwd is shown whole
        prefix = os.path.join(cwd, "")
        return path[len(prefix):] if path.startswith(prefix) and len(path) > len(prefix) else path
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:  # other drive on Windows
        return path
    return path if rel.startswith("..") else rel


def root_relative(path: str, root: str) -> str:
    prefix = os.path.join(root, "")
    if path.startswith(prefix) and os.path.normpath(root) == root and path[len(prefix):]:
        return path[len(prefix):].replace(os.sep, "/")
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
        # files whose presence or content decided something: path -> stat signature or None
        self.consulted: Dict[str, Optional[Tuple[int, int]]] = {}

    def consult(self, path: str) -> Optional[Tuple[int, int]]:
        signature = _signature(path)
        self.consulted[path] = signature
        return signature

    def _gitignore_for(self, directory: str) -> Optional[PatternSet]:
        if directory not in self._gitignores:
            gitignore = os.path.join(directory, ".gitignore")
            found = PatternSet.from_file(gitignore, directory) if self.consult(gitignore) else None
            if self.consult(os.path.join(directory, ".git")) is not None and os.path.isdir(os.path.join(directory, ".git")):
                exclude = os.path.join(directory, ".git", "info", "exclude")
                extra = PatternSet.from_file(exclude, directory) if self.consult(exclude) else None
                if extra:
                    if found:
                        found.patterns = extra.patterns + found.patterns
                    else:
                        found = extra
            self._gitignores[directory] = found
        return self._gitignores[directory]

    def _excluded_by_patterns(self, path: str, is_dir: bool) -> bool:
        verdict = self.exclude.decide(path, is_dir)
        if verdict is None and self.exclude.relative(path) is None:
            # outside the root: match the patterns against the name alone (inside it, a pattern
            # that matches the name matches the path too, so no verdict means none matches)
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
            self.consult(os.path.join(path, "pyvenv.cfg"))
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


def _signature(path: str) -> Optional[Tuple[int, int]]:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def discover(paths: Sequence[str], settings: Settings, cwd: Optional[str] = None, *,
             use_cache: bool = False, report: Optional[Dict[str, Any]] = None) -> Tuple[List[Target], List[str]]:
    """(targets, problems). A problem is a path argument that does not exist.

    With ``use_cache``, a directory argument's walk is kept in the cache directory and reused
    while no directory it visited and no ignore file it read has changed (stat signatures only);
    ``report["reused"]`` then says whether every walk was reused (no directory changed).
    """
    cwd = cwd or os.getcwd()
    ignores = _Ignores(settings)
    walks = _WalkCache(settings) if use_cache else None
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
            for found in (walks.walk(path, ignores) if walks is not None else _walk(path, ignores)):
                add(found)
        elif os.path.exists(path) or os.path.islink(path):
            if settings.force_exclude and ignores.explicitly_excluded(path):
                continue
            add(path)
        else:
            problems.append(f"{raw}: no such file or directory")
    if walks is not None:
        walks.save()
    if report is not None:
        report["reused"] = walks is not None and walks.reused and not walks.changed
    return targets, problems


# Within one run (see new_run) the walk cache file is read once and an entry checked once: a run
# walks the same tree for its files and for its project index.
_loaded_walks: Dict[Any, Dict[str, Any]] = {}
_validated: Set[int] = set()


def new_run() -> None:
    """Forget the walks read and checked so far: the next discover looks at the disk again (and a
    cache that cannot be used is warned about again)."""
    from . import cache

    cache.new_run()
    _loaded_walks.clear()
    _validated.clear()


class _WalkCache:
    """Directory walks of earlier runs with the same root and exclusion settings (one cache file)."""

    def __init__(self, settings: Settings):
        from . import cache

        self._cache = cache
        directory = cache.cache_dir()
        self.path = None
        self.entries: Dict[str, Any] = {}
        if directory is not None:
            key = cache.short_key(str(settings.root), settings.excluded_patterns(), settings.respect_gitignore)
            self.path = directory / f"walk-{cache.FORMAT}-{key}.pickle"
            if self.path in _loaded_walks:
                self.entries = _loaded_walks[self.path]
            else:
                loaded = cache.load_pickle(self.path, "walk")
                self.entries = _loaded_walks[self.path] = loaded if isinstance(loaded, dict) else {}
        self.changed = False
        self.reused = False

    def walk(self, top: str, ignores: _Ignores) -> List[str]:
        entry = self.entries.get(top)
        if entry is not None and (id(entry) in _validated or self._valid(entry)):
            _validated.add(id(entry))
            self.reused = True
            return list(entry[3])
        directories: Dict[str, int] = {}
        before = dict(ignores.consulted)
        ignores.consulted.clear()
        started = time.time_ns()
        found = _walk(top, ignores, directories)
        consulted = dict(ignores.consulted)
        ignores.consulted.update(before)
        self.entries[top] = (started, directories, consulted, tuple(found))
        self.changed = True
        return found

    def _valid(self, entry: Any) -> bool:
        try:
            written, directories, consulted, _ = entry
            limit = written - self._cache.RACY_NS
            for directory, mtime in directories.items():
                # a directory changed within the tick of the walk may have changed again unseen
                if mtime >= limit or os.stat(directory).st_mtime_ns != mtime:
                    return False
            return all(_signature(path) == signature for path, signature in consulted.items())
        except (OSError, ValueError, TypeError, AttributeError):
            return False

    def save(self) -> None:
        if self.changed and self.path is not None:
            self._cache.dump_pickle(self.path, "walk", self.entries)


def _walk(top: str, ignores: _Ignores, directories: Optional[Dict[str, int]] = None) -> List[str]:
    chain = _ancestor_dirs(top, ignores.root) if top.startswith(ignores.root) else [top]
    found: List[str] = []
    stack: List[Tuple[str, List[str]]] = [(top, chain)]
    while stack:
        directory, dir_chain = stack.pop()
        try:
            if directories is not None:
                directories[directory] = os.stat(directory).st_mtime_ns
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
