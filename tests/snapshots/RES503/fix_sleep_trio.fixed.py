"""`time.sleep()` in a coroutine of a trio program: the fix awaits `trio.sleep()`."""

import time

import trio


async def heartbeat(stream, interval):
    while True:
        await stream.send_all(b"PING\n")
        await trio.sleep(interval)  # expect: RES503


async def reconnect(connect, attempts=5):
    for attempt in range(attempts):
        try:
            return await connect()
        except OSError:
            await trio.sleep(  # expect: RES503
                min(2 ** attempt, 30),
            )
    raise OSError("could not connect")


def blocking_pause(seconds):
    time.sleep(seconds)


async def main(host, port):
    stream = await reconnect(lambda: trio.open_tcp_stream(host, port))
    async with trio.open_nursery() as nursery:
        nursery.start_soon(heartbeat, stream, 5)


if __name__ == "__main__":
    trio.run(main, "relay.internal", 7001)
