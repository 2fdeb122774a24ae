"""Stopping a run on SIGINT (Ctrl-C) or SIGTERM: quickly, and never in the middle of a write.

`reslint check` installs :func:`handling` for the run. A signal then raises :class:`Interrupted`
in the main thread, the way Ctrl-C raises KeyboardInterrupt, with two exceptions:

- while a file is written (:func:`write_guard`, around :func:`reslint.fixer.write_atomic`), the
  signal waits until the write is over, so every file is either untouched or fully fixed;
- while the process pool runs (:func:`polling`), the handler only records the signal: the loop
  that waits for the workers' results sees it within a tenth of a second, cancels the work not
  started and ends the workers (:func:`reslint.api.lint_all`), rather than being interrupted
  inside concurrent.futures' own locks.

Pool workers ignore SIGINT (Ctrl-C reaches the whole process group: the parent decides) and end
on SIGTERM, which the parent sends them; a worker in the middle of a write, or of sending a result
back, ends right after it.
Files written are counted (across the workers through a shared counter), so the run can say how
many files it fixed before it stopped.

The exit status is 128 + the signal's number, as a shell reports a command killed by it: 130
for SIGINT, 143 for SIGTERM.
"""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from typing import Any, Dict, Iterator, Optional

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """The run was asked to stop by a signal. ``results`` (when set) are the files linted by then."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
        self.results: Optional[list] = None
        self.total = 0  # files the run was to lint

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class _State:
    def __init__(self) -> None:
        self.signum = 0  # the first signal received, 0 for none
        self.polling = 0  # the pool loop checks requested() itself
        self.writing = 0  # inside write_guard
        self.worker = False  # a pool worker process
        self.written = 0  # files written by this process
        self.shared: Any = None  # multiprocessing.Value: files written by the pool's workers
        self.stuck = False  # a stopped pool's manager thread did not end (see note_stuck)


_state = _State()


def requested() -> int:
    """The signal that asked the run to stop (0 if none)."""
    return _state.signum


def _on_signal(signum: int, frame: Any) -> None:
    if not _state.signum:
        _state.signum = signum
    if _state.worker:
        if not _state.writing:
            os._exit(128 + signum)
        return  # write_guard ends the process when the write is over
    if _state.polling or _state.writing:
        return
    raise Interrupted(signum)


@contextmanager
def handling() -> Iterator[None]:
    """Handle SIGINT and SIGTERM as described above for the duration of a run (main thread only;
    elsewhere, such as an editor server's worker thread, nothing is installed)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _state.signum = 0
    _state.written = 0
    _state.shared = None
    _state.stuck = False
    old: Dict[int, Any] = {}
    try:
        for signum in SIGNALS:
            old[signum] = signal.signal(signum, _on_signal)
        yield
    finally:
        for signum, handler in old.items():
            signal.signal(signum, handler)
        # what a later run in this process (an embedding program, a test) must not inherit; `stuck`
        # stays for the command line's exit (exit_now_if_stuck)
        _state.signum = 0
        _state.shared = None


@contextmanager
def polling() -> Iterator[None]:
    """While the pool runs: the handler records the signal, the caller checks :func:`requested`."""
    _state.polling += 1
    try:
        yield
    finally:
        _state.polling -= 1
    if _state.signum and not _state.polling and not _state.writing and not _state.worker and _installed():
        raise Interrupted(_state.signum)


def _installed() -> bool:
    try:
        return signal.getsignal(signal.SIGINT) is _on_signal
    except ValueError:  # pragma: no cover - not the main thread
        return False


@contextmanager
def write_guard() -> Iterator[None]:
    """A signal received inside waits until the block is over (a file written and counted)."""
    _state.writing += 1
    try:
        yield
    finally:
        _state.writing -= 1
        if _state.signum and not _state.writing:
            if _state.worker:
                os._exit(128 + _state.signum)
            if not _state.polling and _installed():
                raise Interrupted(_state.signum)


def note_written() -> None:
    """Count a file written (call inside :func:`write_guard`, right after the write)."""
    _state.written += 1
    shared = _state.shared
    if shared is not None:
        with shared.get_lock():
            shared.value += 1


def files_written() -> int:
    """Files written so far in this run, by this process and by the pool's workers."""
    shared = _state.shared
    return _state.written + (shared.value if shared is not None else 0)


def shared_counter(context: Any) -> Any:
    """A counter the pool's workers add their writes to (see :func:`worker_setup`)."""
    counter = context.Value("q", 0)
    if threading.current_thread() is threading.main_thread() and _installed():
        _state.shared = counter
    return counter


def worker_setup(counter: Any) -> None:
    """In a pool worker: ignore SIGINT, end on SIGTERM (after a write in progress), count writes."""
    _state.worker = True
    _state.signum = 0
    _state.polling = 0
    _state.writing = 0
    _state.written = 0
    signum, _state.signum = _state.signum, 0
    _state.shared = counter
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_signal)
    if signum:
        # a signal came between the fork and now, to the parent's handler (which only recorded it,
        # the parent's pool loop being the one to act): the run is stopping, do not start work
        os._exit(128 + signum)
    # a worker sends each result back through a pipe in several writes: ended in the middle, it
    # would leave the parent's result reader waiting forever for the rest (and the parent's exit
    # waiting for that reader). So a SIGTERM waits until the result is sent, as for a file write.
    try:
        from concurrent.futures import process
    except ImportError:  # pragma: no cover
        return
    send = getattr(process, "_sendback_result", None)
    if send is not None and not getattr(send, "_reslint_guarded", False):
        def guarded_send(*args: Any, **kwargs: Any) -> Any:
            with write_guard():
                return send(*args, **kwargs)

        guarded_send._reslint_guarded = True  # type: ignore[attr-defined]
        process._sendback_result = guarded_send  # type: ignore[attr-defined]


def note_stuck() -> None:
    """The pool could not be shut down cleanly (its manager thread still waits on a worker that
    was killed): the process must end without joining it (see :func:`exit_now_if_stuck`)."""
    _state.stuck = True


def exit_now_if_stuck(code: int) -> None:
    """For the command line, after an interrupted run: when the pool's manager thread is stuck,
    the interpreter's exit would wait for it forever; flush the output and end the process now."""
    if getattr(_state, "stuck", False):
        import sys

        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
