"""RES101 missing-timeout: a network call with no timeout (what waits and what bounds it: reslint.analysis.timeouts)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Tuple

from reslint.lazycst import cst

from reslint.analysis.calls import append_keyword, find_arg, is_none, may_pass, spread_dicts_lack
from reslint.analysis.reach import may_call
from reslint.analysis.scopes import enclosing_function
from reslint.analysis.timeouts import (
    ASYNC_CONTEXT_BOUNDED,
    NETWORK_FUNCTIONS,
    NETWORK_METHODS,
    TIMEOUT_SCOPES,
    dsn_covers,
    inside,
    parse_extra_calls,
    receiver_unbounded,
    resolve_call,
    socket_default_timeout,
    used_inside,
)
from reslint.model import Safety, Severity
from reslint.rule import Replace, Rule
from reslint.triggers import importing


@dataclass(frozen=True)
class Options:
    extra_calls: Tuple[str, ...] = field(
        default=(),
        metadata={"doc": "More calls that need a timeout, as `\"qualified.name:keyword:position\"` "
                         "(keyword defaults to `timeout`, position is optional), e.g. "
                         "`\"myapp.http.fetch:timeout:1\"`."},
    )
    timeout_wrappers: Tuple[str, ...] = field(
        default=(),
        metadata={"doc": "Qualified names of project functions, classes or context managers that "
                         "already apply a timeout: a call made inside one of them (as an argument or "
                         "in its `with` block), or on a client it returned, is not reported."},
    )
    default_timeout: float = field(
        default=10.0,
        metadata={"doc": "Seconds the fix writes as the timeout. 10 s bounds a hung peer without "
                         "cutting off ordinary slow responses; tune it per service.",
                  "above": 0},
    )


def _literal_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class MissingTimeout(Rule):
    """
    ## What it does
    Flags a call that waits on the network with no timeout and no bounded library default:
    `requests` functions and `Session` methods, `urllib.request.urlopen`, `http.client`
    connections, `socket.create_connection`, `smtplib`, `ftplib`, `imaplib`, `poplib`, `telnetlib`,
    urllib3 requests on a pool built without a timeout, `redis.Redis` / `from_url` without
    `socket_timeout`, `psycopg2` / `psycopg` `connect` without `connect_timeout`,
    websocket-client's `websocket.create_connection`, `urllib.request.build_opener().open(...)`,
    and `asyncio.open_connection` outside `asyncio.timeout()` / `wait_for()` (a coroutine made
    earlier, `pending = asyncio.open_connection(h, p)`, counts as inside when every use of the
    name is: `async with asyncio.timeout(5): await pending`; so does a timeout a module of the
    project re-exports under its own name, `from .utils import asyncio_timeout`, where utils
    does `from asyncio import timeout as asyncio_timeout`). `open_connection(sock=s)`, which
    wraps a socket already connected, is left alone.

    ## Why is this bad?
    These libraries wait forever by default. One peer that accepts the connection and then stops
    answering (a full load balancer, a half-dead database, a dropped packet) blocks the calling
    thread or worker for good; under load every worker ends up stuck there and the service stops,
    although nothing crashed and no error was logged.

    ## Example
    ```python
    import requests

    def fetch_rates(session: requests.Session):
        return session.get("https://rates.example.com/v1/eur").json()
    ```

    ## Use instead
    ```python
    import requests

    def fetch_rates(session: requests.Session):
        return session.get("https://rates.example.com/v1/eur", timeout=10).json()
    ```

    Receivers are resolved within the file: `s = requests.Session()`, `with requests.Session() as
    s`, `self._s = requests.Session()` in any method of the class or of a base class in the file,
    a class attribute (`session = requests.Session()` in the class body), a parameter or attribute
    annotated `requests.Session`, `requests.session()`, and module functions or methods of the
    class that return a session (`self.http = self._make_session()`). Left
    alone: a timeout given by keyword or position, or possibly through `**kwargs` (a `**options`
    spread from a local dict the function builds with string keys, none of them the timeout, and
    never hands to another call, is read: it has none); receivers that
    cannot be resolved; httpx and aiohttp (their defaults are bounded: 5 s, 300 s); a `Session`
    subclass of the project that overrides `request`/`send` or mounts an adapter (the common ways
    to set a default timeout); a session set up the same way where it is built: its `request` /
    `send` replaced (`s.request = functools.partial(s.request, timeout=30)`) or an adapter
    mounted that carries a timeout, in the function around the call, in the class for
    `self.<attr>`, or in the function or method of the file that built and returned it
    (`with self.anonymous_session() as s: s.get(url)`); a session whose origin the file does not
    show (a parameter annotated `requests.Session`) in a module whose every `requests.Session()`
    is configured that way where it is built; socket-based calls (`urlopen`, `http.client`,
    `socket.create_connection`, `smtplib`...) in a module that calls
    `socket.setdefaulttimeout(<number>)`, or in a package one of whose modules outside its tests
    calls it (a command-line entry point that sets `socket.setdefaulttimeout(args.timeout)` for
    the whole program; the same top-level package, so one program of a repository that holds
    several does not speak for the others); websocket-client's `create_connection` in a module that
    calls `websocket.setdefaulttimeout(<number>)`; a `psycopg` DSN given as a variable, or a literal one that
    sets `connect_timeout`; calls inside the `timeout-wrappers` you declare.

    ## Fix safety
    Unsafe. The fix adds `timeout=<default-timeout>` (`socket_timeout=` for redis,
    `connect_timeout=` for psycopg) as the last argument, keeping the call's layout. A request
    that used to take longer than that now fails with a timeout error, which is the point, but
    the number should suit the service; `asyncio.open_connection` gets no fix (wrap it in
    `asyncio.timeout()`).

    ## Known limitations
    Only names bound in the same file are resolved; a client built in another module and passed
    around without an annotation is not checked. `socket.setdefaulttimeout(n)` and
    `websocket.setdefaulttimeout(n)` count anywhere in the module, whatever runs first; a
    package's `socket.setdefaulttimeout(n)` counts for all its modules, although a library whose
    command-line module sets it leaves callers that import it without the default. Without a
    project (a file read from standard input) only the module's own call counts. Flow is not followed: a name bound to a
    session in one branch and to something else in another is left alone.

    ## References
    - [requests: timeouts](https://requests.readthedocs.io/en/latest/user/advanced/#timeouts)
    - [urllib3: timeouts](https://urllib3.readthedocs.io/en/stable/user-guide.html#using-timeouts)
    - [`socket.setdefaulttimeout`](https://docs.python.org/3/library/socket.html#socket.setdefaulttimeout)
    """

    code = "RES101"
    other_tools_codes = ("S113", "B113")  # ruff (flake8-bandit) / bandit: request without timeout
    name = "missing-timeout"
    family = "timeouts"
    severity = Severity.ERROR
    fix_safety = Safety.UNSAFE
    # every callee in the table is reached through an import of its module
    triggers = (
        importing(r"requests|redis|urllib3|urllib|psycopg2?|smtplib|ftplib|imaplib|poplib|telnetlib"
                  r"|http|socket|asyncio|websocket"),
    )
    Options = Options
    # the project index tells whether the program sets a default socket timeout in another module
    scope = "project"

    @classmethod
    def is_ast_candidate(cls, tree, text, options=None, project=None) -> bool:
        extra = tuple(spec.split(":")[0].strip() for spec in options.extra_calls) if options is not None else ()
        return may_call(tree, text, (*NETWORK_FUNCTIONS, *ASYNC_CONTEXT_BOUNDED, *extra), NETWORK_METHODS)

    @classmethod
    def option_triggers(cls, options: Options):
        return tuple((re.escape(spec.split(":")[0].rsplit(".", 1)[-1]),) for spec in options.extra_calls if spec)

    def _program_default(self) -> bool:
        """A module of this file's top-level package, outside its tests, sets
        `socket.setdefaulttimeout(n)` (see :meth:`reslint.project.ProjectIndex.sets_socket_default`)."""
        project = self.ctx.project
        if project is None:
            return False
        module = project.module_of(self.ctx.path)[0]
        return bool(module) and bool(project.sets_socket_default(module.split(".")[0]))

    def _functions(self):
        extra = getattr(self, "_extra", None)
        if extra is None:
            extra = dict(NETWORK_FUNCTIONS)
            extra.update(parse_extra_calls(self.options.extra_calls))
            self._extra = extra
        return extra

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualified_name(node.func)
        if qualified in ASYNC_CONTEXT_BOUNDED:
            if any(arg.keyword is not None and arg.keyword.value == "sock" for arg in node.args):
                return  # `open_connection(sock=s)` wraps a connected socket: there is no connect
            scopes = TIMEOUT_SCOPES | set(self.options.timeout_wrappers)
            if not inside(self.ctx, scopes) and not used_inside(self.ctx, node, scopes):
                self.report(node.func, f"`{ASYNC_CONTEXT_BOUNDED[qualified]}` has no timeout; wrap it in "
                                  f"`asyncio.timeout()` or `asyncio.wait_for()`")
            return
        found = resolve_call(self.ctx, node, self._functions(), NETWORK_METHODS)
        if found is None:
            return
        spec, receiver = found
        given = find_arg(node, spec.keyword, spec.position)
        none_given = given is not None and spec.none_is_default and is_none(given.value)
        if not none_given and may_pass(node, spec.keyword, spec.position) and not (
                given is None and spread_dicts_lack(node, spec.keyword, enclosing_function(self.ctx.stack))):
            return  # written, or maybe in `**kwargs` (not a local dict seen to lack it)
        if receiver is not None and not receiver_unbounded(self.ctx, receiver, node, self.options.timeout_wrappers):
            return
        if spec.keyword == "socket_timeout" and find_arg(node, "connection_pool") is not None:
            return  # the pool carries the connection options
        if spec.dsn and dsn_covers(node, spec):
            return
        if spec.socket_default and (socket_default_timeout(self.ctx) or self._program_default()):
            return
        if spec.default_setter and socket_default_timeout(self.ctx, spec.default_setter):
            return
        if self.options.timeout_wrappers and inside(self.ctx, self.options.timeout_wrappers):
            return
        number = _literal_number(self.options.default_timeout)
        if none_given:
            fix = Replace(given.value, cst.parse_expression(number), f"Set `{spec.keyword}={number}`")
        else:
            fix = Replace(node, append_keyword(node, spec.keyword, number), f"Add `{spec.keyword}={number}`")
        self.report(node.func, f"`{spec.display}` call has no {spec.keyword}; it can wait forever", fix=fix)
