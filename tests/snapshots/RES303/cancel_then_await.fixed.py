"""The cancel-then-await idiom: the CancelledError caught is the child's, not ours."""

import asyncio
import logging

logger = logging.getLogger(__name__)


class Connection:
    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer
        self._reader_task = None
        self._keepalive = None

    async def close(self):
        self._reader_task.cancel()
        try:
            await self._reader_task
        except asyncio.CancelledError:
            pass
        self._keepalive.cancel()
        try:
            await asyncio.wait_for(self._keepalive, timeout=1)
        except (asyncio.CancelledError, asyncio.TimeoutError):
            pass


async def shutdown(tasks):
    for task in tasks:
        task.cancel()
    try:
        await asyncio.gather(*tasks)
    except asyncio.CancelledError:
        logger.info("all %d tasks cancelled", len(tasks))


async def stop_watcher(watcher):
    watcher.cancel("configuration reloaded")
    try:
        result = await watcher
    except asyncio.CancelledError:
        result = None
    return result


async def stop_other(watcher, poller):
    poller.cancel()
    try:
        await watcher
    except asyncio.CancelledError:  # expect: RES303
        pass


async def stop_and_log(watcher):
    watcher.cancel()
    try:
        logger.info("waiting for watcher")
        await watcher
    except asyncio.CancelledError:
        pass


async def stop_after_pause(watcher):
    watcher.cancel()
    try:
        await asyncio.sleep(0.1)
        await watcher
    except asyncio.CancelledError:  # expect: RES303
        pass


async def stop_with_wait(tasks):
    for task in tasks:
        task.cancel()
    try:
        await asyncio.wait([task for task in tasks])
    except asyncio.CancelledError:  # expect: RES303
        pass


class Poller:
    def __init__(self, client):
        self.client = client
        self._task = None

    def start(self):
        self._task = asyncio.create_task(self._run())

    def stop(self):
        self._task.cancel()

    async def wait_stopped(self):
        try:
            await self._task
        except asyncio.CancelledError:
            logger.info("poller stopped")

    async def _run(self):
        while True:
            await self.client.poll()
            await asyncio.sleep(5)


async def await_then_cancel(watcher, timeout):
    try:
        await asyncio.wait_for(asyncio.shield(watcher), timeout)
    except asyncio.CancelledError:  # expect: RES303
        raise
    watcher.cancel()


async def first_of(changed, fetch):
    watch_task = asyncio.create_task(changed.wait())
    fetch_task = asyncio.create_task(fetch())
    _, pending = await asyncio.wait([watch_task, fetch_task], return_when=asyncio.FIRST_COMPLETED)
    for p in pending:
        p.cancel()
    try:
        await fetch_task
    except asyncio.CancelledError:
        pass


async def first_of_uncancelled(changed, fetch, other):
    watch_task = asyncio.create_task(changed.wait())
    fetch_task = asyncio.create_task(fetch())
    _, pending = await asyncio.wait([watch_task, other], return_when=asyncio.FIRST_COMPLETED)
    for p in pending:
        p.cancel()
    try:
        await fetch_task
    except asyncio.CancelledError:  # expect: RES303
        pass


class Shell:
    _active_task = None

    @classmethod
    def _set_active_task(cls, task):
        cls._active_task = task

    @classmethod
    def interrupt(cls):
        if cls._active_task is not None:
            cls._active_task.cancel()

    async def run_command(self, command):
        active_task = asyncio.create_task(command())
        self._set_active_task(active_task)
        try:
            stop = await active_task
        except asyncio.CancelledError:
            stop = None
        self._set_active_task(None)
        return stop


class LoggingShell:
    def _remember(self, task):
        self._last = task

    def interrupt(self):
        self._current.cancel()

    async def run_command(self, command):
        active_task = asyncio.create_task(command())
        self._remember(active_task)
        try:
            return await active_task
        except asyncio.CancelledError:  # expect: RES303
            return None


class Player:
    def __init__(self):
        self._task = None

    async def play(self, scene):
        task = asyncio.create_task(scene.run())
        self._task = task
        try:
            return await task
        except asyncio.CancelledError:
            return None

    def stop(self):
        if self._task:
            self._task.cancel()


class Recorder:
    async def record(self, scene):
        task = asyncio.create_task(scene.run())
        self._last = task
        try:
            return await task
        except asyncio.CancelledError:  # expect: RES303
            return None

    def stop(self):
        self._current.cancel()


class Receiver:
    async def disconnect(self):
        reconnect_task = self._reconnect_task
        if reconnect_task is not None:
            self._reconnect_task.cancel()
            try:
                await reconnect_task
            except asyncio.CancelledError:
                pass


class OtherReceiver:
    async def disconnect_other(self):
        reconnect_task = self._reconnect_task
        self._listener.cancel()
        try:
            await reconnect_task
        except asyncio.CancelledError:  # expect: RES303
            pass
