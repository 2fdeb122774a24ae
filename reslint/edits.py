"""Text edits: from a rule's node replacement to edits, between two texts, and applying them.

A rule's fix is a node replacement (:class:`reslint.rule.Replace`); the edits
it makes are computed by generating code with the node replaced and comparing
it with the text, so a fix can never disagree with libcst's codegen. The code
generated is the innermost statement around the node, not the whole module
(:func:`statement_edits`): a module's code is its statements' code end to end,
so the edits are the same, and a file's fixes cost their statements' size
rather than the file's size each (1,000 fixes in one file: 23 cpu-s before,
under 1 after).
"""

from __future__ import annotations

import difflib
from dataclasses import fields
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from .model import Edit
from .source import LineIndex, line_index

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
    start, end, content = _widen(old, prefix, len(old) - suffix, new[prefix:len(new) - suffix])
    return base + start, base + end, content


def _widen(old: str, start: int, end: int, content: str) -> Tuple[int, int, str]:
    """``old[start:end]`` -> ``content``, widened to whole tokens at both ends (see :func:`_trim`)."""
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
    return start, end, content


def edits_between(old: str, new: str, index: Optional[LineIndex] = None) -> List[Edit]:
    """Minimal-ish edits turning ``old`` into ``new``.

    One edit per separate changed region, so that a fix which also adds an
    import at the top of the file does not claim every line in between.
    ``index`` is ``old``'s line index, when the caller has it.
    """
    if old == new:
        return []
    start, end, content = _trim(old, new, 0)
    return _split(old, start, end, content, index if index is not None else line_index(old))


def splice_edits(text: str, offset: int, length: int, content: str,
                 index: Optional[LineIndex] = None) -> List[Edit]:
    """``edits_between(text, text[:offset] + content + text[offset + length:])``, without building or
    comparing the whole new text: the work is proportional to the changed piece, not to the file.

    The common prefix is at least ``offset`` and the common suffix at least the text after the
    piece; both are extended (by galloping comparisons, from those bounds) exactly as far as the
    whole-text comparison would go, so the edits are the very same.
    """
    tail = offset + length
    new_len = len(text) - length + len(content)
    if new_len == len(text) and text.startswith(content, offset):
        return []

    def new_slice(i: int, j: int) -> str:
        # new_text[i:j], from its three pieces
        parts = []
        if i < offset:
            parts.append(text[i:min(j, offset)])
        lo, hi = max(i, offset), min(j, offset + len(content))
        if lo < hi:
            parts.append(content[lo - offset:hi - offset])
        shift = length - len(content)  # new index k is old index k + shift after the piece
        lo = max(i, offset + len(content))
        if lo < j:
            parts.append(text[lo + shift:j + shift])
        return "".join(parts)

    n = min(len(text), new_len)
    prefix = _gallop(lambda i, j: text[i:j] == new_slice(i, j), offset, n)
    cap = n - prefix
    # suffix of length k: text[len(text)-k:] against new_text[new_len-k:]
    suffix = _gallop(lambda i, j: text[len(text) - j:len(text) - i] == new_slice(new_len - j, new_len - i),
                     min(len(text) - tail, cap), cap)
    start, end, piece = _widen(text, prefix, len(text) - suffix, new_slice(prefix, new_len - suffix))
    return _split(text, start, end, piece, index if index is not None else line_index(text))


def _gallop(equal: Callable[[int, int], bool], lo: int, limit: int) -> int:
    """The largest ``k`` in ``[lo, limit]`` with ``equal(lo, k)`` (a monotone predicate over ranges
    that are known equal below ``lo``): chunks of growing size, then a binary search in the first
    chunk that differs. The cost is proportional to ``k - lo``, not to ``limit``."""
    step = 64
    while lo < limit:
        hi = min(limit, lo + step)
        if equal(lo, hi):
            lo = hi
            step *= 2
            continue
        good, bad = lo, hi  # equal(lo, good) holds, equal(lo, bad) does not
        while bad - good > 1:
            mid = (good + bad) // 2
            if equal(lo, mid):
                good = mid
            else:
                bad = mid
        return good
    return limit


def _split(old: str, start: int, end: int, content: str, index: LineIndex) -> List[Edit]:
    """The trimmed change ``old[start:end]`` -> ``content``, split into one edit per region of
    changed lines."""
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


class EditSet:
    """The edits of the fixes taken so far in one pass, to ask whether another fix's edits
    :func:`overlaps` any of them, in logarithmic rather than linear time.

    Two edits conflict when their ranges intersect or both start at one point (an insertion inside
    another edit's range is an intersection). The edits in the set start at distinct points and
    each ends at or before the next one's start: edits of different fixes do not conflict, and a
    fix's own edits are disjoint. So of the edits starting before ``x``, the last reaches
    furthest, and of those starting at or after it, the first starts soonest: ``x`` conflicts
    with one of the set exactly when it conflicts with one of these two neighbours.
    """

    def __init__(self) -> None:
        self._keys: List[Tuple[int, int]] = []

    def overlaps(self, edits: Sequence[Edit]) -> bool:
        import bisect

        keys = self._keys
        for x in edits:
            # (a) any y with y.start == x.start; (b) y.start < x.end and x.start < y.end
            i = bisect.bisect_left(keys, (x.start, -1))
            if i < len(keys) and keys[i][0] < max(x.end, x.start + 1):
                return True  # starts at x.start, or inside x
            # the ones starting before x: the last of them reaches furthest (see the class doc)
            if i > 0 and keys[i - 1][1] > x.start:
                return True
        return False

    def add(self, edits: Sequence[Edit]) -> None:
        import bisect

        for edit in edits:
            bisect.insort(self._keys, (edit.start, edit.end))


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


def fix_edits(text: str, module: Any, stack: Sequence[Any], fix: "Replace", positions: Any = None,
              index: Optional[LineIndex] = None, memo: Optional[Dict[Any, Any]] = None) -> List[Edit]:
    """The edits that turn ``text`` (whose tree is ``module``) into the text with ``fix`` applied.

    ``stack`` is the ancestor stack at the reported node: ``fix.old`` is on it or below its last
    node. Raises LookupError when ``fix.old`` is not in the tree.

    With ``positions`` (the engine's :class:`reslint.positions.Positions` for this tree), only the
    innermost statement around the replaced node is generated, before and after, and the imports
    the fix needs are computed once per set of imports (``memo``, one dict per text); see
    :func:`statement_edits`. Otherwise, or where that does not apply, the whole module is generated
    (:func:`whole_module_edits`). Both give the same edits.
    """
    node_path = find_path(stack, fix.old)
    if node_path is None:
        raise LookupError("the node to replace is not in the tree")
    if positions is not None:
        local = statement_edits(text, module, node_path, fix, positions,
                                index if index is not None else line_index(text), memo if memo is not None else {})
        if local is not None:
            return local
    return whole_module_edits(text, module, node_path, fix)


def whole_module_edits(text: str, module: Any, node_path: List[Any], fix: "Replace") -> List[Edit]:
    """The fix's edits from the whole module generated with the node replaced and the imports added,
    compared with the whole text: always right, but its cost is the file's size, for every fix."""
    return edits_between(text, _keep_final_cr(text, fixed_code(module, node_path, fix)))


def _statement_types() -> tuple:
    import libcst as cst

    return cst.SimpleStatementLine, cst.BaseCompoundStatement


def _is_elif(path: Sequence[Any], depth: int) -> bool:
    import libcst as cst

    return depth >= 1 and isinstance(path[depth - 1], cst.If) and path[depth - 1].orelse is path[depth]


def _codegen(node: Any, module: Any, indent: List[str], located: bool = False) -> Tuple[str, Any]:
    """``node``'s code as the module generates it inside blocks indented by ``indent`` (and, when
    ``located``, the syntactic start of the node in that code, as PositionProvider records it)."""
    if located:
        from libcst.metadata import PositionProvider
        from libcst.metadata.position_provider import PositionProvidingCodegenState

        provider = PositionProvider()
        state: Any = PositionProvidingCodegenState(
            default_indent=module.default_indent, default_newline=module.default_newline, provider=provider,
            indent_tokens=list(indent), line=1, column=0,
        )
        node._codegen(state)
        return "".join(state.tokens), provider._computed[node].start
    from libcst._nodes.internal import CodegenState

    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline,
                         indent_tokens=list(indent))
    node._codegen(state)
    return "".join(state.tokens), None


def statement_edits(text: str, module: Any, node_path: List[Any], fix: "Replace", positions: Any,
                    index: LineIndex, memo: Dict[Any, Any]) -> Optional[List[Edit]]:
    """The fix's edits computed from the innermost statement around the replaced node, or None where
    that cannot be trusted (the caller then generates the whole module).

    A module's code is the concatenation of its statements' code, each generated with the
    indentation of the blocks around it. So the statement ``S`` around the node is generated twice
    with that indentation, as it is and with the node replaced; the first must be exactly the text
    at ``S``'s position (its start from ``positions``), or None is returned; the text between is
    then compared as :func:`edits_between` would compare the whole texts (:func:`splice_edits`).
    The statement is the replaced node itself when a statement replaces a statement, else the
    innermost statement strictly around it (an `elif` is generated with its `if`); a node with no
    statement around it (a whole top-level statement removed or split) is left to the caller.

    Imports the fix adds are found once per set of imports, on the original module (libcst's
    AddImportsVisitor looks only at the top of the module: see :func:`import_edits`), and their
    edits join the statement's. When the statement is in that top part, or the import edits touch
    it, None is returned.
    """
    statements = _statement_types()
    old = node_path[-1]
    depth = len(node_path) - 1
    if isinstance(old, statements) and isinstance(fix.new, statements) and not _is_elif(node_path, depth):
        replacement = fix.new
    else:
        depth -= 1
        while depth > 0 and (not isinstance(node_path[depth], statements) or _is_elif(node_path, depth)):
            depth -= 1
        if depth < 1:
            return None
        replacement = fix.new
        for d in range(len(node_path) - 1, depth, -1):
            replacement = _replace_child(node_path[d - 1], node_path[d], replacement)
    statement = node_path[depth]
    import libcst as cst

    indent = [block.indent if block.indent is not None else module.default_indent
              for block in node_path[:depth] if isinstance(block, cst.IndentedBlock)]
    old_code, start = _codegen(statement, module, indent, located=True)
    positions.locate(statement, node_path[: depth + 1])
    line, col = positions[statement][:2]
    offset = index.offset(line, col) - LineIndex(old_code).offset(start.line, start.column)
    if offset < 0 or not text.startswith(old_code, offset):
        return None
    new_code, _ = _codegen(replacement, module, indent)
    edits = splice_edits(text, offset, len(old_code), new_code, index)
    if fix.add_imports:
        # the statements libcst's AddImportsVisitor reads: a fix inside them may change what it does
        if "top" not in memo:
            memo["top"] = {id(statement): i for i, statement in enumerate(module.body)}
            memo["head"] = _import_head_size(module)
        if memo["top"].get(id(node_path[1]), 0) < memo["head"]:
            return None
        key = ("imports", tuple(fix.add_imports))
        if key not in memo:
            memo[key] = import_edits(text, module, fix.add_imports, index)
        added: List[Edit] = memo[key]
        end = offset + len(old_code)
        if any(e.start <= end and e.end >= offset for e in added):
            return None
        edits = sorted(added + edits, key=lambda e: (e.start, e.end))
    return edits


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
        new = _with_imports(new, fix.add_imports)
    return new.code


def import_edits(text: str, module: Any, imports: Sequence[Tuple[str, Optional[str]]],
                 index: Optional[LineIndex] = None) -> List[Edit]:
    """The edits that add ``imports`` to the module (none for those it has), as libcst's
    AddImportsVisitor makes them, from the top of the module only.

    The visitor reads and changes only the top of a module: a docstring (or `__strict__`) first, the
    import lines after it, where it adds its imports, and the first statement after them (which
    may get an empty line before it). So it is run on a module of those statements alone, whose
    code is the start of the text, and the new start is compared as :func:`splice_edits` would
    compare the whole texts: transforming and generating a large module for every pass of the
    fixer cost as much as linting it.
    """
    import libcst as cst

    index = index if index is not None else line_index(text)
    body = module.body
    head_size = _import_head_size(module)
    if head_size < len(body):
        head = module.with_changes(body=body[:head_size], footer=(), has_trailing_newline=True)
        old_code = head.code
        if text.startswith(old_code):
            return splice_edits(text, 0, len(old_code), _with_imports(head, imports).code, index)
    return edits_between(text, _keep_final_cr(text, _with_imports(module, imports).code), index)


def _import_head_size(module: Any) -> int:
    """How many of the module's first statements AddImportsVisitor reads or changes: a docstring
    (or any first statement that is not an import), the import lines after it, and the first
    statement after those."""
    import libcst as cst

    def import_line(statement: Any) -> bool:
        return (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
                and isinstance(statement.body[0], (cst.Import, cst.ImportFrom)))

    body = module.body
    i = 0 if not body or import_line(body[0]) else 1
    while i < len(body) and import_line(body[i]):
        i += 1
    return i + 1


def _with_imports(module: Any, imports: Sequence[Tuple[str, Optional[str]]]) -> Any:
    """``module`` with the imports added by libcst's AddImportsVisitor (only those it lacks)."""
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    context = CodemodContext()
    for module_name, obj in imports:
        AddImportsVisitor.add_needed_import(context, module_name, obj)
    return AddImportsVisitor(context).transform_module(module)
