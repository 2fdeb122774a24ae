"""Path patterns with .gitignore semantics, for .gitignore files and for
`exclude`, `extend-exclude` and `per-file-ignores`.

- `name` (no slash) matches a file or directory of that name at any depth;
- `dir/name`, `/name` or `./name` is anchored to the directory the pattern belongs to;
- a trailing `/` matches directories only;
- `*` and `?` never cross `/`; `**` does (`**/x`, `x/**`, `a/**/b`);
- `[...]` is a character class (`[!...]` or `[^...]` negated, POSIX classes such as
  `[[:alpha:]]` included); `\\` escapes;
- in a .gitignore, `!pattern` re-includes, and the last matching line wins.

Parsing and matching are the `pathspec` library's (``GitIgnoreSpec``, which follows git's own
rules and edge cases). Where ``google-re2`` is installed (a dependency of reslint wherever it
ships wheels) the patterns are matched by RE2, whose time is linear in the length of the path
whatever the pattern: a cloned repository's .gitignore cannot make discovery slow. Without it,
Python's ``re`` matches them.

Before pathspec sees a pattern, POSIX classes are expanded to the ASCII ranges git gives them
(pathspec does not know them). A pattern that cannot be compiled (a reversed range `[z-a]`, an
unclosed `[`, an unknown class, a trailing backslash) is skipped, and a problem naming where it
came from (file and line) is recorded for the caller to report: git ignores such a pattern too.
"""

from __future__ import annotations

import os
import re
import warnings
from typing import Any, List, Optional, Sequence, Tuple

# The ASCII members git's wildmatch gives each POSIX class (as class-body ranges).
_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "blank": " \t",
    "cntrl": "\x00-\x1f\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@[-`{-~",
    "space": " \t\n\r\x0b\x0c",
    "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
}
_POSIX_CLASS = re.compile(r"\[:([a-z]*):\]")


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message says why."""


def _expand_classes(pattern: str) -> str:
    """``pattern`` with each POSIX class inside a bracket expression replaced by its ranges."""
    if "[:" not in pattern:
        return pattern

    def expand(match: "re.Match[str]") -> str:
        members = _POSIX_CLASSES.get(match.group(1))
        if members is None:
            raise PatternError(f"unknown character class `[:{match.group(1)}:]`")
        return members

    return _POSIX_CLASS.sub(expand, pattern)


def _normalise(raw: str) -> Optional[str]:
    """The pattern as pathspec should read it, or None for a blank line or a comment."""
    pattern = raw.rstrip("\n\r")
    if not pattern.strip() or pattern.startswith("#"):
        return None
    if os.sep == "\\":
        pattern = pattern.replace("\\", "/")
    negated = pattern.startswith("!")
    body = pattern[1:] if negated else pattern
    if body.startswith("./"):
        body = "/" + body[2:]  # relative to the pattern's directory, as `/name` is
    return ("!" if negated else "") + _expand_classes(body)


def _has_re2() -> bool:
    try:
        import re2  # noqa: F401
    except ImportError:
        return False
    return True


_BACKEND: List[str] = []


def backend() -> str:
    """The pathspec backend in use: ``re2`` (linear-time) when google-re2 can be imported, else ``simple``."""
    if not _BACKEND:
        _BACKEND.append("re2" if _has_re2() else "simple")
    return _BACKEND[0]


def compile_one(raw: str) -> Any:
    """The pathspec pattern for one line (None for a blank line or a comment); PatternError when
    it cannot be compiled."""
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

    pattern = _normalise(raw)
    if pattern is None:
        return None
    if _undecodable(pattern):
        raise PatternError("it holds bytes that are not valid UTF-8")
    try:
        with warnings.catch_warnings():
            # pathspec compiles each pattern with Python's re, which warns about `[[` and `--`
            # in a class (meaningful in future Pythons); the class is read as git reads it
            warnings.simplefilter("ignore", FutureWarning)
            compiled = GitIgnoreSpecPattern(pattern)
    except re.error as exc:
        raise PatternError(str(exc.msg if hasattr(exc, "msg") else exc)) from None
    except ValueError as exc:
        detail = str(exc.__cause__ or exc)
        if "Escape character" in detail:
            detail = "it ends with a backslash that escapes nothing"
        elif "normalized to nothing" in detail:
            detail = "it is empty"
        raise PatternError(detail) from None
    if compiled.include is None and pattern.strip().lstrip("!").strip() not in ("", "/"):
        raise PatternError("a `[` is never closed")
    return compiled


def _spec(patterns: Sequence[Any]) -> Any:
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec(patterns, backend=backend())


class PatternSet:
    """Patterns relative to one base directory; the last match decides.

    ``origins[i]`` says where ``patterns[i]`` comes from (``path:line``), for the problems: the
    patterns that cannot be compiled are skipped, each with a message in :attr:`problems`.
    Compiled when first used.
    """

    def __init__(self, base: str, patterns: Sequence[str], origins: Optional[Sequence[str]] = None):
        self.base = base
        self._prefix = os.path.join(base, "")
        self.lines: Tuple[str, ...] = tuple(patterns)
        self.origins: Tuple[str, ...] = tuple(origins) if origins is not None else ("",) * len(self.lines)
        self.problems: List[str] = []
        self._compiled: Optional[Tuple[Any, bool]] = None  # (spec or None, surrogate-safe input needed)

    def compile(self) -> "PatternSet":
        if self._compiled is not None:
            return self
        patterns = []
        for line, origin in zip(self.lines, self.origins):
            try:
                compiled = compile_one(line)
            except PatternError as exc:
                self._problem(origin, line, str(exc))
                continue
            if compiled is not None and compiled.include is not None:
                patterns.append((compiled, line, origin))
        spec = None
        if patterns:
            try:
                spec = _spec([p for p, _, _ in patterns])
            except Exception:  # the matcher (RE2) refuses one of them: find which
                kept = []
                for compiled, line, origin in patterns:
                    try:
                        _spec([compiled])
                    except Exception as exc:
                        self._problem(origin, line, str(exc).strip("b'\"") or type(exc).__name__)
                    else:
                        kept.append(compiled)
                spec = _spec(kept) if kept else None
        self._compiled = (spec, backend() == "re2")
        return self

    def _problem(self, origin: str, line: str, reason: str) -> None:
        where = f"{origin}: " if origin else ""
        self.problems.append(f"{where}the pattern `{line.strip()}` cannot be parsed ({reason}); it is skipped, "
                             "as git skips it: correct or remove it")

    def __bool__(self) -> bool:
        return self.compile()._compiled[0] is not None  # type: ignore[index]

    def relative(self, abs_path: str) -> Optional[str]:
        """``abs_path`` relative to the base (forward slashes), or None when it is outside."""
        if abs_path.startswith(self._prefix):
            rel = abs_path[len(self._prefix):]
        else:
            rel = os.path.relpath(abs_path, self.base)
            if rel.startswith(".."):
                return None
        return rel.replace(os.sep, "/") if os.sep != "/" else rel

    def check(self, rel_path: str, is_dir: bool) -> Optional[bool]:
        """For a path relative to the base (forward slashes): True when matched (excluded or ignored),
        False when re-included by a `!` pattern, None when no pattern matches it (nor a directory
        above it)."""
        spec, needs_utf8 = self.compile()._compiled  # type: ignore[misc]
        if spec is None:
            return None
        if needs_utf8 and not rel_path.isascii():
            # RE2 reads UTF-8: an undecodable byte of a file name (a surrogate) matches as U+FFFD
            rel_path = rel_path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return spec.check_file(rel_path + "/" if is_dir else rel_path, ()).include

    def decide(self, abs_path: str, is_dir: bool) -> Optional[bool]:
        """True: matched (excluded/ignored); False: re-included; None: no opinion."""
        rel = self.relative(abs_path)
        if rel is None:
            return None
        return self.check(rel, is_dir)

    @classmethod
    def from_file(cls, path: str, base: str) -> Optional["PatternSet"]:
        """Patterns from a .gitignore-style file, relative to ``base`` (compiled); None when the
        file cannot be read."""
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                lines = handle.read().splitlines()
        except OSError:
            return None
        return cls(base, lines, [f"{path}:{number}" for number in range(1, len(lines) + 1)]).compile()


def matcher(pattern: str) -> Optional[PatternSet]:
    """One pattern (a per-file-ignores key) as a PatternSet relative to the project root; None when
    it cannot be compiled."""
    patterns = PatternSet("", [pattern])
    return patterns if patterns and not patterns.problems else None


def check(patterns: Sequence[str], origins: Sequence[str]) -> List[Optional[str]]:
    """For each pattern, None when it can be used, else the problem (naming its origin).

    Only the patterns that might fail are compiled (see :func:`might_fail`): a configuration of
    plain patterns is checked without importing pathspec.
    """
    out: List[Optional[str]] = []
    for pattern, origin in zip(patterns, origins):
        problem = None
        if might_fail(pattern):
            compiled = PatternSet("", [pattern], [origin]).compile()
            problem = compiled.problems[0] if compiled.problems else None
        out.append(problem)
    return out


def might_fail(pattern: str) -> bool:
    """False for a pattern pathspec and RE2 surely compile: no `[`, no backslash, something other
    than `!` and `/`, only valid UTF-8."""
    return "[" in pattern or "\\" in pattern or not pattern.strip().lstrip("!").strip("/ ") or _undecodable(pattern)


def _undecodable(text: str) -> bool:
    """True when ``text`` holds a byte that was not valid UTF-8 (a surrogate escape)."""
    return not text.isascii() and any("\udc80" <= c <= "\udcff" for c in text)
