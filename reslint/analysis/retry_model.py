"""What a retry is: the :class:`Retry` record the recognisers build, and its states.

A retry has a :class:`Form` (a hand-written loop or one of the retry libraries), a
:class:`Bound` (does anything stop it) and a :class:`Wait` (what happens between attempts).
The recognisers live in :mod:`.retry_loops` and :mod:`.retry_libraries`; :mod:`.retries` is
the entry point rules call.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import FrozenSet, Optional, Tuple

from ..lazycst import cst


class Form(enum.Enum):
    """How the retry is written."""

    LOOP = "loop"              # a hand-written `while` / `for` loop
    TENACITY = "tenacity"
    BACKOFF = "backoff"
    RETRYING = "retrying"
    RETRY = "retry"            # the `retry` package
    URLLIB3 = "urllib3"        # urllib3 `Retry`, or requests' `HTTPAdapter(max_retries=n)`
    AIOHTTP_RETRY = "aiohttp-retry"  # aiohttp-retry's option classes (`ExponentialRetry`, ...)
    REDIS = "redis"            # redis-py `Retry(backoff, retries)`
    KAZOO = "kazoo"            # kazoo `KazooRetry`
    CELERY = "celery"
    STAMINA = "stamina"
    GOOGLE = "google"          # google api_core `Retry`
    KOMBU = "kombu"            # kombu `Connection.ensure(obj, fun)`
    RECURSION = "recursion"    # a function that calls itself with a counted-up attempt number
    CUSTOM = "custom"          # a decorator declared in `extra-retry-decorators`


class Bound(enum.Enum):
    """Whether anything limits the attempts."""

    UNBOUNDED = "unbounded"    # nothing does: it retries forever
    BOUNDED = "bounded"        # an attempt count, a deadline or a decision to give up does (or may)


class Wait(enum.Enum):
    """What waits between attempts, from weakest to strongest (see :attr:`strength`)."""

    NONE = "none"              # nothing: attempts follow each other at once
    CONSTANT = "constant"      # the same delay every time, no jitter
    UNKNOWN = "unknown"        # something waits, but what cannot be told
    GROWING = "growing"        # a delay that grows with the attempts
    JITTERED = "jittered"      # a random delay

    @property
    def strength(self) -> int:
        """Rank for "the strongest wait found": NONE < CONSTANT < UNKNOWN < GROWING < JITTERED."""
        return _WAIT_ORDER.index(self)


_WAIT_ORDER = tuple(Wait)

# in Retry.methods: urllib3 retries every method
ALL_METHODS = "*"


@dataclass
class Retry:
    """One retry found in a file."""

    node: cst.CSTNode                 # where to report
    form: Form
    label: str                         # how a message names it
    bound: Bound = Bound.BOUNDED
    wait: Wait = Wait.UNKNOWN
    # the statements repeated on failure, where RES203 looks for a non-idempotent operation
    body: Tuple[cst.CSTNode, ...] = ()
    scope: Tuple[cst.CSTNode, ...] = ()  # ancestor stack of the retried code (Module first)
    function: Optional[cst.FunctionDef] = None   # the decorated function, if any
    call: Optional[cst.Call] = None              # the library call that configures the retry
    methods: FrozenSet[str] = frozenset()        # urllib3: non-idempotent methods it allows (ALL_METHODS: every)
    library_module: str = ""                     # how the library is referenced: "tenacity." or ""
    callables: Tuple[cst.BaseExpression, ...] = ()  # functions retried by reference: retry_call(requests.post, ...)
    wait_source: Optional[cst.CSTNode] = None    # what sets the wait: the sleep call, the `wait=` value, ...
    repeats_once: bool = False                   # the operation is tried at most twice
    why_unbounded: str = ""                      # for messages: which limit is missing, when it is not the usual
    why_no_wait: str = ""                        # for messages: the path that goes round at once, when others wait
