"""The timeouts family's library table: which call waits on what, and which argument bounds it.

`keyword` is the parameter that bounds the wait, `position` its index when it
may be passed positionally (None: keyword-only, or positions differ between
versions). Receiver types come from reslint.analysis.types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from reslint.analysis import types as T


@dataclass(frozen=True)
class Bound:
    display: str
    keyword: str = "timeout"
    position: Optional[int] = None
    # socket.setdefaulttimeout(n) in the module bounds it too
    socket_default: bool = True
    # the first positional argument may be a DSN/URL string carrying the keyword: "strict" (a
    # literal without it, or a variable, is missing), "lenient" (only a literal without it is)
    dsn: str = ""
    # `keyword=None` means "use the default" here, the same as leaving it out (imaplib)
    none_is_default: bool = False


_REQUESTS_METHODS = ("get", "options", "head", "post", "put", "patch", "delete", "request")

# RES101/RES102: network calls, by qualified callee
NETWORK_FUNCTIONS: Dict[str, Bound] = {}
for _m in _REQUESTS_METHODS:
    # requests hands urllib3 an explicit Timeout(None): socket.setdefaulttimeout() does not apply
    NETWORK_FUNCTIONS[f"requests.{_m}"] = Bound(f"requests.{_m}", socket_default=False)
    NETWORK_FUNCTIONS[f"requests.api.{_m}"] = Bound(f"requests.{_m}", socket_default=False)
NETWORK_FUNCTIONS.update({
    "urllib.request.urlopen": Bound("urllib.request.urlopen", position=2),
    "http.client.HTTPConnection": Bound("http.client.HTTPConnection", position=2),
    "http.client.HTTPSConnection": Bound("http.client.HTTPSConnection"),
    "socket.create_connection": Bound("socket.create_connection", position=1),
    "smtplib.SMTP": Bound("smtplib.SMTP", position=3),
    "smtplib.SMTP_SSL": Bound("smtplib.SMTP_SSL"),
    "smtplib.LMTP": Bound("smtplib.LMTP"),
    "ftplib.FTP": Bound("ftplib.FTP", position=4),
    "ftplib.FTP_TLS": Bound("ftplib.FTP_TLS"),
    "imaplib.IMAP4": Bound("imaplib.IMAP4", none_is_default=True),
    "imaplib.IMAP4_SSL": Bound("imaplib.IMAP4_SSL", none_is_default=True),
    "poplib.POP3": Bound("poplib.POP3", position=2),
    "poplib.POP3_SSL": Bound("poplib.POP3_SSL"),
    "telnetlib.Telnet": Bound("telnetlib.Telnet", position=2),
    "urllib3.request": Bound("urllib3.request"),
    "redis.Redis": Bound("redis.Redis", keyword="socket_timeout", position=None, socket_default=False),
    "redis.StrictRedis": Bound("redis.StrictRedis", keyword="socket_timeout", socket_default=False),
    "redis.client.Redis": Bound("redis.Redis", keyword="socket_timeout", socket_default=False),
    "redis.from_url": Bound("redis.from_url", keyword="socket_timeout", socket_default=False, dsn="strict"),
    "redis.Redis.from_url": Bound("redis.Redis.from_url", keyword="socket_timeout", socket_default=False, dsn="strict"),
    "redis.StrictRedis.from_url": Bound("redis.StrictRedis.from_url", keyword="socket_timeout", socket_default=False, dsn="strict"),
    "psycopg2.connect": Bound("psycopg2.connect", keyword="connect_timeout", socket_default=False, dsn="lenient"),
    "psycopg.connect": Bound("psycopg.connect", keyword="connect_timeout", socket_default=False, dsn="lenient"),
    "psycopg.Connection.connect": Bound("psycopg.Connection.connect", keyword="connect_timeout", socket_default=False, dsn="lenient"),
    "psycopg.AsyncConnection.connect": Bound("psycopg.AsyncConnection.connect", keyword="connect_timeout", socket_default=False, dsn="lenient"),
})

# bounded only by the surrounding code: asyncio.timeout()/wait_for()
ASYNC_CONTEXT_BOUNDED = {"asyncio.open_connection": "asyncio.open_connection"}

# RES101/RES102: network methods on a resolved receiver
NETWORK_METHODS: Dict[Tuple[str, str], Bound] = {
    (T.SESSION, m): Bound(f"requests.Session.{m}", socket_default=False) for m in (*_REQUESTS_METHODS, "send")
}
NETWORK_METHODS.update({
    (T.URLLIB3_POOL, "request"): Bound("urllib3.PoolManager.request"),
    (T.URLLIB3_POOL, "urlopen"): Bound("urllib3.PoolManager.urlopen"),
})

# RES102 only: libraries with a bounded default, where only an explicit None is a problem
HTTPX_METHODS = ("get", "options", "head", "post", "put", "patch", "delete", "request", "stream", "send")
DEFAULT_BOUNDED_FUNCTIONS: Dict[str, Bound] = {f"httpx.{m}": Bound(f"httpx.{m}") for m in HTTPX_METHODS}
DEFAULT_BOUNDED_FUNCTIONS.update({
    "httpx.Client": Bound("httpx.Client"),
    "httpx.AsyncClient": Bound("httpx.AsyncClient"),
    "urllib3.PoolManager": Bound("urllib3.PoolManager"),
    "urllib3.ProxyManager": Bound("urllib3.ProxyManager"),
    "urllib3.HTTPConnectionPool": Bound("urllib3.HTTPConnectionPool", position=2),
    "urllib3.HTTPSConnectionPool": Bound("urllib3.HTTPSConnectionPool", position=2),
})
DEFAULT_BOUNDED_METHODS: Dict[Tuple[str, str], Bound] = {}
for _t in (T.HTTPX_CLIENT, T.HTTPX_ASYNC_CLIENT):
    for _m in HTTPX_METHODS:
        DEFAULT_BOUNDED_METHODS[(_t, _m)] = Bound(f"{_t}.{_m}")

# RES103: blocking waits
WAIT_FUNCTIONS: Dict[str, Bound] = {
    "subprocess.run": Bound("subprocess.run", socket_default=False),
    "subprocess.call": Bound("subprocess.call", socket_default=False),
    "subprocess.check_call": Bound("subprocess.check_call", socket_default=False),
    "subprocess.check_output": Bound("subprocess.check_output", socket_default=False),
    "concurrent.futures.wait": Bound("concurrent.futures.wait", position=1, socket_default=False),
    "concurrent.futures.as_completed": Bound("concurrent.futures.as_completed", position=1, socket_default=False),
}
WAIT_METHODS: Dict[Tuple[str, str], Bound] = {
    (T.POPEN, "wait"): Bound("subprocess.Popen.wait", position=0, socket_default=False),
    (T.POPEN, "communicate"): Bound("subprocess.Popen.communicate", position=1, socket_default=False),
    (T.FUTURE, "result"): Bound("concurrent.futures.Future.result", position=0, socket_default=False),
    (T.FUTURE, "exception"): Bound("concurrent.futures.Future.exception", position=0, socket_default=False),
    (T.QUEUE, "get"): Bound("queue.Queue.get", position=1, socket_default=False),
    (T.EVENT, "wait"): Bound("threading.Event.wait", position=0, socket_default=False),
    (T.CONDITION, "wait"): Bound("threading.Condition.wait", position=0, socket_default=False),
    (T.CONDITION, "wait_for"): Bound("threading.Condition.wait_for", position=1, socket_default=False),
    (T.ASYNC_RESULT, "get"): Bound("multiprocessing.pool.AsyncResult.get", position=0, socket_default=False),
    (T.ASYNC_RESULT, "wait"): Bound("multiprocessing.pool.AsyncResult.wait", position=0, socket_default=False),
}
THREAD_JOIN = {(T.THREAD, "join"): Bound("threading.Thread.join", position=0, socket_default=False)}
LOCK_ACQUIRE = {(T.LOCK, "acquire"): Bound("threading.Lock.acquire", position=1, socket_default=False)}

# `with` context managers (and wrapping calls) that bound everything awaited inside them
TIMEOUT_SCOPES = frozenset({
    "asyncio.timeout", "asyncio.timeout_at", "asyncio.wait_for", "async_timeout.timeout",
    "anyio.fail_after", "anyio.move_on_after", "trio.fail_after", "trio.move_on_after",
})


# --------------------------------------------------------------------------
# helpers shared by RES101-RES103

# urllib3 pool constructors: where their own timeout argument sits
POOL_TIMEOUT_POSITION = {"urllib3.HTTPConnectionPool": 2, "urllib3.HTTPSConnectionPool": 2,
                         "urllib3.connectionpool.HTTPConnectionPool": 2,
                         "urllib3.connectionpool.HTTPSConnectionPool": 2}


def parse_extra_calls(specs) -> Dict[str, Bound]:
    """`qualified.name[:keyword[:position]]` strings from the `extra-calls` option."""
    out: Dict[str, Bound] = {}
    for spec in specs:
        parts = spec.split(":")
        name = parts[0].strip()
        keyword = parts[1].strip() if len(parts) > 1 and parts[1].strip() else "timeout"
        position = int(parts[2]) if len(parts) > 2 and parts[2].strip().isdigit() else None
        if name:
            out[name] = Bound(name, keyword=keyword, position=position, socket_default=False)
    return out


def resolve_call(ctx, call, functions, methods):
    """(Bound, receiver TypeInfo or None) for a call found in the tables, else None."""
    import libcst as cst

    qualified = ctx.qualified_name(call.func)
    if qualified is not None and qualified in functions:
        return functions[qualified], None
    if isinstance(call.func, cst.Attribute):
        receiver = ctx.type_of(call.func.value)
        if receiver is not None:
            bound = methods.get((receiver.type, call.func.attr.value))
            if bound is not None:
                return bound, receiver
    return None


def socket_default_timeout(ctx) -> bool:
    """`socket.setdefaulttimeout(<not None>)` somewhere in the module (cached on the context)."""
    cached = getattr(ctx, "_socket_default_timeout", None)
    if cached is None:
        import libcst as cst
        import libcst.matchers as m

        cached = False
        for call in m.findall(ctx.module, m.Call(func=m.Attribute(attr=m.Name("setdefaulttimeout")) | m.Name("setdefaulttimeout"))):
            if ctx.qualified_name(call.func) == "socket.setdefaulttimeout" and call.args:
                value = call.args[0].value
                if not (isinstance(value, cst.Name) and value.value == "None"):
                    cached = True
        ctx._socket_default_timeout = cached
    return cached


def _callee_names(ctx, call):
    from reslint.analysis.names import dotted_name

    return {ctx.qualified_name(call.func), dotted_name(call.func)}


def inside(ctx, names) -> bool:
    """Inside a call to, or a `with` block of, one of ``names`` (qualified or as written)."""
    import libcst as cst

    names = set(names)
    for node in ctx.stack[:-1]:
        if isinstance(node, cst.Call) and _callee_names(ctx, node) & names:
            return True
        if isinstance(node, cst.With):
            for item in node.items:
                if isinstance(item.item, cst.Call) and _callee_names(ctx, item.item) & names:
                    return True
    return False


def receiver_configured(ctx, receiver_expr, wrappers=()) -> bool:
    """The receiver gets a default timeout where it is set up: an adapter mounted on it whose class
    is defined in this file or that is built with a `timeout=`, or `X.request`/`X.send` replaced
    (`session.request = functools.partial(session.request, timeout=5)`). Searched in the enclosing
    function, or the enclosing class for `self.<attr>`."""
    import libcst as cst
    import libcst.matchers as m

    code = ctx.module.code_for_node(receiver_expr)
    owner_type = cst.ClassDef if code.startswith("self.") else cst.FunctionDef
    scope = next((n for n in reversed(ctx.stack) if isinstance(n, owner_type)), ctx.module)
    defined = {stmt.name.value for stmt in ctx.module.body if isinstance(stmt, cst.ClassDef)}
    for call in m.findall(scope, m.Call(func=m.Attribute(attr=m.Name("mount")))):
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
        for call in m.findall(scope, m.Call()):
            if ctx.qualified_name(call.func) in wrappers and any(
                ctx.module.code_for_node(a.value) == code for a in call.args
            ):
                return True
    for assign in m.findall(scope, m.Assign()):
        for target in assign.targets:
            t = target.target
            if isinstance(t, cst.Attribute) and t.attr.value in ("request", "send") \
                    and ctx.module.code_for_node(t.value) == code:
                return True
    return False


def session_subclass_sets_timeout(cls) -> bool:
    """A project Session subclass that overrides request/send, or mounts an adapter, in its body."""
    import libcst as cst
    import libcst.matchers as m

    body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()
    for stmt in body:
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value in ("request", "send"):
            return True
    return bool(m.findall(cls, m.Call(func=m.Attribute(attr=m.Name("mount")))))
