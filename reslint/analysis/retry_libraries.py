"""Retry libraries: which calls and decorators configure a retry, and what bounds and waits.

Each library has its own defaults: tenacity never stops and never waits unless told; backoff
always waits (exponentially, with jitter) and stops only with `max_tries` / `max_time`;
`retrying` and the `retry` package need their stop and wait options; urllib3 `Retry` counts, and
waits only with a `backoff_factor`; requests' `HTTPAdapter(max_retries=n)` retries connection
errors n times back to back; celery tasks retry 3 times by default; stamina and google
api_core are bounded and jittered by default. Project decorators declared in
`extra-retry-decorators` (``extra``: name -> the keywords that bound it) count too.
"""

from __future__ import annotations

from typing import Dict, Iterator, Optional, Sequence, Set, Tuple

import libcst as cst

from .blocks import walk
from .callees import local_callee
from .calls import find_arg, has_star_kwargs, is_none, keyword_arg, positional_args, string_value
from .http import NON_IDEMPOTENT
from .names import dotted_name, last_word
from .retry_model import ALL_METHODS, Bound, Form, Retry, Wait

TENACITY_RETRY = frozenset({"tenacity.retry"})
TENACITY_RETRYING = frozenset({
    "tenacity.Retrying", "tenacity.AsyncRetrying", "tenacity.TornadoRetrying",
    "tenacity.asyncio.AsyncRetrying", "tenacity.tornadoweb.TornadoRetrying",
})
BACKOFF = frozenset({"backoff.on_exception", "backoff.on_predicate",
                     "backoff._decorator.on_exception", "backoff._decorator.on_predicate"})
RETRYING = frozenset({"retrying.retry", "retrying.Retrying"})
RETRY_PACKAGE = frozenset({"retry.retry", "retry.api.retry"})
RETRY_PACKAGE_CALL = frozenset({"retry.retry_call", "retry.api.retry_call"})
URLLIB3_RETRY = frozenset({
    "urllib3.Retry", "urllib3.util.Retry", "urllib3.util.retry.Retry",
    "requests.packages.urllib3.util.retry.Retry", "requests.packages.urllib3.Retry",
    "requests.adapters.Retry", "botocore.vendored.requests.packages.urllib3.util.retry.Retry",
})
STAMINA = frozenset({"stamina.retry", "stamina.retry_context", "stamina.AsyncRetryingCaller",
                     "stamina.RetryingCaller"})
GOOGLE_RETRY = frozenset({
    "google.api_core.retry.Retry", "google.api_core.retry.AsyncRetry", "google.api_core.retry_async.AsyncRetry",
    "google.api_core.retry.retry_unary.Retry", "google.api_core.retry.retry_unary_async.AsyncRetry",
    "google.api_core.retry.StreamingRetry", "google.api_core.retry.AsyncStreamingRetry",
})
CELERY_TASK_DECORATORS = frozenset({"celery.shared_task", "celery.task", "celery.Celery.task"})
HTTP_ADAPTERS = frozenset({"requests.adapters.HTTPAdapter", "requests.HTTPAdapter"})
_LIBRARY_CALLS = (HTTP_ADAPTERS | TENACITY_RETRY | TENACITY_RETRYING | BACKOFF | RETRYING | RETRY_PACKAGE | RETRY_PACKAGE_CALL
                  | URLLIB3_RETRY | STAMINA | GOOGLE_RETRY | CELERY_TASK_DECORATORS)

# tenacity `wait=` strategies
_TENACITY_JITTER = ("wait_random", "wait_random_exponential", "wait_full_jitter", "wait_exponential_jitter",
                    "wait_jitter")
_TENACITY_GROWING = ("wait_exponential", "wait_incrementing", "wait_chain", "wait_combine")
_TENACITY_NO_WAIT = ("wait_none",)
_TENACITY_NEVER = ("stop_never",)


def _decorated(stack: Sequence[cst.CSTNode], call: cst.CSTNode) -> Optional[Tuple[cst.FunctionDef, Tuple[cst.CSTNode, ...]]]:
    """The function a decorator (the node on top of ``stack``) decorates, with its scope."""
    if len(stack) >= 2 and isinstance(stack[-2], cst.Decorator) and stack[-2].decorator is call and len(stack) >= 3:
        func = stack[-3]
        if isinstance(func, cst.FunctionDef):
            return func, tuple(stack[:-2])
    return None


def _kw(call: cst.Call, name: str) -> Optional[cst.BaseExpression]:
    """The value passed as keyword ``name``, if any."""
    arg = keyword_arg(call, name)
    return arg.value if arg is not None else None


def _callee_words(expr: Optional[cst.BaseExpression]) -> Set[str]:
    """The last names of the calls in an expression: `wait_fixed(1) + wait_random(0, 1)` -> both."""
    return {last_word(dotted_name(n.func)) for n in walk(expr) if isinstance(n, cst.Call)} if expr is not None else set()


def _tenacity_wait(call: Optional[cst.Call]) -> Wait:
    """What tenacity's `wait=` makes of the pauses (none when it is not given)."""
    wait = _kw(call, "wait") if call is not None else None
    if wait is None:
        return Wait.NONE if call is None or not has_star_kwargs(call) else Wait.UNKNOWN
    words = _callee_words(wait)
    if not words:
        return Wait.UNKNOWN
    if any(w in words for w in _TENACITY_JITTER):
        return Wait.JITTERED
    if any(w in words for w in _TENACITY_GROWING):
        return Wait.GROWING
    if words <= set(_TENACITY_NO_WAIT):
        return Wait.NONE
    if words <= {"wait_fixed"}:
        return Wait.CONSTANT
    return Wait.UNKNOWN


def _tenacity_bound(call: Optional[cst.Call]) -> Bound:
    """Whether tenacity's `stop=` ends the retry (it never stops by default)."""
    if call is None:
        return Bound.UNBOUNDED
    stop = _kw(call, "stop")
    if stop is None:
        return Bound.BOUNDED if has_star_kwargs(call) or positional_args(call) else Bound.UNBOUNDED
    if isinstance(stop, (cst.Name, cst.Attribute)) and last_word(dotted_name(stop)) in _TENACITY_NEVER:
        return Bound.UNBOUNDED
    return Bound.BOUNDED


def _given(call: cst.Call, *names: str) -> bool:
    """Some of these keywords are given a value other than None (or may be, through **kwargs)."""
    if has_star_kwargs(call):
        return True
    return any((_kw(call, n) is not None and not is_none(_kw(call, n))) for n in names)


def _number(expr: Optional[cst.BaseExpression]) -> Optional[float]:
    """The value of a numeric literal (`3`, `-1`, `0.5`), else None."""
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        inner = _number(expr.expression)
        return -inner if inner is not None else None
    if isinstance(expr, (cst.Integer, cst.Float)):
        try:
            return float(expr.evaluated_value)
        except (ValueError, AttributeError):
            return None
    return None


class Libraries:
    """Library retries: decorators, retry objects and task options."""

    def __init__(self, ctx, extra: Dict[str, Tuple[str, ...]]):
        self.ctx = ctx
        self.extra = extra

    def of_decorator(self, decorator: cst.Decorator, stack: Sequence[cst.CSTNode]) -> Optional[Retry]:
        """A bare decorator: `@retry`, `@tenacity.retry`, `@retrying.retry`."""
        expr = decorator.decorator
        if not isinstance(expr, (cst.Name, cst.Attribute)):
            return None
        qualified = self.ctx.qualified_name(expr)
        func = stack[-2] if len(stack) >= 2 and isinstance(stack[-2], cst.FunctionDef) else None
        body = tuple(func.body.body) if func is not None else ()
        scope = tuple(stack[:-1])
        common = dict(node=decorator, body=body, scope=scope, function=func, library_module=_module_prefix(expr))
        if qualified in TENACITY_RETRY:
            return Retry(form=Form.TENACITY, label="tenacity `@retry`", bound=Bound.UNBOUNDED, wait=Wait.NONE, **common)
        if qualified == "retrying.retry":
            return Retry(form=Form.RETRYING, label="retrying `@retry`", bound=Bound.UNBOUNDED, wait=Wait.NONE, **common)
        if qualified in RETRY_PACKAGE:
            return Retry(form=Form.RETRY, label="`@retry`", bound=Bound.UNBOUNDED, wait=Wait.NONE, **common)
        if qualified in self.extra:
            bound = Bound.BOUNDED if not self.extra[qualified] else Bound.UNBOUNDED
            return Retry(form=Form.CUSTOM, label=f"`@{dotted_name(expr)}`", bound=bound, wait=Wait.UNKNOWN, **common)
        return None

    def of_call(self, call: cst.Call, stack: Sequence[cst.CSTNode]) -> Optional[Retry]:
        ctx = self.ctx
        qualified = ctx.qualified_name(call.func) or dotted_name(call.func) or ""
        decorated = _decorated(stack, call)
        if qualified not in _LIBRARY_CALLS and qualified not in self.extra and not (
                decorated is not None and qualified.endswith("task")):
            return self._celery_self_retry(call, stack)
        func, scope = decorated if decorated is not None else (None, tuple(stack[:-1]))
        body: Tuple[cst.CSTNode, ...] = tuple(func.body.body) if func is not None else ()
        callables: Tuple[cst.BaseExpression, ...] = ()
        if func is None:
            body, func, scope, callables = self._wrapped(call, stack, qualified in RETRY_PACKAGE_CALL)
        shown = dotted_name(call.func) or "retry"
        common = dict(node=call, call=call, body=body, scope=scope, function=func, library_module=_module_prefix(call.func),
                      callables=callables)
        if qualified in TENACITY_RETRY or qualified in TENACITY_RETRYING:
            label = f"tenacity `{shown}(...)`" if decorated is None else f"tenacity `@{shown}(...)`"
            return Retry(form=Form.TENACITY, label=label, bound=_tenacity_bound(call), wait=_tenacity_wait(call), **common)
        if qualified in BACKOFF:
            bound = Bound.BOUNDED if _given(call, "max_tries", "max_time") else Bound.UNBOUNDED
            wait = Wait.GROWING
            gen = call.args[0].value if call.args and call.args[0].keyword is None else _kw(call, "wait_gen")
            jitter = _kw(call, "jitter")
            if gen is not None and last_word(dotted_name(gen)) == "constant" and jitter is not None and is_none(jitter):
                wait = Wait.CONSTANT
            return Retry(form=Form.BACKOFF, label=f"`@{shown}(...)`", bound=bound, wait=wait, **common)
        if qualified in RETRYING:
            bound = Bound.BOUNDED if _given(call, "stop_max_attempt_number", "stop_max_delay", "stop_func", "stop") else Bound.UNBOUNDED
            if _given(call, "wait_random_min", "wait_random_max", "wait_jitter_max"):
                wait = Wait.JITTERED
            elif _given(call, "wait_exponential_multiplier", "wait_exponential_max", "wait_incrementing_increment",
                        "wait_incrementing_start", "wait_func", "wait"):
                wait = Wait.GROWING
            elif _given(call, "wait_fixed"):
                wait = Wait.CONSTANT
            else:
                wait = Wait.NONE
            return Retry(form=Form.RETRYING, label=f"retrying `{shown}(...)`", bound=bound, wait=wait, **common)
        if qualified in RETRY_PACKAGE or qualified in RETRY_PACKAGE_CALL:
            offset = 3 if qualified in RETRY_PACKAGE_CALL else 0
            tries = find_arg(call, "tries", 1 + offset)
            if tries is None:
                bound = Bound.BOUNDED if has_star_kwargs(call) else Bound.UNBOUNDED
            else:
                value = _number(tries.value)
                bound = Bound.UNBOUNDED if value is not None and value < 0 else Bound.BOUNDED
            delay = find_arg(call, "delay", 2 + offset)
            jitter = find_arg(call, "jitter", 5 + offset)
            backoff = find_arg(call, "backoff", 4 + offset)
            if delay is None or _number(delay.value) == 0:
                wait = Wait.UNKNOWN if has_star_kwargs(call) else Wait.NONE
            elif jitter is not None and _number(jitter.value) != 0:
                wait = Wait.JITTERED
            elif backoff is not None and _number(backoff.value) not in (None, 1):
                wait = Wait.GROWING
            else:
                wait = Wait.CONSTANT
            return Retry(form=Form.RETRY, label=f"`{shown}(...)`", bound=bound, wait=wait, **common)
        if qualified in URLLIB3_RETRY:
            return self._urllib3(call, common)
        if qualified in HTTP_ADAPTERS:
            # an int becomes Retry(n, read=False): connection errors retried n times, back to back
            given = find_arg(call, "max_retries", 2)
            count = _number(given.value) if given is not None else None
            if count is None or count <= 0:
                return None
            return Retry(form=Form.URLLIB3, label=f"`{shown}(max_retries={int(count)})`", bound=Bound.BOUNDED, wait=Wait.NONE,
                         **common)
        if qualified in STAMINA:
            attempts, timeout = _kw(call, "attempts"), _kw(call, "timeout")
            bound = Bound.UNBOUNDED if is_none(attempts) and is_none(timeout) else Bound.BOUNDED
            return Retry(form=Form.STAMINA, label=f"stamina `{shown}(...)`", bound=bound, wait=Wait.JITTERED, **common)
        if qualified in GOOGLE_RETRY:
            limit = _kw(call, "timeout") if keyword_arg(call, "timeout") is not None else _kw(call, "deadline")
            bound = Bound.UNBOUNDED if is_none(limit) else Bound.BOUNDED
            return Retry(form=Form.GOOGLE, label=f"`{shown}(...)`", bound=bound, wait=Wait.JITTERED, **common)
        if qualified in self.extra:
            keys = self.extra[qualified]
            bound = Bound.BOUNDED if not keys or _given(call, *keys) else Bound.UNBOUNDED
            return Retry(form=Form.CUSTOM, label=f"`{shown}(...)`", bound=bound, wait=Wait.UNKNOWN, **common)
        if decorated is not None and self._is_celery_task(call, qualified):
            return self._celery_task(call, func, common)
        return self._celery_self_retry(call, stack)

    def _wrapped(self, call, stack, calls_first_argument: bool = False):
        """What a non-decorator retry runs: `retry(...)(fn)`, `retry_call(fn, ...)`, `Retrying(...)(fn)`,
        `Retrying(...).call(fn)`, `for attempt in Retrying(...): with attempt: ...`.
        -> (body, function, scope, callables retried by reference)"""
        parent = stack[-2] if len(stack) >= 2 else None
        scope = tuple(stack[:-1])
        reference = None
        if calls_first_argument and call.args:
            reference = call.args[0].value
        elif isinstance(parent, cst.Call) and parent.func is call and parent.args:
            reference = parent.args[0].value
        elif isinstance(parent, cst.For) and parent.iter is call:
            return tuple(parent.body.body), None, scope, ()
        elif isinstance(parent, cst.Attribute) and len(stack) >= 3 and isinstance(stack[-3], cst.Call) and stack[-3].args:
            reference = stack[-3].args[0].value
        if reference is None:
            return (), None, scope, ()
        target = self._function_named(reference, scope)
        if target is not None:
            return tuple(target[0].body.body), target[0], target[1], ()
        return (), None, scope, (reference,)

    def _function_named(self, expr, scope):
        fake = cst.Call(func=expr)
        return local_callee(self.ctx, fake, scope)

    def _urllib3(self, call: cst.Call, common) -> Retry:
        counts = [find_arg(call, "total", 0)] + [keyword_arg(call, k) for k in ("connect", "read", "redirect", "status", "other")]
        total = counts[0]
        if total is not None and is_none(total.value) and all(c is None or is_none(c.value) for c in counts[1:]) \
                and not has_star_kwargs(call):
            bound = Bound.UNBOUNDED
        else:
            bound = Bound.BOUNDED
        retries = True
        if total is not None:
            value = _number(total.value)
            if (value is not None and value <= 0) or (isinstance(total.value, cst.Name) and total.value.value == "False"):
                retries = False
        backoff = keyword_arg(call, "backoff_factor")
        if has_star_kwargs(call) or (backoff is not None and _number(backoff.value) != 0):
            wait = Wait.GROWING
        elif not retries:
            wait = Wait.UNKNOWN
        else:
            wait = Wait.NONE
        methods: Set[str] = set()
        for key in ("allowed_methods", "method_whitelist"):
            arg = keyword_arg(call, key)
            if arg is None:
                continue
            value = arg.value
            if is_none(value) or (isinstance(value, cst.Name) and value.value == "False"):
                methods.add(ALL_METHODS)
            else:
                methods |= {s.upper() for s in _strings_in(value)} & NON_IDEMPOTENT
        return Retry(form=Form.URLLIB3, label=f"urllib3 `{dotted_name(call.func)}(...)`", bound=bound, wait=wait,
                     methods=frozenset(methods), **common)

    def _is_celery_task(self, call: cst.Call, qualified: str) -> bool:
        if qualified in CELERY_TASK_DECORATORS:
            return True
        if not qualified.endswith(".task"):
            return False
        return any(q.split(".", 1)[0] == "celery" for q in self.ctx.imports.aliases.values())

    def _celery_task(self, call: cst.Call, func: Optional[cst.FunctionDef], common) -> Optional[Retry]:
        """`@app.task(autoretry_for=...)`: the whole task is retried (3 times unless `max_retries`)."""
        if keyword_arg(call, "autoretry_for") is None:
            return None
        max_retries = keyword_arg(call, "max_retries")
        bound = Bound.UNBOUNDED if max_retries is not None and is_none(max_retries.value) else Bound.BOUNDED
        return Retry(form=Form.CELERY, label="celery task", bound=bound, wait=Wait.UNKNOWN, **common)

    def _celery_self_retry(self, call: cst.Call, stack) -> Optional[Retry]:
        """`raise self.retry(exc=exc)` in a bound task: the task runs again, bounded by its
        `max_retries` (3 by default). `Task.retry(max_retries=None)` means "the task's limit"."""
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "retry" and isinstance(func.value, cst.Name)
                and func.value.value == "self"):
            return None
        task = next((n for n in reversed(stack) if isinstance(n, cst.FunctionDef)), None)
        if task is None:
            return None
        decorator = next((d.decorator for d in task.decorators if isinstance(d.decorator, cst.Call)
                          and (dotted_name(d.decorator.func) or "").endswith("task")), None)
        if decorator is None:
            return None
        max_retries = keyword_arg(decorator, "max_retries")
        bound = Bound.UNBOUNDED if max_retries is not None and is_none(max_retries.value) else Bound.BOUNDED
        index = list(stack).index(task)
        return Retry(node=call, form=Form.CELERY, label="celery `self.retry(...)`", bound=bound, wait=Wait.UNKNOWN,
                     call=call, body=tuple(task.body.body), scope=tuple(stack[:index + 1]), function=task)


def _module_prefix(expr: cst.BaseExpression) -> str:
    """`tenacity.` for `tenacity.retry`, '' for a bare imported name."""
    if isinstance(expr, cst.Attribute):
        return (dotted_name(expr.value) or "") + "."
    return ""


def _strings_in(expr: cst.BaseExpression) -> Iterator[str]:
    for node in walk(expr):
        if isinstance(node, cst.SimpleString):
            value = string_value(node)
            if value is not None:
                yield value



def library_for(ctx, loop: cst.CSTNode) -> bool:
    """`for attempt in Retrying(...)`: the library call is the retry, not the loop."""
    if not isinstance(loop, cst.For) or not isinstance(loop.iter, cst.Call):
        return False
    qualified = ctx.qualified_name(loop.iter.func)
    return qualified in TENACITY_RETRYING or qualified in STAMINA
