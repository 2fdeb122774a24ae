"""RES503 blocking-call-in-async: a blocking call in a coroutine (the table: reslint.analysis.blocking)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Tuple

from reslint.lazycst import cst

from reslint.analysis.blocking import WAITS_FOR_PROCESS, blocking_call, is_file_io, may_block_in_coroutine
from reslint.analysis.scopes import enclosing_function
from reslint.model import Safety, Severity
from reslint.rule import Replace, Rule


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
    `lambda`): `time.sleep`, requests and its `Session`, sync httpx (module functions and
    `httpx.Client` methods), `urllib.request.urlopen`, `urllib3.request` and urllib3 pools,
    child processes waited for (`subprocess.run` / `call` / `check_*`, `Popen.wait()` /
    `communicate()`, reads and writes on a `Popen`'s pipes, `with subprocess.Popen(...)`, whose
    exit waits, `os.spawn*(os.P_WAIT, ...)`, `os.wait*`, `os.system`), `socket.create_connection`,
    the sync clients of RES101's table (smtplib, ftplib, ...), sync database drivers (`sqlite3`,
    `psycopg2`, `pymysql` connect; sqlite3 `execute`), sync redis commands, `input()`, waits on
    a thread's primitives (`queue.Queue.get()`, `threading.Event.wait()`, `Condition.wait()`,
    `concurrent.futures.wait()` / `as_completed()`, multiprocessing's equivalents: a timeout
    only shortens the stall), and file I/O.

    File I/O, as flake8-async's ASYNC230 / ASYNC232 see it: `open()` (and `io.open`, `os.fdopen`,
    `codecs` / `gzip` / `bz2` / `lzma.open`), reads and writes on a file object opened elsewhere
    (an attribute opened in `__init__`), `Path.read_text` / `read_bytes` / `write_text` /
    `write_bytes` / `open` on a path, and `shutil` copies, moves, removals and archives. File I/O
    is reported with what it costs: usually brief on a local disk, but every other task waits,
    and a slow or network filesystem stalls them all.

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
    `loop.run_in_executor`, `asyncio.to_thread` or `anyio.to_thread.run_sync`; awaited calls;
    `time.sleep(0)`; a wait that returns at once (`q.get(block=False)`, `event.wait(0)`, a get
    under `if not q.empty():`, futures after the executor's `with` block); `Thread.join()` and a
    future's `result()`, which a coroutine mostly reaches once the work has signalled its end
    (RES103 reports them where they have no timeout, the join with its `check-thread-join` option); async clients and async files
    (`aiofiles.open`, `anyio.open_file`, `anyio.Path`, `open()` wrapped by `trio.wrap_file` /
    `anyio.wrap_file`, `os.fdopen(fd)` handed straight to `loop.connect_read_pipe` /
    `connect_write_pipe`, whose transport does the reads and writes without blocking: it wraps a
    descriptor already open); a bare
    `subprocess.Popen(...)`, `os.posix_spawn*` and `os.spawn*` with another mode than `P_WAIT`,
    which only start the child (a brief fork and exec); the writes on a file opened in the same
    function (its `open()` is reported once); in-memory buffers (`io.StringIO`, `BytesIO`);
    path arithmetic and `os.path` (no file contents are read); `read` / `write` on objects not
    known to be files.

    ## Fix safety
    Unsafe: `time.sleep(x)` as a statement becomes `await asyncio.sleep(x)` (or `trio.sleep` /
    `anyio.sleep`) when the module already imports that library. Other tasks now run during the
    pause, which can change the order of events the code relied on.

    ## References
    - [asyncio: Running blocking code](https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code)
    - [`asyncio.to_thread`](https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread)
    """

    code = "RES503"
    other_tools_codes = ("ASYNC210", "ASYNC220", "ASYNC221", "ASYNC222", "ASYNC251")  # flake8-async / ruff: blocking HTTP, subprocess, sleep
    name = "blocking-call-in-async"
    family = "async"
    severity = Severity.WARNING
    fix_safety = Safety.UNSAFE
    precision = "high"
    triggers = (r"\basync\s+def\b",)
    Options = Options

    @classmethod
    def is_ast_candidate(cls, tree, text, options=None) -> bool:
        return may_block_in_coroutine(tree, text, options.extra_blocking_calls if options is not None else ())

    def _extra(self):
        extra = getattr(self, "_extra_calls", None)
        if extra is None:
            extra = self._extra_calls = frozenset(self.options.extra_blocking_calls)
        return extra

    def visit_Call(self, node: cst.Call) -> None:
        if not self.ctx.in_async_function() or isinstance(self.ctx.parent(), cst.Await):
            return  # an awaited call is not a blocking one, whatever the receiver's annotation says
        found = blocking_call(self.ctx, node, self._extra())
        if found is None:
            return
        what, instead = found
        func = enclosing_function(self.ctx.stack)
        where = f"`async def {func.name.value}`" if isinstance(func, cst.FunctionDef) else "a coroutine"
        fix = self._sleep_fix(node) if what == "time.sleep" else None
        shown = what[len("builtins."):] if what.startswith("builtins.") else what
        if is_file_io(what):
            message = (f"`{shown}()` does blocking file I/O in {where}; on a local disk it is usually brief, but "
                       f"every other task waits for it, and a slow or network filesystem stalls them all "
                       f"(use {instead})")
        elif what == "subprocess.Popen":
            message = (f"`{shown}()` as a context manager waits for the child to exit when the block ends; the "
                       f"event loop in {where} stops until then (use {instead})")
        elif what in WAITS_FOR_PROCESS:
            message = (f"`{shown}(P_WAIT, ...)` runs the child to its end; the event loop in {where} stops until it "
                       f"exits (use {instead})")
        else:
            message = (f"`{shown}()` blocks the event loop in {where}; every other task waits until it returns "
                       f"(use {instead})")
        self.report(node, message, fix=fix)

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
