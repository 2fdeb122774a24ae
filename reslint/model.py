"""Plain data shared by the engine, the fixer and the outputs.

Everything here is frozen and picklable: findings travel from worker processes
back to the main process, and into caches.

Conventions (used everywhere in reslint):
- lines are 1-based;
- columns are 0-based and count Unicode code points, as libcst does; outputs
  convert (the text output prints 1-based columns, SARIF wants UTF-16 units);
- a span's end is exclusive.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Optional, Tuple


class ExitCode(enum.IntEnum):
    """What `reslint check` exits with: the contract CI steps and hooks rely on."""

    CLEAN = 0  # no findings (or all fixed)
    FINDINGS = 1  # findings remain; with --diff: there are changes
    ERROR = 2  # usage, configuration or internal error


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


class Safety(str, enum.Enum):
    """How much a fix can be trusted.

    SAFE fixes keep the program's behaviour (or only remove a defect) and are
    applied by ``--fix``. UNSAFE fixes change behaviour and need
    ``--unsafe-fixes``. DISPLAY_ONLY fixes are shown as a suggestion and never
    applied.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


@dataclass(frozen=True, order=True)
class Span:
    line: int
    col: int
    end_line: int
    end_col: int


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` (code-point offsets) with ``content``."""

    start: int
    end: int
    content: str
    span: Span


@dataclass(frozen=True)
class Fix:
    title: str
    safety: Safety
    # Empty when the engine was asked not to compute edits (plain text output).
    edits: Tuple[Edit, ...] = ()

    def applicable(self, unsafe: bool) -> bool:
        if self.safety is Safety.SAFE:
            return True
        return unsafe and self.safety is Safety.UNSAFE


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    message: str
    path: str
    span: Span
    severity: Severity
    fix: Optional[Fix] = None
    # First and last physical line of the statement (or compound-statement
    # header) that holds the finding: suppression comments may sit on either.
    statement_lines: Tuple[int, int] = (0, 0)
    fingerprint: str = ""
    suppressed: bool = False
    # Qualified name of the enclosing function/class ("" at module level).
    context: str = ""

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.col, self.code)


@dataclass(frozen=True)
class RuleMeta:
    code: str
    name: str
    family: str
    severity: Severity
    fix_safety: Optional[Safety]
    default_enabled: bool
    scope: str
    summary: str


@dataclass(frozen=True)
class FileResult:
    """What linting one file produced."""

    path: str  # as shown to the user (relative to the working directory when possible)
    rel: str = ""  # relative to the project root, forward slashes (per-file-ignores, SARIF)
    findings: Tuple[Finding, ...] = ()
    # The decoded source, kept only when an output needs it (code frames,
    # fixes); None otherwise.
    source: Optional[str] = None
    # Before and after, when --fix/--diff changed something; else None.
    original_source: Optional[str] = None
    fixed_source: Optional[str] = None
    fixes_applied: int = 0
    # Human-readable problems that are not findings: a fix dropped because it
    # broke the file, a write that failed, an internal error in a rule.
    notices: Tuple[str, ...] = ()
    internal_error: bool = False
    # --fix could not write the file (it is unchanged on disk)
    write_failed: bool = False
    written: bool = False
