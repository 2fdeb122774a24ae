"""psycopg (3) connections with no connect_timeout.

Kept apart from postgres.py on purpose: psycopg 3.2+ falls back to a
130-second connection timeout of its own when none is given (see
psycopg.conninfo.timeout_from_conninfo), which is a bounded library default.
The catalog lists psycopg with psycopg2; if the rule is tuned to treat that
default as bounded, this whole file becomes a set of near-misses.
"""

import psycopg


def open_jobs(host):
    return psycopg.connect(host=host, dbname="jobs", autocommit=True, connect_timeout=10)  # expect: RES101


def open_analytics():
    with psycopg.connect("dbname=analytics host=olap.internal", connect_timeout=10) as conn:  # expect: RES101
        return conn.execute("SELECT 1").fetchone()
