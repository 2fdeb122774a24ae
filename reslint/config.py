"""Configuration: defaults <- [tool.reslint] (pyproject.toml) or reslint.toml <- CLI flags.

Every problem is a :class:`ConfigError` whose message names the file, the
table and the key, and suggests the closest valid name; the CLI prints it
and exits with 2.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import sys
import typing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type

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

DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".direnv", "__pycache__", "__pypackages__",
    "build", "dist", "node_modules", ".tox", ".nox", ".eggs", "*.egg-info", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", "_build", "buck-out", "site-packages",
)

TARGET_VERSIONS = tuple(f"py3{minor}" for minor in range(8, 15))

KEYS = (
    "select", "extend-select", "ignore", "per-file-ignores", "exclude", "extend-exclude",
    "target-version", "output-format", "unsafe-fixes", "show-source", "respect-gitignore",
    "force-exclude", "severity", "rules", "max-file-size",
)

# KiB of source above which a file is not analysed. libcst's tree takes 0.2 kB (ordinary code: a
# 534 KB module peaks at 120 MB) to 1.7 kB (one short statement per line) of memory per source byte;
# 2 MiB lints every hand-written module seen in the real-code corpora and keeps a pathological one
# to a few GiB, where a 10 MB generated file would take 18 GB and four minutes.
DEFAULT_MAX_FILE_SIZE = 2048


class ConfigError(Exception):
    pass


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
    # patterns (exclude, extend-exclude, per-file-ignores) left out because they cannot be parsed:
    # one message each, naming the file and line, for the run to print as warnings
    pattern_problems: Tuple[str, ...] = ()

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
                     self.severity, self.rule_options))

    def options_for(self, code: str) -> Any:
        for c, opts in self.rule_options:
            if c == code:
                return opts
        return registry.by_code()[code].Options()

    def file_ignores(self, rel_path: str) -> Tuple[str, ...]:
        out: List[str] = []
        rel_path = rel_path.replace(os.sep, "/")
        for pattern, codes in self.per_file_ignores:
            compiled = _compiled_pattern(pattern)
            if compiled is not None and compiled.check(rel_path, False):
                out.extend(codes)
        return tuple(out)

    def ruleset_for(self, rel_path: str) -> RuleSet:
        return _ruleset(self, self.file_ignores(rel_path))

    def excluded_patterns(self) -> Tuple[str, ...]:
        return tuple(self.exclude) + tuple(self.extend_exclude)


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
# finding and reading the file


def find_config(start: Path) -> Optional[Tuple[Path, Dict[str, Any]]]:
    """The nearest reslint.toml, .reslint.toml or pyproject.toml with [tool.reslint]."""
    for directory in [start, *start.parents]:
        for name in CONFIG_FILES:
            candidate = directory / name
            if candidate.is_file():
                return candidate, _read_table(candidate)
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            data = _read_toml(pyproject)
            tool = data.get("tool", {})
            if isinstance(tool, dict) and "reslint" in tool:
                table = tool["reslint"]
                if not isinstance(table, dict):
                    raise ConfigError(f"{pyproject}: [tool.reslint] must be a table")
                return pyproject, table
    return None


def _read_toml(path: Path) -> Dict[str, Any]:
    """Any TOML file the config search reads: one that cannot be read, decoded or parsed (even
    one without [tool.reslint]) is a ConfigError naming it, for the user to fix or move."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        encoding = " (it looks like UTF-16)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 text{encoding}: byte 0x{data[exc.start]:02x} at offset "
                          f"{exc.start}; TOML files must be UTF-8: save it as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply to read") from None


def _read_table(path: Path) -> Dict[str, Any]:
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("reslint")
        if table is None:
            raise ConfigError(f"{path}: has no [tool.reslint] table")
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.reslint] must be a table")
        return table
    return data


def load(
    cwd: Optional[Path] = None,
    config_file: Optional[Path] = None,
    isolated: bool = False,
    overrides: Optional[Mapping[str, Any]] = None,
) -> Settings:
    """Settings from the config file (found or given) with CLI ``overrides`` on top."""
    cwd = (cwd or Path.cwd()).resolve()
    table: Dict[str, Any] = {}
    path: Optional[Path] = None
    if config_file is not None:
        path = config_file.resolve()
        if not path.is_file():
            raise ConfigError(f"{config_file}: config file not found")
        table = _read_table(path)
    elif not isolated:
        found = find_config(cwd)
        if found:
            path, table = found
    root = path.parent if path else vcs_root(cwd) or cwd
    where = f"{path} [tool.reslint]" if path and path.name == "pyproject.toml" else str(path or "")
    settings = from_table(table, root=root, where=where or "configuration", config_path=path)
    if overrides:
        settings = apply_overrides(settings, overrides)
    return settings


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
                              f"{registry.unknown_code_hint(item, choices)}")
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


def from_table(table: Mapping[str, Any], *, root: Path, where: str, config_path: Optional[Path] = None) -> Settings:
    for key in table:
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key `{key}`{_suggest(key, KEYS)}")
    kwargs: Dict[str, Any] = {"root": root, "config_path": config_path}
    if "select" in table:
        kwargs["select"] = _selectors(table["select"], "select", where)
    if "extend-select" in table:
        kwargs["extend_select"] = _selectors(table["extend-select"], "extend-select", where)
    if "ignore" in table:
        kwargs["ignore"] = _selectors(table["ignore"], "ignore", where)
    if "per-file-ignores" in table:
        pfi = table["per-file-ignores"]
        if not isinstance(pfi, dict):
            raise ConfigError(f"{where}: `per-file-ignores` must be a table of pattern = [codes]")
        kwargs["per_file_ignores"] = tuple(
            (pattern, _selectors(codes, f"per-file-ignores.\"{pattern}\"", where)) for pattern, codes in pfi.items()
        )
    if "exclude" in table:
        kwargs["exclude"] = _string_list(table["exclude"], "exclude", where)
    if "extend-exclude" in table:
        kwargs["extend_exclude"] = _string_list(table["extend-exclude"], "extend-exclude", where)
    problems: List[str] = []
    for key, field_name in (("exclude", "exclude"), ("extend-exclude", "extend_exclude"), ("per-file-ignores", "per_file_ignores")):
        if field_name in kwargs:
            kwargs[field_name] = _parsable(kwargs[field_name], key, where, config_path, problems)
    kwargs["pattern_problems"] = tuple(problems)
    for key, choices in (("target-version", TARGET_VERSIONS), ("output-format", FORMATS)):
        if key in table:
            value = table[key]
            if value not in choices:
                raise ConfigError(f"{where}: `{key}` must be one of {', '.join(choices)}, got {_describe(value)}")
            kwargs[key.replace("-", "_")] = value
    for key in ("unsafe-fixes", "show-source", "respect-gitignore", "force-exclude"):
        if key in table:
            kwargs[key.replace("-", "_")] = _bool(table[key], key, where)
    if "max-file-size" in table:
        value = table["max-file-size"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"{where}: `max-file-size` must be a positive number of KiB, got {_describe(value)}")
        kwargs["max_file_size"] = value
    if "severity" in table:
        sev = table["severity"]
        if not isinstance(sev, dict):
            raise ConfigError(f"{where}: `severity` must be a table of code = \"error\" | \"warning\" | \"note\"")
        pairs = []
        for key, level in sev.items():
            rule = _rule_for(key, where, "severity")
            if level not in ("error", "warning", "note"):
                raise ConfigError(f"{where}: severity of `{key}` must be \"error\", \"warning\" or \"note\", got {_describe(level)}")
            pairs.append((rule.code, level))
        kwargs["severity"] = tuple(pairs)
    if "rules" in table:
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
        table_where = f"{where}: [rules.{key}]"
        for option, value in table.items():
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
    return tuple(
        (code, build_options(registry.by_code()[code], {k: v for k, (_, v) in options.items()},
                             f"{where}: [rules.{code}]"))
        for code, options in values.items()
    )


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
