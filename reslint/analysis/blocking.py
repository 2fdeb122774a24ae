"""Blocking calls: what blocks the thread it runs on, and what to use instead in async code.

A blocking call in a coroutine stops the whole event loop until it returns. Known here:
`time.sleep`, sync HTTP clients (requests and its `Session`, sync httpx, `urllib.request`,
urllib3 pools, `http.client`), subprocesses and `os.system`, the sync network clients of the
timeouts table (socket, smtplib, ftplib, ...), sync database drivers, sync redis commands, and
`input()`. Each entry says what to use instead, for messages.
"""

from __future__ import annotations

from typing import Collection, Dict, Optional, Tuple

from ..lazycst import cst

from . import types as T
from .calls import positional_args
from .http import (
    HTTP_CONNECTION_METHODS,
    HTTPX_CLIENT_METHODS,
    HTTPX_FUNCTIONS,
    REQUESTS_SESSION_METHODS,
    URLLIB3_POOL_METHODS,
)
from .timeouts import NETWORK_FUNCTIONS

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
# sync redis: every command is a network round trip, except these (and private methods)
_REDIS_LOCAL = frozenset({"pipeline", "pubsub", "lock", "register_script", "from_url", "connection_pool",
                          "get_connection_kwargs", "get_encoder", "set_response_callback"})


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
    if isinstance(call.func, cst.Attribute):
        info = ctx.type_of(call.func.value)
        if info is not None:
            attr = call.func.attr.value
            instead = BLOCKING_METHODS.get((info.type, attr))
            if instead is not None:
                return f"{info.type}.{attr}", instead
            if info.type == T.REDIS and attr not in _REDIS_LOCAL and not attr.startswith("_"):
                return f"redis.Redis.{attr}", "`redis.asyncio.Redis`"
    return None
