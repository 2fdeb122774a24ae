"""The per-file pipeline: text -> candidate rules -> parse -> one traversal -> findings.

Pure: no disk, no config files, no global state a caller can see. The CLI,
the fixer, the tests, the public ``lint_source`` and a future editor server
all call :func:`lint_text` (or, already on a big-stack thread, :func:`lint`)
the same way.

Cost model (see README, Performance): a file's text is scanned once for the
rules' triggers; a file no rule wants is never given to libcst (it is only
syntax-checked with the stdlib parser, about a tenth of libcst's price);
only candidate rules run, in one traversal by reslint's own walker
(:mod:`reslint.walker`); positions are computed only for files that have
findings (:mod:`reslint.positions`), and libcst metadata only when a
candidate rule declares it.

The steps live in their own modules: parsing and RES000 in
:mod:`reslint.parsing`, suppression and RES900 in :mod:`reslint.suppression`,
fix edits in :mod:`reslint.edits`.
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass, field, replace
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Tuple, Type

from . import suppression
from .edits import fix_edits
from .fingerprint import fingerprint
from .isolation import run_isolated
from .model import Finding, Fix, Safety, Severity
from .parsing import SYNTAX_ERROR, TOO_DEEP, parse_for_rules, stdlib_parse, syntax_error_finding, too_large
from .positions import Positions, is_statement, node_span
from .rule import LintContext, Rule
from .source import line_index
from .suppression import UNUSED_SUPPRESSION
from .walker import Walker, build_dispatch


@dataclass(frozen=True)
class RuleSet:
    """The rules enabled for one file, with their options."""

    rules: Tuple[Tuple[Type[Rule], Any], ...]
    syntax_errors: bool = True  # RES000 enabled
    unused_suppressions: bool = False  # RES900 enabled
    names_to_codes: Tuple[Tuple[str, str], ...] = ()
    other_tools_codes: Tuple[Tuple[str, str], ...] = ()  # `E722` -> `RES301` (see Rule.other_tools_codes)
    known_codes: FrozenSet[str] = frozenset()
    severities: Tuple[Tuple[str, str], ...] = ()  # code -> severity override
    max_bytes: int = 2048 * 1024  # larger texts are not analysed (a RES000 finding says so)

    @property
    def enabled_codes(self) -> FrozenSet[str]:
        codes = {cls.code for cls, _ in self.rules}
        if self.syntax_errors:
            codes.add(SYNTAX_ERROR)
        if self.unused_suppressions:
            codes.add(UNUSED_SUPPRESSION)
        return frozenset(codes)

    def severity_of(self, code: str, default: Severity) -> Severity:
        for c, level in self.severities:
            if c == code:
                return Severity(level)
        return default

    def candidates(self, text: str, project: Any = None) -> List[Tuple[Type[Rule], Any]]:
        """The rules whose triggers match ``text`` (or, for project rules, that the project index names)."""
        from .triggers import SearchMemo

        memo = SearchMemo(text)
        return [(cls, opts) for cls, opts in self.rules
                if cls.is_candidate(text, opts, memo) or (project is not None and cls.is_project_candidate(text, project))]


@dataclass
class EngineResult:
    findings: List[Finding] = field(default_factory=list)
    notices: List[str] = field(default_factory=list)
    internal_error: bool = False
    parsed: bool = False


def lint_text(
    text: str,
    path: str,
    ruleset: RuleSet,
    *,
    want_edits: bool = False,
    keep_suppressed: bool = False,
    project: Any = None,
) -> EngineResult:
    """Lint one decoded source text on a big-stack thread (see :mod:`reslint.isolation`). Never raises for bad input."""
    return run_isolated(lint, text, path, ruleset, want_edits=want_edits, keep_suppressed=keep_suppressed,
                        project=project)


def lint(
    text: str,
    path: str,
    ruleset: RuleSet,
    *,
    want_edits: bool = False,
    keep_suppressed: bool = False,
    project: Any = None,
) -> EngineResult:
    """:func:`lint_text` on the current thread: for callers already inside ``run_isolated``."""
    result = EngineResult()
    candidates = ruleset.candidates(text, project)
    if candidates and len(text) > ruleset.max_bytes:
        # libcst needs ~1.7 kB per source byte: a multi-megabyte file would take gigabytes
        message = too_large(len(text), ruleset.max_bytes)
        if ruleset.syntax_errors:
            result.findings.append(syntax_error_finding(path, message, 1, 0, text))
        else:  # never skipped in silence
            result.notices.append(f"{path}: not linted: {message}")
        return result

    problem = tree = None
    if ruleset.syntax_errors or candidates:
        problem, tree = stdlib_parse(text, path)
    if tree is not None and candidates:
        # a second, cheaper-than-libcst filter on the stdlib tree (see Rule.is_ast_candidate)
        # (a project rule's filter may ask the project index too)
        candidates = [(cls, opts) for cls, opts in candidates
                      if (cls.is_ast_candidate(tree, text, opts, project=project) if cls.scope == "project"
                          else cls.is_ast_candidate(tree, text, opts))]

    findings: List[Finding] = []
    if candidates or problem is not None:
        parsed = parse_for_rules(text, path, problem, tree)
        if parsed.failure is not None:
            if ruleset.syntax_errors:
                result.findings.append(parsed.failure)
            return result
        result.parsed = True
        if candidates:
            try:
                findings = _run_rules(text, path, parsed.module, tree, candidates, ruleset, want_edits, result,
                                      project)
            except RecursionError:
                findings = []
                if ruleset.syntax_errors:
                    findings.append(syntax_error_finding(path, TOO_DEEP, 1, 0, text))
                else:  # never skipped in silence
                    result.notices.append(f"{path}: not linted: {TOO_DEEP[0].lower()}{TOO_DEEP[1:]}")

    result.findings = _suppress(text, path, findings, ruleset, want_edits, keep_suppressed)
    if not ruleset.unused_suppressions:  # RES900, when on, reports them as findings
        for line, code in suppression.unknown_codes(text, ruleset.known_codes):
            close = difflib.get_close_matches(code.upper(), sorted(ruleset.known_codes), n=1, cutoff=0.8)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            result.notices.append(f"{path}:{line}: warning: `{code}` in a suppression comment names no reslint "
                                  f"rule{hint}; it suppresses nothing")
    return result


def _suppress(text: str, path: str, findings: List[Finding], ruleset: RuleSet, want_edits: bool,
              keep_suppressed: bool) -> List[Finding]:
    """Drop (or, with ``keep_suppressed``, mark) suppressed findings; add RES900's when it is on."""
    if not findings and not ruleset.unused_suppressions:
        return []
    names = dict(ruleset.names_to_codes)
    directives = suppression.parse(text, names, dict(ruleset.other_tools_codes))
    out = []
    for finding, suppressed in suppression.apply(findings, directives):
        if not suppressed:
            out.append(finding)
        elif keep_suppressed:
            out.append(replace(finding, suppressed=True))
    if ruleset.unused_suppressions and directives:
        out.extend(suppression.unused_suppression_findings(
            text, path, directives, enabled=ruleset.enabled_codes, known=ruleset.known_codes, names_to_codes=names,
            severity=ruleset.severity_of(UNUSED_SUPPRESSION, Severity.NOTE), want_edits=want_edits,
        ))
    out.sort(key=lambda f: f.sort_key)
    return out


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
    walker = Walker(ctx, build_dispatch(instances))
    walker.walk(module)
    if walker.notices:
        result.internal_error = True
        result.notices.extend(walker.notices)
    if not ctx.reports:
        return []

    positions = Positions(module, tree)
    for report in ctx.reports:
        # the stack ends with the visited node, which is often the reported one: once in the path
        # (a node twice over defeats the finder's precise path, which then regenerates the whole
        # top-level statement)
        where = report.stack if report.stack and report.stack[-1] is report.node else report.stack + (report.node,)
        positions.locate(report.node, where)
        # and the innermost statement around it (its lines hold suppression comments), when the
        # node is not one: locating every enclosing statement would regenerate whole classes
        for depth in range(len(report.stack) - 1, 0, -1):
            if is_statement(report.stack[depth]):
                positions.locate(report.stack[depth], report.stack[: depth + 1])
                break
    from .analysis.scopes import qualified_context

    index = line_index(text)
    fix_memo: Dict[Any, Any] = {}  # what the fixes of this text share (see edits.statement_edits)
    findings = []
    occurrences: Dict[Tuple[str, str, str], int] = {}
    for report in sorted(ctx.reports, key=lambda r: positions[r.node][:2]):
        rule = report.rule
        span = node_span(report.node, positions)
        statement = next((n for n in reversed(report.stack + (report.node,)) if is_statement(n)), None)
        statement_lines = (span.line, span.end_line)
        if statement is not None:
            stmt_span = node_span(statement, positions)
            statement_lines = (stmt_span.line, stmt_span.end_line)
        context = qualified_context(report.stack)
        node_text = text[index.offset(span.line, span.col):index.offset(span.end_line, span.end_col)]
        normalized = " ".join(node_text.split())
        key = (rule.code, context, normalized)
        occurrence = occurrences.get(key, 0)
        occurrences[key] = occurrence + 1
        fix = None
        if report.fix is not None:
            safety: Optional[Safety] = report.fix.safety or rule.fix_safety or Safety.UNSAFE
            edits: Tuple = ()
            if want_edits:
                try:
                    edits = tuple(fix_edits(text, module, report.stack, report.fix, positions, index, fix_memo))
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
            severity=ruleset.severity_of(rule.code, rule.severity),
            fix=fix,
            statement_lines=statement_lines,
            fingerprint=fingerprint(rule.code, path, normalized, context, occurrence),
            context=context,
        ))
    return findings
