"""Handler shapes whose `except Exception:` rewrite must keep comments, spacing and bodies intact."""

import logging
import time

logger = logging.getLogger(__name__)


def poll(source, interval):
    while True:
        try:
            return source.read()
        except Exception:  # transient, try again  # expect: RES301
            time.sleep(interval)
            continue


def read_header(stream):
    try:
        return stream.readline()
    except Exception:  # expect: RES301
        return b""


def drain(stream):
    try:
        stream.read()
    except Exception:   # expect: RES301
        ...


def ping(client):
    try:
        client.ping()
    except Exception:  # expect: RES301
        # the server may already be gone during shutdown
        pass  # nothing to do


def remote_version(client):
    try:
        return client.version()
    except Exception:  # expect: RES301
        logger.debug("version probe failed")
        return


def run_job(job):
    try:
        job.run()
    except Exception:
        logger.exception("job %s failed", job.id)
        job.mark_failed()
    except:  # expect: RES301
        # KeyboardInterrupt / SystemExit during a job: leave it half-done
        job.mark_interrupted()
    else:
        job.mark_done()
