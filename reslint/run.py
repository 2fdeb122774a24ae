"""`reslint check`: discovery, progress, linting, fixing and reporting for one run."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Iterator, List, Optional, Sequence, Tuple

from . import interrupt
from .api import RunOptions, distinct_settings, lint_all, lint_target, project_index, result_cache
from .config import Resolver, Settings

if TYPE_CHECKING:  # pragma: no cover
    from .baseline import Baseline
from .discover import STDIN, Target, discover, linted_roots, new_run, report_root, root_relative
from .model import ExitCode
from .output import FORMATS, Report

PROGRESS_THRESHOLD = 50


class OutputSpecError(Exception):
    pass


def parse_outputs(specs: Sequence[str], output_file: Optional[str] = None) -> List[Tuple[str, Optional[str]]]:
    """`FORMAT` or `FORMAT=FILE` values -> [(format, file or None for stdout)].

    `-o FILE` applies to the one format given without a file. At most one
    report can go to stdout.
    """
    outputs: List[Tuple[str, Optional[str]]] = []
    for spec in specs:
        fmt, sep, path = spec.partition("=")
        fmt = fmt.strip().lower()
        if fmt not in FORMATS:
            raise OutputSpecError(f"unknown output format `{fmt}`; choose from {', '.join(FORMATS)}")
        if sep and not path:
            raise OutputSpecError(f"`{spec}`: give a file name after `=`")
        outputs.append((fmt, path or None))
    to_stdout = [i for i, (_, path) in enumerate(outputs) if path is None]
    if output_file is not None:
        if len(to_stdout) != 1:
            raise OutputSpecError("-o/--output needs exactly one --output-format without `=FILE`")
        fmt, _ = outputs[to_stdout[0]]
        outputs[to_stdout[0]] = (fmt, output_file)
    elif len(to_stdout) > 1:
        names = ", ".join(outputs[i][0] for i in to_stdout)
        raise OutputSpecError(f"only one report can go to stdout ({names} asked to); write the others to files "
                              "with --output-format FORMAT=FILE")
    return outputs


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
    with open(output_file, "w", encoding="utf-8", newline="\n") as handle:
        yield handle


def run_check(
    settings: Settings,
    paths: Sequence[str],
    *,
    outputs: Sequence[Tuple[str, Optional[str]]] = (("text", None),),
    fix: bool = False,
    diff: bool = False,
    show_suppressed: bool = False,
    statistics: bool = False,
    quiet: bool = False,
    stdin_filename: Optional[str] = None,
    jobs: Optional[int] = None,
    color: Optional[bool] = None,
    use_cache: bool = True,
    fail_on_internal_error: bool = False,
    resolver: "Optional[Resolver]" = None,
    baseline: "Optional[Baseline]" = None,
    write_baseline: Optional[str] = None,
    verbose: bool = False,
    add_noqa: bool = False,
    noqa_reason: Optional[str] = None,
) -> int:
    """One `reslint check` run. ``settings`` are the run's (those of the working directory, or of
    ``--config``): output, fixing and cache choices come from them; with a ``resolver`` each file
    is linted with its own settings (see :mod:`reslint.config`).

    SIGINT and SIGTERM stop the run (see :mod:`reslint.interrupt`): while files are linted, with
    one line saying how far it got; every file is untouched or fully fixed; the exit code is 130
    (SIGINT) or 143 (SIGTERM)."""
    with interrupt.handling():
        try:
            return _run_check(settings, paths, outputs=outputs, fix=fix, diff=diff, show_suppressed=show_suppressed,
                              statistics=statistics, quiet=quiet, stdin_filename=stdin_filename, jobs=jobs,
                              color=color, use_cache=use_cache, fail_on_internal_error=fail_on_internal_error,
                              resolver=resolver, baseline=baseline, write_baseline=write_baseline, verbose=verbose,
                              add_noqa=add_noqa, noqa_reason=noqa_reason)
        except interrupt.Interrupted as exc:
            _err(f"reslint: {interrupted_line(exc, fix and not diff)}")
            return exc.exit_code


def interrupted_line(exc: "interrupt.Interrupted", fixing: bool) -> str:
    """`interrupted: N files fixed, M not checked`: fixed counts the files written (by the workers
    too); not checked, those neither reported nor written."""
    if exc.results is None:  # before or after the linting
        return "interrupted"
    written = interrupt.files_written()
    reported_written = sum(1 for r in exc.results if r.written)
    unchecked = max(0, exc.total - len(exc.results) - (written - reported_written))
    if fixing:
        return f"interrupted: {written} file{'s' if written != 1 else ''} fixed, {unchecked} not checked"
    return f"interrupted: {unchecked} of {exc.total} file{'s' if exc.total != 1 else ''} not checked"


def _run_check(
    settings: Settings,
    paths: Sequence[str],
    *,
    outputs: Sequence[Tuple[str, Optional[str]]],
    fix: bool,
    diff: bool,
    show_suppressed: bool,
    statistics: bool,
    quiet: bool,
    stdin_filename: Optional[str],
    jobs: Optional[int],
    color: Optional[bool],
    use_cache: bool,
    fail_on_internal_error: bool,
    resolver: "Optional[Resolver]",
    baseline: "Optional[Baseline]",
    write_baseline: Optional[str],
    verbose: bool,
    add_noqa: bool,
    noqa_reason: Optional[str],
) -> int:
    formats = {fmt for fmt, _ in outputs}
    new_run()
    root = report_root(paths, settings, resolver=resolver)
    warnings = list(settings.pattern_problems)
    targets, problems = discover(paths, settings, use_cache=use_cache, notices=warnings, resolver=resolver, root=root)
    for each in distinct_settings(settings, targets):
        warnings.extend(each.pattern_problems)
    warnings = list(dict.fromkeys(warnings))
    for problem in problems:
        _err(f"reslint: error: {problem}")
    for warning in warnings:
        _err(f"reslint: warning: {warning}")

    stdin_target: Optional[Target] = None
    files: List[Target] = []
    for target in targets:
        if target.path == STDIN:
            name = stdin_filename or "-"
            rel = root_relative(os.path.abspath(name), root) if stdin_filename else "-"
            own = resolver.settings_for(os.path.abspath(name)) if resolver is not None and stdin_filename else None
            stdin_target = Target(STDIN, name, rel, own)
        else:
            files.append(target)

    options = RunOptions(
        fix=fix,
        unsafe_fixes=settings.unsafe_fixes,
        diff=diff,
        want_edits=bool(formats & {"json", "sarif"}),
        keep_source=(settings.show_source and "text" in formats) or "sarif" in formats,
        show_suppressed=show_suppressed,
        jobs=jobs,
        project=project_index(settings, files + ([stdin_target] if stdin_target else []), use_cache=use_cache,
                              root=root, resolver=resolver),
        roots=linted_roots(paths, settings),
    )
    cache = result_cache(settings, options, use_cache=use_cache, root=root)
    with _progress(_show_progress(quiet, len(files)), len(files)) as (advance, start):
        results = lint_all(files, settings, options, progress=advance, on_started=start, cache=cache)
    cache.save()
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

    applied = None
    if write_baseline is not None:
        from . import baseline as baselines

        baseline = baselines.build(write_baseline, results)
        try:
            baselines.write(baseline)
        except baselines.BaselineError as exc:
            _err(f"reslint: error: {exc}")
            return ExitCode.ERROR
    if baseline is not None:
        from . import baseline as baselines

        applied = baselines.apply(baseline, results)
        results = applied.results

    added: Optional[Tuple[int, int]] = None
    extra_notices: List[str] = []
    if add_noqa:
        from .api import add_suppressions

        by_path = {t.display: t for t in files}
        if stdin_target is not None:
            by_path[stdin_target.display] = stdin_target
        count = changed = 0
        updated = []
        for result in results:
            target = by_path.get(result.path)
            if target is None:
                updated.append(result)
                continue
            done = add_suppressions(target, result, settings, options, noqa_reason)
            updated.append(done.result)
            extra_notices.extend(done.notices)
            count += done.added
            changed += 1 if done.added else 0
        results = updated
        added = (count, changed)

    notices = [n for r in results for n in r.notices] + extra_notices
    for notice in notices:
        _err(f"reslint: {notice}")
    # a rule that failed on a file is a notice: the exit code follows the findings unless asked;
    # a fix that could not be written is always an error
    internal = any(r.write_failed for r in results) or (
        fail_on_internal_error and any(r.internal_error for r in results))
    report = Report(results, files_checked=len(results), unsafe_fixes=settings.unsafe_fixes, fixing=fix or diff,
                    notices=warnings + notices, problems=len(problems), verbose=verbose, suppressions_added=added)
    if baseline is not None and applied is not None:
        from .discover import display_path

        report.baseline = display_path(baseline.path, os.getcwd())
        report.baselined = applied.baselined
        report.stale = applied.stale
        report.baseline_written = write_baseline is not None
        report.baseline_files = len({key[0] for key in baseline.counts})

    if diff:
        from .fixer import unified_diff

        changed = [r for r in results if r.fixed_source is not None and r.original_source is not None]
        for result in changed:
            sys.stdout.write(unified_diff(result.original_source, result.fixed_source, result.path))  # type: ignore[arg-type]
        count = sum(r.fixes_applied for r in changed)
        if not quiet:
            from .output.text import fixed_line

            left = [f for r in results for f in r.findings if not f.suppressed]
            _err(fixed_line(left, count, len(changed), unsafe_enabled=settings.unsafe_fixes, would=True))
        if problems or internal:
            return ExitCode.ERROR
        return ExitCode.FINDINGS if changed else ExitCode.CLEAN

    if "text" not in formats:
        # nobody reads a terminal report: say on stderr which files were not linted
        for result in results:
            for finding in result.findings:
                if finding.code == "RES000":
                    _err(f"reslint: {result.path}:{finding.span.line}:{finding.span.col + 1}: RES000 {finding.message}")
        if not quiet:
            from .output.text import baseline_lines, suppressions_line

            for line in baseline_lines(report) + ([suppressions_line(report)] if added is not None else []):
                _err(f"reslint: {line.strip()}")
    report_to_stderr = stdin_target is not None and fix
    for fmt, path in outputs:
        if path is None and report_to_stderr:
            out_ctx = _stream(sys.stderr)
        else:
            out_ctx = _open_output(path)
        try:
            with out_ctx as stream:
                _write_report(report, fmt, stream, settings, quiet=quiet, statistics=statistics,
                              show_suppressed=show_suppressed, color=color if path is None else False,
                              all_settings=distinct_settings(settings, targets))
        except OSError as exc:
            _err(f"reslint: error: cannot write the {fmt} report to {path}: {exc.strerror or exc}")
            return ExitCode.ERROR

    if problems or internal:
        return ExitCode.ERROR
    return ExitCode.FINDINGS if report.active() else ExitCode.CLEAN


@contextmanager
def _stream(stream: IO[str]) -> Iterator[IO[str]]:
    yield stream


def _reencode(fixed: Optional[str], original: bytes) -> bytes:
    if fixed is None:
        return original
    from .source import decode, encode

    decoded = decode(original)
    return encode(fixed, decoded.encoding, decoded.bom)


def _write_report(report: Report, fmt: str, stream: IO[str], settings: Settings, *, quiet: bool, statistics: bool,
                  show_suppressed: bool, color: Optional[bool], all_settings: Sequence[Settings] = ()) -> None:
    if fmt == "json":
        from .output.json import render

        stream.write(render(report))
        return
    if fmt == "github":
        from .output.github import render as render_github

        stream.write(render_github(report))
        return
    if fmt == "sarif":
        from .output.sarif import render as render_sarif
        from .output.sarif import severity_levels

        # every rule enabled for one of the files (each file may have its own settings)
        enabled = {rule.code: rule for each in (all_settings or [settings]) for rule in each.enabled_rules()}
        rules = [enabled[code] for code in sorted(enabled)]
        stream.write(render_sarif(report, rules, severity_levels(rules, settings.severity), show_suppressed))
        return
    from .output.text import make_console, print_findings, statistics_lines, summary_lines

    console = make_console(stream, color)
    print_findings(console, report, settings.show_source)
    if statistics:
        for line in statistics_lines(report):
            console.print(line)
    if not quiet:
        for line in summary_lines(report):
            console.print(line)
