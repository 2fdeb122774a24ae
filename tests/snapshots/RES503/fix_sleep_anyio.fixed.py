"""`time.sleep()` in a coroutine of an anyio program: the fix awaits `anyio.sleep()`."""

import time

import anyio


async def drain(receive_stream, pause):
    async with receive_stream:
        async for item in receive_stream:
            print("got", item)
            await anyio.sleep(pause)  # expect: RES503


async def warm_up(client):
    await anyio.sleep(0.5)  # expect: RES503
    await client.connect()


def sync_wait(seconds):
    time.sleep(seconds)


async def main():
    send_stream, receive_stream = anyio.create_memory_object_stream(10)
    async with anyio.create_task_group() as tg:
        tg.start_soon(drain, receive_stream, 0.1)
        async with send_stream:
            for i in range(3):
                await send_stream.send(i)


if __name__ == "__main__":
    anyio.run(main)
