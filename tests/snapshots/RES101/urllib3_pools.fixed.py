"""urllib3 pools and requests with no timeout anywhere: not on the pool, not on the request."""

import json

import urllib3
from urllib3 import HTTPConnectionPool, PoolManager


def fetch_feature_flags(url):
    http = urllib3.PoolManager(num_pools=4, retries=urllib3.Retry(3))
    resp = http.request("GET", url, timeout=10)  # expect: RES101
    return json.loads(resp.data)


def push_event(url, event):
    http = PoolManager()
    return http.request(  # expect: RES101
        "POST",
        url,
        body=json.dumps(event),
        headers={"Content-Type": "application/json"},
        timeout=10,
    ).status


def probe(path):
    pool = HTTPConnectionPool("metrics.internal", port=9100, maxsize=2)
    return pool.urlopen("GET", path, timeout=10).status  # expect: RES101


def pooled_by_url(url):
    pool = urllib3.connection_from_url(url)
    return pool.request("GET", "/api/v1/status", timeout=10).data  # expect: RES101


def quick_fetch(url):
    return urllib3.request("GET", url, timeout=10).json()  # expect: RES101


class GeoClient:
    def __init__(self):
        self._http = urllib3.PoolManager(maxsize=10, headers={"User-Agent": "billing/2.3"})

    def country(self, ip):
        resp = self._http.request("GET", f"https://geo.example.com/{ip}", timeout=10)  # expect: RES101
        return resp.json()["country"]

    def batch(self, ips):
        return self._http.urlopen("POST", "https://geo.example.com/batch", body=json.dumps(ips), timeout=10)  # expect: RES101
