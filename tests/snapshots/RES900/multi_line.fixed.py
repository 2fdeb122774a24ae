# reslint-test: select = ["RES900", "RES302"]
"""A comment in the middle of a multi-line statement applies only to findings that start there."""

import contextlib


def drain(server, exporter):
    with contextlib.suppress(  # expect: RES302
        Exception,  # expect: RES900
    ):
        server.drain_requests()


def export(exporter, spans):
    try:
        exporter.export_pending(spans)
    except (  # expect: RES302
        ValueError,  # expect: RES900
        Exception,
    ):
        pass
