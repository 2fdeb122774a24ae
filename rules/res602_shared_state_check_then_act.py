"""RES602 shared-state-check-then-act: state tested, then changed where another task or thread can
interleave (recognised by reslint.analysis.races)."""

from __future__ import annotations

from reslint.lazycst import cst

from reslint.analysis.races import ast_state_candidate, state_check_then_act
from reslint.model import Severity
from reslint.rule import Rule


class SharedStateCheckThenAct(Rule):
    """
    ## What it does
    Flags an `if` that tests `self.<attr>` or a module global, followed by a change of the same
    state (assignment, item assignment, `del`, `append`/`add`/`pop`/`update`/...) in the code the
    test decides, when another task or thread can run in between: (a) in an `async def`, an
    `await` (or `async for` / `async with`) comes between the test and the change; (b) the class
    or module guards that state with a `threading` lock elsewhere, and here the test runs outside
    any `with <lock>`.

    ## Why is this bad?
    The test and the change are two steps. An `await` hands the event loop to other tasks, and a
    thread can be preempted anywhere, so two callers can both pass the test before either makes
    the change: a lazy connection is opened twice and one leaks, a "processed" flag lets a message
    be acknowledged twice, a teardown clears a handle another caller just installed. The bug only
    shows under concurrent load and is rarely reproducible.

    ## Example
    ```python
    class Consumer:
        async def start(self):
            if self._started:
                return
            await self._client.bootstrap()
            self._started = True
    ```

    ## Use instead
    ```python
    class Consumer:
        async def start(self):
            if self._started:
                return
            self._started = True  # claim it before the first await
            await self._client.bootstrap()
    ```
    or hold one lock (`async with self._lock:` / `with self._lock:`) across both the test and the
    change, re-testing inside the lock when the outer test is a fast path.

    Left alone: test and change under a lock (a `with` / `async with` of a lock or a lock-named
    object, also another object's lock); double-checked locking, where the lock's body re-tests
    the state before changing it; a private helper that every caller in its class calls under a
    lock or from `__init__`; methods with a lock-taking decorator, that assert a lock is held
    (`assert self._mutex.locked()`) or call `acquire()`; a busy flag claimed before the first
    `await`; async code with no `await` between test and change; a change that follows a fresh
    test of the state after the last `await`; a first `await` on the tested object's own method
    (`await self._slot.close()` may mark it closing before it suspends); counter updates
    (`self.remaining -= n`); changes in an `except` handler (failure bookkeeping); an idempotent
    memo (a branch that only stores a value computed with builtins); code after a loop's
    `break`/`continue`; sync code in a class or module whose own locks never touch that state
    (an `asyncio.Lock` does not make sync code concurrent, another object's lock guards that
    object); `__init__` and other construction methods; local variables.

    ## Known limitations
    Opt-in (`extend-select = ["RES602"]`): whether an object is shared between tasks or threads is
    rarely visible in one file. On real code that the rule was not tuned on, most findings were on
    objects one task owns (a request, a response, an async iterator, a transport opened once by its
    owner) or on lazy caches whose duplicate build is harmless; enable it where shared state is the
    rule rather than the exception (services, connection pools, singletons).
    Only the first change of the tested state after the test is judged. Calls are not followed:
    a change made by a helper method (a claim set inside `await self._start()`), or a lock taken
    by a caller outside the class, is not seen, and a method that only one task ever runs (a
    connection's reader loop) cannot be told from one that many run.
    Locks are recognised by constructor or by name (`lock`, `mutex`, `semaphore`, `cond`), and a
    state counts as lock-guarded when any method reads or writes it inside a lock's `with`.

    ## References
    - [asyncio: synchronization primitives](https://docs.python.org/3/library/asyncio-sync.html)
    - [`threading.Lock`](https://docs.python.org/3/library/threading.html#lock-objects)
    - [CWE-362: Concurrent Execution using Shared Resource with Improper Synchronization](https://cwe.mitre.org/data/definitions/362.html)
    """

    code = "RES602"
    name = "shared-state-check-then-act"
    family = "races"
    severity = Severity.ERROR
    # Opt-in: on real code held out from its tuning, 1 of 12 sampled findings was a real race
    # (objects one task owns, lazy caches rebuilt per task, locks that only read the state): the
    # rule cannot see which objects are shared, so it is off until it can.
    default_enabled = False
    # (a) needs an await, (b) a lock of some kind
    triggers = (r"\bawait\b|\basync\s+(?:for|with)\b|(?i:lock|mutex|mtx|lck|sem|cond|cv)",)

    @classmethod
    def is_ast_candidate(cls, tree, text, options=None) -> bool:
        return ast_state_candidate(tree)

    def visit_If(self, node: cst.If) -> None:
        found = state_check_then_act(self.ctx, node, self.ctx.stack)
        if found is None:
            return
        state = found.key
        verb = "changed"
        if found.why == "await":
            message = (f"`{state}` is tested, then {verb} after an `await`: another task can pass the same test "
                       f"while this one is suspended; claim the state before the first `await`, or hold an "
                       f"`asyncio.Lock` across the test and the change")
        else:
            where = "under the lock without testing it again" if found.act.under_lock else "outside any lock"
            message = (f"`{state}` is tested outside `with {found.lock}`, which guards it elsewhere, and {verb} "
                       f"{where}: another thread can pass the same test in between; test and change it under "
                       f"the lock")
        self.report(node, message)
