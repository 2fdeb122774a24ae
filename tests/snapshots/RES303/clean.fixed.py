"""Near-misses for RES303: handlers that re-raise, classes that are not cancellation, sync code."""

import asyncio
import concurrent.futures
import logging
from concurrent.futures import CancelledError as FutureCancelled

logger = logging.getLogger(__name__)


class CancelledError(Exception):
    """A job-system error that only shares the name."""


async def consume(queue, handle):
    while True:
        try:
            item = await queue.get()
            await handle(item)
        except asyncio.CancelledError:
            logger.info("consumer stopping")
            raise


async def publish(broker, event):
    try:
        await broker.send(event)
    except Exception:
        logger.exception("publish failed")


async def call_with_timeout(client, request):
    try:
        return await asyncio.wait_for(client.send(request), timeout=5)
    except asyncio.TimeoutError:
        return None
    except TimeoutError:
        return None


async def translate(client, request):
    try:
        return await client.send(request)
    except BaseException as exc:
        raise RuntimeError("request aborted") from exc


async def cleanup_then_reraise(conn):
    try:
        await conn.execute("LISTEN jobs")
    except:
        await conn.close()
        raise


async def reraise_in_branch(conn, shutting_down):
    # a handler that re-raises on some paths only counts as re-raising (documented limitation)
    try:
        await conn.execute("SELECT 1")
    except asyncio.CancelledError:
        if not shutting_down():
            raise
        logger.info("cancelled during shutdown")


async def reraise_in_finally_of_handler(conn):
    try:
        await conn.execute("SELECT 1")
    except asyncio.CancelledError:
        try:
            await asyncio.shield(conn.rollback())
        finally:
            raise


async def own_job_error(job):
    try:
        await job.run()
    except CancelledError:
        logger.info("job %s was cancelled by its owner", job.id)


async def thread_pool_result(executor, fn):
    future = executor.submit(fn)
    try:
        return await asyncio.wrap_future(future)
    except FutureCancelled:
        return None
    except concurrent.futures.CancelledError:
        return None


async def generator_close(stream):
    try:
        async for chunk in stream:
            yield chunk
    except GeneratorExit:
        await stream.aclose()
        raise


def on_done(task):
    try:
        task.result()
    except asyncio.CancelledError:
        pass
    except BaseException:
        logger.exception("task failed")


def blocking_client(sock):
    try:
        return sock.recv(1024)
    except:
        return b""


async def with_suppress(task):
    task.cancel()
    import contextlib
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def text_only():
    hint = "except asyncio.CancelledError: pass swallows cancellation"
    return hint
