"""Only handlers that run as part of the coroutine count: nested sync defs and lambdas do not."""

import asyncio
import logging

logger = logging.getLogger(__name__)


async def start_server(host, port, handler):
    loop = asyncio.get_running_loop()

    def on_task_done(task):
        try:
            task.result()
        except asyncio.CancelledError:
            pass
        except Exception:
            logger.exception("connection handler crashed")

    async def client_connected(reader, writer):
        task = asyncio.current_task()
        task.add_done_callback(on_task_done)
        try:
            await handler(reader, writer)
        except asyncio.CancelledError:  # expect: RES303
            writer.close()
            raise

    server = await asyncio.start_server(client_connected, host, port)
    loop.call_soon(lambda: logger.info("listening on %s:%s", host, port))
    return server


def make_worker(queue):
    async def worker():
        while True:
            try:
                job = await queue.get()
                await job()
            except Exception:  # expect: RES303
                logger.exception("job failed")
            finally:
                queue.task_done()

    def sync_drain():
        while not queue.empty():
            try:
                queue.get_nowait()
            except BaseException:
                break

    return worker, sync_drain


async def run_blocking(executor, path):
    loop = asyncio.get_running_loop()

    def read_file():
        try:
            with open(path, "rb") as fh:
                return fh.read()
        except:
            return b""

    return await loop.run_in_executor(executor, read_file)


class Poller:
    async def run(self):
        class Callback:
            def __call__(self, future):
                try:
                    future.result()
                except asyncio.CancelledError:
                    pass

        async def tick():
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:  # expect: RES303
                raise
            return True

        return Callback(), tick


async def outer(tasks):
    def inner():
        async def innermost():
            try:
                await asyncio.gather(*tasks)
            except:  # expect: RES303
                pass

        return innermost

    return inner()
