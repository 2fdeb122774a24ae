"""asyncio coroutine APIs called and dropped: sleep, wait_for, open_connection, loop sock_* methods,
asyncio.Queue, Event and Lock, and the stream reader and writer from open_connection."""

import asyncio
import logging
import socket

logger = logging.getLogger(__name__)

shutdown_requested = asyncio.Event()


async def poll_forever(client, interval):
    while True:
        await client.poll()
        # the loop spins without ever pausing
        await asyncio.sleep(interval)  # expect: RES501


def backoff(attempt):
    # in a sync function this does not sleep at all
    asyncio.sleep(min(2 ** attempt, 30))  # expect: RES501


async def ping_with_deadline(conn):
    await asyncio.wait_for(conn.ping(), timeout=5)  # expect: RES501
    return conn


async def port_is_open(host, port):
    await asyncio.open_connection(host, port)  # expect: RES501
    return True


async def proxy_once(client_sock, upstream_addr):
    loop = asyncio.get_running_loop()
    upstream = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    upstream.setblocking(False)
    await loop.sock_connect(upstream, upstream_addr)  # expect: RES501
    request = await loop.sock_recv(client_sock, 65536)
    await loop.sock_sendall(upstream, request)  # expect: RES501
    reply = await loop.sock_recv(upstream, 65536)
    await loop.sock_sendall(client_sock, reply)
    upstream.close()


async def read_frame(sock):
    loop = asyncio.get_running_loop()
    length = int.from_bytes(await loop.sock_recv(sock, 4), "big")
    body = await loop.sock_recv(sock, length)
    await loop.sock_recv(sock, 2)  # expect: RES501
    return body


async def accept_one(server_sock):
    loop = asyncio.get_running_loop()
    await loop.sock_accept(server_sock)  # expect: RES501


class JobQueue:
    def __init__(self, max_backlog=1000):
        self._queue = asyncio.Queue()
        self.max_backlog = max_backlog

    async def submit(self, job):
        await self._queue.put(job)  # expect: RES501

    async def shed_load(self):
        while self._queue.qsize() > self.max_backlog:
            # meant to drop the oldest job: nothing is removed, the loop never ends
            await self._queue.get()  # expect: RES501
            self._queue.task_done()


async def produce(lines):
    queue = asyncio.Queue(maxsize=100)
    for line in lines:
        await queue.put(line.rstrip("\n"))  # expect: RES501
    return queue


async def serve_until_shutdown(server):
    await server.start_serving()
    # returns at once: the server is closed right after it started
    await shutdown_requested.wait()  # expect: RES501
    server.close()


class RateLimiter:
    def __init__(self, per_second):
        self._lock = asyncio.Lock()
        self.interval = 1 / per_second

    async def take(self):
        await self._lock.acquire()  # expect: RES501
        try:
            await asyncio.sleep(self.interval)
        finally:
            self._lock.release()


async def send_command(host, port, command):
    reader, writer = await asyncio.open_connection(host, port)
    # throw the server banner away
    await reader.read(1024)  # expect: RES501
    writer.write(command.encode() + b"\r\n")
    await writer.drain()  # expect: RES501
    reply = await reader.readline()
    writer.close()
    await writer.wait_closed()  # expect: RES501
    return reply.decode().rstrip()
