"""The per-file pipeline: text -> candidate rules -> parse -> one traversal -> findings.

Pure: no disk, no config files, no global state a caller can see. The CLI,
the tests, the public ``lint_source`` and a future editor server all call
:func:`lint_text` the same way.

Cost model (see README, Performance): a file's text is scanned once for the
rules' triggers; a file no rule wants is never given to libcst (it is only
syntax-checked with the stdlib parser, about a tenth of libcst's price);
only candidate rules run, in one traversal by reslint's own walker (libcst's
visitor rebuilds every node, five times slower); positions are computed only
for files that have findings, and libcst metadata only when a candidate rule
declares it.
"""

from __future__ import annotations

import ast
import sys
import threading
import warnings
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple, Type

from . import suppression
from .fingerprint import fingerprint
from .model import Edit, Finding, Fix, Safety, Severity, Span
from .rule import Replace, Rule
from .source import LineIndex

# libcst's native parser recurses on the C stack: a default 8 MiB thread stack
# overflows (a crash, not an exception) on some deeply nested inputs that the
# stdlib parser accepts. Parsing and traversal run in a thread with a large
# stack and a raised recursion limit, so such files become RES000 findings.
_STACK_SIZE = 1024 * 1024 * 1024
_RECURSION_LIMIT = 10_000

SYNTAX_ERROR = "RES000"
UNUSED_SUPPRESSION = "RES900"


@dataclass(frozen=True)
class RuleSet:
    """The rules enabled for one file, with their options."""

    rules: Tuple[Tuple[Type[Rule], Any], ...]
    syntax_errors: bool = True  # RES000 enabled
    unused_suppressions: bool = False  # RES900 enabled
    names_to_codes: Tuple[Tuple[str, str], ...] = ()
    known_codes: FrozenSet[str] = frozenset()
    severities: Tuple[Tuple[str, str], ...] = ()  # code -> severity override

    @property
    def enabled_codes(self) -> FrozenSet[str]:
        codes = {cls.code for cls, _ in self.rules}
        if self.syntax_errors:
            codes.add(SYNTAX_ERROR)
        if self.unused_suppressions:
            codes.add(UNUSED_SUPPRESSION)
        return frozenset(codes)


@dataclass
class EngineResult:
    findings: List[Finding] = field(default_factory=list)
    notices: List[str] = field(default_factory=list)
    internal_error: bool = False
    parsed: bool = False


@dataclass
class _Report:
    rule: Rule
    node: Any
    message: str
    fix: Optional[Replace]
    stack: Tuple[Any, ...]


class LintContext:
    """What a rule may look at while the engine walks one file."""

    def __init__(self, path: str, text: str, module: Any, wrapper: Any = None, project: Any = None):
        self.path = path
        # the run's reslint.project.ProjectIndex (None for a lone file): project-scope rules look
        # up other modules there
        self.project = project
        self.text = text
        self.module = module
        self.stack: List[Any] = []
        self.reports: List[_Report] = []
        self._wrapper = wrapper
        self._metadata: Dict[Any, Any] = {}
        self._imports = None
        self._bindings = None
        self._memo: Dict[Any, Any] = {}

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A per-file memo for analyses: ``compute()`` once per file and ``key``, then the same value.

        ``key`` is any hashable the analysis owns (a module-level function or object is the usual
        choice, so two analyses never share a key by accident).
        """
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value

    @property
    def imports(self):
        if self._imports is None:
            from .analysis.names import ImportTable

            self._imports = ImportTable(self.module)
        return self._imports

    @property
    def bindings(self):
        """What names and `self.<attr>` receivers are bound to (see reslint.analysis.bindings)."""
        if self._bindings is None:
            from .analysis.bindings import Bindings

            self._bindings = Bindings(self.module, self.imports)
        return self._bindings

    def type_of(self, node: Any):
        """The type a receiver expression is bound to, seen from the node being visited, or None."""
        return self.bindings.type_of(node, self.stack)

    def qualified_name(self, node: Any) -> Optional[str]:
        return self.imports.resolve(node)

    def in_async_function(self) -> bool:
        from .analysis.scopes import in_async_function

        return in_async_function(self.stack)

    def parent(self, depth: int = 1) -> Any:
        """The ancestor ``depth`` levels above the node being visited."""
        index = len(self.stack) - 1 - depth
        return self.stack[index] if index >= 0 else None

    def get_metadata(self, provider: Any, node: Any, default: Any = None) -> Any:
        table = self._metadata.get(provider)
        if table is None:
            if self._wrapper is None:
                raise RuntimeError(f"{provider.__name__} is not in the rule's METADATA_DEPENDENCIES")
            table = self._wrapper.resolve(provider)
            self._metadata[provider] = table
        return table.get(node, default)

    def add_report(self, rule: Rule, node: Any, message: str, fix: Optional[Replace]) -> None:
        self.reports.append(_Report(rule, node, message, fix, tuple(self.stack)))


# --------------------------------------------------------------------------
# isolation: big stack, recursion limit


def run_isolated(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``fn`` in a thread with a large stack and a high recursion limit."""
    result: List[Any] = []
    error: List[BaseException] = []

    def target() -> None:
        try:
            result.append(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            error.append(exc)

    old_limit = sys.getrecursionlimit()
    if old_limit < _RECURSION_LIMIT:
        sys.setrecursionlimit(_RECURSION_LIMIT)
    thread = threading.Thread(target=target, name="reslint-lint", daemon=True)
    # The stack size applies to threads started while it is set.
    old_size = threading.stack_size(_STACK_SIZE)
    try:
        thread.start()
    finally:
        threading.stack_size(old_size)
    try:
        thread.join()
    finally:
        if old_limit < _RECURSION_LIMIT:
            sys.setrecursionlimit(old_limit)
    if error:
        raise error[0]
    return result[0]


# --------------------------------------------------------------------------
# syntax


@dataclass(frozen=True)
class SyntaxProblem:
    message: str
    line: int
    col: int
    fatal: bool  # True: do not hand the text to libcst at all


_TOO_COMPLEX = ("too many nested", "too complex", "too many levels of indentation", "too many statically nested")


def stdlib_syntax_check(text: str, path: str = "<unknown>") -> Optional[SyntaxProblem]:
    """The interpreter's own parser as a cheap validity check and a guard for libcst.

    A plain syntax error is not fatal: the file may use syntax newer than
    the running interpreter, which libcst may still parse. Nesting and
    resource errors are fatal: libcst must not see those files.
    """
    problem, _ = stdlib_parse(text, path)
    return problem


def stdlib_parse(text: str, path: str = "<unknown>") -> Tuple[Optional[SyntaxProblem], Optional[ast.Module]]:
    """(problem, tree): the stdlib tree also gives statement line numbers to the position finder."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        message = exc.msg or "invalid syntax"
        line = exc.lineno or 1
        col = max((exc.offset or 1) - 1, 0)
        return SyntaxProblem(message, line, col, any(s in message for s in _TOO_COMPLEX)), None
    except (RecursionError, MemoryError):
        return SyntaxProblem("code is nested too deeply", 1, 0, True), None
    except ValueError as exc:  # null bytes and similar
        return SyntaxProblem(str(exc), 1, 0, True), None
    return None, tree


def _parse_libcst(text: str):
    import libcst as cst

    return cst.parse_module(text)


# --------------------------------------------------------------------------
# the walker

_SKIP_FIELDS = frozenset({"lpar", "rpar", "leading_lines", "lines_after_decorators", "header", "footer"})
_child_fields: Dict[type, Tuple[str, ...]] = {}
_skip_types: Optional[Tuple[type, ...]] = None


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


Dispatch = Dict[type, Tuple[List[Tuple[Rule, Callable]], List[Tuple[Rule, Callable]]]]


_kinds: Dict[type, int] = {}
_SKIP, _NODE, _SEQUENCE = 0, 1, 2


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


class _Walker:
    def __init__(self, ctx: LintContext, dispatch: Dispatch, result: EngineResult):
        self.ctx = ctx
        self.dispatch = dispatch
        self.result = result
        self.failed: set = set()

    def _call(self, rule: Rule, fn: Callable, node: Any) -> None:
        if rule in self.failed:
            return
        try:
            fn(node)
        except RecursionError:
            raise
        except Exception as exc:  # a bug in a rule must not cost the other rules or files
            self.failed.add(rule)
            self.result.internal_error = True
            self.result.notices.append(
                f"{self.ctx.path}: internal error in {rule.code} ({rule.name}): {type(exc).__name__}: {exc}; "
                "the rule was skipped for this file (please report this with the file)"
            )

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


_dispatch_names: Dict[type, Dict[str, Tuple[Optional[str], Optional[str]]]] = {}


def _build_dispatch(instances: Sequence[Rule]) -> Dispatch:
    import libcst as cst

    dispatch: Dispatch = {}
    for rule in instances:
        names = _dispatch_names.get(type(rule))
        if names is None:
            names = type(rule).visitors()
            _dispatch_names[type(rule)] = names
        for class_name, (visit_name, leave_name) in names.items():
            node_type = getattr(cst, class_name, None)
            if not isinstance(node_type, type):
                raise TypeError(f"{type(rule).__name__}: no libcst node class named {class_name!r}")
            entry = dispatch.setdefault(node_type, ([], []))
            if visit_name:
                entry[0].append((rule, getattr(rule, visit_name)))
            if leave_name:
                entry[1].append((rule, getattr(rule, leave_name)))
    return dispatch


# --------------------------------------------------------------------------
# positions, statements, fixes


def _is_statement(node: Any) -> bool:
    import libcst as cst

    return isinstance(node, (
        cst.SimpleStatementLine, cst.BaseCompoundStatement, cst.ExceptHandler, cst.ExceptStarHandler,
        cst.Else, cst.Finally, cst.MatchCase,
    ))


def _has_header(node: Any) -> bool:
    import libcst as cst

    return isinstance(getattr(node, "body", None), cst.BaseSuite)


def _header_text(node: Any) -> str:
    """The code of a compound statement's header, `except (A, B) as e:` style, from libcst codegen."""
    import libcst as cst

    changes: Dict[str, Any] = {"body": cst.SimpleStatementSuite(body=[cst.Pass()])}
    for attr in ("leading_lines", "decorators", "lines_after_decorators"):
        if hasattr(node, attr):
            changes[attr] = ()
    code = cst.Module(body=[]).code_for_node(node.with_changes(**changes))
    code = code.lstrip(" \t")
    marker = code.rfind(":")
    return code[: marker + 1] if marker >= 0 else code


def _node_span(node: Any, positions: "_Positions") -> Span:
    start_line, start_col, end_line, end_col = positions[node]
    if _has_header(node):
        header = _header_text(node)
        lines = header.split("\n")
        if len(lines) == 1:
            return Span(start_line, start_col, start_line, start_col + len(header))
        return Span(start_line, start_col, start_line + len(lines) - 1, len(lines[-1]))
    return Span(start_line, start_col, end_line, end_col)


def _newlines(code: str) -> int:
    return code.count("\n") + code.count("\r") - code.count("\r\n")


class _Positions:
    """Positions of reported nodes, without regenerating the whole module.

    libcst's PositionProvider regenerates the whole module while recording
    every node's position: on a large file that costs more than the rules.
    Here only the innermost statement around a reported node is generated,
    with libcst's position-recording codegen state primed with that
    statement's first line (from the stdlib tree's line numbers) and the
    indentation of its enclosing blocks. The statement's recorded start is
    checked against the stdlib line; on any mismatch (or without a stdlib
    tree) the finder falls back to generating the statement's top-level
    ancestor alone, whose first line is the line count of the code before it.
    """

    def __init__(self, module: Any, tree: Optional[ast.Module] = None):
        self.module = module
        self.tree = tree
        self._computed: Dict[int, Any] = {}
        self._line_before: List[int] = []
        self._done: set = set()

    # -- precise path: the innermost statement -------------------------------
    def _ast_statement(self, path: Sequence[Any]) -> Optional[ast.stmt]:
        """The stdlib statement for ``path[-1]`` (a libcst statement), walking down ``path``.

        ``path`` runs from the Module through statements, clauses (`except`, `else`, `finally`,
        `case`) and blocks. Statement lists line up except that one libcst line of `a; b` is
        several stdlib statements, and an `elif` is a one-statement `orelse`.
        """
        import libcst as cst

        if self.tree is None:
            return None
        body: list = self.tree.body
        i = 1
        while i < len(path):
            node = path[i]
            parent = path[i - 1]
            if isinstance(parent, (cst.Module, cst.IndentedBlock)):
                index = 0
                for sibling in parent.body:
                    if sibling is node:
                        break
                    index += len(sibling.body) if isinstance(sibling, cst.SimpleStatementLine) else 1
                else:
                    return None
            elif isinstance(parent, cst.If) and node is parent.orelse:
                index = 0  # elif
            else:
                return None
            if index >= len(body):
                return None
            current = body[index]
            if i == len(path) - 1:
                return current
            nxt = path[i + 1]
            if nxt is getattr(node, "body", None):
                body, i = current.body, i + 2
            elif isinstance(node, cst.If) and isinstance(nxt, cst.If) and nxt is node.orelse:
                body, i = current.orelse, i + 1
            elif nxt is getattr(node, "orelse", None):
                body, i = current.orelse, i + 3
            elif nxt is getattr(node, "finalbody", None):
                body, i = current.finalbody, i + 3
            elif nxt in getattr(node, "handlers", ()):
                body, i = current.handlers[list(node.handlers).index(nxt)].body, i + 3
            elif nxt in getattr(node, "cases", ()):
                body, i = current.cases[list(node.cases).index(nxt)].body, i + 3
            else:
                return None
        return None

    def _innermost_statement(self, stack: Sequence[Any]) -> int:
        import libcst as cst

        for depth in range(len(stack) - 1, 0, -1):
            if isinstance(stack[depth], (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                return depth
        return -1

    def _generate(self, statement: Any, first_line: int, indent: List[str]) -> Any:
        from libcst.metadata import PositionProvider
        from libcst.metadata.position_provider import PositionProvidingCodegenState

        provider = PositionProvider()
        state = PositionProvidingCodegenState(
            default_indent=self.module.default_indent,
            default_newline=self.module.default_newline,
            provider=provider,
            indent_tokens=list(indent),
            line=first_line,
            column=0,
        )
        statement._codegen(state)
        return provider._computed

    def _precise(self, stack: Sequence[Any]) -> bool:
        import libcst as cst

        if self.tree is None:
            return False
        depth = self._innermost_statement(stack)
        if depth < 0:
            return False
        statement = stack[depth]
        if id(statement) in self._done:
            return True
        target = self._ast_statement(stack[: depth + 1])
        if target is None:
            return False
        first_token = target.lineno
        leading = len(getattr(statement, "leading_lines", ()))
        decorators = getattr(statement, "decorators", ())
        if decorators and getattr(target, "decorator_list", None):
            first_token = min(d.lineno for d in target.decorator_list)
            leading += len(decorators[0].leading_lines)
        indent = [
            block.indent if block.indent is not None else self.module.default_indent
            for block in stack[:depth] if isinstance(block, cst.IndentedBlock)
        ]
        computed = self._generate(statement, first_token - leading, indent)
        own = computed.get(statement)
        if own is None or own.start.line != target.lineno:
            return False
        for node, code_range in computed.items():
            self._computed[id(node)] = code_range
        self._done.add(id(statement))
        return True

    # -- fallback: the top-level statement ------------------------------------
    def _lines_before(self, index: int) -> int:
        import libcst as cst

        if not self._line_before:
            empty = cst.Module(body=[])
            self._line_before.append(sum(_newlines(empty.code_for_node(line)) for line in self.module.header))
        generator = cst.Module(body=[], default_newline="\n", default_indent=self.module.default_indent)
        while len(self._line_before) <= index:
            previous = self.module.body[len(self._line_before) - 1]
            self._line_before.append(self._line_before[-1] + _newlines(generator.code_for_node(previous)))
        return self._line_before[index]

    def _top_level(self, stack: Sequence[Any]) -> None:
        top = stack[1] if len(stack) > 1 else stack[-1]
        if id(top) in self._done:
            return
        index = next(i for i, stmt in enumerate(self.module.body) if stmt is top)
        computed = self._generate(top, self._lines_before(index) + 1, [])
        for node, code_range in computed.items():
            self._computed[id(node)] = code_range
        self._done.add(id(top))

    def locate(self, node: Any, stack: Sequence[Any]) -> None:
        """Make ``node`` (reached through ``stack``, Module first) resolvable."""
        if id(node) in self._computed:
            return
        try:
            if self._precise(stack) and id(node) in self._computed:
                return
        except Exception:  # an unexpected tree shape: the fallback is always right
            pass
        self._top_level(stack)

    def __getitem__(self, node: Any) -> Tuple[int, int, int, int]:
        code_range = self._computed[id(node)]
        return code_range.start.line, code_range.start.column, code_range.end.line, code_range.end.column


def _find_path(stack: Sequence[Any], target: Any) -> Optional[List[Any]]:
    """Ancestors from the module down to ``target`` (inclusive)."""
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth] is target:
            return list(stack[: depth + 1])
    # search below the deepest node on the stack
    base = list(stack)
    todo: List[Tuple[Any, List[Any]]] = [(base[-1], base)] if base else []
    while todo:
        node, path = todo.pop()
        for child in _all_children(node):
            child_path = path + [child]
            if child is target:
                return child_path
            todo.append((child, child_path))
    return None


def _all_children(node: Any):
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


def _fixed_code(module: Any, path: List[Any], fix: Replace) -> str:
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


# --------------------------------------------------------------------------
# the pipeline


def _syntax_finding(path: str, message: str, line: int, col: int, text: str) -> Finding:
    index = LineIndex(text)
    line = max(1, min(line, index.line_count))
    line_len = len(index.line_text(line))
    col = max(0, min(col, line_len))
    end_col = col + 1 if col < line_len else col
    return Finding(
        code=SYNTAX_ERROR,
        name="syntax-error",
        message=message,
        path=path,
        span=Span(line, col, line, end_col),
        severity=Severity.ERROR,
        statement_lines=(line, line),
        fingerprint=fingerprint(SYNTAX_ERROR, path, message, "", 0),
    )


def syntax_error_finding(path: str, message: str, line: int = 1, col: int = 0, text: str = "") -> Finding:
    return _syntax_finding(path, message, line, col, text)


def lint_text(
    text: str,
    path: str,
    ruleset: RuleSet,
    *,
    want_edits: bool = False,
    keep_suppressed: bool = False,
    project: Any = None,
) -> EngineResult:
    """Lint one decoded source text. Never raises for bad input."""
    return run_isolated(_lint_text, text, path, ruleset, want_edits, keep_suppressed, project)


def _lint_text(text: str, path: str, ruleset: RuleSet, want_edits: bool, keep_suppressed: bool,
               project: Any = None) -> EngineResult:
    result = EngineResult()
    candidates = [(cls, opts) for cls, opts in ruleset.rules
                  if cls.is_candidate(text, opts) or (project is not None and cls.is_project_candidate(text, project))]

    problem = None
    tree = None
    if ruleset.syntax_errors or candidates:
        problem, tree = stdlib_parse(text, path)
    if tree is not None and candidates:
        # a second, cheaper-than-libcst filter on the stdlib tree (see Rule.is_ast_candidate)
        candidates = [(cls, opts) for cls, opts in candidates if cls.is_ast_candidate(tree, text, opts)]
    module = None
    if problem is not None and problem.fatal:
        if ruleset.syntax_errors:
            result.findings.append(_syntax_finding(path, _cannot_parse(problem.message), problem.line, problem.col, text))
        return result
    if candidates or problem is not None:
        try:
            module = _parse_libcst(text)
        except RecursionError:
            if ruleset.syntax_errors:
                result.findings.append(_syntax_finding(path, "File cannot be analysed: code is nested too deeply", 1, 0, text))
            return result
        except Exception as exc:  # libcst.ParserSyntaxError and anything the parser raises
            if ruleset.syntax_errors:
                if problem is not None:
                    message, line, col = _cannot_parse(problem.message), problem.line, problem.col
                else:
                    message = "File cannot be parsed by libcst, reslint's parser: " + _libcst_message(exc)
                    line = getattr(exc, "raw_line", 1) or 1
                    col = getattr(exc, "raw_column", 0) or 0
                result.findings.append(_syntax_finding(path, message, line, col, text))
            return result
    result.parsed = module is not None

    findings: List[Finding] = []
    if module is not None and candidates:
        try:
            findings = _run_rules(text, path, module, tree, candidates, ruleset, want_edits, result, project)
        except RecursionError:
            if ruleset.syntax_errors:
                findings = [_syntax_finding(path, "File cannot be analysed: code is nested too deeply", 1, 0, text)]

    directives = suppression.parse(text, dict(ruleset.names_to_codes)) if findings or ruleset.unused_suppressions else []
    paired = suppression.apply(findings, directives)
    out = []
    for finding, suppressed in paired:
        if suppressed:
            if keep_suppressed:
                out.append(_replace(finding, suppressed=True))
        else:
            out.append(finding)
    if ruleset.unused_suppressions and directives:
        names = dict(ruleset.names_to_codes)
        index = LineIndex(text)
        for directive, description, stale in suppression.unused(directives, ruleset.enabled_codes, ruleset.known_codes):
            span = suppression.directive_span(directive)
            fix = None
            if want_edits:
                start, end, content = suppression.removal_edit(text, directive, stale, names)
                fix = Fix("Remove the unused suppression", Safety.SAFE, (Edit(start, end, content, index.span(start, end)),))
            else:
                fix = Fix("Remove the unused suppression", Safety.SAFE)
            out.append(Finding(
                code=UNUSED_SUPPRESSION,
                name="unused-suppression",
                message=f"Suppression comment {description}",
                path=path,
                span=span,
                severity=_severity(ruleset, UNUSED_SUPPRESSION, Severity.NOTE),
                fix=fix,
                statement_lines=(span.line, span.line),
                fingerprint=fingerprint(UNUSED_SUPPRESSION, path, description, "", directive.line),
            ))
    out.sort(key=lambda f: f.sort_key)
    result.findings = out
    return result


def _cannot_parse(reason: str) -> str:
    return f"File cannot be parsed: {reason}"


def _libcst_message(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc)
    return message.strip().splitlines()[0] if message.strip() else type(exc).__name__


def _replace(finding: Finding, **changes: Any) -> Finding:
    from dataclasses import replace

    return replace(finding, **changes)


def _severity(ruleset: RuleSet, code: str, default: Severity) -> Severity:
    for c, level in ruleset.severities:
        if c == code:
            return Severity(level)
    return default


def _run_rules(
    text: str,
    path: str,
    module: Any,
    tree: Optional[ast.Module],
    candidates: Sequence[Tuple[Type[Rule], Any]],
    ruleset: RuleSet,
    want_edits: bool,
    result: EngineResult,
    project: Any = None,
) -> List[Finding]:
    wrapper = None
    if any(cls.METADATA_DEPENDENCIES for cls, _ in candidates):
        from libcst.metadata import MetadataWrapper

        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    ctx = LintContext(path, text, module, wrapper, project)
    instances = [cls(ctx, opts) for cls, opts in candidates]
    walker = _Walker(ctx, _build_dispatch(instances), result)
    walker.walk(module)
    if not ctx.reports:
        return []

    positions = _Positions(module, tree)
    for report in ctx.reports:
        positions.locate(report.node, report.stack + (report.node,))
        for depth, node in enumerate(report.stack[1:], 1):
            if _is_statement(node):
                positions.locate(node, report.stack[: depth + 1])
    index = LineIndex(text)
    findings = []
    occurrences: Dict[Tuple[str, str, str], int] = {}
    for report in sorted(ctx.reports, key=lambda r: positions[r.node][:2]):
        rule = report.rule
        span = _node_span(report.node, positions)
        statement = next((n for n in reversed(report.stack + (report.node,)) if _is_statement(n)), None)
        statement_lines = (span.line, span.end_line)
        if statement is not None:
            stmt_span = _node_span(statement, positions)
            statement_lines = (stmt_span.line, stmt_span.end_line)
        from .analysis.scopes import qualified_context

        context = qualified_context(report.stack)
        node_text = text[index.offset(span.line, span.col):index.offset(span.end_line, span.end_col)]
        normalized = " ".join(node_text.split())
        key = (rule.code, context, normalized)
        occurrence = occurrences.get(key, 0)
        occurrences[key] = occurrence + 1
        fix = None
        if report.fix is not None:
            safety = report.fix.safety or rule.fix_safety or Safety.UNSAFE
            edits: Tuple = ()
            if want_edits:
                try:
                    node_path = _find_path(report.stack, report.fix.old)
                    if node_path is None:
                        raise LookupError("the node to replace is not in the tree")
                    from .edits import edits_between

                    edits = tuple(edits_between(text, _fixed_code(module, node_path, report.fix)))
                except Exception as exc:  # a broken fix is dropped, never applied
                    result.internal_error = True
                    result.notices.append(
                        f"internal error building the {rule.code} fix at line {span.line}: "
                        f"{type(exc).__name__}: {exc}; the fix was dropped"
                    )
                    edits = ()
                    safety = None
            if safety is not None:
                fix = Fix(report.fix.title, safety, edits)
        findings.append(Finding(
            code=rule.code,
            name=rule.name,
            message=report.message,
            path=path,
            span=span,
            severity=_severity(ruleset, rule.code, rule.severity),
            fix=fix,
            statement_lines=statement_lines,
            fingerprint=fingerprint(rule.code, path, normalized, context, occurrence),
            context=context,
        ))
    return findings


def options_of(options: Any) -> Dict[str, Any]:
    return {f.name: getattr(options, f.name) for f in fields(options)} if is_dataclass(options) else {}
