"""Configuration: defaults <- the config file that applies to a file <- CLI flags.

Each file gets the settings of the nearest config file above it (:class:`Resolver`,
:func:`settings_for`): `reslint.toml`, `.reslint.toml` or a `pyproject.toml` with a
`[tool.reslint]` table (one without it is skipped), in that order of precedence when several
live in one directory. Paths in a config file (`exclude`, `extend-exclude`, `per-file-ignores`,
`baseline`, `extend`) are relative to its own directory. `extend = "../pyproject.toml"`
inherits another config file's keys (a key of the file that extends wins). `--config FILE`
applies one file to every file; CLI flags apply on top of every file's settings.

Every problem is a :class:`ConfigError` whose message names the file, the line, the table and
the key, and suggests the closest valid name; the CLI prints it and exits with 2.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import stat
import sys
import typing
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Collection, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Type

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10 only
    import tomli as tomllib

from . import registry
from . import globs
from .output import FORMATS
from .project import vcs_root
from .rule import Rule

if TYPE_CHECKING:  # pragma: no cover
    from .engine import RuleSet  # imported when first needed: a cached run never loads the engine

CONFIG_FILES = ("reslint.toml", ".reslint.toml")
# what a directory's config file may be called, in order of precedence
CONFIG_NAMES = CONFIG_FILES + ("pyproject.toml",)

DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".direnv", "__pycache__", "__pypackages__",
    "build", "dist", "node_modules", ".tox", ".nox", ".eggs", "*.egg-info", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", "_build", "buck-out", "site-packages",
)

TARGET_VERSIONS = tuple(f"py3{minor}" for minor in range(8, 15))

KEYS = (
    "select", "extend-select", "ignore", "per-file-ignores", "exclude", "extend-exclude",
    "target-version", "output-format", "unsafe-fixes", "show-source", "respect-gitignore",
    "force-exclude", "severity", "rules", "max-file-size", "extend", "baseline",
)
# keys whose values are paths or patterns relative to the directory of the config file that sets them
PATH_KEYS = ("exclude", "extend-exclude", "per-file-ignores")

# KiB of source above which a file is not analysed. libcst's tree takes 0.2 kB (ordinary code: a
# 534 KB module peaks at 120 MB) to 1.7 kB (one short statement per line) of memory per source byte;
# 2 MiB lints every hand-written module seen in the real-code corpora and keeps a pathological one
# to a few GiB, where a 10 MB generated file would take 18 GB and four minutes.
DEFAULT_MAX_FILE_SIZE = 2048


class ConfigError(Exception):
    """A configuration problem; ``key`` (the key path within the table, such as
    ``("rules", "RES302", "cleanup-calls")``) and ``value`` let the reader of the file add the line."""

    def __init__(self, message: str, key: Optional[Tuple[str, ...]] = None, value: Optional[str] = None):
        super().__init__(message)
        self.key = key
        self.value = value


@contextmanager
def _at(*key: str, value: Optional[str] = None) -> Iterator[None]:
    """A ConfigError raised inside is about ``key`` (unless it already names a deeper one)."""
    try:
        yield
    except ConfigError as exc:
        if exc.key is None:
            exc.key = key
            exc.value = exc.value if exc.value is not None else value
        raise


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


@dataclass(frozen=True)
class Settings:
    root: Path
    config_path: Optional[Path] = None
    select: Optional[Tuple[str, ...]] = None
    extend_select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    exclude: Tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: Tuple[str, ...] = ()
    target_version: Optional[str] = None
    respect_gitignore: bool = True
    force_exclude: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # KiB
    severity: Tuple[Tuple[str, str], ...] = ()
    # code -> frozen Options instance
    rule_options: Tuple[Tuple[str, Any], ...] = ()
    # run options (CLI side)
    output_format: str = "text"
    unsafe_fixes: bool = False
    show_source: bool = False
    # patterns (exclude, extend-exclude, per-file-ignores) left out because they cannot be parsed,
    # and config files shadowed by another in the same directory: one message each, naming the
    # file and line, for the run to print as warnings
    pattern_problems: Tuple[str, ...] = ()
    # the baseline file (`baseline` key), absolute
    baseline: Optional[Path] = None
    # PATH_KEYS inherited through `extend` from a config file in another directory: (key, that
    # directory), which their patterns are relative to (the others are relative to ``root``)
    key_roots: Tuple[Tuple[str, str], ...] = ()
    # every config file these settings were read from: config_path, then what it extends
    config_files: Tuple[str, ...] = ()

    # -- rule selection --------------------------------------------------
    def enabled_rules(self, extra_ignores: Sequence[str] = ()) -> List[Type[Rule]]:
        rules = registry.by_code()
        return [rules[info.code] for info in self.enabled_infos(extra_ignores)]

    def enabled_infos(self, extra_ignores: Sequence[str] = ()) -> List["registry.RuleInfo"]:
        """The enabled rules' catalog entries (:func:`reslint.registry.catalog`): no rule is imported."""
        return _enabled(self.select, self.extend_select, self.ignore + tuple(extra_ignores))

    def cache_key(self) -> str:
        """What of these settings a file's result depends on (the result cache's key)."""
        return repr((self.select, self.extend_select, self.ignore, self.per_file_ignores, self.target_version,
                     self.severity, self.rule_options, self.max_file_size, str(self.root), self.key_roots))

    def key_root(self, key: str) -> Path:
        """The directory the patterns of ``key`` (one of PATH_KEYS) are relative to."""
        for name, directory in self.key_roots:
            if name == key:
                return Path(directory)
        return self.root

    def options_for(self, code: str) -> Any:
        for c, opts in self.rule_options:
            if c == code:
                return opts
        return registry.by_code()[code].Options()

    def file_ignores(self, rel_path: str) -> Tuple[str, ...]:
        """The codes per-file-ignores ignores for the file at ``rel_path`` (relative to ``root``)."""
        out: List[str] = []
        rel_path = rel_path.replace(os.sep, "/")
        base = self.key_root("per-file-ignores")
        if base != self.root:
            rel_path = _relative(os.path.join(str(self.root), rel_path), str(base))
        for pattern, codes in self.per_file_ignores:
            compiled = _compiled_pattern(pattern)
            if compiled is not None and compiled.check(rel_path, False):
                out.extend(codes)
        return tuple(out)

    def ruleset_for(self, rel_path: str) -> RuleSet:
        return _ruleset(self, self.file_ignores(rel_path))

    def excluded_patterns(self) -> Tuple[str, ...]:
        return tuple(self.exclude) + tuple(self.extend_exclude)

    def exclusion(self) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
        """(directory, patterns relative to it): `exclude` and `extend-exclude`, each relative to the
        directory of the config file that set it."""
        groups: Dict[str, List[str]] = {}
        for key, patterns in (("exclude", self.exclude), ("extend-exclude", self.extend_exclude)):
            groups.setdefault(str(self.key_root(key)), []).extend(patterns)
        return tuple((directory, tuple(patterns)) for directory, patterns in groups.items())


def _relative(path: str, root: str) -> str:
    """``path`` relative to ``root`` with forward slashes (absolute when it lies outside)."""
    path = os.path.normpath(path)
    prefix = os.path.join(root, "")
    if path.startswith(prefix):
        return path[len(prefix):].replace(os.sep, "/")
    return path.replace(os.sep, "/")


@lru_cache(maxsize=256)
def _compiled_pattern(pattern: str) -> Optional[globs.PatternSet]:
    """One per-file-ignores pattern (it matches a path or a directory above it); None when it cannot
    be parsed (left out of the settings, with a warning, when they were read)."""
    return globs.matcher(pattern)


@lru_cache(maxsize=64)
def _ruleset(settings: Settings, extra_ignores: Tuple[str, ...]) -> RuleSet:
    from .engine import RuleSet

    enabled = settings.enabled_rules(extra_ignores)
    codes = {rule.code for rule in enabled}
    runnable = tuple(
        (rule, settings.options_for(rule.code)) for rule in enabled if rule.triggers
    )
    return RuleSet(
        rules=runnable,
        syntax_errors="RES000" in codes,
        unused_suppressions="RES900" in codes,
        names_to_codes=registry.names_to_codes(),
        other_tools_codes=registry.other_tools_codes(),
        known_codes=frozenset(r.code for r in registry.all_rules()),
        severities=settings.severity,
        max_bytes=settings.max_file_size * 1024,
    )


def _enabled(select: Optional[Sequence[str]], extend: Sequence[str], ignore: Sequence[str]) -> List["registry.RuleInfo"]:
    out = []
    for rule in registry.catalog():
        best_select: Optional[int] = 0 if select is None and rule.default_enabled else None
        for sel in list(select or ()) + list(extend):
            spec = registry.selector_specificity(sel, rule)
            if spec is not None and (best_select is None or spec > best_select):
                best_select = spec
        best_ignore: Optional[int] = None
        for sel in ignore:
            spec = registry.selector_specificity(sel, rule)
            if spec is not None and (best_ignore is None or spec > best_ignore):
                best_ignore = spec
        if best_select is None:
            continue
        if best_ignore is not None and best_ignore >= best_select:
            continue
        out.append(rule)
    return out


# --------------------------------------------------------------------------
# finding and reading the config files


def _read_bytes(path: Path) -> str:
    """The text of a TOML file the config search reads; a ConfigError naming it when it cannot be
    read or is not UTF-8."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        encoding = " (it looks like UTF-16)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 text{encoding}: byte 0x{data[exc.start]:02x} at offset "
                          f"{exc.start}; TOML files must be UTF-8: save it as UTF-8") from None


def _parse_toml(path: Path, text: str) -> Dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply to read") from None


def _read_toml(path: Path) -> Dict[str, Any]:
    """Any TOML file the config search reads: one that cannot be read, decoded or parsed (even
    one without [tool.reslint]) is a ConfigError naming it, for the user to fix or move."""
    return _parse_toml(path, _read_bytes(path))


def _reslint_table(path: Path, data: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The reslint table of a parsed config file: [tool.reslint] of a pyproject.toml (None when it
    has none), the top level of any other file."""
    if path.name != "pyproject.toml":
        return data
    tool = data.get("tool", {})
    table = tool.get("reslint") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.reslint] must be a table", key=())
    return table


def _read_table(path: Path) -> Dict[str, Any]:
    table = _reslint_table(path, _read_toml(path))
    if table is None:
        raise ConfigError(f"{path}: has no [tool.reslint] table")
    return table


def find_config(start: Path) -> Optional[Tuple[Path, Dict[str, Any]]]:
    """The nearest reslint.toml, .reslint.toml or pyproject.toml with [tool.reslint] (its own keys,
    `extend` not followed)."""
    resolver = Resolver(cwd=start)
    path = resolver.config_in_or_above(str(start))
    return (Path(path), resolver.own_table(Path(path))) if path else None


def _where(path: Path) -> str:
    return f"{path} [tool.reslint]" if path.name == "pyproject.toml" else str(path)


class Resolver:
    """The settings of each file: those of the nearest config file above it, with the CLI
    ``overrides`` on top; with ``config_file`` (``--config``) that file's for every file, with
    ``isolated`` the defaults for every file.

    Everything is memoised: each directory is looked at once (three names; none when the caller
    hands in the directory's listing), each config file read and validated once, and every
    directory governed by one config file gets the same :class:`Settings` object. Build a new
    resolver (or call :func:`forget`) to see config files that changed.
    """

    def __init__(self, cwd: "Optional[Path | str]" = None, config_file: "Optional[Path | str]" = None,
                 isolated: bool = False, overrides: Optional[Mapping[str, Any]] = None, track: bool = False):
        self.cwd = os.path.abspath(str(cwd)) if cwd is not None else os.getcwd()
        # keep the stat signatures of what was looked at, for still_valid (a long-lived caller)
        self.track = track
        self._seen: Dict[str, Tuple[Optional[Tuple[int, int]], ...]] = {}
        self._file_signatures: Dict[str, Optional[Tuple[int, int]]] = {}
        self.overrides = dict(overrides or {})
        self._dirs: Dict[str, Settings] = {}
        self._configs: Dict[str, Optional[str]] = {}  # directory -> its config file (None: it has none)
        self._by_file: Dict[str, Settings] = {}
        self._texts: Dict[str, Tuple[str, Dict[str, Any]]] = {}
        self._own: Dict[str, Tuple[Dict[str, Any], Tuple[str, ...]]] = {}
        self._default: Optional[Settings] = None
        self._fixed: Optional[Settings] = None
        self._listings: Dict[str, Collection[str]] = {}
        self._shadowed: Dict[str, Tuple[str, ...]] = {}  # config file -> others in its directory it wins over
        if config_file is not None:
            path = os.path.abspath(str(config_file))
            if not os.path.isfile(path):
                raise ConfigError(f"{config_file}: config file not found")
            self._fixed = self._settings_of(path)
        elif isolated:
            self._fixed = self.default()
        self._base: Optional[Settings] = self._fixed

    @property
    def base(self) -> Settings:
        """The run's own settings: those of the working directory (or of ``config_file``)."""
        if self._base is None:
            self._base = self.settings_for_dir(self.cwd)
        return self._base

    # -- the public questions -------------------------------------------
    def settings_for(self, path: "Path | str") -> Settings:
        """The settings of the file at ``path`` (those of its directory)."""
        return self.settings_for_dir(os.path.dirname(os.path.abspath(str(path))))

    def settings_for_dir(self, directory: str, names: Optional[Collection[str]] = None) -> Settings:
        """The settings of the files in ``directory`` (absolute, normalised). ``names``, when given,
        are the entries of the directory (a walk has them): no file is looked for in vain."""
        if self._fixed is not None:
            return self._fixed
        found = self._dirs.get(directory)
        if found is not None:
            return found
        path = self.config_in_or_above(directory, names)
        settings = self._settings_of(path) if path is not None else self.default()
        self._dirs[directory] = settings
        return settings

    def still_valid(self, path: "Path | str", settings: Settings) -> bool:
        """Whether ``settings``, which this resolver gave for the file at ``path``, still hold: no
        config file was created, edited or deleted in the directories from the file's up to its
        config file's, nor in the files it extends (stat signatures; needs ``track``)."""
        if not self.track:
            return False
        if self._fixed is None:
            directory = os.path.dirname(os.path.abspath(str(path)))
            stop = os.path.dirname(str(settings.config_path)) if settings.config_path is not None else None
            while True:
                recorded = self._seen.get(directory)
                if recorded is None or recorded != _signatures(directory):
                    return False
                parent = os.path.dirname(directory)
                if directory == stop or parent == directory:
                    break
                directory = parent
        return all(_signature(name) == self._file_signatures.get(name) for name in settings.config_files)

    def know(self, listings: Mapping[str, Collection[str]]) -> None:
        """Take the config file names that directories hold from a listing made earlier (a reused
        directory walk whose directories are unchanged): they are not looked for again."""
        self._listings.update(listings)

    def default(self) -> Settings:
        """The settings of a file with no config file above it."""
        if self._default is None:
            root = vcs_root(Path(self.cwd)) or Path(self.cwd)
            self._default = apply_overrides(Settings(root=root), self.overrides)
        return self._default

    def config_in_or_above(self, directory: str, names: Optional[Collection[str]] = None) -> Optional[str]:
        """The config file that governs ``directory``: its own, else its parent's, and so on."""
        pending = []
        current = directory
        found: Optional[str] = None
        while True:
            if current in self._configs:
                found = self._configs[current]
                break
            if current in self._dirs:
                settings = self._dirs[current]
                found = str(settings.config_path) if settings.config_path is not None else None
                break
            own = self._config_in(current, names if current == directory else None)
            if own is not None:
                found = own
                self._configs[current] = own
                break
            pending.append(current)
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        for directory_below in pending:
            self._configs[directory_below] = found
        return found

    # -- reading ----------------------------------------------------------
    def _config_in(self, directory: str, names: Optional[Collection[str]]) -> Optional[str]:
        """The config file of ``directory`` itself, by precedence: reslint.toml, .reslint.toml,
        pyproject.toml with [tool.reslint]; one shadowed by another is warned about."""
        present = []
        if names is None:
            names = self._listings.get(directory)
        if self.track and names is None:
            # one stat per name, kept: still_valid compares them
            seen = self._seen[directory] = _signatures(directory)
            present = [os.path.join(directory, name) for name, signature in zip(CONFIG_NAMES, seen) if signature]
        else:
            for name in CONFIG_NAMES:
                if names is not None and name not in names:
                    continue
                candidate = os.path.join(directory, name)
                if os.path.isfile(candidate):
                    present.append(candidate)
        chosen: Optional[str] = None
        shadowed: List[str] = []
        for candidate in present:
            if candidate.endswith("pyproject.toml"):
                if chosen is not None:
                    # only to warn about it: one that cannot be read is not our business here
                    try:
                        if self._table_of(candidate) is None:
                            continue
                    except ConfigError:
                        continue
                elif self._table_of(candidate) is None:
                    continue  # a pyproject.toml without [tool.reslint] is not a config file
            if chosen is None:
                chosen = candidate
            else:
                shadowed.append(candidate)
        if chosen is not None and shadowed:
            self._shadowed[chosen] = tuple(shadowed)
        return chosen

    def _text(self, path: str) -> Tuple[str, Dict[str, Any]]:
        if path not in self._texts:
            if self.track:
                self._file_signatures[path] = _signature(path)
            text = _read_bytes(Path(path))
            self._texts[path] = (text, _parse_toml(Path(path), text))
        return self._texts[path]

    def _table_of(self, path: str) -> Optional[Dict[str, Any]]:
        return _reslint_table(Path(path), self._text(path)[1])

    def own_table(self, path: Path) -> Dict[str, Any]:
        table = self._table_of(str(path))
        if table is None:
            raise ConfigError(f"{path}: has no [tool.reslint] table")
        return table

    def _located(self, exc: ConfigError, path: str) -> ConfigError:
        """``exc`` with the line of the key it is about after the file name."""
        if exc.key is None or path not in self._texts:
            return exc
        prefix = ("tool", "reslint") if path.endswith("pyproject.toml") else ()
        line = key_line(self._texts[path][0], prefix + tuple(exc.key), exc.value)
        message = str(exc)
        if line is None or not message.startswith(path):
            return exc
        located = ConfigError(f"{path}:{line}{message[len(path):]}")
        located.key, located.value = exc.key, exc.value
        return located

    def _own_settings(self, path: str) -> Tuple[Dict[str, Any], Tuple[str, ...]]:
        """The file's own table (without `extend`), validated on its own so that an error names
        the file and line where it is, and the warnings about its patterns."""
        if path not in self._own:
            try:
                table = dict(self.own_table(Path(path)))
                table.pop("extend", None)
                checked = from_table(table, root=Path(os.path.dirname(path)), where=_where(Path(path)),
                                     config_path=Path(path))
            except ConfigError as exc:
                raise self._located(exc, path) from None
            self._own[path] = (table, checked.pattern_problems)
        return self._own[path]

    def _merged(self, path: str, chain: Tuple[str, ...]) -> Tuple[Dict[str, Any], Dict[str, str], Tuple[str, ...], List[str]]:
        """(the table with `extend` followed, the file each key came from, the files read, the
        warnings)."""
        if path in chain:
            cycle = " -> ".join(chain[chain.index(path):] + (path,))
            raise ConfigError(f"{chain[0]}: `extend` forms a cycle: {cycle}; remove one of these `extend` keys")
        table, problems = self._own_settings(path)
        warnings = list(problems)
        for other in self._shadowed.get(path, ()):
            warnings.append(f"{other}: ignored: {os.path.basename(path)} in the same directory is the config file "
                            "there (reslint.toml, then .reslint.toml, then pyproject.toml [tool.reslint])")
        origin = {key: path for key in table}
        extend = self.own_table(Path(path)).get("extend")
        if extend is None:
            return table, origin, (path,), warnings
        try:
            if not isinstance(extend, str) or not extend.strip():
                raise ConfigError(f"{_where(Path(path))}: `extend` must be the path of a config file, got "
                                  f"{_describe(extend)}", key=("extend",))
            parent = os.path.normpath(os.path.join(os.path.dirname(path), os.path.expanduser(extend)))
            if not os.path.isfile(parent):
                raise ConfigError(f"{_where(Path(path))}: `extend` names {parent}, which is not a file (the path is "
                                  "relative to this file's directory)", key=("extend",))
            if parent.endswith("pyproject.toml") and parent not in chain and self._table_of(parent) is None:
                raise ConfigError(f"{_where(Path(path))}: `extend` names {parent}, which has no [tool.reslint] "
                                  "table", key=("extend",))
        except ConfigError as exc:
            raise self._located(exc, path) from None
        base, base_origin, files, base_warnings = self._merged(parent, chain + (path,))
        merged = dict(base)
        for key, value in table.items():
            if key == "rules" and isinstance(value, dict) and isinstance(merged.get("rules"), dict):
                rules = {code: dict(opts) if isinstance(opts, dict) else opts for code, opts in merged["rules"].items()}
                for code, options in value.items():
                    if isinstance(options, dict) and isinstance(rules.get(code), dict):
                        rules[code].update(options)  # an option of the extending file wins, the others stay
                    else:
                        rules[code] = options
                merged["rules"] = rules
            else:
                merged[key] = value
        return merged, {**base_origin, **origin}, (path,) + files, base_warnings + warnings

    def _settings_of(self, path: str) -> Settings:
        """The settings a config file gives (its `extend` chain followed), CLI overrides on top."""
        found = self._by_file.get(path)
        if found is not None:
            return found
        table, origin, files, warnings = self._merged(path, ())
        table = dict(table)  # the file's own table is memoised: not to be changed
        directory = os.path.dirname(path)
        key_roots = tuple((key, os.path.dirname(origin[key])) for key in PATH_KEYS
                          if key in table and os.path.dirname(origin[key]) != directory)
        if "baseline" in table and isinstance(table["baseline"], str):
            table["baseline"] = os.path.join(os.path.dirname(origin["baseline"]), table["baseline"])
        try:
            settings = from_table(table, root=Path(directory), where=_where(Path(path)), config_path=Path(path),
                                  key_roots=key_roots)
        except ConfigError as exc:  # each file's keys were validated alone: not expected
            raise self._located(exc, path) from None
        settings = dataclasses.replace(settings, pattern_problems=tuple(dict.fromkeys(warnings)),
                                       config_files=files)
        settings = apply_overrides(settings, self.overrides)
        self._by_file[path] = settings
        return settings


def load(
    cwd: Optional[Path] = None,
    config_file: Optional[Path] = None,
    isolated: bool = False,
    overrides: Optional[Mapping[str, Any]] = None,
) -> Settings:
    """The settings of the working directory ``cwd``: the config file that applies there (or
    ``config_file``) with CLI ``overrides`` on top. Files elsewhere may have other settings: see
    :func:`settings_for`."""
    return Resolver(cwd=cwd, config_file=config_file, isolated=isolated, overrides=overrides).base


_resolvers: Dict[tuple, Resolver] = {}


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


def settings_for(path: "Path | str", *, config_file: "Optional[Path | str]" = None, isolated: bool = False,
                 overrides: Optional[Mapping[str, Any]] = None, cwd: "Optional[Path | str]" = None) -> Settings:
    """The settings that apply to the file at ``path``: the nearest config file above it
    (``config_file`` instead when given, none with ``isolated``), with the CLI or editor
    ``overrides`` on top; ``cwd`` is the working directory (the root of a file with no config file
    above it is its VCS root, else ``cwd``). `reslint check` (through its :class:`Resolver`) and
    the editor server get a file's settings this way.

    Memoised per directory and per config file, and checked on each call by the stat signatures
    of the config files on the way up (a dozen stats), so a long-lived caller sees a config file
    created, edited or deleted; :func:`forget` drops everything. Raises ConfigError for a config
    file that cannot be used (not memoised: the next call reads it again)."""
    key = (os.path.abspath(str(cwd)) if cwd is not None else os.getcwd(),
           os.path.abspath(str(config_file)) if config_file is not None else None, isolated, _frozen(overrides or {}))
    resolver = _resolvers.get(key)
    if resolver is not None:
        try:
            settings: Optional[Settings] = resolver.settings_for(path)
        except ConfigError:  # it said so last time: the file may have been fixed since
            settings = None
        if settings is not None and resolver.still_valid(path, settings):
            return settings
    resolver = _resolvers[key] = Resolver(cwd=key[0], config_file=config_file, isolated=isolated,
                                          overrides=overrides, track=True)
    return resolver.settings_for(path)


def forget() -> None:
    """Drop every memoised config file and directory answer of :func:`settings_for`."""
    _resolvers.clear()


def _signature(path: str) -> Optional[Tuple[int, int]]:
    """(modification time, size) of a regular file; None when there is none."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size) if stat.S_ISREG(status.st_mode) else None


def _signatures(directory: str) -> Tuple[Optional[Tuple[int, int]], ...]:
    return tuple(_signature(os.path.join(directory, name)) for name in CONFIG_NAMES)


_HEADER = re.compile(r"^\s*\[(?!\[)\s*(.+?)\s*\]\s*(?:#.*)?$")
_KEY_PART = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_ASSIGNMENT = re.compile(rf"^\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")
_PART = re.compile(_KEY_PART)


def _key_parts(dotted: str) -> List[str]:
    parts = []
    for part in _PART.findall(dotted):
        if part[:1] in "\"'":
            part = part[1:-1]
        parts.append(part)
    return parts


def key_line(text: str, key: Sequence[str], value: Optional[str] = None) -> Optional[int]:
    """The 1-based line of TOML ``text`` that sets ``key`` (a key path from the top), or the line
    that sets the longest part of it that can be found (a table header counts); then, when what
    is left is a key in an inline table (a pattern of `per-file-ignores`) or there is a
    ``value``, the line below it, before the next table header, that holds it. None when not
    even the first part of the key is found."""
    import json

    lines = text.splitlines()
    key = list(key)
    depth, found = 0, None
    header: List[str] = []
    for number, line in enumerate(lines, 1):
        match = _HEADER.match(line)
        if match:
            header = path = _key_parts(match.group(1))
        else:
            match = _ASSIGNMENT.match(line)
            if not match:
                continue
            path = header + _key_parts(match.group(1))
        if path[:len(key)] == key[:len(path)] and min(len(path), len(key)) > depth:
            depth, found = min(len(path), len(key)), number
    if found is None:
        return None
    searches = []
    if depth < len(key):
        part = key[depth]
        searches.append([json.dumps(part, ensure_ascii=False), f"'{part}'"]
                        + ([f"{part} =", f"{part}="] if re.fullmatch(r"[A-Za-z0-9_-]+", part) else []))
    if value:
        searches.append([json.dumps(value, ensure_ascii=False), f"'{value}'"])
    for forms in searches:
        for number in range(found, len(lines) + 1):
            line = lines[number - 1]
            if number > found and _HEADER.match(line):
                break
            if any(form in line for form in forms):
                found = number
                break
    return found


# --------------------------------------------------------------------------
# validation


def _string_list(value: Any, key: str, where: str) -> Tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: `{key}` must be a list of strings, got {_describe(value)}")
    return tuple(value)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"number {value}"
    if isinstance(value, str):
        return f"string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _selectors(value: Any, key: str, where: str) -> Tuple[str, ...]:
    items = _string_list(value, key, where)
    for item in items:
        if not registry.is_valid_selector(item):
            choices = [r.code for r in registry.catalog()] + [r.name for r in registry.catalog()]
            raise ConfigError(f"{where}: unknown rule code or selector `{item}` in `{key}`"
                              f"{registry.unknown_code_hint(item, choices)}", value=item)
    return items


def _bool(value: Any, key: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: `{key}` must be true or false, got {_describe(value)}")
    return value


def _rule_for(key: str, where: str, table_name: str) -> "registry.RuleInfo":
    rule = registry.lookup_info(key)
    if rule is None:
        choices = [r.code for r in registry.catalog()] + [r.name for r in registry.catalog()]
        raise ConfigError(f"{where}: unknown rule `{key}` in [{table_name}]{registry.unknown_code_hint(key, choices)}")
    return rule


def from_table(table: Mapping[str, Any], *, root: Path, where: str, config_path: Optional[Path] = None,
               key_roots: Tuple[Tuple[str, str], ...] = ()) -> Settings:
    """Validated settings from a [tool.reslint] table (`extend` is followed by :class:`Resolver`, not
    here). A ConfigError names ``where`` and, in its ``key``, what it is about."""
    for key in table:
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key `{key}`{_suggest(key, KEYS)}", key=(key,))
    kwargs: Dict[str, Any] = {"root": root, "config_path": config_path, "key_roots": key_roots}
    for key in ("select", "extend-select", "ignore"):
        if key in table:
            with _at(key):
                kwargs[key.replace("-", "_")] = _selectors(table[key], key, where)
    if "per-file-ignores" in table:
        pfi = table["per-file-ignores"]
        with _at("per-file-ignores"):
            if not isinstance(pfi, dict):
                raise ConfigError(f"{where}: `per-file-ignores` must be a table of pattern = [codes]")
        pairs = []
        for pattern, codes in pfi.items():
            with _at("per-file-ignores", pattern):
                pairs.append((pattern, _selectors(codes, f"per-file-ignores.\"{pattern}\"", where)))
        kwargs["per_file_ignores"] = tuple(pairs)
    for key in ("exclude", "extend-exclude"):
        if key in table:
            with _at(key):
                kwargs[key.replace("-", "_")] = _string_list(table[key], key, where)
    problems: List[str] = []
    for key, field_name in (("exclude", "exclude"), ("extend-exclude", "extend_exclude"), ("per-file-ignores", "per_file_ignores")):
        if field_name in kwargs:
            kwargs[field_name] = _parsable(kwargs[field_name], key, where, config_path, problems)
    kwargs["pattern_problems"] = tuple(problems)
    for key, choices in (("target-version", TARGET_VERSIONS), ("output-format", FORMATS)):
        if key in table:
            value = table[key]
            if value not in choices:
                raise ConfigError(f"{where}: `{key}` must be one of {', '.join(choices)}, got {_describe(value)}",
                                  key=(key,))
            kwargs[key.replace("-", "_")] = value
    for key in ("unsafe-fixes", "show-source", "respect-gitignore", "force-exclude"):
        if key in table:
            with _at(key):
                kwargs[key.replace("-", "_")] = _bool(table[key], key, where)
    if "max-file-size" in table:
        value = table["max-file-size"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"{where}: `max-file-size` must be a positive number of KiB, got {_describe(value)}",
                              key=("max-file-size",))
        kwargs["max_file_size"] = value
    if "baseline" in table:
        value = table["baseline"]
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}: `baseline` must be the path of a baseline file (relative to the config "
                              f"file's directory), got {_describe(value)}", key=("baseline",))
        kwargs["baseline"] = Path(os.path.normpath(os.path.join(str(root), os.path.expanduser(value))))
    if "severity" in table:
        sev = table["severity"]
        if not isinstance(sev, dict):
            raise ConfigError(f"{where}: `severity` must be a table of code = \"error\" | \"warning\" | \"note\"",
                              key=("severity",))
        pairs = []
        for key, level in sev.items():
            with _at("severity", key):
                rule = _rule_for(key, where, "severity")
                if level not in ("error", "warning", "note"):
                    raise ConfigError(f"{where}: severity of `{key}` must be \"error\", \"warning\" or \"note\", "
                                      f"got {_describe(level)}")
            pairs.append((rule.code, level))
        kwargs["severity"] = tuple(pairs)
    if "rules" in table:
        with _at("rules"):
            kwargs["rule_options"] = _rule_options(table["rules"], where)
    return Settings(**kwargs)


def _parsable(items: Tuple[Any, ...], key: str, where: str, config_path: Optional[Path], problems: List[str]) -> Tuple[Any, ...]:
    """``items`` (patterns, or (pattern, codes) pairs) without the patterns that cannot be parsed,
    each of which adds a message to ``problems`` naming the file, line and key."""
    patterns = [item if isinstance(item, str) else item[0] for item in items]
    if not any(globs.might_fail(p) for p in patterns):
        return items  # the common case: nothing to compile now
    origins = [f"{_line_of(config_path, p) or where}: in `{key}`" for p in patterns]
    found = globs.check(patterns, origins)
    problems.extend(problem for problem in found if problem)
    return tuple(item for item, problem in zip(items, found) if not problem)


def _line_of(config_path: Optional[Path], pattern: str) -> Optional[str]:
    """``file:line`` of the first line of the config file that holds ``pattern`` as a TOML string."""
    if config_path is None:
        return None
    try:
        lines = config_path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    import json

    forms = (json.dumps(pattern, ensure_ascii=False), f"'{pattern}'")
    for number, line in enumerate(lines, 1):
        if any(form in line for form in forms):
            return f"{config_path}:{number}"
    return None


def _rule_options(rules_table: Any, where: str) -> Tuple[Tuple[str, Any], ...]:
    """[rules.CODE] tables, and [rules.PREFIX] tables (`RES2`) that set an option once for every
    rule of a family that has it; a rule's own table wins over a prefix's, a longer prefix over a
    shorter one."""
    if not isinstance(rules_table, dict):
        raise ConfigError(f"{where}: `rules` must be a table of [rules.CODE] tables")
    values: Dict[str, Dict[str, Tuple[int, Any]]] = {}  # code -> option key -> (specificity, value)
    for key, table in rules_table.items():
        with _at("rules", key):
            targets, specificity = _rule_targets(key, table, where)
        table_where = f"{where}: [rules.{key}]"
        for option, value in table.items():
            with _at("rules", key, option):
                _rule_option(values, key, targets, specificity, option, value, table_where)
    return tuple(
        (code, build_options(registry.by_code()[code], {k: v for k, (_, v) in options.items()},
                             f"{where}: [rules.{code}]"))
        for code, options in values.items()
    )


def _rule_targets(key: str, table: Any, where: str) -> Tuple[List[Type[Rule]], int]:
    """The rules a [rules.KEY] table sets options of (one rule, or a family by prefix), and how
    specifically it names them."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [rules.{key}] must be a table of options")
    rule = registry.lookup(key)
    if rule is not None:
        targets, specificity = [rule], 100
    else:
        prefix = key.strip().upper()
        targets = [r for r in registry.all_rules() if prefix.startswith("RES") and r.code.startswith(prefix)]
        if not targets:
            choices = [r.code for r in registry.all_rules()] + [r.name for r in registry.all_rules()]
            raise ConfigError(f"{where}: unknown rule `{key}` in [rules]{registry.unknown_code_hint(key, choices)}")
        specificity = len(prefix)
    return targets, specificity


def _rule_option(values: Dict[str, Dict[str, Tuple[int, Any]]], key: str, targets: List[Type[Rule]],
                 specificity: int, option: str, value: Any, table_where: str) -> None:
    """Validate ``option = value`` of [rules.KEY] and record it for each rule that has it (a more
    specific table's value wins)."""
    owners = [r for r in targets if _option_field(r, option) is not None]
    if not owners:
        if len(targets) == 1:
            build_options(targets[0], {option: value}, table_where)  # raises, naming the options
        names = sorted({_dashed(f.name) for r in targets for f in dataclasses.fields(r.Options)})
        detail = f"; their options are {', '.join(f'`{n}`' for n in names)}" if names else ""
        raise ConfigError(f"{table_where}: no rule of {key} has an option `{option}`"
                          f"{_suggest(option, names)}{detail}")
    for rule in owners:
        build_options(rule, {option: value}, table_where)  # validates the value for each owner
        chosen = values.setdefault(rule.code, {})
        name = _dashed(_option_field(rule, option).name)  # type: ignore[union-attr]
        if name not in chosen or chosen[name][0] <= specificity:
            chosen[name] = (specificity, value)


def _dashed(name: str) -> str:
    return name.replace("_", "-")


def _option_field(rule: Type[Rule], key: str) -> Optional[dataclasses.Field]:
    for f in dataclasses.fields(rule.Options):
        if _dashed(f.name) in (key, _dashed(key)):
            return f
    return None


def build_options(rule: Type[Rule], values: Mapping[str, Any], where: str) -> Any:
    """Validate a [rules.CODE] table against the rule's Options dataclass."""
    options_cls = rule.Options
    known = {_dashed(f.name): f for f in dataclasses.fields(options_cls)}
    hints = typing.get_type_hints(options_cls)
    kwargs = {}
    for key, value in values.items():
        f = _option_field(rule, key)
        removed = rule.removed_options.get(_dashed(key))
        if f is None and removed is not None:
            raise ConfigError(f"{where}: option `{key}` of {rule.code} ({rule.name}) was removed: {removed}")
        if f is None:
            names = list(known)
            detail = f"; its options are {', '.join(f'`{n}`' for n in names)}" if names else f"; {rule.code} has no options"
            raise ConfigError(f"{where}: unknown option `{key}` for {rule.code} ({rule.name}){_suggest(key, names)}{detail}")
        kwargs[f.name] = _coerce(value, hints[f.name], f"{where}: `{key}`")
        minimum = f.metadata.get("min")
        if minimum is not None and kwargs[f.name] < minimum:
            raise ConfigError(f"{where}: `{key}` of {rule.code} ({rule.name}) must be at least {minimum}, "
                              f"got {_describe(value)}")
        above = f.metadata.get("above")
        if above is not None and not kwargs[f.name] > above:
            raise ConfigError(f"{where}: `{key}` of {rule.code} ({rule.name}) must be more than {above}, "
                              f"got {_describe(value)}")
    return options_cls(**kwargs)


def _coerce(value: Any, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union:
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(value, inner[0], where)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, got {_describe(value)}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be an integer, got {_describe(value)}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where} must be a number, got {_describe(value)}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a string, got {_describe(value)}")
        return value
    if origin in (tuple, list, Tuple, List):
        if not isinstance(value, list):
            raise ConfigError(f"{where} must be a list, got {_describe(value)}")
        item_hint = args[0] if args else Any
        return tuple(_coerce(v, item_hint, where) for v in value) if item_hint is not Any else tuple(value)
    return value


def apply_overrides(settings: Settings, overrides: Mapping[str, Any]) -> Settings:
    """CLI flags on top of the file: --select replaces, --extend-select/--ignore add."""
    changes: Dict[str, Any] = {}
    where = "command line"
    if overrides.get("select"):
        changes["select"] = _selectors(list(overrides["select"]), "--select", where)
    if overrides.get("extend_select"):
        changes["extend_select"] = settings.extend_select + _selectors(list(overrides["extend_select"]), "--extend-select", where)
    if overrides.get("ignore"):
        changes["ignore"] = settings.ignore + _selectors(list(overrides["ignore"]), "--ignore", where)
    if overrides.get("extend_exclude"):
        problems: List[str] = []
        added = _parsable(tuple(overrides["extend_exclude"]), "--extend-exclude", where, None, problems)
        changes["extend_exclude"] = settings.extend_exclude + added
        changes["pattern_problems"] = settings.pattern_problems + tuple(problems)
    for key in ("unsafe_fixes", "show_source", "force_exclude", "respect_gitignore", "output_format"):
        if overrides.get(key) is not None:
            changes[key] = overrides[key]
    return dataclasses.replace(settings, **changes) if changes else settings


def parse_test_header(text: str) -> Dict[str, Any]:
    """`# reslint-test: <toml>` header lines of a fixture, as a [tool.reslint] table."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("# reslint-test:"):
            lines.append(stripped[len("# reslint-test:"):].strip())
        elif stripped and not stripped.startswith("#"):
            break
    if not lines:
        return {}
    try:
        return tomllib.loads("\n".join(lines))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"fixture header: invalid TOML: {exc}") from None
