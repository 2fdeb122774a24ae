"""Clients found through the class or a factory, and two more libraries that wait forever.

- a `requests.Session` held in a class attribute, set in a base class of this module, or
  returned by a method of the class (`self.session = self._make_session()`);
- `websocket.create_connection` (websocket-client) with no timeout;
- `urllib.request.build_opener().open(req)` with no timeout.
"""

import urllib.request
from urllib.request import Request, build_opener

import requests
import websocket
from websocket import create_connection as ws_connect


class Client:
    session = requests.Session()

    def status(self):
        return self.session.get("https://status.example.com", timeout=10)  # expect: RES101


class BaseApi:
    def __init__(self):
        self.http = self._make_session()

    def _make_session(self) -> requests.Session:
        session = requests.Session()
        session.headers["User-Agent"] = "billing"
        return session


class LedgerApi(BaseApi):
    def post_entry(self, entry):
        return self.http.post("https://ledger.example.com/entries", json=entry, timeout=10)  # expect: RES101


def ticker(url):
    conn = websocket.create_connection(url, timeout=10)  # expect: RES101
    other = ws_connect(url, header=["X-Client: billing"], timeout=10)  # expect: RES101
    return conn, other


def fetch(url):
    opener = build_opener()
    with opener.open(Request(url), timeout=10) as response:  # expect: RES101
        return response.read()


def fetch_once(url):
    return urllib.request.build_opener().open(url, timeout=10).read()  # expect: RES101
