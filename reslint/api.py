"""Orchestration: discover -> lint every file (in parallel for many) -> fix -> results.

``lint_source`` and ``lint_paths`` are the public entry points for code
that embeds reslint; ``reslint check`` goes through :func:`reslint.run.run_check`,
which calls :func:`lint_all` and :func:`lint_target` from here.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from . import engine, fixer
from .parsing import syntax_error_finding
from .cache import NullCache, ResultCache
from .config import Settings
from .discover import STDIN, Target
from .model import FileResult
from .source import SourceError, decode, encode

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

    @property
    def fixing(self) -> bool:
        return self.fix or self.diff


def _syntax_result(target: Target, message: str, line: int = 1, col: int = 0, text: str = "") -> FileResult:
    finding = syntax_error_finding(target.rel, message, line, col, text)
    return FileResult(path=target.display, rel=target.rel, findings=(finding,))


def _read(target: Target) -> bytes:
    if target.path == STDIN:
        return sys.stdin.buffer.read()
    with open(target.path, "rb") as handle:
        return handle.read()


def lint_target(target: Target, settings: Settings, options: RunOptions, stdin_data: Optional[bytes] = None) -> FileResult:
    """Lint (and, with options.fix/diff, fix) one file. Never raises for a bad file."""
    ruleset = settings.ruleset_for(target.rel)
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
    if changed and options.fix and not options.diff and target.path != STDIN:
        try:
            data_out = encode(outcome.text, decoded.encoding, decoded.bom)
            fixer.write_atomic(target.path, data_out)
            written = True
        except UnicodeEncodeError:
            notices.append(f"{target.display}: fixes not written: the fixed text cannot be encoded as {decoded.encoding}")
            write_failed = True
        except OSError as exc:
            notices.append(f"{target.display}: fixes not written: {exc.strerror or exc}")
            write_failed = True
    if write_failed:
        # the file on disk is unchanged: report what it still contains
        original = engine.lint_text(text, target.rel, ruleset, want_edits=options.want_edits,
                                    keep_suppressed=options.show_suppressed, project=options.project)
        return FileResult(
            path=target.display, rel=target.rel, findings=tuple(original.findings),
            source=text if original.findings and (options.keep_source or options.want_edits) else None,
            notices=tuple(notices), internal_error=True,
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


def _safe_lint(target: Target, settings: Settings, options: RunOptions, cache: ResultCache) -> FileResult:
    try:
        cached = cache.get(target, settings, options)
        if cached is not None:
            return cached
        result = lint_target(target, settings, options)
        cache.put(target, settings, options, result)
        return result
    except Exception as exc:  # the last line of defence: one file never stops the run
        return FileResult(
            path=target.display,
            rel=target.rel,
            notices=(f"{target.display}: internal error: {type(exc).__name__}: {exc} (please report this with the file)",),
            internal_error=True,
        )


# --------------------------------------------------------------------------
# the process pool

_worker_state: Dict[str, object] = {}


def _init_worker(settings: Settings, options: RunOptions) -> None:
    _worker_state["settings"] = settings
    _worker_state["options"] = options


def _lint_chunk(targets: Sequence[Target]) -> List[FileResult]:
    settings = _worker_state["settings"]
    options = _worker_state["options"]
    cache = NullCache()
    return [_safe_lint(t, settings, options, cache) for t in targets]  # type: ignore[arg-type]


def _pool(settings: Settings, options: RunOptions, workers: int) -> ProcessPoolExecutor:
    import multiprocessing

    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(settings, options)
    )


def _crashed(target: Target) -> FileResult:
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
    cache = cache or NullCache()
    jobs = options.jobs or os.cpu_count() or 1
    files = [t for t in targets if t.path != STDIN]
    results: List[FileResult] = []
    if len(files) < PARALLEL_THRESHOLD or jobs <= 1:
        if on_started:
            on_started()
        for target in files:
            results.append(_safe_lint(target, settings, options, cache))
            if progress:
                progress(1)
        return results

    # Rules are imported before forking so the workers share them.
    settings.ruleset_for("x.py")
    chunks = [files[i:i + CHUNK] for i in range(0, len(files), CHUNK)]
    pending = {}
    broken = False
    with _pool(settings, options, min(jobs, len(chunks))) as pool:
        for chunk in chunks:
            pending[pool.submit(_lint_chunk, chunk)] = chunk
        if on_started:
            on_started()
        try:
            for future in as_completed(list(pending)):
                chunk_results = future.result()
                results.extend(chunk_results)
                del pending[future]
                if progress:
                    progress(len(chunk_results))
        except BrokenProcessPool:
            broken = True
    if broken:
        # A worker died (a crash in native code). Lint what is left one file
        # at a time in fresh single-worker pools, so the culprit is found and
        # reported and every other file is still linted.
        remaining = [t for chunk in pending.values() for t in chunk]
        done = {r.rel for r in results}
        for target in remaining:
            if target.rel in done:
                continue
            try:
                with _pool(settings, options, 1) as pool:
                    results.extend(pool.submit(_lint_chunk, [target]).result())
            except BrokenProcessPool:
                results.append(_crashed(target))
            if progress:
                progress(1)
    return results


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
    """Lint files and directories as ``reslint check`` would (no fixing)."""
    from .discover import discover

    settings = settings or Settings(root=Path.cwd())
    targets, _ = discover(paths, settings)
    options = RunOptions(want_edits=True, project=project_index(settings, targets, use_cache=use_cache))
    return sorted(lint_all(targets, settings, options), key=lambda r: r.path)


def project_index(settings: Settings, targets: Sequence[Target] = (), *, use_cache: bool = True) -> Any:
    """The index of the whole project (see :func:`reslint.project.project_root`), when an enabled
    rule needs it (else None)."""
    if not any(rule.scope == "project" for rule in settings.enabled_rules()):
        return None
    from . import project
    from .discover import discover

    files = [t.path for t in targets if t.path != STDIN]
    root = project.project_root(settings.root, settings.config_path, files)
    index_settings = settings if root == settings.root else dataclasses.replace(settings, root=root)
    found, _ = discover([str(root)], index_settings)
    index = project.build(str(root), [(t.path, os.path.relpath(t.path, root).replace(os.sep, "/")) for t in found],
                          use_cache=use_cache)
    index.lint_root = str(settings.root)
    return index
