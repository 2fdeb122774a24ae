"""Cancellation classes reached through aliases, submodules, trio and anyio."""

import asyncio as aio
import asyncio.exceptions
from asyncio import CancelledError as Cancelled
from asyncio import exceptions
from asyncio import exceptions as aio_exc

import anyio
import trio
from anyio import get_cancelled_exc_class


async def poll_aliased(source):
    try:
        return await source.poll()
    except aio.CancelledError:  # expect: RES303
        raise


async def poll_renamed(source):
    try:
        return await source.poll()
    except Cancelled:  # expect: RES303
        raise


async def poll_submodule(source):
    try:
        return await source.poll()
    except exceptions.CancelledError:  # expect: RES303
        raise


async def poll_submodule_alias(source):
    try:
        return await source.poll()
    except aio_exc.CancelledError:  # expect: RES303
        raise


async def poll_full_path(source):
    try:
        return await source.poll()
    except asyncio.exceptions.CancelledError:  # expect: RES303
        raise


async def trio_worker(receive_channel):
    async for message in receive_channel:
        try:
            await message.process()
        except trio.Cancelled:  # expect: RES303
            await message.nack()
            raise


async def anyio_worker(stream):
    try:
        await stream.send(b"ping")
    except anyio.get_cancelled_exc_class():  # expect: RES303
        await stream.aclose()
        raise


async def anyio_worker_imported(stream):
    try:
        await stream.receive()
    except get_cancelled_exc_class():  # expect: RES303
        raise


async def not_really_base(stream):
    try:
        await stream.receive()
    except (KeyError, aio.TimeoutError, Cancelled) as exc:  # expect: RES303
        return exc
