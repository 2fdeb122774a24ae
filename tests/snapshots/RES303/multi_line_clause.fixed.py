"""A multi-line `except (...)` clause with comments inside: the message quotes the classes only."""

import asyncio
import logging

logger = logging.getLogger(__name__)


async def read_message(reader):
    try:
        header = await reader.readexactly(4)
        return await reader.readexactly(int.from_bytes(header, "big"))
    except (  # expect: RES303
        asyncio.IncompleteReadError,  # peer closed mid-frame
        asyncio.CancelledError,
    ):
        logger.info("reader stopped")
        return None
