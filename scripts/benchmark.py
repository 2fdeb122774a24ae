#!/usr/bin/env python3
"""Measure reslint on a corpus: a benchmark, not a test.

    python scripts/benchmark.py CORPUS [--repeat N] [--one-file-runs N] [--peers] [--json]

Reports, on the same files, all default rules:
- files discovered;
- cold whole-corpus runs (`reslint check --no-cache CORPUS`): wall time, CPU time (user+sys, all
  processes), peak resident memory of the largest process; and the same with `--jobs 1`;
- warm runs (a result cache primed by one run): nothing changed, and one file touched;
- one-file runs on the median-sized file: cold (`--no-cache`: no result cache, no project index
  cache either) and warm (nothing changed);
- the pre-commit case: one file just edited (a comment appended, the original restored after),
  every cache warm, for the median-sized file and for a large file that rules must parse
  (`--changed-file`, default `django/db/models/query.py` when the corpus has it, else the largest);
- the floors: stdlib `ast.parse` and `libcst.parse_module` over every file (CPU time, in this
  process), i.e. what parsing alone costs;
- ruff, when it is on PATH, with the rules closest to reslint's (`--select` below), on the same
  files and in the same conditions, as CPU and wall ratios from this one run (the machine may be
  shared: the CPU ratio is the figure to compare); with --peers, also flake8/pylint/bandit/
  semgrep when they are on PATH.

Every run of a command is a separate child process measured with getrusage(RUSAGE_CHILDREN) in a
small wrapper process, so the figures of one run never mix with another's. Byte-code caching is
on (PYTHONDONTWRITEBYTECODE is dropped), as it is for an installed reslint.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_WRAPPER = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "max_rss_mb": usage.ru_maxrss / 1024, "rc": proc.returncode}))
"""


def measure(cmd, env=None):
    out = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout)


def best_of(cmd, repeat, env=None):
    runs = [measure(cmd, env) for _ in range(repeat)]
    return min(runs, key=lambda r: r["wall"]), runs


def edited_runs(base, path, env, count):
    """Median wall and cpu of one-file runs right after the file was edited (a new comment line
    each time, so the result cache misses), with every cache warm: what a pre-commit hook costs."""
    original = Path(path).read_bytes()
    stat = os.stat(path)
    runs = []
    try:
        for i in range(count):
            Path(path).write_bytes(original + f"\n# reslint benchmark edit {i}\n".encode())
            runs.append(measure(base + [path], env))
    finally:
        Path(path).write_bytes(original)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return {"median_wall": statistics.median(r["wall"] for r in runs),
            "median_cpu": statistics.median(r["cpu"] for r in runs)}


def discover_files(corpus):
    from reslint.config import Settings
    from reslint.discover import discover

    targets, _ = discover([str(corpus)], Settings(root=Path(corpus).resolve()))
    return [t.path for t in targets]


def parse_floors(files):
    import ast
    import warnings

    import libcst

    texts = []
    for path in files:
        try:
            texts.append(Path(path).read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError):
            pass
    start = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for text in texts:
            try:
                ast.parse(text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                pass
    ast_cpu = time.process_time() - start
    start = time.process_time()
    for text in texts:
        try:
            libcst.parse_module(text)
        except Exception:
            pass
    cst_cpu = time.process_time() - start
    return {"ast_parse_cpu": ast_cpu, "libcst_parse_cpu": cst_cpu, "files_parsed": len(texts)}


# ruff's rules nearest to reslint's defaults: bare/blind except, try-except-pass/continue, requests
# without a timeout, dangling tasks, the flake8-async rules
RUFF = ["ruff", "check", "--no-cache", "--exit-zero", "--quiet", "--isolated",
        "--select", "E722,BLE001,S110,S112,S113,RUF006,ASYNC"]

PEERS = {
    "flake8": ["flake8", "--exit-zero"],
    "bandit": ["bandit", "-q", "-r"],
    "pylint": ["pylint", "--exit-zero", "--disable=all", "--enable=broad-exception-caught,bare-except"],
    "semgrep": ["semgrep", "--quiet", "--config", "p/python"],
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus")
    parser.add_argument("--repeat", type=int, default=3, help="whole-corpus runs (best wall time is reported)")
    parser.add_argument("--one-file-runs", type=int, default=5)
    parser.add_argument("--changed-file", help="the large file of the pre-commit measure, relative to CORPUS")
    parser.add_argument("--peers", action="store_true", help="also time peer linters found on PATH")
    parser.add_argument("--no-floors", action="store_true", help="skip the in-process parse floors")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    corpus = Path(args.corpus).resolve()
    files = discover_files(corpus)
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("CI", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    base = [sys.executable, "-m", "reslint", "check", "--isolated", "--exit-zero", "-q", "--output-format", "json"]
    cold = base + ["--no-cache"]
    report = {"corpus": str(corpus), "files": len(files), "cpus": os.cpu_count()}
    measure([sys.executable, "-m", "reslint", "--version"], env)  # byte-code written once

    best, runs = best_of(cold + [str(corpus)], args.repeat, env)
    report["whole_run"] = {**best, "all_walls": [round(r["wall"], 2) for r in runs]}
    report["whole_run_one_process"] = measure(cold + ["--jobs", "1", str(corpus)], env)

    by_size = sorted(files, key=lambda p: os.path.getsize(p))
    largest = by_size[len(by_size) // 2] if by_size else None  # the median-sized file
    with tempfile.TemporaryDirectory(prefix="reslint-bench-cache-") as cache_dir:
        warm_env = {**env, "RESLINT_CACHE_DIR": cache_dir}
        measure(base + [str(corpus)], warm_env)  # primes the cache
        report["warm_run"] = best_of(base + [str(corpus)], args.repeat, warm_env)[0]
        if largest:
            stat = os.stat(largest)
            try:
                os.utime(largest, None)  # touched: a new mtime, the same content
                report["warm_run_one_touched"] = measure(base + [str(corpus)], warm_env)
            finally:
                os.utime(largest, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        if largest:
            measure(base + [largest], warm_env)
            warm_one = [measure(base + [largest], warm_env) for _ in range(args.one_file_runs)]
            big = corpus / args.changed_file if args.changed_file else corpus / "django/db/models/query.py"
            if not big.is_file():
                big = Path(by_size[-1])
            report["edited_file_runs"] = [
                {"file": os.path.relpath(path, corpus), "bytes": os.path.getsize(path),
                 **edited_runs(base, str(path), warm_env, args.one_file_runs)}
                for path in (largest, str(big))
            ]
    if largest:
        one = [measure(cold + [largest], env) for _ in range(args.one_file_runs)]
        report["one_file_run"] = {
            "file": os.path.relpath(largest, corpus),
            "bytes": os.path.getsize(largest),
            "median_wall": statistics.median(r["wall"] for r in one),
            "median_cpu": statistics.median(r["cpu"] for r in one),
            "warm_median_wall": statistics.median(r["wall"] for r in warm_one),
            "warm_median_cpu": statistics.median(r["cpu"] for r in warm_one),
            "max_rss_mb": max(r["max_rss_mb"] for r in one),
        }
        startup = [measure([sys.executable, "-c", "pass"]) for _ in range(args.one_file_runs)]
        report["python_startup_wall"] = statistics.median(r["wall"] for r in startup)

    if not args.no_floors:
        report["floors"] = parse_floors(files)

    if shutil.which(RUFF[0]):
        ruff = best_of(RUFF + [str(corpus)], args.repeat, env)[0]
        report["ruff"] = {**ruff, "cpu_ratio": best["cpu"] / max(ruff["cpu"], 1e-9),
                          "wall_ratio": best["wall"] / max(ruff["wall"], 1e-9)}
        if largest:
            ruff_one = [measure(RUFF + [largest], env) for _ in range(args.one_file_runs)]
            report["ruff"]["one_file_median_wall"] = statistics.median(r["wall"] for r in ruff_one)

    if args.peers:
        peers = {}
        for name, cmd in PEERS.items():
            if shutil.which(cmd[0]):
                result = measure(cmd + [str(corpus)], env)
                peers[name] = {**result, "ratio_to_reslint": result["wall"] / best["wall"]}
        report["peers"] = peers

    if args.json:
        print(json.dumps(report, indent=2))
        return
    w = report["whole_run"]
    print(f"corpus            {report['corpus']}")
    print(f"files             {report['files']}  (cpus: {report['cpus']})")
    print(f"cold run          wall {w['wall']:.2f} s  cpu {w['cpu']:.2f} s  peak rss {w['max_rss_mb']:.0f} MB"
          f"  (runs: {w['all_walls']})")
    o = report["whole_run_one_process"]
    print(f"  --jobs 1        wall {o['wall']:.2f} s  cpu {o['cpu']:.2f} s  peak rss {o['max_rss_mb']:.0f} MB")
    if "warm_run" in report:
        m = report["warm_run"]
        print(f"warm run          wall {m['wall']:.2f} s  cpu {m['cpu']:.2f} s  peak rss {m['max_rss_mb']:.0f} MB"
              "  (nothing changed)")
    if "warm_run_one_touched" in report:
        m = report["warm_run_one_touched"]
        print(f"  one touched     wall {m['wall']:.2f} s  cpu {m['cpu']:.2f} s")
    if "one_file_run" in report:
        f = report["one_file_run"]
        print(f"one-file run      {f['file']} ({f['bytes']} bytes): cold median wall {f['median_wall']:.3f} s "
              f"(cpu {f['median_cpu']:.3f} s), warm {f['warm_median_wall']:.3f} s (cpu {f['warm_median_cpu']:.3f} s); "
              f"python startup alone {report['python_startup_wall']:.3f} s")
    for e in report.get("edited_file_runs", ()):
        print(f"pre-commit run    {e['file']} ({e['bytes']} bytes) just edited, caches warm: median wall "
              f"{e['median_wall']:.3f} s (cpu {e['median_cpu']:.3f} s)")
    if "floors" in report:
        fl = report["floors"]
        print(f"parse floors      ast.parse {fl['ast_parse_cpu']:.2f} cpu-s, libcst.parse_module "
              f"{fl['libcst_parse_cpu']:.2f} cpu-s over {fl['files_parsed']} files")
    if "ruff" in report:
        r = report["ruff"]
        print(f"ruff (near rules) wall {r['wall']:.2f} s  cpu {r['cpu']:.2f} s; reslint cold is {r['cpu_ratio']:.1f}x "
              f"its cpu, {r['wall_ratio']:.1f}x its wall; one file {r.get('one_file_median_wall', 0):.3f} s")
    for name, peer in report.get("peers", {}).items():
        print(f"peer {name:<12} wall {peer['wall']:.2f} s  ({peer['ratio_to_reslint']:.2f}x reslint)")

if __name__ == "__main__":
    main()
