"""All rules, by code and by name, and the selectors that pick them.

Rules live in the package ``reslint.rules`` (the top-level ``rules/`` folder
of the repository), one module per code. Selectors are ``ALL``, a code
prefix (``RES``, ``RES3``, ``RES30``, ``RES301``) or a rule name
(``bare-except``).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache
from typing import Dict, List, Optional, Tuple, Type

from .rule import Rule

_CODE = re.compile(r"^RES\d{3}$")


class RegistryError(Exception):
    pass


@lru_cache(maxsize=1)
def all_rules() -> Tuple[Type[Rule], ...]:
    import reslint.rules as package

    found: Dict[str, Type[Rule]] = {}
    names: Dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if not info.name.startswith("res"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and value.code:
                if value.__module__ != module.__name__:
                    continue
                if not _CODE.match(value.code):
                    raise RegistryError(f"{value.__name__}: bad rule code {value.code!r}")
                if value.code in found and found[value.code] is not value:
                    raise RegistryError(f"rule code {value.code} is defined twice")
                if value.name in names and names[value.name] != value.code:
                    raise RegistryError(f"rule name {value.name} is used by {names[value.name]} and {value.code}")
                found[value.code] = value
                names[value.name] = value.code
    return tuple(found[code] for code in sorted(found))


def by_code() -> Dict[str, Type[Rule]]:
    return {rule.code: rule for rule in all_rules()}


def lookup(code_or_name: str) -> Optional[Type[Rule]]:
    key = code_or_name.strip()
    for rule in all_rules():
        if rule.code == key.upper() or rule.name == key.lower():
            return rule
    return None


def names_to_codes() -> Tuple[Tuple[str, str], ...]:
    pairs: List[Tuple[str, str]] = []
    for rule in all_rules():
        pairs.append((rule.name.lower(), rule.code))
        pairs.append((rule.code.lower(), rule.code))
    return tuple(pairs)


def selector_specificity(selector: str, rule: Type[Rule]) -> Optional[int]:
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
    return any(selector_specificity(selector, rule) is not None for rule in all_rules())
