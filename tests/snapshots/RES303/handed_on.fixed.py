"""PENDING (rule disagreement): handing the error on does not stop a loop from swallowing cancellation.

The rule leaves alone a handler that passes the exception it bound to `set_exception`, `append`,
`put` or `put_nowait` (`_passes_error_on`; not in the rule's documentation, which lists only
handlers that contain a `raise`, a `try` that never suspends and the cancel-then-await idiom).
When the handler sits in a loop, the loop then goes round again: the worker below records its own
`CancelledError` and waits for the next job, so `task.cancel()`, `asyncio.timeout()` and a
`TaskGroup` shutdown never stop it. That is the failure the rule exists for; it should be flagged.
"""

import asyncio
import logging

logger = logging.getLogger(__name__)


async def worker(queue, errors):
    while True:
        job = await queue.get()
        try:
            await job.run()
        except Exception as exc:  # expect: RES303
            errors.append(exc)
        finally:
            queue.task_done()


async def relay(inbox, outbox):
    while True:
        try:
            message = await inbox.get()
            await outbox.put(message)
        except asyncio.CancelledError as exc:  # expect: RES303
            outbox.put_nowait(exc)
            raise
