"""Constant waits between attempts are reported, in loops and in tenacity; a retry with no wait at all is RES202's, and jittered waits are left alone."""

import asyncio
import random
import time

import httpx
import requests
from tenacity import (
    Retrying,
    retry,
    stop_after_attempt,
    wait_exponential_jitter,
    wait_fixed,
    wait_random,
    wait_random_exponential,
)

PARTNER = "https://partner.example.com/api"


def fetch_catalog(session: requests.Session) -> dict:
    for attempt in range(5):  # expect: RES204
        try:
            resp = session.get(f"{PARTNER}/catalog", timeout=10)
            resp.raise_for_status()
            return resp.json()
        except requests.RequestException:
            time.sleep(5 * random.uniform(0.5, 1.5))
    raise RuntimeError("catalog unavailable")


async def fetch_availability(client: httpx.AsyncClient, sku: str) -> dict:
    while True:  # expect: RES204
        try:
            resp = await client.get(f"/availability/{sku}")
            resp.raise_for_status()
            return resp.json()
        except httpx.TransportError:
            await asyncio.sleep(1 * random.uniform(0.5, 1.5))


def fetch_prices(session: requests.Session) -> dict:
    # no wait at all is RES202's, not this rule's
    for attempt in range(3):
        try:
            return session.get(f"{PARTNER}/prices", timeout=10).json()
        except requests.RequestException:
            pass
    raise RuntimeError("prices unavailable")


@retry(stop=stop_after_attempt(4), wait=wait_fixed(2))  # expect: RES204
def fetch_brands() -> list:
    return httpx.get(f"{PARTNER}/brands", timeout=5).json()


def fetch_regions() -> list:
    for attempt in Retrying(stop=stop_after_attempt(3), wait=wait_fixed(3), reraise=True):  # expect: RES204
        with attempt:
            return httpx.get(f"{PARTNER}/regions", timeout=5).json()


# --- jittered waits ------------------------------------------------------------------------

@retry(stop=stop_after_attempt(6), wait=wait_random_exponential(multiplier=1, max=60))
def fetch_orders() -> list:
    return httpx.get(f"{PARTNER}/orders", timeout=5).json()


@retry(stop=stop_after_attempt(6), wait=wait_exponential_jitter(initial=1, max=30))
def fetch_returns() -> list:
    return httpx.get(f"{PARTNER}/returns", timeout=5).json()


@retry(stop=stop_after_attempt(4), wait=wait_fixed(1) + wait_random(0, 1))
def fetch_invoices() -> list:
    return httpx.get(f"{PARTNER}/invoices", timeout=5).json()


@retry(stop=stop_after_attempt(4), wait=wait_random(1, 3))
def fetch_credits() -> list:
    return httpx.get(f"{PARTNER}/credits", timeout=5).json()


def fetch_stock(session: requests.Session, sku: str, base: float = 0.5) -> dict:
    for n in range(5):
        try:
            return session.get(f"{PARTNER}/stock/{sku}", timeout=5).json()
        except requests.RequestException:
            time.sleep(base * 2 ** n + random.random())
    raise RuntimeError(sku)


def fetch_shipments(session: requests.Session) -> list:
    for attempt in range(3):
        try:
            return session.get(f"{PARTNER}/shipments", timeout=5).json()
        except requests.RequestException:
            time.sleep(random.uniform(1, 3))
    raise RuntimeError("shipments unavailable")


def deliver_until_acknowledged(sock, state) -> None:
    # the flag is set by the attempt itself: a retry, waiting the same 0.5 s every time
    while not state.acknowledged:  # expect: RES204
        try:
            sock.send_frame(state.pending)
            state.acknowledged = sock.read_ack()
        except OSError:
            time.sleep(0.5 * random.uniform(0.5, 1.5))


def upload_report(session: requests.Session, make_body, attempts: int = 4) -> dict:
    # rebuilding the request body in the handler is not trying another candidate
    kwargs = {"data": make_body(), "timeout": 30}
    for attempt in range(attempts):  # expect: RES204
        try:
            return session.put("https://reports.example.com/upload", **kwargs).json()
        except requests.ConnectionError:
            if attempt == attempts - 1:
                raise
            kwargs["data"] = make_body()
            time.sleep(1 * random.uniform(0.5, 1.5))
    raise RuntimeError("unreachable")


async def commit_offsets(manager, timer, offsets: dict, backoff_s: float = 0.1):
    # waiting for the attempt's own answer is not the pause between attempts: the sleep is, and
    # capping it at the time left does not make it grow
    while True:  # expect: RES204
        future = manager.call_soon(manager.send_commit, offsets)
        try:
            await manager.wait_for(future, timer.remaining)
        except asyncio.TimeoutError:
            pass
        except OSError:
            pass
        if future.done() and not future.exception():
            return future.result()
        delay = backoff_s
        if timer.remaining is not None:
            delay = min(delay, timer.remaining)
        await asyncio.sleep(delay)
        timer.maybe_raise()
