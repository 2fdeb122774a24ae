"""backoff decorators with neither max_tries nor max_time (or with them set to None) retry for ever."""

import logging

import backoff
import requests
from backoff import expo, on_exception

log = logging.getLogger(__name__)

FEEDS = "https://feeds.catalog.example.com"
MAX_TRIES = 8


@backoff.on_exception(backoff.expo, requests.exceptions.RequestException, max_tries=5)  # expect: RES201
def fetch_feed(feed_id: str) -> bytes:
    resp = requests.get(f"{FEEDS}/{feed_id}.xml", timeout=10)
    resp.raise_for_status()
    return resp.content


@backoff.on_exception(  # expect: RES201
    backoff.expo,
    (requests.ConnectionError, requests.Timeout),
    max_value=60,  # caps each wait, not the number of tries
    jitter=backoff.full_jitter,
    on_backoff=lambda details: log.warning("retrying catalog in %.1fs", details["wait"]),
    max_tries=5,
)
def fetch_catalog(locale: str) -> dict:
    resp = requests.get(f"{FEEDS}/catalog", params={"locale": locale}, timeout=10)
    resp.raise_for_status()
    return resp.json()


@backoff.on_exception(backoff.expo, requests.HTTPError, max_tries=5)  # expect: RES201
def fetch_prices(sku: str) -> dict:
    resp = requests.get(f"{FEEDS}/prices/{sku}", timeout=5)
    resp.raise_for_status()
    return resp.json()


@backoff.on_exception(backoff.expo, requests.RequestException, max_tries=5, max_time=None)  # expect: RES201
def fetch_stock(sku: str) -> int:
    resp = requests.get(f"{FEEDS}/stock/{sku}", timeout=5)
    resp.raise_for_status()
    return resp.json()["available"]


def _client_error(exc: requests.HTTPError) -> bool:
    return exc.response is not None and exc.response.status_code < 500


# giveup= only stops on 4xx: a dependency answering 503 is retried for ever
@backoff.on_exception(backoff.expo, requests.HTTPError, giveup=_client_error, max_tries=5)  # expect: RES201
def fetch_images(sku: str) -> list:
    resp = requests.get(f"{FEEDS}/images/{sku}", timeout=5)
    resp.raise_for_status()
    return resp.json()["images"]


@backoff.on_predicate(backoff.fibo, lambda job: job["state"] != "done", max_value=30, max_tries=5)  # expect: RES201
def poll_export(export_id: str) -> dict:
    return requests.get(f"{FEEDS}/exports/{export_id}", timeout=5).json()


# on_predicate's default predicate retries while the result is falsy
@backoff.on_predicate(backoff.constant, interval=5, max_tries=5)  # expect: RES201
def next_batch(queue_url: str) -> list:
    return requests.get(queue_url, timeout=5).json()["items"]


@on_exception(expo, ConnectionError, max_tries=5)  # expect: RES201
def open_feed_socket(connect):
    return connect()


@backoff.on_exception(backoff.expo, requests.RequestException, max_tries=MAX_TRIES)
def fetch_brands() -> list:
    # contrast: bounded by max_tries
    resp = requests.get(f"{FEEDS}/brands", timeout=5)
    resp.raise_for_status()
    return resp.json()


@backoff.on_predicate(backoff.expo, lambda r: not r, max_time=120)
def wait_for_index(index_id: str) -> bool:
    # contrast: bounded by max_time
    return requests.get(f"{FEEDS}/indexes/{index_id}", timeout=5).json()["ready"]
