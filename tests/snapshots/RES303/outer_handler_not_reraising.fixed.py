"""The outer `except` clause does not raise after the handler, or the handler returns before it
can: the cancellation is swallowed."""

import asyncio


async def close_quietly(connection):
    try:
        await connection.run()
    except Exception:  # expect: RES303
        try:
            await connection.close()
        except Exception:  # expect: RES303
            pass
        connection.log("closed")


async def close_and_return(connection):
    try:
        await connection.run()
    except BaseException:
        try:
            await connection.close()
        except asyncio.CancelledError:  # expect: RES303
            raise
        raise


async def raise_only_sometimes(connection):
    try:
        await connection.run()
    except OSError:
        try:
            await connection.close()
        except asyncio.CancelledError:  # expect: RES303
            raise
        if connection.strict:
            raise


async def reader_loop(socket, on_message):
    try:
        async for message in socket:
            await on_message(message)
    except asyncio.CancelledError:  # expect: RES303
        socket.log("reader cancelled")
        raise
    finally:
        await socket.close()
        if socket.strict:
            raise ConnectionError()
