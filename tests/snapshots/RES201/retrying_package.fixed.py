"""The `retrying` package never stops unless given stop_max_attempt_number, stop_max_delay or stop_func."""

import logging
import socket

import requests
from retrying import retry

log = logging.getLogger(__name__)

REGISTRY = "https://registry.internal.example.com/v2"


def _is_transient(exc: Exception) -> bool:
    return isinstance(exc, (requests.ConnectionError, requests.Timeout, socket.timeout))


@retry(stop_max_attempt_number=5)  # expect: RES201
def resolve_service(name: str) -> str:
    return socket.gethostbyname(f"{name}.service.consul")


@retry(stop_max_attempt_number=5)  # expect: RES201
def fetch_manifest(image: str, tag: str) -> dict:
    resp = requests.get(f"{REGISTRY}/{image}/manifests/{tag}", timeout=10)
    resp.raise_for_status()
    return resp.json()


@retry(wait_exponential_multiplier=1000, wait_exponential_max=10000, stop_max_attempt_number=5)  # expect: RES201
def fetch_blob(image: str, digest: str) -> bytes:
    resp = requests.get(f"{REGISTRY}/{image}/blobs/{digest}", timeout=30)
    resp.raise_for_status()
    return resp.content


@retry(retry_on_exception=_is_transient, wait_fixed=2000, stop_max_attempt_number=5)  # expect: RES201
def list_tags(image: str) -> list:
    resp = requests.get(f"{REGISTRY}/{image}/tags/list", timeout=10)
    resp.raise_for_status()
    return resp.json()["tags"]


@retry(  # expect: RES201
    retry_on_result=lambda status: status != "ready",
    wait_random_min=500,
    wait_random_max=1500,
    stop_max_attempt_number=5,
)
def scan_status(digest: str) -> str:
    return requests.get(f"{REGISTRY}/scans/{digest}", timeout=5).json()["status"]


class RegistryClient:
    def __init__(self, session: requests.Session):
        self.session = session

    @retry(wait_fixed=1000, wrap_exception=True, stop_max_attempt_number=5)  # expect: RES201
    def catalog(self) -> list:
        resp = self.session.get(f"{REGISTRY}/_catalog", timeout=10)
        resp.raise_for_status()
        return resp.json()["repositories"]

    @retry(stop_max_attempt_number=5, wait_fixed=1000)
    def ping(self) -> None:
        # contrast: bounded
        self.session.get(f"{REGISTRY}/", timeout=2).raise_for_status()
