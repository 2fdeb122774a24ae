"""requests.Session methods with no timeout, on every receiver shape the rule resolves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import requests
from requests import Session
from requests.adapters import HTTPAdapter
from requests.sessions import Session as SessionsSession

BASE = "https://api.acquirer.example.com"


def capture(payment_id):
    s = requests.Session()
    s.headers["Idempotency-Key"] = payment_id
    return s.post(f"{BASE}/payments/{payment_id}/capture", timeout=10)  # expect: RES101


def download_settlements(day):
    with requests.Session() as session:
        session.auth = ("merchant", "secret")
        report = session.get(f"{BASE}/settlements/{day}", stream=True, timeout=10)  # expect: RES101
        return report.content


class AcquirerClient:
    def __init__(self, api_key):
        self._s = requests.Session()
        self._s.headers.update({"X-Api-Key": api_key})

    def authorize(self, payment):
        return self._s.post(f"{BASE}/authorizations", json=payment, timeout=10).json()  # expect: RES101

    def void(self, authorization_id):
        self._s.delete(f"{BASE}/authorizations/{authorization_id}", timeout=10)  # expect: RES101

    def adjust(self, authorization_id, amount):
        return self._s.patch(  # expect: RES101
            f"{BASE}/authorizations/{authorization_id}",
            json={"amount": amount},
            timeout=10,
        )

    def has_dispute(self, payment_id):
        return self._s.head(f"{BASE}/disputes/{payment_id}", timeout=10).ok  # expect: RES101

    def cors(self):
        return self._s.options(BASE, timeout=10)  # expect: RES101

    def upload_evidence(self, dispute_id, files):
        return self._s.put(f"{BASE}/disputes/{dispute_id}/evidence", files=files, timeout=10)  # expect: RES101

    def raw(self, method, path):
        return self._s.request(method, f"{BASE}{path}", timeout=10)  # expect: RES101


def fetch_balance(session: requests.Session, account_id):
    return session.get(f"{BASE}/accounts/{account_id}/balance", timeout=10).json()  # expect: RES101


def fetch_fees(session: Session, account_id):
    return session.get(f"{BASE}/accounts/{account_id}/fees", timeout=10).json()  # expect: RES101


def legacy_session():
    s = requests.session()
    return s.get(f"{BASE}/legacy/ping", timeout=10)  # expect: RES101


def make_session(token):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    session.mount("https://", HTTPAdapter(max_retries=3))  # retries, but no timeout
    return session


def sync_payouts(token):
    session = make_session(token)
    for page in range(1, 4):
        session.get(f"{BASE}/payouts", params={"page": page}, timeout=10)  # expect: RES101


def bare_session():
    return SessionsSession().get(f"{BASE}/health", timeout=10)  # expect: RES101


def one_shot(token):
    return requests.Session().post(f"{BASE}/tokens/revoke", data={"token": token}, timeout=10)  # expect: RES101


@dataclass
class RefundService:
    session: requests.Session
    merchant_id: str

    def refund(self, payment_id, amount):
        return self.session.post(  # expect: RES101
            f"{BASE}/merchants/{self.merchant_id}/refunds",
            json={"payment": payment_id, "amount": amount},
            timeout=10,
        )


class ReportsClient:
    def __init__(self, session: Optional[requests.Session] = None):
        self.session = session or requests.Session()

    def monthly(self, month):
        return self.session.get(f"{BASE}/reports/{month}", timeout=10).json()  # expect: RES101


class Fetcher:
    """A factory method that configures headers and retries, but no timeout: still flagged."""

    def new_session(self) -> requests.Session:
        session = requests.Session()
        session.headers.update({"User-Agent": "fetcher"})
        session.mount("https://", HTTPAdapter(max_retries=3))
        return session

    def fetch(self, url):
        with self.new_session() as session:
            return session.get(url, timeout=10)  # expect: RES101
