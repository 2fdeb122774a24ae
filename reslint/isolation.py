"""Running the parser and the rules where a deep tree cannot crash the process.

libcst's native parser recurses on the C stack: a default 8 MiB thread stack
overflows (a crash, not an exception) on some deeply nested inputs that the
stdlib parser accepts. Parsing and traversal therefore run in a thread with a
large stack and a raised recursion limit, so such files become RES000
findings instead of a dead worker.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, Callable, List

STACK_SIZE = 1024 * 1024 * 1024
RECURSION_LIMIT = 10_000


def run_isolated(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``fn(*args, **kwargs)`` in a thread with a large stack and a high recursion limit.

    The result is returned and an exception re-raised in the caller's thread.
    """
    result: List[Any] = []
    error: List[BaseException] = []

    def target() -> None:
        try:
            result.append(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            error.append(exc)

    old_limit = sys.getrecursionlimit()
    if old_limit < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)
    thread = threading.Thread(target=target, name="reslint-lint", daemon=True)
    # The stack size applies to threads started while it is set.
    old_size = threading.stack_size(STACK_SIZE)
    try:
        thread.start()
    finally:
        threading.stack_size(old_size)
    try:
        thread.join()
    finally:
        if old_limit < RECURSION_LIMIT:
            sys.setrecursionlimit(old_limit)
    if error:
        raise error[0]
    return result[0]
