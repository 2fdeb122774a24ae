# reslint-test: select = ["RES900", "RES301", "RES302"]
"""One comment, several codes: the ones that matched nothing are reported."""

import logging

logger = logging.getLogger(__name__)


def send(channel, message):
    try:
        channel.send(message)
    except:  # reslint: ignore[RES301]  # expect: RES900
        logger.exception("send failed")


def send_quiet(channel, message):
    try:
        channel.send(message)
    except:  # reslint: ignore[RES301, RES302]
        pass


def send_logged(channel, message):
    try:
        channel.send(message)
    except:  # reslint: ignore[bare-except]  # expect: RES900
        logger.exception("send failed")
