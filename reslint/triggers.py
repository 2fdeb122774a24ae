"""Trigger patterns, searched fast.

A rule's triggers are regular expressions over a file's text, searched in every file of a run.
Python's `re` is slow on a pattern that opens with an alternation or is case-insensitive
(`(?i)retr|backoff`, `\\basync\\b|asyncio|httpx`): it cannot skip ahead to a literal. A
:class:`Trigger` therefore first derives, from the parsed pattern, a set of literal strings one
of which every match must contain, and looks for them with ``str.__contains__`` (a fast scan);
the regular expression runs only when one is there. The derivation is conservative: a pattern it
cannot reason about (local flags, a set of strings with a member shorter than
:data:`MIN_LITERAL`, look-arounds in the way) has no prefilter and is searched as before, so a
trigger's verdict never changes.

A case-insensitive literal is looked for in the lower-cased text, unless the text holds one of
the four characters beyond ASCII that such a pattern matches with an ASCII letter (`ſ` matches
`s`, and `str.lower` leaves it): then the regular expression decides.
Within one run the same pattern text is one :class:`Trigger`, and :class:`SearchMemo` keeps each
trigger's verdict for one file, so rules that share a trigger pay for it once.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import Dict, FrozenSet, Optional, Tuple

try:  # Python 3.11+
    import re._constants as _c
    import re._parser as _p
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

MIN_LITERAL = 3
_REPEATS = tuple(getattr(_c, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_c, name))


def _required(sub, fold: bool) -> Optional[FrozenSet[str]]:
    """Strings one of which every match of the parsed ``sub`` contains, or None when unknown."""
    best: Optional[FrozenSet[str]] = None

    def consider(candidate: Optional[FrozenSet[str]]) -> None:
        nonlocal best
        if candidate and min(map(len, candidate)) >= MIN_LITERAL:
            if best is None or min(map(len, candidate)) > min(map(len, best)):
                best = candidate

    run = []
    for op, av in sub:
        if op is _c.LITERAL:
            run.append(chr(av).lower() if fold else chr(av))
            continue
        prefix = "".join(run)
        consider(frozenset([prefix]) if prefix else None)
        run = []
        if op is _c.BRANCH:
            options = [_required(branch, fold) for branch in av[1]]
            if all(o is not None for o in options):
                consider(frozenset().union(*options))  # type: ignore[arg-type]
            if prefix:
                # the parser factors a common prefix out (`retr(?:y|ies)`, `post|patch` -> `p(?:ost|atch)`):
                # the prefix followed by each branch's leading literals is in every match
                consider(frozenset(prefix + _leading(branch, fold) for branch in av[1]))
        elif op is _c.SUBPATTERN:
            _, add_flags, del_flags, inner = av
            if not add_flags and not del_flags:
                consider(_required(inner, fold))
                if prefix and len(inner) and inner[0][0] is _c.BRANCH:
                    consider(frozenset(prefix + _leading(branch, fold) for branch in inner[0][1][1]))
        elif op in _REPEATS:
            low, _, inner = av
            if low >= 1:
                consider(_required(inner, fold))
    consider(frozenset(["".join(run)]) if run else None)
    return best


def _leading(sub, fold: bool) -> str:
    """The literal characters a parsed ``sub`` starts with."""
    out = []
    for op, av in sub:
        if op is not _c.LITERAL:
            break
        out.append(chr(av).lower() if fold else chr(av))
    return "".join(out)


def required_literals(pattern: str) -> Tuple[Optional[FrozenSet[str]], bool]:
    """(strings one of which every match contains, or None; whether they are lower-cased)."""
    try:
        parsed = _p.parse(pattern)
    except Exception:  # noqa: BLE001 - no prefilter for what the parser refuses
        return None, False
    flags = parsed.state.flags
    fold = bool(flags & re.IGNORECASE)
    if flags & (re.VERBOSE | re.LOCALE):
        return None, False
    found = _required(parsed, fold)
    if found is not None and fold and not all(literal.isascii() for literal in found):
        return None, False  # `ſ` (?i) matches `s`: no lower-cased look-up for a non-ASCII literal
    return found, fold


class Trigger:
    """One trigger pattern: ``search(text)`` is ``re.search(pattern, text) is not None``, faster."""

    __slots__ = ("pattern", "regex", "literals", "fold")

    def __init__(self, pattern: str):
        self.pattern = pattern
        self.regex = re.compile(pattern)
        self.literals, self.fold = required_literals(pattern)

    def search(self, text: str) -> bool:
        literals = self.literals
        if literals is not None:
            if not self.fold:
                if not any(literal in text for literal in literals):
                    return False
            else:
                lowered = _lowered(text)
                if lowered is not None and not any(literal in lowered for literal in literals):
                    return False
        return self.regex.search(text) is not None


_last_text: list = [None, None]


# The only characters beyond ASCII that a case-insensitive pattern matches with an ASCII letter
# (found by trying every code point): `İ` `ı` (i), `ſ` (s), the Kelvin sign (k). Any other
# character's lower case either is not ASCII or is what it matches.
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


def _lowered(text: str) -> Optional[str]:
    """``text.lower()``, in which a lower-cased ASCII literal is found wherever a case-insensitive
    pattern could match it; None when the text holds a character that breaks this (see above).
    Kept for the last text asked about."""
    if _last_text[0] is not text:
        _last_text[0] = text
        usable = text.isascii() or not any(c in text for c in _FOLDS_TO_ASCII)
        _last_text[1] = text.lower() if usable else None
    return _last_text[1]


@functools.lru_cache(maxsize=None)
def trigger(pattern: str) -> Trigger:
    return Trigger(pattern)


class SearchMemo:
    """Each trigger's verdict on one text, so rules sharing a pattern search it once."""

    __slots__ = ("text", "found")

    def __init__(self, text: str):
        self.text = text
        self.found: Dict[Trigger, bool] = {}

    def search(self, compiled: Trigger) -> bool:
        found = self.found.get(compiled)
        if found is None:
            found = self.found[compiled] = compiled.search(self.text)
        return found


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_local = threading.local()  # the language server lints on several threads


def identifiers(text: str) -> frozenset:
    """The identifier-like words of ``text`` (the last text's answer is kept, per thread: the rules
    and the result cache of one file ask for the same text)."""
    last = getattr(_local, "identifiers", None)
    if last is None or last[0] is not text:
        last = _local.identifiers = (text, frozenset(_IDENTIFIER.findall(text)))
    return last[1]


def importing(modules: str) -> str:
    """A trigger for a file that imports one of ``modules`` (an alternation, `requests|socket`),
    wherever it stands in the statement: `import requests`, `from requests import get`, and a
    list, `import os, subprocess` or `import json as j, requests` (the module need not come first)."""
    return r"(?:import|from)\s+(?:[\w.]+(?:\s+as\s+\w+)?\s*,\s*)*(?:" + modules + r")\b"
