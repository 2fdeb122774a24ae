from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

import libcst as cst

from reslint.analysis import types as T
from reslint.analysis.calls import positional_args
from reslint.analysis.scopes import enclosing_function
from reslint.model import Safety, Severity
from reslint.rule import Replace, Rule

from ._timeouts import NETWORK_FUNCTIONS

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
for _name, _bound in NETWORK_FUNCTIONS.items():
    # the timeouts family's sync clients; redis clients and psycopg's async class connect lazily or not at all
    if not _name.startswith(("redis.", "psycopg.AsyncConnection", "http.client.")):
        BLOCKING_FUNCTIONS.setdefault(_name, "an async client or `asyncio.to_thread`")
for _name in ("get", "options", "head", "post", "put", "patch", "delete", "request", "stream"):
    BLOCKING_FUNCTIONS[f"httpx.{_name}"] = "`httpx.AsyncClient`"

_HTTP = ("get", "options", "head", "post", "put", "patch", "delete", "request", "send")
BLOCKING_METHODS: Dict[Tuple[str, str], str] = {}
BLOCKING_METHODS.update({(T.SESSION, m): "an async HTTP client (aiohttp, httpx.AsyncClient)" for m in _HTTP})
BLOCKING_METHODS.update({(T.HTTPX_CLIENT, m): "`httpx.AsyncClient`" for m in (*_HTTP, "stream")})
BLOCKING_METHODS.update({(T.URLLIB3_POOL, m): "an async HTTP client" for m in ("request", "urlopen")})
BLOCKING_METHODS.update({(T.HTTP_CONNECTION, m): "an async HTTP client" for m in ("request", "getresponse", "connect")})
BLOCKING_METHODS.update({(T.POPEN, m): "`asyncio.create_subprocess_exec`" for m in ("wait", "communicate")})
BLOCKING_METHODS.update({(T.SQLITE, m): "aiosqlite or `asyncio.to_thread`"
                         for m in ("execute", "executemany", "executescript", "commit")})
# sync redis: every command is a network round trip
_REDIS_LOCAL = frozenset({"pipeline", "pubsub", "lock", "register_script", "from_url", "connection_pool",
                          "get_connection_kwargs", "get_encoder", "set_response_callback"})



@dataclass(frozen=True)
class Options:
    extra_blocking_calls: Tuple[str, ...] = field(
        default=(),
        metadata={"doc": "Qualified names of more blocking callables, e.g. `\"mylib.db.query\"`."},
    )


class BlockingCallInAsync(Rule):
    """
    ## What it does
    Flags a blocking call made directly in the body of an `async def` (not in a nested `def` or
    `lambda`): `time.sleep`, requests and its `Session`, sync httpx, `urllib.request.urlopen`,
    urllib3 pools, `subprocess.run` / `call` / `check_*` and `Popen.wait()` / `communicate()`,
    `os.system`, `socket.create_connection`, the sync clients of RES101's table (smtplib, ftplib,
    ...), sync database drivers (`sqlite3`, `psycopg2`, `pymysql` connect; sqlite3 `execute`), sync
    redis commands, and `input()`.

    ## Why is this bad?
    An event loop runs one thing at a time. A call that blocks the thread inside a coroutine
    stops every other task on the loop (every request a server is handling, every heartbeat)
    until it returns; one slow upstream turns into a stall of the whole process.

    ## Example
    ```python
    import time

    import requests

    async def refresh_token(self):
        resp = requests.post(TOKEN_URL, data=self.credentials, timeout=10)
        time.sleep(1)
    ```

    ## Use instead
    ```python
    import asyncio

    import httpx

    async def refresh_token(self):
        async with httpx.AsyncClient(timeout=10) as client:
            resp = await client.post(TOKEN_URL, data=self.credentials)
        await asyncio.sleep(1)
    ```
    or hand the blocking call to a thread: `await asyncio.to_thread(requests.post, TOKEN_URL, ...)`.

    Left alone: calls in a nested sync function or lambda, and functions passed (not called) to
    `loop.run_in_executor`, `asyncio.to_thread` or `anyio.to_thread.run_sync`; `time.sleep(0)`;
    async clients.

    ## Fix safety
    Unsafe: `time.sleep(x)` as a statement becomes `await asyncio.sleep(x)` (or `trio.sleep` /
    `anyio.sleep`) when the module already imports that library. Other tasks now run during the
    pause, which can change the order of events the code relied on.

    ## References
    - [asyncio: Running blocking code](https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code)
    - [`asyncio.to_thread`](https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread)
    """

    code = "RES503"
    name = "blocking-call-in-async"
    family = "async"
    severity = Severity.WARNING
    fix_safety = Safety.UNSAFE
    precision = "high"
    triggers = (r"\basync\s+def\b",)
    Options = Options

    def _extra(self):
        extra = getattr(self, "_extra_calls", None)
        if extra is None:
            extra = self._extra_calls = frozenset(self.options.extra_blocking_calls)
        return extra

    def _blocking(self, node: cst.Call) -> Optional[Tuple[str, str]]:
        """(what is called, what to use instead) for a blocking call."""
        qualified = self.ctx.qualified_name(node.func)
        if qualified is not None:
            if qualified in BLOCKING_FUNCTIONS:
                return qualified, BLOCKING_FUNCTIONS[qualified]
            if qualified in self._extra():
                return qualified, "an async equivalent or `asyncio.to_thread`"
        if isinstance(node.func, cst.Attribute):
            info = self.ctx.type_of(node.func.value)
            if info is not None:
                attr = node.func.attr.value
                instead = BLOCKING_METHODS.get((info.type, attr))
                if instead is not None:
                    return f"{info.type}.{attr}", instead
                if info.type == T.REDIS and attr not in _REDIS_LOCAL and not attr.startswith("_"):
                    return f"redis.Redis.{attr}", "`redis.asyncio.Redis`"
        return None

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.in_async_function() or isinstance(self.ctx.parent(), cst.Await):
            return  # an awaited call is not a blocking one, whatever the receiver's annotation says
        found = self._blocking(node)
        if found is None:
            return
        what, instead = found
        args = positional_args(node)
        if what == "time.sleep" and len(args) == 1 and isinstance(args[0].value, cst.Integer) and args[0].value.value == "0":
            return
        func = enclosing_function(self.ctx.stack)
        where = f"`async def {func.name.value}`" if isinstance(func, cst.FunctionDef) else "a coroutine"
        fix = self._sleep_fix(node) if what == "time.sleep" else None
        self.report(node, f"`{what}()` blocks the event loop in {where}; every other task waits until it "
                          f"returns (use {instead})", fix=fix)

    def _sleep_fix(self, node: cst.Call) -> Optional[Replace]:
        if not isinstance(self.ctx.parent(), cst.Expr) or len(node.args) != 1 or node.args[0].keyword is not None:
            return None
        aliases = self.ctx.imports.aliases
        for library in ("asyncio", "trio", "anyio"):
            local = next((name for name, target in sorted(aliases.items()) if target == library), None)
            if local is not None:
                new = cst.Await(expression=node.with_changes(
                    func=cst.Attribute(value=cst.Name(local), attr=cst.Name("sleep"))))
                return Replace(node, new, f"Use `await {local}.sleep()`")
        return None
