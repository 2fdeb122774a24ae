"""Call shapes the fix must handle: it appends `timeout=10` and keeps the formatting."""

import socket
import urllib.request

import psycopg2
import redis
import requests


def one_line(url):
    return requests.get(url, timeout=10)  # expect: RES101


def no_arguments_left_but_url(session: requests.Session):
    return session.get("https://api.example.com/ping", timeout=10)  # expect: RES101


def multi_line_trailing_comma(url, payload):
    return requests.post(  # expect: RES101
        url,
        json=payload,
        timeout=10,
    )


def multi_line_no_trailing_comma(url, payload):
    return requests.post(  # expect: RES101
        url,
        json=payload,
        timeout=10
    )


def multi_line_closing_on_last_arg(url, payload):
    return requests.put(url,  # expect: RES101
                        data=payload, timeout=10)


def with_comments(url, token):
    return requests.get(  # expect: RES101
        url,  # the resource
        headers={"Authorization": token},  # auth
        # more options may come here
        timeout=10,
    )


def star_args(args):
    # requests.get's timeout is keyword-only (it lives in **kwargs): *args cannot carry it
    return requests.get(*args, timeout=10)  # expect: RES101


def urlopen_positional(url, data):
    return urllib.request.urlopen(url, data, timeout=10)  # expect: RES101


def socket_connect(host):
    return socket.create_connection((host, 443), timeout=10)  # expect: RES101


def redis_keyword():
    return redis.Redis(host="cache.internal", socket_timeout=10)  # expect: RES101


def postgres_keyword():
    return psycopg2.connect(dbname="app", host="db.internal", connect_timeout=10)  # expect: RES101


def nested(url, other):
    return requests.get(requests.get(url, timeout=10).json()["next"], params={"q": other}, timeout=10)  # expect: RES101
