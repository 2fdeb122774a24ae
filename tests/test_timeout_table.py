"""Every entry of the timeout tables names the position its library really gives the timeout.

A wrong position is worse than a missing one: the rule reports a call that passes its timeout
positionally, and the fix then adds the keyword a second time (`TypeError: got multiple values`).
Standard-library entries are checked against the running Python's own signatures; third-party
entries against the signatures their documentation gives (written out below, with the source).
"""

from __future__ import annotations

import importlib
import inspect
import warnings

import pytest

from reslint.analysis import timeouts

TABLES = {
    "NETWORK_FUNCTIONS": timeouts.NETWORK_FUNCTIONS,
    "NETWORK_METHODS": timeouts.NETWORK_METHODS,
    "DEFAULT_BOUNDED_FUNCTIONS": timeouts.DEFAULT_BOUNDED_FUNCTIONS,
    "DEFAULT_BOUNDED_METHODS": timeouts.DEFAULT_BOUNDED_METHODS,
    "WAIT_FUNCTIONS": timeouts.WAIT_FUNCTIONS,
    "WAIT_METHODS": timeouts.WAIT_METHODS,
    "THREAD_JOIN": timeouts.THREAD_JOIN,
    "LOCK_ACQUIRE": timeouts.LOCK_ACQUIRE,
}

# Third-party signatures, positional parameters up to the timeout (None: it cannot be passed by
# position: keyword-only or through **kwargs).
DOCUMENTED = {
    # requests: get/post/... (url, params=None, **kwargs), request(method, url, **kwargs)
    **{f"requests.{m}": None for m in ("get", "options", "head", "post", "put", "patch", "delete", "request")},
    # requests.Session: verbs (url, **kwargs) / post(url, data=None, json=None, **kwargs), send(request, **kwargs)
    **{f"requests.Session.{m}": None for m in ("get", "options", "head", "post", "put", "patch", "delete", "send")},
    # Session.request(method, url, params=None, data=None, headers=None, cookies=None, files=None, auth=None,
    #                 timeout=None, ...)
    "requests.Session.request": 8,
    # redis-py: Redis(host="localhost", port=6379, db=0, password=None, socket_timeout=None, ...)
    "redis.Redis": 4, "redis.StrictRedis": 4,
    "redis.from_url": None, "redis.Redis.from_url": None, "redis.StrictRedis.from_url": None,  # (url, **kwargs)
    # psycopg2.connect(dsn=None, connection_factory=None, cursor_factory=None, **kwargs);
    # psycopg.connect(conninfo="", *, autocommit=False, ..., **kwargs)
    "psycopg2.connect": None, "psycopg.connect": None, "psycopg.Connection.connect": None,
    "psycopg.AsyncConnection.connect": None,
    # urllib3 2.x: request(method, url, *, ..., timeout=...); PoolManager(num_pools=10, headers=None,
    # **connection_pool_kw); HTTPConnectionPool(host, port=None, timeout=...); PoolManager.request(method,
    # url, fields=None, headers=None, **urlopen_kw); HTTPConnectionPool.urlopen(method, url, body=None,
    # headers=None, retries=None, redirect=True, assert_same_host=True, timeout=...)
    "urllib3.request": None, "urllib3.PoolManager": None, "urllib3.ProxyManager": None,
    "urllib3.HTTPConnectionPool": 2, "urllib3.HTTPSConnectionPool": 2,
    "urllib3.PoolManager.request": None, "urllib3.PoolManager.urlopen": 7,
    # httpx: every function and Client method takes timeout as a keyword-only argument
    **{f"httpx.{m}": None for m in ("get", "options", "head", "post", "put", "patch", "delete", "request",
                                     "stream", "send", "Client", "AsyncClient")},
    **{f"httpx.{c}.{m}": None for c in ("Client", "AsyncClient")
       for m in ("get", "options", "head", "post", "put", "patch", "delete", "request", "stream", "send")},
}

# Standard-library timeouts that were positional before Python 3.12 and keyword-only since: the
# table keeps the old index (a call written for 3.11 passes it there).
POSITIONAL_BEFORE_312 = {
    "http.client.HTTPSConnection": 4, "smtplib.SMTP_SSL": 5, "ftplib.FTP_TLS": 7,
    "imaplib.IMAP4_SSL": 5, "poplib.POP3_SSL": 4,
}

STDLIB_TYPES = {
    "subprocess.Popen": "subprocess.Popen", "concurrent.futures.Future": "concurrent.futures.Future",
    "queue.Queue": "queue.Queue", "threading.Event": "threading.Event",
    "threading.Condition": "threading.Condition", "threading.Thread": "threading.Thread",
    "multiprocessing.pool.AsyncResult": "multiprocessing.pool.AsyncResult",
}


def _entries():
    seen = set()
    for table_name, table in TABLES.items():
        for key, spec in table.items():
            name = spec.display
            if isinstance(key, tuple) and not name.startswith(("requests.", "urllib3.", "httpx.")):
                name = f"{key[0]}.{key[1]}" if "." in key[0] else spec.display
            if (name, spec.keyword, spec.position) in seen:
                continue
            seen.add((name, spec.keyword, spec.position))
            yield pytest.param(name, spec, id=f"{table_name}:{name}")


def _real_callable(dotted: str):
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


def _position_in(signature: inspect.Signature, keyword: str, skip_self: bool):
    index = 0
    for param in signature.parameters.values():
        if skip_self and index == 0 and param.name == "self":
            skip_self = False
            continue
        if param.kind is param.VAR_POSITIONAL:
            return None
        if param.name == keyword:
            return index if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD) else None
        index += 1
    return None


@pytest.mark.parametrize("name,spec", list(_entries()))
def test_timeout_position_matches_the_library(name, spec):
    if name.split(".")[0] in ("requests", "redis", "psycopg2", "psycopg", "urllib3", "httpx") or \
            name.startswith(("HTTPX", "httpx")):
        assert name in DOCUMENTED, f"{name}: add its documented signature to DOCUMENTED"
        assert spec.position == DOCUMENTED[name], f"{name}: `{spec.keyword}` is at {DOCUMENTED[name]}"
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # telnetlib
            target = _real_callable(name)
    except (ImportError, AttributeError):
        pytest.skip(f"{name} is not in this Python")
    if name.startswith("multiprocessing.pool.AsyncResult"):
        target = getattr(importlib.import_module("multiprocessing.pool"), "ApplyResult").__dict__[name.rsplit(".", 1)[1]]
    real = _position_in(inspect.signature(target), spec.keyword, skip_self=inspect.isfunction(target) and "." in
                        getattr(target, "__qualname__", ""))
    if real is None and name in POSITIONAL_BEFORE_312:
        assert spec.position == POSITIONAL_BEFORE_312[name]
    else:
        assert spec.position == real, f"{name}: `{spec.keyword}` is at {real} in this Python"


def test_redis_positional_socket_timeout_is_not_reported_nor_duplicated():
    from reslint.api import lint_source
    from reslint.config import from_table
    from pathlib import Path

    settings = from_table({"select": ["RES101"]}, root=Path("/p"), where="t")
    source = 'import redis\nr = redis.Redis("localhost", 6379, 0, None, 5)\nq = redis.Redis(*parts)\n'
    assert lint_source(source, "m.py", settings).findings == ()
    flagged = lint_source('import redis\nr = redis.Redis("localhost", 6379, 0, None)\n', "m.py", settings)
    assert [f.code for f in flagged.findings] == ["RES101"]
