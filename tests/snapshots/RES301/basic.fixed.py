"""Configuration loading and a payment webhook: the bare excepts people write in a hurry."""

import json
import logging
import os

logger = logging.getLogger(__name__)

DEFAULTS = {"workers": 4, "timeout": 30}


def load_config(path):
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except Exception:  # expect: RES301
        return dict(DEFAULTS)


def read_pidfile(path):
    try:
        with open(path) as fh:
            return int(fh.read().strip())
    except Exception:  # expect: RES301
        logger.warning("stale or unreadable pidfile %s", path)
        return None


class WebhookView:
    def post(self, request):
        try:
            payload = json.loads(request.body)
            event = payload["type"]
        except Exception:  # expect: RES301
            return {"status": 400, "error": "malformed payload"}
        self.dispatch(event, payload)
        return {"status": 200}

    def dispatch(self, event, payload):
        handler = getattr(self, f"on_{event}", None)
        if handler is None:
            return
        try:
            handler(payload)
        except Exception:  # expect: RES301
            logger.exception("webhook handler for %s failed", event)


def worker_loop(queue, process):
    while True:
        job = queue.get()
        try:
            process(job)
        except Exception:  # expect: RES301
            queue.put(job)
            continue
        finally:
            queue.task_done()


def cleanup_tmpdir(paths):
    for path in paths:
        try:
            os.unlink(path)
        except Exception:  # expect: RES301
            pass


def migrate(conn, statements):
    cursor = conn.cursor()
    try:
        for statement in statements:
            cursor.execute(statement)
        conn.commit()
    except:
        # the rollback itself may fail on a dead connection; the inner bare except only keeps
        # that failure from replacing the one being re-raised: the function unwinds anyway
        try:
            conn.rollback()
        except:
            pass
        raise
