"""`time.sleep()` in a coroutine of a module that uses asyncio: the fix awaits `asyncio.sleep()` instead."""

import asyncio
import logging
import time
import time as clock
from time import sleep

logger = logging.getLogger(__name__)


async def poll_until_ready(client, interval=0.5):
    while not await client.ready():
        await asyncio.sleep(interval)  # expect: RES503


async def retry(operation, attempts=3):
    for attempt in range(attempts):
        try:
            return await operation()
        except ConnectionError:
            logger.warning("attempt %d failed", attempt + 1)
            await asyncio.sleep(2 ** attempt)  # back off  # expect: RES503
    raise ConnectionError("gave up")


async def one_line_if(client):
    if not await client.ready(): await asyncio.sleep(1)  # expect: RES503


async def one_line_statements(client):
    await client.ping(); await asyncio.sleep(0.1); await client.ping()  # expect: RES503


async def multi_line(client, base_delay, jitter):
    await asyncio.sleep(  # expect: RES503
        base_delay + jitter,
    )
    await client.ping()


async def imported_name(client):
    await asyncio.sleep(0.25)  # expect: RES503
    return await client.ping()


async def module_alias(client):
    await asyncio.sleep(client.retry_after)  # expect: RES503
    return await client.ping()


class Throttle:
    def __init__(self, rate):
        self.interval = 1 / rate

    async def wait(self):
        await asyncio.sleep(self.interval)  # expect: RES503

    def wait_sync(self):
        # a sync method: not a finding, not rewritten
        time.sleep(self.interval)


async def yield_to_loop():
    # a zero sleep blocks nothing: not a finding
    time.sleep(0)
