"""Text edits: computing them from two versions of a text, and applying them."""

from __future__ import annotations

import difflib
from typing import Iterable, List, Sequence, Tuple

from .model import Edit
from .source import LineIndex


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    lo, hi = 0, n
    # binary search on slices: C-speed comparisons, O(n log n) worst case
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    n = min(len(a), len(b)) - limit
    lo, hi = 0, max(n, 0)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid:] == b[len(b) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _trim(old: str, new: str, base: int) -> Tuple[int, int, str]:
    prefix = _common_prefix(old, new)
    suffix = _common_suffix(old, new, prefix)
    return base + prefix, base + len(old) - suffix, new[prefix:len(new) - suffix]


def edits_between(old: str, new: str) -> List[Edit]:
    """Minimal-ish edits turning ``old`` into ``new``.

    One edit per separate changed region, so that a fix which also adds an
    import at the top of the file does not claim every line in between.
    """
    if old == new:
        return []
    index = LineIndex(old)
    start, end, content = _trim(old, new, 0)
    window_old = old[start:end]
    window_new = content
    raw: List[Tuple[int, int, str]] = []
    if window_old.count("\n") > 1 and window_new.count("\n") > 1:
        a = window_old.splitlines(keepends=True)
        b = window_new.splitlines(keepends=True)
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        a_offsets = [0]
        for line in a:
            a_offsets.append(a_offsets[-1] + len(line))
        b_offsets = [0]
        for line in b:
            b_offsets.append(b_offsets[-1] + len(line))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            piece_old = window_old[a_offsets[i1]:a_offsets[i2]]
            piece_new = window_new[b_offsets[j1]:b_offsets[j2]]
            raw.append(_trim(piece_old, piece_new, start + a_offsets[i1]))
    else:
        raw.append((start, end, content))
    return [Edit(s, e, c, index.span(s, e)) for s, e, c in raw]


def overlaps(a: Sequence[Edit], b: Sequence[Edit]) -> bool:
    """Edits conflict when their ranges intersect or both insert at one point."""
    for x in a:
        for y in b:
            if x.start < y.end and y.start < x.end:
                return True
            if x.start == y.start:
                return True
            if x.start == x.end and y.start < x.start < y.end:
                return True
            if y.start == y.end and x.start < y.start < x.end:
                return True
    return False


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (in any order) to ``text``."""
    out = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            raise ValueError("overlapping edits")
        out.append(text[pos:edit.start])
        out.append(edit.content)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)
