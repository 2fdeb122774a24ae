# reslint-test: rules.RES503.extra-blocking-calls = ["mylib.db.query"]
"""`extra-blocking-calls` adds a code base's own blocking functions."""

import asyncio
import time

import mylib.db
from mylib import db
from mylib.db import query
from mylib.db import query as run_query
from mylib.db import query_async


async def order_totals(customer_id):
    return query("SELECT sum(total) FROM orders WHERE customer_id = %s", customer_id)  # expect: RES503


async def order_count(customer_id):
    return run_query("SELECT count(*) FROM orders WHERE customer_id = %s", customer_id)  # expect: RES503


async def last_order(customer_id):
    return mylib.db.query(  # expect: RES503
        "SELECT * FROM orders WHERE customer_id = %s ORDER BY created DESC LIMIT 1",
        customer_id,
    )


async def first_order(customer_id):
    return db.query("SELECT * FROM orders WHERE customer_id = %s LIMIT 1", customer_id)  # expect: RES503


async def totals_in_thread(customer_id):
    return await asyncio.to_thread(query, "SELECT sum(total) FROM orders WHERE customer_id = %s", customer_id)


async def totals_async(customer_id):
    # not in the list
    return await query_async("SELECT sum(total) FROM orders WHERE customer_id = %s", customer_id)


def totals_sync(customer_id):
    return query("SELECT sum(total) FROM orders WHERE customer_id = %s", customer_id)


async def still_builtin():
    # the built-in table still applies next to the extra entries
    await asyncio.sleep(1)  # expect: RES503
