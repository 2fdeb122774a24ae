# reslint-test: select = ["RES900", "RES301", "RES302"]
"""Codes and names that no rule has: typos never suppressed anything."""

import logging

logger = logging.getLogger(__name__)


def ping(client):
    try:
        client.ping()
    except Exception:  # expect: RES900, RES301
        logger.warning("ping failed")


def pong(client):
    try:
        client.pong()
    except Exception:  # expect: RES900, RES301
        logger.warning("pong failed")


def status(client):
    try:
        return client.status()
    except:  # reslint: ignore[RES301]  # expect: RES900, RES302
        return None


def stats(client):
    try:
        return client.stats()
    except Exception:  # expect: RES900, RES301, RES302
        return None
