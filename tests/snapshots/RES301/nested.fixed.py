"""Bare excepts in methods, nested functions, async code, comprehension helpers and class bodies."""

import asyncio
import threading


class MetricsReporter:
    def __init__(self, client):
        self.client = client
        self._stop = threading.Event()

    def start(self):
        def run():
            while not self._stop.is_set():
                try:
                    self.client.flush()
                except Exception:  # expect: RES301
                    pass
                self._stop.wait(10)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread


async def fetch_all(session, urls):
    async def fetch(url):
        try:
            async with session.get(url) as response:
                return await response.text()
        except Exception:  # expect: RES301
            return None

    return await asyncio.gather(*(fetch(url) for url in urls))


try:
    import ujson as json_impl
except Exception:  # expect: RES301
    import json as json_impl


class Settings:
    try:
        import yaml
        HAS_YAML = True
    except Exception:  # expect: RES301
        HAS_YAML = False


def process_batch(rows, handle):
    failures = []
    for row in rows:
        try:
            handle(row)
        except ValueError:
            failures.append(row)
        except Exception:  # expect: RES301
            failures.append(row)
    return failures


def run_with_fallbacks(primary, fallback):
    try:
        return primary()
    except Exception:  # expect: RES301
        try:
            return fallback()
        except Exception:  # expect: RES301
            return None
    else:
        pass
    finally:
        pass
