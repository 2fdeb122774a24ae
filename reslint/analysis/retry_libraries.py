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

import re
from typing import Dict, Iterator, Optional, Sequence, Set, Tuple

from ..lazycst import cst

from .blocks import find_all, walk
from .callees import local_callee
from .calls import find_arg, has_star_args, has_star_kwargs, is_none, keyword_arg, positional_args, string_value
from .failures import is_not_failure_class
from .http import NON_IDEMPOTENT
from .names import dotted_name, last_word
from .retry_loops import LOG_WORDS
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
# aiohttp-retry's options: every class retries POST and PATCH unless `methods=` says otherwise
AIOHTTP_RETRY_GROWING = frozenset({"aiohttp_retry.ExponentialRetry", "aiohttp_retry.RetryOptions",
                                   "aiohttp_retry.FibonacciRetry", "aiohttp_retry.retry_options.ExponentialRetry",
                                   "aiohttp_retry.retry_options.FibonacciRetry"})
AIOHTTP_RETRY_OTHER = frozenset({"aiohttp_retry.RandomRetry", "aiohttp_retry.JitterRetry", "aiohttp_retry.ListRetry",
                                 "aiohttp_retry.retry_options.RandomRetry", "aiohttp_retry.retry_options.JitterRetry",
                                 "aiohttp_retry.retry_options.ListRetry"})
AIOHTTP_RETRY_JITTERED = frozenset({"aiohttp_retry.RandomRetry", "aiohttp_retry.JitterRetry",
                                    "aiohttp_retry.retry_options.RandomRetry", "aiohttp_retry.retry_options.JitterRetry"})
AIOHTTP_RETRY_DEFAULT_METHODS = frozenset({"POST", "PATCH"})
REDIS_RETRY = frozenset({"redis.retry.Retry", "redis.asyncio.retry.Retry", "redis.asyncio.Retry"})
# redis backoff classes -> the wait they make
REDIS_BACKOFFS = {"NoBackoff": Wait.NONE, "ConstantBackoff": Wait.CONSTANT, "ExponentialBackoff": Wait.GROWING,
                  "FullJitterBackoff": Wait.JITTERED, "EqualJitterBackoff": Wait.JITTERED,
                  "DecorrelatedJitterBackoff": Wait.JITTERED, "ExponentialWithJitterBackoff": Wait.JITTERED}
KAZOO_RETRY = frozenset({"kazoo.retry.KazooRetry", "kazoo.client.KazooRetry"})
CELERY_TASK_DECORATORS = frozenset({"celery.shared_task", "celery.task", "celery.Celery.task"})
HTTP_ADAPTERS = frozenset({"requests.adapters.HTTPAdapter", "requests.HTTPAdapter"})
_LIBRARY_CALLS = (HTTP_ADAPTERS | TENACITY_RETRY | TENACITY_RETRYING | BACKOFF | RETRYING | RETRY_PACKAGE | RETRY_PACKAGE_CALL
                  | URLLIB3_RETRY | STAMINA | GOOGLE_RETRY | CELERY_TASK_DECORATORS | AIOHTTP_RETRY_GROWING
                  | AIOHTTP_RETRY_OTHER | REDIS_RETRY | KAZOO_RETRY)

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
            return self._kombu_ensure(call, stack) or self._retry_subclass(call, stack) \
                or self._recursion(call, stack) or self._celery_self_retry(call, stack) \
                or self._retry_helper(call, stack)
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
            wait = _tenacity_wait(call)
            if wait == Wait.NONE and self._retries_only_non_failures(_kw(call, "retry")):
                wait = Wait.UNKNOWN  # re-asking after a validation error: nothing failed, nothing to back off from
            bound = _tenacity_bound(call)
            if bound == Bound.UNBOUNDED and self._retries_only_repaired(_kw(call, "retry")):
                bound = Bound.BOUNDED  # each retry follows a repair that a probe has just shown to work
            return Retry(form=Form.TENACITY, label=label, bound=bound, wait=wait, **common)
        if qualified in BACKOFF:
            bound = Bound.BOUNDED if _given(call, "max_tries", "max_time") else Bound.UNBOUNDED
            # every wait generator is jittered (`full_jitter`) unless `jitter=None`
            wait, source = Wait.JITTERED, None
            gen = call.args[0].value if call.args and call.args[0].keyword is None else _kw(call, "wait_gen")
            jitter = _kw(call, "jitter")
            if jitter is not None and is_none(jitter):
                word = last_word(dotted_name(gen)) if gen is not None else ""
                wait = Wait.CONSTANT if word == "constant" else Wait.GROWING if word in ("expo", "fibo") else Wait.UNKNOWN
                source = keyword_arg(call, "jitter")
            return Retry(form=Form.BACKOFF, label=f"`@{shown}(...)`", bound=bound, wait=wait, wait_source=source,
                         **common)
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
            return None if self._only_queried(stack) else self._urllib3(call, common)
        if qualified in REDIS_RETRY:
            return self._redis(call, common)
        if qualified in KAZOO_RETRY:
            tries, deadline = find_arg(call, "max_tries", 0), find_arg(call, "deadline", 7)
            forever = tries is not None and (is_none(tries.value) or (_number(tries.value) or 0) < 0)
            bound = Bound.UNBOUNDED if forever and (deadline is None or is_none(deadline.value)) \
                and not has_star_kwargs(call) else Bound.BOUNDED
            jitter = find_arg(call, "max_jitter", 3)
            wait = Wait.JITTERED if jitter is None or _number(jitter.value) != 0 else Wait.GROWING
            return Retry(form=Form.KAZOO, label=f"`{shown}(...)`", bound=bound, wait=wait,
                         wait_source=jitter, why_unbounded="has `max_tries=None` and no `deadline`", **common)
        if qualified in AIOHTTP_RETRY_GROWING or qualified in AIOHTTP_RETRY_OTHER:
            return self._aiohttp_retry(call, qualified, common)
        if qualified in HTTP_ADAPTERS:
            # an int becomes Retry(n, read=False): connection errors retried n times, back to back
            given = find_arg(call, "max_retries", 2)
            count = _number(given.value) if given is not None else None
            if count is None and given is not None and self._int_parameter(given.value, stack):
                return Retry(form=Form.URLLIB3, label=f"`{shown}(max_retries={given.value.value})`",
                             bound=Bound.BOUNDED, wait=Wait.NONE, **common)
            if count is None or count <= 0:
                return None
            return Retry(form=Form.URLLIB3, label=f"`{shown}(max_retries={int(count)})`", bound=Bound.BOUNDED, wait=Wait.NONE,
                         repeats_once=count == 1, **common)
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
        elif isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is call:
            references = list(_applications(parent, stack))
            for found in references:
                target = self._function_named(found, scope)
                if target is not None:
                    return tuple(target[0].body.body), target[0], target[1], ()
            return (), None, scope, tuple(references)
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
        # with `total=None` each kind of error has only its own count: an unset (None) `connect`
        # or `read` count retries those errors forever
        unlimited = [k for k, c in zip(("connect", "read"), counts[1:3]) if c is None or is_none(c.value)]
        bound, why = Bound.BOUNDED, ""
        if total is not None and is_none(total.value) and unlimited and not has_star_kwargs(call):
            bound = Bound.UNBOUNDED
            why = f"has `total=None` and no `{'`/`'.join(unlimited)}` count, so those errors never use it up"
        retries = True
        if total is not None:
            value = _number(total.value)
            if (value is not None and value <= 0) or (isinstance(total.value, cst.Name) and total.value.value == "False"):
                retries = False
        backoff = keyword_arg(call, "backoff_factor")
        jitter = keyword_arg(call, "backoff_jitter")
        source: Optional[cst.CSTNode] = None
        if has_star_kwargs(call):
            wait = Wait.UNKNOWN
        elif backoff is not None and _number(backoff.value) != 0:
            # urllib3 2.x adds a random part only with `backoff_jitter` (0 by default)
            wait = Wait.JITTERED if jitter is not None and _number(jitter.value) != 0 else Wait.GROWING
            source = backoff
        elif not retries:
            wait = Wait.UNKNOWN
        else:
            wait = Wait.NONE
        methods = self._methods_allowed(call)
        once = total is not None and _number(total.value) == 1 and not has_star_kwargs(call)
        return Retry(form=Form.URLLIB3, label=f"urllib3 `{dotted_name(call.func)}(...)`", bound=bound, wait=wait,
                     methods=frozenset(methods), wait_source=source, why_unbounded=why, repeats_once=once, **common)

    @staticmethod
    def _methods_allowed(call: cst.Call) -> Set[str]:
        """The non-idempotent methods urllib3's `allowed_methods` / `method_whitelist` let it retry
        (ALL_METHODS for None or False: every method)."""
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
        return methods

    def _retries_only_non_failures(self, condition: Optional[cst.BaseExpression]) -> bool:
        """`retry=retry_if_exception_type((ValidationError, ParseError))`, the tuple possibly a
        module constant: every class retried on is a data error, not the failure of an operation."""
        if not isinstance(condition, cst.Call) or last_word(dotted_name(condition.func)) != "retry_if_exception_type" \
                or not condition.args:
            return False
        classes = condition.args[0].value
        if isinstance(classes, cst.Name):
            classes = _module_constant(self.ctx.module, classes.value) or classes
        elements = [e.value for e in classes.elements] if isinstance(classes, (cst.Tuple, cst.List)) else [classes]
        return bool(elements) and all(is_not_failure_class(e, self.ctx.imports) for e in elements)

    def _retry_helper(self, call: cst.Call, stack: Sequence[cst.CSTNode]) -> Optional[Retry]:
        """A retry helper of the project handed a function of this file: `utils.retry(do,
        Retries(config))`, `retry_call(send, policy)`, where `do` is defined in the enclosing
        function or the module. What it repeats is that function; its bound and wait are the
        helper's (not judged)."""
        word = last_word(dotted_name(call.func))
        if word not in _RETRY_HELPERS or not call.args or call.args[0].keyword is not None:
            return None
        reference = call.args[0].value
        if not isinstance(reference, cst.Name):
            return None
        target = _nested_def(stack, reference.value) or self._function_named(reference, tuple(stack[:-1]))
        if target is None:
            return None
        func, scope = target
        return Retry(node=call, form=Form.CUSTOM, label=f"`{dotted_name(call.func)}(...)`", bound=Bound.BOUNDED,
                     wait=Wait.UNKNOWN, call=call, body=tuple(func.body.body), scope=tuple(scope), function=func)

    def _recursion(self, call: cst.Call, stack: Sequence[cst.CSTNode]) -> Optional[Retry]:
        """Retry by recursion: `return self.request(..., retries=retries + 1)` inside `request`,
        a function calling itself with one of its parameters counted up. What is repeated is the
        whole function; its bound and wait are left to the function's own checks (not judged)."""
        index = next((i for i in range(len(stack) - 1, -1, -1) if isinstance(stack[i], cst.FunctionDef)), None)
        if index is None:
            return None
        func = stack[index]
        name = func.name.value
        callee = call.func
        if isinstance(callee, cst.Attribute):
            if not (callee.attr.value == name and isinstance(callee.value, cst.Name) and callee.value.value in ("self", "cls")):
                return None
        elif not (isinstance(callee, cst.Name) and callee.value == name):
            return None
        params = {p.name.value for p in (*func.params.posonly_params, *func.params.params, *func.params.kwonly_params)}
        # the counter is an attempt number (`retries + 1`, `attempt + 1`), not a page or a depth
        counted = any(isinstance(arg.value, cst.BinaryOperation) and isinstance(arg.value.operator, cst.Add)
                      and isinstance(arg.value.left, cst.Name) and arg.value.left.value in params
                      and _ATTEMPT_NAME.search(arg.value.left.value)
                      and isinstance(arg.value.right, cst.Integer) and arg.value.right.value == "1"
                      for arg in call.args)
        if not counted:
            return None
        handler = next((n for n in reversed(stack[index:]) if isinstance(n, cst.ExceptHandler)), None)
        if handler is not None and _retries_only_refusals(handler):
            return None  # re-sent only after errors that mean the request never reached the server
        return Retry(node=call, form=Form.RECURSION, label=f"retry by recursion (`{dotted_name(callee)}(...)`)",
                     bound=Bound.BOUNDED, wait=Wait.UNKNOWN, call=call, body=tuple(func.body.body),
                     scope=tuple(stack[:index + 1]), function=func)

    def _retry_subclass(self, call: cst.Call, stack: Sequence[cst.CSTNode]) -> Optional[Retry]:
        """`WritesRetry(total=..., allowed_methods=["POST"])`: a class named like a retry policy
        given urllib3's `allowed_methods` / `method_whitelist` (a urllib3 `Retry` subclass of the
        project, or of another module). Only which methods it retries is told: its own bounds and
        waits may differ from urllib3's."""
        name = last_word(dotted_name(call.func))
        if not name.endswith("retry") or name == "retry":
            return None
        if keyword_arg(call, "allowed_methods") is None and keyword_arg(call, "method_whitelist") is None:
            return None
        methods = self._methods_allowed(call)
        if not methods:
            return None
        return Retry(node=call, form=Form.URLLIB3, label=f"`{dotted_name(call.func)}(...)`", bound=Bound.BOUNDED,
                     wait=Wait.UNKNOWN, call=call, scope=tuple(stack[:-1]), methods=frozenset(methods))

    def _kombu_ensure(self, call: cst.Call, stack: Sequence[cst.CSTNode]) -> Optional[Retry]:
        """kombu `connection.ensure(obj, fun)`: `fun` is re-run after every connection or channel
        error, forever unless `max_retries` is given (its default is None), waiting 1 s, 2 s, ...
        up to `interval_max` between attempts. Recognised on a receiver named like a connection
        in a module that imports kombu, with the callable passed by reference."""
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "ensure" and "conn" in last_word(dotted_name(func.value))):
            return None
        if not any(q == "kombu" or q.startswith("kombu.") for q in self.ctx.imports.aliases.values()):
            return None
        args = positional_args(call)
        fun = find_arg(call, "fun", 1)
        if len(args) < 1 or fun is None or has_star_args(call):
            return None
        limit = find_arg(call, "max_retries", 3)
        bound = Bound.UNBOUNDED if (limit is None or is_none(limit.value)) and not has_star_kwargs(call) else Bound.BOUNDED
        shown = dotted_name(func) or "ensure"
        return Retry(node=call, form=Form.KOMBU, label=f"kombu `{shown}(...)`", bound=bound, wait=Wait.UNKNOWN,
                     call=call, scope=tuple(stack[:-1]), callables=(fun.value,),
                     why_unbounded="has no `max_retries` (kombu's default is None)")

    def _int_parameter(self, expr: cst.BaseExpression, stack: Sequence[cst.CSTNode]) -> bool:
        """``expr`` is a parameter of the enclosing function that holds a count: annotated `int`
        (`Optional[int]`, `int | None`) or defaulting to a positive integer; never a `Retry` object."""
        if not isinstance(expr, cst.Name):
            return False
        func = next((n for n in reversed(stack) if isinstance(n, cst.FunctionDef)), None)
        if func is None:
            return False
        param = next((p for p in (*func.params.posonly_params, *func.params.params, *func.params.kwonly_params)
                      if p.name.value == expr.value), None)
        if param is None:
            return False
        if param.annotation is not None:
            words = {n.value for n in walk(param.annotation.annotation) if isinstance(n, cst.Name)}
            return "int" in words and words <= {"int", "Optional", "None", "typing"}
        value = _number(param.default) if param.default is not None else None
        return value is not None and value > 0

    def _retries_only_repaired(self, condition: Optional[cst.BaseExpression]) -> bool:
        """`retry=retry_if_exception_type(CredentialsExpired)` where the class is the module's own
        and every `raise CredentialsExpired(...)` of the module follows, in its block, a repair
        (`self._refresh_credentials()`) and then another call (a probe with the repaired state:
        when it fails, its own error propagates and is not retried). The retry only ever runs
        after a repair has been shown to work, so it cannot spin while the dependency is down."""
        if not isinstance(condition, cst.Call) or last_word(dotted_name(condition.func)) != "retry_if_exception_type" \
                or not condition.args:
            return False
        classes = condition.args[0].value
        elements = [e.value for e in classes.elements] if isinstance(classes, (cst.Tuple, cst.List)) else [classes]
        module_classes = {stmt.name.value for stmt in self.ctx.module.body if isinstance(stmt, cst.ClassDef)}
        names = [dotted_name(e) for e in elements]
        if not names or any(n not in module_classes for n in names):
            return False
        raises = _raises_after(self.ctx)
        return all(raises.get(n) and all(raises[n]) for n in names)

    def _only_queried(self, stack: Sequence[cst.CSTNode]) -> bool:
        """`self._retry = Retry()` whose every use in the module is a method call on it
        (`self._retry.get_retry_after(resp)`): it is never handed to a pool, so it retries nothing."""
        parent = stack[-2] if len(stack) >= 2 else None
        if not isinstance(parent, cst.Assign) or len(parent.targets) != 1:
            return False
        name = dotted_name(parent.targets[0].target)
        if name is None:
            return False
        used = False
        target = parent.targets[0].target
        stack_: list = [self.ctx.module]
        while stack_:
            node = stack_.pop()
            if node is target:
                continue
            if isinstance(node, cst.Attribute) and dotted_name(node.value) == name:
                used = True
                continue  # `self._retry.method`: a use of the object, not a hand-over
            if isinstance(node, (cst.Name, cst.Attribute)) and dotted_name(node) == name:
                return False  # passed, returned or stored: it may reach a pool
            stack_.extend(node.children)
        return used

    def _redis(self, call: cst.Call, common) -> Optional[Retry]:
        """redis-py `Retry(backoff, retries)`: a negative count retries forever; the backoff
        object says how it waits."""
        retries = find_arg(call, "retries", 1)
        count = _number(retries.value) if retries is not None else None
        if count == 0:
            return None  # `Retry(NoBackoff(), 0)`: the policy object of a client that does not retry
        bound = Bound.UNBOUNDED if count is not None and count < 0 else Bound.BOUNDED
        backoff = find_arg(call, "backoff", 0)
        wait = Wait.UNKNOWN
        if backoff is not None and isinstance(backoff.value, cst.Call):
            name = (self.ctx.qualified_name(backoff.value.func) or "").rsplit(".", 1)[-1]
            qualified = self.ctx.qualified_name(backoff.value.func) or ""
            if qualified.startswith("redis.") and name in REDIS_BACKOFFS:
                wait = REDIS_BACKOFFS[name]
                if wait == Wait.CONSTANT and backoff.value.args and _number(backoff.value.args[0].value) == 0:
                    wait = Wait.NONE
        shown = dotted_name(call.func) or "Retry"
        return Retry(form=Form.REDIS, label=f"redis `{shown}(...)`", bound=bound, wait=wait, repeats_once=count == 1,
                     why_unbounded="has a negative `retries` count",
                     wait_source=backoff.value if backoff is not None else None, **common)

    def _aiohttp_retry(self, call: cst.Call, qualified: str, common) -> Retry:
        """aiohttp-retry options: `attempts` (3 by default) bound them; the exponential and
        Fibonacci schedules have no random part; `methods` defaults to every method."""
        attempts = find_arg(call, "attempts", 0)
        bound = Bound.UNBOUNDED if attempts is not None and _number(attempts.value) is not None \
            and _number(attempts.value) < 0 else Bound.BOUNDED
        if qualified in AIOHTTP_RETRY_JITTERED:
            wait = Wait.JITTERED
        elif qualified in AIOHTTP_RETRY_GROWING:
            wait = Wait.UNKNOWN if has_star_kwargs(call) else Wait.GROWING
        else:
            wait = Wait.UNKNOWN
        methods: Set[str] = set()
        given = keyword_arg(call, "methods")
        if given is None or is_none(given.value):
            if not has_star_kwargs(call) and not has_star_args(call):
                methods = set(AIOHTTP_RETRY_DEFAULT_METHODS)
        else:
            methods = {m.upper() for m in _strings_in(given.value)} & NON_IDEMPOTENT
        shown = dotted_name(call.func) or "retry"
        return Retry(form=Form.AIOHTTP_RETRY, label=f"aiohttp-retry `{shown}(...)`", bound=bound, wait=wait,
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
        `max_retries` (3 by default). `Task.retry(max_retries=None)` means "the task's limit".
        Each call is judged on its own: one outside any handler and given no `exc=` (`if not
        ready: raise self.retry(countdown=5)`) polls for an answer that was "not yet", which is not
        the retry of a failure."""
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "retry" and isinstance(func.value, cst.Name)
                and func.value.value == "self"):
            return None
        task = next((n for n in reversed(stack) if isinstance(n, cst.FunctionDef)), None)
        if task is None:
            return None
        index = list(stack).index(task)
        if keyword_arg(call, "exc") is None and not any(isinstance(n, cst.ExceptHandler) for n in stack[index:]):
            return None  # `if not ready: raise self.retry(countdown=...)`: polling a yes/no answer, no failure
        decorator = next((d.decorator for d in task.decorators if isinstance(d.decorator, cst.Call)
                          and (dotted_name(d.decorator.func) or "").endswith("task")), None)
        if decorator is None:
            return None
        max_retries = keyword_arg(decorator, "max_retries")
        bound = Bound.UNBOUNDED if max_retries is not None and is_none(max_retries.value) else Bound.BOUNDED
        return Retry(node=call, form=Form.CELERY, label="celery `self.retry(...)`", bound=bound, wait=Wait.UNKNOWN,
                     call=call, body=tuple(task.body.body), scope=tuple(stack[:index + 1]), function=task)


def _module_prefix(expr: cst.BaseExpression) -> str:
    """`tenacity.` for `tenacity.retry`, '' for a bare imported name."""
    if isinstance(expr, cst.Attribute):
        return (dotted_name(expr.value) or "") + "."
    return ""


def _retries_only_refusals(handler: cst.ExceptHandler) -> bool:
    """Every class the handler catches, less those it re-raises at once (`if isinstance(error,
    RemoteProtocolError) and not opted_in: raise`), says the server refused or was never
    reached (a failed connect, a rate limit)."""
    from .idempotency import is_refusal

    if handler.type is None:
        return False
    elements = [e.value if isinstance(e, cst.Element) else e for e in
                (handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type])]
    reraised: Set[str] = set()
    for stmt in handler.body.body:
        if isinstance(stmt, cst.If) and isinstance(stmt.body, cst.IndentedBlock) and stmt.body.body \
                and isinstance(stmt.body.body[-1], cst.SimpleStatementLine) \
                and isinstance(stmt.body.body[-1].body[-1], cst.Raise):
            for node in walk(stmt.test):
                if isinstance(node, cst.Call) and dotted_name(node.func) == "isinstance" and len(node.args) == 2:
                    classes = node.args[1].value
                    for c in (classes.elements if isinstance(classes, cst.Tuple) else [classes]):
                        reraised.add(dotted_name(c.value if isinstance(c, cst.Element) else c) or "")
    left = [e for e in elements if dotted_name(e) not in reraised]
    return bool(left) and all(is_refusal(dotted_name(e)) for e in left)


# names of retry helpers that take the function to retry first: `retry(fn, policy)`
_RETRY_HELPERS = frozenset({"retry", "retry_call", "call_with_retry", "call_with_retries", "with_retry",
                            "with_retries", "retry_async", "async_retry", "retry_operation", "retry_request"})


def _applications(assign: cst.CSTNode, stack: Sequence[cst.CSTNode]) -> Iterator[cst.BaseExpression]:
    """A retry object or decorator kept in a name or an attribute, then applied to a function:
    `retryer = Retrying(...)` ... `retryer(fn, ...)` (or `retryer.call(fn)`) in the same
    function; `self._retry = retry(...)` ... `self._retry(self._send)` in any method of the
    class. -> the functions it is applied to, first arguments as written."""
    targets = [t.target for t in assign.targets] if isinstance(assign, cst.Assign) else [assign.target]
    if len(targets) != 1:
        return
    target = targets[0]
    if isinstance(target, cst.Name):
        function = next((n for n in reversed(stack) if isinstance(n, cst.FunctionDef)), None)
        places = [function] if function is not None else []
        held = target.value
    elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
        cls = next((n for n in reversed(stack) if isinstance(n, cst.ClassDef)), None)
        places = [s for s in cls.body.body if isinstance(s, cst.FunctionDef)] \
            if cls is not None and isinstance(cls.body, cst.IndentedBlock) else []
        held = f"self.{target.attr.value}"
    else:
        return
    for place in places:
        for node in walk(place.body):
            if not isinstance(node, cst.Call) or not node.args or node.args[0].keyword is not None \
                    or node.args[0].star:
                continue
            callee = dotted_name(node.func)
            if callee == held or callee in (f"{held}.call", f"{held}.wraps", f"{held}.__call__"):
                yield node.args[0].value


def _nested_def(stack: Sequence[cst.CSTNode], name: str):
    """`def name` among the statements of the innermost enclosing function, with its scope."""
    for index in range(len(stack) - 1, -1, -1):
        node = stack[index]
        if isinstance(node, cst.FunctionDef):
            for stmt in node.body.body:
                if isinstance(stmt, cst.FunctionDef) and stmt.name.value == name:
                    return stmt, tuple(stack[:index + 1]) + (node.body, stmt)
            return None
    return None


# parameters that number the attempts of a retry by recursion
_ATTEMPT_NAME = re.compile(r"(?i)retr|attempt|tries|^tried$|^try_?(count|number|num)$")
# calls that put right what failed: fresh credentials, a new session, a reloaded view
_REPAIR_WORDS = ("refresh", "renew", "reauth", "relogin", "login", "reconnect", "invalidate", "reload", "reset")


def _raises_after(ctx) -> Dict[str, list]:
    """Class name -> for each `raise Name(...)` / `raise Name` of the module, whether the
    statements before it in its block call a repair and, after it, something else (the probe)."""
    return ctx.memo(_raises_after, lambda: _scan_raises(ctx.module))


def _scan_raises(module: cst.Module) -> Dict[str, list]:
    found: Dict[str, list] = {}
    blocks = [list(module.body)] + [list(b.body) for b in find_all(module, cst.IndentedBlock)] \
        + [[cst.SimpleStatementLine(body=b.body)] for b in find_all(module, cst.SimpleStatementSuite)]
    for block in blocks:
        repaired = probed = False
        for stmt in block:
            for small in (stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ()):
                if isinstance(small, cst.Raise) and small.exc is not None:
                    exc = small.exc.func if isinstance(small.exc, cst.Call) else small.exc
                    name = dotted_name(exc)
                    if name is not None:
                        found.setdefault(name, []).append(repaired and probed)
                    continue
                for call in walk(small):
                    if isinstance(call, cst.Call):
                        if any(w in last_word(dotted_name(call.func)) for w in _REPAIR_WORDS):
                            repaired = True
                        elif repaired and not any(w in last_word(dotted_name(call.func)) for w in LOG_WORDS):
                            probed = True
    return found


def _strings_in(expr: cst.BaseExpression) -> Iterator[str]:
    for node in walk(expr):
        if isinstance(node, cst.SimpleString):
            value = string_value(node)
            if value is not None:
                yield value



def attempt_context_loop(loop: cst.CSTNode, scope: Sequence[cst.CSTNode]) -> Optional[Retry]:
    """`for attempt in self._retry_object(): with attempt: ...`: a retry object whose attempts
    are context managers (tenacity's `Retrying`, stamina's `retry_context`) built somewhere the
    file does not show. What it repeats is the `with` body; its bound and wait are unknown."""
    if not isinstance(loop, cst.For) or not isinstance(loop.target, cst.Name) or not isinstance(loop.iter, cst.Call):
        return None
    statements = loop.body.body
    if len(statements) != 1 or not isinstance(statements[0], cst.With):
        return None
    items = statements[0].items
    if len(items) != 1 or not isinstance(items[0].item, cst.Name) or items[0].item.value != loop.target.value:
        return None
    shown = dotted_name(loop.iter.func) or "retry"
    return Retry(node=loop, form=Form.CUSTOM, label=f"retry loop over `{shown}()`", bound=Bound.BOUNDED,
                 wait=Wait.UNKNOWN, body=tuple(statements[0].body.body), scope=tuple(scope))


def library_for(ctx, loop: cst.CSTNode) -> bool:
    """`for attempt in Retrying(...)`: the library call is the retry, not the loop."""
    if not isinstance(loop, cst.For) or not isinstance(loop.iter, cst.Call):
        return False
    qualified = ctx.qualified_name(loop.iter.func)
    return qualified in TENACITY_RETRYING or qualified in STAMINA


# tenacity's deterministic wait strategies, and the ones that add a random part
_TENACITY_DETERMINISTIC = {"wait_fixed": Wait.CONSTANT, "wait_exponential": Wait.GROWING,
                           "wait_incrementing": Wait.GROWING, "wait_chain": Wait.GROWING}
_TENACITY_COMBINERS = ("wait_combine", "wait_chain")


def _tenacity_strategy(ctx, expr: cst.CSTNode) -> Optional[str]:
    """`wait_exponential` for a call of tenacity's `wait_exponential` (however imported), else None."""
    if not isinstance(expr, cst.Call):
        return None
    qualified = ctx.qualified_name(expr.func) or ""
    if not qualified.startswith("tenacity."):
        return None
    return qualified.rsplit(".", 1)[-1]


def tenacity_wait_without_jitter(ctx, call: cst.Call, stack: Sequence[cst.CSTNode]) -> Optional[Tuple[Wait, cst.CSTNode]]:
    """For a call of a tenacity wait strategy: (its kind, the whole wait expression) when the
    whole expression it is part of (`wait_fixed(1) + wait_exponential()`, `wait_combine(...)`,
    `wait_chain(...)`) has no random term; None otherwise, and None for every strategy call but
    the first of such an expression, so that it is reported once."""
    word = _tenacity_strategy(ctx, call)
    if word is None or (word not in _TENACITY_DETERMINISTIC and word not in _TENACITY_COMBINERS):
        return None
    top: cst.CSTNode = call
    index = len(stack) - 1
    while index > 0:
        parent = stack[index - 1]
        if isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, (cst.Add, cst.Multiply)):
            top = parent
        elif isinstance(parent, cst.Arg) and index > 1 and _tenacity_strategy(ctx, stack[index - 2]) in _TENACITY_COMBINERS:
            top = stack[index - 2]
            index -= 1
        else:
            break
        index -= 1
    if top is not call and not any(n is call for n in walk(top)):
        return None
    if not _only_strategies(ctx, top):
        return None  # `wait_exponential() + extra`: the other term may be random
    strategies = [n for n in walk(top) if _tenacity_strategy(ctx, n) is not None]
    if not strategies or strategies[0] is not call:
        return None  # reported at the first strategy of the expression
    kinds = []
    for node in strategies:
        name = _tenacity_strategy(ctx, node)
        if name in _TENACITY_COMBINERS:
            continue
        if name not in _TENACITY_DETERMINISTIC:
            return None  # a random strategy, or one reslint does not know
        kinds.append(_TENACITY_DETERMINISTIC[name])
    if not kinds:
        return None
    return (Wait.GROWING if Wait.GROWING in kinds else Wait.CONSTANT), top


def _only_strategies(ctx, expr: cst.CSTNode) -> bool:
    """The terms of a `+`/`*` wait expression are all tenacity strategies (or numbers)."""
    if isinstance(expr, cst.BinaryOperation):
        return _only_strategies(ctx, expr.left) and _only_strategies(ctx, expr.right)
    return isinstance(expr, (cst.Integer, cst.Float)) or _tenacity_strategy(ctx, expr) is not None


def _module_constant(module: cst.Module, name: str) -> Optional[cst.BaseExpression]:
    """The value of a module-level `NAME = ...` assigned once, else None."""
    found = []
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                targets = small.targets if isinstance(small, cst.Assign) else \
                    [small] if isinstance(small, cst.AnnAssign) and small.value is not None else []
                if any(isinstance(t.target, cst.Name) and t.target.value == name for t in targets):
                    found.append(small.value)
    return found[0] if len(found) == 1 else None
