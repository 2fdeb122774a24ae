# reslint-test: [rules.RES401]
# reslint-test: maxsize = 256
# reslint-test: extra-cache-decorators = ["fixture_app.caching.memoize"]
# reslint-test: closed-types = ["fixture_app.types.Region"]
"""Project cache decorators and closed types from the options; the fix writes the configured size."""

import functools

from fixture_app.caching import memoize
from fixture_app.types import Region


@memoize  # expect: RES401
def render_page(slug: str):
    return slug


@functools.lru_cache(maxsize=256)  # expect: RES401
def shard_for(customer_id: str):
    return hash(customer_id) % 8


@functools.cache
def endpoint_for(region: Region):
    return f"https://{region}.example.com"
