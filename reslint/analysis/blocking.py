"""Blocking calls: what blocks the thread it runs on, and what to use instead in async code.

A blocking call in a coroutine stops the whole event loop until it returns. Known here:
`time.sleep`, sync HTTP clients (requests and its `Session`, sync httpx, `urllib.request`,
urllib3 pools, `http.client`), subprocesses (`subprocess.*`, `Popen`, `os.system`, `os.spawn*`,
`os.posix_spawn*`, `os.wait*`), the sync network clients of the timeouts table (socket, smtplib,
ftplib, ...), sync database drivers, sync redis commands, `input()`, and file I/O: `open()` and
its kin, reads and writes on the file they return, `Path.read_*` / `write_*` / `open`, and
`shutil`'s copies, moves and removals. Each entry says what to use instead, for messages.
"""

from __future__ import annotations

from typing import Collection, Dict, Optional, Tuple

from ..lazycst import cst

from . import types as T
from .blocks import walk
from .calls import find_arg, positional_args
from .http import (
    HTTP_CONNECTION_METHODS,
    HTTPX_CLIENT_METHODS,
    HTTPX_FUNCTIONS,
    REQUESTS_SESSION_METHODS,
    URLLIB3_POOL_METHODS,
)
from .names import dotted_name, target_names
from .scopes import enclosing_function
from .timeouts import (
    NETWORK_FUNCTIONS,
    WAIT_FUNCTIONS,
    WAIT_METHODS,
    TimeoutArg,
    emptiness_checked,
    joined_by_executor,
    never_blocks,
)

# qualified callee -> what to suggest instead
BLOCKING_FUNCTIONS: Dict[str, str] = {
    "time.sleep": "`await asyncio.sleep()`",
    "urllib.request.urlopen": "an async HTTP client (aiohttp, httpx.AsyncClient) or `asyncio.to_thread`",
    "os.system": "`asyncio.create_subprocess_shell`",
    "os.popen": "`asyncio.create_subprocess_shell`",
    "os.wait": "`asyncio.to_thread`",
    "os.waitpid": "`asyncio.to_thread`",
    "socket.create_connection": "`asyncio.open_connection`",
    "sqlite3.connect": "an async driver (aiosqlite) or `asyncio.to_thread`",
    "psycopg2.connect": "an async driver (asyncpg, psycopg's AsyncConnection) or `asyncio.to_thread`",
    "psycopg.connect": "`psycopg.AsyncConnection.connect`",
    "pymysql.connect": "an async driver (aiomysql, asyncmy) or `asyncio.to_thread`",
    "MySQLdb.connect": "an async driver (aiomysql, asyncmy) or `asyncio.to_thread`",
    "builtins.input": "`asyncio.to_thread(input, ...)`",
    "urllib3.request": "an async HTTP client or `asyncio.to_thread`",
}
for _name in ("run", "call", "check_call", "check_output", "getoutput", "getstatusoutput"):
    BLOCKING_FUNCTIONS[f"subprocess.{_name}"] = "`asyncio.create_subprocess_exec`"
# `os.spawn*(os.P_WAIT, ...)` runs the child to its end; with another mode it only starts it (a
# fork and exec, brief, like `Popen()` and `os.posix_spawn*`, which are left alone)
SPAWN_FUNCTIONS = frozenset(f"os.{n}" for n in ("spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve",
                                                 "spawnvp", "spawnvpe"))
# calls that wait for a child process to exit, reported with their own message
WAITS_FOR_PROCESS = frozenset({"subprocess.Popen", *SPAWN_FUNCTIONS})
for _name in ("wait3", "wait4", "waitid"):
    BLOCKING_FUNCTIONS[f"os.{_name}"] = "`asyncio.to_thread`"

# file I/O: blocking too, usually briefly on a local disk (the message says so)
_FILE_INSTEAD = "`aiofiles`, `anyio.open_file` or `asyncio.to_thread`"
FILE_OPENERS = frozenset({"builtins.open", "io.open", "os.fdopen", "codecs.open", "gzip.open", "bz2.open",
                          "lzma.open"})
# file object methods that read or write (not `close`, `seek`, `fileno`)
FILE_METHODS = frozenset({"read", "read1", "readline", "readlines", "readinto", "write", "writelines", "flush",
                          "truncate"})
# Path methods that read or write the file's contents
PATH_IO_METHODS = frozenset({"read_text", "read_bytes", "write_text", "write_bytes"})
SHUTIL_FUNCTIONS = frozenset({f"shutil.{n}" for n in ("copy", "copy2", "copyfile", "copyfileobj", "copytree",
                                                      "rmtree", "move", "make_archive", "unpack_archive")})
# `trio.wrap_file(open(...))`: the file is used through an async wrapper
_FILE_WRAPPERS = frozenset({"trio.wrap_file", "anyio.wrap_file"})
for _name in NETWORK_FUNCTIONS:
    # the timeouts family's sync clients; redis clients and psycopg's async class connect lazily or not at all
    if not _name.startswith(("redis.", "psycopg.AsyncConnection", "http.client.")):
        BLOCKING_FUNCTIONS.setdefault(_name, "an async client or `asyncio.to_thread`")
for _name in HTTPX_FUNCTIONS:
    BLOCKING_FUNCTIONS[f"httpx.{_name}"] = "`httpx.AsyncClient`"

# (receiver type, method) -> what to suggest instead
BLOCKING_METHODS: Dict[Tuple[str, str], str] = {}
BLOCKING_METHODS.update({(T.SESSION, m): "an async HTTP client (aiohttp, httpx.AsyncClient)"
                         for m in REQUESTS_SESSION_METHODS})
BLOCKING_METHODS.update({(T.HTTPX_CLIENT, m): "`httpx.AsyncClient`" for m in HTTPX_CLIENT_METHODS})
BLOCKING_METHODS.update({(T.URLLIB3_POOL, m): "an async HTTP client" for m in URLLIB3_POOL_METHODS})
BLOCKING_METHODS.update({(T.HTTP_CONNECTION, m): "an async HTTP client" for m in HTTP_CONNECTION_METHODS})
BLOCKING_METHODS.update({(T.POPEN, m): "`asyncio.create_subprocess_exec`" for m in ("wait", "communicate")})
BLOCKING_METHODS.update({(T.SQLITE, m): "aiosqlite or `asyncio.to_thread`"
                         for m in ("execute", "executemany", "executescript", "commit")})
# waits on a thread's or a process's primitive (RES103's waits): the loop stops until another
# thread acts, however short the timeout given. Not `Thread.join()` nor a future's `result()`:
# coroutines mostly reach those once the work has signalled its end (an awaited future it sets,
# a stop event it obeys), and then they return at once
THREAD_WAITS: Dict[Tuple[str, str], TimeoutArg] = {
    key: spec for key, spec in WAIT_METHODS.items() if key[0] not in (T.POPEN, T.FUTURE)}
_THREAD_INSTEAD = {
    T.QUEUE: "`asyncio.Queue`, or `await asyncio.to_thread(q.get)`",
    T.EVENT: "`asyncio.Event`, or `await asyncio.to_thread(event.wait)`",
    T.CONDITION: "`asyncio.Condition`, or `await asyncio.to_thread(...)`",
}
_THREAD_WAIT_FUNCTIONS = {name: WAIT_FUNCTIONS[name] for name in ("concurrent.futures.wait",
                                                                 "concurrent.futures.as_completed")}
# sync redis: every command is a network round trip, except these (and private methods)
_REDIS_LOCAL = frozenset({"pipeline", "pubsub", "lock", "register_script", "from_url", "connection_pool",
                          "get_connection_kwargs", "get_encoder", "set_response_callback"})


def is_file_io(what: str) -> bool:
    """Whether a :func:`blocking_call` answer is file I/O (its message says how much it blocks)."""
    return what in FILE_OPENERS or what in SHUTIL_FUNCTIONS or what.startswith(("file.", "pathlib.Path."))


def blocking_call(ctx, call: cst.Call, extra: Collection[str] = ()) -> Optional[Tuple[str, str]]:
    """(what is called, what to use instead) when ``call`` blocks; ``extra`` holds more qualified
    names of blocking callables. `time.sleep(0)`, which only yields, does not block."""
    found = _blocking(ctx, call, extra)
    if found is not None and found[0] == "time.sleep":
        args = positional_args(call)
        if len(args) == 1 and isinstance(args[0].value, cst.Integer) and args[0].value.value == "0":
            return None
    return found


def _blocking(ctx, call: cst.Call, extra: Collection[str]) -> Optional[Tuple[str, str]]:
    qualified = ctx.qualified_name(call.func)
    if qualified is not None:
        if qualified in BLOCKING_FUNCTIONS:
            return qualified, BLOCKING_FUNCTIONS[qualified]
        if qualified in extra:
            return qualified, "an async equivalent or `asyncio.to_thread`"
        if qualified in FILE_OPENERS:
            if _wrapped(ctx) or (qualified == "os.fdopen" and _to_pipe_transport(ctx)):
                return None
            return qualified, _FILE_INSTEAD
        if qualified in SHUTIL_FUNCTIONS:
            return qualified, "`asyncio.to_thread`"
        if qualified == "subprocess.Popen" and isinstance(ctx.parent(), cst.WithItem):
            return qualified, "`asyncio.create_subprocess_exec`"  # leaving the block waits for the child
        if qualified in SPAWN_FUNCTIONS and _spawn_waits(ctx, call):
            return qualified, "`asyncio.create_subprocess_exec`"
        if qualified in _THREAD_WAIT_FUNCTIONS:
            positional = positional_args(call)
            first = positional[0].value if positional else None
            if not _returns_at_once(_THREAD_WAIT_FUNCTIONS[qualified], call) and not joined_by_executor(ctx, first):
                return qualified, "`asyncio.wait` over `asyncio.wrap_future(...)` of each"
    if isinstance(call.func, cst.Attribute):
        info = ctx.type_of(call.func.value)
        attr = call.func.attr.value
        if info is not None:
            instead = BLOCKING_METHODS.get((info.type, attr))
            if instead is not None:
                return f"{info.type}.{attr}", instead
            spec = THREAD_WAITS.get((info.type, attr))
            if spec is not None:
                if _thread_wait_returns(ctx, spec, call):
                    return None
                return spec.display, _THREAD_INSTEAD.get(info.type, "`await asyncio.to_thread(...)`")
            if info.type == T.REDIS and attr not in _REDIS_LOCAL and not attr.startswith("_"):
                return f"redis.Redis.{attr}", "`redis.asyncio.Redis`"
            if info.type == T.FILE and attr in FILE_METHODS and not _opened_here(ctx, info, call.func.value):
                return f"file.{attr}", _FILE_INSTEAD
            if info.type == T.PATH and (attr in PATH_IO_METHODS or attr == "open"):
                return None if attr == "open" and _wrapped(ctx) else (f"pathlib.Path.{attr}", _FILE_INSTEAD)
        elif attr in PATH_IO_METHODS and _path_like(call.func.value):
            return f"pathlib.Path.{attr}", _FILE_INSTEAD
        receiver = call.func.value
        if attr in FILE_METHODS and isinstance(receiver, cst.Attribute) \
                and receiver.attr.value in ("stdout", "stderr", "stdin"):
            owner = ctx.type_of(receiver.value)
            if owner is not None and owner.type == T.POPEN:
                return f"subprocess.Popen.{receiver.attr.value}.{attr}", "`asyncio.create_subprocess_exec`"
    return None


def _returns_at_once(spec: TimeoutArg, call: cst.Call) -> bool:
    """A zero timeout (`event.wait(0)`, `wait(futures, timeout=0)`) or the non-blocking form
    (`q.get(block=False)`): the wait only looks."""
    if never_blocks(spec, call):
        return True
    given = find_arg(call, spec.keyword, spec.position)
    return given is not None and isinstance(given.value, (cst.Integer, cst.Float)) \
        and float(given.value.value) == 0


def _thread_wait_returns(ctx, spec: TimeoutArg, call: cst.Call) -> bool:
    """The wait (a method call: `q.get()`, `event.wait()`) returns at once: :func:`_returns_at_once`,
    or a get on a queue just seen to hold an item."""
    if _returns_at_once(spec, call):
        return True
    return spec.display == "queue.Queue.get" and emptiness_checked(ctx, call.func.value)


def _path_like(expr: cst.BaseExpression) -> bool:
    """A receiver of unknown type that reads as a path: a name or attribute naming one
    (`path`, `self.config_file`, `cache_dir / "x"`), for the four `read_*` / `write_*` methods no
    other common object has."""
    while isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Divide):
        expr = expr.left
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
        expr = expr.func.value if expr.func.attr.value in ("joinpath", "with_suffix", "with_name") else expr
    name = dotted_name(expr)
    if name is None:
        return False
    last = name.rsplit(".", 1)[-1].lower().strip("_")
    return last.endswith(("path", "file", "dir", "directory", "folder")) or last in ("p", "parent", "fp", "filename")


def _enclosing_calls(ctx) -> frozenset:
    """The ids of the calls in the body of the innermost function (nested functions excluded)."""
    func = enclosing_function(ctx.stack)
    if not isinstance(func, cst.FunctionDef):
        return frozenset()
    return ctx.memo((_enclosing_calls, id(func)),
                    lambda: frozenset(id(n) for n in walk(func.body) if isinstance(n, cst.Call)))


def _opened_here(ctx, info, receiver: cst.BaseExpression) -> bool:
    """The file object was opened by a call of the same function (reported there, not again): its
    one opening call is there, or, opened in several places, the name is bound there."""
    if info.origin is not None:
        return id(info.origin) in _enclosing_calls(ctx)
    return isinstance(receiver, cst.Name) and receiver.value in _bound_names(ctx)


def _bound_names(ctx) -> frozenset:
    """The names `with ... as` and assignments bind in the innermost function's body."""
    func = enclosing_function(ctx.stack)
    if not isinstance(func, cst.FunctionDef):
        return frozenset()

    def collect() -> frozenset:
        names = set()
        for node in walk(func.body):
            if isinstance(node, cst.WithItem) and node.asname is not None:
                names.update(target_names(node.asname.name))
            elif isinstance(node, cst.Assign):
                for target in node.targets:
                    names.update(target_names(target.target))
        return frozenset(names)

    return ctx.memo((_bound_names, id(func)), collect)


def _wrapped(ctx) -> bool:
    """`trio.wrap_file(open(...))` / `anyio.wrap_file(...)`: the file is used asynchronously."""
    arg, outer = ctx.parent(), ctx.parent(2)
    return isinstance(arg, cst.Arg) and isinstance(outer, cst.Call) and ctx.qualified_name(outer.func) in _FILE_WRAPPERS


# event-loop methods that take a file object and do its reads or writes without blocking
_PIPE_TRANSPORTS = frozenset({"connect_read_pipe", "connect_write_pipe"})


def _to_pipe_transport(ctx) -> bool:
    """`await loop.connect_write_pipe(factory, os.fdopen(1, "wb"))`: the file object wraps a
    descriptor already open (no file is opened, nothing is read) and goes straight to the loop's
    pipe transport, which reads or writes it without blocking."""
    arg, outer = ctx.parent(), ctx.parent(2)
    return isinstance(arg, cst.Arg) and isinstance(outer, cst.Call) and isinstance(outer.func, cst.Attribute) \
        and outer.func.attr.value in _PIPE_TRANSPORTS


def _spawn_waits(ctx, call: cst.Call) -> bool:
    """`os.spawn*(os.P_WAIT, ...)` (the mode is the first argument)."""
    mode = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "mode"), None)
    if mode is None and call.args and call.args[0].keyword is None and call.args[0].star == "":
        mode = call.args[0].value
    return mode is not None and (dotted_name(mode) or "").rsplit(".", 1)[-1] == "P_WAIT"
    name = parent.targets[0].target.value
    func = enclosing_function(ctx.stack)
    if not isinstance(func, cst.FunctionDef):
        return False
    for node in walk(func.body):
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
                and node.func.attr.value in ("wait", "communicate") and dotted_name(node.func.value) == name:
            return True
    return False


# -- the stdlib-`ast` prefilter (see reslint.analysis.reach) ---------------------------------------
_BLOCKING_NAMES = frozenset(BLOCKING_FUNCTIONS) | FILE_OPENERS | SHUTIL_FUNCTIONS | WAITS_FOR_PROCESS \
    | frozenset(_THREAD_WAIT_FUNCTIONS)
_TYPED_METHODS: Dict[str, frozenset] = {}
for (_type, _method) in (*BLOCKING_METHODS, *THREAD_WAITS):
    _TYPED_METHODS[_type] = _TYPED_METHODS.get(_type, frozenset()) | {_method}
_TYPED_METHODS[T.FILE] = FILE_METHODS
_TYPED_METHODS[T.POPEN] = _TYPED_METHODS[T.POPEN] | FILE_METHODS  # `proc.stdout.read()`
_TYPED_METHODS[T.PATH] = PATH_IO_METHODS | {"open"}


def may_block_in_coroutine(tree, text: str, extra: Collection[str] = ()) -> bool:
    """Whether :func:`blocking_call` may find anything in a coroutine of the file, read from its
    stdlib tree: an `async def` holds a call, not awaited and not in a nested function, that may
    resolve to a blocking callable, or a method call that is blocking on a receiver of a type
    the file may hold (`read_text` & co. on any receiver: see :func:`_path_like`)."""
    import ast

    from .reach import calls, reach_of

    if extra:
        return True
    reach = reach_of(tree)
    if not reach.async_defs:
        return False
    blocking = reach.resolver(_BLOCKING_NAMES)
    methods = set(PATH_IO_METHODS)
    for typ, names in _TYPED_METHODS.items():
        if reach.typed(text, (typ,)):
            methods |= names
    any_method = reach.typed(text, (T.REDIS,))
    for function in reach.async_defs:
        for call, awaited in calls(function, nested=False):
            if awaited:
                continue
            func = call.func
            if isinstance(func, ast.Attribute) and (any_method or func.attr in methods):
                return True
            if blocking(func):
                return True
    return False
