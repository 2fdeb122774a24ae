# reslint-test: select = ["RES900", "RES301", "RES302"]
# expect: RES900
# reslint: file-ignore[RES301]
"""A file-level suppression that no finding uses is reported at its comment."""

import logging

logger = logging.getLogger(__name__)


def poll(source):
    try:
        return source.poll()
    except:
        logger.exception("poll failed")
        return None
