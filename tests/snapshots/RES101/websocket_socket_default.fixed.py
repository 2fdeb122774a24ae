"""websocket-client does not read `socket.setdefaulttimeout()`, and `websocket.setdefaulttimeout(None)` bounds nothing."""

import socket

import websocket

socket.setdefaulttimeout(10)
websocket.setdefaulttimeout(None)


def subscribe(url):
    return websocket.create_connection(url, timeout=10)  # expect: RES101
