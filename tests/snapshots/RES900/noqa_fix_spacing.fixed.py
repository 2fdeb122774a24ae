# reslint-test: select = ["RES900", "RES301"]
"""PENDING (fix bug): dropping a stale code from a `# noqa:` list eats the spaces after it.

The noqa directive's span runs over the whitespace after its last code, and the fix writes back
`# noqa: E722` with nothing after it, so a comment that followed is glued on:
`# noqa: E722, RES301  # legacy` becomes `# noqa: E722# legacy`. The fix should keep the text after
the directive as it was (its documentation: "Text after the directive is kept"):
`# noqa: E722  # legacy`. The .fixed.py snapshot of this file states that expected output.
"""

import logging

logger = logging.getLogger(__name__)


def reconnect(client):
    try:
        client.reconnect()
    except ConnectionError:  # noqa: E722  # expect: RES900
        logger.warning("reconnect failed")
