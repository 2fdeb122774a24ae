"""Suppressing RES101 inline, on the reported line or the first line of the statement."""

import requests


def by_code(url):
    return requests.get(url)  # reslint: ignore[RES101]


def by_name(url):
    return requests.get(url)  # reslint: ignore[missing-timeout]


def by_noqa(url):
    return requests.get(url)  # noqa: RES101


def first_line_of_statement(url, transform):
    result = transform(  # reslint: ignore[RES101]
        requests.get(url),
    )
    return result


def other_code(url):
    return requests.get(url, timeout=10)  # reslint: ignore[RES102]  # expect: RES101
