"""One traversal of a libcst tree that runs every candidate rule's visit and leave methods.

libcst's own visitor rebuilds every node and visits whitespace; this walker
reads the dataclass fields of each node once per node type, skips whitespace
and punctuation nodes, keeps the ancestor stack the rules read through
``ctx.stack``, and isolates rules from one another: an exception in a rule
becomes a notice for this file and only that rule stops.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from .rule import LintContext, Rule

_SKIP_FIELDS = frozenset({"lpar", "rpar", "leading_lines", "lines_after_decorators", "header", "footer"})
_child_fields: Dict[type, Tuple[str, ...]] = {}
_skip_types: Optional[Tuple[type, ...]] = None

# node type -> ([(rule, visit method)], [(rule, leave method)])
Dispatch = Dict[type, Tuple[List[Tuple[Rule, Callable]], List[Tuple[Rule, Callable]]]]

_kinds: Dict[type, int] = {}
_SKIP, _NODE, _SEQUENCE = 0, 1, 2


def _fields_of(node_type: type) -> Tuple[str, ...]:
    names = _child_fields.get(node_type)
    if names is None:
        names = tuple(
            f.name for f in fields(node_type)
            if f.name not in _SKIP_FIELDS and not f.name.startswith("whitespace")
        )
        _child_fields[node_type] = names
    return names


def _init_skip_types() -> Tuple[type, ...]:
    global _skip_types
    if _skip_types is None:
        import libcst as cst

        _skip_types = (
            cst.SimpleWhitespace, cst.ParenthesizedWhitespace, cst.TrailingWhitespace, cst.Newline,
            cst.EmptyLine, cst.Comma, cst.Semicolon, cst.LeftParen, cst.RightParen,
            cst.LeftSquareBracket, cst.RightSquareBracket, cst.LeftCurlyBrace, cst.RightCurlyBrace,
            cst.Colon, cst.Dot, cst.AssignEqual,
        )
    return _skip_types


def _kind(value_type: type) -> int:
    """How the walker treats a field value of this type (cached: isinstance on libcst's ABCs is slow)."""
    kind = _kinds.get(value_type)
    if kind is None:
        import libcst as cst

        if value_type in (tuple, list):
            kind = _SEQUENCE
        elif issubclass(value_type, cst.CSTNode) and not issubclass(value_type, _init_skip_types()):
            kind = _NODE
        else:
            kind = _SKIP
        _kinds[value_type] = kind
    return kind


# where a node's field order is not its source order: the fields in source order
_SOURCE_ORDER = {
    "Arg": ("star", "keyword", "value"),
    "FunctionDef": ("decorators", "asynchronous", "name", "type_parameters", "params", "returns", "body"),
    "ClassDef": ("decorators", "name", "type_parameters", "bases", "keywords", "body"),
    "ExceptHandler": ("type", "name", "body"),
    "ExceptStarHandler": ("type", "name", "body"),
    "IfExp": ("body", "test", "orelse"),
    "With": ("asynchronous", "items", "body"),
    "For": ("asynchronous", "target", "iter", "body", "orelse"),
    "CompFor": ("asynchronous", "target", "iter", "ifs", "inner_for_in"),
    "Parameters": ("posonly_params", "posonly_ind", "params", "star_arg", "kwonly_params", "star_kwarg"),
    "MatchCase": ("pattern", "guard", "body"),
    "TypeAlias": ("name", "type_parameters", "value"),
}
_ordered_fields: Dict[type, Tuple[str, ...]] = {}


def _source_fields_of(node_type: type) -> Tuple[str, ...]:
    names = _ordered_fields.get(node_type)
    if names is None:
        names = _fields_of(node_type)
        order = _SOURCE_ORDER.get(node_type.__name__)
        if order is not None:
            names = tuple(sorted(names, key=lambda n: order.index(n) if n in order else len(order)))
        _ordered_fields[node_type] = names
    return names


def child_nodes(node: Any, source_order: bool = False) -> List[Any]:
    """The child nodes of ``node`` the walker visits: every node but whitespace, punctuation,
    parentheses and comment lines, in field order (not always source order). Far cheaper than
    libcst's ``node.children``; for searches that look for names, calls and statements and do
    not care about order; with ``source_order``, in the order the code is written, as libcst's
    ``children`` gives them."""
    kinds = _kinds
    out = []
    for name in (_source_fields_of if source_order else _fields_of)(type(node)):
        value = getattr(node, name)
        kind = kinds.get(type(value))
        if kind is None:
            kind = _kind(type(value))
        if kind == _NODE:
            out.append(value)
        elif kind == _SEQUENCE:
            for item in value:
                item_kind = kinds.get(type(item))
                if item_kind is None:
                    item_kind = _kind(type(item))
                if item_kind == _NODE:
                    out.append(item)
    return out


def build_dispatch(instances: Sequence[Rule]) -> Dispatch:
    """Which rule methods run on which node type (the names are checked once per rule class)."""
    import libcst as cst

    from .registry import check_visitors

    dispatch: Dispatch = {}
    for rule in instances:
        check_visitors(type(rule))
        for class_name, (visit_name, leave_name) in type(rule).visitors().items():
            entry = dispatch.setdefault(getattr(cst, class_name), ([], []))
            if visit_name:
                entry[0].append((rule, getattr(rule, visit_name)))
            if leave_name:
                entry[1].append((rule, getattr(rule, leave_name)))
    return dispatch


# libcst levels beyond which a RecursionError may come from the code's own nesting (ordinary
# modules stay under a hundred; the analysis runs with a recursion limit of 10,000)
DEEP_CODE = 300


class Walker:
    """Walks one module for the rules in ``dispatch``; ``notices`` and ``failed`` say what broke."""

    def __init__(self, ctx: LintContext, dispatch: Dispatch):
        self.ctx = ctx
        self.dispatch = dispatch
        self.failed: set = set()
        self.notices: List[str] = []

    def _call(self, rule: Rule, fn: Callable, node: Any) -> None:
        if rule in self.failed:
            return
        try:
            fn(node)
        except RecursionError as exc:
            if self._deep():
                raise  # the code is nested too deeply for the analysis: the file becomes RES000
            self._fail(rule, exc)  # code of ordinary depth: the rule recursed without end, a bug
        except Exception as exc:  # a bug in a rule must not cost the other rules or files
            self._fail(rule, exc)

    def _fail(self, rule: Rule, exc: BaseException) -> None:
        self.failed.add(rule)
        self.notices.append(
            f"{self.ctx.path}: internal error in {rule.code} ({rule.name}): {type(exc).__name__}: {exc}; "
            "the rule was skipped for this file (please report this with the file)"
        )

    def _deep(self) -> bool:
        """Whether the module's tree is deep enough that analysing it may exhaust the recursion
        limit (:data:`DEEP_CODE` levels); measured without recursion, once, when one is hit."""
        found = getattr(self, "_deep_found", None)
        if found is None:
            found = False
            pending = [(self.ctx.module, 1)]
            while pending and not found:
                node, depth = pending.pop()
                found = depth > DEEP_CODE
                pending.extend((child, depth + 1) for child in child_nodes(node))
            self._deep_found = found
        return found

    def walk(self, node: Any) -> None:
        stack = self.ctx.stack
        dispatch = self.dispatch
        kinds = _kinds
        call = self._call

        def visit(node: Any) -> None:
            stack.append(node)
            node_type = type(node)
            entry = dispatch.get(node_type)
            if entry is not None:
                for rule, fn in entry[0]:
                    call(rule, fn, node)
            for name in _fields_of(node_type):
                value = getattr(node, name)
                kind = kinds.get(type(value))
                if kind is None:
                    kind = _kind(type(value))
                if kind == _NODE:
                    visit(value)
                elif kind == _SEQUENCE:
                    for item in value:
                        item_kind = kinds.get(type(item))
                        if item_kind is None:
                            item_kind = _kind(type(item))
                        if item_kind == _NODE:
                            visit(item)
            if entry is not None:
                for rule, fn in entry[1]:
                    call(rule, fn, node)
            stack.pop()

        visit(node)
