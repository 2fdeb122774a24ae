"""Memoised functions keyed by open-ended values, with no bound: one entry per distinct argument,
for the life of the process."""

import functools
from functools import cache, lru_cache
from functools import lru_cache as memo
from pathlib import Path


@functools.lru_cache(maxsize=1024)  # expect: RES401
def normalise_url(url: str) -> str:
    return url.rstrip("/").lower()


@lru_cache(maxsize=1024)  # expect: RES401
def locale_exists(identifier: str) -> bool:
    return Path("locale", identifier).exists()


@functools.lru_cache(maxsize=1024)  # expect: RES401
def split_path(path: str) -> list:
    return [part for part in path.split("/") if part]


@lru_cache(1024)  # expect: RES401
def package_installed(package_name):
    return package_name in {"pip", "setuptools"}


@memo(maxsize=1024, typed=True)  # expect: RES401
def checksum(file: Path) -> str:
    return str(hash(file.read_bytes()))


@functools.lru_cache(maxsize=1024)  # expect: RES401
def escape(segment, *args, **kwargs):
    return segment.replace("/", "%2F")


@lru_cache(maxsize=1024)  # expect: RES401
def rooted_trees(n):
    if n < 2:
        return n
    return sum(rooted_trees(k) for k in range(n))


class Provider:
    @classmethod
    @functools.lru_cache(maxsize=1024)  # expect: RES401
    def find(cls, provider_path: str, locale=None):
        return provider_path, locale

    @staticmethod
    @functools.lru_cache(maxsize=1024)  # expect: RES401
    def parse(text: str):
        return text.split()


# one caller passes a setting, another the data of a request: the key space is open
from django.conf import settings


@functools.lru_cache(maxsize=1024)  # expect: RES401
def _thumbnail(image_url, size):
    return image_url, size


def default_thumbnail():
    return _thumbnail(settings.DEFAULT_IMAGE, 64)


def thumbnail_view(request):
    return _thumbnail(request.GET["url"], 64)


@functools.lru_cache(maxsize=1024)  # expect: RES401
def shout(text: str):  # a str method, not a call of the parameter
    return text.upper()
