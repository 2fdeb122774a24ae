"""Which exceptions are the failure of an operation, the kind a retry is written for.

What a retry loop catches must be a failure of an operation: an error of the network, a client
library or the OS, or a broad catch. Loops that go round on "try again now" signals
(`BlockingIOError`, `InterruptedError`, `queue.Empty`, `StopIteration`, redis' `WatchError`, a key
collision) or on data errors are readiness, iteration or optimistic-concurrency loops, not
retries. Classes are recognised by qualified name, by the library that defines them, and, for
classes of the project, by name (`ConnectionLost`, `ServiceUnavailable`, `RateLimited`).
"""

from __future__ import annotations

import re

from ..lazycst import cst

from .names import ImportTable, dotted_name

# failures by qualified name: builtins and the stdlib's network errors
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
# never failures: readiness and iteration signals, data and programming errors
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
# libraries whose exceptions are failures of an operation (network, storage, remote APIs)
_FAILURE_MODULES = (
    "requests", "httpx", "httpcore", "urllib3", "aiohttp", "redis", "botocore", "boto3", "aiobotocore", "grpc",
    "google.api_core", "google.auth", "googleapiclient", "psycopg2", "psycopg", "pymysql", "MySQLdb", "sqlalchemy",
    "asyncpg", "kombu", "amqp", "pika", "aio_pika", "aiormq", "kafka", "aiokafka", "confluent_kafka",
    "elasticsearch", "opensearchpy", "pymongo", "motor", "websockets", "websocket", "paramiko", "openai",
    "anthropic", "stripe", "slack_sdk", "twilio", "docker", "kubernetes", "azure", "tornado", "zmq", "ldap3",
    "httplib2", "pycurl", "consul", "hvac", "nats", "aiomysql", "cassandra", "celery",
)
# names of project classes that say "an operation failed"
_FAILURE_NAME = re.compile(
    r"(?i)connect|timeout|timed_?out|unavailable|transient|throttl|rate_?limit|too_?many|server|http|api_?error"
    r"|request|network|socket|transport|operational|retr[yi]|temporar|busy|refused|reset|unreachable|gateway"
    r"|upstream|remote|service|protocol|disconnect|broker|channel|ssl|grpc|rpc|client_?error"
)
# errors that repeating the same call cannot fix, or "try again now" signals of optimistic locking
_NOT_FAILURE_NAME = re.compile(
    r"Watch|Empty$|Full$|TooLarge|Invalid|Decode|Pars(e|ing)|Serializ|Validat|NotFound|DoesNotExist|Exists"
    r"|Conflict|Stopped|Duplicate|Integrity|Permission|Forbidden|Unauthori[sz]ed|BadRequest|Create|Collision"
    r"|Redirect|KeyError|ValueError|TypeError|StopIteration|Interrupt|WouldBlock"
)
# errno values that mean "try the call again now": a signal interrupted it, or it would block
_READINESS_ERRNOS = frozenset({"EINTR", "EAGAIN", "EWOULDBLOCK", "EINPROGRESS", "EALREADY"})


def catches_failure(handler: cst.ExceptHandler, imports: ImportTable) -> bool:
    """The handler catches the failure of an operation: a class of the tables above, a class of a
    client library, a class whose name says so, or everything (a bare `except:`)."""
    if handler.type is None:
        return True
    elements = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
    return any(is_failure_class(element.value if isinstance(element, cst.Element) else element, imports)
               for element in elements)


def is_failure_class(expr: cst.BaseExpression, imports: ImportTable) -> bool:
    """One exception class, as written, is the failure of an operation."""
    written = dotted_name(expr)
    if written is None:
        return False
    qualified = imports.resolve(expr)
    last = written.rsplit(".", 1)[-1]
    if qualified in _NOT_FAILURES or _NOT_FAILURE_NAME.search(last):
        return False
    if qualified in _FAILURE_BUILTINS:
        return True
    if qualified is not None and qualified.split(".", 1)[0] in _FAILURE_MODULES:
        return True
    if qualified is not None and qualified.startswith("google.api_core"):
        return True
    return bool(_FAILURE_NAME.search(last))


def is_not_failure_class(expr: cst.BaseExpression, imports: ImportTable) -> bool:
    """One exception class is known not to be the failure of an operation (a data, parsing or
    validation error, a readiness signal)."""
    written = dotted_name(expr)
    if written is None:
        return False
    qualified = imports.resolve(expr)
    return qualified in _NOT_FAILURES or bool(_NOT_FAILURE_NAME.search(written.rsplit(".", 1)[-1]))


def goes_round_on_readiness(handler: cst.ExceptHandler) -> bool:
    """The handler looks at the error's errno for EINTR / EAGAIN (`if e.errno != errno.EAGAIN:
    raise`, `if exc.errno in (EINTR, EAGAIN): continue`): it re-issues a call that was interrupted
    or would have blocked, as PEP 475 does, which is not the retry of a failed operation."""
    for node in _walk(handler.body):
        if not isinstance(node, cst.Comparison):
            continue
        sides = [node.left] + [c.comparator for c in node.comparisons]
        reads_errno = any(isinstance(side, cst.Attribute) and side.attr.value == "errno" for side in sides)
        if not reads_errno:
            continue
        for side in sides:
            for inner in _walk(side):
                name = dotted_name(inner) if isinstance(inner, (cst.Name, cst.Attribute)) else None
                if name and name.rsplit(".", 1)[-1] in _READINESS_ERRNOS:
                    return True
    return False


def _walk(node: cst.CSTNode):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def catches_only_timeouts(handler: cst.ExceptHandler, imports: ImportTable) -> bool:
    """Every class the handler names is a timeout (`requests.Timeout`, `socket.timeout`,
    `asyncio.TimeoutError`, `pexpect.TIMEOUT`): each failed attempt has already waited out its
    timeout, so going round at once does not hammer anything."""
    if handler.type is None:
        return False
    elements = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
    for element in elements:
        expr = element.value if isinstance(element, cst.Element) else element
        written = dotted_name(expr)
        if written is None:
            return False
        qualified = imports.resolve(expr) or written
        last = qualified.rsplit(".", 1)[-1]
        if not _TIMEOUT_NAME.search(last):
            return False
    return True


_TIMEOUT_NAME = re.compile(r"(?i)time_?out|timed_?out|deadline_?exceeded")
