"""Orchestration: discover -> lint every file (in parallel for many) -> fix -> results.

``lint_source`` and ``lint_paths`` are the public entry points for code
that embeds reslint; ``reslint check`` goes through :func:`reslint.run.run_check`,
which calls :func:`lint_all` and :func:`lint_target` from here.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple

from . import interrupt
from .cache import NullCache, ResultCache
from .config import Settings
from .discover import STDIN, Target, root_relative
from .model import FileResult
from .source import SourceError, decode, encode

if TYPE_CHECKING:  # pragma: no cover
    from concurrent.futures import ProcessPoolExecutor

# engine, fixer and parsing are imported where they are used: a run that the result cache
# answers never loads them (nor libcst, nor the rules)

# Below this many files the pool's start-up (fork, plus libcst's import in
# each worker on platforms that spawn) costs more than it saves.
PARALLEL_THRESHOLD = 16
CHUNK = 8


@dataclass(frozen=True)
class RunOptions:
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    want_edits: bool = False  # outputs that show fix edits (json, sarif)
    keep_source: bool = False  # outputs that show code (--show-source)
    show_suppressed: bool = False
    jobs: Optional[int] = None
    stdin_filename: Optional[str] = None
    # the run's project index (reslint.project), for project-scope rules
    project: Any = None
    # where fixes may be written (reslint.discover.linted_roots); None: anywhere
    roots: Optional[Tuple[str, ...]] = None

    @property
    def fixing(self) -> bool:
        return self.fix or self.diff


def _syntax_result(target: Target, message: str, line: int = 1, col: int = 0, text: str = "") -> FileResult:
    from .parsing import syntax_error_finding

    finding = syntax_error_finding(target.rel, message, line, col, text)
    return FileResult(path=target.display, rel=target.rel, findings=(finding,))


def _read(target: Target) -> bytes:
    if target.path == STDIN:
        return sys.stdin.buffer.read()
    with open(target.path, "rb") as handle:
        return handle.read()


def _config_relative(target: Target, settings: Settings) -> str:
    """The target's path relative to the directory of its settings' config file (what per-file-ignores
    match), which ``target.rel`` is when the target carries no settings of its own."""
    if target.settings is None:
        return target.rel
    if target.path != STDIN:
        return root_relative(target.path, str(settings.root))
    if target.display != STDIN:
        return root_relative(os.path.abspath(target.display), str(settings.root))
    return target.rel


def lint_target(target: Target, settings: Settings, options: RunOptions, stdin_data: Optional[bytes] = None) -> FileResult:
    """Lint (and, with options.fix/diff, fix) one file with its own settings (``target.settings``),
    else ``settings``. Never raises for a bad file."""
    own = target.settings or settings
    ruleset = own.ruleset_for(_config_relative(target, own))
    try:
        data = stdin_data if stdin_data is not None else _read(target)
    except OSError as exc:
        if not ruleset.syntax_errors:
            return FileResult(path=target.display, rel=target.rel)
        return _syntax_result(target, f"File cannot be read: {exc.strerror or exc}")
    try:
        decoded = decode(data)
    except SourceError as exc:
        if not ruleset.syntax_errors:
            return FileResult(path=target.display, rel=target.rel)
        return _syntax_result(target, f"File cannot be decoded: {exc.message}", exc.line, exc.col, data.decode("utf-8", "replace").replace("\0", " "))
    text = decoded.text
    if hasattr(options.project, "seen_text"):
        options.project.seen_text(text)
    from . import engine, fixer

    if not options.fixing:
        result = engine.lint_text(
            text, target.rel, ruleset, want_edits=options.want_edits, keep_suppressed=options.show_suppressed,
            project=options.project,
        )
        findings = tuple(result.findings)
        return FileResult(
            path=target.display,
            rel=target.rel,
            findings=findings,
            source=text if findings and (options.keep_source or options.want_edits) else None,
            notices=tuple(result.notices),
            internal_error=result.internal_error,
        )

    outcome = fixer.fix_text(text, target.rel, ruleset, unsafe=options.unsafe_fixes, keep_suppressed=options.show_suppressed,
                             project=options.project)
    notices = list(outcome.result.notices) + outcome.notices
    changed = outcome.text != text
    written = False
    write_failed = False
    refused = False
    if changed and options.fix and not options.diff and target.path != STDIN:
        try:
            data_out = encode(outcome.text, decoded.encoding, decoded.bom)
            with interrupt.write_guard():  # a signal waits until the file is written and counted
                fixer.write_atomic(target.path, data_out, options.roots)
                written = True
                interrupt.note_written()
        except fixer.NotWritten as exc:
            notices.append(f"{target.display}: {exc}")
            refused = True
        except UnicodeEncodeError:
            notices.append(f"{target.display}: fixes not written: the fixed text cannot be encoded as {decoded.encoding}")
            write_failed = True
        except OSError as exc:
            notices.append(f"{target.display}: fixes not written: {exc.strerror or exc}")
            write_failed = True
    if write_failed or refused:
        # the file on disk is unchanged: report what it still contains
        original = engine.lint_text(text, target.rel, ruleset, want_edits=options.want_edits,
                                    keep_suppressed=options.show_suppressed, project=options.project)
        return FileResult(
            path=target.display, rel=target.rel, findings=tuple(original.findings),
            source=text if original.findings and (options.keep_source or options.want_edits) else None,
            notices=tuple(notices), internal_error=write_failed or original.internal_error,
            write_failed=write_failed,
        )
    findings = tuple(outcome.result.findings)
    return FileResult(
        path=target.display,
        rel=target.rel,
        findings=findings,
        source=(outcome.text if findings and (options.keep_source or options.want_edits) else None),
        original_source=text if changed else None,
        fixed_source=outcome.text if changed else None,
        fixes_applied=outcome.applied if changed else 0,
        notices=tuple(notices),
        internal_error=outcome.result.internal_error,
        written=written,
    )


def _safe_lint(target: Target, settings: Settings, options: RunOptions) -> Tuple[FileResult, Tuple[tuple, ...]]:
    """(result, the project index questions its linting asked, with their answers)."""
    recorder = None
    try:
        if options.project is not None:
            from .project import RecordingIndex

            recorder = RecordingIndex(options.project)
            options = dataclasses.replace(options, project=recorder)
        result = lint_target(target, settings, options)
        return result, (recorder.queries() if recorder is not None else ())
    except Exception as exc:  # the last line of defence: one file never stops the run
        return FileResult(
            path=target.display,
            rel=target.rel,
            notices=(f"{target.display}: internal error: {type(exc).__name__}: {exc} (please report this with the file)",),
            internal_error=True,
        ), ()


# --------------------------------------------------------------------------
# the process pool

_worker_state: Dict[str, object] = {}


# Linting allocates millions of short-lived, acyclic objects (libcst and ast nodes) that reference
# counting frees: the cyclic collector's default young-generation threshold (700) makes it scan
# them over and over for nothing. A higher one costs little memory and 10-25 % less CPU.
GC_THRESHOLD = (50_000, 20, 100)


def _lint_gc() -> Tuple[int, ...]:
    """Raise the collector's thresholds for linting; returns the old ones (to restore)."""
    import gc

    old = gc.get_threshold()
    if old[0] < GC_THRESHOLD[0]:
        gc.set_threshold(*GC_THRESHOLD)
    return old


def _init_worker(settings: Settings, options: RunOptions, written: Any = None) -> None:
    interrupt.worker_setup(written)  # SIGINT ignored, SIGTERM ends the worker (after a write)
    _lint_gc()
    _worker_state["settings"] = settings
    _worker_state["options"] = options


def _lint_chunk(targets: Sequence[Target]) -> List[Tuple[FileResult, Tuple[tuple, ...]]]:
    settings = _worker_state["settings"]
    options = _worker_state["options"]
    return [_safe_lint(t, settings, options) for t in targets]  # type: ignore[arg-type]


def _pool(settings: Settings, options: RunOptions, workers: int) -> "ProcessPoolExecutor":
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork") if sys.platform == "linux" else multiprocessing.get_context()
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker,
        initargs=(settings, options, interrupt.shared_counter(context)),
    )


# how long the workers get to end after SIGTERM (one in a write ends right after it) before SIGKILL
STOP_GRACE = 1.0


def _stop_pool(pool: "ProcessPoolExecutor") -> None:
    """End a pool now: cancel the work not started, end the workers, do not wait for their results.

    SIGTERM ends a worker at once, or right after the file it is writing (see
    :mod:`reslint.interrupt`); one still alive after STOP_GRACE is killed (a write takes
    milliseconds: that would be a worker stuck elsewhere)."""
    import time

    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        try:
            process.terminate()
        except (OSError, ValueError, AttributeError):
            pass
    deadline = time.monotonic() + STOP_GRACE
    for process in processes:
        try:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(0.5)
        except (OSError, ValueError, AttributeError, AssertionError):
            pass
    if manager is not None:
        # it ends once it has seen every worker gone; one killed in the middle of sending a result
        # leaves it waiting for the rest (and the interpreter's exit waiting for it)
        manager.join(0.5)
        if manager.is_alive():
            interrupt.note_stuck()


def _crashed(target: Target) -> FileResult:
    from .parsing import syntax_error_finding

    finding = syntax_error_finding(
        target.rel, "File was not linted: reslint's worker process crashed on it (please report this)"
    )
    return FileResult(path=target.display, rel=target.rel, findings=(finding,), internal_error=True)


def lint_all(
    targets: Sequence[Target],
    settings: Settings,
    options: RunOptions,
    progress: Optional[Callable[[int], None]] = None,
    on_started: Optional[Callable[[], None]] = None,
    cache: Optional[ResultCache] = None,
) -> List[FileResult]:
    """Lint ``targets``; with a ``cache``, the files it answers are not linted, and the others' results
    are given to it (the caller saves it)."""
    cache = cache or NullCache()
    if options.fixing:
        cache = NullCache()  # a fixing run writes files: it always lints
    jobs = options.jobs or os.cpu_count() or 1
    results: List[FileResult] = []
    files: List[Target] = []
    for target in targets:
        if target.path == STDIN:
            continue
        hit = cache.get(target)
        if hit is not None:
            results.append(hit)
        else:
            files.append(target)
    if progress and results:
        progress(len(results))

    def done(target: Target, result: FileResult, queries: Tuple[tuple, ...]) -> None:
        results.append(result)
        cache.put(target, result, queries)

    try:
        return _lint_files(files, settings, options, jobs, done, progress, on_started, results)
    except interrupt.Interrupted as exc:  # the run stops: say how far it got
        exc.results = results
        exc.total = len(targets) - sum(1 for t in targets if t.path == STDIN)
        raise


def _lint_files(files, settings, options, jobs, done, progress, on_started, results) -> List[FileResult]:
    if len(files) < PARALLEL_THRESHOLD or jobs <= 1:
        if on_started:
            on_started()
        import gc

        old = _lint_gc()
        try:
            for target in files:
                done(target, *_safe_lint(target, settings, options))
                if progress:
                    progress(1)
        finally:
            gc.set_threshold(*old)
        return results

    # Rules are imported, and the project index built, before forking so the workers share them.
    settings.ruleset_for("x.py")
    if hasattr(options.project, "resolve"):
        options = dataclasses.replace(options, project=options.project.resolve())
    import gc

    gc.collect()
    gc.freeze()  # what is loaded now is shared by the forked workers: never scanned, never copied
    try:
        _lint_pooled(files, settings, options, jobs, done, progress, on_started, results)
    finally:
        gc.unfreeze()
    return results


def _lint_pooled(files, settings, options, jobs, done, progress, on_started, results) -> None:
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    chunks = [files[i:i + CHUNK] for i in range(0, len(files), CHUNK)]
    pending = {}
    broken = False
    with interrupt.polling():  # a signal is only recorded: the loop below checks for it
        pool = _pool(settings, options, min(jobs, len(chunks)))
        try:
            for chunk in chunks:
                pending[pool.submit(_lint_chunk, chunk)] = chunk
            if on_started:
                on_started()
            try:
                while pending:
                    if interrupt.requested():
                        raise interrupt.Interrupted(interrupt.requested())
                    finished, _ = wait(list(pending), timeout=0.1, return_when=FIRST_COMPLETED)
                    for future in finished:
                        chunk_results = future.result()
                        for target, (result, queries) in zip(pending[future], chunk_results):
                            done(target, result, queries)
                        del pending[future]
                        if progress:
                            progress(len(chunk_results))
            except BrokenProcessPool:
                broken = True
        except BaseException:  # interrupted (or Ctrl-C where no handler was installed): stop now
            _stop_pool(pool)
            raise
        pool.shutdown(wait=True)
    if broken:
        # A worker died (a crash in native code). Lint what is left one file
        # at a time in fresh single-worker pools, so the culprit is found and
        # reported and every other file is still linted.
        remaining = [t for chunk in pending.values() for t in chunk]
        finished = {r.rel for r in results}
        for target in remaining:
            if target.rel in finished:
                continue
            pool = _pool(settings, options, 1)
            try:
                for result, queries in pool.submit(_lint_chunk, [target]).result():
                    done(target, result, queries)
                pool.shutdown(wait=True)
            except BrokenProcessPool:
                pool.shutdown(wait=True)
                results.append(_crashed(target))  # never cached
            except BaseException:  # interrupted: do not wait for the file in progress
                _stop_pool(pool)
                raise
            if progress:
                progress(1)


# --------------------------------------------------------------------------
# public API


def lint_source(
    source: "str | bytes",
    path: str = "<string>",
    settings: Optional[Settings] = None,
    *,
    fix: bool = False,
    unsafe_fixes: bool = False,
) -> FileResult:
    """Lint a source text as if it were the file ``path`` (nothing is read or written)."""
    settings = settings or Settings(root=Path.cwd())
    data = source.encode("utf-8") if isinstance(source, str) else source
    target = Target(STDIN, path, path)
    options = RunOptions(fix=fix, diff=fix, unsafe_fixes=unsafe_fixes, want_edits=True, keep_source=True)
    return lint_target(target, settings, options, stdin_data=data)


def lint_paths(paths: Sequence[str], settings: Optional[Settings] = None, *, use_cache: bool = True) -> List[FileResult]:
    """Lint files and directories as ``reslint check`` would (no fixing): with ``settings``, those
    for every file; without, each file's own (its nearest config file's, see
    :func:`reslint.config.settings_for`)."""
    from .discover import discover, new_run, report_root

    resolver = None
    if settings is None:
        from .config import Resolver

        resolver = Resolver()
        settings = resolver.base
    new_run()
    root = report_root(paths, settings, resolver=resolver) if resolver is not None else None
    targets, _ = discover(paths, settings, use_cache=use_cache, resolver=resolver, root=root)
    options = RunOptions(want_edits=True, project=project_index(settings, targets, use_cache=use_cache, root=root))
    cache = result_cache(settings, options, use_cache=use_cache, root=root)
    results = lint_all(targets, settings, options, cache=cache)
    cache.save()
    return sorted(results, key=lambda r: r.path)


def result_cache(settings: Settings, options: RunOptions, *, use_cache: bool = True,
                 root: Optional[str] = None) -> ResultCache:
    """The persistent result cache for a run with these options whose paths are relative to ``root``
    (default: the settings' root); each entry holds the key of the settings its file was linted
    with (``target.settings``, else ``settings``), see :mod:`reslint.cache`. A
    :class:`~reslint.cache.NullCache` when caching is off or the run fixes files."""
    from .cache import ResultCache as Persistent, cache_dir

    directory = cache_dir(use_cache)
    if directory is None or options.fixing:
        return NullCache()
    # the run's settings are in the file's key too, so that runs with other flags (or another
    # root config) keep their own entries
    key = repr((settings.cache_key(), options.want_edits, options.keep_source, options.show_suppressed,
                options.project is not None))
    return Persistent(directory, root or str(settings.root), key, options.project, settings=settings)


def distinct_settings(settings: Settings, targets: Sequence[Target]) -> List[Settings]:
    seen = {id(settings): settings}
    for target in targets:
        if target.settings is not None:
            seen.setdefault(id(target.settings), target.settings)
    return list(seen.values())


def project_index(settings: Settings, targets: Sequence[Target] = (), *, use_cache: bool = True,
                  root: Optional[str] = None, resolver: Any = None) -> Any:
    """The index of the whole project (see :func:`reslint.project.project_root`), when a rule enabled
    for one of the files needs it (else None). ``root``: what the targets' ``rel`` is relative to;
    ``resolver``: the run's (the index walks the tree as the run does, and shares its walk cache)."""
    if not any(rule.scope == "project" for each in distinct_settings(settings, targets)
               for rule in each.enabled_infos()):
        return None
    from . import project

    files = [t.path for t in targets if t.path != STDIN]

    def build() -> Any:
        from .discover import discover

        index_root = project.project_root(settings.root, settings.config_path, files)
        index_settings = settings if index_root == settings.root else dataclasses.replace(settings, root=index_root)
        walk: Dict[str, Any] = {}
        found, _ = discover([str(index_root)], index_settings, use_cache=use_cache, report=walk,
                            resolver=resolver if index_settings is settings else None, root=str(index_root))
        index = project.build(str(index_root), [(t.path, t.rel) for t in found], use_cache=use_cache,
                              tree_unchanged=walk.get("reused", False))
        index.lint_root = root or str(settings.root)
        return index

    # built when first asked: a run whose results all come from the cache, with no project facts
    # to check, never walks the project
    return project.LazyIndex(build)


# --------------------------------------------------------------------------
# --add-noqa


@dataclass
class Suppressed:
    """What writing suppression comments into one file did."""

    result: FileResult  # the file's findings after it (those that could not be suppressed)
    added: int = 0  # suppressions written (a code on a line)
    notices: Tuple[str, ...] = ()


def add_suppressions(target: Target, result: FileResult, settings: Settings, options: RunOptions,
                     reason: Optional[str] = None) -> Suppressed:
    """Write `# reslint: ignore[CODE]` for each reported finding of ``result`` into the target's file
    (see :mod:`reslint.noqa`), with the fixer's writer. The file is linted again first (it may have
    changed since) and after (the new text must parse, and the findings be suppressed)."""
    from . import engine, fixer, noqa
    from .parsing import parses

    wanted = {(f.code, f.fingerprint) for f in result.findings if not f.suppressed and f.code not in noqa.UNSUPPRESSIBLE}
    if not wanted:
        return Suppressed(result)
    if target.path == STDIN:
        return Suppressed(result, notices=(f"{target.display}: suppressions not added: standard input cannot be "
                                           "written",))
    own = target.settings or settings
    ruleset = own.ruleset_for(_config_relative(target, own))
    try:
        decoded = decode(_read(target))
    except (OSError, SourceError) as exc:
        return Suppressed(result, notices=(f"{target.display}: suppressions not added: {exc}",))
    text = decoded.text
    before = engine.lint_text(text, target.rel, ruleset, project=options.project)
    findings = [f for f in before.findings if (f.code, f.fingerprint) in wanted]
    planned = noqa.plan(text, findings, dict(ruleset.names_to_codes), dict(ruleset.other_tools_codes), reason)
    notices = [f"{target.display}:{f.span.line}:{f.span.col + 1}: {f.code} not suppressed: {why}"
               for f, why in planned.skipped]
    if planned.text == text:
        return Suppressed(result, notices=tuple(notices))
    if not parses(planned.text, target.rel):
        notices.append(f"{target.display}: suppressions not added: the file would not parse with them (please "
                       "report this)")
        return Suppressed(result, notices=tuple(notices))
    after = engine.lint_text(planned.text, target.rel, ruleset, project=options.project)
    remaining = {(f.span.line, f.code) for f in after.findings}
    unsilenced = [f for f in planned.suppressed if (f.span.line, f.code) in remaining]
    if unsilenced:
        notices.append(f"{target.display}: suppressions not added: {unsilenced[0].code} at line "
                       f"{unsilenced[0].span.line} would still be reported (please report this)")
        return Suppressed(result, notices=tuple(notices))
    try:
        with interrupt.write_guard():
            fixer.write_atomic(target.path, encode(planned.text, decoded.encoding, decoded.bom), options.roots)
            interrupt.note_written()
    except fixer.NotWritten as exc:
        notices.append(f"{target.display}: suppressions not added: {exc}")
        return Suppressed(result, notices=tuple(notices))
    except UnicodeEncodeError:
        notices.append(f"{target.display}: suppressions not added: the text cannot be encoded as {decoded.encoding}")
        return Suppressed(result, notices=tuple(notices))
    except OSError as exc:
        notices.append(f"{target.display}: suppressions not added: {exc.strerror or exc}")
        return Suppressed(result, notices=tuple(notices))
    done = {(f.code, f.fingerprint) for f in planned.suppressed}
    left = tuple(f for f in result.findings if f.suppressed or (f.code, f.fingerprint) not in done)
    return Suppressed(dataclasses.replace(result, findings=left, source=None), added=planned.added,
                      notices=tuple(notices))
