from __future__ import annotations

from typing import Optional

import libcst as cst

from reslint.analysis import types as T
from reslint.analysis.calls import find_arg, is_none
from reslint.model import Severity
from reslint.rule import Rule

from ._timeouts import (
    DEFAULT_BOUNDED_FUNCTIONS,
    DEFAULT_BOUNDED_METHODS,
    NETWORK_FUNCTIONS,
    NETWORK_METHODS,
    resolve_call,
)

_FUNCTIONS = {**NETWORK_FUNCTIONS, **DEFAULT_BOUNDED_FUNCTIONS}
_METHODS = {**NETWORK_METHODS, **DEFAULT_BOUNDED_METHODS}


def _disables(value: cst.BaseExpression) -> bool:
    """`None`, or a `(connect, read)` tuple with a `None` in it."""
    if is_none(value):
        return True
    if isinstance(value, cst.Tuple):
        return any(is_none(element.value) for element in value.elements)
    return False


class InfiniteTimeout(Rule):
    """
    ## What it does
    Flags a timeout that is explicitly disabled: `timeout=None` (or a `(connect, read)` tuple with a
    `None`) on the calls RES101 knows and on httpx, `httpx.Timeout(None)`,
    `aiohttp.ClientTimeout(total=None)` with nothing else bounded, `sock.settimeout(None)` on a
    socket, `socket.setdefaulttimeout(None)`, and `asyncio.wait_for(..., timeout=None)`.

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
    (none of the calls above), and `aiohttp.ClientTimeout(total=None, sock_read=30)` where another
    field bounds the wait.

    ## Known limitations
    Only a literal `None` is recognised, not a variable that holds it. Receivers are resolved
    within the file, as for RES101.

    ## References
    - [httpx: timeouts](https://www.python-httpx.org/advanced/timeouts/)
    - [aiohttp: ClientTimeout](https://docs.aiohttp.org/en/stable/client_quickstart.html#timeouts)
    - [`asyncio.wait_for`](https://docs.python.org/3/library/asyncio-task.html#asyncio.wait_for)
    """

    code = "RES102"
    name = "infinite-timeout"
    family = "timeouts"
    severity = Severity.WARNING
    triggers = ((r"None", r"(?:import|from)\s+(?:requests|redis|urllib3|urllib|psycopg2?|smtplib|ftplib|imaplib"
                          r"|poplib|telnetlib|http|httpx|aiohttp|socket|asyncio)\b"),)

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualified_name(node.func)
        if qualified == "httpx.Timeout":
            disabled = [a for a in node.args if a.star == "" and is_none(a.value)]
            if disabled:
                which = "every timeout" if len(node.args) == 1 else "a timeout (`None`)"
                self.report(node.func, f"`httpx.Timeout` disables {which}; the request can wait forever")
            return
        if qualified == "aiohttp.ClientTimeout":
            if not any(a.star for a in node.args) and all(is_none(a.value) for a in node.args):
                self.report(node.func, "`aiohttp.ClientTimeout` bounds nothing (every field is `None`); "
                                       "the request can wait forever")
            return
        if qualified == "urllib3.Timeout":
            if node.args and not any(a.star for a in node.args) and all(is_none(a.value) for a in node.args):
                self.report(node.func, "`urllib3.Timeout` with every field `None` disables the timeout")
            return
        if qualified == "socket.setdefaulttimeout":
            if node.args and is_none(node.args[0].value):
                self.report(node.func, "`socket.setdefaulttimeout(None)` makes every new socket wait forever")
            return
        if qualified == "asyncio.wait_for":
            arg = find_arg(node, "timeout", 1)
            if arg is not None and is_none(arg.value):
                self.report(node.func, "`asyncio.wait_for` with `timeout=None` waits forever")
            return
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "settimeout":
            receiver = self.ctx.type_of(node.func.value)
            if receiver is not None and receiver.type == T.SOCKET and node.args and is_none(node.args[0].value):
                self.report(node.func, "`socket.settimeout(None)` puts the socket in blocking mode: it can wait forever")
            return
        found = resolve_call(self.ctx, node, _FUNCTIONS, _METHODS)
        if found is None:
            return
        bound, _ = found
        arg: Optional[cst.Arg] = find_arg(node, bound.keyword, bound.position)
        if arg is None or (bound.none_is_default and is_none(arg.value)):
            return  # RES101's business: None there is the same as leaving it out
        if _disables(arg.value):
            self.report(node.func, f"`{bound.display}` is called with `{bound.keyword}` disabled (`None`); it can wait forever")
