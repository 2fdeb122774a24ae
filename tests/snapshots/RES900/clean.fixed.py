# reslint-test: select = ["RES900", "RES301", "RES302"]
# reslint: file-ignore[RES303]
"""Suppressions that are all used, or that name rules not enabled for this file."""

import contextlib
import logging
import os

logger = logging.getLogger(__name__)


def read_version(path):
    try:
        with open(path) as fh:
            return fh.read().strip()
    except:  # reslint: ignore[RES301]
        return "0.0.0"


def read_build(path):
    try:
        with open(path) as fh:
            return fh.read().strip()
    except:  # reslint: ignore[RES301, RES302]
        pass


def read_commit(path):
    try:
        with open(path) as fh:
            return fh.read().strip()
    except:  # noqa: E722, RES301, RES302
        pass


def read_branch(path):
    try:
        with open(path) as fh:
            return fh.read().strip()
    except:  # reslint: ignore
        pass


def read_tag(path):
    try:
        with open(path) as fh:
            return fh.read().strip()
    except:  # reslint: ignore[bare-except, swallowed-exception]
        pass


def flush_all(exporters):
    for exporter in exporters:
        with contextlib.suppress(Exception):  # reslint: ignore[RES302]
            exporter.export_pending()
        with contextlib.suppress(  # reslint: ignore[RES302]
            Exception,
        ):
            exporter.export_pending()
        with contextlib.suppress(
            Exception,
        ):  # reslint: ignore[RES302]
            exporter.export_pending()


def export(exporter, spans):
    try:
        exporter.export(spans)
    except (  # reslint: ignore[RES302]
        ValueError,
        Exception,
    ):
        pass
    try:
        exporter.export(spans)
    except (
        ValueError,
        Exception,
    ):  # noqa: RES302
        pass


async def drain_writer(writer):
    try:
        await writer.drain()
    except BaseException:  # reslint: ignore[RES302, RES303]
        pass


async def drain(writer):
    try:
        await writer.drain()
    except ConnectionError:  # reslint: ignore[swallowed-cancellation]
        pass


def remove(path):
    try:
        os.unlink(path)
    except OSError:  # noqa: RES000
        pass


def guards():
    guard = contextlib.suppress(
        Exception,
    )  # reslint: ignore[RES302]
    handlers = [  # reslint: ignore[RES302]
        contextlib.suppress(Exception),
    ]
    return guard, handlers


def legacy_read(path):
    try:
        return open(path).read()
    except:  # noqa: E722
        logger.exception("read failed")
    try:
        return open(path + ".bak").read()
    except Exception:  # noqa: S110
        pass


VERSION = "1.0"  # noqa


HELP = "add `# reslint: ignore[RES301]` to silence a bare except"


def not_ours(path):
    try:
        os.unlink(path)
    except OSError:  # noqa: BLE001
        pass
    try:
        os.unlink(path)
    except OSError:  # noqa
        pass
    try:
        os.unlink(path)
    except OSError:  # type: ignore[misc]
        pass
