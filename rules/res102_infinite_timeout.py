"""RES102 infinite-timeout: a timeout switched off with `None` (recognised in reslint.analysis.timeouts)."""

from __future__ import annotations

from reslint.lazycst import cst

from reslint.analysis.reach import may_call
from reslint.analysis.timeouts import DISABLING_CALLS, DISABLING_METHODS, Disabled, disabled_timeout
from reslint.model import Severity
from reslint.rule import Rule
from reslint.triggers import importing

_MESSAGES = {
    Disabled.HTTPX_EVERY: "`httpx.Timeout` disables every timeout; the request can wait forever",
    Disabled.HTTPX_SOME: "`httpx.Timeout` disables a timeout (`None`); the request can wait forever",
    Disabled.AIOHTTP_TIMEOUT: "`aiohttp.ClientTimeout` bounds nothing (every field is `None`); "
                              "the request can wait forever",
    Disabled.URLLIB3_TIMEOUT: "`urllib3.Timeout` with every field `None` disables the timeout",
    Disabled.SOCKET_DEFAULT: "`socket.setdefaulttimeout(None)` makes every new socket wait forever",
    Disabled.WEBSOCKET_DEFAULT: "`websocket.setdefaulttimeout(None)` makes every new websocket-client connection "
                                "wait forever",
    Disabled.WAIT_FOR: "`asyncio.wait_for` with `timeout=None` waits forever",
    Disabled.SOCKET_BLOCKING: "`socket.settimeout(None)` puts the socket in blocking mode: it can wait forever",
}


class InfiniteTimeout(Rule):
    """
    ## What it does
    Flags a timeout that is explicitly disabled: `timeout=None` (or a `(connect, read)` tuple with a
    `None`) on the calls RES101 knows and on httpx, `httpx.Timeout(None)`,
    `aiohttp.ClientTimeout(total=None)` with nothing else bounded, `sock.settimeout(None)` on a
    socket, `socket.setdefaulttimeout(None)` and websocket-client's
    `websocket.setdefaulttimeout(None)`, and `asyncio.wait_for(..., timeout=None)`. Also
    `timeout=None` handed to a function of the same module (or a method of the same class, through `self`) that passes that
    parameter, never rebound, as the timeout of one of those calls (`fetch(url, timeout=None)`
    with `def fetch(url, timeout=10): return requests.get(url, timeout=timeout)`), or passes its
    `**kwargs` on to one whole.

    ## Why is this bad?
    `None` means "wait forever". It is often written to silence a linter or to work around one slow
    endpoint, and then a peer that stops answering hangs the caller for good, exactly as if the
    timeout had been forgotten, but now on purpose-looking code that nobody questions.

    ## Example
    ```python
    import httpx

    def download(url):
        return httpx.get(url, timeout=None).content
    ```

    ## Use instead
    Give the slow operation a large but finite bound:
    ```python
    import httpx

    def download(url):
        return httpx.get(url, timeout=httpx.Timeout(10.0, read=300.0)).content
    ```

    Left alone: a `None` where the API means "use the default" rather than "never time out"
    (none of the calls above); `setdefaulttimeout(None)` in a function that read the default
    and set one of its own for a while (`if not socket.getdefaulttimeout():
    socket.setdefaulttimeout(t)`): it puts back the `None` it found; `aiohttp.ClientTimeout(total=None, sock_read=30)` where another
    field bounds the wait; and an httpx client whose transport runs the application in this
    process (`transport=httpx.ASGITransport(app=app)` or `WSGITransport`, built in the call, in
    a name, or beside the `httpx.Timeout(None)` in the same call or dict), and requests made on
    such a client: there is no network wait to bound.

    Also left alone: a `None` written where a parameter of the function is `None` (the body of
    `if timeout is None:` or of `case None:` in `match timeout:`), since the caller asked for no
    bound and the code only passes that on; and `sock.settimeout(None)` when the same function
    sets the kernel's receive timeout on the socket (`setsockopt(SOL_SOCKET, SO_RCVTIMEO,
    ...)`), or when the socket listens for connections (the function, or for a socket kept in
    `self.<attr>` a method of the class, calls `listen()` / `accept()` on it), where blocking
    in `accept()` is the design.

    ## Known limitations
    Only a literal `None` is recognised, not a variable that holds it. A wrapper is followed one
    level deep and only in the same module: one imported from another module, or a wrapper
    that replaces `None` with a default first (`timeout = timeout or 30`, any assignment to the
    parameter), is left alone. Receivers are resolved
    within the file, as for RES101; a socket re-bound to `ssl_context.wrap_socket(sock)` is
    still a socket.

    ## References
    - [httpx: timeouts](https://www.python-httpx.org/advanced/timeouts/)
    - [aiohttp: ClientTimeout](https://docs.aiohttp.org/en/stable/client_quickstart.html#timeouts)
    - [`asyncio.wait_for`](https://docs.python.org/3/library/asyncio-task.html#asyncio.wait_for)
    """

    code = "RES102"
    name = "infinite-timeout"
    family = "timeouts"
    severity = Severity.WARNING
    triggers = ((r"None", importing(r"requests|redis|urllib3|urllib|psycopg2?|smtplib|ftplib|imaplib"
                                    r"|poplib|telnetlib|http|httpx|aiohttp|socket|asyncio|websocket")),)

    @classmethod
    def is_ast_candidate(cls, tree, text, options=None) -> bool:
        return may_call(tree, text, DISABLING_CALLS, DISABLING_METHODS)

    def visit_Call(self, node: cst.Call) -> None:
        found = disabled_timeout(self.ctx, node)
        if found is None:
            return
        how, spec = found
        if how is Disabled.ARGUMENT:
            message = f"`{spec.display}` is called with `{spec.keyword}` disabled (`None`); it can wait forever"
        elif how is Disabled.FORWARDED:
            message = (f"`{spec.wrapper}` is called with `{spec.keyword}=None`, which it passes on to "
                       f"`{spec.inner.display}` as its {spec.inner.keyword}; the call can wait forever")
        else:
            message = _MESSAGES[how]
        self.report(node.func, message)
