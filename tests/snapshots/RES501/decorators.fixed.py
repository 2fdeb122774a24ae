"""Coroutine functions under decorators of the same file: a decorator that returns an `async def`
wrapper it defines keeps them coroutine functions; one that returns something else does not."""

import asyncio
from functools import wraps

from vendor import work


def logged(func):
    @wraps(func)
    async def wrapper(*args, **kwargs):
        print("calling", func.__name__)
        return await func(*args, **kwargs)

    return wrapper


def retry_on(*errors):
    def decorator(func):
        @wraps(func)
        async def wrapper(*args, **kwargs):
            for _ in range(3):
                try:
                    return await func(*args, **kwargs)
                except errors:
                    await asyncio.sleep(1)
            return None

        return wrapper

    return decorator


def fire_and_forget(func):
    @wraps(func)
    def wrapper(*args, **kwargs):
        return asyncio.ensure_future(func(*args, **kwargs))

    return wrapper


def maybe_async(func):
    async def wrapper(*args, **kwargs):
        return await func(*args, **kwargs)

    if getattr(func, "sync", False):
        return func
    return wrapper


@logged
async def publish(event):
    pass


@retry_on(ConnectionError)
async def connect(host):
    pass


@fire_and_forget
async def notify(user):
    pass


@maybe_async
async def probe():
    pass


class Feed:
    @logged
    async def refresh(self):
        pass

    @work(exclusive=True)
    async def load(self):
        pass

    async def start(self):
        await publish({"type": "start"})  # expect: RES501
        await connect("db.internal")  # expect: RES501
        await self.refresh()  # expect: RES501
        notify("admin")
        probe()
        self.load()
