"""All rules, by code and by name, and the selectors that pick them.

Rules live in the package ``reslint.rules`` (the top-level ``rules/`` folder
of the repository), one module per code. Selectors are ``ALL``, a code
prefix (``RES``, ``RES3``, ``RES30``, ``RES301``) or a rule name
(``bare-except``).

The registry checks every rule when it loads them (:func:`validate_rule`,
:func:`validate_rules`), so a mistake fails at once with a
:class:`RegistryError` that names the rule, instead of surfacing later as a
rule that silently never runs or as an internal error on every linted file:

- the code is ``RES`` and three digits, the name is kebab-case, and both are
  unique;
- every ``visit_<Node>`` / ``leave_<Node>`` method names a concrete libcst
  node class (``libcst.<Node>``); a misspelt name is refused with the
  closest libcst class name as a suggestion;
- a rule with visit methods declares ``triggers`` (without them it would
  never run), and a rule with triggers has visit methods (without them it
  would never report). The rules the engine runs itself (RES000, RES900)
  have neither.

Reserved codes: ``RES990``-``RES999`` belong to the tests. Stub rules that
tests define (and register by patching :func:`all_rules`) take codes there,
and ``RES999`` is the "unknown code" sentinel of the suppression tests and
fixtures. No shipped rule may use a reserved code, so a test's code never
collides with a real rule and a sentinel never changes meaning.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import pkgutil
import re
from functools import lru_cache
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple, Type

from .rule import Rule

_CODE = re.compile(r"^RES\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_VISITOR = re.compile(r"^(visit|leave)_(.+)$")

RESERVED_FIRST, RESERVED_LAST = 990, 999
"""Codes RES990-RES999 are reserved for tests and sentinels: no shipped rule takes one."""


class RegistryError(Exception):
    pass


def is_reserved(code: str) -> bool:
    """Whether ``code`` is in the test-only range RES990-RES999."""
    return bool(_CODE.match(code)) and RESERVED_FIRST <= int(code[3:]) <= RESERVED_LAST


def _describe(rule: Type[Rule]) -> str:
    code = getattr(rule, "code", "") or "no code"
    return f"rule {code} ({rule.__module__}.{rule.__qualname__})"


def _node_class(name: str) -> Optional[type]:
    """``libcst.<name>`` if it is a node class, else None."""
    import libcst as cst

    value = getattr(cst, name, None) if not name.startswith("_") else None
    return value if isinstance(value, type) and issubclass(value, cst.CSTNode) else None


def _node_classes() -> Dict[str, type]:
    """Every node class libcst exports, by name (only computed to explain an error)."""
    import libcst as cst

    return {name: value for name in dir(cst) for value in [_node_class(name)] if value is not None}


def _check_visitor(rule: Type[Rule], method: str, node_name: str) -> None:
    node = _node_class(node_name)
    if node is not None and not inspect.isabstract(node):
        return
    import libcst as cst

    where = f"{_describe(rule)}: `{method}`"
    prefix = method.split("_", 1)[0]
    concrete = {name: value for name, value in _node_classes().items() if not inspect.isabstract(value)}
    if node is not None:
        examples = ", ".join(f"`{prefix}_{n}`" for n, c in sorted(concrete.items()) if issubclass(c, node))
        raise RegistryError(
            f"{where} names `libcst.{node_name}`, an abstract class: the engine calls visit and leave methods "
            f"for concrete node classes only (here: {examples})"
        )
    head = node_name.split("_", 1)[0]
    if "_" in node_name and head in concrete:
        raise RegistryError(
            f"{where}: attribute visitors (`{prefix}_<Node>_<field>`) are not supported; "
            f"use `{prefix}_{head}` and read the field from the node"
        )
    close = difflib.get_close_matches(node_name, list(concrete), n=1, cutoff=0.6)
    hint = f" (did you mean `{prefix}_{close[0]}`?)" if close else ""
    exists = getattr(cst, node_name, None) is not None
    what = f"`libcst.{node_name}` is not a node class" if exists else f"there is no `libcst.{node_name}`"
    raise RegistryError(f"{where} names no libcst node class: {what}{hint}")


def _visitor_methods(rule: Type[Rule]) -> List[Tuple[str, str]]:
    """(method name, node class name) for each visit_/leave_ method of ``rule`` (inherited ones too)."""
    out = []
    for attr in sorted(dir(rule)):
        match = _VISITOR.match(attr)
        if match and callable(getattr(rule, attr)):
            out.append((attr, match.group(2)))
    return out


def validate_rule(rule: Type[Rule], *, visitors: bool = True) -> None:
    """Raise :class:`RegistryError` if ``rule`` cannot be registered.

    Checks one class on its own (so tests can feed it stub classes): its code
    and name, its visit/leave methods and its triggers. Uniqueness and the
    reserved range are checked by :func:`validate_rules`. With ``visitors=False`` the
    visit/leave method names are not checked against libcst's classes here (that imports
    libcst): :func:`check_visitors` does it when the rule first runs.
    """
    if not isinstance(rule, type) or not issubclass(rule, Rule):
        raise RegistryError(f"{rule!r} is not a subclass of reslint.rule.Rule")
    code = rule.code
    if not isinstance(code, str) or not _CODE.match(code):
        raise RegistryError(f"{_describe(rule)}: bad rule code {code!r}: a code is `RES` and three digits")
    if not isinstance(rule.name, str) or not _NAME.match(rule.name):
        raise RegistryError(f"{_describe(rule)}: bad rule name {rule.name!r}: a name is kebab-case, like `bare-except`")
    methods = _visitor_methods(rule)
    if visitors:
        check_visitors(rule)
    if methods and not rule.triggers:
        raise RegistryError(
            f"{_describe(rule)} has visit/leave methods but no `triggers`: it would never run "
            "(declare the regular expressions a file's text must match for the rule to run on it)"
        )
    if rule.triggers and not methods:
        raise RegistryError(
            f"{_describe(rule)} declares `triggers` but no visit_<Node>/leave_<Node> methods: it would never report"
        )


@lru_cache(maxsize=None)
def check_visitors(rule: Type[Rule]) -> None:
    """Raise :class:`RegistryError` if a visit/leave method of ``rule`` names no concrete libcst
    node class (imports libcst; the engine calls it before a rule's first walk)."""
    for method, node_name in _visitor_methods(rule):
        _check_visitor(rule, method, node_name)


def validate_rules(rules: Iterable[Type[Rule]], *, shipped: bool = True, visitors: bool = True) -> Tuple[Type[Rule], ...]:
    """Validate each rule and the set: unique codes and names; for ``shipped`` rules, no reserved code.

    Returns the rules sorted by code.
    """
    found: Dict[str, Type[Rule]] = {}
    names: Dict[str, str] = {}
    others: Dict[str, str] = {}
    for rule in rules:
        validate_rule(rule, visitors=visitors)
        for other_code in rule.other_tools_codes:
            owner = others.setdefault(other_code.upper(), rule.code)
            if owner != rule.code:
                raise RegistryError(f"other linters' code {other_code.upper()} is claimed by {owner} and {rule.code}: "
                                    "a `# noqa` for it can stand for one rule only")
        if shipped and is_reserved(rule.code):
            raise RegistryError(
                f"{_describe(rule)}: codes RES{RESERVED_FIRST}-RES{RESERVED_LAST} are reserved for tests and "
                "sentinels; give the rule another code"
            )
        other = found.get(rule.code)
        if other is not None and other is not rule:
            raise RegistryError(f"rule code {rule.code} is defined twice: {_describe(other)} and {_describe(rule)}")
        if rule.name in names and names[rule.name] != rule.code:
            raise RegistryError(f"rule name {rule.name} is used by {names[rule.name]} and {rule.code}")
        found[rule.code] = rule
        names[rule.name] = rule.code
    return tuple(found[code] for code in sorted(found))


def _discover() -> List[Type[Rule]]:
    import reslint.rules as package

    out: List[Type[Rule]] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if not info.name.startswith("res"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        defined = [
            value for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and value.code
            and value.__module__ == module.__name__
        ]
        if not defined:
            raise RegistryError(
                f"{module.__name__} defines no rule: a module `rules/res*.py` holds one Rule subclass with a `code`"
            )
        out.extend(defined)
    return out


@lru_cache(maxsize=1)
def all_rules() -> Tuple[Type[Rule], ...]:
    """Every shipped rule, validated, sorted by code. Their visit/leave method names are checked
    against libcst when each first runs (:func:`check_visitors`): listing the rules, reading the
    config and linting files that need no tree never import libcst (see :mod:`reslint.lazycst`)."""
    return validate_rules(_discover(), shipped=True, visitors=False)


class RuleInfo(NamedTuple):
    """What selecting rules needs to know of one, without importing it (see :func:`catalog`)."""

    code: str
    name: str
    default_enabled: bool
    scope: str

    @classmethod
    def of(cls, rule: Type[Rule]) -> "RuleInfo":
        return cls(rule.code, rule.name, bool(rule.default_enabled), rule.scope)


_ALL_RULES = all_rules


def catalog() -> Tuple[RuleInfo, ...]:
    """Every shipped rule's code, name, default and scope, sorted by code.

    Reading the configuration and choosing the enabled rules needs only this. When the rules are
    not imported yet it comes from a small file in the cache directory, kept with the
    fingerprint of reslint's sources (:func:`reslint.cache.code_fingerprint`), so a run that the
    result cache answers never imports the rule modules (nor libcst). When the rules are
    imported (or a test substitutes :func:`all_rules`), it is derived from them.
    """
    found = _catalog_memo.get("catalog")
    if found is not None and all_rules is _ALL_RULES:
        return found
    if all_rules is not _ALL_RULES or _ALL_RULES.cache_info().currsize:
        return tuple(RuleInfo.of(r) for r in all_rules())
    from . import cache

    directory = cache.cache_dir()
    path = directory / f"catalog-{cache.code_fingerprint()}.pickle" if directory is not None else None
    loaded = cache.load_pickle(path, "catalog") if path is not None else None
    if isinstance(loaded, tuple) and all(isinstance(i, tuple) and len(i) == 4 for i in loaded):
        found = tuple(RuleInfo(*i) for i in loaded)
    else:
        found = tuple(RuleInfo.of(r) for r in all_rules())
        if path is not None and cache.dump_pickle(path, "catalog", tuple(tuple(i) for i in found)):
            cache.prune(path, "catalog-*.pickle")
    _catalog_memo["catalog"] = found
    return found


_catalog_memo: Dict[str, Tuple[RuleInfo, ...]] = {}


def lookup_info(code_or_name: str) -> Optional[RuleInfo]:
    key = code_or_name.strip()
    for info in catalog():
        if info.code == key.upper() or info.name == key.lower():
            return info
    return None


def by_code() -> Dict[str, Type[Rule]]:
    return {rule.code: rule for rule in all_rules()}


def lookup(code_or_name: str) -> Optional[Type[Rule]]:
    key = code_or_name.strip()
    for rule in all_rules():
        if rule.code == key.upper() or rule.name == key.lower():
            return rule
    return None


def other_tools_codes() -> Tuple[Tuple[str, str], ...]:
    """(other linter's code, RES code) for every rule's ``other_tools_codes``."""
    return tuple((other.upper(), rule.code) for rule in all_rules() for other in rule.other_tools_codes)


def covering_rules(code: str) -> Tuple[str, ...]:
    """The RES rules (``CODE (name)``) that cover another linter's code (``E722``), from the rules'
    ``other_tools_codes``; empty when none does (or ``code`` is not one)."""
    wanted = code.strip().upper()
    return tuple(f"{rule.code} ({rule.name})" for rule in all_rules()
                 if wanted in (other.upper() for other in rule.other_tools_codes))


def unknown_code_hint(code: str, choices: Sequence[str]) -> str:
    """What to add to "unknown rule `code`": the RES rules that cover another linter's code
    (`E722` -> RES301), else the closest valid name, else nothing."""
    covering = covering_rules(code)
    if covering:
        codes = " or ".join(f"`{c.split()[0]}`" for c in covering)
        return (f": `{code.strip()}` is another linter's code; reslint's "
                f"{' and '.join(covering)} cover{'s' if len(covering) == 1 else ''} it (write {codes})")
    close = difflib.get_close_matches(code, list(choices), n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def names_to_codes() -> Tuple[Tuple[str, str], ...]:
    pairs: List[Tuple[str, str]] = []
    for rule in all_rules():
        pairs.append((rule.name.lower(), rule.code))
        pairs.append((rule.code.lower(), rule.code))
    return tuple(pairs)


def selector_specificity(selector: str, rule: "Type[Rule] | RuleInfo") -> Optional[int]:
    """How specifically ``selector`` names ``rule`` (higher wins), None when it does not."""
    sel = selector.strip()
    if sel.upper() == "ALL":
        return 1
    if sel.lower() == rule.name:
        return 6
    sel = sel.upper()
    if sel.startswith("RES") and rule.code.startswith(sel):
        return len(sel)
    return None


def is_valid_selector(selector: str) -> bool:
    return any(selector_specificity(selector, rule) is not None for rule in catalog())
