"""Where ending the coroutine does not end a task, or the error is not raised after all.

`except CancelledError: return` is left alone only in a coroutine this module starts as a task;
a `pass` that falls off the end still reads as "ignore the cancel" and is reported, as is a loop
that collects its steps' errors and never raises them, and a helper that may return.
"""

import asyncio
import logging

logger = logging.getLogger(__name__)


class Poller:
    def start(self):
        self._task = asyncio.create_task(self._run())

    async def _run(self):
        try:
            while True:
                await self.poll()
        except asyncio.CancelledError:  # expect: RES303
            raise

    async def poll(self):
        await asyncio.sleep(1)


async def fetch_all(client, urls):
    # awaited by its caller, not a task of its own: the caller's cancellation is lost
    try:
        return [await client.get(url) for url in urls]
    except asyncio.CancelledError:  # expect: RES303
        raise


async def close_all(handles):
    failures = []
    for handle in handles:
        try:
            await handle.stop()
        except Exception as exc:  # expect: RES303
            failures.append(exc)
    logger.info("%d handles failed to stop", len(failures))


class Stream:
    def _note(self, exc):
        if isinstance(exc, OSError):
            raise ConnectionError("stream broken") from exc
        logger.info("stream error %r", exc)

    async def receive(self):
        try:
            return await self._sock.recv(65536)
        except Exception as exc:  # expect: RES303
            self._note(exc)


async def stop_other(reader_task, writer_task):
    try:
        writer_task.cancel()
        await reader_task
    except asyncio.CancelledError:  # expect: RES303
        pass
