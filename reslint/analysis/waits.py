"""What waits between the attempts of a hand-written retry loop, and how.

A loop waits when it calls a sleep (`time.sleep`, `asyncio.sleep`, trio, anyio, gevent,
eventlet, curio), an `event.wait(timeout)`, or a function whose name says it waits or backs off
(`_backoff()`, `wait_before_retry()`, `self._delay(n)`), also one or two calls deep into the
module's own functions. The delay passed to a sleep is classified: zero is no wait, a literal or
a name the loop never changes is constant, a product or power (or a name the loop grows, or the
variable of `for delay in (1, 2, 4):`) is growing, anything random is jittered.

Library retries classify their own waits (see :mod:`.retry_libraries`).
"""

from __future__ import annotations

from typing import Optional, Sequence

import libcst as cst

from .blocks import walk
from .callees import local_callee
from .names import dotted_name, last_word, names_in
from .retry_model import Wait

SLEEPS = frozenset({
    "time.sleep", "asyncio.sleep", "trio.sleep", "anyio.sleep", "gevent.sleep", "eventlet.sleep",
    "eventlet.greenthread.sleep", "curio.sleep",
})
# words that make a call's name a wait (as its first word, or anywhere for sleep and backoff)
WAIT_WORDS = ("sleep", "backoff", "wait", "delay", "pause", "throttle", "jitter")
# calls whose names start with a wait word but bound a wait rather than make one
NOT_WAITS = frozenset({"asyncio.wait_for", "asyncio.wait", "concurrent.futures.wait", "trio.move_on_after"})


def names_a_wait(name: Optional[str]) -> bool:
    """`sleep`, `_backoff`, `wait_before_retry`, `sleep_for_retry`, `self._delay(...)`: the call waits.
    `send_and_wait` does not (it waits for its own answer)."""
    tokens = [t for t in last_word(name).split("_") if t]
    return bool(tokens) and (tokens[0] in WAIT_WORDS or "sleep" in tokens or "backoff" in tokens
                             or (len(tokens) > 1 and ("retry" in tokens or "attempt" in tokens)))


def wait_in(ctx, node: cst.CSTNode, scope: Sequence[cst.CSTNode]) -> Wait:
    """What waits between the attempts of a loop: the strongest wait found in it."""
    best = Wait.NONE
    for call in walk(node):
        if not isinstance(call, cst.Call):
            continue
        kind = _call_wait(ctx, call, node, scope, depth=0)
        if kind is not None and kind.strength > best.strength:
            best = kind
    return best


def _call_wait(ctx, call: cst.Call, loop: cst.CSTNode, scope, depth: int) -> Optional[Wait]:
    """The wait one call makes (None: it does not wait, as far as can be told)."""
    qualified = ctx.qualified_name(call.func)
    if qualified in SLEEPS:
        if not call.args:
            return Wait.UNKNOWN
        return _delay_kind(ctx, call.args[0].value, loop)
    if isinstance(call.func, cst.Attribute) and call.func.attr.value == "wait" and call.args:
        return Wait.UNKNOWN  # event.wait(timeout): waits up to timeout
    if qualified not in NOT_WAITS and names_a_wait(dotted_name(call.func)):
        return Wait.UNKNOWN
    if depth < 2:
        target = local_callee(ctx, call, scope)
        if target is not None:
            func, fscope = target
            for inner in walk(func.body):
                if isinstance(inner, cst.Call):
                    kind = _call_wait(ctx, inner, func, fscope, depth + 1)
                    if kind is not None and kind != Wait.NONE:
                        return Wait.UNKNOWN if kind == Wait.CONSTANT and depth else kind
    return None


def _delay_kind(ctx, expr: cst.BaseExpression, loop: cst.CSTNode) -> Wait:
    """How a sleep's delay behaves across the attempts of ``loop``."""
    if isinstance(expr, (cst.Integer, cst.Float)):
        try:
            return Wait.NONE if float(expr.value) == 0 else Wait.CONSTANT
        except ValueError:
            return Wait.CONSTANT
    names = names_in(expr)
    for node in walk(expr):
        if isinstance(node, cst.Call):
            qualified = ctx.qualified_name(node.func) or ""
            if qualified.startswith(("random.", "secrets.", "numpy.random.")) or "jitter" in last_word(dotted_name(node.func)):
                return Wait.JITTERED
    if any("jitter" in n.lower() or "random" in n.lower() for n in names):
        return Wait.JITTERED
    if any(isinstance(n, cst.BinaryOperation) and isinstance(n.operator, (cst.Power, cst.Multiply, cst.LeftShift))
           for n in walk(expr)):
        return Wait.GROWING
    # a name the loop grows: `delay *= 2`, `delay = min(delay * 2, cap)`
    for node in walk(loop):
        if isinstance(node, cst.AugAssign) and names_in(node.target) & names:
            return Wait.GROWING
        if isinstance(node, cst.Assign) and any(names_in(t.target) & names for t in node.targets):
            return Wait.GROWING
    if isinstance(loop, cst.For) and names_in(loop.target) & names:
        return Wait.GROWING  # `for delay in (1, 2, 4):`
    if isinstance(expr, (cst.Name, cst.Attribute)):
        return Wait.CONSTANT
    return Wait.UNKNOWN
