"""Waits that grow on a fixed schedule, with no random part: every client that failed at the same
moment comes back at the same moments. Found in loops (followed through names and the module's
own helpers), tenacity (also in a dict of options), backoff, urllib3 and aiohttp-retry."""

import asyncio
import time

import aiohttp_retry
import backoff
import requests
import tenacity
from aiohttp_retry import ExponentialRetry, RetryClient
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

API = "https://api.example.com"


def fetch_with_doubling(session: requests.Session, path: str) -> dict:
    delay = 1.0
    for attempt in range(6):  # expect: RES204
        try:
            return session.get(API + path, timeout=10).json()
        except requests.ConnectionError:
            time.sleep(delay)
            delay = min(delay * 2, 30)
    raise RuntimeError(path)


def fetch_with_power(session: requests.Session, path: str, base: float = 0.5) -> dict:
    for attempt in range(5):  # expect: RES204
        try:
            return session.get(API + path, timeout=10).json()
        except requests.RequestException:
            time.sleep(min(30, base * 2 ** attempt))
    raise RuntimeError(path)


def _backoff_seconds(attempt: int) -> float:
    return min(2 ** attempt, 60)


async def send_with_helper(client, payload) -> None:
    for attempt in range(4):  # expect: RES204
        try:
            await client.send(payload)
            return
        except ConnectionError:
            await asyncio.sleep(_backoff_seconds(attempt))
    raise RuntimeError("not sent")


class MetadataFetcher:
    SLEEP_TIME = 1
    RETRY_ATTEMPTS = 3

    def __init__(self, sleep=time.sleep):
        self._sleep = sleep

    def retrieve(self, url):
        attempts = 0
        while True:  # expect: RES204
            try:
                return self._get(url)
            except ConnectionError:
                self._sleep(self.SLEEP_TIME)
                attempts += 1
                if attempts >= self.RETRY_ATTEMPTS:
                    raise

    def _get(self, url):
        return requests.get(url, timeout=1).json()


def tenacity_in_a_dict(retry_limit: int) -> dict:
    return {
        "stop": tenacity.stop_after_attempt(retry_limit),
        "wait": tenacity.wait_random_exponential(min=1, max=2 ** retry_limit),  # expect: RES204
    }


retry_quotes = tenacity.retry(stop=tenacity.stop_after_attempt(3), wait=tenacity.wait_incrementing(1, 2))  # expect: RES204


@backoff.on_exception(backoff.expo, requests.RequestException, max_tries=5, jitter=None)  # expect: RES204
def fetch_report(session: requests.Session) -> dict:
    return session.get(API + "/report", timeout=10).json()


def mount_retries(session: requests.Session) -> None:
    retries = Retry(total=5, backoff_factor=0.5, status_forcelist=[502, 503])  # expect: RES204
    session.mount("https://", HTTPAdapter(max_retries=retries))


def async_client(session) -> RetryClient:
    options = ExponentialRetry(attempts=4)  # expect: RES204
    return RetryClient(client_session=session, retry_options=options)


def fibonacci_client(session) -> RetryClient:
    return RetryClient(client_session=session, retry_options=aiohttp_retry.FibonacciRetry(attempts=5))  # expect: RES204


def redis_policy():
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry as RedisRetry

    return RedisRetry(ExponentialBackoff(cap=10, base=1), 3)  # expect: RES204
