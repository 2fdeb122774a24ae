"""Options spread from a local dict the function builds: when the dict cannot hold a timeout,
the call has none."""

import requests


def deliver(uri, payload, headers, proxy):
    options = {"data": payload, "headers": headers}
    if proxy:
        options["proxies"] = {"https": proxy}
    return requests.post(uri, **options, timeout=10)  # expect: RES101


def fetch(url, token):
    options = dict(headers={"Authorization": token})
    return requests.get(url, **options, timeout=10)  # expect: RES101
