"""Bare excepts that end in `raise` are cleanup-then-re-raise; the others still swallow."""

import logging
import os
import shutil
import sys
import tempfile

logger = logging.getLogger(__name__)


def atomic_write(path, data):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except:
        os.unlink(tmp)
        raise


def build_release(workdir, steps):
    staging = tempfile.mkdtemp(prefix="release-")
    try:
        for step in steps:
            step(staging)
    except:
        logger.error("release build failed, removing %s", staging)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def transfer(db, source, target, amount):
    db.begin()
    try:
        db.debit(source, amount)
        db.credit(target, amount)
    except:
        db.rollback()
        raise RuntimeError(f"transfer {source}->{target} failed")
    db.commit()


def conditional_reraise(client, request, strict):
    try:
        return client.send(request)
    except Exception:  # expect: RES301
        if strict:
            raise
        logger.warning("dropping request %s", request.id)
        return None


def reraise_only_in_nested_block(lock, resource):
    try:
        resource.acquire()
    except Exception:  # expect: RES301
        for waiter in resource.waiters:
            waiter.notify()
            raise


def maybe_exit(task, fatal):
    try:
        task()
    except Exception:  # expect: RES301
        if fatal:
            sys.exit(1)
        logger.warning("task failed, continuing")
