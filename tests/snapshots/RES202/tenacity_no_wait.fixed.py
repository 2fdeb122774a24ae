"""tenacity retries with no `wait=`: tenacity's default wait is wait_none, so attempts follow each other at once."""

import httpx
import tenacity
from tenacity import (
    wait_random_exponential, AsyncRetrying,
    Retrying,
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential,
    wait_none,
)
from tenacity import retry as tretry

SEARCH = "https://search.internal.example.com"
client = httpx.Client(base_url=SEARCH, timeout=5)


@retry(stop=stop_after_attempt(3), wait=wait_random_exponential(multiplier=1, max=60))  # expect: RES202
def suggest(prefix: str) -> list:
    resp = client.get("/suggest", params={"q": prefix})
    resp.raise_for_status()
    return resp.json()


@tenacity.retry(  # expect: RES202
    stop=tenacity.stop_after_delay(30),
    retry=tenacity.retry_if_exception_type(httpx.TransportError),
    reraise=True,
    wait=tenacity.wait_random_exponential(multiplier=1, max=60),
)
def search(query: str) -> dict:
    resp = client.get("/search", params={"q": query})
    resp.raise_for_status()
    return resp.json()


@retry(wait=wait_random_exponential(multiplier=1, max=60))  # expect: RES202
def index_stats() -> dict:
    return client.get("/stats").json()


@tretry(stop=stop_after_attempt(2), retry=retry_if_exception_type(httpx.ReadTimeout), wait=wait_random_exponential(multiplier=1, max=60))  # expect: RES202
def facets(field: str) -> list:
    return client.get(f"/facets/{field}").json()


@retry(stop=stop_after_attempt(3), wait=wait_random_exponential(multiplier=1, max=60))  # expect: RES202
def mappings(index: str) -> dict:
    # wait_none() is tenacity's default, spelled out
    return client.get(f"/indexes/{index}/mappings").json()


class Indexer:
    @retry(stop=stop_after_attempt(5), reraise=True, wait=wait_random_exponential(multiplier=1, max=60))  # expect: RES202
    def refresh(self, index: str) -> None:
        client.put(f"/indexes/{index}/refresh").raise_for_status()

    @retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=0.5, max=8), reraise=True)
    def flush(self, index: str) -> None:
        # contrast: waits
        client.put(f"/indexes/{index}/flush").raise_for_status()


def delete_document(doc_id: str) -> None:
    for attempt in Retrying(stop=stop_after_attempt(4), reraise=True, wait=wait_random_exponential(multiplier=1, max=60)):  # expect: RES202
        with attempt:
            client.delete(f"/documents/{doc_id}").raise_for_status()


async def warm_cache(keys: list) -> None:
    async with httpx.AsyncClient(base_url=SEARCH, timeout=5) as aclient:
        async for attempt in AsyncRetrying(stop=stop_after_delay(10), wait=wait_random_exponential(multiplier=1, max=60)):  # expect: RES202
            with attempt:
                (await aclient.put("/cache/warm", json={"keys": keys})).raise_for_status()


def _fetch_synonyms() -> dict:
    return client.get("/synonyms").json()


fetch_synonyms = retry(stop=stop_after_attempt(3), wait=wait_random_exponential(multiplier=1, max=60))(_fetch_synonyms)  # expect: RES202
