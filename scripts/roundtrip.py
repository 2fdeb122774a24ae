#!/usr/bin/env python3
"""Round-trip real projects through `reslint check --fix --unsafe-fixes --select ALL`: a check, not a test.

    python scripts/roundtrip.py TREE [TREE ...] [--workdir DIR] [--keep] [--json] [--jobs N]

For each tree: copy it (symlinks as symlinks) into a fresh temporary directory, plant a trap
beside the copy (a file outside it, with a bare `except:`, and a symlink to that file inside the
copy), run `reslint check --fix --unsafe-fixes --select ALL --isolated --no-cache --exit-zero` on
the copy, then check, file by file against the original tree:

- parse: a changed file that parsed (stdlib `ast.parse`) no longer does;
- compile: a changed file that compiled (`compile()`, bytes in, so cookies and BOMs count) no
  longer does;
- second-run: a second identical run changes any file again (or the first run did not settle);
- mode: a file's permission bits changed;
- encoding: a UTF-8 BOM or a coding cookie appeared, disappeared or changed, or the file no
  longer decodes in its declared encoding;
- newline: a changed file has a line ending kind (CRLF, LF, CR) its original had none of, or
  lost its final line break;
- outside: anything outside the copy changed: the original tree (every file's bytes), the trap
  file, or a new file beside the copy; also leftover `.reslint-*` temporary files in the copy;
- crash: reslint exited with 2 or more, or printed an internal error.

Prints a table (files, files fixed, fixes, seconds, regressions by kind) and, with --json, the
same as JSON. Exits 1 when any regression was found.
"""

from __future__ import annotations

import argparse
import ast
import codecs
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Dict, List, Optional, Tuple

KINDS = ("parse", "compile", "second-run", "mode", "encoding", "newline", "outside", "crash")
SUFFIXES = (".py", ".pyi")
TRAP = "try:\n    go()\nexcept:\n    pass\n"
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_FIXED = re.compile(r"Fixed (\d+) findings? in (\d+) files?")


def _python_files(root: Path) -> List[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
        for name in filenames:
            path = Path(dirpath, name)
            if name.endswith(SUFFIXES) and not path.is_symlink() and path.is_file():
                found.append(path)
    return sorted(found)


def _snapshot(root: Path) -> Dict[str, Tuple[str, int]]:
    """relative path -> (sha256 of the bytes, mode) of every regular file under ``root``."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames:
            path = Path(dirpath, name)
            if path.is_symlink() or not path.is_file():
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue
            out[str(path.relative_to(root))] = (hashlib.sha256(data).hexdigest(), stat.S_IMODE(path.stat().st_mode))
    return out


def _cookie(data: bytes) -> Optional[bytes]:
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    for line in body.split(b"\n", 2)[:2]:
        match = _COOKIE.match(line)
        if match:
            return match.group(1)
    return None


def _decodes(data: bytes) -> bool:
    cookie = _cookie(data)
    encoding = cookie.decode("ascii", "replace") if cookie else "utf-8"
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    try:
        body.decode(encoding)
        return True
    except (LookupError, UnicodeDecodeError):
        return False


def _newline_kinds(data: bytes) -> set:
    kinds = set()
    if b"\r\n" in data:
        kinds.add("CRLF")
    if re.search(rb"\r(?!\n)", data):
        kinds.add("CR")
    if re.search(rb"(?<!\r)\n", data):
        kinds.add("LF")
    return kinds


def _validity(data: bytes, name: str) -> int:
    """2: compiles, 1: parses, 0: neither."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(data, name, "exec", dont_inherit=True)
            return 2
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
        try:
            ast.parse(data)
            return 1
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return 0


def _run_reslint(copy: Path, jobs: Optional[int]) -> Tuple[int, str, str, float]:
    command = [sys.executable, "-m", "reslint", "check", "--fix", "--unsafe-fixes", "--select", "ALL", "--isolated",
               "--no-cache", "--exit-zero", "."]
    if jobs:
        command[-1:-1] = ["--jobs", str(jobs)]
    env = dict(os.environ, RESLINT_CACHE_DIR="")
    started = time.monotonic()
    done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, errors="replace")
    return done.returncode, done.stdout, done.stderr, time.monotonic() - started


def roundtrip(tree: Path, workdir: Optional[Path], keep: bool, jobs: Optional[int]) -> dict:
    tree = tree.resolve()
    base = Path(tempfile.mkdtemp(prefix="reslint-roundtrip-", dir=workdir))
    copy = base / "copy"
    outside = base / "outside"
    try:
        shutil.copytree(tree, copy, symlinks=True)
        outside.mkdir()
        trap = outside / "victim.py"
        trap.write_text(TRAP)
        os.symlink(os.path.join("..", "outside", "victim.py"), copy / "reslint_roundtrip_link.py")
        original_tree = _snapshot(tree)
        files = _python_files(copy)
        before = {p: p.read_bytes() for p in files}
        modes = {p: stat.S_IMODE(p.stat().st_mode) for p in files}
        besides = sorted(os.listdir(base))

        code, out, err, seconds = _run_reslint(copy, jobs)
        regressions: Dict[str, List[str]] = {kind: [] for kind in KINDS}
        if code >= 2 or "internal error" in err:
            lines = [line for line in err.splitlines() if "internal error" in line or "error:" in line]
            regressions["crash"].append(f"exit {code}: {lines[:3]}")
        match = _FIXED.search(out + err)
        fixes = int(match.group(1)) if match else 0

        after = {p: p.read_bytes() for p in files}
        changed = [p for p in files if after[p] != before[p]]
        for path in changed:
            rel = str(path.relative_to(copy))
            old, new = before[path], after[path]
            old_valid, new_valid = _validity(old, rel), _validity(new, rel)
            if old_valid >= 1 and new_valid == 0:
                regressions["parse"].append(rel)
            elif old_valid == 2 and new_valid < 2:
                regressions["compile"].append(rel)
            if (old.startswith(codecs.BOM_UTF8) != new.startswith(codecs.BOM_UTF8) or _cookie(old) != _cookie(new)
                    or (_decodes(old) and not _decodes(new))):
                regressions["encoding"].append(rel)
            old_kinds, new_kinds = _newline_kinds(old), _newline_kinds(new)
            if (old_kinds and not new_kinds <= old_kinds) or (old.endswith((b"\n", b"\r")) and not new.endswith((b"\n", b"\r"))):
                regressions["newline"].append(f"{rel}: {sorted(old_kinds)} -> {sorted(new_kinds)}")
        for path in files:
            if stat.S_IMODE(path.stat().st_mode) != modes[path]:
                regressions["mode"].append(str(path.relative_to(copy)))

        if _snapshot(tree) != original_tree:
            regressions["outside"].append("the original tree changed")
        if trap.read_text() != TRAP:
            regressions["outside"].append("the file behind the symlink leading outside the copy was written")
        if sorted(os.listdir(base)) != besides or sorted(os.listdir(outside)) != ["victim.py"]:
            regressions["outside"].append("a new file beside the copy")
        leftovers = [str(p.relative_to(copy)) for p in copy.rglob(".reslint-*")]
        if leftovers:
            regressions["outside"].append(f"temporary files left in the copy: {leftovers[:3]}")

        code2, out2, err2, seconds2 = _run_reslint(copy, jobs)
        again = {p: p.read_bytes() for p in files}
        for path in files:
            if again[path] != after[path]:
                regressions["second-run"].append(str(path.relative_to(copy)))
        if "did not settle" in err:
            regressions["second-run"].append("the first run said fixes did not settle")
        if code2 >= 2 or "internal error" in err2:
            regressions["crash"].append(f"second run: exit {code2}")
        return {
            "tree": str(tree),
            "files": len(files),
            "files_fixed": len(changed),
            "fixes": fixes,
            "seconds": round(seconds, 1),
            "second_run_seconds": round(seconds2, 1),
            "exit_code": code,
            "regressions": {kind: len(items) for kind, items in regressions.items()},
            "details": {kind: items[:20] for kind, items in regressions.items() if items},
        }
    finally:
        if keep:
            print(f"kept: {base}", file=sys.stderr)
        else:
            shutil.rmtree(base, ignore_errors=True)


def _table(rows: List[dict]) -> str:
    head = ["tree", "files", "files fixed", "fixes", "s", *KINDS]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |"]
    for row in rows:
        cells = [Path(row["tree"]).name, row["files"], row["files_fixed"], row["fixes"], row["seconds"],
                 *(row["regressions"][kind] for kind in KINDS)]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--workdir", type=Path, help="where the temporary copies go (default: the system's)")
    parser.add_argument("--keep", action="store_true", help="keep the copies (their paths go to stderr)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--jobs", type=int, help="reslint's --jobs")
    args = parser.parse_args(argv)
    rows = []
    for tree in args.trees:
        if not tree.is_dir():
            parser.error(f"{tree} is not a directory")
        row = roundtrip(tree, args.workdir, args.keep, args.jobs)
        rows.append(row)
        print(f"{tree}: {row['files']} files, {row['files_fixed']} fixed, {row['fixes']} fixes, {row['seconds']} s, "
              f"regressions {sum(row['regressions'].values())}", file=sys.stderr)
        for kind, items in row["details"].items():
            for item in items:
                print(f"  {kind}: {item}", file=sys.stderr)
    print(json.dumps(rows, indent=2) if args.json else _table(rows))
    return 1 if any(sum(r["regressions"].values()) for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
