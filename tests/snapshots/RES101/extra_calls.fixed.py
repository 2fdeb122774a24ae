# reslint-test: rules.RES101.extra-calls = ["billing.gateway.charge:timeout:2", "billing.legacy.soap.call_service:deadline:1"]
"""`extra-calls` adds project callables (qualified name, timeout keyword, positional index) to the table."""

import billing.gateway
import requests
from billing.gateway import charge, refund
from billing.gateway import charge as gateway_charge
from billing.legacy import soap


def bill(card, amount_cents):
    return charge(card, amount_cents, timeout=10)  # expect: RES101


def bill_positional(card, amount_cents):
    # charge(card, amount, timeout): the third positional is the timeout
    return charge(card, amount_cents, 5)


def bill_keyword(card, amount_cents):
    return charge(card, amount_cents, timeout=5)


def bill_with_options(card, amount_cents, **options):
    return charge(card, amount_cents, **options)


def bill_aliased(card, amount_cents):
    return gateway_charge(  # expect: RES101
        card,
        amount_cents,
        timeout=10,
    )


def bill_qualified(card, amount_cents):
    return billing.gateway.charge(card, amount_cents, timeout=10)  # expect: RES101


def give_back(charge_id):
    # refund is not in the table
    return refund(charge_id)


def legacy_lookup(envelope):
    return soap.call_service(envelope, deadline=10)  # expect: RES101


def legacy_lookup_bounded(envelope):
    return soap.call_service(envelope, 30)


def legacy_lookup_keyword(envelope):
    return soap.call_service(envelope, deadline=30)


def still_builtin(url):
    # the built-in table still applies next to the extra entries
    return requests.get(url, timeout=10)  # expect: RES101
