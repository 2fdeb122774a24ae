"""Suppression comments, read from the token stream.

Forms (codes or rule names, separated by commas or spaces):

    x()  # reslint: ignore[RES301, swallowed-exception]
    x()  # reslint: ignore                  (every rule on this line)
    x()  # noqa: RES301                     (RES codes, and other tools' codes for the same problem)
    x()  # noqa                             (every rule, as for every linter that reads `noqa`)
    # reslint: file-ignore[RES302]          (anywhere in the file, on a line of its own or not)
    # reslint: file-ignore                  (the whole file)

Where an inline comment applies: on the finding's own first line, or on the
first or the last physical line of the statement that holds it. For a
compound statement (`try`, `except ...:`, `with ...:`, `def ...:`) the
statement is its header, up to the colon; for a simple statement spread over
several lines (a long call, a comprehension), any of its first or last line
works. A comment on a line in the middle of a multi-line statement applies
only to findings that start on that line.

The opt-in RES900 (unused-suppression) findings are made here too, from the
directives that suppressed nothing.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Tuple

from .fingerprint import fingerprint
from .model import Edit, Finding, Fix, Safety, Severity, Span
from .source import LineIndex, line_index

UNUSED_SUPPRESSION = "RES900"

_QUICK = re.compile(r"reslint\s*:|noqa", re.IGNORECASE)
_DIRECTIVE = re.compile(
    r"#\s*(?:"
    r"reslint\s*:\s*(?P<kind>file-ignore|ignore)\b(?:\s*\[(?P<codes>[^\]]*)\])?"
    r"|noqa(?:\s*:\s*(?P<noqa>[A-Za-z0-9_,\s-]+))?"
    r")",
    re.IGNORECASE,
)
_RES_CODE = re.compile(r"\bRES\d{3}\b")


@dataclass
class Directive:
    line: int
    col: int
    end_col: int
    file_level: bool
    kind: str  # "ignore", "file-ignore" or "noqa"
    raw_codes: Tuple[str, ...]  # the codes as written, in order
    # None: every rule. Otherwise codes (names already mapped to codes);
    # unknown entries are kept as written so RES900 can name them.
    codes: Optional[FrozenSet[str]]
    # RES codes implied by other tools' codes in a `noqa` (E722 -> RES301); never reported unused
    aliases: FrozenSet[str] = frozenset()
    used: set = field(default_factory=set)
    used_all: bool = False


def _comments(text: str) -> Iterable[Tuple[int, int, str]]:
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                yield tok.start[0], tok.start[1], tok.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        # Only reached for text the parser accepted but tokenize did not
        # (newer syntax): fall back to a line scan, which can misread a `#`
        # inside a string but never misses a real comment.
        for number, line in enumerate(text.splitlines(), 1):
            pos = line.find("#")
            if pos >= 0:
                yield number, pos, line[pos:]


def parse(text: str, names_to_codes: Mapping[str, str], other_tools_codes: Optional[Mapping[str, str]] = None) -> List[Directive]:
    """The directives in ``text``; ``other_tools_codes`` maps another linter's code to the RES code
    it implies in a `# noqa` (`E722` -> `RES301`, from the rules' metadata)."""
    other_tools_codes = other_tools_codes or {}
    if not _QUICK.search(text):
        return []
    directives = []
    for line, col, comment in _comments(text):
        for match in _DIRECTIVE.finditer(comment):
            start = col + match.start()
            matched = match.group(0)
            end = col + match.start() + len(matched.rstrip())
            if match.group(0).lstrip("#").strip().lower().startswith("noqa"):
                written = tuple(c for c in re.split(r"[,\s]+", (match.group("noqa") or "").strip()) if c)
                if not written:
                    directives.append(Directive(line, start, end, False, "noqa", (), None))
                    continue
                codes = frozenset(_RES_CODE.findall(" ".join(written).upper()))
                aliases = frozenset(other_tools_codes[c.upper()] for c in written if c.upper() in other_tools_codes)
                if codes or aliases:
                    directives.append(Directive(line, start, end, False, "noqa", written, codes, aliases))
                continue
            kind = match.group("kind").lower()
            file_level = kind == "file-ignore"
            raw = match.group("codes")
            if raw is None or not raw.strip():
                codes_set = None
            else:
                codes_set = frozenset(
                    names_to_codes.get(item.strip().lower(), item.strip().upper() if _RES_CODE.fullmatch(item.strip().upper()) else item.strip())
                    for item in re.split(r"[,\s]+", raw)
                    if item.strip()
                )
            written = tuple(item.strip() for item in re.split(r"[,\s]+", raw or "") if item.strip())
            directives.append(Directive(line, start, end, file_level, kind, written, codes_set))
    return directives


def _matches(directive: Directive, code: str) -> bool:
    if directive.codes is None:
        directive.used_all = True
        return True
    if code in directive.codes or code in directive.aliases:
        directive.used.add(code)
        return True
    return False


def apply(findings: Iterable[Finding], directives: List[Directive]) -> List[Tuple[Finding, bool]]:
    """Pair every finding with whether a directive suppresses it (and mark directives used)."""
    by_line: Dict[int, List[Directive]] = {}
    file_level = []
    for directive in directives:
        if directive.file_level:
            file_level.append(directive)
        else:
            by_line.setdefault(directive.line, []).append(directive)
    out = []
    for finding in findings:
        suppressed = False
        if finding.code != "RES000":
            for directive in file_level:
                if _matches(directive, finding.code):
                    suppressed = True
            lines = {finding.span.line, *finding.statement_lines}
            for line in sorted(lines):
                for directive in by_line.get(line, ()):
                    if _matches(directive, finding.code):
                        suppressed = True
        out.append((finding, suppressed))
    return out


def unused(directives: List[Directive], enabled: FrozenSet[str], known: FrozenSet[str]) -> List[Tuple[Directive, str, Tuple[str, ...]]]:
    """(directive, description) for each suppression that suppressed nothing.

    A code of a rule that is not enabled for this file is not reported: the
    comment may be there for a configuration that enables it. An unknown code
    is reported (likely a typo).
    """
    out = []
    for directive in directives:
        if directive.codes is None:
            if directive.kind == "noqa":
                continue  # a bare `# noqa` serves every linter: not ours to call unused
            if not directive.used_all:
                out.append((directive, "suppresses nothing", ()))
            continue
        stale = sorted(
            code for code in directive.codes
            if code not in directive.used and (code in enabled or code not in known)
        )
        if stale:
            unknown = [c for c in stale if c not in known]
            rest = [c for c in stale if c in known]
            parts = []
            if unknown:
                parts.append(f"names unknown rule {', '.join(f'`{c}`' for c in unknown)}")
            if rest:
                parts.append(f"for {', '.join(f'`{c}`' for c in rest)} suppresses nothing")
            out.append((directive, " and ".join(parts), tuple(stale)))
    return out


def unused_suppression_findings(
    text: str,
    path: str,
    directives: List[Directive],
    *,
    enabled: FrozenSet[str],
    known: FrozenSet[str],
    names_to_codes: Mapping[str, str],
    severity: Severity = Severity.NOTE,
    want_edits: bool = False,
) -> List[Finding]:
    """RES900 findings for the directives that suppressed nothing (call after :func:`apply`).

    Each carries the safe fix that removes the stale codes, with its edits when ``want_edits``.
    """
    out = []
    for directive, description, stale in unused(directives, enabled, known):
        span = directive_span(directive)
        edits: Tuple[Edit, ...] = ()
        if want_edits:
            index = line_index(text)
            start, end, content = removal_edit(text, directive, stale, names_to_codes, index)
            edits = (Edit(start, end, content, index.span(start, end)),)
        out.append(Finding(
            code=UNUSED_SUPPRESSION,
            name="unused-suppression",
            message=f"Suppression comment {description}",
            path=path,
            span=span,
            severity=severity,
            fix=Fix("Remove the unused suppression", Safety.SAFE, edits),
            statement_lines=(span.line, span.line),
            fingerprint=fingerprint(UNUSED_SUPPRESSION, path, description, "", directive.line),
        ))
    return out


def removal_edit(text: str, directive: Directive, stale: Tuple[str, ...], names_to_codes: Mapping[str, str],
                 index: Optional[LineIndex] = None):
    """(start, end, replacement) offsets in ``text`` that drop the stale codes (or the whole directive).

    Codes still in use are kept. A comment that held nothing but the
    directive goes with the spaces before it, and a line that held nothing
    but that comment goes whole. Text after the directive (`# why`) stays.
    """
    index = index or line_index(text)
    line_start = index.offset(directive.line, 0)
    line_text = index.line_text(directive.line)
    start = line_start + directive.col
    end = line_start + directive.end_col

    def code_of(item: str) -> str:
        return names_to_codes.get(item.lower(), item.upper() if _RES_CODE.fullmatch(item.upper()) else item)

    if directive.kind == "noqa":
        keep = [c for c in directive.raw_codes if c.upper() not in stale]
        if keep:
            return start, end, "# noqa: " + ", ".join(keep)
    elif directive.codes is not None:
        keep = [c for c in directive.raw_codes if code_of(c) not in stale]
        if keep:
            return start, end, f"# reslint: {directive.kind}[{', '.join(keep)}]"
    after = line_text[directive.end_col:]
    if after.strip():
        stripped = after.lstrip()
        if stripped.startswith("#"):
            return start, end + len(after) - len(stripped), ""
        return start, end, "#"
    before = line_text[:directive.col]
    if not before.strip():
        line_end = index.offset(directive.line + 1, 0) if directive.line < index.line_count else len(text)
        return line_start, line_end, ""
    return line_start + len(before.rstrip()), end, ""


def directive_span(directive: Directive) -> Span:
    return Span(directive.line, directive.col, directive.line, directive.end_col)


_MAYBE_RES = re.compile(r"#[^\n]*\bRES\d", re.IGNORECASE)
_ANY_RES = re.compile(r"\bRES\d+\b", re.IGNORECASE)


def unknown_codes(text: str, known: FrozenSet[str]) -> List[Tuple[int, str]]:
    """(line, code) for each `RES` code written in a `# noqa:` or `# reslint: ignore[...]` comment
    that names no rule (`RES3011`, `RES999`): a typo that silently suppresses nothing."""
    if not _MAYBE_RES.search(text):
        return []
    out = []
    for line, _, comment in _comments(text):
        for match in _DIRECTIVE.finditer(comment):
            written = match.group("noqa") if match.group("noqa") is not None else (match.group("codes") or "")
            for code in _ANY_RES.findall(written):
                if code.upper() not in known:
                    out.append((line, code))
    return out
