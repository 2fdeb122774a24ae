"""RES204 retry-without-jitter: a retry whose wait has no random part (reslint.analysis.retries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Tuple

from reslint.lazycst import cst

from reslint.analysis.retries import Form, Retry, Wait, tenacity_wait_without_jitter
from reslint.analysis.waits import SLEEPS
from reslint.model import Safety, Severity
from reslint.rule import Replace

from ._retries import RETRY_TRIGGERS, RetryRule

_SHOWN = 48  # characters of the wait's code a message quotes


@dataclass(frozen=True)
class Options:
    extra_retry_decorators: Tuple[str, ...] = field(
        default=(),
        metadata={"doc": "Project retry decorators, as for RES201 (their waits are not judged)."},
    )


class RetryWithoutJitter(RetryRule):
    """
    ## What it does
    Flags a retry that waits between attempts, but by a delay with no random part: a constant
    delay (`time.sleep(5)`, `await asyncio.sleep(self.retry_delay)` in a retry loop, tenacity
    `wait_fixed`, backoff's `constant` with `jitter=None`) or one that grows on a fixed schedule
    (`delay *= 2`, `base * 2 ** attempt`, tenacity `wait_exponential` / `wait_incrementing`,
    backoff with `jitter=None`, urllib3 `Retry(backoff_factor=...)` without `backoff_jitter`,
    aiohttp-retry `ExponentialRetry` / `FibonacciRetry`, the `retry` package's `backoff=`).

    ## Why is this bad?
    Clients fail together: a dependency restarts, a network partition heals, a rate limit
    resets. With a deterministic wait, every client that failed at the same moment retries at
    the same moment, again and again, and the recovering dependency meets the whole fleet in
    synchronised waves (a thundering herd). Exponential growth spreads the waves out but does
    not break them up; only a random part does.

    ## Example
    ```python
    from tenacity import retry, stop_after_attempt, wait_exponential

    @retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=1, max=30))
    def fetch_quote(client, symbol):
        return client.get(f"/quotes/{symbol}").json()
    ```

    ## Use instead
    ```python
    from tenacity import retry, stop_after_attempt, wait_random_exponential

    @retry(stop=stop_after_attempt(5), wait=wait_random_exponential(multiplier=1, max=30))
    def fetch_quote(client, symbol):
        return client.get(f"/quotes/{symbol}").json()
    ```
    In a hand-written loop, draw the delay: `time.sleep(random.uniform(0, min(cap, base * 2 ** attempt)))`
    ("full jitter"). urllib3 2.x: `Retry(backoff_factor=0.5, backoff_jitter=0.5)`.

    Left alone: a wait with a random term (`wait_random_exponential`, `wait_exponential() +
    wait_random(0, 1)`, `random.uniform`, backoff's default `full_jitter`, stamina and api_core
    retries); a delay the server dictates (`Retry-After`, a `retry_after` value); a wait whose
    kind cannot be told (a helper of another module, `event.wait(t)`, a strategy held in a
    variable); retries with no wait at all, which RES202 reports; listener loops (`while not
    state.terminated:` where the flag is set while handling received messages, not by a
    successful attempt).

    ## Fix safety
    Unsafe, in two cases. Tenacity `wait_exponential(...)` becomes `wait_random_exponential(...)`
    with the same arguments, which waits a random time up to the same exponential bound ("full
    jitter"), so the average wait gets shorter. A literal `time.sleep(5)` / `asyncio.sleep(5)` in
    a retry loop becomes `time.sleep(5 * random.uniform(0.5, 1.5))` (same mean) and `import
    random` is added. Other waits get no fix: how to draw them is a design choice.

    ## Options
    `extra-retry-decorators`, as for RES201.

    ## Known limitations
    The delay is followed through names, the module's own functions and `min`/`max`; a schedule
    computed in another module, or by an object's method, is not known and stays silent. A
    process that is the only client of its dependency (a one-off script) has no herd to
    spread; suppress the finding there.

    Replaces RES202's `flag-constant-wait` option (removed): a constant wait is this rule's.

    ## References
    - [AWS Architecture Blog: Exponential Backoff And Jitter](https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/)
    - [tenacity: waiting before retrying](https://tenacity.readthedocs.io/en/latest/#waiting-before-retrying)
    """

    code = "RES204"
    name = "retry-without-jitter"
    severity = Severity.WARNING
    fix_safety = Safety.UNSAFE
    precision = "high"
    triggers = RETRY_TRIGGERS
    Options = Options

    def visit_Call(self, node: cst.Call) -> None:
        found = tenacity_wait_without_jitter(self.ctx, node, self.ctx.stack)
        if found is not None:
            kind, expr = found
            self.report(expr, f"tenacity wait `{self._code(expr)}` {self._schedule(kind)}; clients that failed "
                              "together retry together (use `wait_random_exponential` or add `wait_random(...)`)",
                        fix=self._tenacity_fix(expr))
            return
        super().visit_Call(node)

    def check(self, retry: Retry) -> None:
        if retry.wait not in (Wait.CONSTANT, Wait.GROWING) or retry.form == Form.TENACITY:
            return  # tenacity's strategies are reported where they are written
        what = self.around(retry)
        source = retry.wait_source
        how = f" (`{self._code(source)}`)" if source is not None else ""
        if retry.form == Form.URLLIB3:
            message = (f"{what} backs off on a fixed schedule{how} with no `backoff_jitter`; clients that "
                       "failed together retry together")
        else:
            message = f"{what} {self._schedule(retry.wait)}{how}; clients that failed together retry together"
        self.report(retry.node, message, fix=self._sleep_fix(retry))

    @staticmethod
    def _schedule(kind: Wait) -> str:
        if kind == Wait.CONSTANT:
            return "waits the same time before every attempt, with no random part"
        return "waits on a fixed, growing schedule with no random part"

    def _code(self, node: cst.CSTNode) -> str:
        text = " ".join(self.ctx.module.code_for_node(node).split()).rstrip(", ")
        return text if len(text) <= _SHOWN else text[:_SHOWN - 3] + "..."

    def _sleep_fix(self, retry: Retry) -> Optional[Replace]:
        """`time.sleep(5)` -> `time.sleep(5 * random.uniform(0.5, 1.5))`: the same mean, spread out."""
        call = retry.wait_source
        if retry.form != Form.LOOP or not isinstance(call, cst.Call) or len(call.args) != 1:
            return None
        if self.ctx.qualified_name(call.func) not in SLEEPS:
            return None
        delay = call.args[0].value
        if not isinstance(delay, (cst.Integer, cst.Float)) or "random" in self.ctx.imports.module_bindings \
                or self.ctx.imports.aliases.get("random", "random") != "random":
            return None  # `random` means something else here
        spread = cst.parse_expression(f"{delay.value} * random.uniform(0.5, 1.5)")
        return Replace(delay, spread, "Spread the wait randomly around the same mean", add_imports=(("random", None),))

    def _tenacity_fix(self, expr: cst.CSTNode) -> Optional[Replace]:
        if not isinstance(expr, cst.Call):
            return None
        qualified = self.ctx.qualified_name(expr.func) or ""
        if qualified.rsplit(".", 1)[-1] != "wait_exponential":
            return None
        func = expr.func
        if isinstance(func, cst.Attribute):
            new_func: cst.BaseExpression = func.with_changes(attr=cst.Name("wait_random_exponential"))
            imports: Tuple[Tuple[str, Optional[str]], ...] = ()
        elif isinstance(func, cst.Name) and func.value == "wait_exponential":
            new_func = cst.Name("wait_random_exponential")
            imports = (("tenacity", "wait_random_exponential"),)
        else:
            return None  # imported under another name
        return Replace(expr, expr.with_changes(func=new_func),
                       "Wait a random time up to the exponential bound (`wait_random_exponential`)", add_imports=imports)
