"""The shapes of `clean_runs_forever.py` where the coroutine can finish normally, so a caller may
await it and go on: a loop on a flag, a loop with a `break`, a `return` after the loop, and a
`try` around the whole loop (the handler is not in it). Its `return` on cancellation loses the
caller's cancellation.
"""

import asyncio


class Reader:
    def __init__(self, stream):
        self.stream = stream
        self.running = True

    async def read_while_running(self):
        while self.running:
            try:
                await self.stream.read()
            except asyncio.CancelledError:  # expect: RES303
                raise

    async def read_until_eof(self):
        while True:
            try:
                chunk = await self.stream.read()
                if not chunk:
                    break
            except asyncio.CancelledError:  # expect: RES303
                raise

    async def read_some(self, count):
        while True:
            try:
                chunk = await self.stream.read()
                if len(chunk) >= count:
                    return chunk
            except asyncio.CancelledError:  # expect: RES303
                raise

    async def read_wrapped(self):
        try:
            while True:
                await self.stream.read()
        except asyncio.CancelledError:  # expect: RES303
            raise
