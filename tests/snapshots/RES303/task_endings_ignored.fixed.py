# reslint-test: rules.RES303.report-task-endings = false
"""With `report-task-endings = false`, a handler that ends the coroutine of a task this module
starts is left alone, however it ends it; one that goes on is still reported."""

import asyncio
import logging

logger = logging.getLogger(__name__)


class Session:
    def start(self):
        self._monitor = asyncio.create_task(self._monitor_loop())
        self._reader = asyncio.create_task(self._read_loop())
        self._pinger = asyncio.create_task(self._ping_loop())
        self._worker = asyncio.create_task(self._work_loop())

    async def _monitor_loop(self):
        try:
            while True:
                await self.check()
                await asyncio.sleep(10)
        except asyncio.CancelledError:
            pass

    async def _read_loop(self):
        while True:
            try:
                message = await self.stream.read()
            except asyncio.CancelledError:
                logger.debug("reader cancelled")
                break
            self.dispatch(message)
        self.closed = True

    async def _ping_loop(self):
        while True:
            try:
                await self.ping()
            except asyncio.CancelledError:  # expect: RES303
                logger.debug("ping cancelled")
                raise
            await asyncio.sleep(5)

    async def _work_loop(self):
        try:
            await self.work()
        except asyncio.CancelledError:  # expect: RES303
            logger.debug("work cancelled")
            raise
        await self.flush()

    async def fetch(self):
        try:
            return await self.stream.read()
        except asyncio.CancelledError:  # expect: RES303
            logger.debug("fetch cancelled")
            raise
