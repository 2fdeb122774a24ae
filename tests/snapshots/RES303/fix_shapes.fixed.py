"""Handler bodies whose fix (end the handler with `raise`) is worth looking at."""

import asyncio
import logging

logger = logging.getLogger(__name__)


async def one_line_pass(conn):
    try: await conn.ping()
    except asyncio.CancelledError: raise  # expect: RES303


async def one_line_statements(conn):
    try:
        await conn.ping()
    except asyncio.CancelledError: conn.abort(); raise  # expect: RES303


async def one_line_call(conn):
    try:
        await conn.ping()
    except asyncio.CancelledError: conn.abort(); raise  # expect: RES303


async def ellipsis_body(conn):
    try:
        await conn.ping()
    except asyncio.CancelledError:  # expect: RES303
        raise


async def return_value(conn):
    try:
        return await conn.fetch("SELECT 1")
    except asyncio.CancelledError:  # expect: RES303
        logger.info("query cancelled")
        raise


async def continue_loop(queue, handle):
    while True:
        try:
            await handle(await queue.get())
        except asyncio.CancelledError:  # expect: RES303
            logger.info("skipping cancelled job")
            raise


async def break_loop(queue, handle):
    while True:
        try:
            await handle(await queue.get())
        except Exception:  # expect: RES303
            break


async def trailing_comment(conn):
    try:
        await conn.ping()
    except asyncio.CancelledError:  # expect: RES303
        conn.abort()  # drop the socket right away
        raise
        # nothing else to clean up


async def return_with_comment(conn):
    try:
        await conn.ping()
    except asyncio.CancelledError:  # expect: RES303
        raise  # the caller checks conn.closed


async def semicolon_pass(conn):
    try:
        await conn.ping()
    except asyncio.CancelledError:  # expect: RES303
        conn.abort(); raise


async def compound_last(conn, retrying):
    try:
        await conn.ping()
    except asyncio.CancelledError:  # expect: RES303
        if retrying:
            logger.info("cancelled while retrying")
        raise


async def docstring_like(conn):
    try:
        await conn.ping()
    except asyncio.CancelledError:  # expect: RES303
        "cancellation is expected during shutdown"
        raise


async def bare_except_star(group_factory):
    try:
        async with group_factory() as group:
            group.create_task(asyncio.sleep(1))
    except* asyncio.CancelledError:  # expect: RES303
        raise


async def mixed_tuple(conn):
    # the fix re-raises ConnectionResetError too: the handler used to turn it into `None`
    try:
        return await conn.recv()
    except (ConnectionResetError, asyncio.CancelledError):  # expect: RES303
        return None
