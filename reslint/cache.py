"""reslint's persistent caches: where they live, how they are written, and the per-file result cache.

Location: ``$RESLINT_CACHE_DIR`` when set (``RESLINT_CACHE_DIR=""`` turns every cache off, as
``--no-cache`` does), else the user cache directory that :mod:`platformdirs` names
(``$XDG_CACHE_HOME/reslint``, by default ``~/.cache/reslint``, on Linux). Deleting the
directory clears every cache; nothing else refers to it.

Three caches share it, each a single file per project root (and settings), written whole:

- the project index (:mod:`reslint.project`): per file, its stat signature, content digest and
  index entry;
- the directory walk (:mod:`reslint.discover`): the files a directory argument expands to, with
  every visited directory's and ignore file's stat signature;
- the results (:class:`ResultCache`): per linted file, its content digest and its FileResult,
  and for project-scope rules the answers the project index gave while it was linted.

Every key holds :func:`code_fingerprint`: reslint's version and the stat signature of each of its
own source files (so an edited rule invalidates everything), the Python version and the libcst
installation. Writes go to a temporary file in the same directory, then ``os.replace``: a
concurrent run reads the old file or the new one, never half of one; of two runs writing at once
the last wins, and the other's new entries are simply computed again next time. A cache file
that cannot be read, parsed or written is ignored with one warning per run (on stderr); it never
changes a result or the exit code.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from .model import FileResult

FORMAT = "1"
# a file modified this close to the time its entry was written may have changed again within the
# same timestamp tick: its content is hashed, not trusted from its stat signature
RACY_NS = 2_000_000_000

_warned: List[str] = []


def new_run() -> None:
    """A new run warns again (once) about a cache it cannot use."""
    _warned.clear()


def warn(message: str) -> None:
    """Say once per run that a cache is being ignored."""
    if _warned:
        return
    _warned.append(message)
    sys.stderr.write(f"reslint: warning: {message}; continuing without it\n")


_disabled: List[bool] = []


def disable(off: bool = True) -> None:
    """Turn every cache off (``--no-cache``), or back on with ``off=False``."""
    _disabled[:] = [True] if off else []


def cache_dir(use_cache: bool = True) -> Optional[Path]:
    """The directory of reslint's caches, or None when caching is off."""
    if not use_cache or _disabled:
        return None
    configured = os.environ.get("RESLINT_CACHE_DIR")
    if configured == "":
        return None
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("reslint", appauthor=False))


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def short_key(*parts: Any) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


def read_bytes(path: Path) -> Optional[bytes]:
    """A cache file's bytes; None when it does not exist (silently) or cannot be read (warned)."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        warn(f"cannot read the cache file {path}: {exc.strerror or exc}")
        return None


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``; False (warned) on failure."""
    import tempfile

    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=str(path.parent))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        return True
    except OSError as exc:
        warn(f"cannot write the cache in {path.parent}: {exc.strerror or exc}")
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return False


def load_pickle(path: Path, kind: str) -> Any:
    """The object pickled in a cache file by :func:`dump_pickle` under ``kind``, or None."""
    data = read_bytes(path)
    if data is None:
        return None
    try:
        header, _, body = data.partition(b"\n")
        if header != f"reslint-{kind}-{FORMAT}".encode():
            raise ValueError("unknown header")
        return pickle.loads(body)
    except Exception as exc:  # any corruption: a truncated file, a foreign file, an old format
        warn(f"ignoring the corrupt cache file {path} ({type(exc).__name__})")
        return None


def dump_pickle(path: Path, kind: str, value: Any) -> bool:
    return write_atomic(path, f"reslint-{kind}-{FORMAT}\n".encode() + pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def prune(path: Path, pattern: str) -> None:
    """Delete the cache files matching ``pattern`` (a glob in ``path``'s directory) other than ``path``:
    the files an older reslint (another code fingerprint) wrote for the same purpose."""
    try:
        for other in path.parent.glob(pattern):
            if other != path and not other.name.endswith(".tmp"):
                other.unlink()
    except OSError:
        pass


def _signatures(directory: str) -> Iterable[Tuple[str, int, int]]:
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        if entry.name.endswith(".py"):
            try:
                stat = entry.stat()
            except OSError:
                continue
            yield (entry.name, stat.st_mtime_ns, stat.st_size)


_fingerprint: List[str] = []


def code_fingerprint() -> str:
    """reslint's version, its source files' stat signatures (engine, analyses, outputs and rules),
    the Python version and the libcst installation: what a cached result was computed by."""
    if _fingerprint:
        return _fingerprint[0]
    import importlib.util

    from . import __version__

    here = os.path.dirname(os.path.abspath(__file__))
    parts: List[Any] = [__version__, sys.version, FORMAT]
    for sub in ("", "analysis", "output"):
        parts.append(sorted(_signatures(os.path.join(here, sub))))
    spec = importlib.util.find_spec("reslint.rules")
    for location in (spec.submodule_search_locations or []) if spec else []:
        parts.append(sorted(_signatures(location)))
    libcst = importlib.util.find_spec("libcst")
    if libcst is not None and libcst.origin:
        try:
            stat = os.stat(libcst.origin)
            parts.append((libcst.origin, stat.st_mtime_ns, stat.st_size))
        except OSError:
            pass
    _fingerprint.append(short_key(*parts))
    return _fingerprint[0]


# --------------------------------------------------------------------------
# the per-file result cache

def mentioned_names(names: frozenset, text: str) -> Tuple[str, ...]:
    """The names of ``names`` that occur as identifiers in ``text``, sorted; a dotted name
    (`store.save`) when each of its parts does (`*` stands for any)."""
    from .triggers import identifiers

    words = identifiers(text)
    plain, dotted = _split_names(names)
    out = list(plain.intersection(words))
    for first in dotted.keys() & words:
        out.extend(name for name, rest in dotted[first] if all(p in words or p == "*" for p in rest))
    return tuple(sorted(out))


_split: Dict[int, tuple] = {}


def _split_names(names: frozenset):
    """(the plain names, the dotted ones by their first part), kept for the few sets a run asks
    about (the set itself is kept too, so its id is not reused)."""
    found = _split.get(id(names))
    if found is None or found[0] is not names:
        plain, dotted = set(), {}
        for name in names:
            if "." in name:
                first, *rest = name.split(".")
                dotted.setdefault(first, []).append((name, rest))
            else:
                plain.add(name)
        if len(_split) > 16:
            _split.clear()
        found = _split[id(names)] = (names, (frozenset(plain), dotted))
    return found[1]


class ResultCache:
    """FileResults of earlier runs, for the files whose content, settings and project facts are unchanged.

    One cache file per (report root, run key: what the outputs need). An entry is
    ``(mtime_ns, size, written_ns, content digest, queries, result, settings key)``: ``queries``
    are the project index questions the file's linting asked (see
    :class:`reslint.project.RecordingIndex`) with their answers; the entry is valid only while the
    current index gives the same answers, and while the file's settings (those of its nearest
    config file, CLI flags included) have the same key.
    """

    def __init__(self, directory: Path, root: str, settings_key: str, project: Any = None, settings: Any = None):
        self.key = short_key(os.path.abspath(root), settings_key)
        self.path = directory / f"results-{code_fingerprint()}-{self.key}.pickle"
        self.project = project
        self.settings = settings  # of a target that carries none of its own
        self._settings_keys: Dict[int, Tuple[Any, str]] = {}
        loaded = load_pickle(self.path, "results")
        self.entries: Dict[str, tuple] = loaded if isinstance(loaded, dict) else {}
        self.fresh: Dict[str, tuple] = {}
        self.hits = 0
        self._pending: Dict[str, Tuple[int, int, str]] = {}

    def settings_key(self, target: Any) -> str:
        """The digest of what of the target's settings its result depends on (:meth:`Settings.cache_key`)."""
        settings = getattr(target, "settings", None) or self.settings
        if settings is None:
            return ""
        known = self._settings_keys.get(id(settings))
        if known is None:
            known = self._settings_keys[id(settings)] = (settings, short_key(settings.cache_key()))
        return known[1]

    # -- lookup ----------------------------------------------------------
    def get(self, target: Any) -> Optional[FileResult]:
        """The cached result of ``target`` when still valid (its display path updated), else None."""
        try:
            stat = os.stat(target.path)
        except OSError:
            return None
        entry = self.entries.get(target.rel)
        data: Optional[bytes] = None
        if entry is not None and entry[0] == stat.st_mtime_ns and entry[1] == stat.st_size \
                and stat.st_mtime_ns < entry[2] - RACY_NS:
            content = entry[3]  # unchanged since it was hashed, and not racily so
        else:
            try:
                with open(target.path, "rb") as handle:
                    data = handle.read()
            except OSError:
                return None
            content = digest(data)
        self._pending[target.rel] = (stat.st_mtime_ns, stat.st_size, content)
        if entry is None or entry[3] != content or entry[6:7] != (self.settings_key(target),) \
                or not self._still_true(entry[4], target, data):
            return None
        self.hits += 1
        self.fresh[target.rel] = entry if data is None else (stat.st_mtime_ns, stat.st_size, entry[2], *entry[3:])
        result: FileResult = entry[5]
        if result.path != target.display:
            import dataclasses

            result = dataclasses.replace(result, path=target.display)
        return result

    def _still_true(self, queries: Sequence[tuple], target: Any, data: Optional[bytes]) -> bool:
        if not queries:
            return True
        project = self.project
        if project is None:
            return False
        for query in queries:
            method, args, answer = query
            if method == "names":
                # the names of one of the project's name sets that the file mentions
                which, names_key, mentioned = args
                if names_key == project.names_key(which):
                    continue
                if mentioned is None:
                    return False
                if data is None:
                    try:
                        with open(target.path, "rb") as handle:
                            data = handle.read()
                    except OSError:
                        return False
                from .source import SourceError, decode

                try:
                    text = decode(data).text
                except SourceError:
                    return False
                if mentioned_names(getattr(project, which)(), text) != mentioned:
                    return False
                continue
            try:
                if getattr(project, method)(*args) != answer:
                    return False
            except Exception:
                return False
        return True

    # -- storing ---------------------------------------------------------
    def put(self, target: Any, result: FileResult, queries: Sequence[tuple] = (), text: Optional[str] = None) -> None:
        pending = self._pending.pop(target.rel, None)
        if pending is None or result.internal_error:
            return  # never keep a result that an internal error may have cut short
        mtime_ns, size, content = pending
        self.fresh[target.rel] = (mtime_ns, size, time.time_ns(), content, tuple(queries), result,
                                  self.settings_key(target))

    def save(self) -> None:
        """Write the entries of this run (files no longer linted are dropped) when they changed."""
        if self.fresh == self.entries:
            return
        merged = dict(self.fresh)
        if len(self.fresh) < len(self.entries):
            # a run on a few files keeps the other files' entries
            for rel, entry in self.entries.items():
                merged.setdefault(rel, entry)
        if dump_pickle(self.path, "results", merged) and not self.entries:
            prune(self.path, f"results-*-{self.key}.pickle")


class NullCache:
    """No cache: every file is linted."""

    project = None
    hits = 0

    def get(self, target: Any) -> Optional[FileResult]:
        return None

    def put(self, target: Any, result: FileResult, queries: Sequence[tuple] = (), text: Optional[str] = None) -> None:
        return None

    def save(self) -> None:
        return None
