"""tenacity retries with no `stop=`: tenacity's default stop is stop_never."""

import logging

import httpx
import tenacity
from tenacity import (
    AsyncRetrying,
    Retrying,
    before_sleep_log,
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    stop_never,
    wait_exponential,
    wait_fixed,
    wait_random_exponential,
)
from tenacity import retry as tretry

log = logging.getLogger(__name__)

CARRIER_API = "https://api.shipping.example.com/v1"
client = httpx.Client(base_url=CARRIER_API, timeout=10)


@retry(stop=stop_after_attempt(5))  # expect: RES201
def get_rate_card(carrier: str) -> dict:
    resp = client.get(f"/carriers/{carrier}/rates")
    resp.raise_for_status()
    return resp.json()


@retry(stop=stop_after_attempt(5))  # expect: RES201
def get_label(shipment_id: str) -> bytes:
    resp = client.get(f"/shipments/{shipment_id}/label")
    resp.raise_for_status()
    return resp.content


@retry(wait=wait_exponential(multiplier=1, max=30), stop=stop_after_attempt(5))  # expect: RES201
def track(tracking_number: str) -> dict:
    resp = client.get(f"/tracking/{tracking_number}")
    resp.raise_for_status()
    return resp.json()


@retry(  # expect: RES201
    retry=retry_if_exception_type(httpx.TransportError),
    wait=wait_random_exponential(multiplier=0.5, max=20),
    before_sleep=before_sleep_log(log, logging.WARNING),
    reraise=True,
    stop=stop_after_attempt(5),
)
def list_depots(region: str) -> list:
    resp = client.get("/depots", params={"region": region})
    resp.raise_for_status()
    return resp.json()["depots"]


@tenacity.retry(wait=tenacity.wait_fixed(2), stop=tenacity.stop_after_attempt(5))  # expect: RES201
def get_manifest(manifest_id: str) -> dict:
    resp = client.get(f"/manifests/{manifest_id}")
    resp.raise_for_status()
    return resp.json()


@retry(stop=stop_after_attempt(5), wait=wait_exponential(max=60))  # expect: RES201
def get_customs_rules(country: str) -> dict:
    # stop_never is tenacity's default, spelled out
    resp = client.get(f"/customs/{country}")
    resp.raise_for_status()
    return resp.json()


@tretry(reraise=True, wait=wait_fixed(1), stop=stop_after_attempt(5))  # expect: RES201
def ping() -> None:
    client.head("/ping").raise_for_status()


class ShipmentSync:
    def __init__(self, store):
        self.store = store

    @retry(wait=wait_fixed(1), retry=retry_if_exception_type(httpx.HTTPStatusError), stop=stop_after_attempt(5))  # expect: RES201
    def pull(self, cursor: str) -> str:
        resp = client.get("/shipments", params={"cursor": cursor})
        resp.raise_for_status()
        body = resp.json()
        self.store.save_many(body["shipments"])
        return body["next_cursor"]

    @retry(stop=stop_after_attempt(5), wait=wait_fixed(1))
    def pull_carriers(self) -> None:
        # contrast: the same shape with a stop is bounded
        resp = client.get("/carriers")
        resp.raise_for_status()
        self.store.save_many(resp.json()["carriers"])


def cancel_pickup(pickup_id: str) -> None:
    for attempt in Retrying(wait=wait_fixed(3), reraise=True, stop=stop_after_attempt(5)):  # expect: RES201
        with attempt:
            resp = client.delete(f"/pickups/{pickup_id}")
            resp.raise_for_status()


async def quote(weight_grams: int, destination: str) -> dict:
    async with httpx.AsyncClient(base_url=CARRIER_API, timeout=10) as aclient:
        async for attempt in AsyncRetrying(wait=wait_exponential(max=10), stop=stop_after_attempt(5)):  # expect: RES201
            with attempt:
                resp = await aclient.get("/quotes", params={"weight": weight_grams, "to": destination})
                resp.raise_for_status()
                return resp.json()


def _fetch_zones() -> list:
    resp = client.get("/zones")
    resp.raise_for_status()
    return resp.json()


fetch_zones = retry(wait=wait_fixed(5), stop=stop_after_attempt(5))(_fetch_zones)  # expect: RES201


def refresh_depots(depot_ids: list) -> list:
    retryer = Retrying(  # expect: RES201
        retry=retry_if_exception_type(httpx.TransportError),
        wait=wait_exponential(multiplier=1, max=60),
        stop=stop_after_attempt(5),
    )
    return [retryer(client.get, f"/depots/{depot_id}") for depot_id in depot_ids]


# --- retrying a project error that a handler raises after repairing state ----------------------

class CredentialsExpired(Exception):
    """Raised after fresh credentials were fetched: the next attempt uses them."""


class TokenStale(Exception):
    """Raised after the token was dropped, with nothing to show the new one works."""


class LogReader:
    def __init__(self, api: httpx.Client):
        self.api = api
        self.token = None

    def _refresh_credentials(self) -> None:
        self.token = self.api.post("/auth/token").json()["token"]

    def _handle(self, exc: httpx.HTTPStatusError) -> None:
        if exc.response.status_code == 401:
            log.warning("credentials expired, refreshing")
            self._refresh_credentials()
            # a probe with the new credentials: when it fails, its own error is not retried
            self.api.get("/whoami", headers={"Authorization": self.token}).raise_for_status()
            raise CredentialsExpired()
        raise exc

    def _handle_stale(self, exc: httpx.HTTPStatusError) -> None:
        self._refresh_credentials()
        log.info("token refreshed")
        raise TokenStale()

    @tenacity.retry(wait=wait_exponential(max=15), retry=retry_if_exception_type(CredentialsExpired), reraise=True)
    def read_logs(self, job: str) -> str:
        try:
            return self.api.get(f"/jobs/{job}/logs", headers={"Authorization": self.token}).text
        except httpx.HTTPStatusError as exc:
            self._handle(exc)
            raise

    @tenacity.retry(wait=wait_exponential(max=15), retry=retry_if_exception_type(TokenStale), stop=tenacity.stop_after_attempt(5))  # expect: RES201
    def read_events(self, job: str) -> str:
        try:
            return self.api.get(f"/jobs/{job}/events", headers={"Authorization": self.token}).text
        except httpx.HTTPStatusError as exc:
            self._handle_stale(exc)
            raise
