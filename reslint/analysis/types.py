"""Library knowledge shared by the rule families: what a call returns.

Types are plain strings naming the class a value is an instance of. Only
what the rules need is known; everything else is unknown (None), and a rule
that cannot tell what a receiver is stays silent.
"""

from __future__ import annotations

from typing import Dict, Tuple

SESSION = "requests.Session"
HTTPX_CLIENT = "httpx.Client"
HTTPX_ASYNC_CLIENT = "httpx.AsyncClient"
URLLIB3_POOL = "urllib3.PoolManager"
SOCKET = "socket.socket"
POPEN = "subprocess.Popen"
EXECUTOR = "concurrent.futures.Executor"
FUTURE = "concurrent.futures.Future"
QUEUE = "queue.Queue"
EVENT = "threading.Event"
CONDITION = "threading.Condition"
THREAD = "threading.Thread"
LOCK = "threading.Lock"
MP_POOL = "multiprocessing.pool.Pool"
ASYNC_RESULT = "multiprocessing.pool.AsyncResult"
REDIS = "redis.Redis"
AIOHTTP_SESSION = "aiohttp.ClientSession"
SQLITE = "sqlite3.Connection"
HTTP_CONNECTION = "http.client.HTTPConnection"
LOOP = "asyncio.AbstractEventLoop"
ASYNC_QUEUE = "asyncio.Queue"
ASYNC_LOCK = "asyncio.Lock"
ASYNC_EVENT = "asyncio.Event"
ASYNC_CONDITION = "asyncio.Condition"
STREAM_READER = "asyncio.StreamReader"
STREAM_WRITER = "asyncio.StreamWriter"
FILE = "io.IOBase"            # a file object from open() and its kin (not io.StringIO / BytesIO)
PATH = "pathlib.Path"
MP_MANAGER = "multiprocessing.managers.SyncManager"
MP_CONTEXT = "multiprocessing.context.BaseContext"
OPENER = "urllib.request.OpenerDirector"
# an httpx transport that calls an ASGI/WSGI app in the same process: no network between them
IN_PROCESS_TRANSPORT = "httpx.ASGITransport"

# callee (qualified) -> type of the value it returns
CONSTRUCTORS: Dict[str, str] = {
    "requests.Session": SESSION,
    "requests.session": SESSION,
    "requests.sessions.Session": SESSION,
    "requests.sessions.session": SESSION,
    "httpx.Client": HTTPX_CLIENT,
    "httpx.AsyncClient": HTTPX_ASYNC_CLIENT,
    "urllib3.PoolManager": URLLIB3_POOL,
    "urllib3.ProxyManager": URLLIB3_POOL,
    "urllib3.HTTPConnectionPool": URLLIB3_POOL,
    "urllib3.HTTPSConnectionPool": URLLIB3_POOL,
    "urllib3.connectionpool.HTTPConnectionPool": URLLIB3_POOL,
    "urllib3.connectionpool.HTTPSConnectionPool": URLLIB3_POOL,
    "urllib3.poolmanager.PoolManager": URLLIB3_POOL,
    "urllib3.connection_from_url": URLLIB3_POOL,
    "urllib3.proxy_from_url": URLLIB3_POOL,
    "socket.socket": SOCKET,
    "socket.create_connection": SOCKET,
    "socket.create_server": SOCKET,
    "subprocess.Popen": POPEN,
    "concurrent.futures.ThreadPoolExecutor": EXECUTOR,
    "concurrent.futures.ProcessPoolExecutor": EXECUTOR,
    "concurrent.futures.thread.ThreadPoolExecutor": EXECUTOR,
    "concurrent.futures.process.ProcessPoolExecutor": EXECUTOR,
    "queue.Queue": QUEUE,
    "queue.LifoQueue": QUEUE,
    "queue.PriorityQueue": QUEUE,
    "queue.SimpleQueue": QUEUE,
    "multiprocessing.Queue": QUEUE,
    "multiprocessing.JoinableQueue": QUEUE,
    "threading.Event": EVENT,
    "multiprocessing.Event": EVENT,
    "threading.Condition": CONDITION,
    "multiprocessing.Condition": CONDITION,
    "threading.Thread": THREAD,
    "multiprocessing.Process": THREAD,
    "threading.Lock": LOCK,
    "threading.RLock": LOCK,
    "threading.Semaphore": LOCK,
    "threading.BoundedSemaphore": LOCK,
    "multiprocessing.Lock": LOCK,
    "multiprocessing.RLock": LOCK,
    "multiprocessing.Pool": MP_POOL,
    "multiprocessing.pool.Pool": MP_POOL,
    "multiprocessing.pool.ThreadPool": MP_POOL,
    "redis.Redis": REDIS,
    "redis.StrictRedis": REDIS,
    "redis.client.Redis": REDIS,
    "redis.from_url": REDIS,
    "redis.Redis.from_url": REDIS,
    "aiohttp.ClientSession": AIOHTTP_SESSION,
    "aiohttp.client.ClientSession": AIOHTTP_SESSION,
    "sqlite3.connect": SQLITE,
    "http.client.HTTPConnection": HTTP_CONNECTION,
    "http.client.HTTPSConnection": HTTP_CONNECTION,
    "sqlite3.Connection": SQLITE,
    "asyncio.get_running_loop": LOOP,
    "asyncio.get_event_loop": LOOP,
    "asyncio.new_event_loop": LOOP,
    "asyncio.AbstractEventLoop": LOOP,
    "asyncio.BaseEventLoop": LOOP,
    "asyncio.events.AbstractEventLoop": LOOP,
    "uvloop.new_event_loop": LOOP,
    "asyncio.Queue": ASYNC_QUEUE,
    "asyncio.LifoQueue": ASYNC_QUEUE,
    "asyncio.PriorityQueue": ASYNC_QUEUE,
    "asyncio.Lock": ASYNC_LOCK,
    "asyncio.Semaphore": ASYNC_LOCK,
    "asyncio.BoundedSemaphore": ASYNC_LOCK,
    "asyncio.Event": ASYNC_EVENT,
    "asyncio.Condition": ASYNC_CONDITION,
    "asyncio.StreamReader": STREAM_READER,
    "asyncio.StreamWriter": STREAM_WRITER,
    "builtins.open": FILE,
    "io.open": FILE,
    "os.fdopen": FILE,
    "codecs.open": FILE,
    "gzip.open": FILE,
    "bz2.open": FILE,
    "lzma.open": FILE,
    "pathlib.Path": PATH,
    "pathlib.PosixPath": PATH,
    "pathlib.WindowsPath": PATH,
    "pathlib.Path.home": PATH,
    "pathlib.Path.cwd": PATH,
    "multiprocessing.Manager": MP_MANAGER,
    "multiprocessing.managers.SyncManager": MP_MANAGER,
    "multiprocessing.get_context": MP_CONTEXT,
    "multiprocessing.queues.Queue": QUEUE,
    "multiprocessing.queues.JoinableQueue": QUEUE,
    "multiprocessing.synchronize.Event": EVENT,
    "multiprocessing.synchronize.Condition": CONDITION,
    "urllib.request.build_opener": OPENER,
    "urllib.request.OpenerDirector": OPENER,
    "httpx.ASGITransport": IN_PROCESS_TRANSPORT,
    "httpx.WSGITransport": IN_PROCESS_TRANSPORT,
}

# annotations that name a type (classes, not factory functions)
ANNOTATIONS: Dict[str, str] = {key: value for key, value in CONSTRUCTORS.items() if key.rsplit(".", 1)[-1][:1].isupper()}
ANNOTATIONS.update({
    "socket.socket": SOCKET,
    "concurrent.futures.Future": FUTURE,
    "concurrent.futures.Executor": EXECUTOR,
    "multiprocessing.pool.AsyncResult": ASYNC_RESULT,
})

# `reader, writer = await asyncio.open_connection(...)`: awaited calls that return a tuple of known types
AWAITED_TUPLES: Dict[str, Tuple[str, ...]] = {
    "asyncio.open_connection": (STREAM_READER, STREAM_WRITER),
    "asyncio.open_unix_connection": (STREAM_READER, STREAM_WRITER),
}

# (receiver type, method) -> type of the value the method returns
METHOD_RETURNS: Dict[Tuple[str, str], str] = {
    (EXECUTOR, "submit"): FUTURE,
    (MP_POOL, "apply_async"): ASYNC_RESULT,
    (MP_POOL, "map_async"): ASYNC_RESULT,
    (MP_POOL, "starmap_async"): ASYNC_RESULT,
    (PATH, "open"): FILE,
    **{(PATH, m): PATH for m in ("joinpath", "with_name", "with_suffix", "with_stem", "resolve", "absolute",
                                 "expanduser", "relative_to", "with_segments")},
    # a manager's proxies and a context's objects wait like the ones they stand for
    (MP_MANAGER, "Queue"): QUEUE,
    (MP_MANAGER, "JoinableQueue"): QUEUE,
    (MP_MANAGER, "Event"): EVENT,
    (MP_MANAGER, "Condition"): CONDITION,
    (MP_MANAGER, "Pool"): MP_POOL,
    (MP_CONTEXT, "Queue"): QUEUE,
    (MP_CONTEXT, "JoinableQueue"): QUEUE,
    (MP_CONTEXT, "Event"): EVENT,
    (MP_CONTEXT, "Condition"): CONDITION,
    (MP_CONTEXT, "Manager"): MP_MANAGER,
    (MP_CONTEXT, "Pool"): MP_POOL,
    (MP_CONTEXT, "Process"): THREAD,
}

# `with X() as name` binds name to what __enter__ returns: the object itself for these
ENTER_RETURNS_SELF = frozenset({SESSION, HTTPX_CLIENT, HTTPX_ASYNC_CLIENT, URLLIB3_POOL, SOCKET, POPEN,
                                EXECUTOR, MP_POOL, REDIS, AIOHTTP_SESSION, CONDITION, SQLITE, MP_MANAGER, FILE})

# Base classes a project may subclass; a subclass is that type, unless a rule decides otherwise.
SUBCLASSABLE = frozenset({SESSION, HTTPX_CLIENT, HTTPX_ASYNC_CLIENT, THREAD})
