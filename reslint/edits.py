"""Text edits: from a rule's node replacement to edits, between two texts, and applying them.

A rule's fix is a node replacement (:class:`reslint.rule.Replace`); the edits
it makes are computed by generating the module with the node replaced and
comparing the two texts, so a fix can never disagree with libcst's codegen.
"""

from __future__ import annotations

import difflib
from dataclasses import fields
from typing import TYPE_CHECKING, Any, Iterable, List, Optional, Sequence, Tuple

from .model import Edit
from .source import line_index

if TYPE_CHECKING:  # pragma: no cover
    from .rule import Replace


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


_OPERATOR = frozenset("=!<>+-*/%&|^~@")


def _token_class(char: str) -> int:
    """1 for identifier and number characters, 2 for operator characters, 0 for the rest (spaces,
    brackets, quotes, commas, colons: a change next to one of those cuts no token)."""
    if char.isalnum() or char == "_":
        return 1
    return 2 if char in _OPERATOR else 0


def _trim(old: str, new: str, base: int) -> Tuple[int, int, str]:
    """The one edit turning ``old`` into ``new`` (offsets shifted by ``base``): the common prefix and
    suffix are left out, but never part of a token. An edit that would start or end inside a word
    or an operator is widened to the whole of it, so a reader (or an editor applying it) sees
    `return False` -> `raise`, never `eturn Fals` -> `ais`."""
    prefix = _common_prefix(old, new)
    suffix = _common_suffix(old, new, prefix)
    start, end = prefix, len(old) - suffix
    content = new[prefix:len(new) - suffix]
    if start > 0:
        kind = _token_class(old[start - 1])
        inner = [old[start]] if start < end else []
        if content:
            inner.append(content[0])
        if kind and any(_token_class(c) == kind for c in inner):
            while start > 0 and _token_class(old[start - 1]) == kind:
                start -= 1
                content = old[start] + content
    if end < len(old):
        kind = _token_class(old[end])
        inner = [old[end - 1]] if end > start else []
        if content:
            inner.append(content[-1])
        if kind and any(_token_class(c) == kind for c in inner):
            while end < len(old) and _token_class(old[end]) == kind:
                content += old[end]
                end += 1
    return base + start, base + end, content


def edits_between(old: str, new: str) -> List[Edit]:
    """Minimal-ish edits turning ``old`` into ``new``.

    One edit per separate changed region, so that a fix which also adds an
    import at the top of the file does not claim every line in between.
    """
    if old == new:
        return []
    index = line_index(old)
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


# -- node replacements ---------------------------------------------------------


def fix_edits(text: str, module: Any, stack: Sequence[Any], fix: "Replace") -> List[Edit]:
    """The edits that turn ``text`` (whose tree is ``module``) into the text with ``fix`` applied.

    ``stack`` is the ancestor stack at the reported node: ``fix.old`` is on it or below its last
    node. Raises LookupError when ``fix.old`` is not in the tree.
    """
    node_path = find_path(stack, fix.old)
    if node_path is None:
        raise LookupError("the node to replace is not in the tree")
    return edits_between(text, _keep_final_cr(text, fixed_code(module, node_path, fix)))


def _keep_final_cr(text: str, code: str) -> str:
    """libcst drops the last line break of a file whose line breaks are CR only (`\r`): put back
    the ones the original ended with, so a fix never touches the end of the file."""
    if not text.endswith("\r"):
        return code
    want = len(text) - len(text.rstrip("\r"))
    have = len(code) - len(code.rstrip("\r"))
    return code + "\r" * (want - have) if have < want else code


def find_path(stack: Sequence[Any], target: Any) -> Optional[List[Any]]:
    """Ancestors from the module down to ``target`` (inclusive)."""
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth] is target:
            return list(stack[: depth + 1])
    # search below the deepest node on the stack
    base = list(stack)
    todo: List[Tuple[Any, List[Any]]] = [(base[-1], base)] if base else []
    while todo:
        node, path = todo.pop()
        for child in _children(node):
            child_path = path + [child]
            if child is target:
                return child_path
            todo.append((child, child_path))
    return None


def _children(node: Any):
    import libcst as cst

    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif type(value) in (tuple, list):
            for item in value:
                if isinstance(item, cst.CSTNode):
                    yield item


def _replace_child(parent: Any, old: Any, new: Any) -> Any:
    import libcst as cst

    for f in fields(parent):
        value = getattr(parent, f.name)
        if value is old:
            return parent.with_changes(**{f.name: new})
        if type(value) in (tuple, list):
            for index, item in enumerate(value):
                if item is old:
                    items = list(value)
                    if isinstance(new, cst.RemovalSentinel):
                        del items[index]
                    elif isinstance(new, cst.FlattenSentinel):
                        items[index:index + 1] = list(new.nodes)
                    else:
                        items[index] = new
                    return parent.with_changes(**{f.name: tuple(items)})
    raise LookupError("node not found in its parent")


def fixed_code(module: Any, path: List[Any], fix: "Replace") -> str:
    """The module's code with ``fix.old`` (the last node of ``path``) replaced, imports added."""
    new = fix.new
    for depth in range(len(path) - 1, 0, -1):
        new = _replace_child(path[depth - 1], path[depth], new)
    if fix.add_imports:
        from libcst.codemod import CodemodContext
        from libcst.codemod.visitors import AddImportsVisitor

        context = CodemodContext()
        for module_name, obj in fix.add_imports:
            AddImportsVisitor.add_needed_import(context, module_name, obj)
        new = AddImportsVisitor(context).transform_module(new)
    return new.code
