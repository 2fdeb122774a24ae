"""Suppressing RES303 inline."""

import asyncio


async def drain(queue):
    try:
        await queue.join()
    except asyncio.CancelledError:  # reslint: ignore[RES303]
        pass


async def drain_named(queue):
    try:
        await queue.join()
    except asyncio.CancelledError:  # reslint: ignore[swallowed-cancellation]
        pass


async def drain_noqa(queue):
    try:
        await queue.join()
    except asyncio.CancelledError:  # NOQA: res303
        pass


async def drain_wrong_code(queue):
    try:
        await queue.join()
    except asyncio.CancelledError:  # reslint: ignore[RES302]  # expect: RES303
        raise
