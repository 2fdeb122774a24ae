"""PENDING (rule disagreement): a bare except whose `raise` is not reached on every path.

`raises_unconditionally` accepts any `raise` among the handler's own statements, but an earlier
`continue`/`return` on some path means the handler does not "always re-raise" (catalog: leaves
alone "a bare except whose handler always re-raises"). In the retry loop below Ctrl-C and
`SystemExit` are swallowed on every attempt but the last.
"""

import logging
import time

logger = logging.getLogger(__name__)


def fetch_with_retries(client, url, attempts=5):
    for attempt in range(1, attempts + 1):
        try:
            return client.get(url, timeout=10)
        except:  # expect: RES301
            if attempt < attempts:
                time.sleep(2 ** attempt)
                continue
            raise


def send_or_drop(producer, message, best_effort):
    try:
        producer.send(message)
    except:  # expect: RES301
        if best_effort:
            logger.warning("dropped message %s", message.key)
            return
        raise
