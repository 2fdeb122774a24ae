"""Coroutine methods reached through `self.` / `cls.` (own class or a base class in this module), dropped."""

import json
import logging

import asyncpg

logger = logging.getLogger(__name__)


class Outbox:
    def __init__(self, transport):
        self.transport = transport
        self.pending = []

    async def flush(self):
        batch, self.pending = self.pending, []
        await self.transport.send_many(batch)

    async def send(self, message):
        self.pending.append(message)
        if len(self.pending) >= 100:
            await self.flush()  # expect: RES501

    async def close(self):
        await self.flush()
        self.transport.close()

    def __del__(self):
        # a coroutine created in __del__ is never awaited by anyone
        if self.pending:
            self.flush()  # expect: RES501


class SharedPool:
    _pool = None

    @classmethod
    async def open(cls, dsn):
        cls._pool = await asyncpg.create_pool(dsn, min_size=1, max_size=10)

    @classmethod
    async def reopen(cls, dsn):
        if cls._pool is not None:
            await cls._pool.close()
        await cls.open(dsn)  # expect: RES501


class Consumer:
    def __init__(self, channel):
        self.channel = channel

    async def ack(self, message):
        await self.channel.basic_ack(message.delivery_tag)

    async def nack(self, message, requeue=True):
        await self.channel.basic_nack(message.delivery_tag, requeue=requeue)


class OrderConsumer(Consumer):
    async def handle(self, message):
        try:
            order = json.loads(message.body)
        except ValueError:
            logger.warning("dropping malformed order message")
            await self.nack(message, requeue=False)  # expect: RES501
            return
        await self.store(order)
        await self.ack(message)  # expect: RES501

    async def store(self, order):
        await self.channel.connection.db.insert("orders", order)

    async def handle_batch(self, messages):
        for message in messages:
            await self.handle(message)  # expect: RES501
