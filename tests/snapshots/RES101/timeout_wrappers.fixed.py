# reslint-test: rules.RES101.timeout-wrappers = ["billing.http.TimeoutAdapter", "billing.http.DeadlineMixin", "billing.http.install_timeout", "billing.http.deadline"]
"""`timeout-wrappers` names project code that already applies a timeout the rule cannot see.

The wrappers live in another module (billing.http), so their bodies are out of
sight; declared, they cover what they touch: a session they are mounted on,
a session class that inherits from them, a session handed to them, the calls
made inside them.
"""

import requests
from requests.adapters import HTTPAdapter

from billing import http as billing_http
from billing.http import DeadlineMixin, TimeoutAdapter, deadline, install_timeout, log_requests

LEDGER = "https://ledger.internal"


class LedgerSession(DeadlineMixin, requests.Session):
    """The declared mixin sets the timeout."""


class AuditSession(requests.Session):
    """A plain subclass: nothing sets a timeout."""


def post_entries(entries):
    return LedgerSession().post(f"{LEDGER}/entries", json=entries)


def post_audit(event):
    return AuditSession().post(f"{LEDGER}/audit", json=event, timeout=10)  # expect: RES101


def fetch_rates():
    session = requests.Session()
    session.mount("https://", TimeoutAdapter(timeout=5, max_retries=3))
    return session.get("https://rates.internal/latest").json()


def fetch_rates_module_alias():
    session = requests.Session()
    session.mount("https://", billing_http.TimeoutAdapter(timeout=5))
    return session.get("https://rates.internal/history").json()


def fetch_limits():
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=3))
    return session.get("https://limits.internal/v1", timeout=10).json()  # expect: RES101


def fetch_holidays():
    session = requests.Session()
    install_timeout(session, seconds=5)
    return session.get("https://calendar.internal/holidays").json()


def fetch_fx(session: requests.Session):
    # log_requests is not declared: it says nothing about timeouts
    log_requests(session)
    return session.get("https://fx.internal/latest", timeout=10).json()  # expect: RES101


def sync_balances(accounts):
    with deadline(30):
        for account in accounts:
            requests.post(f"{LEDGER}/balances/{account.id}/sync")
    requests.post(f"{LEDGER}/balances/sync-done", timeout=10)  # expect: RES101
