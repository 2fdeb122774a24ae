"""HTTP: the verbs, which of them are not idempotent, and the client libraries' calls by verb.

The one HTTP table of reslint. The timeouts family (which calls need a timeout), the retries
family (which repeated requests are not idempotent) and the async family (which calls block
the event loop, which are coroutines) all build their tables from it.

Method names are the lower-case verbs the client libraries name their functions and methods
after (`requests.get`, `session.post`, `client.patch`); method values, as sent on the wire and
as the `method=` argument takes them, are upper case (`"POST"`).
"""

from __future__ import annotations

from typing import Dict, Union

from . import types as T

# the verb-named functions and methods of requests, httpx and aiohttp
VERBS = ("get", "options", "head", "post", "put", "patch", "delete")
# methods whose repetition may do the work twice (RFC 9110, 9.2.2): POST and PATCH
NON_IDEMPOTENT = frozenset({"POST", "PATCH"})
# verb-named calls that send a non-idempotent request: `post` -> "POST"
NON_IDEMPOTENT_VERBS: Dict[str, str] = {method.lower(): method for method in sorted(NON_IDEMPOTENT)}

# requests: module functions (`requests.get`, `requests.request`) and `Session` methods
REQUESTS_FUNCTIONS = (*VERBS, "request")
REQUESTS_SESSION_METHODS = (*REQUESTS_FUNCTIONS, "send")
# httpx: module functions (no `send`) and `Client` methods
HTTPX_FUNCTIONS = (*VERBS, "request", "stream")
HTTPX_CLIENT_METHODS = (*HTTPX_FUNCTIONS, "send")
# async clients: the methods that are coroutine functions (`AsyncClient.stream` is a context manager)
HTTPX_ASYNC_COROUTINES = (*VERBS, "request", "send", "aclose")
AIOHTTP_SESSION_COROUTINES = (*VERBS, "request", "ws_connect", "close")
# urllib3 pools (`PoolManager`, `HTTPConnectionPool`): the methods that send a request
URLLIB3_POOL_METHODS = ("request", "urlopen")
# http.client connections: the methods that talk to the server
HTTP_CONNECTION_METHODS = ("request", "getresponse", "connect")

# receiver types that are HTTP clients, and the modules that provide them
CLIENT_TYPES = frozenset({T.SESSION, T.HTTPX_CLIENT, T.HTTPX_ASYNC_CLIENT, T.AIOHTTP_SESSION, T.URLLIB3_POOL})
CLIENT_MODULES = ("requests", "httpx", "aiohttp", "urllib3")
# receivers of unknown type that are, in a module using an HTTP library, an HTTP client
CLIENT_RECEIVER_NAMES = frozenset({"session", "_session", "client", "_client", "http", "_http", "http_client",
                                   "_http_client", "requests_session", "httpx_client", "sess", "s"})

# module functions that send a request: the method they send, or the index of the argument
# that names it (`requests.request("POST", url)`)
REQUEST_FUNCTIONS: Dict[str, Union[str, int]] = {}
for _lib in ("requests", "requests.api", "httpx"):
    REQUEST_FUNCTIONS.update({f"{_lib}.post": "POST", f"{_lib}.patch": "PATCH", f"{_lib}.request": 0})
REQUEST_FUNCTIONS["urllib3.request"] = 0
# request objects built to be sent (`requests.Request("POST", url)`, then `session.send(prepared)`)
for _cls in ("requests.Request", "requests.models.Request", "httpx.Request", "httpx._models.Request"):
    REQUEST_FUNCTIONS[_cls] = 0
# client methods that take the method as an argument (`session.request("POST", url)`)
METHOD_ARGUMENT_METHODS = ("request", "urlopen", "stream", "_request", "build_request")
# ... and among them, those where it is the first positional argument
METHOD_FIRST_METHODS = ("request", "urlopen", "stream")
