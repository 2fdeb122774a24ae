"""asyncio.open_connection has no timeout parameter: it is bounded only by an enclosing deadline."""

import asyncio
import asyncio as aio
from asyncio import open_connection

import requests


async def redis_ping(host, port=6379):
    reader, writer = await asyncio.open_connection(host, port)  # expect: RES101
    writer.write(b"PING\r\n")
    await writer.drain()
    reply = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return reply == b"+PONG\r\n"


async def smtp_banner(host):
    reader, writer = await open_connection(host, 25)  # expect: RES101
    banner = await reader.readline()
    writer.close()
    return banner.decode()


async def check_all(hosts):
    async with asyncio.TaskGroup() as tg:
        # a task group is not a deadline
        for host in hosts:
            tg.create_task(aio.open_connection(host, 443, ssl=True))  # expect: RES101


async def notify_after_connect(host, webhook):
    async with asyncio.timeout(5):
        reader, writer = await asyncio.open_connection(host, 443, ssl=True)
        # asyncio.timeout cannot interrupt a blocking call: requests still needs its own timeout
        requests.post(webhook, json={"host": host}, timeout=10)  # expect: RES101
        writer.close()


class LineProtocolClient:
    def __init__(self, host, port):
        self.host = host
        self.port = port
        self.reader = None
        self.writer = None

    async def connect(self):
        self.reader, self.writer = await asyncio.open_connection(  # expect: RES101
            self.host,
            self.port,
        )

    async def send(self, line):
        self.writer.write(line.encode() + b"\n")
        await self.writer.drain()


# --- a coroutine made before the deadline runs only where it is awaited ----------------------

async def connect_made_early(host, port):
    # awaited under the deadline: bounded (left alone)
    pending = asyncio.open_connection(host, port)
    async with asyncio.timeout(5):
        reader, writer = await pending
    return reader, writer


async def connect_wait_for(host, port):
    # handed to wait_for: bounded (left alone)
    pending = asyncio.open_connection(host, port)
    return await asyncio.wait_for(pending, 5)


async def connect_awaited_outside(host, port):
    pending = asyncio.open_connection(host, port)  # expect: RES101
    async with asyncio.timeout(5):
        await asyncio.sleep(0)
    return await pending

