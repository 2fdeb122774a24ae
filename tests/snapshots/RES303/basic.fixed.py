"""Handlers in coroutines that catch cancellation and carry on."""

import asyncio
import logging

logger = logging.getLogger(__name__)


async def consume(queue, handle):
    while True:
        try:
            item = await queue.get()
            await handle(item)
        except asyncio.CancelledError:  # expect: RES303
            logger.info("consumer stopping")
            raise


async def heartbeat(client, interval):
    while True:
        try:
            await client.ping()
            await asyncio.sleep(interval)
        except Exception:  # expect: RES303
            logger.exception("heartbeat failed")


async def fetch_profile(session, user_id):
    try:
        async with session.get(f"/users/{user_id}") as response:
            return await response.json()
    except Exception:  # expect: RES303
        return None


class StreamHandler:
    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer

    async def serve(self):
        try:
            async for line in self.reader:
                self.writer.write(line.upper())
                await self.writer.drain()
        except asyncio.CancelledError:  # expect: RES303
            self.writer.close()
            raise
        finally:
            logger.debug("connection closed")

    async def read_frame(self):
        try:
            header = await self.reader.readexactly(4)
        except (asyncio.IncompleteReadError, asyncio.CancelledError):  # expect: RES303
            return None
        return await self.reader.readexactly(int.from_bytes(header, "big"))


async def stream_updates(feed):
    try:
        async for update in feed:
            yield update
    except asyncio.CancelledError:  # expect: RES303
        logger.info("subscriber went away")
        raise


async def wait_for_other_task(worker_task, reaper_task):
    reaper_task.cancel()
    try:
        await worker_task
    except asyncio.CancelledError:  # expect: RES303
        pass
