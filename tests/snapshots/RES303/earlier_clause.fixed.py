"""An earlier clause that swallows the cancellation is reported; the catch-all after it is not."""

import asyncio


async def trigger(handler, logger):
    try:
        return await handler()
    except asyncio.CancelledError:  # expect: RES303
        raise
    except:
        logger.exception("handler error")


async def poll(fetch, logger):
    try:
        await fetch()
    except ValueError:
        pass
    except Exception:  # expect: RES303
        logger.exception("poll error")
