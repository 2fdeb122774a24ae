"""Writing suppression comments: `reslint check --add-noqa`.

Each reported finding gets `# reslint: ignore[CODE]` on a line where :mod:`reslint.suppression`
reads it: the finding's own first line, else the last or the first line of the statement that
holds it (a compound statement's header). A line is not used when it ends inside a string literal
(a triple-quoted string that goes on) or with a backslash continuation: a comment there would be
part of the string or break the line. When a usable line already holds a
`# reslint: ignore[...]`, the code is added to its list; otherwise the directive goes at the end
of the line, after any comment already there (`# noqa: E722`, `# type: ignore` stay first, as
their tools want them). Several findings on one line share one directive. A finding with no
usable line is left alone and named in a warning.

The file is then written as a fix is (:func:`reslint.fixer.write_atomic`: encoding, BOM,
newlines and permission bits kept, symlinks only within the linted roots, read-only files
refused), after checking that the new text still parses and that the findings are suppressed.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Sequence, Set, Tuple

from . import suppression
from .model import Finding
from .parsing import SYNTAX_ERROR
from .suppression import UNUSED_SUPPRESSION

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
# findings a suppression comment cannot silence: a file that does not parse, and RES900's own
UNSUPPRESSIBLE = frozenset({SYNTAX_ERROR, UNUSED_SUPPRESSION})


@dataclass
class Plan:
    text: str
    added: int = 0  # codes written (one per code and line)
    suppressed: List[Finding] = field(default_factory=list)
    skipped: List[Tuple[Finding, str]] = field(default_factory=list)


def _lines(text: str) -> List[str]:
    """The physical lines of ``text`` with their terminators (\\r\\n, \\r or \\n: Python's line
    ends, not str.splitlines's)."""
    lines = _LINE.findall(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _unusable_lines(text: str) -> Set[int]:
    """Lines (1-based) a comment cannot be appended to: those that end inside a string literal, and
    those that end with a backslash continuation."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")  # the same lines, for tokenize
    out: Set[int] = set()
    commented: Set[int] = set()
    string_types = {tokenize.STRING}
    starts = {getattr(tokenize, name) for name in ("FSTRING_START", "TSTRING_START") if hasattr(tokenize, name)}
    ends = {getattr(tokenize, name) for name in ("FSTRING_END", "TSTRING_END") if hasattr(tokenize, name)}
    opened: List[int] = []
    for tok in tokenize.generate_tokens(io.StringIO(normalised).readline):
        if tok.type in string_types:
            out.update(range(tok.start[0], tok.end[0]))
        elif tok.type in starts:
            opened.append(tok.start[0])
        elif tok.type in ends and opened:
            out.update(range(opened.pop(), tok.end[0]))
        elif tok.type == tokenize.COMMENT:
            commented.add(tok.start[0])
    for number, line in enumerate(normalised.split("\n"), 1):
        if line.endswith("\\") and number not in commented and number not in out:
            out.add(number)
    return out


def plan(text: str, findings: Sequence[Finding], names_to_codes: Mapping[str, str],
         other_tools_codes: Optional[Mapping[str, str]] = None, reason: Optional[str] = None) -> Plan:
    """The text with a suppression for each of ``findings`` (those of :data:`UNSUPPRESSIBLE`
    excepted), what was added and what could not be."""
    result = Plan(text)
    wanted = [f for f in findings if not f.suppressed and f.code not in UNSUPPRESSIBLE]
    if not wanted:
        return result
    try:
        unusable = _unusable_lines(text)
    except (tokenize.TokenError, IndentationError, SyntaxError) as exc:
        result.skipped.extend((f, f"the file cannot be tokenized ({exc})") for f in wanted)
        return result
    existing: Dict[int, suppression.Directive] = {}
    for directive in suppression.parse(text, names_to_codes, other_tools_codes):
        if directive.kind == "ignore" and not directive.file_level and directive.codes is not None:
            existing.setdefault(directive.line, directive)
    lines = _lines(text)
    codes_for: Dict[int, List[str]] = {}
    for finding in wanted:
        first, last = finding.statement_lines
        candidates = [n for n in dict.fromkeys((finding.span.line, last, first)) if 1 <= n <= len(lines)]
        chosen = next((n for n in candidates if n in existing), None)
        if chosen is None:
            chosen = next((n for n in candidates if n not in unusable), None)
        if chosen is None:
            result.skipped.append((finding, "each line a suppression comment would apply on ends inside a string "
                                            "or continues with a backslash"))
            continue
        codes = codes_for.setdefault(chosen, [])
        if finding.code not in codes:
            codes.append(finding.code)
        result.suppressed.append(finding)
    for number, codes in codes_for.items():
        line = lines[number - 1]
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        directive = existing.get(number)
        if directive is not None:
            already = {names_to_codes.get(c.lower(), c.upper()) for c in directive.raw_codes}
            new = [c for c in codes if c not in already]
            written = ", ".join(list(directive.raw_codes) + new)
            body = body[:directive.col] + f"# reslint: ignore[{written}]" + body[directive.end_col:]
        else:
            new = codes
            body = body.rstrip() + f"  # reslint: ignore[{', '.join(sorted(codes))}]"
            if reason:
                body += f"  # {reason}"
        result.added += len(new)
        lines[number - 1] = body + ending
    result.text = "".join(lines)
    return result
