"""What waits between the attempts of a hand-written retry loop, and how.

A loop waits when it calls a sleep (`time.sleep`, `asyncio.sleep`, trio, anyio, gevent,
eventlet, curio, or a method named like one: `self._sleep(t)`), an `event.wait(timeout)`, or a
function whose name says it waits or backs off (`_backoff()`, `wait_before_retry()`,
`self._delay(n)`), also one or two calls deep into the module's own functions.

The delay passed to a sleep is classified (:func:`delay_kind`): zero is no wait; a literal, or
a name or attribute the loop never changes, is constant; a power, or a product with something
the loop changes (`base * 2 ** attempt`, `delay *= 2`, `delay = min(delay * 2, cap)`, the
variable of `for delay in (1, 2, 4):`) is growing; anything random is jittered. Names are
followed to what they are assigned, calls of the module's own functions to what they return,
`min`/`max`/`int`/`float`/`round` and conditional expressions to their parts. A delay the
server dictates (`Retry-After`, `retry_after`) is not the client's choice and counts as unknown,
so a loop whose only wait comes from the server is never called constant.

Library retries classify their own waits (see :mod:`.retry_libraries`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, Iterable, Optional, Sequence, Set

from ..lazycst import cst

from .blocks import walk
from .calls import string_value
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
# builtins whose result varies as their arguments do
_PASS_THROUGH = frozenset({"builtins.min", "builtins.max", "builtins.int", "builtins.float", "builtins.round",
                           "builtins.abs", "math.ceil", "math.floor", "datetime.timedelta"})
# a delay the server chose: `Retry-After`, `retry_after`, rate-limit reset headers
_SERVER_WORDS = ("retry_after", "retryafter", "retry-after", "ratelimit-reset", "ratelimit_reset", "x-ratelimit")
_MAX_DEPTH = 3


@dataclass(frozen=True)
class Pause:
    """The strongest wait of a loop (:class:`Wait`) and the call that makes it (None: no wait)."""

    kind: Wait
    call: Optional[cst.Call] = None
    why: str = ""   # for messages, when only one path goes without a wait


def names_a_wait(name: Optional[str]) -> bool:
    """`sleep`, `_backoff`, `wait_before_retry`, `sleep_for_retry`, `self._delay(...)`: the call waits.
    `send_and_wait` does not (it waits for its own answer)."""
    tokens = [t for t in last_word(name).split("_") if t]
    if tokens and tokens[-1] in _CALLABLE_WORDS and not ("sleep" in tokens or "backoff" in tokens):
        return False  # `retry_func(response)`, `should_retry_predicate(...)`: a callable that decides
    return bool(tokens) and (tokens[0] in WAIT_WORDS or "sleep" in tokens or "backoff" in tokens
                             or (len(tokens) > 1 and ("retry" in tokens or "attempt" in tokens)))


# last words of names that hold a callable deciding something, not an action
_CALLABLE_WORDS = frozenset({"func", "fn", "function", "callable", "predicate", "cb", "callback", "condition"})


def wait_in(ctx, node: cst.CSTNode, scope: Sequence[cst.CSTNode], growth_scope: Optional[cst.CSTNode] = None,
            skip: FrozenSet[int] = frozenset()) -> Pause:
    """What waits between the attempts of a loop: the strongest wait found in it (``node``, or a
    part of the loop ``growth_scope``, which is where a growing delay is looked for). Calls whose
    ids are in ``skip`` are not looked at."""
    best = Pause(Wait.NONE)
    best_direct = False
    loop = growth_scope if growth_scope is not None else node
    for call in walk(node):
        if not isinstance(call, cst.Call):
            continue
        if id(call) in skip:
            continue
        kind = _call_wait(ctx, call, loop, scope, depth=0)
        if kind is None:
            continue
        direct = ctx.qualified_name(call.func) in SLEEPS or _is_sleep_method(call)
        if kind.strength > best.kind.strength or (
                kind == best.kind and direct and best.call is not None and not best_direct):
            best, best_direct = Pause(kind, call), direct
    return best


def combine(kinds: Iterable[Wait]) -> Wait:
    """The behaviour of a value made of parts: random if a part is, unknown if a part cannot be
    told, growing if a part grows, constant if every part is."""
    found = set(kinds)
    for kind in (Wait.JITTERED, Wait.UNKNOWN, Wait.GROWING, Wait.CONSTANT):
        if kind in found:
            return kind
    return Wait.NONE


def is_sleep_call(ctx, call: cst.Call) -> bool:
    """`time.sleep(d)`, `asyncio.sleep(d)`, or a `.sleep(d)` method (`transport.sleep`, `self._net.sleep`)."""
    return ctx.qualified_name(call.func) in SLEEPS or _is_sleep_method(call)


def _is_sleep_method(call: cst.Call) -> bool:
    """`self._sleep(t)`, `self._net.sleep(t)`, `sleep(t)` with `sleep` a parameter: a callable
    named sleep, given the delay."""
    word = last_word(dotted_name(call.func)).strip("_")
    return word == "sleep" and len(call.args) >= 1 and call.args[0].keyword is None


def _call_wait(ctx, call: cst.Call, loop: cst.CSTNode, scope, depth: int) -> Optional[Wait]:
    """The wait one call makes (None: it does not wait, as far as can be told)."""
    qualified = ctx.qualified_name(call.func)
    target = local_callee(ctx, call, scope) if depth < 2 else None
    if qualified in SLEEPS or (target is None and _is_sleep_method(call)):
        if not call.args:
            return Wait.UNKNOWN
        return delay_kind(ctx, call.args[0].value, loop, scope)
    if isinstance(call.func, cst.Attribute) and call.func.attr.value == "wait" and call.args:
        return Wait.UNKNOWN  # event.wait(timeout): waits up to timeout, may be woken early
    if target is not None:
        func, fscope = target
        kinds = [k for inner in walk(func.body) if isinstance(inner, cst.Call)
                 for k in (_call_wait(ctx, inner, func, fscope, depth + 1),) if k is not None and k != Wait.NONE]
        if kinds:
            return max(kinds, key=lambda k: k.strength)
    if qualified not in NOT_WAITS and names_a_wait(dotted_name(call.func)):
        return Wait.UNKNOWN
    return None


def is_server_dictated(expr: cst.CSTNode) -> bool:
    """The delay names a server's instruction: `retry_after`, `headers["Retry-After"]`."""
    for node in walk(expr):
        text = None
        if isinstance(node, cst.Name):
            text = node.value
        elif isinstance(node, cst.SimpleString):
            text = string_value(node)
        if text and any(word in text.lower() for word in _SERVER_WORDS):
            return True
    return False


def delay_kind(ctx, expr: cst.BaseExpression, loop: cst.CSTNode, scope: Sequence[cst.CSTNode] = (),
               depth: int = 0) -> Wait:
    """How a delay behaves across the attempts of ``loop`` (a loop, or the function that
    computes the delay)."""
    return _Delays(ctx, loop, scope).kind(expr, depth)


class _Delays:
    """Classifies delay expressions seen from one loop (or helper function)."""

    def __init__(self, ctx, loop: cst.CSTNode, scope: Sequence[cst.CSTNode]):
        self.ctx = ctx
        self.loop = loop
        self.scope = scope
        self.function = next((n for n in reversed(scope) if isinstance(n, cst.FunctionDef)), None)
        self._changed: Optional[Set[str]] = None

    def changed(self) -> Set[str]:
        """Names and attribute chains the loop assigns (and its variable): what varies per attempt."""
        if self._changed is None:
            found: Set[str] = set()
            for node in walk(self.loop):
                for target in _targets(node):
                    name = dotted_name(target)
                    if name:
                        found.add(name)
            if isinstance(self.loop, cst.For):
                found |= names_in(self.loop.target)
            if isinstance(self.loop, cst.FunctionDef):
                found |= {p.name.value for p in self.loop.params.params + self.loop.params.kwonly_params}
            self._changed = found
        return self._changed

    def kind(self, expr: cst.BaseExpression, depth: int) -> Wait:
        if depth > _MAX_DEPTH:
            return Wait.UNKNOWN
        if isinstance(expr, (cst.Integer, cst.Float)):
            try:
                return Wait.NONE if float(expr.value.replace("_", "")) == 0 else Wait.CONSTANT
            except ValueError:
                return Wait.CONSTANT
        if is_server_dictated(expr) or self._from_error(expr):
            return Wait.UNKNOWN
        for node in walk(expr):
            if isinstance(node, cst.Call):
                qualified = self.ctx.qualified_name(node.func) or ""
                if qualified.startswith(("random.", "secrets.", "numpy.random.")) or "jitter" in last_word(dotted_name(node.func)):
                    return Wait.JITTERED
        if any("jitter" in n.lower() or "random" in n.lower() for n in names_in(expr)):
            return Wait.JITTERED
        if isinstance(expr, (cst.Name, cst.Attribute, cst.Subscript)):
            return self._named(expr, depth)
        if isinstance(expr, cst.BinaryOperation):
            if isinstance(expr.operator, (cst.Power, cst.LeftShift)):
                return Wait.GROWING
            parts = [self.kind(expr.left, depth), self.kind(expr.right, depth)]
            if isinstance(expr.operator, cst.Multiply) and combine(parts) == Wait.CONSTANT and self._varies(expr):
                return Wait.GROWING  # `delay * attempt`
            return combine(parts)
        if isinstance(expr, cst.UnaryOperation):
            return self.kind(expr.expression, depth)
        if isinstance(expr, cst.IfExp):
            branches = [b for b in (expr.body, expr.orelse) if not self._server(b, depth)]
            return combine(self.kind(b, depth) for b in branches) if branches else Wait.UNKNOWN
        if isinstance(expr, cst.Call):
            return self._called(expr, depth)
        return Wait.UNKNOWN

    def _server(self, expr: cst.BaseExpression, depth: int) -> bool:
        """The value is the server's: `retry_after`, or a name assigned only from such values."""
        if is_server_dictated(expr):
            return True
        if not isinstance(expr, cst.Name) or depth > _MAX_DEPTH:
            return False
        scope = self.loop if isinstance(self.loop, cst.FunctionDef) else (self.function or self.loop)
        values = [node.value for node in walk(scope) if isinstance(node, (cst.Assign, cst.AnnAssign))
                  and node.value is not None and any(dotted_name(t) == expr.value for t in _targets(node))]
        return bool(values) and all(self._server(v, depth + 1) for v in values)

    def errors(self) -> Set[str]:
        """Names the loop binds to a caught error (`except RateLimited as e:`)."""
        return {h.name.name.value for h in walk(self.loop) if isinstance(h, cst.ExceptHandler)
                and h.name is not None and isinstance(h.name.name, cst.Name)}

    def _from_error(self, expr: cst.BaseExpression) -> bool:
        """The delay comes from the error (`e.retry_time`, `self._handle_rate_limit(exception=e)`,
        or a name assigned from such): the failure says how long to wait."""
        errors = self.errors()
        if not errors:
            return False
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.value.value in errors:
            return True  # `e.retry_time`
        if isinstance(expr, cst.Name):
            values = [node.value for node in walk(self.loop) if isinstance(node, (cst.Assign, cst.AnnAssign))
                      and node.value is not None and any(dotted_name(t) == expr.value for t in _targets(node))]
            return bool(values) and all(isinstance(v, cst.Attribute) and isinstance(v.value, cst.Name)
                                        and v.value.value in errors for v in values)
        return False

    def _varies(self, expr: cst.CSTNode) -> bool:
        changed = self.changed()
        return any((dotted_name(n) or "") in changed for n in walk(expr) if isinstance(n, (cst.Name, cst.Attribute)))

    def _named(self, expr: cst.BaseExpression, depth: int) -> Wait:
        """A name, attribute or item: growing when the loop grows it, else what it is assigned."""
        written = dotted_name(expr) if not isinstance(expr, cst.Subscript) else None
        if isinstance(self.loop, cst.For) and isinstance(expr, cst.Name) and expr.value in names_in(self.loop.target):
            return Wait.GROWING  # `for delay in (1, 2, 4):`, `sleep(attempt)`
        if written is None:
            return Wait.CONSTANT if not isinstance(expr, cst.Subscript) or not self._varies(expr) else Wait.UNKNOWN
        values = []
        in_helper = isinstance(self.loop, cst.FunctionDef) and isinstance(expr, cst.Name)
        for node in walk(self.loop):
            if isinstance(node, cst.AugAssign) and dotted_name(node.target) == written:
                if in_helper:
                    values.append(Wait.UNKNOWN)  # a local of a helper starts afresh each call: `seconds *= 60`
                elif isinstance(node.operator, (cst.MultiplyAssign, cst.PowerAssign, cst.LeftShiftAssign, cst.AddAssign)):
                    return Wait.GROWING
                else:
                    values.append(Wait.UNKNOWN)
            elif isinstance(node, (cst.Assign, cst.AnnAssign)) and node.value is not None \
                    and any(dotted_name(t) == written for t in _targets(node)):
                if isinstance(node.value, cst.Call) and self.ctx.qualified_name(node.value.func) == "builtins.min" \
                        and any(dotted_name(a.value) == written for a in node.value.args):
                    continue  # `delay = min(delay, remaining)`: a cap, not a step of the schedule
                if any(dotted_name(n) == written for n in walk(node.value) if isinstance(n, (cst.Name, cst.Attribute))):
                    values.append(Wait.GROWING if self.kind(node.value, depth + 1) != Wait.JITTERED else Wait.JITTERED)
                else:
                    values.append(self.kind(node.value, depth + 1))
        if values:
            return combine(values)
        if isinstance(self.loop, cst.FunctionDef) and isinstance(expr, cst.Name) and expr.value in self.changed():
            return Wait.UNKNOWN  # a parameter of the helper: the caller decides
        # assigned before the loop, in the function: the same value every attempt
        if self.function is not None and isinstance(expr, cst.Name) and self.function is not self.loop:
            before = [node.value for node in walk(self.function.body) if isinstance(node, (cst.Assign, cst.AnnAssign))
                      and node.value is not None and any(dotted_name(t) == written for t in _targets(node))]
            if before:
                kinds = [self.kind(value, depth + 1) for value in before]
                return Wait.JITTERED if Wait.JITTERED in kinds else combine(kinds)
        return Wait.CONSTANT

    def _called(self, call: cst.Call, depth: int) -> Wait:
        qualified = self.ctx.qualified_name(call.func) or ""
        if qualified in _PASS_THROUGH:
            return combine(self.kind(arg.value, depth) for arg in call.args if arg.keyword is None)
        target = local_callee(self.ctx, call, self.scope)
        if target is None or depth >= _MAX_DEPTH:
            return Wait.UNKNOWN
        func, fscope = target
        inner = _Delays(self.ctx, func, fscope)
        returned = [node.value for node in walk(func.body) if isinstance(node, cst.Return) and node.value is not None]
        kinds = [inner.kind(value, depth + 1) for value in returned if not inner._server(value, depth + 1)]
        if not kinds:
            return Wait.UNKNOWN
        result = combine(kinds)
        return result


def _targets(node: cst.CSTNode):
    if isinstance(node, cst.Assign):
        return [t.target for t in node.targets]
    if isinstance(node, (cst.AnnAssign, cst.AugAssign)):
        return [node.target]
    return []
