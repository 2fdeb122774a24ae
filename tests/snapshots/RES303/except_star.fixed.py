"""`except*` handlers in coroutines: a cancellation inside a TaskGroup surfaces here."""

import asyncio
import logging

logger = logging.getLogger(__name__)


async def crawl(urls, fetch):
    try:
        async with asyncio.TaskGroup() as group:
            for url in urls:
                group.create_task(fetch(url))
    except* asyncio.CancelledError:  # expect: RES303
        logger.warning("crawl cancelled")
        raise


async def replicate(replicas, payload):
    try:
        async with asyncio.TaskGroup() as group:
            for replica in replicas:
                group.create_task(replica.write(payload))
    except* ConnectionError as eg:
        logger.error("%d replicas unreachable", len(eg.exceptions))
    except* Exception:  # expect: RES303
        pass


async def fan_out(handlers, event):
    try:
        async with asyncio.TaskGroup() as group:
            for handler in handlers:
                group.create_task(handler(event))
    except* (ValueError, asyncio.CancelledError):  # expect: RES303
        ...


async def fan_out_reraise(handlers, event):
    try:
        async with asyncio.TaskGroup() as group:
            for handler in handlers:
                group.create_task(handler(event))
    except* asyncio.CancelledError:
        logger.info("fan-out cancelled")
        raise
    except* Exception:
        logger.exception("fan-out failed")
