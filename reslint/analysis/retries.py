"""Retries: is this loop, decorator or call a retry, what bounds it, what waits, what it repeats.

One recogniser serves the three RES2 rules. For a node it answers with a
:class:`Retry` (or None when the node is not a retry):

- ``bound``: ``"none"`` when nothing limits the attempts, ``"bounded"`` when an
  attempt count, a deadline or a decision to give up does (or may: reslint
  stays silent when it cannot tell);
- ``wait``: ``"none"``, ``"constant"``, ``"growing"``, ``"jittered"`` or
  ``"unknown"`` (something waits, but what);
- ``body``: the statements repeated on failure, where RES203 looks for a
  non-idempotent operation (following calls into functions of the module).

Hand-written loops. A loop is a retry when a ``try`` in it has a handler
that goes round again (falls through or ``continue``\\ s) and the loop is left
on success: a ``return``/``break`` in the ``try`` or its ``else``, right
after the ``try``, or, for ``while not done:``, the flag set in the ``try``.
A loop whose only exits are failures -- a server's accept loop, a worker
pulling jobs, an event loop -- is not retrying one operation and is left
alone. A ``for`` loop whose variable feeds the operation (``for host in
hosts: try: return connect(host)``) is a fallback over candidates, not a
retry.

Libraries: tenacity, backoff, retrying, the ``retry`` package, urllib3
``Retry``, celery tasks, stamina and google api_core ``Retry``, each with
its own defaults (tenacity never stops by default, stamina and api_core do).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

import re

import libcst as cst

from . import types as T
from .calls import find_arg, has_star_kwargs, is_none, keyword_arg, positional_args, string_value
from .handlers import body_statements
from .names import dotted_name

NONE = "none"
BOUNDED = "bounded"

WAIT_NONE = "none"
WAIT_CONSTANT = "constant"
WAIT_GROWING = "growing"
WAIT_JITTERED = "jittered"
WAIT_UNKNOWN = "unknown"

SLEEPS = frozenset({
    "time.sleep", "asyncio.sleep", "trio.sleep", "anyio.sleep", "gevent.sleep", "eventlet.sleep",
    "eventlet.greenthread.sleep", "curio.sleep",
})
_WAIT_WORDS = ("sleep", "backoff", "wait", "delay", "pause", "throttle", "jitter")
# calls whose names start with a wait word but bound a wait rather than make one
_NOT_WAITS = frozenset({"asyncio.wait_for", "asyncio.wait", "concurrent.futures.wait", "trio.move_on_after"})


def _names_a_wait(name: Optional[str]) -> bool:
    """`sleep`, `_backoff`, `wait_before_retry`, `sleep_for_retry`, `self._delay(...)`: the call waits.
    `send_and_wait` does not (it waits for its own answer)."""
    tokens = [t for t in _words(name).split("_") if t]
    return bool(tokens) and (tokens[0] in _WAIT_WORDS or "sleep" in tokens or "backoff" in tokens
                             or (len(tokens) > 1 and ("retry" in tokens or "attempt" in tokens)))
_LOG_WORDS = ("debug", "info", "warning", "warn", "error", "exception", "critical", "log", "print",
              "format", "echo", "write", "emit", "capture", "record", "append")
# calls in a handler that may decide to give up (raise) or count attempts
_GIVE_UP_WORDS = ("increment", "raise", "check", "giveup", "give_up", "should", "exhaust", "deadline",
                  "timeout", "remaining", "can_retry", "may_retry", "retries_left", "attempts_left")
# What a retry loop catches must be a failure of an operation: an error of the network, a
# client library or the OS, or a broad catch. Loops that go round on "try again now" signals
# (BlockingIOError, InterruptedError, queue.Empty, StopIteration, WatchError, a key collision)
# or on data errors are readiness, iteration or optimistic-concurrency loops, not retries.
_FAILURE_BUILTINS = frozenset("builtins." + n for n in (
    "Exception", "BaseException", "OSError", "IOError", "EnvironmentError", "ConnectionError",
    "ConnectionRefusedError", "ConnectionResetError", "ConnectionAbortedError", "BrokenPipeError", "TimeoutError",
    "RuntimeError")) | frozenset({
    "socket.error", "socket.timeout", "socket.gaierror", "socket.herror", "asyncio.TimeoutError",
    "concurrent.futures.TimeoutError", "ssl.SSLError", "ssl.SSLEOFError", "ssl.SSLZeroReturnError",
    "http.client.HTTPException", "http.client.RemoteDisconnected", "http.client.IncompleteRead",
    "urllib.error.URLError", "urllib.error.HTTPError", "smtplib.SMTPException", "smtplib.SMTPServerDisconnected",
    "ftplib.error_temp", "ftplib.all_errors",
})
_NOT_FAILURES = frozenset({
    "builtins.BlockingIOError", "builtins.InterruptedError", "builtins.StopIteration", "builtins.StopAsyncIteration",
    "builtins.KeyError", "builtins.ValueError", "builtins.TypeError", "builtins.AttributeError", "builtins.IndexError",
    "builtins.LookupError", "builtins.UnicodeError", "builtins.UnicodeDecodeError", "builtins.UnicodeEncodeError",
    "builtins.ImportError", "builtins.ModuleNotFoundError", "builtins.NotImplementedError",
    "builtins.FileExistsError", "builtins.FileNotFoundError", "builtins.IsADirectoryError",
    "builtins.NotADirectoryError", "builtins.PermissionError", "builtins.KeyboardInterrupt", "builtins.SystemExit",
    "builtins.GeneratorExit", "builtins.ZeroDivisionError", "builtins.ArithmeticError", "builtins.OverflowError",
    "builtins.RecursionError", "builtins.AssertionError", "builtins.NameError", "builtins.EOFError",
    "queue.Empty", "queue.Full", "asyncio.QueueEmpty", "asyncio.QueueFull", "asyncio.CancelledError",
    "ssl.SSLWantReadError", "ssl.SSLWantWriteError", "json.JSONDecodeError", "select.error",
})
_FAILURE_MODULES = (
    "requests", "httpx", "httpcore", "urllib3", "aiohttp", "redis", "botocore", "boto3", "aiobotocore", "grpc",
    "google.api_core", "google.auth", "googleapiclient", "psycopg2", "psycopg", "pymysql", "MySQLdb", "sqlalchemy",
    "asyncpg", "kombu", "amqp", "pika", "aio_pika", "aiormq", "kafka", "aiokafka", "confluent_kafka",
    "elasticsearch", "opensearchpy", "pymongo", "motor", "websockets", "websocket", "paramiko", "openai",
    "anthropic", "stripe", "slack_sdk", "twilio", "docker", "kubernetes", "azure", "tornado", "zmq", "ldap3",
    "httplib2", "pycurl", "consul", "hvac", "nats", "aiomysql", "cassandra", "celery",
)
_FAILURE_NAME = re.compile(
    r"(?i)connect|timeout|timed_?out|unavailable|transient|throttl|rate_?limit|too_?many|server|http|api_?error"
    r"|request|network|socket|transport|operational|retr[yi]|temporar|busy|refused|reset|unreachable|gateway"
    r"|upstream|remote|service|protocol|disconnect|broker|channel|ssl|grpc|rpc|client_?error"
)
# errors that repeating the same call cannot fix, or "try again now" signals of optimistic locking
_NOT_FAILURE_NAME = re.compile(
    r"Watch|Empty$|Full$|TooLarge|Invalid|Decode|Pars(e|ing)|Serializ|Validat|NotFound|DoesNotExist|Exists"
    r"|Conflict|Stopped|Duplicate|Integrity|Permission|Forbidden|Unauthori[sz]ed|BadRequest|Create|Collision"
    r"|Redirect|KeyError|ValueError|TypeError|StopIteration"
)

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

HTTP_TYPES = frozenset({T.SESSION, T.HTTPX_CLIENT, T.HTTPX_ASYNC_CLIENT, T.AIOHTTP_SESSION, T.URLLIB3_POOL})
HTTP_MODULES = ("requests", "httpx", "aiohttp", "urllib3")
NON_IDEMPOTENT_METHODS = frozenset({"POST", "PATCH"})
_METHOD_NAMED = {"post": "POST", "patch": "PATCH"}
# (module function) -> index of the method argument, or the method the name implies
_HTTP_FUNCTIONS: Dict[str, object] = {}
for _lib in ("requests", "requests.api", "httpx"):
    _HTTP_FUNCTIONS.update({f"{_lib}.post": "POST", f"{_lib}.patch": "PATCH", f"{_lib}.request": 0})
_HTTP_FUNCTIONS["urllib3.request"] = 0
_HTTP_METHODS_BY_VERB = ("request", "urlopen", "stream", "_request", "build_request")
# receivers of unknown type that are, in a module using an HTTP library, an HTTP client
_HTTP_RECEIVER_NAMES = frozenset({"session", "_session", "client", "_client", "http", "_http", "http_client",
                                  "_http_client", "requests_session", "httpx_client", "sess", "s"})


@dataclass
class Retry:
    node: cst.CSTNode                 # where to report
    form: str                          # loop, tenacity, backoff, retrying, retry, urllib3, celery, stamina, google, custom
    label: str                         # how a message names it
    bound: str = BOUNDED
    wait: str = WAIT_UNKNOWN
    body: Tuple[cst.CSTNode, ...] = ()
    scope: Tuple[cst.CSTNode, ...] = ()  # ancestor stack of the retried code (Module first)
    function: Optional[cst.FunctionDef] = None   # the decorated function, if any
    call: Optional[cst.Call] = None              # the library call that configures the retry
    methods: FrozenSet[str] = frozenset()        # urllib3: non-idempotent methods it allows ("*": every)
    library_module: str = ""                     # how the library is referenced: "tenacity." or ""
    callables: Tuple[cst.BaseExpression, ...] = ()  # functions retried by reference: retry_call(requests.post, ...)


@dataclass(frozen=True)
class Operation:
    call: cst.Call
    what: str       # "POST", "PATCH", or a configured callable's name
    display: str    # the callee as written


# -- small helpers -------------------------------------------------------------

def _words(name: Optional[str]) -> str:
    return (name or "").rsplit(".", 1)[-1].lower()


def _walk(node: cst.CSTNode, *, into_loops: bool = True) -> Iterator[cst.CSTNode]:
    """Nodes under ``node`` (itself included), not entering nested functions, lambdas or classes."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for child in reversed(current.children):
            if isinstance(child, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
                continue
            if not into_loops and isinstance(child, (cst.For, cst.While)):
                continue
            stack.append(child)


def _walk_all(nodes: Iterable[cst.CSTNode], **kw) -> Iterator[cst.CSTNode]:
    for node in nodes:
        yield from _walk(node, **kw)


def _block_nodes(block: Optional[cst.BaseSuite]) -> Tuple[cst.CSTNode, ...]:
    return tuple(block.body) if block is not None else ()


def _is_true(expr: cst.BaseExpression) -> bool:
    return (isinstance(expr, cst.Name) and expr.value == "True") or (isinstance(expr, cst.Integer) and expr.value != "0")


def _last_statement(block: cst.BaseSuite) -> Optional[cst.CSTNode]:
    statements = body_statements(block)
    return statements[-1] if statements else None


def _terminates(block: cst.BaseSuite) -> bool:
    """Every path through the block ends in raise/return/break (continue goes round again)."""
    last = _last_statement(block)
    if isinstance(last, (cst.Raise, cst.Return, cst.Break)):
        return True
    if isinstance(last, cst.If):
        return _if_terminates(last)
    if isinstance(last, (cst.With, cst.Try)):
        return _terminates(last.body) if isinstance(last, cst.With) else False
    return False


def _if_terminates(node: cst.If) -> bool:
    if not _terminates(node.body):
        return False
    orelse = node.orelse
    if orelse is None:
        return False
    if isinstance(orelse, cst.If):
        return _if_terminates(orelse)
    return _terminates(orelse.body)


def _exits(nodes: Iterable[cst.CSTNode], loop_level: bool = True) -> Iterator[cst.CSTNode]:
    """return / raise / break (of the loop being analysed) statements among nodes."""
    for node in nodes:
        for inner in _walk_exits(node, loop_level):
            yield inner


def _walk_exits(node: cst.CSTNode, loop_level: bool) -> Iterator[cst.CSTNode]:
    if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
        return
    if isinstance(node, (cst.Return, cst.Raise)):
        yield node
        return
    if isinstance(node, cst.Break):
        if loop_level:
            yield node
        return
    inner_level = loop_level and not isinstance(node, (cst.For, cst.While))
    for child in node.children:
        if isinstance(node, (cst.For, cst.While)) and child is getattr(node.orelse, None):
            yield from _walk_exits(child, loop_level)
        else:
            yield from _walk_exits(child, inner_level)


def _unconditional_exit(block: Sequence[cst.CSTNode]) -> bool:
    """A return/break among the block's own statements (not nested in an if or loop)."""
    for stmt in block:
        smalls = stmt.body if isinstance(stmt, cst.SimpleStatementLine) else (stmt,)
        for small in smalls:
            if isinstance(small, (cst.Return, cst.Break)):
                return True
        if isinstance(stmt, cst.With) and _unconditional_exit(stmt.body.body):
            return True
    return False


def _root_names(node: cst.CSTNode) -> Set[str]:
    """Names read by an expression, not counting attribute names (`exc.response` -> {exc})."""
    out: Set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            out.add(current.value)
        elif isinstance(current, cst.Attribute):
            stack.append(current.value)
        else:
            stack.extend(current.children)
    return out


def _names_in(node: cst.CSTNode) -> Set[str]:
    return {n.value for n in _walk(node) if isinstance(n, cst.Name)}


# -- loops ------------------------------------------------------------------------

def _tries_in(block: Sequence[cst.CSTNode]) -> Iterator[cst.Try]:
    for stmt in block:
        if isinstance(stmt, cst.Try):
            yield stmt
        elif isinstance(stmt, cst.With):
            yield from _tries_in(stmt.body.body)


class LoopAnalysis:
    """The retry shape of one `while`/`for` loop, in the module ``ctx`` holds."""

    def __init__(self, ctx, loop: cst.CSTNode, scope: Sequence[cst.CSTNode]):
        self.ctx = ctx
        self.loop = loop
        self.scope = tuple(scope)

    def analyse(self) -> Optional[Retry]:
        loop = self.loop
        body = list(loop.body.body)
        flag: Optional[str] = None
        infinite = False
        if isinstance(loop, cst.While):
            test = loop.test
            if _is_true(test):
                infinite = True
            else:
                flag = _flag_name(test)
                if flag is None:
                    return self._bounded_loop(body)
        else:
            if self._is_count(loop.iter):
                infinite = True
            elif self._target_feeds_operation(loop, body):
                return None
        retry_tries = []
        for node in _tries_in(body):
            handlers = [h for h in node.handlers if not _terminates(h.body) and self._catches_failure(h)]
            if not handlers:
                continue
            if self._succeeds(node, body, {flag} if flag else None):
                retry_tries.append((node, handlers))
        if not retry_tries:
            return None
        if any(isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value == "accept"
               for node, _ in retry_tries for n in _walk(node.body)):
            return None  # a server's accept loop: it serves, it does not retry one operation
        repeated = tuple(stmt for node, _ in retry_tries for stmt in (*node.body.body, *_block_nodes(getattr(node.orelse, "body", None))))
        bound = NONE if (infinite or flag is not None) else BOUNDED
        if bound == NONE and self._has_bound(loop, body, [h for _, hs in retry_tries for h in hs], repeated):
            bound = BOUNDED
        return Retry(
            node=loop, form="loop", label="retry loop", bound=bound, wait=wait_in(self.ctx, loop, self.scope),
            body=repeated, scope=self.scope,
        )

    def _bounded_loop(self, body) -> Optional[Retry]:
        """`while attempts < 3:` / `while not done and tries < 4:` with a retrying try."""
        flags = _root_names(self.loop.test)
        for node in _tries_in(body):
            handlers = [h for h in node.handlers if not _terminates(h.body) and self._catches_failure(h)]
            if handlers and self._succeeds(node, body, flags):
                repeated = (*node.body.body, *_block_nodes(getattr(node.orelse, "body", None)))
                return Retry(node=self.loop, form="loop", label="retry loop", bound=BOUNDED,
                             wait=wait_in(self.ctx, self.loop, self.scope), body=tuple(repeated), scope=self.scope)
        return None

    def _catches_failure(self, handler: cst.ExceptHandler) -> bool:
        """The handler catches the failure of an operation (see _FAILURE_BUILTINS and friends)."""
        if handler.type is None:
            return True
        elements = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
        for element in elements:
            expr = element.value if isinstance(element, cst.Element) else element
            written = dotted_name(expr)
            if written is None:
                continue
            qualified = self.ctx.imports.resolve(expr)
            last = written.rsplit(".", 1)[-1]
            if qualified in _NOT_FAILURES or _NOT_FAILURE_NAME.search(last):
                continue
            if qualified in _FAILURE_BUILTINS:
                return True
            if qualified is not None and qualified.split(".", 1)[0] in _FAILURE_MODULES:
                return True
            if qualified is not None and qualified.startswith("google.api_core"):
                return True
            if _FAILURE_NAME.search(written.rsplit(".", 1)[-1]):
                return True
        return False

    def _is_count(self, expr: cst.BaseExpression) -> bool:
        if not isinstance(expr, cst.Call):
            return False
        qualified = self.ctx.qualified_name(expr.func)
        if qualified == "itertools.count":
            return True
        # iter(int, 1): an endless iterator
        return qualified == "builtins.iter" and len(expr.args) == 2

    def _target_feeds_operation(self, loop: cst.For, body) -> bool:
        """`for host in hosts: try: return connect(host)`: trying candidates, not retrying."""
        targets = _names_in(loop.target)
        if not targets or targets <= {"_"}:
            return False
        for node in _tries_in(body):
            if self._uses_meaningfully(node.body, targets):
                return True
        if not isinstance(loop.iter, cst.Call) or self.ctx.qualified_name(loop.iter.func) not in (
                "builtins.range", "itertools.count", "tenacity.Retrying", "tenacity.AsyncRetrying"):
            # a loop over data whose items the try does not use is still iteration unless its
            # variable is an attempt number (range/count): `for x in items: try: ... except: continue`
            return not isinstance(loop.iter, (cst.List, cst.Tuple)) or not self._numbers(loop.iter)
        return False

    @staticmethod
    def _numbers(expr) -> bool:
        return all(isinstance(el.value, (cst.Integer, cst.Float)) or is_none(el.value) for el in expr.elements)

    def _uses_meaningfully(self, block: cst.BaseSuite, names: Set[str]) -> bool:
        stack: List[Tuple[cst.CSTNode, bool]] = [(block, False)]
        while stack:
            node, harmless = stack.pop()
            if isinstance(node, cst.Name) and node.value in names and not harmless:
                return True
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                continue
            now = harmless
            if isinstance(node, cst.Call) and any(w in _words(dotted_name(node.func)) for w in _LOG_WORDS + _WAIT_WORDS):
                now = True
            if isinstance(node, (cst.Comparison, cst.FormattedString)):
                now = True
            if isinstance(node, cst.Arg) and node.keyword is not None and node.keyword.value in (
                    "attempt", "attempts", "retry", "retries", "attempt_number", "try_number"):
                now = True
            stack.extend((child, now) for child in node.children)
        return False

    def _succeeds(self, node: cst.Try, body, flag) -> bool:
        # `while not self._stopping:`: only an unconditional exit or setting the flag is success
        if self._exit_on_success(node.body.body, conditional=not flag):
            return True
        orelse = getattr(node.orelse, "body", None)
        if orelse is not None and _unconditional_exit(orelse.body):
            return True
        # `try: ... except: continue` then `break` / `return` after the try
        after = _statements_after(body, node)
        if after is not None and _unconditional_exit(after):
            return True
        flags = {flag} if isinstance(flag, str) else set(flag or ())
        if flags:
            for stmt in _walk_all(node.body.body):
                if isinstance(stmt, cst.Assign) and any(flags & _names_in(t.target) for t in stmt.targets):
                    return True
        return False

    def _exit_on_success(self, block, conditional: bool = True) -> bool:
        """A return/break in the try body: unconditional, or under a test of a result the try just
        got (`resp = get(); if resp.ok: return resp`). A test against a sentinel (`if item is
        STOP: break`) or of something the try did not compute is a consumer's exit, not success."""
        if _unconditional_exit(block):
            return True
        if not conditional:
            return False
        results = set()
        for stmt in block:
            for small in (stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ()):
                if isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is not None \
                        and any(isinstance(n, (cst.Call, cst.Await)) for n in _walk(small.value)):
                    targets = small.targets if isinstance(small, cst.Assign) else [small]
                    for target in targets:
                        results |= _names_in(target.target)
            if not isinstance(stmt, cst.If) or not any(not isinstance(e, cst.Raise) for e in _exits([stmt])):
                continue
            if _root_names(stmt.test) & results and not _is_sentinel_test(stmt.test):
                return True
        return False

    def _has_bound(self, loop, body, handlers, repeated) -> bool:
        # an exit from a handler that only happens sometimes: `if attempt > 5: raise`
        for handler in handlers:
            error = handler.name.name.value if handler.name is not None and isinstance(handler.name.name, cst.Name) else None
            for stmt in body_statements(handler.body):
                if not isinstance(stmt, (cst.Raise, cst.Return, cst.Break)) and any(True for _ in _exits([stmt])) \
                        and not self._classifies_error(stmt, error):
                    return True
            for call in _walk(handler.body):
                if not isinstance(call, cst.Call):
                    continue
                if any(w in _words(dotted_name(call.func)) for w in _GIVE_UP_WORDS):
                    return True
                # a helper of the module that may raise decides when to give up (a retry policy)
                target = _local_callee(self.ctx, call, self.scope)
                if target is not None and any(isinstance(n, cst.Raise) for n in _walk(target[0].body)):
                    return True
        # an exit from the loop outside the retried code: `if time.monotonic() > deadline: raise`
        tried = {id(n) for n in repeated}
        for stmt in body:
            if isinstance(stmt, cst.Try) or id(stmt) in tried:
                continue
            if isinstance(stmt, cst.With):
                continue
            if any(True for _ in _exits([stmt])):
                return True
        # a counter that is counted and compared somewhere (or is the loop's test: `while remaining:`)
        counted = set()
        for node in _walk(loop):
            if isinstance(node, cst.AugAssign) and isinstance(node.operator, (cst.AddAssign, cst.SubtractAssign)):
                counted |= _names_in(node.target)
        if isinstance(loop, cst.While) and counted & _names_in(loop.test):
            return True
        if counted:
            function = next((n for n in reversed(self.scope) if isinstance(n, cst.FunctionDef)), self.ctx.module)
            for node in _walk(function):
                if isinstance(node, cst.Comparison) and _names_in(node) & counted:
                    return True
                if isinstance(node, cst.Call) and not any(w in _words(dotted_name(node.func)) for w in _LOG_WORDS) \
                        and any(_names_in(a.value) & counted for a in node.args):
                    return True
        return False

    def _classifies_error(self, stmt: cst.CSTNode, error: Optional[str]) -> bool:
        """`if exc.response.status_code < 500: raise`: the condition only looks at the error (and
        constants), so it picks which errors to give up on; it does not limit the attempts."""
        if not isinstance(stmt, cst.If):
            return False
        roots = _root_names(stmt.test)
        allowed = {"isinstance", "getattr", "hasattr", "None", "True", "False", "str", "int", "len", "type",
                   "any", "all", "set", "frozenset", "tuple"}
        if error is not None:
            allowed.add(error)
        for name in roots - allowed:
            if name in self.ctx.imports.module_bindings and name not in {d for d in definitions(self.ctx)}:
                continue  # a module constant: `if exc.errno in _IGNORED:`
            qualified = self.ctx.imports.resolve_dotted(name)
            if qualified is None or qualified.startswith(("time.", "datetime.")):
                return False  # a local (an attempt count, a deadline) or the clock
        return bool(roots)


def _is_sentinel_test(test: cst.BaseExpression) -> bool:
    """`x is STOP`, `x == SENTINEL`, `x is None`: a check for an end marker, not for success."""
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        if isinstance(target.operator, (cst.Is, cst.Equal)) and isinstance(target.comparator, (cst.Name, cst.Attribute)):
            name = dotted_name(target.comparator) or ""
            return name not in ("True", "False")
    return False


def _statements_after(body: Sequence[cst.CSTNode], node: cst.CSTNode) -> Optional[List[cst.CSTNode]]:
    for index, stmt in enumerate(body):
        if stmt is node:
            return list(body[index + 1:])
        if isinstance(stmt, cst.With):
            inner = _statements_after(stmt.body.body, node)
            if inner is not None:
                return inner + list(body[index + 1:])
    return None


def _flag_name(test: cst.BaseExpression) -> Optional[str]:
    """`while not done:` / `while retry:` / `while not self.ok:` -> the flag's last name."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test = test.expression
    if isinstance(test, cst.Name):
        return test.value
    if isinstance(test, cst.Attribute):
        return test.attr.value
    return None


def wait_in(ctx, node: cst.CSTNode, scope: Sequence[cst.CSTNode]) -> str:
    """What waits between the attempts of a loop: the strongest wait found in it."""
    best = WAIT_NONE
    order = (WAIT_NONE, WAIT_CONSTANT, WAIT_UNKNOWN, WAIT_GROWING, WAIT_JITTERED)
    for call in _walk(node):
        if not isinstance(call, cst.Call):
            continue
        kind = _call_wait(ctx, call, node, scope, depth=0)
        if kind is not None and order.index(kind) > order.index(best):
            best = kind
    return best


def _call_wait(ctx, call: cst.Call, loop: cst.CSTNode, scope, depth: int) -> Optional[str]:
    qualified = ctx.qualified_name(call.func)
    if qualified in SLEEPS:
        if not call.args:
            return WAIT_UNKNOWN
        return _delay_kind(ctx, call.args[0].value, loop, scope)
    if isinstance(call.func, cst.Attribute) and call.func.attr.value == "wait" and call.args:
        return WAIT_UNKNOWN  # event.wait(timeout): waits up to timeout
    if qualified not in _NOT_WAITS and _names_a_wait(dotted_name(call.func)):
        return WAIT_UNKNOWN
    if depth < 2:
        target = _local_callee(ctx, call, scope)
        if target is not None:
            func, fscope = target
            for inner in _walk(func.body):
                if isinstance(inner, cst.Call):
                    kind = _call_wait(ctx, inner, func, fscope, depth + 1)
                    if kind is not None and kind != WAIT_NONE:
                        return WAIT_UNKNOWN if kind == WAIT_CONSTANT and depth else kind
    return None


def _delay_kind(ctx, expr: cst.BaseExpression, loop: cst.CSTNode, scope) -> str:
    if isinstance(expr, (cst.Integer, cst.Float)):
        try:
            return WAIT_NONE if float(expr.value) == 0 else WAIT_CONSTANT
        except ValueError:
            return WAIT_CONSTANT
    names = _names_in(expr)
    for node in _walk(expr):
        if isinstance(node, cst.Call):
            qualified = ctx.qualified_name(node.func) or ""
            if qualified.startswith(("random.", "secrets.", "numpy.random.")) or "jitter" in _words(dotted_name(node.func)):
                return WAIT_JITTERED
    if any("jitter" in n.lower() or "random" in n.lower() for n in names):
        return WAIT_JITTERED
    if any(isinstance(n, cst.BinaryOperation) and isinstance(n.operator, (cst.Power, cst.Multiply, cst.LeftShift))
           for n in _walk(expr)):
        return WAIT_GROWING
    # a name the loop grows: `delay *= 2`, `delay = min(delay * 2, cap)`
    for node in _walk(loop):
        if isinstance(node, cst.AugAssign) and _names_in(node.target) & names:
            return WAIT_GROWING
        if isinstance(node, cst.Assign) and any(_names_in(t.target) & names for t in node.targets):
            return WAIT_GROWING
    if isinstance(loop, cst.For) and _names_in(loop.target) & names:
        return WAIT_GROWING  # `for delay in (1, 2, 4):`
    if isinstance(expr, (cst.Name, cst.Attribute)):
        return WAIT_CONSTANT
    return WAIT_UNKNOWN


# -- where calls lead -------------------------------------------------------------

def definitions(ctx) -> Dict[str, List[Tuple[cst.FunctionDef, Tuple[cst.CSTNode, ...]]]]:
    """Function and method name -> [(def, its scope stack)], for the module (cached on ctx)."""
    cached = getattr(ctx, "_retry_definitions", None)
    if cached is None:
        cached = {}
        module = ctx.module
        for stmt in module.body:
            if isinstance(stmt, cst.FunctionDef):
                cached.setdefault(stmt.name.value, []).append((stmt, (module, stmt)))
            elif isinstance(stmt, cst.ClassDef) and isinstance(stmt.body, cst.IndentedBlock):
                for inner in stmt.body.body:
                    if isinstance(inner, cst.FunctionDef):
                        cached.setdefault(f"{stmt.name.value}.{inner.name.value}", []).append(
                            (inner, (module, stmt, stmt.body, inner)))
        ctx._retry_definitions = cached
    return cached


def _enclosing_class(scope: Sequence[cst.CSTNode]) -> Optional[cst.ClassDef]:
    for node in reversed(scope):
        if isinstance(node, cst.ClassDef):
            return node
    return None


def _local_callee(ctx, call: cst.Call, scope) -> Optional[Tuple[cst.FunctionDef, Tuple[cst.CSTNode, ...]]]:
    """The function of this module a call runs: `helper(...)`, `self.helper(...)`, `cls.helper(...)`."""
    defs = definitions(ctx)
    func = call.func
    if isinstance(func, cst.Name):
        if ctx.imports.resolve_dotted(func.value) is not None:
            return None
        found = defs.get(func.value)
        return found[0] if found and len(found) == 1 else None
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"):
        cls = _enclosing_class(scope)
        if cls is None:
            return None
        found = defs.get(f"{cls.name.value}.{func.attr.value}")
        return found[0] if found else None
    return None


def _param_names(func: cst.FunctionDef) -> List[cst.Param]:
    return [*func.params.posonly_params, *func.params.params]


def _bind_arguments(func: cst.FunctionDef, call: cst.Call, method_call: bool) -> Dict[str, cst.BaseExpression]:
    params = _param_names(func)
    if method_call and params and params[0].name.value in ("self", "cls"):
        params = params[1:]
    bound: Dict[str, cst.BaseExpression] = {}
    for param, arg in zip(params, positional_args(call)):
        bound[param.name.value] = arg.value
    names = {p.name.value for p in (*params, *func.params.kwonly_params)}
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in names:
            bound[arg.keyword.value] = arg.value
    return bound


@dataclass
class _Frame:
    func: Optional[cst.FunctionDef]
    scope: Tuple[cst.CSTNode, ...]
    env: Dict[str, FrozenSet[str]]   # parameter -> literal values known from the call site


class Operations:
    """Finds what a retry repeats that must not be repeated (RES203)."""

    def __init__(self, ctx, non_idempotent: FrozenSet[str], key_names: FrozenSet[str]):
        self.ctx = ctx
        self.non_idempotent = non_idempotent
        self.key_names = frozenset(k.lower() for k in key_names)
        self.uses_http = any(
            q.split(".", 1)[0] in HTTP_MODULES for q in ctx.imports.aliases.values()
        )

    def find(self, retry: Retry) -> Optional[Operation]:
        func = retry.function or next((n for n in reversed(retry.scope) if isinstance(n, cst.FunctionDef)), None)
        frame = _Frame(func, retry.scope, {})
        chain = [frame]
        if retry.function is not None and _has_key(retry.function, self.key_names):
            return None
        for reference in retry.callables:
            found = self._operation(cst.Call(func=reference), frame)
            if found is not None:
                return Operation(found.call, found.what, found.display)
        return self._search(retry.body, frame, chain, depth=0, seen=set())

    def _search(self, nodes, frame: _Frame, chain: List[_Frame], depth: int, seen: Set[int]) -> Optional[Operation]:
        for node in _walk_all(nodes):
            if not isinstance(node, cst.Call):
                continue
            found = self._operation(node, frame)
            if found is not None:
                if any(f.func is not None and _has_key(f.func, self.key_names) for f in chain) or _call_has_key(node, self.key_names):
                    continue
                return found
            if depth >= 2:
                continue
            target = _local_callee(self.ctx, node, frame.scope)
            if target is None or id(target[0]) in seen:
                continue
            func, scope = target
            bound = _bind_arguments(func, node, isinstance(node.func, cst.Attribute))
            env = {}
            for name, expr in bound.items():
                values = self.literal_values(expr, frame)
                if values:
                    env[name] = values
            inner = _Frame(func, scope, env)
            found = self._search(func.body.body, inner, chain + [inner], depth + 1, seen | {id(func)})
            if found is not None:
                return found
        return None

    def _operation(self, call: cst.Call, frame: _Frame) -> Optional[Operation]:
        ctx = self.ctx
        qualified = ctx.qualified_name(call.func)
        display = dotted_name(call.func) or ctx.module.code_for_node(call.func)
        if qualified is not None and qualified in self.non_idempotent:
            return Operation(call, display, display)
        if qualified in _HTTP_FUNCTIONS:
            how = _HTTP_FUNCTIONS[qualified]
            return self._verb(call, how, frame, display)
        if not isinstance(call.func, cst.Attribute):
            return None
        attr = call.func.attr.value
        if attr not in _METHOD_NAMED and attr not in _HTTP_METHODS_BY_VERB:
            return None
        receiver = ctx.bindings.type_of(call.func.value, frame.scope)
        if receiver is not None:
            if receiver.type not in HTTP_TYPES:
                return None
        elif not (self.uses_http and _words(dotted_name(call.func.value)) in _HTTP_RECEIVER_NAMES):
            return None
        if attr in _METHOD_NAMED:
            return self._verb(call, _METHOD_NAMED[attr], frame, display)
        if attr in ("request", "urlopen", "stream"):
            return self._verb(call, 0, frame, display)
        return None

    def _verb(self, call: cst.Call, how, frame: _Frame, display: str) -> Optional[Operation]:
        if isinstance(how, str):
            return Operation(call, how, display)
        arg = find_arg(call, "method", how)
        if arg is None:
            return None
        values = self.literal_values(arg.value, frame)
        hits = sorted(v for v in (values or ()) if v in NON_IDEMPOTENT_METHODS)
        return Operation(call, hits[0], display) if hits else None

    def literal_values(self, expr: cst.BaseExpression, frame: _Frame, depth: int = 0) -> Optional[FrozenSet[str]]:
        """The string values an expression may have, when they are all literals in reach."""
        text = string_value(expr)
        if text is not None:
            return frozenset({text.upper()})
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value in ("upper", "lower") and not expr.args:
            return self.literal_values(expr.func.value, frame, depth)
        if not isinstance(expr, cst.Name):
            return None
        name = expr.value
        if name in frame.env:
            return frame.env[name]
        func = frame.func
        if func is None:
            return None
        values: Set[str] = set()
        assigned = False
        for node in _walk(func.body):
            if isinstance(node, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == name for t in node.targets):
                assigned = True
                value = string_value(node.value)
                if value is None:
                    return None
                values.add(value.upper())
        if assigned:
            return frozenset(values)
        param = next((p for p in (*_param_names(func), *func.params.kwonly_params) if p.name.value == name), None)
        if param is None or depth > 0:
            return None
        if param.default is not None:
            default = string_value(param.default)
            if default is not None:
                values.add(default.upper())
        for value in self._caller_values(func, frame, name):
            if value is None:
                continue
            values.add(value)
        return frozenset(values) if values else None

    def _caller_values(self, func: cst.FunctionDef, frame: _Frame, param: str) -> Iterator[Optional[str]]:
        """Literal values callers in this module pass for ``param`` of ``func``."""
        name = func.name.value
        method = any(f is func for key, found in definitions(self.ctx).items() if "." in key for f, _ in found)
        for node in _all_calls(self.ctx):
            callee = node.func
            if method:
                if not (isinstance(callee, cst.Attribute) and callee.attr.value == name):
                    continue
            elif not (isinstance(callee, cst.Name) and callee.value == name):
                continue
            bound = _bind_arguments(func, node, method)
            if param in bound:
                value = string_value(bound[param])
                yield value.upper() if value is not None else None


def _all_calls(ctx) -> List[cst.Call]:
    """Every call in the module, nested functions and classes included (cached on ctx)."""
    calls = getattr(ctx, "_retry_all_calls", None)
    if calls is None:
        calls = []
        stack: List[cst.CSTNode] = [ctx.module]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.Call):
                calls.append(node)
            stack.extend(node.children)
        ctx._retry_all_calls = calls
    return calls


def _call_has_key(call: cst.Call, keys: FrozenSet[str]) -> bool:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value.lower() in ("idempotency_key", "idempotencykey"):
            return True
    return any(_string_is_key(n, keys) for n in _walk(call))


def _string_is_key(node: cst.CSTNode, keys: FrozenSet[str]) -> bool:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = string_value(node)
        return value is not None and value.lower() in keys
    return False


def _has_key(func: cst.FunctionDef, keys: FrozenSet[str]) -> bool:
    """The function builds an idempotency key: a key header name or an `idempotency_key=` argument."""
    for node in _walk(func):
        if _string_is_key(node, keys):
            return True
        if isinstance(node, cst.Arg) and node.keyword is not None and node.keyword.value.lower() in ("idempotency_key", "idempotencykey"):
            return True
    return False


# -- libraries ------------------------------------------------------------------------

def _decorated(stack: Sequence[cst.CSTNode], call: cst.CSTNode) -> Optional[Tuple[cst.FunctionDef, Tuple[cst.CSTNode, ...]]]:
    """The function a decorator (the node on top of ``stack``) decorates, with its scope."""
    if len(stack) >= 2 and isinstance(stack[-2], cst.Decorator) and stack[-2].decorator is call and len(stack) >= 3:
        func = stack[-3]
        if isinstance(func, cst.FunctionDef):
            return func, tuple(stack[:-2])
    return None


def _kw(call: cst.Call, name: str) -> Optional[cst.BaseExpression]:
    arg = keyword_arg(call, name)
    return arg.value if arg is not None else None


def _callee_words(expr: Optional[cst.BaseExpression]) -> Set[str]:
    return {_words(dotted_name(n.func)) for n in _walk(expr) if isinstance(n, cst.Call)} if expr is not None else set()


def _tenacity_wait(call: Optional[cst.Call]) -> str:
    wait = _kw(call, "wait") if call is not None else None
    if wait is None:
        return WAIT_NONE if call is None or not has_star_kwargs(call) else WAIT_UNKNOWN
    words = _callee_words(wait)
    if not words:
        return WAIT_UNKNOWN
    if any(w in words for w in _TENACITY_JITTER):
        return WAIT_JITTERED
    if any(w in words for w in _TENACITY_GROWING):
        return WAIT_GROWING
    if words <= set(_TENACITY_NO_WAIT):
        return WAIT_NONE
    if words <= {"wait_fixed"}:
        return WAIT_CONSTANT
    return WAIT_UNKNOWN


def _tenacity_bound(call: Optional[cst.Call]) -> str:
    if call is None:
        return NONE
    stop = _kw(call, "stop")
    if stop is None:
        return BOUNDED if has_star_kwargs(call) or positional_args(call) else NONE
    if isinstance(stop, (cst.Name, cst.Attribute)) and _words(dotted_name(stop)) in _TENACITY_NEVER:
        return NONE
    return BOUNDED


def _given(call: cst.Call, *names: str) -> bool:
    """Some of these keywords are given a value other than None (or may be, through **kwargs)."""
    if has_star_kwargs(call):
        return True
    return any((_kw(call, n) is not None and not is_none(_kw(call, n))) for n in names)


def _number(expr: Optional[cst.BaseExpression]) -> Optional[float]:
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
            return Retry(form="tenacity", label="tenacity `@retry`", bound=NONE, wait=WAIT_NONE, **common)
        if qualified == "retrying.retry":
            return Retry(form="retrying", label="retrying `@retry`", bound=NONE, wait=WAIT_NONE, **common)
        if qualified in RETRY_PACKAGE:
            return Retry(form="retry", label="`@retry`", bound=NONE, wait=WAIT_NONE, **common)
        if qualified in self.extra:
            bound = BOUNDED if not self.extra[qualified] else NONE
            return Retry(form="custom", label=f"`@{dotted_name(expr)}`", bound=bound, wait=WAIT_UNKNOWN, **common)
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
            return Retry(form="tenacity", label=label, bound=_tenacity_bound(call), wait=_tenacity_wait(call), **common)
        if qualified in BACKOFF:
            bound = BOUNDED if _given(call, "max_tries", "max_time") else NONE
            wait = WAIT_GROWING
            gen = call.args[0].value if call.args and call.args[0].keyword is None else _kw(call, "wait_gen")
            jitter = _kw(call, "jitter")
            if gen is not None and _words(dotted_name(gen)) == "constant" and jitter is not None and is_none(jitter):
                wait = WAIT_CONSTANT
            return Retry(form="backoff", label=f"`@{shown}(...)`", bound=bound, wait=wait, **common)
        if qualified in RETRYING:
            bound = BOUNDED if _given(call, "stop_max_attempt_number", "stop_max_delay", "stop_func", "stop") else NONE
            if _given(call, "wait_random_min", "wait_random_max", "wait_jitter_max"):
                wait = WAIT_JITTERED
            elif _given(call, "wait_exponential_multiplier", "wait_exponential_max", "wait_incrementing_increment",
                        "wait_incrementing_start", "wait_func", "wait"):
                wait = WAIT_GROWING
            elif _given(call, "wait_fixed"):
                wait = WAIT_CONSTANT
            else:
                wait = WAIT_NONE
            return Retry(form="retrying", label=f"retrying `{shown}(...)`", bound=bound, wait=wait, **common)
        if qualified in RETRY_PACKAGE or qualified in RETRY_PACKAGE_CALL:
            offset = 3 if qualified in RETRY_PACKAGE_CALL else 0
            tries = find_arg(call, "tries", 1 + offset)
            if tries is None:
                bound = BOUNDED if has_star_kwargs(call) else NONE
            else:
                value = _number(tries.value)
                bound = NONE if value is not None and value < 0 else BOUNDED
            delay = find_arg(call, "delay", 2 + offset)
            jitter = find_arg(call, "jitter", 5 + offset)
            backoff = find_arg(call, "backoff", 4 + offset)
            if delay is None or _number(delay.value) == 0:
                wait = WAIT_UNKNOWN if has_star_kwargs(call) else WAIT_NONE
            elif jitter is not None and _number(jitter.value) != 0:
                wait = WAIT_JITTERED
            elif backoff is not None and _number(backoff.value) not in (None, 1):
                wait = WAIT_GROWING
            else:
                wait = WAIT_CONSTANT
            return Retry(form="retry", label=f"`{shown}(...)`", bound=bound, wait=wait, **common)
        if qualified in URLLIB3_RETRY:
            return self._urllib3(call, common)
        if qualified in HTTP_ADAPTERS:
            # an int becomes Retry(n, read=False): connection errors retried n times, back to back
            given = find_arg(call, "max_retries", 2)
            count = _number(given.value) if given is not None else None
            if count is None or count <= 0:
                return None
            return Retry(form="urllib3", label=f"`{shown}(max_retries={int(count)})`", bound=BOUNDED, wait=WAIT_NONE,
                         **common)
        if qualified in STAMINA:
            attempts, timeout = _kw(call, "attempts"), _kw(call, "timeout")
            bound = NONE if is_none(attempts) and is_none(timeout) else BOUNDED
            return Retry(form="stamina", label=f"stamina `{shown}(...)`", bound=bound, wait=WAIT_JITTERED, **common)
        if qualified in GOOGLE_RETRY:
            limit = _kw(call, "timeout") if keyword_arg(call, "timeout") is not None else _kw(call, "deadline")
            bound = NONE if is_none(limit) else BOUNDED
            return Retry(form="google", label=f"`{shown}(...)`", bound=bound, wait=WAIT_JITTERED, **common)
        if qualified in self.extra:
            keys = self.extra[qualified]
            bound = BOUNDED if not keys or _given(call, *keys) else NONE
            return Retry(form="custom", label=f"`{shown}(...)`", bound=bound, wait=WAIT_UNKNOWN, **common)
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
        return _local_callee(self.ctx, fake, scope)

    def _urllib3(self, call: cst.Call, common) -> Retry:
        counts = [find_arg(call, "total", 0)] + [keyword_arg(call, k) for k in ("connect", "read", "redirect", "status", "other")]
        total = counts[0]
        if total is not None and is_none(total.value) and all(c is None or is_none(c.value) for c in counts[1:]) \
                and not has_star_kwargs(call):
            bound = NONE
        else:
            bound = BOUNDED
        retries = True
        if total is not None:
            value = _number(total.value)
            if (value is not None and value <= 0) or (isinstance(total.value, cst.Name) and total.value.value == "False"):
                retries = False
        backoff = keyword_arg(call, "backoff_factor")
        if has_star_kwargs(call) or (backoff is not None and _number(backoff.value) != 0):
            wait = WAIT_GROWING
        elif not retries:
            wait = WAIT_UNKNOWN
        else:
            wait = WAIT_NONE
        methods: Set[str] = set()
        for key in ("allowed_methods", "method_whitelist"):
            arg = keyword_arg(call, key)
            if arg is None:
                continue
            value = arg.value
            if is_none(value) or (isinstance(value, cst.Name) and value.value == "False"):
                methods.add("*")
            else:
                methods |= {s.upper() for s in _strings_in(value)} & NON_IDEMPOTENT_METHODS
        return Retry(form="urllib3", label=f"urllib3 `{dotted_name(call.func)}(...)`", bound=bound, wait=wait,
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
        bound = NONE if max_retries is not None and is_none(max_retries.value) else BOUNDED
        return Retry(form="celery", label="celery task", bound=bound, wait=WAIT_UNKNOWN, **common)

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
        bound = NONE if max_retries is not None and is_none(max_retries.value) else BOUNDED
        index = list(stack).index(task)
        return Retry(node=call, form="celery", label="celery `self.retry(...)`", bound=bound, wait=WAIT_UNKNOWN,
                     call=call, body=tuple(task.body.body), scope=tuple(stack[:index + 1]), function=task)


def _module_prefix(expr: cst.BaseExpression) -> str:
    """`tenacity.` for `tenacity.retry`, '' for a bare imported name."""
    if isinstance(expr, cst.Attribute):
        return (dotted_name(expr.value) or "") + "."
    return ""


def _strings_in(expr: cst.BaseExpression) -> Iterator[str]:
    for node in _walk(expr):
        if isinstance(node, cst.SimpleString):
            value = string_value(node)
            if value is not None:
                yield value


# -- entry points --------------------------------------------------------------------

def _cache(ctx) -> Dict[int, Optional[Retry]]:
    cache = getattr(ctx, "_retry_cache", None)
    if cache is None:
        cache = ctx._retry_cache = {}
    return cache


def retry_of(ctx, node: cst.CSTNode, extra: Optional[Dict[str, Tuple[str, ...]]] = None) -> Optional[Retry]:
    """The retry ``node`` (the node being visited: a loop, decorator or call) is, or None."""
    cache = _cache(ctx)
    key = id(node)
    if key in cache:
        return cache[key]
    stack = ctx.stack
    libraries = Libraries(ctx, extra or {})
    if isinstance(node, (cst.While, cst.For)):
        result = LoopAnalysis(ctx, node, stack[:-1]).analyse() if not _library_for(ctx, node) else None
    elif isinstance(node, cst.Decorator):
        result = libraries.of_decorator(node, stack)
    elif isinstance(node, cst.Call):
        result = libraries.of_call(node, stack)
    else:
        result = None
    cache[key] = result
    return result


def _library_for(ctx, loop: cst.CSTNode) -> bool:
    """`for attempt in Retrying(...)`: the library call is the retry, not the loop."""
    if not isinstance(loop, cst.For) or not isinstance(loop.iter, cst.Call):
        return False
    qualified = ctx.qualified_name(loop.iter.func)
    return qualified in TENACITY_RETRYING or qualified in STAMINA


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
    """The first call the retry repeats, as written, for messages (logging calls skipped)."""
    for node in _walk_all(retry.body):
        if isinstance(node, cst.Call):
            name = dotted_name(node.func)
            if name is None:
                continue
            word = _words(name)
            if any(w in word for w in _LOG_WORDS + _WAIT_WORDS):
                continue
            if (ctx.qualified_name(node.func) or "").startswith("builtins."):
                continue
            return name
    return None
