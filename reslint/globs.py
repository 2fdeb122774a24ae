"""Path patterns with .gitignore semantics, for .gitignore files and for
`exclude`, `extend-exclude` and `per-file-ignores`.

- `name` (no slash) matches a file or directory of that name at any depth;
- `dir/name` or `/name` is anchored to the directory the pattern belongs to;
- a trailing `/` matches directories only;
- `*` and `?` never cross `/`; `**` does (`**/x`, `x/**`, `a/**/b`);
- `[...]` is a character class; `\\` escapes;
- in a .gitignore, `!pattern` re-includes, and the last matching line wins.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import List, Optional, Sequence


def _translate_body(pattern: str) -> str:
    out = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                before_ok = i == 0 or pattern[i - 1] == "/"
                after = i + 2
                if before_ok and after < n and pattern[after] == "/":
                    out.append("(?:.*/)?")
                    i = after + 1
                    continue
                if before_ok and after == n:
                    out.append(".*")
                    i = after
                    continue
                out.append("[^/]*")
                i = after
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 2 if i + 1 < n and pattern[i + 1] in "!^" else i + 1)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1:j]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


@dataclass(frozen=True)
class PathPattern:
    source: str
    regex: "re.Pattern[str]"
    negated: bool
    dir_only: bool

    def matches(self, rel_path: str, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        return self.regex.match(rel_path) is not None


def compile_pattern(raw: str) -> Optional[PathPattern]:
    pattern = raw.rstrip("\n\r")
    if not pattern.strip() or pattern.startswith("#"):
        return None
    # trailing spaces are ignored unless escaped
    while pattern.endswith(" ") and not pattern.endswith("\\ "):
        pattern = pattern[:-1]
    negated = pattern.startswith("!")
    if negated:
        pattern = pattern[1:]
    pattern = pattern.replace("\\", "/") if os.sep == "\\" else pattern
    if pattern.startswith("./"):
        pattern = pattern[2:]
    dir_only = pattern.endswith("/")
    pattern = pattern.rstrip("/")
    if not pattern:
        return None
    anchored = "/" in pattern
    pattern = pattern.lstrip("/")
    body = _translate_body(pattern)
    prefix = "" if anchored else "(?:.*/)?"
    regex = re.compile(f"^{prefix}{body}$", re.DOTALL)
    return PathPattern(raw, regex, negated, dir_only)


class PatternSet:
    """Patterns relative to one base directory; the last match decides."""

    def __init__(self, base: str, patterns: Sequence[str]):
        self.base = base
        self._prefix = os.path.join(base, "")
        self.patterns: List[PathPattern] = [p for p in (compile_pattern(x) for x in patterns) if p]

    @property
    def patterns(self) -> List[PathPattern]:
        return self._patterns

    @patterns.setter
    def patterns(self, value: List[PathPattern]) -> None:
        self._patterns = value
        # Without a negation the last match decides nothing the first would not: one alternation
        # of all patterns (and one of those that also apply to files) answers in a single match.
        self._combined: Optional[tuple] = None
        if value and not any(p.negated for p in value):
            def alternation(items: List[PathPattern]) -> Optional["re.Pattern[str]"]:
                if not items:
                    return None
                return re.compile("|".join(f"(?:{p.regex.pattern})" for p in items), re.DOTALL)
            self._combined = (alternation(value), alternation([p for p in value if not p.dir_only]))

    def relative(self, abs_path: str) -> Optional[str]:
        """``abs_path`` relative to the base (forward slashes), or None when it is outside."""
        if abs_path.startswith(self._prefix):
            rel = abs_path[len(self._prefix):]
        else:
            rel = os.path.relpath(abs_path, self.base)
            if rel.startswith(".."):
                return None
        return rel.replace(os.sep, "/") if os.sep != "/" else rel

    def decide(self, abs_path: str, is_dir: bool) -> Optional[bool]:
        """True: matched (excluded/ignored); False: re-included; None: no opinion."""
        rel = self.relative(abs_path)
        if rel is None:
            return None
        combined = self._combined
        if combined is not None:
            regex = combined[0] if is_dir else combined[1]
            return True if regex is not None and regex.match(rel) is not None else None
        verdict = None
        for pattern in self._patterns:
            if pattern.matches(rel, is_dir):
                verdict = not pattern.negated
        return verdict

    def matches_path_or_parent(self, abs_path: str, is_dir: bool) -> bool:
        """True when the path or one of its parent directories (below base) matches."""
        rel = os.path.relpath(abs_path, self.base)
        if rel.startswith(".."):
            return False
        parts = rel.replace(os.sep, "/").split("/")
        for i in range(1, len(parts) + 1):
            sub = "/".join(parts[:i])
            sub_is_dir = is_dir if i == len(parts) else True
            verdict = None
            for pattern in self.patterns:
                if pattern.matches(sub, sub_is_dir):
                    verdict = not pattern.negated
            if verdict:
                return True
        return False

    @classmethod
    def from_file(cls, path: str, base: str) -> Optional["PatternSet"]:
        """Patterns from a .gitignore-style file, relative to ``base``."""
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                lines = handle.read().splitlines()
        except OSError:
            return None
        result = cls(base, lines)
        return result if result.patterns else None
