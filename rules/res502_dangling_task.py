"""RES502 dangling-task: a task nobody keeps (recognised by reslint.analysis.async_calls)."""

from __future__ import annotations

from reslint.lazycst import cst

from reslint.analysis.async_calls import ast_task_candidate, dropped, is_task_call
from reslint.analysis.coroutines import GATHER_FUNCTIONS
from reslint.analysis.names import dotted_name
from reslint.model import Severity
from reslint.rule import Rule


class DanglingTask(Rule):
    """
    ## What it does
    Flags `asyncio.create_task(...)`, `asyncio.ensure_future(...)` and `loop.create_task(...)`
    whose task is dropped, or bound to a local name that nothing reads afterwards, and
    `asyncio.gather(...)` whose future is dropped or never read (it wraps its awaitables in tasks
    that nobody then holds). A loop is an object from `asyncio.get_running_loop()`,
    `get_event_loop()` or `new_event_loop()` (in a name or a `self.<attr>` of the class), a name
    annotated as an event loop, or a receiver whose name is or ends in `loop` (`self.loop`,
    `self._loop`, `self.thread_loop`, `main_loop`).

    ## Why is this bad?
    The event loop keeps only a weak reference to a task. A task nobody else holds can be
    garbage-collected before it finishes, so the work silently stops halfway; and if it fails,
    its exception is never retrieved: at best a "Task exception was never retrieved" line at
    shutdown, at worst nothing.

    ## Example
    ```python
    import asyncio

    async def handle(request):
        asyncio.create_task(audit_log.write(request))
        return Response(status=202)
    ```

    ## Use instead
    ```python
    import asyncio

    background_tasks = set()

    async def handle(request):
        task = asyncio.create_task(audit_log.write(request))
        background_tasks.add(task)
        task.add_done_callback(background_tasks.discard)
        return Response(status=202)
    ```
    or run it in an `asyncio.TaskGroup` whose lifetime covers the work.

    Left alone: tasks and gathered futures that are stored (in a set, list, dict or attribute),
    awaited, returned, passed on (`asyncio.wait`, `gather`), read later (a done-callback,
    `cancel()`); `TaskGroup.create_task` and nursery `start_soon`, whose owner holds the task;
    `create_task` methods of other objects (a receiver known to be something else, or named
    otherwise: `group`, `jobs`, `loops`); a project's own `gather` methods; `ensure_future` of a
    future an executor already made (`loop.run_in_executor(...)`, `asyncio.wrap_future(...)`): it
    comes back as it is, no task is made, and the executor holds the work until it is done
    (`asyncio.to_thread(...)` is a coroutine: wrapped in a task, it is flagged).

    ## Fix safety
    No fix: where the task should be kept is a design decision.

    ## References
    - [`asyncio.create_task`](https://docs.python.org/3/library/asyncio-task.html#asyncio.create_task)
      ("Save a reference to the result of this function, to avoid a task disappearing mid-execution.")
    """

    code = "RES502"
    other_tools_codes = ("RUF006",)  # ruff: asyncio-dangling-task
    name = "dangling-task"
    family = "async"
    severity = Severity.ERROR
    precision = "very-high"
    triggers = (r"create_task|ensure_future|asyncio\.async", (r"\bgather\b", r"asyncio"))

    @classmethod
    def is_ast_candidate(cls, tree, text, options=None) -> bool:
        return ast_task_candidate(tree)

    def visit_Call(self, node: cst.Call) -> None:
        how = dropped(self.ctx, node)
        if how is None:
            return
        if self.ctx.qualified_name(node.func) in GATHER_FUNCTIONS:
            shown = dotted_name(node.func) or "gather"
            if how == "dropped":
                message = (f"the future from `{shown}()` is dropped, not awaited; its awaitables run as tasks "
                           "nobody holds, so they can be garbage-collected mid-flight and their exceptions are "
                           "never seen")
            else:
                message = (f"the future from `{shown}()` is bound to a name that is never used again; await it, "
                           "or its tasks can be garbage-collected mid-flight and their exceptions are never seen")
            self.report(node, message)
            return
        if not is_task_call(self.ctx, node):
            return
        shown = dotted_name(node.func) or "create_task"
        if how == "dropped":
            message = (f"task from `{shown}()` is not kept; the event loop holds it only weakly, so it can be "
                       "garbage-collected mid-flight and its exception is never seen; keep it until it is done "
                       "(in a set it leaves from a done-callback, which can also log its exception)")
        else:
            message = (f"task from `{shown}()` is bound to a name that is never used again; keep a reference "
                       "until it is done (in a set it leaves from a done-callback), or it can be garbage-collected "
                       "mid-flight")
        self.report(node, message)
