"""After `socket.setdefaulttimeout(<number>)` in the module, clients that use the socket default are bounded.

requests is not one of them: with no timeout it hands urllib3 an explicit
"no timeout" (Timeout(connect=None, read=None)), which ignores the socket default.
"""

import ftplib
import http.client
import smtplib
import socket
import urllib.request

import requests
import urllib3

socket.setdefaulttimeout(10)


def fetch_manifest(url):
    with urllib.request.urlopen(url) as resp:
        return resp.read()


def health(host):
    conn = http.client.HTTPSConnection(host)
    conn.request("GET", "/healthz")
    return conn.getresponse().status


def reachable(host, port):
    with socket.create_connection((host, port)):
        return True


def send(msg):
    with smtplib.SMTP("smtp.example.com", 587) as smtp:
        smtp.send_message(msg)


def mirror(host):
    with ftplib.FTP(host) as ftp:
        ftp.login()
        return ftp.nlst()


def pool_fetch(url):
    # urllib3's default timeout resolves to the socket default
    return urllib3.PoolManager().request("GET", url).data


def fetch_with_requests(url):
    return requests.get(url, timeout=10).content  # expect: RES101
