"""Where re-raising would do harm, the finding stays and no fix is offered; where the error is
saved and re-raised after cleanup, there is no finding at all."""

import asyncio


async def save_and_reraise(conn):
    cancelled = None
    try:
        await conn.flush()
    except asyncio.CancelledError as exc:
        cancelled = exc
    await conn.close()
    if cancelled:
        raise cancelled


async def flag_and_reraise(conn):
    was_cancelled = False
    try:
        await conn.flush()
    except asyncio.CancelledError:
        was_cancelled = True
    await conn.close()
    if was_cancelled:
        raise asyncio.CancelledError()


async def waits_on_another_task(worker):
    try:
        await asyncio.wait_for(worker, 5)
    except asyncio.CancelledError:  # expect: RES303
        pass


async def awaits_a_future(self):
    try:
        await self._reader
    except asyncio.CancelledError:  # expect: RES303
        return None


async def gathers_tasks(tasks):
    try:
        await asyncio.gather(*tasks)
    except BaseException:  # expect: RES303
        pass


async def explains_itself(client):
    try:
        await client.ping()
    except asyncio.CancelledError:  # expect: RES303
        # shutting down: the ping result no longer matters
        pass


async def own_work(client):
    try:
        await asyncio.wait_for(client.ping(), 5)
    except asyncio.CancelledError:  # expect: RES303
        raise
