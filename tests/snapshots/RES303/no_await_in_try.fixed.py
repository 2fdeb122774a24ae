"""A `try` with no suspension point cannot catch the task's own cancellation.

asyncio delivers a task's cancellation only where the coroutine suspends (`await`, `async for`,
`async with`). When the `try` body has none of those, the `CancelledError` caught comes from a
finished child (`task.result()`), like the cancel-then-await idiom.
"""

import asyncio
import logging

logger = logging.getLogger(__name__)


async def probe_all(probes, timeout):
    tasks = [asyncio.create_task(probe(), name=probe.__name__) for probe in probes]
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
    results = {}
    for task in done:
        try:
            results[task.get_name()] = task.result()
        except asyncio.CancelledError:
            logger.info("probe %s was cancelled", task.get_name())
            continue
        except Exception as exc:
            results[task.get_name()] = exc
    return results


async def first_completed(tasks):
    done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    winner = done.pop()
    try:
        return winner.result()
    except asyncio.CancelledError:
        return None
