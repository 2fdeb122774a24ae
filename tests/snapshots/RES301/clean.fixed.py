"""Near-misses for RES301: typed handlers, re-raising bare handlers, and text that only looks like one."""

import asyncio
import json
import logging
import os
import sys

from service.app import run

logger = logging.getLogger(__name__)

USAGE = """
try:
    risky()
except:
    pass
"""


def load(path):
    try:
        with open(path) as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return {}


def parse(raw):
    try:
        return json.loads(raw)
    except Exception:
        logger.exception("bad payload")
        return None


def shutdown_hooks(hooks):
    for hook in hooks:
        try:
            hook()
        except BaseException:
            logger.exception("shutdown hook %r failed", hook)
            raise


def write_state(path, state):
    tmp = path + ".tmp"
    try:
        with open(tmp, "w") as fh:
            json.dump(state, fh)
        os.replace(tmp, path)
    except:
        os.unlink(tmp)
        raise


def commit(conn):
    try: conn.commit()
    except: conn.rollback(); raise


async def handle(reader, writer):
    try:
        data = await reader.read(1024)
        writer.write(data)
        await writer.drain()
    except asyncio.CancelledError:
        writer.close()
        raise
    except ConnectionError as exc:
        logger.info("client went away: %s", exc)
    finally:
        writer.close()


def main(argv):
    try:
        return run(argv)
    except:
        logger.critical("fatal error, exiting", exc_info=True)
        sys.exit(1)


def child_process(target):
    try:
        target()
    except:
        os._exit(70)


def reset_pool_then_reraise(pool):
    try:
        return pool.checkout()
    except:
        for conn in pool.connections:
            if conn.broken:
                conn.reset()
                break
        raise


def explain():
    # except: is what we want to avoid here
    message = "never write except: pass"
    return message


def group(errors):
    try:
        raise ExceptionGroup("batch", errors)
    except* ValueError:
        logger.warning("some values were invalid")
    except* Exception:
        logger.exception("batch failed")
