"""RES201 unbounded-retry: a retry that nothing stops (retries are found by reslint.analysis.retries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Tuple

from reslint.analysis.retries import Bound, Form, Retry
from reslint.model import Safety, Severity

from ._retries import RETRY_TRIGGERS, RetryRule, keyword_fix, library_name


@dataclass(frozen=True)
class Options:
    attempts: int = field(
        default=5,
        metadata={"doc": "Attempt count the fix writes (`stop_after_attempt(N)`, `max_tries=N`, "
                         "`stop_max_attempt_number=N`, `tries=N`).",
                  "min": 1},
    )
    extra_retry_decorators: Tuple[str, ...] = field(
        default=(),
        metadata={"doc": "Project retry decorators and factories, as `\"qualified.name\"` (always bounded: "
                         "a retry RES203 looks into, never RES201) or `\"qualified.name:kw1,kw2\"` (bounded "
                         "only when one of those keywords is given a value other than None)."},
    )


class UnboundedRetry(RetryRule):
    """
    ## What it does
    Flags a retry that nothing stops: a `while True` / `while not done` / `itertools.count()`
    loop whose `except` handler goes round again and whose only way out is success; tenacity
    `@retry`, `retry(...)`, `Retrying` and `AsyncRetrying` with no `stop=` (or `stop_never`);
    backoff `on_exception` / `on_predicate` with neither `max_tries` nor `max_time`; `retrying`
    with no `stop_max_*`; the `retry` package with `tries=-1` (its default); urllib3 `Retry` whose
    every count is `None`, or `total=None` with no `connect` or `read` count (those errors are
    then never counted); redis-py `Retry` with a negative count; kazoo `KazooRetry(max_tries=None)`
    with no deadline; celery `max_retries=None`; kombu `connection.ensure(obj, fun)` with no
    `max_retries`; stamina and google api_core retries whose limits are switched off.

    Each path is judged on its own: a counted loop (`while attempt <=
    max_retries:`) with a handler that goes round without counting and without an exit of its
    own (`except RateLimited as e: sleep(e.retry_after)`) retries forever on that path; a test of
    a setting nothing in the loop changes (`if self.wait_on_rate_limit: ... continue` / `else:
    raise`) picks a behaviour, it does not bound the retry; an exit that only judges the attempt's
    own answer (`if not future.retriable(): raise`) is not a limit either, and a deadline built
    from a parameter that defaults to None (`timer = Timer(timeout_ms)` ... `timer.maybe_raise()`)
    never expires unless the caller passes one.

    ## Why is this bad?
    Retrying is a form of amplification. While a dependency is down, an unbounded retry never
    gives up: every caller keeps a worker busy retrying, load on the failing service multiplies
    when it most needs relief, queues back up behind the stuck workers, and the error that would
    have told someone what is wrong is never raised.

    ## Example
    ```python
    import requests

    def fetch_invoice(session: requests.Session, url):
        while True:
            try:
                return session.get(url, timeout=10).json()
            except requests.ConnectionError:
                continue
    ```

    ## Use instead
    ```python
    import time

    import requests

    def fetch_invoice(session: requests.Session, url, attempts=5):
        for attempt in range(attempts):
            try:
                return session.get(url, timeout=10).json()
            except requests.ConnectionError:
                if attempt == attempts - 1:
                    raise
                time.sleep(min(30, 2 ** attempt))
    ```
    or `@tenacity.retry(stop=stop_after_attempt(5), wait=wait_random_exponential(max=30))`.

    Left alone: loops bounded by `for attempt in range(n)`, a counter or a deadline that raises,
    breaks or returns, a `for ... else: raise`; handlers that re-raise; loops whose only exits are
    failures (a server's accept loop, a worker pulling jobs, an event loop, a consumer that
    reconnects), which are not retrying one operation; a `for` loop whose variable feeds the
    operation (trying candidates in turn), and a loop that draws a candidate each round and whose
    handler takes the failed one out of service (`address = pick(); ... except Unavailable:
    self.deactivate(address)`, `mark_dead(host)`), a failover that ends when none is left;
    tenacity with `stop=` or `**kwargs`; celery's default of 3
    retries; stamina's and api_core's default limits. Loops that go round on a local "not yet"
    signal: a non-blocking key read (`win.getkey()` in nodelay mode), a pool that hands each round
    a fresh connection (`except ConnectionNotAvailable:`), a loop that also stops once another part
    of the work failed (`while not coordinator.exception:`). A celery `self.retry(...)` outside any
    handler and with no `exc=` (`if not ready: raise self.retry(countdown=5)`), which polls; tenacity
    retrying only the module's own error that is raised after a repair and a probe that worked
    (`self._refresh_credentials(); self.client.read(...); raise CredentialsExpired()`).

    ## Fix safety
    Unsafe: the fix adds the library's stop argument with the configured attempt count
    (`stop=stop_after_attempt(5)` and its import for tenacity, `max_tries=5` for backoff,
    `stop_max_attempt_number=5` for retrying, `tries=5` for the `retry` package). Code that relied on
    retrying forever will now see the error after the last attempt. Loops are not fixed.

    ## Known limitations
    A loop whose limit lives in a function it calls (a policy object that raises when exhausted)
    is recognised only when the call's name says so (`increment`, `check`, `should_retry`, ...);
    retries built from a class of the project are not recognised unless declared in
    `extra-retry-decorators`.

    ## References
    - [tenacity: stopping](https://tenacity.readthedocs.io/en/latest/#stopping)
    - [backoff](https://github.com/litl/backoff)
    - [urllib3 `Retry`](https://urllib3.readthedocs.io/en/stable/reference/urllib3.util.html#urllib3.util.Retry)
    """

    code = "RES201"
    name = "unbounded-retry"
    severity = Severity.ERROR
    fix_safety = Safety.UNSAFE
    precision = "high"
    triggers = RETRY_TRIGGERS
    Options = Options

    def check(self, retry: Retry) -> None:
        if retry.bound != Bound.UNBOUNDED:
            return
        what = self.around(retry)
        n = self.options.attempts
        fix = None
        if retry.form == Form.TENACITY:
            stop, imports = library_name(retry, "stop_after_attempt", "tenacity")
            fix = keyword_fix(retry, "stop", f"{stop}({n})", f"Stop after {n} attempts", imports)
            limit = "has no `stop=`"
        elif retry.form == Form.BACKOFF:
            fix = keyword_fix(retry, "max_tries", str(n), f"Give up after {n} tries")
            limit = "has neither `max_tries` nor `max_time`"
        elif retry.form == Form.RETRYING:
            fix = keyword_fix(retry, "stop_max_attempt_number", str(n), f"Stop after {n} attempts")
            limit = "has no `stop_max_attempt_number` or `stop_max_delay`"
        elif retry.form == Form.RETRY:
            fix = keyword_fix(retry, "tries", str(n), f"Give up after {n} tries")
            limit = "retries forever (`tries=-1`)"
        elif retry.form == Form.URLLIB3:
            limit = "sets every retry count to None"
        elif retry.form == Form.CELERY:
            limit = "has `max_retries=None`"
        elif retry.form in (Form.STAMINA, Form.GOOGLE):
            limit = "has its attempt and time limits switched off"
        else:
            limit = "has no attempt limit"
        limit = retry.why_unbounded or limit
        self.report(retry.node, f"{what} {limit}; it retries forever while the dependency is down", fix=fix)
