"""Timeouts: which calls wait on something, which argument bounds the wait, and what else may.

The tables say, for each call that can wait forever, which parameter bounds it
(:class:`TimeoutArg`): network calls (requests, urllib, http.client, socket, smtplib, ftplib,
imaplib, poplib, telnetlib, urllib3, redis, psycopg), clients whose default is bounded but can
be switched off (httpx, urllib3 pools), and blocking waits (subprocess, futures, queues,
events, conditions, multiprocessing results, thread joins, lock acquires). Receiver types come
from :mod:`.types`, HTTP verbs from :mod:`.http`.

The recognisers say what else bounds a wait: a timeout set on the client where it is built or
configured, `socket.setdefaulttimeout()`, a DSN that carries the keyword, an enclosing
`asyncio.timeout()`; and how a call switches a timeout off (`timeout=None`, `httpx.Timeout(None)`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Collection, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from ..lazycst import cst

from . import types as T
from .blocks import always_true, find_all, small_statements, walk
from .calls import find_arg, has_star_args, is_none, may_pass, positional_args, string_value
from .http import HTTPX_CLIENT_METHODS, REQUESTS_FUNCTIONS, REQUESTS_SESSION_METHODS, URLLIB3_POOL_METHODS
from .names import assignment_targets, dotted_name


@dataclass(frozen=True)
class TimeoutArg:
    """The parameter that bounds a call's wait."""

    display: str
    keyword: str = "timeout"
    # its index when it may be passed positionally (None: keyword-only, or positions differ
    # between versions)
    position: Optional[int] = None
    # socket.setdefaulttimeout(n) in the module bounds it too
    socket_default: bool = True
    # the library's own module-wide default setter, whose call with a number in the module bounds
    # it (`websocket.setdefaulttimeout(n)`)
    default_setter: str = ""
    # the first positional argument may be a DSN/URL string carrying the keyword: "strict" (a
    # literal without it, or a variable, is missing), "lenient" (only a literal without it is)
    dsn: str = ""
    # `keyword=None` means "use the default" here, the same as leaving it out (imaplib)
    none_is_default: bool = False


SOCKET_DEFAULT_SETTER = "socket.setdefaulttimeout"
# websocket-client's own default (`websocket._socket.setdefaulttimeout`, re-exported by the package)
WEBSOCKET_DEFAULT = "websocket.setdefaulttimeout"
_DEFAULT_SETTERS = {"websocket._socket.setdefaulttimeout": WEBSOCKET_DEFAULT}

# RES101/RES102: network calls, by qualified callee
NETWORK_FUNCTIONS: Dict[str, TimeoutArg] = {}
for _m in REQUESTS_FUNCTIONS:
    # requests hands urllib3 an explicit Timeout(None): socket.setdefaulttimeout() does not apply
    NETWORK_FUNCTIONS[f"requests.{_m}"] = TimeoutArg(f"requests.{_m}", socket_default=False)
    NETWORK_FUNCTIONS[f"requests.api.{_m}"] = TimeoutArg(f"requests.{_m}", socket_default=False)
NETWORK_FUNCTIONS.update({
    "urllib.request.urlopen": TimeoutArg("urllib.request.urlopen", position=2),
    "http.client.HTTPConnection": TimeoutArg("http.client.HTTPConnection", position=2),
    "http.client.HTTPSConnection": TimeoutArg("http.client.HTTPSConnection", position=4),  # keyword-only from 3.12
    "socket.create_connection": TimeoutArg("socket.create_connection", position=1),
    "smtplib.SMTP": TimeoutArg("smtplib.SMTP", position=3),
    "smtplib.SMTP_SSL": TimeoutArg("smtplib.SMTP_SSL", position=5),  # keyword-only from 3.12
    "smtplib.LMTP": TimeoutArg("smtplib.LMTP", position=4),
    "ftplib.FTP": TimeoutArg("ftplib.FTP", position=4),
    "ftplib.FTP_TLS": TimeoutArg("ftplib.FTP_TLS", position=7),  # keyword-only from 3.12
    "imaplib.IMAP4": TimeoutArg("imaplib.IMAP4", position=2, none_is_default=True),
    "imaplib.IMAP4_SSL": TimeoutArg("imaplib.IMAP4_SSL", position=5, none_is_default=True),  # kw-only from 3.12
    "poplib.POP3": TimeoutArg("poplib.POP3", position=2),
    "poplib.POP3_SSL": TimeoutArg("poplib.POP3_SSL", position=4),  # keyword-only from 3.12
    "telnetlib.Telnet": TimeoutArg("telnetlib.Telnet", position=2),
    "urllib3.request": TimeoutArg("urllib3.request"),
    # websocket-client: create_connection(url, timeout=None, ...) blocks with no timeout unless
    # websocket.setdefaulttimeout() set one; socket.setdefaulttimeout() does not reach it
    "websocket.create_connection": TimeoutArg("websocket.create_connection", position=1, socket_default=False,
                                              default_setter=WEBSOCKET_DEFAULT),
    "websocket._core.create_connection": TimeoutArg("websocket.create_connection", position=1,
                                                    socket_default=False, default_setter=WEBSOCKET_DEFAULT),
    "redis.Redis": TimeoutArg("redis.Redis", keyword="socket_timeout", position=4, socket_default=False),
    "redis.StrictRedis": TimeoutArg("redis.StrictRedis", keyword="socket_timeout", position=4, socket_default=False),
    "redis.client.Redis": TimeoutArg("redis.Redis", keyword="socket_timeout", position=4, socket_default=False),
    "redis.from_url": TimeoutArg("redis.from_url", keyword="socket_timeout", socket_default=False, dsn="strict"),
    "redis.Redis.from_url": TimeoutArg("redis.Redis.from_url", keyword="socket_timeout", socket_default=False,
                                       dsn="strict"),
    "redis.StrictRedis.from_url": TimeoutArg("redis.StrictRedis.from_url", keyword="socket_timeout",
                                             socket_default=False, dsn="strict"),
    "psycopg2.connect": TimeoutArg("psycopg2.connect", keyword="connect_timeout", socket_default=False, dsn="lenient"),
    "psycopg.connect": TimeoutArg("psycopg.connect", keyword="connect_timeout", socket_default=False, dsn="lenient"),
    "psycopg.Connection.connect": TimeoutArg("psycopg.Connection.connect", keyword="connect_timeout",
                                             socket_default=False, dsn="lenient"),
    "psycopg.AsyncConnection.connect": TimeoutArg("psycopg.AsyncConnection.connect", keyword="connect_timeout",
                                                  socket_default=False, dsn="lenient"),
})

# bounded only by the surrounding code: asyncio.timeout()/wait_for()
ASYNC_CONTEXT_BOUNDED = {"asyncio.open_connection": "asyncio.open_connection"}

# RES101/RES102: network methods on a resolved receiver
NETWORK_METHODS: Dict[Tuple[str, str], TimeoutArg] = {
    (T.SESSION, m): TimeoutArg(f"requests.Session.{m}", socket_default=False) for m in REQUESTS_SESSION_METHODS
}
# Session.request(method, url, params, data, headers, cookies, files, auth, timeout, ...)
NETWORK_METHODS[(T.SESSION, "request")] = TimeoutArg("requests.Session.request", position=8, socket_default=False)
NETWORK_METHODS.update({
    (T.URLLIB3_POOL, m): TimeoutArg(f"urllib3.PoolManager.{m}") for m in URLLIB3_POOL_METHODS
})
# OpenerDirector.open(fullurl, data=None, timeout=socket._GLOBAL_DEFAULT_TIMEOUT)
NETWORK_METHODS[(T.OPENER, "open")] = TimeoutArg("urllib.request.OpenerDirector.open", position=2)
# HTTPConnectionPool.urlopen(method, url, body, headers, retries, redirect, assert_same_host, timeout, ...)
# (PoolManager.urlopen takes no positional timeout, so eight positionals only fit a pool)
NETWORK_METHODS[(T.URLLIB3_POOL, "urlopen")] = TimeoutArg("urllib3.PoolManager.urlopen", position=7)

# RES102 only: libraries with a bounded default, where only an explicit None is a problem
DEFAULT_BOUNDED_FUNCTIONS: Dict[str, TimeoutArg] = {f"httpx.{m}": TimeoutArg(f"httpx.{m}") for m in HTTPX_CLIENT_METHODS}
DEFAULT_BOUNDED_FUNCTIONS.update({
    "httpx.Client": TimeoutArg("httpx.Client"),
    "httpx.AsyncClient": TimeoutArg("httpx.AsyncClient"),
    "urllib3.PoolManager": TimeoutArg("urllib3.PoolManager"),
    "urllib3.ProxyManager": TimeoutArg("urllib3.ProxyManager"),
    "urllib3.HTTPConnectionPool": TimeoutArg("urllib3.HTTPConnectionPool", position=2),
    "urllib3.HTTPSConnectionPool": TimeoutArg("urllib3.HTTPSConnectionPool", position=2),
})
DEFAULT_BOUNDED_METHODS: Dict[Tuple[str, str], TimeoutArg] = {}
for _t in (T.HTTPX_CLIENT, T.HTTPX_ASYNC_CLIENT):
    for _m in HTTPX_CLIENT_METHODS:
        DEFAULT_BOUNDED_METHODS[(_t, _m)] = TimeoutArg(f"{_t}.{_m}")

# RES102: every call whose timeout argument can be switched off
DISABLEABLE_FUNCTIONS = {**NETWORK_FUNCTIONS, **DEFAULT_BOUNDED_FUNCTIONS}
DISABLEABLE_METHODS = {**NETWORK_METHODS, **DEFAULT_BOUNDED_METHODS}

# RES103: blocking waits
WAIT_FUNCTIONS: Dict[str, TimeoutArg] = {
    "subprocess.run": TimeoutArg("subprocess.run", socket_default=False),
    "subprocess.call": TimeoutArg("subprocess.call", socket_default=False),
    "subprocess.check_call": TimeoutArg("subprocess.check_call", socket_default=False),
    "subprocess.check_output": TimeoutArg("subprocess.check_output", socket_default=False),
    "concurrent.futures.wait": TimeoutArg("concurrent.futures.wait", position=1, socket_default=False),
    "concurrent.futures.as_completed": TimeoutArg("concurrent.futures.as_completed", position=1, socket_default=False),
}
WAIT_METHODS: Dict[Tuple[str, str], TimeoutArg] = {
    (T.POPEN, "wait"): TimeoutArg("subprocess.Popen.wait", position=0, socket_default=False),
    (T.POPEN, "communicate"): TimeoutArg("subprocess.Popen.communicate", position=1, socket_default=False),
    (T.FUTURE, "result"): TimeoutArg("concurrent.futures.Future.result", position=0, socket_default=False),
    (T.FUTURE, "exception"): TimeoutArg("concurrent.futures.Future.exception", position=0, socket_default=False),
    (T.QUEUE, "get"): TimeoutArg("queue.Queue.get", position=1, socket_default=False),
    (T.EVENT, "wait"): TimeoutArg("threading.Event.wait", position=0, socket_default=False),
    (T.CONDITION, "wait"): TimeoutArg("threading.Condition.wait", position=0, socket_default=False),
    (T.CONDITION, "wait_for"): TimeoutArg("threading.Condition.wait_for", position=1, socket_default=False),
    (T.ASYNC_RESULT, "get"): TimeoutArg("multiprocessing.pool.AsyncResult.get", position=0, socket_default=False),
    (T.ASYNC_RESULT, "wait"): TimeoutArg("multiprocessing.pool.AsyncResult.wait", position=0, socket_default=False),
}
THREAD_JOIN = {(T.THREAD, "join"): TimeoutArg("threading.Thread.join", position=0, socket_default=False)}
LOCK_ACQUIRE = {(T.LOCK, "acquire"): TimeoutArg("threading.Lock.acquire", position=1, socket_default=False)}
# waits with a flag that makes them non-blocking: get(block, timeout), acquire(blocking, timeout)
_BLOCKING_FLAG = ("queue.Queue.get", "threading.Lock.acquire")
# what the caller does instead: the bound each wait takes, and how it tells that the bound ran out
_RUN_BOUND = "pass `timeout=`; when it runs out the child is killed and `subprocess.TimeoutExpired` is raised"
_POPEN_BOUND = "pass `timeout=` and handle `subprocess.TimeoutExpired`; the child keeps running, so kill it there"
WAIT_BOUNDS: Dict[str, str] = {
    "subprocess.run": _RUN_BOUND,
    "subprocess.call": _RUN_BOUND,
    "subprocess.check_call": _RUN_BOUND,
    "subprocess.check_output": _RUN_BOUND,
    "subprocess.Popen.wait": _POPEN_BOUND,
    "subprocess.Popen.communicate": _POPEN_BOUND,
    "concurrent.futures.wait": "pass `timeout=`; the futures still running come back in the `not_done` set",
    "concurrent.futures.as_completed": "pass `timeout=`; `TimeoutError` is raised when it runs out",
    "concurrent.futures.Future.result": "pass `timeout=`; `TimeoutError` is raised when it runs out",
    "concurrent.futures.Future.exception": "pass `timeout=`; `TimeoutError` is raised when it runs out",
    "queue.Queue.get": "pass `timeout=` and handle `queue.Empty`",
    "threading.Event.wait": "pass a timeout and check the flag it returns",
    "threading.Condition.wait": "pass a timeout and check the flag it returns",
    "threading.Condition.wait_for": "pass `timeout=` and check the value it returns",
    "multiprocessing.pool.AsyncResult.get": "pass `timeout=` and handle `multiprocessing.TimeoutError`",
    "multiprocessing.pool.AsyncResult.wait": "pass a timeout and check `ready()` afterwards",
    "threading.Thread.join": "pass a timeout and check `is_alive()` afterwards",
    "threading.Lock.acquire": "pass `timeout=` and check the flag it returns",
}

# `with` context managers (and wrapping calls) that bound everything awaited inside them
TIMEOUT_SCOPES = frozenset({
    "asyncio.timeout", "asyncio.timeout_at", "asyncio.wait_for", "async_timeout.timeout",
    "anyio.fail_after", "anyio.move_on_after", "trio.fail_after", "trio.move_on_after",
})

# urllib3 pool constructors: where their own timeout argument sits
POOL_TIMEOUT_POSITION = {"urllib3.HTTPConnectionPool": 2, "urllib3.HTTPSConnectionPool": 2,
                         "urllib3.connectionpool.HTTPConnectionPool": 2,
                         "urllib3.connectionpool.HTTPSConnectionPool": 2}


def parse_extra_calls(specs: Iterable[str]) -> Dict[str, TimeoutArg]:
    """`qualified.name[:keyword[:position]]` strings from the `extra-calls` option."""
    out: Dict[str, TimeoutArg] = {}
    for spec in specs:
        parts = spec.split(":")
        name = parts[0].strip()
        keyword = parts[1].strip() if len(parts) > 1 and parts[1].strip() else "timeout"
        position = int(parts[2]) if len(parts) > 2 and parts[2].strip().isdigit() else None
        if name:
            out[name] = TimeoutArg(name, keyword=keyword, position=position, socket_default=False)
    return out


def resolve_call(ctx, call: cst.Call, functions: Mapping[str, TimeoutArg],
                 methods: Mapping[Tuple[str, str], TimeoutArg]):
    """(TimeoutArg, receiver TypeInfo or None) for a call found in the tables, else None."""
    qualified = ctx.qualified_name(call.func)
    if qualified is not None and qualified in functions:
        return functions[qualified], None
    if isinstance(call.func, cst.Attribute):
        receiver = ctx.type_of(call.func.value)
        if receiver is not None:
            spec = methods.get((receiver.type, call.func.attr.value))
            if spec is not None:
                return spec, receiver
    return None


# -- what else bounds a wait ------------------------------------------------------------

def socket_default_timeout(ctx, setter: str = SOCKET_DEFAULT_SETTER) -> bool:
    """`socket.setdefaulttimeout(<not None>)` somewhere in the module (or the call of another
    library's module-wide ``setter``, `websocket.setdefaulttimeout(n)`)."""
    return setter in ctx.memo(socket_default_timeout, lambda: _default_setters(ctx))


def default_setter(ctx, call: cst.Call) -> Optional[str]:
    """`socket.setdefaulttimeout` or `websocket.setdefaulttimeout` when ``call`` calls one."""
    if _callee_word(call) != "setdefaulttimeout":
        return None
    qualified = ctx.qualified_name(call.func)
    qualified = _DEFAULT_SETTERS.get(qualified, qualified)
    return qualified if qualified in (SOCKET_DEFAULT_SETTER, WEBSOCKET_DEFAULT) else None


def _default_setters(ctx) -> "frozenset[str]":
    """The default setters the module calls with something else than `None`."""
    found = set()
    for call in find_all(ctx.module, cst.Call):
        setter = default_setter(ctx, call)
        if setter is not None and call.args:
            value = call.args[0].value
            if not (isinstance(value, cst.Name) and value.value == "None"):
                found.add(setter)
    return frozenset(found)


def _callee_word(call: cst.Call) -> Optional[str]:
    """`f` of `f(...)` or of `x.f(...)`, else None."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return None


def _method_calls(scope: cst.CSTNode, name: str) -> List[cst.Call]:
    """The calls `x.<name>(...)` under ``scope``."""
    return [call for call in find_all(scope, cst.Call)
            if isinstance(call.func, cst.Attribute) and call.func.attr.value == name]


def _callee_names(ctx, call: cst.Call):
    """The callee's qualified name and its name as written; for a name a project module
    re-exports (`from .utils import timeout_cm`, where `utils` does `from asyncio import timeout
    as timeout_cm`), also what that module imports under it."""
    qualified = ctx.qualified_name(call.func)
    names = {qualified, dotted_name(call.func)}
    if qualified and ctx.project is not None:
        names.add(ctx.project.imported_as(qualified))
    return names


def inside(ctx, names: Iterable[str]) -> bool:
    """Inside a call to, or a `with` block of, one of ``names`` (qualified or as written)."""
    return _inside(ctx, ctx.stack[:-1], set(names))


def used_inside(ctx, call: cst.Call, names: Iterable[str]) -> bool:
    """The call's result is bound to a local name (`conn = asyncio.open_connection(h, p)`) whose
    every use in the function is inside a call to, or a `with` block of, one of ``names`` (`async
    with asyncio.timeout(5): await conn`, `await asyncio.wait_for(conn, 5)`): a coroutine runs
    only where it is awaited, so made before the scope it is still bounded by it."""
    from ..walker import child_nodes

    parent = ctx.parent()
    if not (isinstance(parent, cst.Assign) and parent.value is call and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, cst.Name)):
        return False
    target = parent.targets[0].target
    function = _enclosing_function(ctx)
    if function is None:
        return False
    wanted = set(names)
    uses = 0
    pending: List[Tuple[cst.CSTNode, Tuple[cst.CSTNode, ...]]] = [(function.body, ())]
    while pending:
        node, above = pending.pop()
        if isinstance(node, cst.Name):
            if node.value == target.value and node is not target:
                if not _inside(ctx, above, wanted):
                    return False  # used outside the scope, or bound again
                uses += 1
            continue
        inner = (*above, node)
        if isinstance(node, cst.Attribute):
            pending.append((node.value, inner))  # `x.conn` is not the name
            continue
        if isinstance(node, cst.Arg):
            pending.append((node.value, inner))  # nor is a keyword `conn=`
            continue
        pending.extend((child, inner) for child in child_nodes(node))
    return uses > 0


def _inside(ctx, stack: Sequence[cst.CSTNode], names: Set[str]) -> bool:
    for node in stack:
        if isinstance(node, cst.Call) and _callee_names(ctx, node) & names:
            return True
        if isinstance(node, cst.With):
            for item in node.items:
                if isinstance(item.item, cst.Call) and _callee_names(ctx, item.item) & names:
                    return True
    return False


def receiver_configured(ctx, receiver_expr: cst.BaseExpression, wrappers: Collection[str] = ()) -> bool:
    """The receiver gets a default timeout where it is set up: an adapter mounted on it whose class
    is defined in this file or that is built with a `timeout=`, or `X.request`/`X.send` replaced
    (`session.request = functools.partial(session.request, timeout=5)`). Searched in the enclosing
    function, or the enclosing class for `self.<attr>`."""
    code = ctx.module.code_for_node(receiver_expr)
    owner_type = cst.ClassDef if code.startswith("self.") else cst.FunctionDef
    scope = next((n for n in reversed(ctx.stack) if isinstance(n, owner_type)), ctx.module)
    return _configured_in(ctx, scope, code, wrappers)


def factory_configures(ctx, factory: Optional[cst.FunctionDef], wrappers: Collection[str] = ()) -> bool:
    """The function of this file that built and returned the client (``factory``, from
    :attr:`TypeInfo.factory`) gives the client it returns a default timeout, as
    :func:`receiver_configured` reads it: `session.request = partial(session.request, timeout=t)`
    then `return session`."""
    if factory is None:
        return False
    returned = {small.value.value for small in small_statements(factory.body)
                if isinstance(small, cst.Return) and isinstance(small.value, cst.Name)}
    return any(_configured_in(ctx, factory, name, wrappers) for name in sorted(returned))


def module_sessions_configured(ctx, wrappers: Collection[str] = ()) -> bool:
    """Every `requests.Session` the module builds gets a default timeout where it is built: each
    constructor call is assigned to a name that the same function configures (see
    :func:`receiver_configured`), and there is at least one. A session whose origin the file
    does not show (a parameter annotated `requests.Session`) is then one of those."""
    def compute() -> bool:
        built = [call for call in find_all(ctx.module, cst.Call)
                 if T.CONSTRUCTORS.get(ctx.qualified_name(call.func) or "") == T.SESSION]
        if not built:
            return False
        owners = {}
        for function in find_all(ctx.module, cst.FunctionDef):
            for small in small_statements(function.body):
                if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call):
                    owners[id(small.value)] = (function, small)
        for call in built:
            found = owners.get(id(call))
            if found is None:
                return False  # built elsewhere than in an assignment of a function
            function, assign = found
            names = [t.target.value for t in assign.targets if isinstance(t.target, cst.Name)]
            if len(names) != 1 or not _configured_in(ctx, function, names[0], wrappers):
                return False
        return True

    return ctx.memo((module_sessions_configured, tuple(sorted(wrappers))), compute)


def _configured_in(ctx, scope: cst.CSTNode, code: str, wrappers: Collection[str]) -> bool:
    """Under ``scope``, the client written ``code`` gets a default timeout (see
    :func:`receiver_configured`)."""
    defined = {stmt.name.value for stmt in ctx.module.body if isinstance(stmt, cst.ClassDef)}
    for call in _method_calls(scope, "mount"):
        if ctx.module.code_for_node(call.func.value) != code or len(call.args) < 2:
            continue
        adapter = call.args[1].value
        if isinstance(adapter, cst.Call):
            if any(a.keyword is not None and a.keyword.value == "timeout" for a in adapter.args):
                return True
            if isinstance(adapter.func, cst.Name) and adapter.func.value in defined:
                return True
    if wrappers:
        # handed to a declared wrapper: `install_timeout(session)`
        for call in find_all(scope, cst.Call):
            if ctx.qualified_name(call.func) in wrappers and any(
                ctx.module.code_for_node(a.value) == code for a in call.args
            ):
                return True
    for assign in find_all(scope, cst.Assign):
        for target in assign.targets:
            t = target.target
            if isinstance(t, cst.Attribute) and t.attr.value in ("request", "send") \
                    and ctx.module.code_for_node(t.value) == code:
                return True
    return False


def session_subclass_sets_timeout(cls: cst.ClassDef) -> bool:
    """A project Session subclass that overrides request/send, or mounts an adapter, in its body."""
    body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()
    for stmt in body:
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value in ("request", "send"):
            return True
    return bool(_method_calls(cls, "mount"))


def receiver_unbounded(ctx, receiver, call: cst.Call, wrappers: Collection[str]) -> bool:
    """False when the client ``call`` is made on (``receiver``, its TypeInfo) carries a timeout
    itself, or may: a project subclass that sets one, a client configured or handed to one of
    the ``wrappers``, a urllib3 pool built with one (or of unknown origin)."""
    wrappers = set(wrappers)
    if receiver.subclass is not None:
        if session_subclass_sets_timeout(receiver.subclass):
            return False
        if any(ctx.qualified_name(base.value) in wrappers for base in receiver.subclass.bases):
            return False
    if isinstance(call.func, cst.Attribute) and receiver_configured(ctx, call.func.value, wrappers):
        return False
    if factory_configures(ctx, receiver.factory, wrappers):
        return False  # `self.new_session().get(url)`: the method that built it set the timeout
    if receiver.type == T.SESSION and receiver.origin is None and receiver.factory is None \
            and module_sessions_configured(ctx, wrappers):
        return False  # `def page(self, session: requests.Session)` in a module whose sessions all have one
    if receiver.origin is not None and wrappers:
        if ctx.qualified_name(receiver.origin.func) in wrappers:
            return False
    if receiver.type == T.URLLIB3_POOL:
        # a timeout on the pool applies to every request made through it
        origin = receiver.origin
        if origin is None:
            return False
        position = POOL_TIMEOUT_POSITION.get(ctx.qualified_name(origin.func) or "")
        return not may_pass(origin, "timeout", position)
    return True


def dsn_covers(call: cst.Call, spec: TimeoutArg) -> bool:
    """A DSN/URL argument may carry the timeout: True when it is not a literal (unknown) for a
    lenient DSN, or when the literal sets the keyword."""
    positional = positional_args(call)
    if not positional:
        dsn = find_arg(call, "dsn") or find_arg(call, "conninfo") or find_arg(call, "url")
        if dsn is None:
            # psycopg with nothing at all reads libpq's environment (PGCONNECT_TIMEOUT)
            return spec.dsn == "lenient" and (not call.args or has_star_args(call))
        positional = [dsn]
    text: Optional[str] = string_value(positional[0].value)
    if text is None:
        return spec.dsn == "lenient"
    return spec.keyword in text


def never_blocks(spec: TimeoutArg, call: cst.Call) -> bool:
    """`queue.get(block=False)`, `lock.acquire(False)`: the non-blocking form of a wait."""
    if spec.display not in _BLOCKING_FLAG:
        return False
    flag = find_arg(call, "block") or find_arg(call, "blocking", 0) or find_arg(call, "block", 0)
    return flag is not None and isinstance(flag.value, cst.Name) and flag.value.value == "False"


# -- switching a timeout off ---------------------------------------------------------------

class Disabled(enum.Enum):
    """How a call switches a timeout off (RES102)."""

    HTTPX_EVERY = "httpx.Timeout(None)"                     # every field of httpx.Timeout
    HTTPX_SOME = "httpx.Timeout(..., read=None)"            # some field of httpx.Timeout
    AIOHTTP_TIMEOUT = "aiohttp.ClientTimeout"               # every field None
    URLLIB3_TIMEOUT = "urllib3.Timeout"                     # every field None
    SOCKET_DEFAULT = "socket.setdefaulttimeout(None)"
    WEBSOCKET_DEFAULT = "websocket.setdefaulttimeout(None)"
    WAIT_FOR = "asyncio.wait_for(..., timeout=None)"
    SOCKET_BLOCKING = "sock.settimeout(None)"
    ARGUMENT = "timeout=None"                               # the timeout argument of a table call
    FORWARDED = "wrapper(timeout=None)"                     # to a function of the module that passes it on


def disables_timeout(value: cst.BaseExpression) -> bool:
    """`None`, or a `(connect, read)` tuple with a `None` in it."""
    if is_none(value):
        return True
    if isinstance(value, cst.Tuple):
        return any(is_none(element.value) for element in value.elements)
    return False


def _in_process(ctx, value: Optional[cst.BaseExpression]) -> bool:
    """``value`` is an httpx transport that calls an ASGI/WSGI app in this process."""
    if value is None:
        return False
    info = ctx.bindings.type_of(value, ctx.stack)
    return info is not None and info.type == T.IN_PROCESS_TRANSPORT


def _transport_of(call: Optional[cst.Call]) -> Optional[cst.BaseExpression]:
    arg = find_arg(call, "transport") if call is not None else None
    return arg.value if arg is not None else None


def in_process_client(ctx, call: cst.Call, receiver=None) -> bool:
    """The call builds or uses an httpx client whose transport runs in-process
    (`httpx.AsyncClient(transport=httpx.ASGITransport(app=app), timeout=None)`, or a request on
    such a client), or builds an `httpx.Timeout` handed to one beside that transport (as a
    keyword of the same call or a key of the same dict): no network wait to bound."""
    if _in_process(ctx, _transport_of(call)):
        return True
    if receiver is not None and _in_process(ctx, _transport_of(receiver.origin)):
        return True
    return False


def _timeout_beside_in_process_transport(ctx) -> bool:
    """The node being visited (an `httpx.Timeout(...)`) is an argument of a call, or a value of a
    dict, that also holds an in-process `transport`."""
    stack = ctx.stack
    for index in range(len(stack) - 2, 0, -1):
        node = stack[index]
        if isinstance(node, cst.Call):
            return _in_process(ctx, _transport_of(node))
        if isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.DictElement) and string_value(element.key) == "transport":
                    return _in_process(ctx, element.value)
            return False
        if not isinstance(node, (cst.Arg, cst.DictElement)):
            return False
    return False


# what :func:`disabled_timeout` may answer for (its stdlib-`ast` prefilter, reslint.analysis.reach)
DISABLING_CALLS = frozenset({"httpx.Timeout", "aiohttp.ClientTimeout", "urllib3.Timeout", "asyncio.wait_for",
                             SOCKET_DEFAULT_SETTER, WEBSOCKET_DEFAULT, *_DEFAULT_SETTERS, *DISABLEABLE_FUNCTIONS})
DISABLING_METHODS = frozenset({(T.SOCKET, "settimeout"), *DISABLEABLE_METHODS})


def _restores_default(ctx, setter: str) -> bool:
    """`setdefaulttimeout(None)` that puts back the default the function found: it read the
    default (`if not socket.getdefaulttimeout(): socket.setdefaulttimeout(self.timeout)`), set
    one of its own for a while, and resets it after; None is what was there before."""
    function = next((n for n in reversed(ctx.stack) if isinstance(n, cst.FunctionDef)), None)
    if function is None:
        return False
    getter = setter.rsplit(".", 1)[0] + ".getdefaulttimeout"
    read = set_own = False
    for node in find_all(function, cst.Call):
        qualified = ctx.qualified_name(node.func)
        if qualified == getter:
            read = True
        elif default_setter(ctx, node) == setter and node.args and not is_none(node.args[0].value):
            set_own = True
    return read and set_own


def _caller_chose_none(ctx) -> bool:
    """The node on top of ``ctx.stack`` runs only when a parameter of its function is `None`:
    it sits in the body of `if timeout is None:` (or an `elif`) or under `case None:` of a
    `match timeout:`. The caller asked for no bound; the `None` written here only passes that on."""
    stack = ctx.stack
    function = next((n for n in reversed(stack) if isinstance(n, (cst.FunctionDef, cst.Lambda))), None)
    if not isinstance(function, cst.FunctionDef):
        return False
    params = {p.name.value for p in (*function.params.params, *function.params.kwonly_params,
                                     *function.params.posonly_params)}

    def is_param_none(test: cst.BaseExpression) -> bool:
        return (isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name) and test.left.value in params
                and len(test.comparisons) == 1 and isinstance(test.comparisons[0].operator, cst.Is)
                and is_none(test.comparisons[0].comparator))

    for index in range(len(stack) - 2, 0, -1):
        node, inner = stack[index], stack[index + 1]
        if node is function:
            return False
        if isinstance(node, cst.If) and inner is node.body and is_param_none(node.test):
            return True
        if isinstance(node, cst.MatchCase) and isinstance(node.pattern, cst.MatchSingleton) \
                and is_none(node.pattern.value):
            match = stack[index - 1] if isinstance(stack[index - 1], cst.Match) else None
            if match is not None and isinstance(match.subject, cst.Name) and match.subject.value in params:
                return True
    return False


def _kernel_timeouts_set(ctx, receiver: str, function: cst.FunctionDef) -> bool:
    """The function also sets the kernel's receive timeout on the socket
    (`sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, ...)`, the option also through a
    loop over option/value pairs): blocking mode is then bounded by the kernel."""
    mentions = any(ctx.qualified_name(node) == "socket.SO_RCVTIMEO"
                   for node in find_all(function, cst.Attribute))
    return mentions and any(
        isinstance(call.func, cst.Attribute) and call.func.attr.value == "setsockopt"
        and dotted_name(call.func.value) == receiver for call in find_all(function, cst.Call))


_ACCEPTING = frozenset({"listen", "accept"})


def _listening_socket(ctx, receiver: str, function: cst.FunctionDef) -> bool:
    """The socket accepts connections: the function, or (for a socket kept in `self.<attr>`) a
    method of its class, calls `listen()` / `accept()` on it, directly or through a local name
    bound to it. A listening socket blocks in `accept()` by design."""
    kept = {receiver}
    for small in small_statements(function.body):
        if isinstance(small, cst.Assign) and dotted_name(small.value) == receiver:
            kept.update(filter(None, (dotted_name(t) for t in assignment_targets(small))))
    scopes = [function]
    on_self = {k for k in kept if k.startswith("self.")}
    if on_self:
        klass = next((n for n in reversed(ctx.stack) if isinstance(n, cst.ClassDef)), None)
        if klass is not None:
            scopes = [klass]
    for scope in scopes:
        for method in [scope] if scope is function else find_all(scope, cst.FunctionDef):
            aliases = set(kept)
            for small in small_statements(method.body):
                if isinstance(small, cst.Assign) and dotted_name(small.value) in kept:
                    aliases.update(filter(None, (dotted_name(t) for t in assignment_targets(small))))
            for call in find_all(method, cst.Call):
                if isinstance(call.func, cst.Attribute) and call.func.attr.value in _ACCEPTING \
                        and dotted_name(call.func.value) in aliases:
                    return True
    return False


def _blocking_by_design(ctx, call: cst.Call) -> bool:
    """`sock.settimeout(None)` whose blocking mode something else bounds or wants: the kernel's
    receive timeout set in the same function, or a socket that listens for connections."""
    function = next((n for n in reversed(ctx.stack) if isinstance(n, cst.FunctionDef)), None)
    receiver = dotted_name(call.func.value) if isinstance(call.func, cst.Attribute) else None
    if function is None or receiver is None:
        return False
    return _kernel_timeouts_set(ctx, receiver, function) or _listening_socket(ctx, receiver, function)


def disabled_timeout(ctx, call: cst.Call) -> Optional[Tuple[Disabled, Optional[TimeoutArg]]]:
    """How ``call`` switches a timeout off, with the argument for :attr:`Disabled.ARGUMENT`;
    None when it does not (or when `None` there means "use the default"), and None for an
    httpx client whose transport runs the app in-process (ASGI/WSGI)."""
    qualified = ctx.qualified_name(call.func)
    if _caller_chose_none(ctx):
        return None
    if qualified == "httpx.Timeout":
        if _timeout_beside_in_process_transport(ctx):
            return None
        if any(a.star == "" and is_none(a.value) for a in call.args):
            return (Disabled.HTTPX_EVERY if len(call.args) == 1 else Disabled.HTTPX_SOME), None
        return None
    if qualified == "aiohttp.ClientTimeout":
        if not any(a.star for a in call.args) and all(is_none(a.value) for a in call.args):
            return Disabled.AIOHTTP_TIMEOUT, None
        return None
    if qualified == "urllib3.Timeout":
        if call.args and not any(a.star for a in call.args) and all(is_none(a.value) for a in call.args):
            return Disabled.URLLIB3_TIMEOUT, None
        return None
    setter = default_setter(ctx, call)
    if setter is not None:
        if call.args and is_none(call.args[0].value) and not _restores_default(ctx, setter):
            return (Disabled.SOCKET_DEFAULT if setter == SOCKET_DEFAULT_SETTER else Disabled.WEBSOCKET_DEFAULT), None
        return None
    if qualified == "asyncio.wait_for":
        arg = find_arg(call, "timeout", 1)
        if arg is not None and is_none(arg.value):
            return Disabled.WAIT_FOR, None
        return None
    if isinstance(call.func, cst.Attribute) and call.func.attr.value == "settimeout":
        receiver = ctx.type_of(call.func.value)
        if receiver is not None and receiver.type == T.SOCKET and call.args and is_none(call.args[0].value) \
                and not _blocking_by_design(ctx, call):
            return Disabled.SOCKET_BLOCKING, None
        return None
    found = resolve_call(ctx, call, DISABLEABLE_FUNCTIONS, DISABLEABLE_METHODS)
    if found is None:
        forwarded = forwarded_timeout(ctx, call)
        return (Disabled.FORWARDED, forwarded) if forwarded is not None else None
    spec, receiver = found
    if in_process_client(ctx, call, receiver):
        return None
    arg = find_arg(call, spec.keyword, spec.position)
    if arg is None or (spec.none_is_default and is_none(arg.value)):
        return None  # RES101's business: None there is the same as leaving it out
    if disables_timeout(arg.value):
        return Disabled.ARGUMENT, spec
    return None


# -- waits that cannot hang (RES103) ---------------------------------------------------------

# programs that finish at once on their own: signalling, identity and process listings, kernel
# and terminal settings
QUICK_PROGRAMS = frozenset({
    "kill", "pkill", "killall", "true", "false", "uname", "id", "whoami", "which", "nproc", "getconf",
    "arch", "date", "echo", "printenv", "pwd", "tty", "ps", "pgrep", "taskkill", "tasklist",
    "lsof", "netstat", "ss", "hostname", "sw_vers", "sysctl", "stty", "tput", "uptime", "locale",
})
# macOS's `open` hands a file or URL to the application that handles it and returns at once,
# unless told to wait for that application to quit
LAUNCHER = "open"
_LAUNCHER_WAITS = frozenset({"-W", "--wait-apps"})
# filters that only read their standard input: quick behind a quick program in a pipeline
PIPE_FILTERS = frozenset({"grep", "egrep", "fgrep", "awk", "sed", "cut", "sort", "uniq", "wc", "head", "tail", "tr"})
# the argument of a version probe: `git --version`, `java -version`, `ssh -V` (not a `version`
# subcommand: `docker version` and `kubectl version` ask a server)
VERSION_FLAGS = frozenset({"--version", "-version", "-V"})
# the same for a usage probe: `pyenv help`, `tool --help` print a text and exit
PROBE_FLAGS = VERSION_FLAGS | frozenset({"--help", "help"})
# programs a person drives: a pager or an editor runs until the user quits it
INTERACTIVE_PROGRAMS = frozenset({
    "man", "less", "more", "most", "pager", "sensible-pager", "vi", "vim", "nvim", "view", "nano", "pico",
    "emacs", "editor", "sensible-editor", "micro", "joe",
})
# environment variables that name the user's own editor or pager; a program's own variable for
# the same (`GIT_EDITOR`, `MITMPROXY_EDITOR`, `GIT_PAGER`) ends in one of these words
USER_PROGRAM_VARIABLES = frozenset({"EDITOR", "VISUAL", "PAGER", "GIT_EDITOR", "MANPAGER"})
_USER_PROGRAM_SUFFIXES = ("_EDITOR", "_VISUAL", "_PAGER")
# words of a `python -c` snippet that may wait: input, sleeps, joins, network, child processes
_SNIPPET_WAITS = frozenset({
    "input", "stdin", "sleep", "wait", "join", "accept", "recv", "urlopen", "connect", "request", "system",
    "run", "call", "Popen", "check_output", "check_call", "serve_forever", "run_forever", "getpass",
})
SUBPROCESS_COMMANDS = frozenset({"subprocess.run", "subprocess.call", "subprocess.check_call",
                                 "subprocess.check_output", "subprocess.Popen"})


def _program(word: str) -> str:
    return word.replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".exe")


def _quick_command_line(text: str) -> bool:
    """`kill -9 123`, `ps aux | grep worker | wc -l`, `node --version`: a shell command line of
    quick programs, or a version probe."""
    segments = [segment.split() for segment in text.split("|")]
    if not all(segments) or any(ch in text for ch in ";&`$<>"):
        return False
    first = segments[0]
    if len(segments) == 1 and len(first) == 2 and first[1] in PROBE_FLAGS:
        return True
    if len(segments) == 1 and _program(first[0]) == LAUNCHER:
        return not _LAUNCHER_WAITS.intersection(first)
    if _program(first[0]) not in QUICK_PROGRAMS:
        return False
    return all(_program(segment[0]) in PIPE_FILTERS | QUICK_PROGRAMS for segment in segments[1:])


def _command(call: Optional[cst.Call]) -> Optional[cst.BaseExpression]:
    """The command a subprocess call runs (its first positional argument, or `args=`), or None."""
    if call is None:
        return None
    args = [a for a in call.args if a.keyword is None and not a.star]
    command = args[0] if args else find_arg(call, "args")
    return command.value if command is not None else None


def quick_command(call: Optional[cst.Call], ctx=None) -> bool:
    """The subprocess call runs a command that cannot hang: a quick program (`kill`, `pkill`,
    `uname`, `ps`, ...), a short pipeline of them through standard filters (`ps aux | grep x`),
    macOS's `open` without `-W`, or a version probe (`[tool, "--version"]`, whatever the tool);
    with ``ctx``, also a command
    held in a local name of the enclosing function bound once to such a literal (`argv =
    ['netstat', '-n']`, then `Popen(argv, ...)`)."""
    value = _command(call)
    if isinstance(value, cst.Name) and ctx is not None:
        values = _local_literals(ctx, value.value, call)
        return bool(values) and all(_quick_literal(v) for v in values)
    return value is not None and _quick_literal(value)


def _written_text(value: cst.BaseExpression) -> Optional[str]:
    """A command line as written: a string, an f-string (`f"taskkill /PID {pid}"`) or a
    `%`-formatted string (`"kill -9 %d" % pid`), with each formatted value read as one word."""
    text = string_value(value)
    if text is not None:
        return text
    if isinstance(value, cst.FormattedString):
        return "".join(part.value if isinstance(part, cst.FormattedStringText) else "X" for part in value.parts)
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Modulo):
        return string_value(value.left)
    return None


def _quick_literal(value: cst.BaseExpression) -> bool:
    text = _written_text(value)
    if text is not None:
        return _quick_command_line(text)
    if isinstance(value, (cst.List, cst.Tuple)):
        elements = value.elements
        if not elements or any(isinstance(e, cst.StarredElement) for e in elements):
            return False
        words = [string_value(e.value) for e in elements]
        if len(words) == 2 and words[1] in PROBE_FLAGS:
            return True
        if _python_probe(elements, words):
            return True
        if words[0] is not None and _program(words[0]) == LAUNCHER:
            return not _LAUNCHER_WAITS.intersection(words)  # a name is the file (a `*flags` is not read)
        return words[0] is not None and _program(words[0]) in QUICK_PROGRAMS
    return False


def _local_literals(ctx, name: str, call: cst.Call) -> Optional[List[cst.BaseExpression]]:
    """The literal lists, tuples or strings (f-strings and `%`-formatted ones too) a local name
    is bound to in the enclosing function, which also holds ``call``, when every binding of the
    name is one (`cmd = ("ps", "-p", pid)` in one branch, `cmd = ("tasklist", ...)` in the
    other; not a parameter, not extended with `+=`); None otherwise."""
    function = next((n for n in reversed(ctx.stack) if isinstance(n, cst.FunctionDef)), None)
    if function is None or name in _parameter_names(function):
        return None
    nodes = list(walk(function.body))
    if not any(node is call for node in nodes):
        return None  # the process was started elsewhere (a method that returned it)
    values = []
    for node in nodes:
        if isinstance(node, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            if any(isinstance(n, cst.Name) and n.value == name for t in targets for n in walk(t)):
                values.append(node.value if isinstance(node, (cst.Assign, cst.AnnAssign)) else None)
        elif isinstance(node, (cst.For, cst.CompFor)) and any(
                isinstance(n, cst.Name) and n.value == name for n in walk(node.target)):
            return None
        elif isinstance(node, (cst.NamedExpr, cst.AsName)) and any(
                isinstance(n, cst.Name) and n.value == name
                for n in walk(node.target if isinstance(node, cst.NamedExpr) else node.name)):
            return None
    if not values or any(v is None or not (isinstance(v, (cst.List, cst.Tuple)) or _written_text(v) is not None)
                         for v in values):
        return None
    return values


def _flag_like(element: cst.BaseElement) -> bool:
    """A literal option (`"-I"`), or an f-string that starts with one (`f"-{version}"`)."""
    value = element.value
    text = string_value(value)
    if text is not None:
        return text.startswith("-")
    if isinstance(value, cst.FormattedString) and value.parts and isinstance(value.parts[0], cst.FormattedStringText):
        return value.parts[0].value.startswith("-")
    return False


def _python_probe(elements, words) -> bool:
    """`[python, "-c", "import sys; print(sys.executable)"]` (options may stand before `-c`): the
    interpreter runs a literal snippet that imports and prints, with nothing that may wait."""
    if "-c" not in words[1:]:
        return False
    index = words.index("-c", 1)
    if index + 1 >= len(words) or words[index + 1] is None:
        return False
    if not all(_flag_like(e) for e in elements[1:index]):
        return False
    return _quick_snippet(words[index + 1])


def _quick_snippet(code: str) -> bool:
    """Python source that only imports and prints facts, or does nothing (`""`, `"pass"`: a probe
    that the interpreter starts): statements are imports, assignments
    and expressions, at least one import and one call, and no name that may wait (`input`,
    `sleep`, `urlopen`, `subprocess.run`, ...). A shell line (`sh -c "ls"`) is never one."""
    import ast

    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    if all(isinstance(stmt, ast.Pass) for stmt in tree.body):
        return True  # `[python, "-c", ""]`: does the interpreter start at all
    if not all(isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Expr, ast.Assign))
                                for stmt in tree.body):
        return False
    imports = calls = 0
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports += 1
            if any(alias.name.split(".")[0] in _SNIPPET_WAITS or alias.name.startswith(("socket", "urllib", "http"))
                   for alias in node.names):
                return False
        elif isinstance(node, ast.Call):
            calls += 1
        word = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if word in _SNIPPET_WAITS:
            return False
    return imports > 0 and calls > 0


def interactive_command(ctx, call: Optional[cst.Call]) -> bool:
    """The subprocess runs a program the user drives and quits: a pager or an editor (`man`,
    `less`, `vim`, ...), or the program named by `$EDITOR` / `$VISUAL` / `$PAGER`, read in the
    call or in a local name of the function (`editor = os.environ.get("EDITOR", "vi")`). The
    wait lasts as long as the person wants; a timeout would close their editor."""
    value = _command(call)
    if value is None:
        return False
    text = _leading_word(value)
    if text is not None:
        return _program(text) in INTERACTIVE_PROGRAMS
    if isinstance(value, cst.Name):
        # `cmd = shlex.split(pager); cmd.append(path)` with `pager = os.environ.get("PAGER") or "less"`
        return _names_user_program(ctx, value)
    if not isinstance(value, (cst.List, cst.Tuple)) or not value.elements:
        return False
    if isinstance(value.elements[0], cst.StarredElement):
        # `[*shlex.split(editor), path]`
        return _names_user_program(ctx, value.elements[0].value)
    first = value.elements[0].value
    word = string_value(first)
    if word is None and isinstance(first, cst.Name):
        word = _module_string(ctx, first.value)  # `MAN_COMMAND = "man"` at the top of the module
    if word is not None:
        return _program(word) in INTERACTIVE_PROGRAMS
    return _names_user_program(ctx, first)


def _module_string(ctx, name: str) -> Optional[str]:
    """The string a module-level `NAME = "..."` binds, when that is the module's only binding of
    the name and the enclosing function binds no local of that name."""
    function = next((n for n in reversed(ctx.stack) if isinstance(n, cst.FunctionDef)), None)
    if function is not None and (name in _parameter_names(function) or any(
            isinstance(small, (cst.Assign, cst.AnnAssign, cst.AugAssign)) and name in _assigned_names(small)
            for small in small_statements(function.body))):
        return None
    values = [small.value for small in small_statements(ctx.module.body)
              if isinstance(small, (cst.Assign, cst.AnnAssign)) and name in _assigned_names(small)]
    return string_value(values[0]) if len(values) == 1 and values[0] is not None else None


def _assigned_names(small: cst.CSTNode) -> List[str]:
    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
    return [t.value for t in targets if isinstance(t, cst.Name)]


def _leading_word(value: cst.BaseExpression) -> Optional[str]:
    """The first word of a shell line whose start is written out: `"less -R"`, `"less -R " +
    path`, `f"less -R {path}"`; None when the first word is not all literal."""
    text = None
    complete = True
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
        while isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
            value = value.left
        text, complete = string_value(value), False
    elif isinstance(value, cst.FormattedString):
        first = value.parts[0] if value.parts else None
        text = first.value if isinstance(first, cst.FormattedStringText) else None
        complete = len(value.parts) == 1
    else:
        text = string_value(value)
    if not text:
        return None
    words = text.split()
    if not words or (not complete and len(words) == 1 and not text[-1].isspace()):
        return None  # `"less" + suffix`: the first word goes on
    return words[0]


def _user_program_variable(text: Optional[str]) -> bool:
    return text is not None and (text in USER_PROGRAM_VARIABLES or text.endswith(_USER_PROGRAM_SUFFIXES))


def _reads_user_program(expr: cst.BaseExpression) -> bool:
    return any(_user_program_variable(string_value(node)) for node in walk(expr) if isinstance(node, cst.SimpleString))


def _names_user_program(ctx, expr: cst.BaseExpression) -> bool:
    """``expr`` names the user's editor or pager: it reads `$EDITOR` / `$VISUAL` / `$PAGER` (or a
    program's own `*_EDITOR` / `*_PAGER` variable), itself or through local names of the
    enclosing function each of whose assignments does so or falls back to a pager or editor
    by name (`c = os.environ.get("PAGER")`, `if not c: c = "less"`), also split into a
    command line (`cmd = shlex.split(c)`, `[c, path]`, `c.split() + [path]`)."""
    function = next((n for n in reversed(ctx.stack) if isinstance(n, cst.FunctionDef)), None)
    return _user_program_value(ctx, function, expr, 6)


def _local_values(function: cst.FunctionDef, name: str) -> Optional[List[cst.BaseExpression]]:
    """The values the function assigns to the local ``name`` (`=`, annotated, `:=`); None when
    it has none, when one is a bare annotation, or when a `for` or `with` binds the name (not a
    value the function chose). `+=` adds to a value and is not one."""
    values: List[Optional[cst.BaseExpression]] = []
    for small in small_statements(function.body):
        if isinstance(small, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == name
                                                 for t in small.targets):
            values.append(small.value)
        elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.target.value == name:
            values.append(small.value)
        elif isinstance(small, (cst.For, cst.With)) and any(
                isinstance(n, cst.Name) and n.value == name
                for target in _loop_or_with_targets(small) for n in walk(target)):
            return None
    for node in walk(function.body):
        if isinstance(node, cst.NamedExpr) and isinstance(node.target, cst.Name) and node.target.value == name:
            values.append(node.value)
        elif isinstance(node, cst.CompFor) and any(isinstance(n, cst.Name) and n.value == name
                                                   for n in walk(node.target)):
            return None
    if not values or any(v is None for v in values):
        return None
    return values


def _user_program_value(ctx, function: Optional[cst.FunctionDef], expr: cst.BaseExpression, depth: int) -> bool:
    if _reads_user_program(expr):
        return True
    text = string_value(expr)
    if text is not None:
        words = text.split()
        return bool(words) and _program(words[0]) in INTERACTIVE_PROGRAMS
    if depth <= 0 or function is None:
        return False
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        return _user_program_value(ctx, function, expr.left, depth - 1)  # `shlex.split(c) + [path]`
    if isinstance(expr, (cst.IfExp, cst.BooleanOperation)):
        # `self.get_hex_editor() if binary else self.get_editor()`: each value it may take
        parts = (expr.body, expr.orelse) if isinstance(expr, cst.IfExp) else (expr.left, expr.right)
        return all(_user_program_value(ctx, function, part, depth - 1) for part in parts)
    if isinstance(expr, (cst.List, cst.Tuple)):
        first = expr.elements[0] if expr.elements else None
        return first is not None and _user_program_value(ctx, function, first.value, depth - 1)
    if isinstance(expr, cst.Call) and _user_program_helper(ctx, expr, 2):
        return True  # `c = self.get_editor()`, whose body reads `$EDITOR`
    if isinstance(expr, cst.Call):
        split = ctx.qualified_name(expr.func) == "shlex.split" or (
            isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "split")
        if not split:
            return False
        source = expr.args[0].value if ctx.qualified_name(expr.func) == "shlex.split" and expr.args else (
            expr.func.value if isinstance(expr.func, cst.Attribute) else None)
        return source is not None and _user_program_value(ctx, function, source, depth - 1)
    if not isinstance(expr, cst.Name):
        return False
    name = expr.value
    values = _local_values(function, name)
    if values is None:
        return False
    if name in _parameter_names(function):
        # the caller's value is replaced on every path only when each assignment reads the variable
        return all(_reads_user_program(v) for v in values)
    return all(_user_program_value(ctx, function, v, depth - 1) for v in values)


def _helper_def(ctx, call: cst.Call) -> Optional[cst.FunctionDef]:
    """The def a call reaches in this file: a module-level function (`_get_editor()`), or a
    method of the enclosing class through `self.` (`self.get_editor()`)."""
    func = call.func
    if isinstance(func, cst.Name):
        body, name = ctx.module.body, func.value
    elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self":
        cls = next((n for n in reversed(ctx.stack) if isinstance(n, cst.ClassDef)), None)
        if cls is None:
            return None
        body, name = cls.body.body, func.attr.value
    else:
        return None
    found = [stmt for stmt in body if isinstance(stmt, cst.FunctionDef) and stmt.name.value == name]
    return found[0] if len(found) == 1 else None


def _user_program_helper(ctx, call: cst.Call, depth: int) -> bool:
    """The call reaches a helper of this file that looks up the user's editor or pager: its
    body reads `$EDITOR` / `$VISUAL` / `$PAGER` (or a program's own `*_EDITOR` variable), or it
    returns what such a helper returns (`get_hex_editor()` falling back on `self.get_editor()`)."""
    helper = _helper_def(ctx, call)
    if helper is None:
        return False
    if _reads_user_program(helper.body):
        return True
    return depth > 0 and any(
        isinstance(node.value, cst.Call) and _user_program_helper(ctx, node.value, depth - 1)
        for node in walk(helper.body) if isinstance(node, cst.Return) and node.value is not None)


def _loop_or_with_targets(stmt: cst.CSTNode) -> List[cst.CSTNode]:
    if isinstance(stmt, cst.For):
        return [stmt.target]
    return [item.asname.name for item in stmt.items if item.asname is not None]


def piped_from_quick(ctx, call: Optional[cst.Call]) -> bool:
    """`check_output(("grep", port), stdin=ls.stdout)` with `ls = Popen(("lsof", "-i"), ...)`: a
    standard filter that reads the output of a quick program ends when that program does."""
    value = _command(call)
    stdin = find_arg(call, "stdin") if call is not None else None
    if value is None or stdin is None:
        return False
    if isinstance(value, (cst.List, cst.Tuple)) and value.elements:
        word = string_value(value.elements[0].value)
    else:
        text = string_value(value)
        word = text.split()[0] if text and text.split() else None
    if word is None or _program(word) not in PIPE_FILTERS or any(ch in (string_value(value) or "") for ch in ";&`$<>|"):
        return False
    source = stdin.value
    if not (isinstance(source, cst.Attribute) and source.attr.value == "stdout"):
        return False
    producer = ctx.type_of(source.value)
    return producer is not None and producer.type == T.POPEN and quick_command(producer.origin)


def _binds(block: cst.CSTNode, name: str) -> bool:
    """``name`` is assigned somewhere under ``block`` (nested functions excluded)."""
    from .blocks import small_statements
    from .names import target_names

    for stmt in small_statements(block.body if hasattr(block, "body") else block):
        if isinstance(stmt, cst.Assign) and any(name in target_names(t.target) for t in stmt.targets):
            return True
        if isinstance(stmt, (cst.AnnAssign, cst.AugAssign)) and name in target_names(stmt.target):
            return True
    return False


def joined_by_executor(ctx, expr: Optional[cst.BaseExpression]) -> bool:
    """``expr`` (futures, or one future) is a name bound inside a `with <executor>:` block that
    has ended before the wait: leaving the block shut the executor down and waited for every
    future, so `as_completed(futures)`, `wait(futures)` and `fut.result()` return at once."""
    from .blocks import statements

    if not isinstance(expr, cst.Name):
        return False
    name = expr.value
    function = next((n for n in reversed(ctx.stack) if isinstance(n, cst.FunctionDef)), None)
    if function is None:
        return False
    ancestors = {id(n) for n in ctx.stack}
    for stmt in statements(function.body):
        if not isinstance(stmt, cst.With) or id(stmt) in ancestors:
            continue
        if not any((info := ctx.bindings.type_of(item.item, ctx.stack)) is not None and info.type == T.EXECUTOR
                   for item in stmt.items):
            continue
        if _binds(stmt.body, name):
            return True
    return False


def emptiness_checked(ctx, receiver: cst.BaseExpression) -> bool:
    """`if not q.empty(): q.get()` / `while q.qsize():`: the get sits under a test that the
    same queue holds an item, so it returns at once (one consumer)."""
    code = ctx.module.code_for_node(receiver)
    for node in reversed(ctx.stack[:-1]):
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            return False
        test = node.test if isinstance(node, (cst.If, cst.While)) else None
        if test is None:
            continue
        negated = {id(inner) for op in find_all(test, cst.UnaryOperation) if isinstance(op.operator, cst.Not)
                   for inner in find_all(op.expression, cst.Call)}
        # `q.empty() is False` / `q.empty() == False` / `q.empty() is not True` say "not empty" too
        compared_false = {id(cmp.left) for cmp in find_all(test, cst.Comparison) if len(cmp.comparisons) == 1
                          and _says_false(cmp.comparisons[0])}
        for call in find_all(test, cst.Call):
            func = call.func
            if not (isinstance(func, cst.Attribute) and ctx.module.code_for_node(func.value) == code):
                continue
            if func.attr.value == "qsize" or (func.attr.value == "empty" and (
                    id(call) in negated or id(call) in compared_false)):
                return True
    return False


def _says_false(target: cst.ComparisonTarget) -> bool:
    """`is False`, `== False`, `is not True`, `!= True`."""
    value = target.comparator
    if not isinstance(value, cst.Name) or value.value not in ("True", "False"):
        return False
    positive = isinstance(target.operator, (cst.Is, cst.Equal))
    return positive == (value.value == "False")


def sentinel_consumer(ctx, call: cst.Call) -> bool:
    """`while True: job = q.get(); if job is None: break`: a worker that waits for work until
    its producer sends the end marker (the marker's branch may clean up before it leaves the
    loop: `thread.join(); return`; the item may be unpacked, with the marker in one of its
    fields: `kind, entry = q.get(); if entry == QUIT: break`; the marker may be the loop's own
    test: `while (job := q.get()) is not STOP:`). Waiting without a bound is the design of such a loop (a
    timeout would only make it go round); the rule leaves it to the producer's side."""
    assign = ctx.parent()
    if isinstance(assign, cst.NamedExpr):
        # `while (chunk := q.get()) is not EOF:`: the loop's own test is the end marker
        test, loop = ctx.parent(2), ctx.parent(3)
        return isinstance(test, cst.Comparison) and test.left is assign and len(test.comparisons) == 1 \
            and isinstance(test.comparisons[0].operator, (cst.IsNot, cst.NotEqual)) \
            and isinstance(loop, cst.While) and loop.test is test
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return False
    target = assign.targets[0].target
    if isinstance(target, cst.Name):
        names = {target.value}
    elif isinstance(target, (cst.Tuple, cst.List)) and target.elements and all(
            isinstance(e, cst.Element) and isinstance(e.value, cst.Name) for e in target.elements):
        names = {e.value.value for e in target.elements}  # `kind, entry, extras = q.get()`: a marker in a field
    else:
        return False
    loop = next((n for n in reversed(ctx.stack) if isinstance(n, (cst.While, cst.For, cst.FunctionDef))), None)
    if not isinstance(loop, cst.While):
        return False
    for node in find_all(loop.body, cst.If):
        test = node.test
        tested = None
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(
                test.comparisons[0].operator, (cst.Is, cst.Equal)):
            tested = test.left
        elif isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            tested = test.expression
        if not (isinstance(tested, cst.Name) and tested.value in names):
            continue
        # the marker's branch leaves the loop, at once or after some cleanup (`thread.join()`,
        # `session.close()`, then `break` / `return` / `raise`)
        for stmt in node.body.body:
            smalls = stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ()
            if any(isinstance(small, (cst.Break, cst.Return, cst.Raise)) for small in smalls):
                return True
    return False


def _is_sigkill(ctx, expr: cst.BaseExpression, function: cst.FunctionDef) -> bool:
    """`signal.SIGKILL`, or a local name some assignment of the function sets to it."""
    from .blocks import small_statements

    if (dotted_name(expr) or "").rsplit(".", 1)[-1] == "SIGKILL":
        return True
    if not isinstance(expr, cst.Name):
        return False
    for small in small_statements(function.body):
        if isinstance(small, cst.Assign) and any(
                isinstance(t.target, cst.Name) and t.target.value == expr.value for t in small.targets):
            if (dotted_name(small.value) or "").rsplit(".", 1)[-1] == "SIGKILL":
                return True
    return False


def _bound_again(ctx, function: cst.FunctionDef, code: str) -> bool:
    """The receiver written ``code`` (`p`, `self.proc`) is bound more than once in the function
    (`p = Popen(a); p.communicate(); p = Popen(b); p.communicate()`): an earlier wait on the
    name may have been on another process."""
    count = 0
    for node in walk(function.body):
        targets = []
        if isinstance(node, cst.Assign):
            targets = [t.target for t in node.targets]
        elif isinstance(node, (cst.AnnAssign, cst.AugAssign)):
            targets = [node.target]
        elif isinstance(node, cst.For):
            targets = [node.target]
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            targets = [node.asname.name]
        elif isinstance(node, cst.NamedExpr):
            targets = [node.target]
        for target in targets:
            for part in walk(target):
                if isinstance(part, (cst.Name, cst.Attribute)) and ctx.module.code_for_node(part) == code:
                    count += 1
    return count > 1


def _ended_just_before(ctx, code: str) -> bool:
    """A statement that runs before the wait on every path to it (an earlier statement of the
    wait's block, or of a block around it) already waited for the same process: `out, err =
    proc.communicate()` then `proc.wait()`. Had that first wait timed out, its exception would
    have left those blocks; since the wait is reached, the child has ended. (A wait in a branch
    beside the one holding the wait does not count: `if x: p.communicate(data) else:
    p.communicate()`.)"""
    stack = ctx.stack
    for index in range(len(stack) - 2, -1, -1):
        block, child = stack[index], stack[index + 1]
        if isinstance(block, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return False
        if not isinstance(block, (cst.IndentedBlock, cst.Module)):
            continue
        for stmt in block.body:
            if stmt is child:
                break
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for call in find_all(stmt, cst.Call):
                func = call.func
                if isinstance(func, cst.Attribute) and func.attr.value in ("communicate", "wait") \
                        and ctx.module.code_for_node(func.value) == code:
                    return True
    return False


def killed_before(ctx, receiver: cst.BaseExpression) -> bool:
    """Earlier in the function the process was killed: `proc.kill()`, or `os.kill(proc.pid,
    SIGKILL)` / `os.killpg(...)` with SIGKILL (also through a local `sig = signal.SIGKILL`).
    A `wait()`/`communicate()` after that returns once the kernel has reaped it, as in the
    documented `except TimeoutExpired: proc.kill(); proc.communicate()`. Also when a statement
    that runs before it on every path already waited for the end (`out, err =
    proc.communicate()` then `proc.wait()`): the first wait is the one reported."""
    from .blocks import statements

    function = next((n for n in reversed(ctx.stack) if isinstance(n, cst.FunctionDef)), None)
    if function is None:
        return False
    code = ctx.module.code_for_node(receiver)
    ancestors = {id(n) for n in ctx.stack}
    rebound = _bound_again(ctx, function, code)
    if not rebound and _ended_just_before(ctx, code):
        return True
    for stmt in statements(function.body):
        if id(stmt) in ancestors:
            if isinstance(stmt, cst.SimpleStatementLine):
                return False  # the wait's own line: nothing after it counts
            continue
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for call in find_all(stmt, cst.Call):
            func = call.func
            if isinstance(func, cst.Attribute) and func.attr.value == "kill" and not call.args \
                    and ctx.module.code_for_node(func.value) == code:
                return True
            if ctx.qualified_name(func) in ("os.kill", "os.killpg") and len(call.args) >= 2:
                target = ctx.module.code_for_node(call.args[0].value)
                if (code in target or func.attr.value == "killpg") and _is_sigkill(ctx, call.args[1].value, function):
                    return True
    return False


# -- `timeout=None` handed to the project's own wrapper ------------------------------------

@dataclass(frozen=True)
class Forwarded:
    """`fetch(url, timeout=None)`: the wrapper called, the argument as written, and the network
    call the wrapper passes it to unchanged."""

    wrapper: str
    keyword: str
    inner: TimeoutArg


def _wrapper_def(ctx, call: cst.Call):
    """(def, scope) of the function ``call`` calls when it is a module-level function of this
    file (not shadowed by a parameter or local of the functions around the call) or a method of
    the class around it called through `self` / `cls`; else None."""
    from .names import target_names

    func = call.func
    if isinstance(func, cst.Name):
        found = [stmt for stmt in ctx.bindings.module_defs().values()
                 if isinstance(stmt, cst.FunctionDef) and stmt.name.value == func.value]
        if not found:
            return None  # not a function of this module (the common case): nothing to look through
        for node in ctx.stack[:-1]:
            if isinstance(node, (cst.FunctionDef, cst.Lambda)):
                params = node.params
                if any(p.name.value == func.value for p in [*params.posonly_params, *params.params,
                                                            *params.kwonly_params]):
                    return None
            if isinstance(node, cst.FunctionDef):
                for stmt in small_statements(node.body):
                    for target in assignment_targets(stmt):
                        if func.value in target_names(target):
                            return None
        found = [stmt for stmt in ctx.module.body
                 if isinstance(stmt, cst.FunctionDef) and stmt.name.value == func.value]
        return (found[0], [ctx.module, found[0]]) if len(found) == 1 else None
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"):
        cls = None
        for node in reversed(ctx.stack[:-1]):
            if isinstance(node, cst.ClassDef):
                cls = node
                break
        if cls is None or not any(cls is stmt for stmt in ctx.module.body):
            return None
        for klass in ctx.bindings.module_bases(cls):
            body = klass.body.body if isinstance(klass.body, cst.IndentedBlock) else ()
            found = [stmt for stmt in body if isinstance(stmt, cst.FunctionDef) and stmt.name.value == func.attr.value]
            if found:
                return (found[0], [ctx.module, klass, found[0]]) if len(found) == 1 else None
    return None


def _none_parameters(call: cst.Call, wrapper: cst.FunctionDef, method: bool) -> Dict[str, str]:
    """The wrapper's parameters ``call`` passes a literal `None` to: parameter -> the keyword as
    written (or the parameter's name for a positional argument); keywords the wrapper does not
    name go to its `**kwargs` under the key ``"**"`` + keyword."""
    params = wrapper.params
    positional = [*params.posonly_params, *params.params]
    if method:
        positional = positional[1:]
    named = {p.name.value for p in [*positional, *params.kwonly_params]}
    out: Dict[str, str] = {}
    index = 0
    for arg in call.args:
        if arg.star:
            return {}  # `*args` / `**kwargs` at the call: positions and keys are unknown
        if arg.keyword is None:
            if index < len(positional) and is_none(arg.value):
                out[positional[index].name.value] = positional[index].name.value
            index += 1
            continue
        if not is_none(arg.value):
            continue
        word = arg.keyword.value
        if word in named:
            out[word] = word
        elif isinstance(params.star_kwarg, cst.Param):
            out["**" + word] = word
    return out


def forwarded_timeout(ctx, call: cst.Call) -> Optional[Forwarded]:
    """`fetch(url, timeout=None)` (or `self._request(..., timeout=None)`) where ``fetch`` is a
    function of this module that passes that parameter, never rebound, as the timeout of a
    network call RES101 knows (`requests.get(url, timeout=timeout)`), or passes its `**kwargs`
    on to one: the `None` switches that call's timeout off."""
    from .names import target_names

    if not any(is_none(arg.value) for arg in call.args):
        return None
    found = _wrapper_def(ctx, call)
    if found is None:
        return None
    wrapper, scope = found
    given = _none_parameters(call, wrapper, len(scope) == 3)
    if not given:
        return None
    star_kwargs = wrapper.params.star_kwarg.name.value if isinstance(wrapper.params.star_kwarg, cst.Param) else None
    rebound = set()
    for stmt in small_statements(wrapper.body):
        for target in assignment_targets(stmt):
            rebound.update(target_names(target))
    for inner in walk(wrapper.body):
        if not isinstance(inner, cst.Call):
            continue
        spec = _network_spec(ctx, inner, scope)
        if spec is None or spec.none_is_default:
            continue
        arg = find_arg(inner, spec.keyword, spec.position)
        if arg is not None and isinstance(arg.value, cst.Name) and arg.value.value in given \
                and arg.value.value not in rebound:
            return Forwarded(_written(call), given[arg.value.value], spec)
        if arg is None and star_kwargs is not None and star_kwargs not in rebound \
                and given.get("**" + spec.keyword) == spec.keyword \
                and any(a.star == "**" and isinstance(a.value, cst.Name) and a.value.value == star_kwargs
                        for a in inner.args):
            return Forwarded(_written(call), spec.keyword, spec)
    return None


def _written(call: cst.Call) -> str:
    return dotted_name(call.func) or "the wrapper"


def _network_spec(ctx, call: cst.Call, scope) -> Optional[TimeoutArg]:
    """The table entry of a network call seen inside another function (``scope``)."""
    qualified = ctx.qualified_name(call.func)
    if qualified is not None and qualified in DISABLEABLE_FUNCTIONS:
        return DISABLEABLE_FUNCTIONS[qualified]
    if isinstance(call.func, cst.Attribute):
        receiver = ctx.bindings.type_of(call.func.value, scope)
        if receiver is not None:
            return DISABLEABLE_METHODS.get((receiver.type, call.func.attr.value))
    return None


# -- waits whose caller chose to wait (RES103) -----------------------------------------------

# words of a parameter that bounds the function's waits
_BOUND_WORDS = ("timeout", "deadline")
# the last word of a method that is itself a blocking primitive, as the standard library's are
PRIMITIVE_VERBS = frozenset({"acquire", "get", "accept", "wait", "join", "recv", "receive", "take", "result",
                             "dequeue", "next", "lock"})


def _enclosing_function(ctx) -> Optional[cst.FunctionDef]:
    return next((n for n in reversed(ctx.stack[:-1]) if isinstance(n, cst.FunctionDef)), None)


def _parameter_names(function: cst.FunctionDef) -> List[str]:
    params = function.params
    names = [p.name.value for p in [*params.posonly_params, *params.params, *params.kwonly_params]]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.append(star.name.value)
    return names


def _bound_parameters(function: cst.FunctionDef) -> "frozenset[str]":
    """The function's parameters that name a bound: `timeout`, `read_timeout`, `deadline`."""
    return frozenset(name for name in _parameter_names(function) if any(w in name.lower() for w in _BOUND_WORDS))


def _is_zero(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, (cst.Integer, cst.Float)) and float(expr.value) == 0


def _tested(test: cst.BaseExpression, bound) -> Optional[bool]:
    """What ``test`` says of a bound the caller chose (``bound(expr)`` tells which names or
    attributes hold one): False for "not set" (`t is None`, `not t`, `t == None`, `t == 0`),
    True for "set" (`t`, `t is not None`, `t != None`, `t != 0`), None for anything else."""
    if isinstance(test, (cst.Name, cst.Attribute)):
        return True if bound(test) else None
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _tested(test.expression, bound)
        return None if inner is None else not inner
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and bound(test.left):
        comparator = test.comparisons[0].comparator
        operator = test.comparisons[0].operator
        if is_none(comparator) or (_is_zero(comparator) and isinstance(operator, (cst.Equal, cst.NotEqual))):
            if isinstance(operator, (cst.Is, cst.Equal)):
                return False
            if isinstance(operator, (cst.IsNot, cst.NotEqual)):
                return True
    return None


def unbounded_on_request(ctx) -> bool:
    """The wait runs only where the function's own timeout parameter asks for no bound: in the
    branch of `if timeout is None:` (or `not timeout`, `timeout == 0`, or the `else` of `if
    timeout:`), the same as passing `timeout=timeout` on; the caller chose to wait for as long as
    it takes. A timeout the object was configured with counts the same (`if self._put_timeout is
    None:` in a method): the caller chose it when it built the object."""
    function = _enclosing_function(ctx)
    if function is None:
        return False
    names = _bound_parameters(function)
    params = _parameter_names(function)
    this = params[0] if params and _is_method(ctx, function) else None

    def bound(expr: cst.BaseExpression) -> bool:
        if isinstance(expr, cst.Name):
            return expr.value in names
        return this is not None and isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) \
            and expr.value.value == this and any(w in expr.attr.value.lower() for w in _BOUND_WORDS)

    if not names and this is None:
        return False
    stack = ctx.stack
    start = next(i for i in range(len(stack) - 1, -1, -1) if stack[i] is function)
    for index in range(start + 1, len(stack) - 1):
        node = stack[index]
        if not isinstance(node, cst.If):
            continue
        said = _tested(node.test, bound)
        if said is None:
            continue
        branch = stack[index + 1]
        if (said is False and branch is node.body) or (said is True and branch is node.orelse):
            return True
    return False


def _is_method(ctx, function: cst.FunctionDef) -> bool:
    """``function`` is defined directly in a class body, and is no static method."""
    index = next(i for i in range(len(ctx.stack) - 1, -1, -1) if ctx.stack[i] is function)
    owner = ctx.stack[index - 2] if index >= 2 else None
    return isinstance(owner, cst.ClassDef) and not any(
        (dotted_name(d.decorator) or "") == "staticmethod" for d in function.decorators)


def _is_poll(expr: cst.BaseExpression, code: str, module: cst.Module, polled) -> bool:
    """`proc.poll()` on the process written ``code``, or a name the loop assigned it to."""
    if isinstance(expr, cst.Name):
        return expr.value in polled
    return isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "poll" \
        and module.code_for_node(expr.func.value) == code


def _says_exited(test: cst.BaseExpression, code: str, module: cst.Module, polled) -> bool:
    """`proc.poll() is not None` / `rc is not None` (with `rc = proc.poll()`), alone or as one
    term of an `and`: the test holds only once the process has ended."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _says_exited(test.left, code, module, polled) or _says_exited(test.right, code, module, polled)
    return isinstance(test, cst.Comparison) and len(test.comparisons) == 1 \
        and isinstance(test.comparisons[0].operator, cst.IsNot) and is_none(test.comparisons[0].comparator) \
        and _is_poll(test.left, code, module, polled)


def _breaks_after_exit(block: cst.CSTNode, code: str, module: cst.Module, polled, guarded: bool) -> Optional[int]:
    """The number of `break`s of the loop whose body is ``block`` (nested loops and functions
    left out), or None when one of them is not under a test that the process has ended."""
    count = 0
    for stmt in getattr(block, "body", ()):
        if isinstance(stmt, cst.SimpleStatementLine):
            if any(isinstance(small, cst.Break) for small in stmt.body):
                if not guarded:
                    return None
                count += 1
            continue
        if isinstance(stmt, (cst.For, cst.While, cst.FunctionDef, cst.ClassDef)):
            continue
        if isinstance(stmt, cst.If):
            branches = [(stmt.body, guarded or _says_exited(stmt.test, code, module, polled))]
            orelse = stmt.orelse
            while orelse is not None:
                if isinstance(orelse, cst.If):
                    branches.append((orelse.body, guarded or _says_exited(orelse.test, code, module, polled)))
                    orelse = orelse.orelse
                else:
                    branches.append((orelse.body, guarded))
                    orelse = None
        else:
            branches = [(b, guarded) for b in _blocks_of(stmt)]
        for body, inner_guarded in branches:
            found = _breaks_after_exit(body, code, module, polled, inner_guarded)
            if found is None:
                return None
            count += found
    return count


def _blocks_of(stmt: cst.CSTNode) -> List[cst.CSTNode]:
    """The blocks of a `try` or `with` statement (handlers, `else`, `finally` included)."""
    blocks = [stmt.body] if isinstance(getattr(stmt, "body", None), cst.BaseSuite) else []
    for handler in getattr(stmt, "handlers", ()) or ():
        blocks.append(handler.body)
    for name in ("orelse", "finalbody"):
        extra = getattr(stmt, name, None)
        if extra is not None and isinstance(getattr(extra, "body", None), cst.BaseSuite):
            blocks.append(extra.body)
    return blocks


def _polls_until_exit(loop: cst.CSTNode, code: str, module: cst.Module) -> bool:
    """A loop that ends only once the process has (or raises): `while proc.poll() is None:`
    with no `break`, or `while True:` whose every `break` is under a test that the process has
    ended (`rc = proc.poll()` ... `if not line and rc is not None: break`)."""
    if not isinstance(loop, cst.While):
        return False
    polled = {t.target.value for small in small_statements(loop.body) if isinstance(small, cst.Assign)
              and _is_poll(small.value, code, module, ()) for t in small.targets if isinstance(t.target, cst.Name)}
    test = loop.test
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 \
            and isinstance(test.comparisons[0].operator, cst.Is) and is_none(test.comparisons[0].comparator) \
            and _is_poll(test.left, code, module, ()):
        return _breaks_after_exit(loop.body, code, module, polled, False) == 0
    if isinstance(test, cst.Name) and test.value == "True" and polled:
        return bool(_breaks_after_exit(loop.body, code, module, polled, False))
    return False


def polled_until_exit(ctx, receiver: cst.BaseExpression) -> bool:
    """Before the wait, the function polled the same process until it ended (`while
    proc.poll() is None: ...` with no `break`, or `while True:` leaving only once
    `rc = proc.poll()` is not None), either always or when its timeout parameter is
    set (`if timeout:`, whose other path is the caller's choice of no bound): then
    `communicate()` / `wait()` only collects what the finished child left."""
    function = _enclosing_function(ctx)
    if function is None:
        return False
    code = ctx.module.code_for_node(receiver)
    names = _bound_parameters(function)
    stack = ctx.stack
    start = next(i for i in range(len(stack) - 1, -1, -1) if stack[i] is function)
    for index in range(start + 1, len(stack) - 1):
        block = stack[index]
        if not isinstance(block, cst.IndentedBlock):
            continue
        child = stack[index + 1]
        for stmt in block.body:
            if stmt is child:
                break
            if _polls_until_exit(stmt, code, ctx.module):
                return True
            if isinstance(stmt, cst.If) and names and _tested(
                    stmt.test, lambda e: isinstance(e, cst.Name) and e.value in names) is True and any(
                    _polls_until_exit(inner, code, ctx.module) for inner in getattr(stmt.body, "body", ())):
                return True
    return False


# calls that end a wait on the same object: the other half of a primitive
_SIGNALS = frozenset({"notify", "notify_all", "notifyAll", "put", "put_nowait", "set", "release",
                      "set_result", "set_exception"})


def blocking_primitive(ctx, receiver: cst.BaseExpression) -> bool:
    """The wait is the blocking half of a primitive the class implements: a method named as
    the standard library's blocking calls are (its last word `acquire`, `get`, `accept`,
    `wait`, `join`, `result`, ...), taking no timeout, waiting on the object's own state
    (`self._cond`), whose class also holds the other half,
    a call that ends the same wait (`self._cond.notify()` in `release`, `self._q.put(...)` in
    `put`). Like `Queue.get()` or `Lock.acquire()`, it promises to block until it can answer,
    and the bound, if one is needed, belongs to its callers."""
    found = _waits_on_own_state(ctx, receiver)
    if found is None:
        return False
    function, _, cls = found
    words = [w for w in function.name.value.split("_") if w]
    if not words or words[-1] not in PRIMITIVE_VERBS:
        return False
    if any(any(w in name.lower() for w in (*_BOUND_WORDS, "block")) for name in _parameter_names(function)):
        return False
    return _class_calls_on(ctx, cls, receiver, _SIGNALS)


def monitor_wait(ctx, receiver: cst.BaseExpression) -> bool:
    """`while True: ... while not self.queue and not self.stopping: self.queue_cv.wait()`: a
    worker's run loop waits on its object's own condition variable in the loop that tests the
    object's state, and the class notifies that condition elsewhere (`self.queue_cv.notify()`
    where work is added or the pool stops). That is a worker idling until there is work, the
    design of a pool: a timeout would only make it go round the loop. Without the run loop
    around it (a caller waiting for a reply, for capacity, for pending work to finish), the
    wait is still reported."""
    found = _waits_on_own_state(ctx, receiver)
    if found is None:
        return False
    _, index, cls = found
    owner = receiver.value.value  # `self`
    stack = ctx.stack
    position = next((i for i in range(len(stack) - 1, index, -1) if isinstance(stack[i], (cst.While, cst.For))), None)
    if position is None or not isinstance(stack[position], cst.While):
        return False
    loop = stack[position]
    if not any(isinstance(n.value, cst.Name) and n.value.value == owner for n in find_all(loop.test, cst.Attribute)):
        return False  # not the loop that re-tests the object's state after each wake-up
    if not any(n is loop.body for n in stack[position + 1:]):
        return False  # in the loop's body, not its test or `else`
    if not any(isinstance(n, cst.While) for n in stack[index + 1:position]):
        return False  # a worker's run loop around it: a caller waiting for one event still counts
    return _class_calls_on(ctx, cls, receiver, frozenset({"notify", "notify_all", "notifyAll"}))


def _waits_on_own_state(ctx, receiver: cst.BaseExpression):
    """(the method, its place on the stack, its class) when the wait is in a method directly in
    its class and its receiver is the object's own state (`self._cond`, `self._queue`)."""
    function = _enclosing_function(ctx)
    if function is None:
        return None
    index = next(i for i in range(len(ctx.stack) - 1, -1, -1) if ctx.stack[i] is function)
    cls = ctx.stack[index - 2] if index >= 2 else None
    names = _parameter_names(function)
    if not isinstance(cls, cst.ClassDef) or not names:
        return None
    if not (isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name)
            and receiver.value.value == names[0]):
        return None
    return function, index, cls


def _class_calls_on(ctx, cls: cst.ClassDef, receiver: cst.BaseExpression, methods) -> bool:
    """Somewhere in the class, one of ``methods`` is called on the same receiver (`self._cond.notify()`)."""
    code = ctx.module.code_for_node(receiver)
    return any(isinstance(call.func, cst.Attribute) and call.func.attr.value in methods
               and ctx.module.code_for_node(call.func.value) == code for call in find_all(cls, cst.Call))


# calls that end the program with the status they are given (click's and typer's `Exit` end
# the command line program with its `code`)
_EXITS = frozenset({"sys.exit", "os._exit", "builtins.exit", "builtins.quit", "builtins.SystemExit", "SystemExit",
                    "exit", "quit", "click.exceptions.Exit", "click.Exit", "typer.Exit"})
_EXIT_KEYWORDS = frozenset({"code", "status", "arg"})


def hands_over(ctx) -> bool:
    """The program hands over to the child: the wait's exit status is the program's own
    (`sys.exit(subprocess.call(cmd))`, `raise SystemExit(subprocess.run(cmd).returncode)`,
    `os._exit(proc.wait())`, `raise click.exceptions.Exit(code=...)`), as `os.exec*` would do;
    also through a local name the next statement exits with (`result = subprocess.run(cmd)`,
    `raise typer.Exit(result.returncode)`), and through a function of the module that returns
    the status, every call of which hands it over so (`return subprocess.call([binary, *args])`
    in a helper only ever called as `sys.exit(run_binary(args))`). The child is the rest of
    the program's life (a launcher, `tool run app` on a platform with no exec, a pass-through
    to the wrapped program); a timeout would kill it."""
    return _status_handed_over(ctx, list(ctx.stack), 2)


def _is_exit(ctx, call: cst.CSTNode) -> bool:
    if not isinstance(call, cst.Call) or len(call.args) != 1 or call.args[0].star:
        return False
    return (ctx.qualified_name(call.func) or dotted_name(call.func)) in _EXITS


def _exits_with(ctx, stmt: cst.CSTNode, name: str) -> bool:
    """``stmt`` is `sys.exit(name)` / `raise SystemExit(name.returncode)` / `raise Exit(code=name)`."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return False
    small = stmt.body[0]
    call = small.value if isinstance(small, cst.Expr) else small.exc if isinstance(small, cst.Raise) else None
    if not _is_exit(ctx, call):
        return False
    arg = call.args[0]
    if arg.keyword is not None and arg.keyword.value not in _EXIT_KEYWORDS:
        return False
    value = arg.value
    if isinstance(value, cst.Attribute) and value.attr.value == "returncode":
        value = value.value
    return isinstance(value, cst.Name) and value.value == name


def _status_handed_over(ctx, stack: List[cst.CSTNode], depth: int) -> bool:
    """The status of the call at the end of ``stack`` (its ancestors) ends the program."""
    index = len(stack) - 1
    node = stack[index]
    parent = stack[index - 1] if index >= 1 else None
    if isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value == "returncode":
        index -= 1
        node = parent
        parent = stack[index - 1] if index >= 1 else None
    if isinstance(parent, cst.Arg) and parent.value is node and (
            parent.keyword is None or parent.keyword.value in _EXIT_KEYWORDS):
        return index >= 2 and _is_exit(ctx, stack[index - 2])
    if isinstance(parent, cst.Assign) and parent.value is node and len(parent.targets) == 1 \
            and isinstance(parent.targets[0].target, cst.Name) and index >= 3:
        # `result = subprocess.run(cmd)` then, as the next statement, `raise Exit(result.returncode)`
        line, block = stack[index - 2], stack[index - 3]
        body = list(getattr(block, "body", ()))
        position = next((i for i, stmt in enumerate(body) if stmt is line), None)
        return position is not None and position + 1 < len(body) and _exits_with(
            ctx, body[position + 1], parent.targets[0].target.value)
    if isinstance(parent, cst.Return) and parent.value is node and depth > 0:
        return _helper_handed_over(ctx, stack[:index - 1], depth - 1)
    return False


def _helper_handed_over(ctx, stack: List[cst.CSTNode], depth: int) -> bool:
    """The function at the top of ``stack`` returns the status, is defined at module level, and
    every use of its name in the module is a call whose status ends the program (at least one)."""
    function = next((n for n in reversed(stack) if isinstance(n, (cst.FunctionDef, cst.Lambda))), None)
    if not isinstance(function, cst.FunctionDef) or not any(function is stmt for stmt in ctx.module.body):
        return False
    name = function.name.value
    uses = [path for path in _paths_to_names(ctx.module, name) if path[-1] is not function.name]
    if not uses:
        return False
    for path in uses:
        call = path[-2] if len(path) >= 2 else None
        if not (isinstance(call, cst.Call) and call.func is path[-1]):
            return False  # passed on, stored, rebound: not only called
        if not _status_handed_over(ctx, path[:-1], depth):
            return False
    return True


def _paths_to_names(root: cst.CSTNode, name: str) -> List[List[cst.CSTNode]]:
    """The ancestor chains (``root`` first) of every `Name` node spelling ``name`` under ``root``."""
    parents: Dict[int, cst.CSTNode] = {}
    found = []
    pending = [root]
    while pending:  # iterative: a long chain of `+` nests deeper than the recursion limit
        node = pending.pop()
        if isinstance(node, cst.Name):
            if node.value == name:
                found.append(node)
            continue
        for child in node.children:
            parents[id(child)] = node
            pending.append(child)
    paths = []
    for node in found:
        path = [node]
        while id(path[-1]) in parents:
            path.append(parents[id(path[-1])])
        paths.append(path[::-1])
    return paths


# calls that register a function to run when the process receives a signal
_SIGNAL_REGISTRARS = frozenset({"signal.signal"})
_SIGNAL_REGISTRAR_METHODS = frozenset({"add_signal_handler"})


def set_only_by_signal(ctx, receiver: cst.BaseExpression) -> bool:
    """`exit_event.wait()` on a module-level event whose only `set()` calls in the module are in
    functions the module registers as signal handlers (`signal.signal(signal.SIGTERM, stop)`,
    `loop.add_signal_handler(SIGINT, stop)`): the thread idles until the process is told to
    stop, which is the wait's purpose; a timeout would only make it go round."""
    if not isinstance(receiver, cst.Name) or not any(
            isinstance(stmt, cst.SimpleStatementLine) and any(
                isinstance(small, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == receiver.value
                                                      for t in small.targets) for small in stmt.body)
            for stmt in ctx.module.body):
        return False
    handlers = set()
    for call in find_all(ctx.module, cst.Call):
        if ctx.qualified_name(call.func) in _SIGNAL_REGISTRARS or (
                isinstance(call.func, cst.Attribute) and call.func.attr.value in _SIGNAL_REGISTRAR_METHODS):
            positional = [a.value for a in call.args if a.keyword is None and not a.star]
            if len(positional) >= 2:
                handler = positional[1]
                name = handler.value if isinstance(handler, cst.Name) else (
                    handler.attr.value if isinstance(handler, cst.Attribute) else None)
                if name:
                    handlers.add(name)
    if not handlers:
        return False
    by_handlers = 0
    for stmt in ctx.module.body:
        sets = sum(1 for call in find_all(stmt, cst.Call)
                   if isinstance(call.func, cst.Attribute) and call.func.attr.value == "set"
                   and isinstance(call.func.value, cst.Name) and call.func.value.value == receiver.value)
        if sets and not (isinstance(stmt, cst.FunctionDef) and stmt.name.value in handlers):
            return False  # set by code that is not a signal handler
        by_handlers += sets
    return by_handlers > 0


# the base classes of a `setup.py` command (`python setup.py man`): setuptools' and
# distutils' `Command`, and the commands they ship (`setuptools.command.build_py.build_py`)
_BUILD_COMMAND_BASES = frozenset({"setuptools.Command", "setuptools.command.Command", "distutils.cmd.Command",
                                  "distutils.core.Command"})
_BUILD_COMMAND_MODULES = ("setuptools.command.", "distutils.command.")


def in_build_command(ctx) -> bool:
    """The wait sits in a method of a `setup.py` command class (a subclass of setuptools' or
    distutils' `Command`, or of one of the commands they ship): a developer runs it at a
    terminal (`python setup.py rpm`) and watches it; Ctrl-C is theirs, and nothing in
    production waits on it."""
    for node in reversed(ctx.stack):
        if isinstance(node, cst.ClassDef):
            for base in node.bases:
                name = ctx.qualified_name(base.value) or ""
                if name in _BUILD_COMMAND_BASES or name.startswith(_BUILD_COMMAND_MODULES):
                    return True
    return False


def idles_forever(ctx) -> bool:
    """`while True: job = q.get(); handle(job)` with no `break` or `return` in the loop: a
    worker (a daemon's closer, a telemetry sender, a scheduler waiting for due tasks) that
    idles on its queue, event or condition until there is work, in a loop meant never to end.
    A timeout would only make it go round; nothing waits for the loop to finish. A generator's
    loop (`yield`) is driven by its consumer and is still reported; so is a loop that can leave."""
    stack = ctx.stack
    loop = None
    for node in reversed(stack[:-1]):
        if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.For)):
            return False
        if isinstance(node, cst.While):
            loop = node
            break
    if loop is None or not any(n is loop.body for n in stack) or not always_true(loop.test):
        return False
    function = next((n for n in reversed(stack) if isinstance(n, (cst.FunctionDef, cst.Lambda))), None)
    if function is not None and any(isinstance(n, (cst.Yield, cst.Await)) for n in walk(function.body)):
        return False
    return not _leaves(loop.body)


def _leaves(body: cst.CSTNode) -> bool:
    """A `return` anywhere in ``body``, or a `break` of the loop whose body it is (not of a loop in it)."""
    pending = [(body, False)]
    while pending:
        node, nested = pending.pop()
        if isinstance(node, cst.Return) or (isinstance(node, cst.Break) and not nested):
            return True
        for child in node.children:
            if isinstance(child, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
                continue
            inner = nested or (isinstance(node, (cst.For, cst.While)) and child is node.body)
            pending.append((child, inner))
    return False


def done_callback_future(ctx, receiver: cst.BaseExpression) -> bool:
    """`def _on_done(self, future): future.result()` where the function is given to
    `add_done_callback` in the module (itself, `self._on_done`, or `functools.partial(_on_done,
    ...)`), and the future is its last parameter: a done callback is called with a future that
    has finished, so the wait returns at once."""
    if not isinstance(receiver, cst.Name):
        return False
    function = _enclosing_function(ctx)
    if function is None:
        return False
    params = [p.name.value for p in (*function.params.posonly_params, *function.params.params)]
    if not params or params[-1] != receiver.value:
        return False
    if any(isinstance(small, (cst.Assign, cst.AnnAssign, cst.AugAssign)) and receiver.value in _assigned_names(small)
           for small in small_statements(function.body)):
        return False
    name = function.name.value
    for call in find_all(ctx.module, cst.Call):
        if not (isinstance(call.func, cst.Attribute) and call.func.attr.value == "add_done_callback" and call.args):
            continue
        given = call.args[0].value
        if isinstance(given, cst.Call) and given.args and (
                ctx.qualified_name(given.func) == "functools.partial"
                or (isinstance(given.func, cst.Name) and given.func.value == "partial")):
            given = given.args[0].value
        if (isinstance(given, cst.Name) and given.value == name) or (
                isinstance(given, cst.Attribute) and given.attr.value == name):
            return True
    return False


def user_command(ctx, call: Optional[cst.Call]) -> bool:
    """The subprocess runs the user's own command, taken from the command line of the program:
    the command (or its first word) is an attribute of the parsed arguments (`args.command`,
    `args.cmd.copy()`, `shlex.split(args.filter)`, `[*args.cmd, path]`), or a slice of
    `sys.argv`, in the call or through local names of the function. The parsed arguments are a
    parameter annotated `argparse.Namespace`, the parameter of a function the module registers
    with `set_defaults(func=...)`, or a local name bound to `parser.parse_args()`. The child
    is what the user asked the program to run in the foreground (`ntfy done CMD`, `gita shell
    CMD`): a bound would kill legitimate long work, and Ctrl-C is theirs. Only the program
    counts: `["git", "clone", args.url]` runs the program's own choice."""
    function = next((n for n in reversed(ctx.stack) if isinstance(n, cst.FunctionDef)), None)
    value = _command(call)
    if function is None or value is None or not any(node is call for node in walk(function.body)):
        return False
    namespaces = _parsed_arguments(ctx, function)
    return _from_command_line(ctx, function, value, namespaces, 4)


def _parsed_arguments(ctx, function: cst.FunctionDef) -> "frozenset[str]":
    names = set()
    params = [*function.params.posonly_params, *function.params.params]
    for param in params:
        annotation = param.annotation.annotation if param.annotation is not None else None
        if annotation is not None and ctx.qualified_name(annotation) == "argparse.Namespace":
            names.add(param.name.value)
    name = function.name.value
    if params and any(
            isinstance(call.func, cst.Attribute) and call.func.attr.value == "set_defaults" and any(
                arg.keyword is not None and arg.keyword.value == "func" and isinstance(arg.value, cst.Name)
                and arg.value.value == name for arg in call.args)
            for call in find_all(ctx.module, cst.Call)):
        names.add(params[0].name.value)
    for small in small_statements(function.body):
        if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call) \
                and isinstance(small.value.func, cst.Attribute) \
                and small.value.func.attr.value in ("parse_args", "parse_known_args"):
            for target in small.targets:
                first = target.target
                if isinstance(first, (cst.Tuple, cst.List)) and first.elements:
                    first = first.elements[0].value  # `args, rest = parser.parse_known_args()`
                if isinstance(first, cst.Name):
                    names.add(first.value)
    return frozenset(names)


def _from_command_line(ctx, function: cst.FunctionDef, expr: cst.BaseExpression, namespaces, depth: int) -> bool:
    if depth < 0:
        return False
    if isinstance(expr, cst.Subscript):
        return ctx.qualified_name(expr.value) == "sys.argv"
    if isinstance(expr, cst.Attribute):
        return isinstance(expr.value, cst.Name) and expr.value.value in namespaces
    if isinstance(expr, (cst.List, cst.Tuple)):
        first = expr.elements[0] if expr.elements else None
        return first is not None and _from_command_line(ctx, function, first.value, namespaces, depth - 1)
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        return _from_command_line(ctx, function, expr.left, namespaces, depth - 1)
    if isinstance(expr, cst.Call):
        func = expr.func
        args = [a.value for a in expr.args if a.keyword is None and not a.star]
        if isinstance(func, cst.Attribute) and func.attr.value in ("copy", "split", "strip") and not (
                func.attr.value == "split" and ctx.qualified_name(func) == "shlex.split"):
            return _from_command_line(ctx, function, func.value, namespaces, depth - 1)
        if isinstance(func, cst.Attribute) and func.attr.value == "join" and string_value(func.value) is not None:
            return len(args) == 1 and _from_command_line(ctx, function, args[0], namespaces, depth - 1)
        if ctx.qualified_name(func) in ("shlex.split", "builtins.list", "builtins.tuple") or (
                isinstance(func, cst.Name) and func.value in ("list", "tuple")):
            return len(args) >= 1 and _from_command_line(ctx, function, args[0], namespaces, depth - 1)
        return False
    if not isinstance(expr, cst.Name) or expr.value in _parameter_names(function):
        return False
    values = _local_values(function, expr.value)
    if values is None:
        return False
    return all(_from_command_line(ctx, function, v, namespaces, depth - 1) for v in values)
