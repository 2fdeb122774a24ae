"""RES404 unbounded-queue: a queue with no positive maxsize (reslint.analysis.caches)."""

from __future__ import annotations

from reslint.lazycst import cst

from reslint.analysis.caches import queue_call
from reslint.model import Severity
from reslint.rule import Rule


class UnboundedQueue(Rule):
    """
    ## What it does
    Flags a queue built with no positive `maxsize`: `queue.Queue`, `LifoQueue`, `PriorityQueue`,
    `asyncio.Queue` (and its Lifo/Priority kinds), `multiprocessing.Queue` / `JoinableQueue`, with
    `maxsize` missing, `0`, negative or `None`; and `queue.SimpleQueue` /
    `multiprocessing.SimpleQueue`, which cannot be bounded at all.

    ## Why is this bad?
    A queue between a producer and a consumer is where backpressure lives. Without a bound, a
    producer that is faster than its consumer (a peer sending frames faster than the app reads
    them, a burst of events, a slow socket behind a write queue) never waits: the queue absorbs
    the difference in memory until the process is killed, and the latency of every item in it
    grows with it. With a bound, `put()` waits (or `put_nowait()` raises `Full`) and the
    pressure reaches the producer, where it can be handled.

    ## Example
    ```python
    import asyncio

    class Connection:
        def __init__(self):
            self.outgoing = asyncio.Queue()
    ```

    ## Use instead
    ```python
    import asyncio

    class Connection:
        def __init__(self):
            self.outgoing = asyncio.Queue(maxsize=1000)
    ```

    Left alone: a positive `maxsize`, given by keyword or position, or by a name or an expression
    (it was written to be a bound).

    ## Known limitations
    Opt-in: many queues are bounded by their producer (a fixed set of jobs queued at start, one
    item per worker), which the rule cannot see. A `maxsize` read from a variable that holds `0`
    is not reported.

    ## References
    - [`queue.Queue`](https://docs.python.org/3/library/queue.html#queue.Queue)
      ("If maxsize is less than or equal to zero, the queue size is infinite.")
    - [`asyncio.Queue`](https://docs.python.org/3/library/asyncio-queue.html#asyncio.Queue)
    """

    code = "RES404"
    name = "unbounded-queue"
    family = "unbounded-growth"
    severity = Severity.NOTE
    default_enabled = False
    triggers = (r"Queue\b",)

    def visit_Call(self, node: cst.Call) -> None:
        found = queue_call(self.ctx, node)
        if found is None or found.bounded is not False:
            return
        if found.qualified.endswith("SimpleQueue"):
            message = f"`{found.display}()` cannot be bounded; use a `Queue` with a positive `maxsize` for backpressure"
        else:
            message = (f"`{found.display}()` has no positive `maxsize`; a producer faster than its consumer "
                       f"grows it without limit")
        self.report(node, message)
