# reslint-test: rules.RES101.default-timeout = 30
"""`default-timeout` sets the value the fix inserts."""

import redis
import requests


def export_report(url, report):
    return requests.post(  # expect: RES101
        url,
        files={"report": report},
        timeout=30,
    )


def check(url):
    return requests.head(url, timeout=30).ok  # expect: RES101


def cache():
    return redis.from_url("redis://cache.internal:6379/0", socket_timeout=30)  # expect: RES101
