"""The terminal report: `path:line:col: CODE message` per finding, then a summary.

Colour only when the stream is a terminal (and NO_COLOR is unset); long
lines are never wrapped, so each finding stays on one line for grep and
editors.
"""

from __future__ import annotations

from typing import IO, Dict, List, Optional, Sequence, Tuple

from rich.console import Console
from rich.text import Text

from ..model import FileResult, Finding, Safety
from ..source import line_index
from . import Report

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "note": "cyan"}


def make_console(stream: IO[str], color: Optional[bool] = None) -> Console:
    return Console(
        file=stream,
        force_terminal=color,
        no_color=(color is False) or None,
        highlight=False,
        soft_wrap=True,
        emoji=False,
        markup=False,
    )


def _fix_hint(finding: Finding, unsafe: bool) -> Optional[Text]:
    fix = finding.fix
    if fix is None:
        return None
    if fix.safety is Safety.SAFE:
        return Text(" [safe fix]", style="green")
    if fix.safety is Safety.UNSAFE:
        return Text(" [unsafe fix]", style="yellow" if not unsafe else "green")
    return Text(" [suggestion]", style="dim")


def finding_line(result: FileResult, finding: Finding, unsafe: bool) -> Text:
    span = finding.span
    line = Text()
    line.append(f"{result.path}:{span.line}:{span.col + 1}:", style="bold")
    line.append(" ")
    line.append(finding.code, style=_SEVERITY_STYLE.get(finding.severity.value, ""))
    line.append(" ")
    line.append(finding.message)
    if finding.suppressed:
        line.append(" (suppressed)", style="dim")
    hint = _fix_hint(finding, unsafe)
    if hint is not None:
        line.append_text(hint)
    return line


def code_frame(source: str, finding: Finding) -> Text:
    index = line_index(source)
    span = finding.span
    first = max(1, span.line - 1)
    last = min(index.line_count, span.end_line + 1, span.line + 4)
    width = len(str(last))
    out = Text()
    out.append(" " * width + " |\n", style="blue")
    for number in range(first, last + 1):
        text = index.line_text(number).expandtabs(1)
        out.append(f"{number:>{width}} | ", style="blue")
        out.append(text + "\n")
        if span.line <= number <= span.end_line:
            start = span.col if number == span.line else len(text) - len(text.lstrip())
            end = span.end_col if number == span.end_line else len(text)
            if end <= start:
                end = start + 1
            out.append(" " * width + " | ", style="blue")
            out.append(" " * start + "^" * (end - start) + "\n", style="bold red")
    if finding.fix is not None:
        out.append(" " * width + " = ", style="blue")
        out.append(f"fix ({finding.fix.safety.value}): {finding.fix.title}\n")
    return out


def print_findings(console: Console, report: Report, show_source: bool) -> None:
    for result, finding in report.findings():
        console.print(finding_line(result, finding, report.unsafe_fixes))
        if show_source and result.source is not None:
            console.print(code_frame(result.source, finding), end="")
            console.print()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def fix_counts(findings: Sequence[Finding]) -> Tuple[int, int]:
    """(findings with a safe fix, findings with an unsafe fix) among ``findings``."""
    safe = sum(1 for f in findings if f.fix is not None and f.fix.safety is Safety.SAFE)
    unsafe = sum(1 for f in findings if f.fix is not None and f.fix.safety is Safety.UNSAFE)
    return safe, unsafe


def fix_hint(findings: Sequence[Finding], *, unsafe_enabled: bool) -> Optional[str]:
    """The one line that says what a plain run's findings could have fixed, and how: `--fix` for safe
    fixes, `--fix --unsafe-fixes` for the others (None when no finding has a fix)."""
    safe, unsafe = fix_counts(findings)
    if unsafe_enabled:
        return f"{safe + unsafe} fixable with `--fix`." if safe + unsafe else None
    hints = []
    if safe:
        hints.append(f"{safe} fixable with `--fix`")
    if unsafe:
        hints.append(f"{unsafe} {'more ' if safe else ''}fixable with `--fix --unsafe-fixes` (they may change behaviour)")
    return "; ".join(hints) + "." if hints else None


def fixed_line(findings: Sequence[Finding], fixed: int, files: int, *, unsafe_enabled: bool, would: bool = False) -> str:
    """The one line of a `--fix` (or, with ``would``, `--diff`) run: what was fixed and what more
    `--unsafe-fixes` would fix, from the findings left after fixing."""
    _, unsafe = fix_counts(findings)
    withheld = unsafe if not unsafe_enabled else 0
    more = f"{withheld} more fixable with `--unsafe-fixes` (they may change behaviour)" if withheld else ""
    if would:
        return f"Would fix {_plural(fixed, 'finding')} in {_plural(files, 'file')}" + (f"; {more}." if more else ".")
    if fixed:
        return f"Fixed {_plural(fixed, 'finding')} in {_plural(files, 'file')}" + (f"; {more}." if more else ".")
    if withheld:
        return f"No fixes applied: {withheld} fixable with `--unsafe-fixes` (they may change behaviour)."
    return "No fixes applied: no finding has a fix." if findings else "No fixes applied: nothing to fix."


def summary_lines(report: Report) -> List[Text]:
    active = report.active()
    findings = [f for _, f in active]
    lines: List[Text] = []
    if report.fixing:
        files = sum(1 for r in report.results if r.fixes_applied)
        lines.append(Text(fixed_line(findings, report.fixed, files, unsafe_enabled=report.unsafe_fixes),
                          style="green" if report.fixed else ""))
    if report.suppressions_added is not None:
        lines.append(Text(suppressions_line(report), style="green" if report.suppressions_added[0] else ""))
    errors = sum(1 for r in report.results if r.internal_error)
    if errors:
        lines.append(Text(
            f"reslint could not check everything in {_plural(errors, 'file')}: see the errors above.",
            style="bold red",
        ))
    if report.problems:
        lines.append(Text(
            f"{_plural(report.problems, 'path')} could not be checked: see the errors above.", style="bold red",
        ))
    lines.extend(Text(line) for line in baseline_lines(report))
    if not active:
        if report.baselined and not errors and not report.problems:
            lines.append(Text(f"No new findings ({_plural(report.files_checked, 'file')} checked).", style="bold green"))
        elif not errors and not report.problems:
            lines.append(Text(f"All checks passed ({_plural(report.files_checked, 'file')} checked).", style="bold green"))
        else:
            lines.append(Text(f"No findings ({_plural(report.files_checked, 'file')} checked)."))
        return lines
    counts = ", ".join(f"{code}: {n}" for code, n in report.counts().items())
    files = len({r.path for r, _ in active})
    lines.append(Text(
        f"Found {_plural(len(active), 'finding')} in {_plural(files, 'file')} ({counts}); "
        f"{_plural(report.files_checked, 'file')} checked.",
        style="bold",
    ))
    if not report.fixing:
        hint = fix_hint(findings, unsafe_enabled=report.unsafe_fixes)
        if hint:
            lines.append(Text(hint))
    return lines


def suppressions_line(report: Report) -> str:
    added, files = report.suppressions_added or (0, 0)
    return f"Added {_plural(added, 'suppression')} in {_plural(files, 'file')}."


def baseline_lines(report: Report) -> List[str]:
    """What the baseline did: one line (the findings it left out, the entries that matched no
    finding any more and how to drop them), then with ``verbose`` one line per stale entry."""
    if report.baseline is None:
        return []
    if report.baseline_written:
        return [f"Wrote the baseline {report.baseline}: {_plural(report.baselined, 'finding')} in "
                f"{_plural(report.baseline_files, 'file')}."]
    line = f"Baseline {report.baseline}: {_plural(report.baselined, 'finding')} not reported"
    stale = sum(count for _, count, _ in report.stale)
    if stale:
        line += (f"; {stale} of its entries match no finding any more (fixed or changed): "
                 f"`--write-baseline {report.baseline}` drops them")
        if not report.verbose:
            line += " (`--verbose` lists them)"
    out = [line + "."]
    if report.verbose:
        for (path, code, fingerprint), count, message in report.stale:
            times = f" (x{count})" if count > 1 else ""
            out.append(f"  stale: {path}: {code} {message}{times} [fingerprint {fingerprint[:12]}]")
    return out


def statistics_lines(report: Report) -> List[Text]:
    """A count per rule, marked with the kind of fix when this run's findings of the rule have one
    (`[unsafe fix]`; `[unsafe fix: 2 of 5]` when only some have)."""
    from .. import registry

    by_code: Dict[str, List[Finding]] = {}
    for _, finding in report.active():
        by_code.setdefault(finding.code, []).append(finding)
    rows = []
    for code, n in sorted(report.counts().items(), key=lambda kv: (-kv[1], kv[0])):
        rule = registry.by_code().get(code)
        name = rule.name if rule else ""
        safeties: Dict[str, int] = {}
        for finding in by_code.get(code, ()):
            if finding.fix is not None and finding.fix.safety is not Safety.DISPLAY_ONLY:
                safeties[finding.fix.safety.value] = safeties.get(finding.fix.safety.value, 0) + 1
        marks = [f"[{safety} fix]" if count == n else f"[{safety} fix: {count} of {n}]"
                 for safety, count in sorted(safeties.items())]
        rows.append((n, code, name, " ".join(marks)))
    width = max((len(str(r[0])) for r in rows), default=1)
    name_width = max((len(r[2]) for r in rows), default=0)
    return [Text(f"{n:>{width}}  {code}  {name:<{name_width}}  {fixable}".rstrip()) for n, code, name, fixable in rows]
