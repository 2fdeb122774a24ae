"""Coroutines tested for truth, dropped under `suppress` or in a `try` / `else`, an async context
manager's exit called by hand, and attribute chains to classes of the same file."""

import asyncio
from contextlib import suppress
from typing import Optional

import aiohttp


class Store:
    async def is_stale(self) -> bool:
        return False

    async def refresh(self) -> None:
        pass

    def size(self) -> int:
        return 0


class Cache:
    def __init__(self):
        self.store = Store()
        self.backup: Optional[Store] = None
        self.enabled = True

    @property
    def primary(self) -> Store:
        return self.store

    async def get(self, key):
        if await self.store.is_stale():  # expect: RES501
            await self.store.refresh()
        if self.enabled and not await self.primary.is_stale():  # expect: RES501
            return key
        stale = await self.backup.is_stale() and self.enabled  # expect: RES501
        return None if stale else key

    async def warm(self):
        with suppress(ConnectionError):
            await self.store.refresh()  # expect: RES501
        try:
            size = self.store.size()
        except ValueError:
            size = 0
        else:
            await self.primary.refresh()  # expect: RES501
        assert await self.primary.is_stale() is not None  # expect: RES501
        return size

    async def wait_until_fresh(self):
        while await self.store.is_stale():  # expect: RES501
            await asyncio.sleep(1)


class Client:
    def __init__(self):
        self._session: Optional[aiohttp.ClientSession] = None

    async def reconnect(self):
        if self._session is not None and not self._session.closed:
            await self._session.__aexit__(None, None, None)  # expect: RES501
        self._session = aiohttp.ClientSession()
        await self._session.__aenter__()

    async def close(self):
        await self._session.__aexit__(None, None, None)


class Watcher:
    def __init__(self, store: Store):
        self.store = store

    async def refresh(self):
        pass

    def track(self, bus):
        async def on_change(event):
            # `self` of the enclosing method, from a closure
            await self.refresh()  # expect: RES501
            await self.store.refresh()  # expect: RES501
            await self.refresh()

        bus.listen("changed", on_change)


# --- near-misses --------------------------------------------------------------------------

class CacheDone(Cache):
    async def get(self, key):
        if await self.store.is_stale():
            await self.store.refresh()
        if self.store.size() > 10 and self.enabled:
            return key
        fresh = [k for k in (key,) if not await self.primary.is_stale()]
        return fresh

    def _refresh_sync(self, value):
        if True:  # the code generator's sync branch
            self._no_async("refresh")
        else:
            self.store.refresh()
        if False:
            self.store.refresh()

    def _no_async(self, name):
        raise TypeError(name)

    async def check(self, other):
        return self.store.is_stale


def size_of(cache: Cache):
    return cache.store.size() > 0

