"""Which files to lint.

- A directory argument is walked: `.py` and `.pyi` files, skipping the
  `exclude` + `extend-exclude` patterns (by default VCS folders, virtualenvs,
  caches, `build`, `dist`, `node_modules`, `.tox`, `.nox`, ...), any directory
  holding a `pyvenv.cfg` (a virtualenv, whatever its name), and what
  `.gitignore` files (at every level) and `.git/info/exclude` ignore.
  Directory symlinks are not followed. A file symlink is linted only when its
  target lies inside the linted roots (:func:`linted_roots`); one that leads
  elsewhere, or a directory symlink that does, is skipped with a notice. A file
  reached through several paths is linted once.
- A subdirectory that cannot be read is reported in a notice; an argument that
  cannot be read is a problem ("permission denied"), as is one that does not exist.
- A file argument is linted even when excluded, unless `force_exclude`
  (the pre-commit case: the hook passes every staged file).
- `-` means standard input.

Each directory is judged by the settings that apply to it (:class:`reslint.config.Resolver`: the
nearest config file above it), so a nested config file's `exclude` and `respect-gitignore`
govern its subtree, its patterns relative to its own directory; each target carries the
settings of its file.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Set, Tuple

from .config import Settings
from .globs import PatternSet

if TYPE_CHECKING:  # pragma: no cover
    from .config import Resolver

PYTHON_SUFFIXES = (".py", ".pyi")
STDIN = "-"


@dataclass(frozen=True)
class Target:
    path: str  # absolute path, or "-" for stdin
    display: str  # what the user sees: relative to the cwd when possible
    rel: str  # relative to the run's report root (SARIF, annotations, fingerprints), forward slashes
    # the settings of this file (its nearest config file's); None: the run's settings, and ``rel``
    # is relative to their root
    settings: Optional[Settings] = field(default=None, compare=False, repr=False)


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


def report_root(paths: Sequence[str], settings: Settings, cwd: Optional[str] = None,
                resolver: "Optional[Resolver]" = None) -> str:
    """The directory a run's paths are reported relative to (SARIF, GitHub annotations, fingerprints,
    baselines): the repository root (the nearest directory with `.git` or `.hg` at or above the
    paths' common directory), else the directory of the config file that applies there, else the
    working directory. The same from the repository root, a subdirectory or a parent directory."""
    from .project import vcs_root
    from pathlib import Path

    cwd = cwd or os.getcwd()
    dirs = []
    for raw in paths:
        if raw == STDIN:
            continue
        path = os.path.abspath(os.path.join(cwd, raw))
        dirs.append(path if os.path.isdir(path) else os.path.dirname(path))
    try:
        start = os.path.commonpath(dirs) if dirs else cwd
    except ValueError:  # paths on several drives
        start = cwd
    vcs = vcs_root(Path(start))
    if vcs is not None:
        return str(vcs)
    governing = resolver.settings_for_dir(start) if resolver is not None else settings
    if governing.config_path is not None:
        return str(governing.root)
    return cwd


class _Ignores:
    """Exclusion patterns (each directory's, from the settings that apply to it) plus the
    .gitignore files seen on the way down."""

    def __init__(self, settings: Settings, resolver: "Optional[Resolver]" = None):
        self.root = str(settings.root)
        self.settings = settings
        self.resolver = resolver
        self.respect_gitignore = settings.respect_gitignore
        self._gitignores: dict = {}
        # settings -> its exclusion pattern sets ((directory, PatternSet) pairs)
        self._exclusions: Dict[int, Tuple[Settings, List[PatternSet]]] = {}
        # files whose presence or content decided something: path -> stat signature or None
        self.consulted: Dict[str, Optional[Tuple[int, int]]] = {}
        # what the user should hear about (patterns that cannot be parsed, unreadable ignore files)
        self.notices: List[str] = []
        # directory -> the config file names its listing holds (see settings_of)
        self.listed: Dict[str, Tuple[str, ...]] = {}
        self.exclude = self._patterns(settings)[0]

    def settings_of(self, directory: str, names: Optional[Sequence[str]] = None) -> Settings:
        """The settings of the files and folders in ``directory`` (``names``: its listing)."""
        if self.resolver is None:
            return self.settings
        if names is not None:
            from .config import CONFIG_NAMES

            # kept with the walk: a run that reuses it knows which directories hold config files
            self.listed[directory] = tuple(name for name in CONFIG_NAMES if name in names)
        settings = self.resolver.settings_for_dir(directory, names)
        if id(settings) not in self._exclusions:
            self._patterns(settings)
        return settings

    def _patterns(self, settings: Settings) -> List[PatternSet]:
        known = self._exclusions.get(id(settings))
        if known is None:
            sets = [PatternSet(directory, patterns) for directory, patterns in settings.exclusion()]
            known = self._exclusions[id(settings)] = (settings, sets)
            # the config files these settings come from decide what a walk finds
            for config_file in settings.config_files:
                self.consult(config_file)
            self.notices.extend(settings.pattern_problems)
        return known[1]

    def problems(self) -> List[str]:
        return [problem for _, sets in self._exclusions.values() for patterns in sets for problem in patterns.problems]

    def consult(self, path: str) -> Optional[Tuple[int, int]]:
        signature = _signature(path)
        self.consulted[path] = signature
        return signature

    def _read_patterns(self, path: str, lines: List[str], origins: List[str]) -> None:
        if self.consult(path) is None:
            return
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read().splitlines()
        except OSError as exc:
            self.notices.append(f"{path}: cannot be read ({_reason(exc)}); its patterns are not applied")
            return
        lines.extend(text)
        origins.extend(f"{path}:{number}" for number in range(1, len(text) + 1))

    def _gitignore_for(self, directory: str) -> Optional[PatternSet]:
        if directory not in self._gitignores:
            lines: List[str] = []
            origins: List[str] = []
            if self.consult(os.path.join(directory, ".git")) is not None and os.path.isdir(os.path.join(directory, ".git")):
                self._read_patterns(os.path.join(directory, ".git", "info", "exclude"), lines, origins)
            self._read_patterns(os.path.join(directory, ".gitignore"), lines, origins)
            found = PatternSet(directory, lines, origins).compile() if lines else None
            if found is not None:
                self.notices.extend(found.problems)
            self._gitignores[directory] = found if found else None
        return self._gitignores[directory]

    def _excluded_by_patterns(self, path: str, is_dir: bool, settings: Optional[Settings] = None) -> bool:
        for exclude in self._patterns(settings or self.settings):
            verdict = exclude.decide(path, is_dir)
            if verdict is None and exclude.relative(path) is None:
                # outside the root: match the patterns against the name alone (inside it, a pattern
                # that matches the name matches the path too, so no verdict means none matches)
                verdict = exclude.check(os.path.basename(path), is_dir)
            if verdict:
                return True
        return False

    def gitignored(self, path: str, is_dir: bool, chain: Sequence[str], settings: Optional[Settings] = None) -> bool:
        if not (settings or self.settings).respect_gitignore:
            return False
        verdict = None
        for directory in chain:
            patterns = self._gitignore_for(directory)
            if patterns is not None:
                decided = patterns.decide(path, is_dir)
                if decided is not None:
                    verdict = decided
        return bool(verdict)

    def skip_dir(self, path: str, chain: Sequence[str], settings: Optional[Settings] = None) -> bool:
        """``settings``: those of the directory that holds ``path``."""
        if self._excluded_by_patterns(path, True, settings):
            return True
        if os.path.isfile(os.path.join(path, "pyvenv.cfg")):
            self.consult(os.path.join(path, "pyvenv.cfg"))
            return True
        return self.gitignored(path, True, chain, settings)

    def skip_file(self, path: str, chain: Sequence[str], settings: Optional[Settings] = None) -> bool:
        return self._excluded_by_patterns(path, False, settings) or self.gitignored(path, False, chain, settings)

    def explicitly_excluded(self, path: str, settings: Optional[Settings] = None) -> bool:
        """For --force-exclude: the file or one of its directories below the root of its settings
        (``settings``: those of the file) is excluded."""
        settings = settings or self.settings
        root = str(settings.root)
        if not path.startswith(os.path.join(root, "")):
            root = self.root
        chain = _ancestor_dirs(os.path.dirname(path), root)
        for i, directory in enumerate(chain):
            if directory.startswith(root + os.sep) and self.skip_dir(directory, chain[:i],
                                                                     self.settings_of(os.path.dirname(directory))):
                return True
        return self.skip_file(path, chain, settings)


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


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


def linted_roots(paths: Sequence[str], settings: Settings, cwd: Optional[str] = None) -> Tuple[str, ...]:
    """The real paths (symlinks resolved) of the directories a run may read and write in: the
    project root (unless it is the filesystem's root), each directory argument and the directory
    of each file argument. A symlink is followed only to a target inside one of them."""
    cwd = cwd or os.getcwd()
    roots: List[str] = []
    root = os.path.abspath(str(settings.root))
    if os.path.dirname(root) != root:
        roots.append(os.path.realpath(root))
    for raw in paths:
        if raw == STDIN:
            continue
        path = os.path.abspath(os.path.join(cwd, raw))
        roots.append(os.path.realpath(path if os.path.isdir(path) else os.path.dirname(path)))
    return tuple(dict.fromkeys(roots))


def within(real_path: str, roots: Sequence[str]) -> bool:
    """True when ``real_path`` (symlinks resolved) is one of ``roots`` or lies below one."""
    for root in roots:
        if real_path == root or real_path.startswith(os.path.join(root, "")):
            return True
    return False


def discover(paths: Sequence[str], settings: Settings, cwd: Optional[str] = None, *,
             use_cache: bool = False, report: Optional[Dict[str, Any]] = None,
             notices: Optional[List[str]] = None, resolver: "Optional[Resolver]" = None,
             root: Optional[str] = None) -> Tuple[List[Target], List[str]]:
    """(targets, problems). A problem is a path argument that does not exist or cannot be read.

    A symlink (a file argument or one met in a walk) whose target lies outside
    :func:`linted_roots` is skipped, and a file reached through several paths (links) is listed
    once, by its own path when that is among them. What the user should hear about without it
    being an error (skipped links, unreadable directories below an argument, ignore patterns that
    cannot be parsed) is appended to ``notices``.

    With ``use_cache``, a directory argument's walk is kept in the cache directory and reused
    while no directory it visited and no ignore file it read has changed (stat signatures only);
    ``report["reused"]`` then says whether every walk was reused (no directory changed).

    With a ``resolver`` each directory is judged by its own settings and each target carries its
    file's; ``rel`` is relative to ``root`` (default: the root of ``settings``).
    """
    cwd = cwd or os.getcwd()
    ignores = _Ignores(settings, resolver)
    walks = _WalkCache(settings, resolver) if use_cache else None
    root = root or str(settings.root)
    roots = linted_roots(paths, settings, cwd)
    targets: List[Target] = []
    linked: List[bool] = []  # targets[i] was reached through a symlink
    by_real: Dict[str, int] = {}
    problems: List[str] = []
    said: List[str] = []

    def say(notice: str) -> None:
        if notice not in said:
            said.append(notice)

    def target(path: str) -> Target:
        own = ignores.settings_of(os.path.dirname(path)) if resolver is not None else None
        return Target(path, display_path(path, cwd), root_relative(path, root), own)

    def add(path: str, real: str, is_link: bool) -> None:
        index = by_real.get(real)
        if index is None:
            by_real[real] = len(targets)
            targets.append(target(path))
            linked.append(is_link)
        elif linked[index] and not is_link:
            # the same file by its own path and through a link: lint it by its own path
            targets[index] = target(path)
            linked[index] = False

    def add_link(path: str, is_dir: bool) -> None:
        real = os.path.realpath(path)
        if within(real, roots):
            if not is_dir:  # a directory link inside the roots: its files are reached directly
                add(path, real, True)
            return
        kind = "a directory" if is_dir else "a file"
        say(f"{display_path(path, cwd)}: skipped: a symlink to {kind} outside the linted directories ({real})")

    real_dirs: Dict[str, str] = {}

    def real_dir(directory: str) -> str:
        if directory not in real_dirs:
            real_dirs[directory] = os.path.realpath(directory)
        return real_dirs[directory]

    for raw in paths:
        if raw == STDIN:
            targets.append(Target(STDIN, STDIN, STDIN))
            linked.append(False)
            continue
        path = os.path.abspath(os.path.join(cwd, raw))
        try:
            status = os.stat(path)
        except FileNotFoundError:
            if os.path.islink(path):
                status = None  # a dangling link: it is reported as a file that cannot be read
            else:
                problems.append(f"{raw}: no such file or directory")
                continue
        except OSError as exc:
            problems.append(f"{raw}: {_reason(exc)}")
            continue
        if status is not None and stat.S_ISDIR(status.st_mode):
            walked = walks.walk(path, ignores) if walks is not None else _walk(path, ignores)
            files, links, unreadable, walk_notices = walked
            if path in unreadable:
                problems.append(f"{raw}: permission denied")
            for directory in unreadable:
                if directory != path:
                    say(f"{display_path(directory, cwd)}: permission denied: the directory cannot be read, "
                        "its files are not linted")
            for notice in walk_notices:
                say(notice)
            top_real = real_dir(path)
            for found in files:
                add(found, top_real + found[len(path):], False)
            for link, is_dir in links:
                add_link(link, is_dir)
            continue
        own = ignores.settings_of(os.path.dirname(path))
        if own.force_exclude and ignores.explicitly_excluded(path, own):
            continue
        if not path.endswith(PYTHON_SUFFIXES) and not _python_script(path):
            say(f"{display_path(path, cwd)}: skipped: not a Python file (reslint reads `.py` and `.pyi` files, "
                "and scripts whose first line runs python)")
            continue
        if os.path.islink(path):
            add_link(path, False)
        else:
            add(path, os.path.join(real_dir(os.path.dirname(path)), os.path.basename(path)), False)
    if walks is not None:
        walks.save()
    for notice in ignores.notices + ignores.problems():
        say(notice)
    if notices is not None:
        notices.extend(said)
    if report is not None:
        report["reused"] = walks is not None and walks.reused and not walks.changed
    return targets, problems


def _python_script(path: str) -> bool:
    """A file without a Python suffix whose first line is a shebang that runs python (what
    pre-commit's `types: [python]` also passes)."""
    if os.path.splitext(path)[1] not in ("", ".cgi", ".wsgi"):
        return False
    try:
        with open(path, "rb") as handle:
            first = handle.readline(256)
    except OSError:
        return True  # let the lint say why it cannot be read
    return first.startswith(b"#!") and b"python" in first


# Within one run (see new_run) the walk cache file is read once and an entry checked once: a run
# walks the same tree for its files and for its project index.
_loaded_walks: Dict[Any, Dict[str, Any]] = {}
# the shape of a walk entry: (written_ns, {directory: mtime_ns}, {consulted file: signature},
# files, (symlink, is_dir) pairs, notices, {directory: config file names in it})
_WALK_FORMAT = 3
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

    def __init__(self, settings: Settings, resolver: "Optional[Resolver]" = None):
        from . import cache

        self._cache = cache
        self.resolver = resolver
        directory = cache.cache_dir()
        self.path = None
        self.entries: Dict[str, Any] = {}
        if directory is not None:
            key = cache.short_key(str(settings.root), settings.exclusion(), settings.respect_gitignore,
                                  settings.config_files, resolver is not None, _WALK_FORMAT)
            self.path = directory / f"walk-{cache.FORMAT}-{key}.pickle"
            if self.path in _loaded_walks:
                self.entries = _loaded_walks[self.path]
            else:
                loaded = cache.load_pickle(self.path, "walk")
                self.entries = _loaded_walks[self.path] = loaded if isinstance(loaded, dict) else {}
        self.changed = False
        self.reused = False

    def _key(self, top: str) -> str:
        """A walk depends on the settings of its top directory (the config files that apply there,
        found afresh each run: a config file created above ``top`` is a new walk) and on those of
        the directories below (their config files are consulted files of the walk)."""
        if self.resolver is None:
            return top
        governing = self.resolver.settings_for_dir(top)
        return repr((top, governing.config_files, governing.exclusion(), governing.respect_gitignore))

    def walk(self, top: str, ignores: _Ignores) -> "_Walk":
        key = self._key(top)
        entry = self.entries.get(key)
        if entry is not None and (id(entry) in _validated or self._valid(entry)):
            _validated.add(id(entry))
            self.reused = True
            if self.resolver is not None:
                # the directories are unchanged: their config files are where the walk saw them
                self.resolver.know(entry[6])
            return list(entry[3]), list(entry[4]), [], list(entry[5])
        directories: Dict[str, int] = {}
        before = dict(ignores.consulted)
        ignores.consulted.clear()
        started = time.time_ns()
        files, links, unreadable, notices = _walk(top, ignores, directories)
        consulted = dict(ignores.consulted)
        ignores.consulted.update(before)
        listed = {directory: ignores.listed[directory] for directory in directories if directory in ignores.listed}
        self.entries[key] = (started, directories, consulted, tuple(files), tuple(links), tuple(notices), listed)
        self.changed = True
        return files, links, unreadable, notices

    def _valid(self, entry: Any) -> bool:
        try:
            written, directories, consulted, _, _, _, _ = entry
            limit = written - self._cache.RACY_NS
            for directory, mtime in directories.items():
                # a directory changed within the tick of the walk may have changed again unseen
                # (an unreadable directory has mtime -1: never valid, so it is tried again)
                if mtime >= limit or os.stat(directory).st_mtime_ns != mtime:
                    return False
            return all(_signature(path) == signature for path, signature in consulted.items())
        except (OSError, ValueError, TypeError, AttributeError):
            return False

    def save(self) -> None:
        if self.changed and self.path is not None:
            self._cache.dump_pickle(self.path, "walk", self.entries)


# files; (symlink, leads to a directory) pairs; directories that cannot be read; notices
_Walk = Tuple[List[str], List[Tuple[str, bool]], List[str], List[str]]


def _walk(top: str, ignores: _Ignores, directories: Optional[Dict[str, int]] = None) -> _Walk:
    """The Python files below ``top`` that no pattern excludes (not through symlinks: those are
    listed apart, for the caller to judge where they lead)."""
    chain = _ancestor_dirs(top, ignores.root) if top.startswith(ignores.root) else [top]
    resolving = ignores.resolver is not None
    found: List[str] = []
    links: List[Tuple[str, bool]] = []
    unreadable: List[str] = []
    before = len(ignores.notices)
    stack: List[Tuple[str, List[str]]] = [(top, chain)]
    while stack:
        directory, dir_chain = stack.pop()
        try:
            if directories is not None:
                directories[directory] = os.stat(directory).st_mtime_ns
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            if isinstance(exc, PermissionError):
                unreadable.append(directory)
                if directories is not None:
                    directories[directory] = -1  # walked again next time: it may be readable then
            continue
        subdirs = []
        # the settings of this directory's entries: its listing says whether it holds a config file
        here = ignores.settings_of(directory, [e.name for e in entries]) if resolving else None
        for entry in entries:
            try:
                if entry.is_symlink():
                    # its target's signature: the walk is redone when the target changes
                    is_dir = ignores.consult(entry.path) is not None and entry.is_dir()
                    if is_dir:
                        if not ignores.skip_dir(entry.path, dir_chain, here):
                            links.append((entry.path, True))
                    elif entry.name.endswith(PYTHON_SUFFIXES) and not ignores.skip_file(entry.path, dir_chain, here):
                        links.append((entry.path, False))
                    continue
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if not ignores.skip_dir(entry.path, dir_chain, here):
                    subdirs.append(entry.path)
            elif entry.name.endswith(PYTHON_SUFFIXES):
                if not ignores.skip_file(entry.path, dir_chain, here):
                    found.append(entry.path)
        for sub in reversed(subdirs):
            stack.append((sub, dir_chain + [sub]))
    return sorted(found), sorted(links), unreadable, ignores.notices[before:]
