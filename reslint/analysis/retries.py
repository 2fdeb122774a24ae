"""Retries: is this loop, decorator or call a retry, what bounds it, what waits, what it repeats.

One recogniser serves the three RES2 rules. For the node being visited, :func:`retry_of`
answers with a :class:`Retry` (or None when the node is not a retry):

- ``form``: how it is written (:class:`Form`: a loop, or one of the libraries);
- ``bound``: :attr:`Bound.UNBOUNDED` when nothing limits the attempts, :attr:`Bound.BOUNDED`
  when an attempt count, a deadline or a decision to give up does (or may: reslint stays silent
  when it cannot tell);
- ``wait``: what waits between attempts (:class:`Wait`);
- ``body``: the statements repeated on failure, where RES203 looks for a non-idempotent
  operation (see :mod:`.idempotency`).

The work is done elsewhere: hand-written loops in :mod:`.retry_loops` (with :mod:`.failures`
and :mod:`.waits`), libraries (tenacity, backoff, retrying, the ``retry`` package, urllib3
``Retry``, celery tasks, stamina and google api_core ``Retry``, each with its own defaults) in
:mod:`.retry_libraries`. The record and its states live in :mod:`.retry_model` and are
re-exported here.
"""

from __future__ import annotations

import ast
import threading
from typing import Dict, Optional, Sequence, Set, Tuple

from ..lazycst import cst

from .blocks import walk_all
from .names import dotted_name, last_word
from .reach import reach_of, statements
from .retry_libraries import Libraries, attempt_context_loop, library_for, tenacity_wait_without_jitter
from .retry_loops import LOG_WORDS, LoopAnalysis
from .retry_model import ALL_METHODS, Bound, Form, Retry, Wait
from .waits import WAIT_WORDS

__all__ = ["ALL_METHODS", "Bound", "Form", "Retry", "Wait", "first_operation_display", "has_retry_shaped_loop",
           "parse_extra_decorators", "retry_of", "tenacity_wait_without_jitter"]


def retry_of(ctx, node: cst.CSTNode, extra: Optional[Dict[str, Tuple[str, ...]]] = None) -> Optional[Retry]:
    """The retry ``node`` (the node being visited: a loop, decorator or call) is, or None.

    ``extra`` holds the project's retry decorators (see :func:`parse_extra_decorators`). The
    answer is kept per node for the file: the first rule to ask decides it for the others.
    """
    cache: Dict[int, Optional[Retry]] = ctx.memo(retry_of, dict)
    key = id(node)
    if key in cache:
        return cache[key]
    stack = ctx.stack
    libraries = Libraries(ctx, extra or {})
    if isinstance(node, (cst.While, cst.For)):
        result = None
        if not library_for(ctx, node):
            result = attempt_context_loop(node, stack[:-1]) or LoopAnalysis(ctx, node, stack[:-1]).analyse()
    elif isinstance(node, cst.Decorator):
        result = libraries.of_decorator(node, stack)
    elif isinstance(node, cst.Call):
        result = libraries.of_call(node, stack)
    else:
        result = None
    cache[key] = result
    return result


def parse_extra_decorators(specs: Sequence[str]) -> Dict[str, Tuple[str, ...]]:
    """`"pkg.retry:max_tries,max_time"` -> {"pkg.retry": ("max_tries", "max_time")}; no keywords: always bounded."""
    out: Dict[str, Tuple[str, ...]] = {}
    for spec in specs:
        name, _, keys = spec.partition(":")
        name = name.strip()
        if name:
            out[name] = tuple(k.strip() for k in keys.split(",") if k.strip())
    return out


def first_operation_display(ctx, retry: Retry) -> Optional[str]:
    """The first call the retry repeats, as written, for messages (logging, waits and builtins skipped)."""
    for node in walk_all(retry.body):
        if isinstance(node, cst.Call):
            name = dotted_name(node.func)
            if name is None:
                continue
            word = last_word(name)
            if any(w in word for w in LOG_WORDS + WAIT_WORDS):
                continue
            if (ctx.qualified_name(node.func) or "").startswith(("builtins.", "time.", "datetime.")):
                continue
            if name.rsplit(".", 1)[-1][:1].isupper():
                continue  # a constructor (`ClientTimeout(...)`, `Message(...)`) builds, it is not the operation
            return name
    return None


def has_retry_shaped_loop(tree: ast.AST) -> bool:
    """Whether the file holds a loop :class:`LoopAnalysis` (or :func:`attempt_context_loop`) could
    call a retry, decided on the stdlib tree, which is far cheaper than parsing with libcst. It
    over-approximates what the analysis accepts, never less:

    - a `while` loop, or a `for` loop whose variable may count attempts (none or `_`; over
      `range`/`count`/`iter`/`Retrying` by any imported name; over a literal list of numbers):
      `for item in items:` tries candidates, it does not repeat one operation;
    - with a `try` among its own statements (through `with` blocks, as the analysis looks) whose
      handler may go round: it holds a `continue` or does not end in raise/return/break;
    - or `for attempt in policy(): with attempt: ...`, a retry with no `try` in sight.

    The RES2 rules all ask about the same tree: the last answer is kept."""
    last = getattr(_local, "shaped", None)
    if last is None or last[0] is not tree:
        last = _local.shaped = (tree, _retry_shaped_loop(tree))
    return last[1]


_local = threading.local()  # the language server lints on several threads
# what a `for` loop may iterate to count attempts (LoopAnalysis._is_count, _target_feeds_operation)
_COUNTING = frozenset({"range", "count", "iter", "Retrying", "AsyncRetrying"})
_LEAVES = (ast.Raise, ast.Return, ast.Break)


def _retry_shaped_loop(tree: ast.AST) -> bool:
    counting = _Counting(tree)
    return any(isinstance(node, (ast.While, ast.For, ast.AsyncFor)) and (
        _attempt_context(node) or (_goes_round(node.body) and _may_count(node, counting)))
        for node in statements(tree))


def _may_count(loop: ast.AST, counting) -> bool:
    if isinstance(loop, ast.While):
        return True
    names = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
    if names <= {"_"}:
        return True
    source = loop.iter
    if isinstance(source, ast.Call):
        func = source.func
        return counting.names((func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)))
    if isinstance(source, (ast.List, ast.Tuple)):
        return all(isinstance(e, ast.Constant) and (e.value is None or type(e.value) in (int, float))
                   for e in source.elts)
    return False


class _Counting:
    """Is a callee's name one of :data:`_COUNTING`, also under a name an import gives it (the
    file's imports are read once, only when a name is not one of them)."""

    def __init__(self, tree: ast.AST):
        self.tree = tree
        self.aliases: Optional[Set[str]] = None

    def names(self, name: Optional[str]) -> bool:
        if name in _COUNTING:
            return True
        if self.aliases is None:
            reach = reach_of(self.tree)
            self.aliases = {local for table in (reach.absolute, reach.relative) for local, targets in table.items()
                            if any(target.rsplit(".", 1)[-1] in _COUNTING for target in targets)}
        return name in self.aliases


def _goes_round(block) -> bool:
    """A `try` among the statements of ``block`` (through `with`) with a handler that may not leave the loop."""
    for stmt in block:
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            if _goes_round(stmt.body):
                return True
        elif isinstance(stmt, ast.Try):
            for handler in stmt.handlers:
                if not handler.body or not isinstance(handler.body[-1], _LEAVES) or any(
                        isinstance(n, ast.Continue) for n in ast.walk(handler)):
                    return True
    return False


def _attempt_context(loop: ast.AST) -> bool:
    """`for attempt in policy(): with attempt: ...` (see :func:`attempt_context_loop`)."""
    if not isinstance(loop, (ast.For, ast.AsyncFor)) or not isinstance(loop.target, ast.Name) \
            or not isinstance(loop.iter, ast.Call) or len(loop.body) != 1:
        return False
    block = loop.body[0]
    return isinstance(block, (ast.With, ast.AsyncWith)) and len(block.items) == 1 and isinstance(
        block.items[0].context_expr, ast.Name) and block.items[0].context_expr.id == loop.target.id
