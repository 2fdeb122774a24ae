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
from typing import Dict, Optional, Sequence, Tuple

from ..lazycst import cst

from .blocks import walk_all
from .names import dotted_name, last_word
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
    """A loop with a `try` in it whose handler does not always leave (raise/return/break): the
    only kind of loop the recogniser can call a retry. Checked on the stdlib tree, which is far
    cheaper than parsing with libcst. The RES2 rules all ask, about the same tree: the last answer
    is kept."""
    if _last_shaped[0] is not tree:
        _last_shaped[:] = [tree, _retry_shaped_loop(tree)]
    return _last_shaped[1]


_last_shaped: list = [None, False]
# the fields that hold statements: an `except` handler is only ever found through them
_STATEMENT_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def _retry_shaped_loop(tree: ast.AST) -> bool:
    """One pass over the statements (expressions hold none): a handler under a loop that may not leave."""
    stack = [([tree], False)]
    while stack:
        statements, in_loop = stack.pop()
        for node in statements:
            if in_loop and isinstance(node, ast.ExceptHandler):
                last = node.body[-1] if node.body else None
                if not isinstance(last, (ast.Raise, ast.Return, ast.Break)):
                    return True
            inside = in_loop or isinstance(node, (ast.While, ast.For, ast.AsyncFor))
            for name in _STATEMENT_FIELDS:
                value = getattr(node, name, None)
                if value and isinstance(value, list):
                    stack.append((value, inside))
    return False
