"""Line-independent fingerprints for findings.

A finding keeps its fingerprint when lines are inserted or removed above it,
when it moves within its function, and when unrelated code changes: the hash
covers the rule code, the file path, the reported code with its whitespace
collapsed, the qualified name of the enclosing function or class, and the
occurrence index among identical (code, context, text) triples in the file.
GitHub code scanning and baselines use it to track a finding across commits.
"""

from __future__ import annotations

import hashlib


def fingerprint(code: str, path: str, normalized_text: str, context: str, occurrence: int) -> str:
    data = "\x1f".join((code, path.replace("\\", "/"), normalized_text, context, str(occurrence)))
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:32]
