"""Only code that runs as part of the coroutine counts: nested sync defs and lambdas do not,
comprehensions, async generators and async defs nested anywhere do."""

import asyncio
import time

import requests


async def fetch_all(urls):
    # a list comprehension runs inline, inside the coroutine
    return [requests.get(url, timeout=5).text for url in urls]  # expect: RES503


async def fetch_all_in_threads(urls):
    def fetch(url):
        return requests.get(url, timeout=5).text

    loop = asyncio.get_running_loop()
    return await asyncio.gather(*[loop.run_in_executor(None, fetch, url) for url in urls])


async def poll_job(job):
    status = await asyncio.to_thread(lambda: requests.get(job.status_url, timeout=5).json())
    if status["state"] != "done":
        await asyncio.sleep(0.5)  # expect: RES503
    return status


async def tail(url, interval):
    # an async generator body is a coroutine body too
    while True:
        yield requests.get(url, timeout=5).text  # expect: RES503
        await asyncio.sleep(interval)  # expect: RES503


def make_handler(client):
    async def handler(request):
        await asyncio.sleep(0.2)  # expect: RES503
        return await client.forward(request)

    def sync_handler(request):
        time.sleep(0.2)
        return client.forward_sync(request)

    return handler, sync_handler


async def build_fetcher(base_url):
    def factory():
        async def fetch_one(path):
            return requests.get(f"{base_url}/{path}", timeout=5)  # expect: RES503

        return fetch_one

    return factory()


class Worker:
    def __init__(self, queue_url):
        self.queue_url = queue_url

    def run_sync(self):
        while True:
            requests.post(self.queue_url, timeout=5)
            time.sleep(1)

    async def run(self):
        class Callback:
            def __call__(self, future):
                time.sleep(0.1)

        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(None, self.run_sync)
        future.add_done_callback(Callback())
        await future
