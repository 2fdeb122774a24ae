"""Applying fixes: choose by safety, drop overlaps, verify, repeat to a fixpoint, write atomically.

Each pass lints the current text with edits computed, takes every applicable
fix whose edits do not overlap a fix already taken, applies them together
and checks that the result still parses. If it does not, the fixes are
tried one by one and any fix that breaks the file is dropped for the rest
of the run and reported (it is never written). Then the text is linted
again; fixes that overlapped get their turn in the next pass. Passes stop
when nothing changes, or after MAX_PASSES.
"""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from dataclasses import dataclass, field
from typing import Any, List, Optional, Sequence, Set, Tuple

from .discover import within
from .edits import EditSet, apply_edits
from .engine import EngineResult, RuleSet, lint
from .isolation import run_isolated
from .model import Finding
from .parsing import parses

MAX_PASSES = 10


@dataclass
class FixOutcome:
    text: str
    applied: int
    result: EngineResult
    notices: List[str] = field(default_factory=list)


def _key(finding: Finding) -> Tuple[str, str]:
    return finding.code, finding.fingerprint


def fix_text(text: str, path: str, ruleset: RuleSet, *, unsafe: bool, keep_suppressed: bool = False,
             project: Any = None) -> FixOutcome:
    return run_isolated(_fix_text, text, path, ruleset, unsafe, keep_suppressed, project)


def _fix_text(text: str, path: str, ruleset: RuleSet, unsafe: bool, keep_suppressed: bool,
              project: Any = None) -> FixOutcome:
    applied = 0
    notices: List[str] = []
    blocked: Set[Tuple[str, str]] = set()
    for _ in range(MAX_PASSES):
        result = lint(text, path, ruleset, want_edits=True, keep_suppressed=keep_suppressed, project=project)
        chosen: List[Finding] = []
        taken = EditSet()
        for finding in result.findings:
            fix = finding.fix
            if finding.suppressed or fix is None or not fix.edits or not fix.applicable(unsafe):
                continue
            if _key(finding) in blocked:
                continue
            if taken.overlaps(fix.edits):
                continue
            taken.add(fix.edits)
            chosen.append(finding)
        if not chosen:
            return FixOutcome(text, applied, result, notices)
        candidate = apply_edits(text, [e for f in chosen for e in f.fix.edits])  # type: ignore[union-attr]
        if parses(candidate, path):
            text = candidate
            applied += len(chosen)
            continue
        for finding in chosen:
            single = apply_edits(text, finding.fix.edits)  # type: ignore[union-attr]
            if parses(single, path):
                text = single
                applied += 1
                break  # the other fixes' offsets are stale now: re-lint first
            blocked.add(_key(finding))
            notices.append(
                f"{path}:{finding.span.line}:{finding.span.col + 1}: {finding.code} fix "
                f"\"{finding.fix.title}\" was not applied: the result would not parse"  # type: ignore[union-attr]
            )
    result = lint(text, path, ruleset, want_edits=True, keep_suppressed=keep_suppressed, project=project)
    if any(f.fix and f.fix.edits and f.fix.applicable(unsafe) and _key(f) not in blocked for f in result.findings):
        notices.append(f"{path}: fixes did not settle after {MAX_PASSES} passes; run reslint again")
    return FixOutcome(text, applied, result, notices)


def unified_diff(old: str, new: str, path: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=f"a/{path}", tofile=f"b/{path}"
    )
    out = []
    for line in lines:
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


class NotWritten(Exception):
    """A fix deliberately left unwritten; the message says why."""


def write_atomic(path: str, data: bytes, roots: Optional[Sequence[str]] = None) -> None:
    """Replace the file's content in one step, keeping its permission bits.

    The new content goes to a temporary file in the same directory (same
    filesystem, so the rename is atomic), is flushed to disk, gets the
    original mode, and replaces the original. A symlink is followed: the
    file it points to is replaced, the link stays, but only when the file lies
    within ``roots`` (real paths; see :func:`reslint.discover.linted_roots`).
    A file the user may not write is left alone, though its directory would
    allow the rename. Both raise :class:`NotWritten`.
    """
    real = os.path.realpath(path)
    if roots is not None and not within(real, roots):
        raise NotWritten(f"not fixed: it is a symlink to {real}, outside the linted directories")
    if not os.access(real, os.W_OK):
        raise NotWritten("read-only, not fixed (make it writable to apply the fixes)")
    directory = os.path.dirname(real) or "."
    st = os.stat(real)
    fd, tmp = tempfile.mkstemp(prefix=".reslint-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except (PermissionError, AttributeError, OSError):
            pass
        os.replace(tmp, real)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise

