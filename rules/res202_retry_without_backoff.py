"""RES202 retry-without-backoff: a retry that does not wait between attempts (reslint.analysis.retries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Tuple

from reslint.analysis.retries import Form, Retry, Wait
from reslint.model import Safety, Severity

from ._retries import RETRY_TRIGGERS, RetryRule, keyword_fix, library_name


@dataclass(frozen=True)
class Options:
    extra_retry_decorators: Tuple[str, ...] = field(
        default=(),
        metadata={"doc": "Project retry decorators, as for RES201 (their waits are not judged)."},
    )


class RetryWithoutBackoff(RetryRule):
    """
    ## What it does
    Flags a retry that goes round again with no wait at all: a retry loop (bounded or not) in
    which nothing sleeps, tenacity with no `wait=` (or `wait_none()`), `retrying` and the `retry`
    package with no delay, and urllib3 `Retry` that retries with `backoff_factor` 0 (its default).

    Each path is judged on its own: when one handler sleeps and another goes round with no wait,
    or failures wait but a retryable response (the `else:` of the try) goes round at once, and
    nothing after the `try` waits, the loop hammers on that path.
    A wait with no random part is RES204's (retry-without-jitter), which replaces this rule's
    former `flag-constant-wait` option.

    ## Why is this bad?
    A retry with no wait turns one failure into a burst of identical requests within
    milliseconds, against a dependency that is failing, often because it is overloaded. Many
    clients doing it at once make a thundering herd that keeps the dependency down. A wait that
    grows with each attempt, with random jitter, spreads the retries out and gives it room to
    recover.

    ## Example
    ```python
    from tenacity import retry, stop_after_attempt

    @retry(stop=stop_after_attempt(5))
    def publish(event):
        broker.send(event)
    ```

    ## Use instead
    ```python
    from tenacity import retry, stop_after_attempt, wait_random_exponential

    @retry(stop=stop_after_attempt(5), wait=wait_random_exponential(multiplier=1, max=60))
    def publish(event):
        broker.send(event)
    ```

    Left alone: a loop that tries the operation at most twice (one immediate retry, the usual
    answer to a stale pooled connection; the count may be a constant: `while i < RETRIES`), or a
    library policy allowed a single retry (`HTTPAdapter(max_retries=1)`, `Retry(total=1)`, redis
    `Retry(NoBackoff(), 1)`); a loop
    of a handful of rounds (at most five) whose handlers refresh a stale view of where to go (a
    routing map, a topology) before going round; a loop that goes round only on timeouts (each failed
    attempt already waited out its timeout); re-issuing a call interrupted by a signal or that
    would block (EINTR / EAGAIN); a loop that draws a new candidate each round (a random port),
    or whose handler takes the failed candidate out of service (`self.deactivate(address)`);
    tenacity retrying only on errors that are not failures of an operation (validation or
    parsing); a urllib3 `Retry` object that is only queried, never given to a pool; any wait in the loop (`time.sleep`, `asyncio.sleep`, `event.wait(t)`, or a call
    whose name says it waits or backs off, also one call deep into the module's own functions);
    backoff, stamina and api_core retries, which always wait; loops that are not retries (see
    RES201).

    ## Fix safety
    Unsafe, tenacity only: adds `wait=wait_random_exponential(multiplier=1, max=60)` and its import.
    The retry then takes longer to give up, which changes the timing callers see.

    ## References
    - [AWS Architecture Blog: Exponential Backoff And Jitter](https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/)
    - [tenacity: waiting before retrying](https://tenacity.readthedocs.io/en/latest/#waiting-before-retrying)
    """

    code = "RES202"
    name = "retry-without-backoff"
    severity = Severity.WARNING
    fix_safety = Safety.UNSAFE
    precision = "high"
    triggers = RETRY_TRIGGERS
    Options = Options
    removed_options = {"flag-constant-wait": "constant waits are reported by RES204 (retry-without-jitter), "
                                             "which is on by default; delete the option"}

    def check(self, retry: Retry) -> None:
        what = self.around(retry)
        if retry.repeats_once:
            return  # one immediate retry (a stale pooled connection) is not a hot loop
        if retry.wait == Wait.NONE:
            fix = None
            if retry.form == Form.TENACITY:
                wait, imports = library_name(retry, "wait_random_exponential", "tenacity")
                fix = keyword_fix(retry, "wait", f"{wait}(multiplier=1, max=60)",
                                  "Wait with exponential backoff and jitter between attempts", imports)
            if retry.form == Form.URLLIB3:
                message = f"{what} retries with no backoff (`backoff_factor` is 0); retries hit the server back to back"
            else:
                path = f" {retry.why_no_wait}" if retry.why_no_wait else ""
                message = f"{what} retries immediately{path}, with no wait between attempts; a failing dependency gets hammered"
            self.report(retry.node, message, fix=fix)
