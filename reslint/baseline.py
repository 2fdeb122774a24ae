"""Baselines: adopt reslint on a codebase with findings, report only the new ones.

`reslint check --write-baseline FILE` records every finding the run reports; `--baseline FILE`
(or the `baseline` config key) then leaves out the findings it records. A finding is recorded by
its file (relative to the baseline file's directory, forward slashes), its code and its
fingerprint (:mod:`reslint.fingerprint`: the reported code, the enclosing function or class and
its occurrence among identical ones; not its line, so inserting lines above it changes nothing),
with a count: a second copy of a recorded bad line is a new finding. Entries that no finding
matches any more (the code was fixed, or changed) are *stale*: the run says how many, and writing
the baseline again drops them.

The file is JSON, written with sorted keys, indented, entries in a stable order (path, code,
fingerprint) with the message of the finding for the reader, so a change of it reads well in a
diff::

    {
      "findings": [
        {"code": "RES301", "count": 1, "fingerprint": "2068...", "message": "Bare `except:` ...",
         "path": "app/db.py"}
      ],
      "tool": "reslint",
      "version": 1
    }
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from .model import FileResult, Finding

VERSION = 1

Key = Tuple[str, str, str]  # (path relative to the baseline's directory, code, fingerprint)


class BaselineError(Exception):
    """A baseline file that cannot be used; the message is one line naming it."""


@dataclass
class Baseline:
    path: str  # absolute
    counts: Dict[Key, int] = field(default_factory=dict)
    messages: Dict[Key, str] = field(default_factory=dict)

    @property
    def directory(self) -> str:
        return os.path.dirname(self.path)

    def key(self, result: FileResult, finding: Finding, cwd: str) -> Key:
        return (file_key(result, self.directory, cwd), finding.code, finding.fingerprint)


def file_key(result: FileResult, directory: str, cwd: str) -> str:
    """The file of ``result`` relative to ``directory``, with forward slashes."""
    if result.path == "-":
        return "-"
    absolute = os.path.normpath(os.path.join(cwd, result.path))
    try:
        relative = os.path.relpath(absolute, directory)
    except ValueError:  # another drive
        relative = absolute
    return relative.replace(os.sep, "/")


def load(path: str) -> Baseline:
    """The baseline in the file ``path``; BaselineError (one line, naming the file and what to do)
    when it is missing, unreadable or not a reslint baseline of a version this reslint reads."""
    shown = path
    write_hint = f"write one with `reslint check --write-baseline {shown}`"
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise BaselineError(f"{shown}: baseline file not found; {write_hint}") from None
    except OSError as exc:
        raise BaselineError(f"{shown}: cannot read the baseline file: {exc.strerror or exc}") from None
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise BaselineError(f"{shown}: not a reslint baseline (not UTF-8 text); {write_hint}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{shown}: not a reslint baseline (invalid JSON at line {exc.lineno}, column "
                            f"{exc.colno}: {exc.msg}); {write_hint}") from None
    if not isinstance(document, dict) or document.get("tool") != "reslint" or "version" not in document:
        raise BaselineError(f"{shown}: not a reslint baseline (no \"tool\": \"reslint\" and \"version\"); {write_hint}")
    if document["version"] != VERSION:
        raise BaselineError(f"{shown}: baseline version {document['version']!r} is not one this reslint reads "
                            f"(version {VERSION}); {write_hint}")
    entries = document.get("findings")
    if not isinstance(entries, list):
        raise BaselineError(f"{shown}: not a reslint baseline (\"findings\" must be a list); {write_hint}")
    baseline = Baseline(os.path.abspath(path))
    for number, entry in enumerate(entries, 1):
        try:
            key = (entry["path"], entry["code"], entry["fingerprint"])
            count = entry.get("count", 1)
            if not all(isinstance(part, str) for part in key) or isinstance(count, bool) \
                    or not isinstance(count, int) or count < 1:
                raise TypeError
        except (TypeError, KeyError, AttributeError):
            raise BaselineError(f"{shown}: entry {number} of \"findings\" is not a path, code, fingerprint and "
                                f"positive count; {write_hint}") from None
        baseline.counts[key] = baseline.counts.get(key, 0) + count
        if isinstance(entry.get("message"), str):
            baseline.messages.setdefault(key, entry["message"])
    return baseline


def build(path: str, results: Sequence[FileResult], cwd: Optional[str] = None) -> Baseline:
    """A baseline at ``path`` recording every reported (not suppressed) finding of ``results``."""
    cwd = cwd or os.getcwd()
    baseline = Baseline(os.path.abspath(path))
    for result in results:
        for finding in result.findings:
            if finding.suppressed:
                continue
            key = baseline.key(result, finding, cwd)
            baseline.counts[key] = baseline.counts.get(key, 0) + 1
            baseline.messages.setdefault(key, finding.message)
    return baseline


def render(baseline: Baseline) -> str:
    entries = [
        {"path": key[0], "code": key[1], "fingerprint": key[2], "count": count,
         "message": baseline.messages.get(key, "")}
        for key, count in sorted(baseline.counts.items())
    ]
    document = {"version": VERSION, "tool": "reslint", "findings": entries}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(baseline: Baseline) -> None:
    """Write the baseline file atomically (a temporary file in its directory, then a rename);
    BaselineError when it cannot be written."""
    import tempfile

    directory = baseline.directory or "."
    tmp = None
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".reslint-baseline-", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(render(baseline))
        os.replace(tmp, baseline.path)
    except OSError as exc:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise BaselineError(f"{baseline.path}: cannot write the baseline file: {exc.strerror or exc}") from None


@dataclass
class Applied:
    results: List[FileResult]
    baselined: int  # findings left out
    stale: List[Tuple[Key, int, str]]  # (entry, how many of its count no finding matched, its message)


def apply(baseline: Baseline, results: Sequence[FileResult], cwd: Optional[str] = None,
          checked: Optional[Sequence[str]] = None) -> Applied:
    """``results`` without the findings ``baseline`` records (each entry matches at most its count
    of findings, in the order of the file), how many were left out, and the stale entries.

    Only entries of the files this run checked can be stale (``checked``: their keys, default the
    files of ``results``): a run on a few files says nothing about the others.
    """
    cwd = cwd or os.getcwd()
    left = dict(baseline.counts)
    out: List[FileResult] = []
    baselined = 0
    files = set(checked) if checked is not None else {file_key(r, baseline.directory, cwd) for r in results}
    for result in results:
        kept = []
        for finding in result.findings:
            if not finding.suppressed:
                key = baseline.key(result, finding, cwd)
                if left.get(key, 0) > 0:
                    left[key] -= 1
                    baselined += 1
                    continue
            kept.append(finding)
        out.append(result if len(kept) == len(result.findings) else dataclasses.replace(result, findings=tuple(kept)))
    stale = [(key, count, baseline.messages.get(key, "")) for key, count in sorted(left.items())
             if count > 0 and key[0] in files]
    return Applied(out, baselined, stale)
