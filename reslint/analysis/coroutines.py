"""Async library knowledge: which APIs are coroutine functions, which make tasks, which
decorators keep an `async def` a coroutine function.

Plain tables, with no libcst in sight: the project index (:mod:`reslint.project`, stdlib `ast`
only) reads :data:`TRANSPARENT_DECORATORS` too. The recognisers that use these tables on a libcst
tree live in :mod:`.async_calls`.
"""

from __future__ import annotations

from . import types as T
from .http import AIOHTTP_SESSION_COROUTINES, HTTPX_ASYNC_COROUTINES

# qualified functions that are coroutine functions
KNOWN_COROUTINE_FUNCTIONS = frozenset({
    "asyncio.sleep", "asyncio.wait_for", "asyncio.wait", "asyncio.open_connection", "asyncio.open_unix_connection",
    "asyncio.start_server", "asyncio.start_unix_server", "asyncio.create_subprocess_exec",
    "asyncio.create_subprocess_shell", "asyncio.to_thread", "trio.sleep", "anyio.sleep",
    "anyio.to_thread.run_sync", "anyio.open_file", "anyio.connect_tcp", "aiofiles.os.remove",
})
# methods that return an awaitable whatever the receiver: the async context manager and iterator protocols
ASYNC_DUNDERS = frozenset({"__aenter__", "__aexit__", "__anext__"})
# event loop methods that are coroutine functions
LOOP_COROUTINES = ("sock_recv", "sock_recv_into", "sock_recvfrom", "sock_sendall", "sock_sendto", "sock_connect",
                   "sock_accept", "sock_sendfile", "create_connection", "create_server", "create_unix_connection",
                   "create_unix_server", "create_datagram_endpoint", "getaddrinfo", "getnameinfo",
                   "shutdown_asyncgens", "shutdown_default_executor", "connect_read_pipe", "connect_write_pipe",
                   "subprocess_exec", "subprocess_shell", "sendfile", "start_tls", "connect_accepted_socket")
# (receiver type, method) pairs that are coroutine functions
KNOWN_COROUTINE_METHODS = frozenset(
    [(T.LOOP, m) for m in LOOP_COROUTINES]
    + [(T.AIOHTTP_SESSION, m) for m in AIOHTTP_SESSION_COROUTINES]
    + [(T.HTTPX_ASYNC_CLIENT, m) for m in HTTPX_ASYNC_COROUTINES]
    + [(T.ASYNC_QUEUE, m) for m in ("put", "get", "join")]
    + [(T.ASYNC_LOCK, "acquire"), (T.ASYNC_EVENT, "wait"), (T.ASYNC_CONDITION, "wait"),
       (T.ASYNC_CONDITION, "wait_for"), (T.ASYNC_CONDITION, "acquire")]
    + [(T.STREAM_WRITER, m) for m in ("drain", "wait_closed", "start_tls")]
    + [(T.STREAM_READER, m) for m in ("read", "readline", "readexactly", "readuntil")]
)

# decorators known to return the `async def` itself (or a coroutine function like it), by their
# last name; any other decorator (textual's `@work`, `@async_to_sync`, `@app.task`, ...) may turn
# it into something else
TRANSPARENT_DECORATORS = frozenset({
    "staticmethod", "classmethod", "abstractmethod", "override", "final", "wraps", "retry", "on_exception",
    "on_predicate", "overload", "no_type_check", "deprecated", "cache_control", "timeit", "traced", "trace",
})

# functions that schedule a coroutine as a task
TASK_FUNCTIONS = frozenset({"asyncio.create_task", "asyncio.ensure_future", "asyncio.tasks.create_task",
                            "asyncio.tasks.ensure_future", "asyncio.async"})
# event loop methods that schedule a coroutine as a task
LOOP_TASK_METHODS = ("create_task", "ensure_future")
# calls that return the event loop
LOOP_GETTERS = ("asyncio.get_running_loop", "asyncio.get_event_loop")
# receivers of unknown type that are, by their (last) name, an event loop: these, and any name
# ending in `loop` (`thread_loop`, `self._main_loop`, `evloop`)
LOOP_NAMES = frozenset({"loop", "_loop", "event_loop", "_event_loop", "ioloop"})
# functions that wrap their awaitables in tasks and return a future of them all
GATHER_FUNCTIONS = frozenset({"asyncio.gather", "asyncio.tasks.gather"})

# what calls a callable later and drops what it returns: a coroutine function handed to one of
# these makes a coroutine nobody awaits (the loop's `call_*` and `add_signal_handler` refuse one
# with a TypeError, but not a `lambda` or `partial` that calls it)
# loop method -> position of the callback
LOOP_CALLBACK_METHODS = {"call_soon": 0, "call_soon_threadsafe": 0, "call_later": 1, "call_at": 1,
                         "add_signal_handler": 1, "add_reader": 1, "add_writer": 1, "run_in_executor": 1}
# a future's done-callback (asyncio's and concurrent.futures'), on any receiver: called with the
# future, its result dropped
DONE_CALLBACK = "add_done_callback"
# an executor's methods that call a callable in a worker thread (the future's result is then the
# coroutine, never awaited)
EXECUTOR_CALLBACK_METHODS = {"submit": 0, "map": 0}
# qualified function -> (position of the callback or None, its keyword)
CALLBACK_FUNCTIONS = {"atexit.register": (0, "func"), "signal.signal": (1, "handler"),
                      "threading.Thread": (None, "target"), "threading.Timer": (1, "function"),
                      "asyncio.to_thread": (0, "func"), "anyio.to_thread.run_sync": (0, "func")}
# every method name a callback is handed to, for the prefilter
CALLBACK_METHOD_NAMES = frozenset({*LOOP_CALLBACK_METHODS, DONE_CALLBACK, *EXECUTOR_CALLBACK_METHODS})
