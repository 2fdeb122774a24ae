"""psycopg2 connections with no connect_timeout: libpq waits indefinitely by default."""

import psycopg2
import psycopg2 as pg
from psycopg2 import connect


def open_ledger(host, password):
    return psycopg2.connect(  # expect: RES101
        host=host,
        dbname="ledger",
        user="billing",
        password=password,
        connect_timeout=10,
    )


def open_reporting():
    # a literal DSN without connect_timeout
    return psycopg2.connect("dbname=reporting user=reports host=replica.db.internal", connect_timeout=10)  # expect: RES101


def open_from_url():
    return pg.connect("postgresql://worker@primary.db.internal:5432/jobs?sslmode=require", connect_timeout=10)  # expect: RES101


def open_dsn_with_kwargs(password):
    return connect("host=primary.db.internal dbname=jobs", password=password, connect_timeout=10)  # expect: RES101


class Repository:
    def __init__(self, host):
        self.conn = psycopg2.connect(host=host, dbname="orders", application_name="orders-api", connect_timeout=10)  # expect: RES101

    def count(self):
        with self.conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM orders")
            return cur.fetchone()[0]
