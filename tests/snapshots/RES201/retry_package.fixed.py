"""The `retry` package: `tries` defaults to -1, which means for ever (decorator and retry_call)."""

import logging

import requests
from retry import retry
from retry.api import retry_call

log = logging.getLogger(__name__)

WAREHOUSE = "https://wms.example.com/api"


@retry(ConnectionError, delay=1, backoff=2, max_delay=30, tries=5)  # expect: RES201
def open_scanner_link(scanner):
    return scanner.connect()


@retry(tries=5, delay=5)  # expect: RES201
def fetch_pick_list(wave_id: str) -> list:
    resp = requests.get(f"{WAREHOUSE}/waves/{wave_id}/picks", timeout=10)
    resp.raise_for_status()
    return resp.json()


@retry(exceptions=(requests.Timeout, requests.ConnectionError), jitter=(0, 1), logger=log, tries=5)  # expect: RES201
def fetch_bin(bin_id: str) -> dict:
    resp = requests.get(f"{WAREHOUSE}/bins/{bin_id}", timeout=5)
    resp.raise_for_status()
    return resp.json()


@retry(tries=5)  # expect: RES201
def heartbeat(station_id: str) -> None:
    requests.put(f"{WAREHOUSE}/stations/{station_id}/heartbeat", timeout=2).raise_for_status()


def sync_inventory(warehouse_id: str) -> None:
    resp = requests.get(f"{WAREHOUSE}/inventory/{warehouse_id}", timeout=30)
    resp.raise_for_status()


def nightly_sync(warehouse_ids: list) -> None:
    for warehouse_id in warehouse_ids:
        retry_call(sync_inventory, fargs=[warehouse_id], exceptions=requests.RequestException, delay=2, tries=5)  # expect: RES201


def sync_one(warehouse_id: str) -> None:
    retry_call(  # expect: RES201
        sync_inventory,
        fkwargs={"warehouse_id": warehouse_id},
        tries=5,
        delay=1,
        backoff=2,
        max_delay=60,
    )


@retry(requests.RequestException, tries=4, delay=1, backoff=2)
def fetch_zones() -> list:
    # contrast: bounded by tries
    return requests.get(f"{WAREHOUSE}/zones", timeout=5).json()


def sync_one_bounded(warehouse_id: str) -> None:
    # contrast: bounded by tries
    retry_call(sync_inventory, fargs=[warehouse_id], tries=3, delay=2)
