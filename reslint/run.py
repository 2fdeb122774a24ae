"""`reslint check`: discovery, progress, linting, fixing and reporting for one run."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import IO, Iterator, List, Optional, Sequence

from .api import RunOptions, lint_all, lint_target
from .config import Settings
from .discover import STDIN, Target, discover, root_relative
from .fixer import unified_diff
from .output import Report

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
PROGRESS_THRESHOLD = 50


def _err(message: str) -> None:
    sys.stderr.write(message.rstrip("\n") + "\n")


def _show_progress(quiet: bool, count: int) -> bool:
    if quiet or count < PROGRESS_THRESHOLD:
        return False
    if os.environ.get("CI") or os.environ.get("GITHUB_ACTIONS") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[tuple]:
    if not enabled:
        yield (None, None)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("reslint"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(file=sys.stderr), transient=True,
    )
    task = progress.add_task("lint", total=total)
    started = []

    def start() -> None:
        # started only after the worker processes exist: forking a process
        # with the progress thread running is unsafe.
        progress.start()
        started.append(True)

    try:
        yield (lambda n: progress.advance(task, n), start)
    finally:
        if started:
            progress.stop()


@contextmanager
def _open_output(output_file: Optional[str]) -> Iterator[IO[str]]:
    if output_file is None:
        yield sys.stdout
        return
    try:
        handle = open(output_file, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise SystemExit(_output_error(output_file, exc))
    with handle:
        yield handle


def _output_error(path: str, exc: OSError) -> int:
    _err(f"reslint: error: cannot write the report to {path}: {exc.strerror or exc}")
    return EXIT_ERROR


def run_check(
    settings: Settings,
    paths: Sequence[str],
    *,
    fix: bool = False,
    diff: bool = False,
    output_file: Optional[str] = None,
    show_suppressed: bool = False,
    statistics: bool = False,
    quiet: bool = False,
    stdin_filename: Optional[str] = None,
    jobs: Optional[int] = None,
    color: Optional[bool] = None,
) -> int:
    fmt = settings.output_format
    if fmt == "sarif":
        _err("reslint: error: the sarif output format is not available yet")
        return EXIT_ERROR
    targets, problems = discover(paths, settings)
    for problem in problems:
        _err(f"reslint: error: {problem}")

    stdin_target: Optional[Target] = None
    files: List[Target] = []
    for target in targets:
        if target.path == STDIN:
            name = stdin_filename or "-"
            rel = root_relative(os.path.abspath(name), str(settings.root)) if stdin_filename else "-"
            stdin_target = Target(STDIN, name, rel)
        else:
            files.append(target)

    options = RunOptions(
        fix=fix,
        unsafe_fixes=settings.unsafe_fixes,
        diff=diff,
        want_edits=fmt == "json",
        keep_source=settings.show_source and fmt == "text",
        show_suppressed=show_suppressed,
        jobs=jobs,
    )
    with _progress(_show_progress(quiet, len(files)), len(files)) as (advance, start):
        results = lint_all(files, settings, options, progress=advance, on_started=start)
    results.sort(key=lambda r: r.path)

    if stdin_target is not None:
        data = sys.stdin.buffer.read()
        stdin_result = lint_target(stdin_target, settings, options, stdin_data=data)
        results.append(stdin_result)
        if fix and not diff:
            # as with formatters: the (fixed) source goes to stdout, the report to stderr
            sys.stdout.flush()
            sys.stdout.buffer.write(_reencode(stdin_result.fixed_source, data))
            sys.stdout.buffer.flush()

    notices = [n for r in results for n in r.notices]
    for notice in notices:
        _err(f"reslint: {notice}")
    internal = any(r.internal_error for r in results)
    report = Report(results, files_checked=len(results), unsafe_fixes=settings.unsafe_fixes, fixing=fix or diff, notices=notices)

    if diff:
        changed = [r for r in results if r.fixed_source is not None and r.original_source is not None]
        with _open_output(output_file) as stream:
            for result in changed:
                stream.write(unified_diff(result.original_source, result.fixed_source, result.path))  # type: ignore[arg-type]
        count = sum(r.fixes_applied for r in changed)
        if not quiet:
            _err(f"Would fix {count} finding{'s' if count != 1 else ''} in {len(changed)} file{'s' if len(changed) != 1 else ''}.")
        if problems or internal:
            return EXIT_ERROR
        return EXIT_FINDINGS if changed else EXIT_CLEAN

    report_to_stderr = stdin_target is not None and fix and output_file is None
    with _open_output(output_file) as stream:
        out = sys.stderr if report_to_stderr else stream
        _write_report(report, fmt, out, quiet=quiet, statistics=statistics,
                      show_source=settings.show_source, color=color if output_file is None else False)

    if problems or internal:
        return EXIT_ERROR
    return EXIT_FINDINGS if report.active() else EXIT_CLEAN


def _reencode(fixed: Optional[str], original: bytes) -> bytes:
    if fixed is None:
        return original
    from .source import decode, encode

    decoded = decode(original)
    return encode(fixed, decoded.encoding, decoded.bom)


def _write_report(report: Report, fmt: str, stream: IO[str], *, quiet: bool, statistics: bool,
                  show_source: bool, color: Optional[bool]) -> None:
    if fmt == "json":
        from .output.json import render

        stream.write(render(report))
        return
    if fmt == "github":
        from .output.github import render as render_github

        stream.write(render_github(report))
        return
    from .output.text import make_console, print_findings, statistics_lines, summary_lines

    console = make_console(stream, color)
    print_findings(console, report, show_source)
    if statistics:
        for line in statistics_lines(report):
            console.print(line)
    if not quiet:
        for line in summary_lines(report):
            console.print(line)
