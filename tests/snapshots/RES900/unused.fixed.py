# reslint-test: select = ["RES900", "RES301", "RES302"]
"""Suppressions that suppress nothing: the handler was fixed, or the comment sits on the wrong line."""

import logging

logger = logging.getLogger(__name__)


def load_plugin(registry, name):
    try:
        return registry.load(name)
    except ImportError:  # expect: RES900
        return None


def report(exporter, batch):
    try:
        exporter.export(batch)
    except Exception:  # expect: RES900
        logger.exception("export of %d spans failed", len(batch))


def close(conn):
    try:
        conn.close()
    except Exception:  # expect: RES900
        pass


def retry(call):
    try:  # expect: RES900
        return call()
    except Exception:  # expect: RES301
        logger.exception("call failed")
        return None


def flush(exporter):
    try:
        exporter.export_pending()
    except Exception:  # expect: RES302
        pass  # expect: RES900


def load_legacy(parser, raw):
    try:
        return parser.parse(raw)
    except ValueError:  # old parser raised bare errors  # expect: RES900
        return None


value = 42  # expect: RES900
