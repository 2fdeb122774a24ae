"""The rule API.

A rule is a class with metadata, a Markdown docstring, an ``Options``
dataclass, ``triggers`` and ``visit_<Node>`` / ``leave_<Node>`` methods named
after libcst node classes, exactly like a libcst visitor. The engine runs all
candidate rules of a file in one traversal and hands each a
:class:`LintContext`; a fix is a :class:`Replace` of one node.

Rules never touch the disk or the config: they read ``self.options`` and
``self.ctx`` and call ``self.report``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Dict, List, Mapping, Optional, Sequence, Tuple, Type, Union

from .model import RuleMeta, Safety, Severity
from .triggers import Trigger, trigger

if TYPE_CHECKING:  # pragma: no cover
    import libcst as cst


@dataclass(frozen=True)
class NoOptions:
    """This rule has no options."""


@dataclass(frozen=True)
class Replace:
    """A fix: put ``new`` where ``old`` is.

    ``old`` must be a node of the tree the rule is visiting (the reported node
    or something inside or around it). ``add_imports`` holds
    ``(module, name)`` pairs (``name`` may be None for ``import module``)
    that the fixed code needs; they are added with libcst's
    AddImportsVisitor, never by editing text.
    """

    old: Any
    new: Any
    title: str
    safety: Optional[Safety] = None
    add_imports: Tuple[Tuple[str, Optional[str]], ...] = ()


TriggerSpec = Union[str, Tuple[str, ...]]


@dataclass
class RuleReport:
    """One ``Rule.report`` call, kept until the walk is over (positions are computed afterwards)."""

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
        self.reports: List[RuleReport] = []
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

            self._imports = ImportTable(self.module, *self._module_name())
        return self._imports

    def _module_name(self) -> Tuple[Optional[str], bool]:
        """The file's dotted module name and whether it is a package, for relative imports: the
        project index's when the run has one, else found from the file's folders."""
        if self.project is not None:
            try:
                name, is_package = self.project.module_of(self.path)
            except Exception:  # noqa: BLE001 - a path the index cannot place: fall back to the folders
                name, is_package = "", False
            if name:
                return name, is_package
        from .project import module_of_file

        return module_of_file(self.path)

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
        self.reports.append(RuleReport(rule, node, message, fix, tuple(self.stack)))



class Rule:
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    family: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.WARNING
    fix_safety: ClassVar[Optional[Safety]] = None
    default_enabled: ClassVar[bool] = True
    scope: ClassVar[str] = "file"
    # How often a finding is right (SARIF `precision`): very-high, high, medium, low.
    precision: ClassVar[str] = "high"
    # Regular expressions over the file's text. The rule runs on a file only
    # when one of them matches; a tuple of patterns matches when all do. An
    # empty tuple means the rule is run by the engine itself (RES000, RES900).
    # Triggers may over-approximate, never under-approximate.
    triggers: ClassVar[Tuple[TriggerSpec, ...]] = ()
    # Other linters' codes for the same problem (`E722` for a bare except): a line silenced for
    # them with `# noqa: E722` is not flagged by this rule either.
    other_tools_codes: ClassVar[Tuple[str, ...]] = ()
    # options this rule once had, dashed name -> what to do instead (config says so, and stops)
    removed_options: ClassVar[Mapping[str, str]] = {}
    METADATA_DEPENDENCIES: ClassVar[Tuple[Any, ...]] = ()
    Options: ClassVar[Type[Any]] = NoOptions

    _compiled: ClassVar[Optional[Tuple[Tuple[Trigger, ...], ...]]] = None
    _visitors: ClassVar[Optional[Dict[str, Tuple[Optional[str], Optional[str]]]]] = None

    def __init__(self, ctx: LintContext, options: Any):
        self.ctx = ctx
        self.options = options

    # -- reporting -----------------------------------------------------
    def report(self, node: "cst.CSTNode", message: str, *, fix: Optional[Replace] = None) -> None:
        """Report a finding at ``node``.

        A compound statement or an ``except``/``else``/``finally`` clause is
        reported at its header only (up to the colon), never its whole body.
        """
        self.ctx.add_report(self, node, message, fix)

    # -- metadata --------------------------------------------------------
    @classmethod
    def meta(cls) -> RuleMeta:
        return RuleMeta(
            code=cls.code,
            name=cls.name,
            family=cls.family,
            severity=cls.severity,
            fix_safety=cls.fix_safety,
            default_enabled=cls.default_enabled,
            scope=cls.scope,
            summary=cls.summary(),
        )

    @classmethod
    def summary(cls) -> str:
        from .docs import rule_summary

        return rule_summary(cls)

    @classmethod
    def option_triggers(cls, options: Any) -> Tuple[Tuple[str, ...], ...]:
        """More trigger groups implied by the options (e.g. user-configured names)."""
        return ()

    @classmethod
    def is_candidate(cls, text: str, options: Any = None, memo: Any = None) -> bool:
        """Whether a trigger group matches ``text``; ``memo`` (a :class:`reslint.triggers.SearchMemo`
        of ``text``) shares the searches with the other rules of the file."""
        compiled = cls.__dict__.get("_compiled")
        if compiled is None:
            compiled = _compile_triggers(cls.triggers)
            cls._compiled = compiled
        search = memo.search if memo is not None else (lambda p: p.search(text))
        if any(all(search(p) for p in group) for group in compiled):
            return True
        extra = cls.option_triggers(options) if options is not None else ()
        return bool(extra) and any(all(search(p) for p in group) for group in _compile_triggers(extra))

    @classmethod
    def is_project_candidate(cls, text: str, project: Any) -> bool:
        """For project-scope rules: the file may be flagged because of what the project index
        knows (e.g. it names a coroutine function defined in another module), although none of
        the text triggers matches."""
        return False

    @classmethod
    def is_ast_candidate(cls, tree: Any, text: str, options: Any = None, project: Any = None) -> bool:
        """A second filter, given the file's stdlib `ast` tree, for rules whose text triggers match
        most files (a loop and an `except` are everywhere). Like triggers it may over-approximate,
        never under-approximate: returning False means the rule cannot report in this file. A
        project-scope rule is given the project index (or None) as ``project``."""
        return True

    @classmethod
    def visitors(cls) -> Dict[str, Tuple[Optional[str], Optional[str]]]:
        """libcst node class name -> (visit method name, leave method name)."""
        cached = cls.__dict__.get("_visitors")
        if cached is None:
            out: Dict[str, list] = {}
            for attr in dir(cls):
                for prefix, slot in (("visit_", 0), ("leave_", 1)):
                    if attr.startswith(prefix) and callable(getattr(cls, attr)):
                        out.setdefault(attr[len(prefix):], [None, None])[slot] = attr
            cached = {k: (v[0], v[1]) for k, v in out.items()}
            cls._visitors = cached
        return cached


def _compile_triggers(specs: Sequence[TriggerSpec]) -> Tuple[Tuple[Trigger, ...], ...]:
    return tuple(
        tuple(trigger(p) for p in ((spec,) if isinstance(spec, str) else spec))
        for spec in specs
    )

