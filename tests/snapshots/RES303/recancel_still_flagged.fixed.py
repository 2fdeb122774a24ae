"""The closest shapes to clean_recancel.py that still swallow: another task is cancelled, or the
current task is only looked at."""

import asyncio


class Poller:
    def __init__(self):
        self._reader = None

    async def poll_once(self):
        try:
            await asyncio.sleep(0)
        except asyncio.CancelledError:  # expect: RES303
            self._reader.cancel()
            raise

    async def poll_logged(self, log):
        try:
            await asyncio.sleep(0)
        except asyncio.CancelledError:  # expect: RES303
            task = asyncio.current_task()
            log.info("cancelled %s", task)
            raise
