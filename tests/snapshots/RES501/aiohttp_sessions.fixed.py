"""aiohttp ClientSession request methods called and dropped: the request is never sent."""

import logging

import aiohttp

logger = logging.getLogger(__name__)

SLACK_API = "https://slack.com/api"


async def post_webhook(url, payload):
    async with aiohttp.ClientSession() as session:
        await session.post(url, json=payload)  # expect: RES501


async def warm_cdn(urls):
    session = aiohttp.ClientSession()
    try:
        for url in urls:
            await session.get(url, headers={"X-Warmup": "1"})  # expect: RES501
    finally:
        await session.close()


async def purge(paths):
    session = aiohttp.ClientSession(base_url="https://cdn.example.com")
    async with session:
        for path in paths:
            await session.request("PURGE", path)  # expect: RES501
        # `async with session.delete(...)` sends the request
        async with session.delete("/cache/all") as response:
            response.raise_for_status()


class SlackNotifier:
    def __init__(self, token):
        self.session = aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"})

    async def notify(self, channel, text):
        await self.session.post(  # expect: RES501
            f"{SLACK_API}/chat.postMessage",
            json={"channel": channel, "text": text},
        )

    async def set_topic(self, channel, topic):
        response = await self.session.post(
            f"{SLACK_API}/conversations.setTopic",
            json={"channel": channel, "topic": topic},
        )
        return await response.json()

    async def archive(self, channel):
        await self.session.put(f"{SLACK_API}/conversations.archive", json={"channel": channel})  # expect: RES501

    def shutdown(self):
        # ClientSession.close() is a coroutine: the connector is never closed
        self.session.close()  # expect: RES501
