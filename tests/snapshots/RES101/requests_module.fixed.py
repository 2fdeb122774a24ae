"""requests' module-level functions with no timeout, through every import style."""

import requests
import requests as r
from requests import get as fetch
from requests import post, request

API = "https://api.payments.example.com/v2"


def get_invoice(invoice_id, token):
    resp = requests.get(  # expect: RES101
        f"{API}/invoices/{invoice_id}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    resp.raise_for_status()
    return resp.json()


def create_charge(customer_id, amount_cents, token):
    return requests.post(f"{API}/charges", json={"customer": customer_id, "amount": amount_cents}, headers={"Authorization": f"Bearer {token}"}, timeout=10)  # expect: RES101


def replace_card(customer_id, card, token):
    requests.put(f"{API}/customers/{customer_id}/card", json=card, auth=(token, ""), timeout=10)  # expect: RES101


def rename_customer(customer_id, name):
    return requests.patch(f"{API}/customers/{customer_id}", json={"name": name}, timeout=10).json()  # expect: RES101


def cancel_subscription(subscription_id):
    requests.delete(f"{API}/subscriptions/{subscription_id}", timeout=10)  # expect: RES101


def invoice_exists(invoice_id):
    return requests.head(f"{API}/invoices/{invoice_id}", timeout=10).status_code == 200  # expect: RES101


def allowed_methods():
    return requests.options(API, timeout=10).headers.get("Allow", "")  # expect: RES101


def refund(charge_id, amount_cents):
    return requests.request("POST", f"{API}/charges/{charge_id}/refunds", json={"amount": amount_cents}, timeout=10)  # expect: RES101


def list_payouts(params):
    # the second positional argument of requests.get is `params`, not a timeout
    return requests.get(f"{API}/payouts", params, timeout=10).json()  # expect: RES101


def webhook_secret():
    return r.get(f"{API}/webhooks/secret", timeout=10).text  # expect: RES101


def exchange_rates(base):
    return fetch("https://rates.example.com/latest", params={"base": base}, timeout=10).json()  # expect: RES101


def notify_slack(webhook_url, text):
    post(webhook_url, json={"text": text}, timeout=10)  # expect: RES101


def void_invoice(invoice_id):
    return request("POST", f"{API}/invoices/{invoice_id}/void", timeout=10)  # expect: RES101


class StatusPage:
    url = "https://status.payments.example.com/api/v2/status.json"

    def indicator(self):
        payload = (
            requests.get(self.url, timeout=10)  # expect: RES101
            .json()
        )
        return payload["status"]["indicator"]


def report_all(results, url):
    for result in results:
        if not result.ok:
            requests.post(url, data=result.to_json(), headers={"Content-Type": "application/json"}, timeout=10)  # expect: RES101
