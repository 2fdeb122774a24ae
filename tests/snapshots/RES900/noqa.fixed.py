# reslint-test: select = ["RES900", "RES301", "RES302"]
"""`# noqa: RES...` comments are ours and can be stale; other tools' codes are not."""

import logging

logger = logging.getLogger(__name__)


def reconnect(client):
    try:
        client.reconnect()
    except ConnectionError:  # expect: RES900
        logger.warning("reconnect failed")


def reconnect_other_tools(client):
    try:
        client.reconnect()
    except ConnectionError:  # noqa: E722, BLE001
        logger.warning("reconnect failed")


def reconnect_bare_noqa(client):
    try:
        client.reconnect()
    except ConnectionError:  # noqa
        logger.warning("reconnect failed")


def reconnect_lowercase(client):
    try:
        client.reconnect()
    except ConnectionError:  # expect: RES900
        logger.warning("reconnect failed")
