#!/usr/bin/env python3
"""Measure `reslint server`'s one-document round trip: didOpen -> publishDiagnostics.

    python scripts/server_roundtrip.py [--file PATH] [--repeat N] [--json]

Starts the real server (`python -m reslint server`) in a temporary project, waits for it to
be up (initialize, then one document linted, so the rules and libcst are loaded), then opens
the same 1,000-line file N times under new names and times each didOpen until its
publishDiagnostics arrives, as an editor sees it. For comparison it also times the engine alone
(`reslint.engine.lint_text`) on the same text in this process: the difference is what the server
adds (JSON-RPC, the configuration lookup, threads).

Without --file the text is a generated 1,000-line module of ordinary service code (HTTP clients
with a retry loop, config files, coroutines, data handling) with a few findings, the same on every
Python.
A benchmark, not a test: the machine may be shared, so read the median.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# ordinary service code, in turn: one retry loop in every four blocks, a finding in some
BLOCKS = [
    '''

class Client{n}:
    """A small HTTP client with retries."""

    def __init__(self, base_url, session=None, timeout=10):
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout

    def get_item(self, item_id):
        url = f"{{self.base_url}}/items/{{item_id}}"
        response = self.session.get(url, timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def fetch_with_retry(self, item_id, attempts=3):
        for attempt in range(attempts):
            try:
                return self.get_item(item_id)
            except requests.ConnectionError:
                time.sleep(2 ** attempt + random.random())
        raise RuntimeError(f"item {{item_id}} unavailable")

    def ping(self):
        return requests.get(self.base_url + "/ping")
''',
    '''

def load_config{n}(path):
    if not os.path.exists(path):
        return {{}}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def save_config{n}(path, data):
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)


def merge_configs{n}(*configs):
    merged = {{}}
    for config in configs:
        for key, value in config.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = merge_configs{n}(merged[key], value)
            else:
                merged[key] = value
    return merged
''',
    '''

async def gather_items{n}(fetch, ids, limit=10):
    semaphore = asyncio.Semaphore(limit)

    async def one(item_id):
        async with semaphore:
            return await asyncio.wait_for(fetch(item_id), timeout=30)

    results = await asyncio.gather(*(one(i) for i in ids), return_exceptions=True)
    failed = [r for r in results if isinstance(r, Exception)]
    if failed:
        logger.warning("%d of %d items failed", len(failed), len(ids))
    return [r for r in results if not isinstance(r, Exception)]


async def heartbeat{n}(writer, interval=5.0):
    while not writer.is_closing():
        writer.write(b"ping\\n")
        await writer.drain()
        await asyncio.sleep(interval)
''',
    '''

def parse_rows{n}(rows):
    out = []
    for row in rows:
        try:
            out.append(int(row["value"]))
        except (KeyError, ValueError) as exc:
            logger.warning("bad row %r: %s", row, exc)
    return out


def summarize{n}(values):
    if not values:
        return {{"count": 0}}
    ordered = sorted(values)
    middle = len(ordered) // 2
    return {{
        "count": len(ordered),
        "min": ordered[0],
        "max": ordered[-1],
        "median": ordered[middle],
        "mean": sum(ordered) / len(ordered),
    }}
''',
]

HEADER = '''"""Generated service code for the reslint server round-trip benchmark."""

import asyncio
import json
import logging
import os
import random
import time

import requests

logger = logging.getLogger(__name__)
'''


def generated(lines: int = 1000) -> str:
    text = HEADER
    n = 0
    while text.count("\n") + BLOCKS[n % len(BLOCKS)].count("\n") <= lines:
        text += BLOCKS[n % len(BLOCKS)].format(n=n)
        n += 1
    while text.count("\n") < lines:
        text += "\n" if text.endswith("\n\n") else "# end\n"
    return text


def cpu_seconds(pid: int):
    """User + system CPU time of a process so far (Linux /proc; None elsewhere), in 1/100 s steps."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    import os

    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, help="the file to open (default: a generated 1,000-line module)")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    text = args.file.read_text(encoding="utf-8") if args.file else generated()

    from tests.lsp_client import LspClient

    with tempfile.TemporaryDirectory(prefix="reslint-roundtrip-") as tmp:
        root = Path(tmp)
        (root / "pyproject.toml").write_text("[tool.reslint]\n", encoding="utf-8")
        start = time.perf_counter()
        client = LspClient(root, env={"RESLINT_CACHE_DIR": ""})
        try:
            client.initialize(root)
            uri = client.open(root / "warm.py", text)
            first = client.diagnostics(uri)
            startup = time.perf_counter() - start
            times = []
            cpu = []
            for i in range(args.repeat):
                path = root / f"doc{i}.py"
                cpu_before = cpu_seconds(client.proc.pid)
                began = time.perf_counter()
                uri = client.open(path, text)
                params = client.diagnostics(uri)
                times.append(time.perf_counter() - began)
                cpu_after = cpu_seconds(client.proc.pid)
                if cpu_before is not None and cpu_after is not None:
                    cpu.append(cpu_after - cpu_before)
                assert len(params.diagnostics) == len(first.diagnostics)
            client.shutdown_and_exit()
        finally:
            client.kill()

    from reslint.config import load
    from reslint.engine import lint_text

    settings = load(cwd=ROOT)
    ruleset = settings.ruleset_for("doc.py")
    lint_text(text, "doc.py", ruleset)
    engine = []
    engine_cpu = []
    for _ in range(args.repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        lint_text(text, "doc.py", ruleset)
        engine.append(time.perf_counter() - began)
        engine_cpu.append(time.process_time() - began_cpu)

    figures = {
        "lines": text.count("\n"),
        "findings": len(first.diagnostics),
        "codes": sorted({str(d.code) for d in first.diagnostics}),
        "startup_s": round(startup, 3),
        "roundtrip_ms": {"median": round(statistics.median(times) * 1000, 1), "min": round(min(times) * 1000, 1),
                         "max": round(max(times) * 1000, 1), "runs": len(times)},
        "server_cpu_ms": round(statistics.median(cpu) * 1000, 1) if cpu else None,
        "engine_ms": {"median": round(statistics.median(engine) * 1000, 1), "min": round(min(engine) * 1000, 1),
                      "cpu_median": round(statistics.median(engine_cpu) * 1000, 1)},
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        rt, en = figures["roundtrip_ms"], figures["engine_ms"]
        print(f"file: {figures['lines']} lines, {figures['findings']} findings ({', '.join(figures['codes'])})")
        print(f"start-up (process, initialize, first document): {figures['startup_s']} s")
        cpu = f"; server CPU per round trip: median {figures['server_cpu_ms']} ms" if cpu else ""
        print(f"round trip didOpen -> publishDiagnostics: median {rt['median']} ms "
              f"(min {rt['min']}, max {rt['max']}, {rt['runs']} runs){cpu}")
        print(f"engine alone (lint_text, in process): median {en['median']} ms (min {en['min']}; "
              f"CPU median {en['cpu_median']} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
