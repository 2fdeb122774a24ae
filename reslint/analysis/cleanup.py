"""Best-effort cleanup: which calls and which functions are cleanup, by the words in their names.

A `try` whose body only cleans up (`conn.close()`, `os.unlink(tmp)`, `task.cancel()`) may swallow
its errors: they have nowhere better to go. The same holds for any code in `__del__`,
`__exit__`, `__aexit__` and in a function named for cleanup (`close`, `shutdown`, `tearDown`,
`stop_server`).

Words are matched on a name split at underscores and camel-case humps. Most verbs count only as
the whole name or its last word (`task.cancel()` is cleanup, `cancel_subscription()` is a business
operation); the leading verbs below count at the start of a name too (`close_all`, `stop_server`).
"""

from __future__ import annotations

import re
from typing import Collection, List, Optional

from ..lazycst import cst

from .blocks import body_statements

# the default vocabulary of cleanup words (RES302's `cleanup-calls` option)
DEFAULT_CLEANUP_CALLS = (
    "close", "aclose", "shutdown", "terminate", "kill", "cancel", "unlink", "remove", "rmtree", "rmdir",
    "disconnect", "release", "cleanup", "stop", "join", "flush", "unregister", "reset", "dispose",
    "teardown", "destroy", "delete", "discard", "detach", "unsubscribe", "abort", "exit",
)
# Verbs that mark cleanup even at the start of a name (`close_all`, `stop_server`); the others
# only count as the whole name or its last word (`task.cancel()`, `lock.release()`), so that
# `cancel_subscription()` or `delete_account()` stay business operations.
LEADING_CLEANUP_VERBS = frozenset({
    "close", "aclose", "shutdown", "terminate", "kill", "disconnect", "cleanup", "stop", "dispose", "teardown",
    "destroy", "unregister", "unlink",
})
# Code in these methods, or in a function named for cleanup (first or last word one of the
# leading verbs above, or `closed`), is itself cleanup: its errors have nowhere to go.
ALWAYS_CLEANUP_FUNCTIONS = ("__del__", "__exit__", "__aexit__")
# awaiting a stream's close: cleanup, though `closed` alone is not a cleanup word
# (`record_connection_closed()` is a metric, `on_closed()` a callback)
CLEANUP_NAMES = frozenset({"wait_closed"})


def name_words(name: str) -> List[str]:
    """`stopServer` / `stop_server` -> ["stop", "server"]."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return [w for w in spaced.lower().split("_") if w]


def matches_cleanup_word(name: str, words: Collection[str]) -> bool:
    """``name`` is, ends with, or (for a leading verb) starts with one of ``words``."""
    if name in ALWAYS_CLEANUP_FUNCTIONS and words:
        return True  # `await conn.__aexit__(None, None, None)`: leaving a context
    parts = name_words(name)
    if not parts:
        return False
    if "_".join(parts) in CLEANUP_NAMES and words:
        return True
    if parts[-1] in words or "_".join(parts) in words or "".join(parts) in words:
        return True
    return parts[0] in words and parts[0] in LEADING_CLEANUP_VERBS


def called_name(expr: cst.BaseExpression) -> Optional[str]:
    """The called function's or method's own name, whatever the receiver (`pool[k].close()` ->
    close); an awaited call counts. None when ``expr`` is not a call."""
    if isinstance(expr, cst.Await):
        expr = expr.expression
    if not isinstance(expr, cst.Call):
        return None
    func = expr.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Subscript) and len(func.slice) == 1 and isinstance(func.slice[0].slice, cst.Index) \
            and isinstance(func.slice[0].slice.value, cst.SimpleString):
        # a function looked up by name in a registry (`__salt__["file.remove"](path)`): its last word
        key = func.slice[0].slice.value.evaluated_value
        return key.rsplit(".", 1)[-1] if isinstance(key, str) and key else None
    return None


# what hands a callable to an event loop to run later
SCHEDULERS = frozenset({"call_soon", "call_soon_threadsafe", "call_later", "call_at", "add_callback"})


def is_cleanup_call(expr: cst.BaseExpression, words: Collection[str]) -> bool:
    """A call of a cleanup name; the leading verbs count anywhere in it (`force_close_all()`,
    `safe_shutdown()`): a call that closes or stops something is cleanup however it is qualified.
    Handing a cleanup to an event loop is cleanup too (`loop.call_soon_threadsafe(loop.stop)`)."""
    name = called_name(expr)
    if not name:
        return False
    if name in SCHEDULERS and isinstance(expr, cst.Call):
        return any(not arg.keyword and not arg.star and _names_cleanup(arg.value, words) for arg in expr.args)
    return _cleanup_name(name, words)


def _cleanup_name(name: str, words: Collection[str]) -> bool:
    return matches_cleanup_word(name, words) or any(
        word in LEADING_CLEANUP_VERBS and word in words for word in name_words(name))


def _names_cleanup(expr: cst.BaseExpression, words: Collection[str]) -> bool:
    """A reference (not a call) to a cleanup function or method: `loop.stop`, `client.disconnect`."""
    if isinstance(expr, cst.Attribute):
        return _cleanup_name(expr.attr.value, words)
    return isinstance(expr, cst.Name) and _cleanup_name(expr.value, words)


def is_cleanup_block(block: cst.BaseSuite, words: Collection[str]) -> bool:
    """The block holds only cleanup calls (at least one), also under an `if` whose every branch
    does (`if client is not None: client.disconnect()`), beside assignments of local names that
    call nothing (`client = shared_client`)."""
    statements = body_statements(block)
    cleanups = [stmt for stmt in statements if not _plain_binding(stmt)]
    return bool(cleanups) and all(_cleans_up(stmt, words) for stmt in cleanups)


def _plain_binding(stmt: cst.CSTNode) -> bool:
    """`client = shared_client`: a local name bound to a value that calls nothing."""
    from .blocks import walk

    return (isinstance(stmt, cst.Assign) and all(isinstance(t.target, cst.Name) for t in stmt.targets)
            and not any(isinstance(node, (cst.Call, cst.Await)) for node in walk(stmt.value)))


def _cleans_up(stmt: cst.CSTNode, words: Collection[str]) -> bool:
    if isinstance(stmt, cst.Expr):
        return is_cleanup_call(stmt.value, words)
    if not isinstance(stmt, cst.If):
        return False
    branch = stmt
    while isinstance(branch, cst.If):
        if not is_cleanup_block(branch.body, words):
            return False
        branch = branch.orelse
    return branch is None or is_cleanup_block(branch.body, words)


def is_cleanup_function(func: Optional[cst.CSTNode], words: Collection[str]) -> bool:
    """Code in ``func`` is cleanup: `__del__`, `__exit__`, `__aexit__`, or a function whose name
    starts or ends with one of the leading verbs among ``words``."""
    if not isinstance(func, cst.FunctionDef):
        return False
    name = func.name.value
    if name in ALWAYS_CLEANUP_FUNCTIONS:
        return True
    leading = [w for w in words if w in LEADING_CLEANUP_VERBS]
    return matches_cleanup_word(name, leading)
