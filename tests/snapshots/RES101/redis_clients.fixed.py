"""redis-py clients with no socket_timeout: redis-py's default is None, a read can block forever."""

import redis
from redis import Redis, StrictRedis

RATE_LIMIT_URL = "redis://cache.internal:6379/2"


def rate_limiter():
    return redis.Redis(host="cache.internal", port=6379, db=2, socket_timeout=10)  # expect: RES101


def session_store(url):
    return redis.from_url(url, decode_responses=True, socket_timeout=10)  # expect: RES101


def idempotency_store():
    return redis.Redis.from_url(RATE_LIMIT_URL, socket_timeout=10)  # expect: RES101


def legacy_store():
    return redis.StrictRedis("cache.internal", 6379, 0, socket_timeout=10)  # expect: RES101


class Locks:
    def __init__(self, host):
        self.client = Redis(host=host, socket_keepalive=True, socket_timeout=10)  # expect: RES101

    def hold(self, name):
        return self.client.set(name, "1", nx=True, ex=30)


def queue_backend():
    return StrictRedis.from_url("redis://queue.internal:6379/0", socket_timeout=10)  # expect: RES101


def metrics_backend():
    # socket_connect_timeout bounds the connect only; every command after it can still wait forever
    return redis.Redis(host="metrics.internal", socket_connect_timeout=2, socket_timeout=10)  # expect: RES101
