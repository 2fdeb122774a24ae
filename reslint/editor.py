"""What the language server does with an open document, without the protocol.

`reslint server` (:mod:`reslint.server`) keeps the LSP side: messages, versions, debouncing,
threads. Everything it asks of reslint goes through here, and none of it needs pygls:

- :func:`settings_for` finds a document's configuration (the one place that does);
- :class:`DocumentLinter` lints a buffer's text with the engine ``check`` uses
  (:func:`reslint.engine.lint_text`, never the file on disk), with the project index
  (:mod:`reslint.project`) for project-scope rules, kept per project root and dropped when a
  file of that project is saved; and fixes a whole buffer with ``--fix``'s fixer;
- :func:`suppression_edit` writes `# reslint: ignore[CODE]` where :mod:`reslint.suppression`
  will read it;
- :class:`LspText` converts reslint's positions (1-based lines, code-point columns, offsets)
  to LSP's (0-based lines, UTF-16 / UTF-8 / UTF-32 columns) and back.
"""

from __future__ import annotations

import io
import os
import threading
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from .config import ConfigError, Settings, apply_overrides
from .config import settings_for as config_settings_for
from .edits import apply_edits, edits_between
from .model import Edit, Finding, Safety
from .source import LineIndex

# the codes a line comment cannot silence: RES000 (the file was not linted) and RES900 (it is
# about a suppression comment itself)
UNSUPPRESSIBLE = frozenset({"RES000", "RES900"})


# -- configuration -----------------------------------------------------------------------------


def settings_for(path: Path, overrides: Optional[Mapping[str, Any]] = None) -> Settings:
    """The settings ``reslint check`` would use for the file ``path``, with the editor's
    ``overrides`` (``select``, ``extend_select``, ``ignore``, ``unsafe_fixes``) on top.

    The one function that looks a document's configuration up: :func:`reslint.config.settings_for`,
    as ``check`` does (the nearest config file above the file, `extend` followed; memoised, and
    checked against the config files on disk on every call, so an edited config applies to the
    next lint). Raises :class:`~reslint.config.ConfigError` for a configuration that cannot be used.
    """
    return config_settings_for(path, overrides=dict(overrides or {}), cwd=path.parent)


def check_overrides(overrides: Mapping[str, Any]) -> Optional[str]:
    """Why ``overrides`` cannot be applied (an unknown selector, ...), or None when they can."""
    try:
        apply_overrides(Settings(root=Path.cwd()), overrides)
    except ConfigError as exc:
        return str(exc)
    return None


# -- linting -----------------------------------------------------------------------------------


@dataclass
class Linted:
    """One lint of one buffer."""

    findings: Tuple[Finding, ...] = ()
    # problems that are not findings: a rule that failed (an internal error), a fix that was dropped
    notices: Tuple[str, ...] = ()
    internal_error: bool = False
    # the configuration could not be read: nothing was linted, this says why
    config_error: Optional[str] = None
    unsafe_fixes: bool = False


class DocumentLinter:
    """Lints buffers as ``reslint check`` would lint the files they are open from.

    Thread-safe: the server calls it from a pool of threads. One project index is kept per
    project root (:func:`reslint.project.project_root`, as ``check`` finds it: the config file's
    directory, else the VCS root above the file), built on first need and dropped by
    :meth:`file_saved` when a Python file below that root is saved.
    """

    def __init__(self, overrides: Optional[Mapping[str, Any]] = None, *, use_cache: bool = True):
        self.overrides = dict(overrides or {})
        self.use_cache = use_cache
        # "root\0settings root" -> a built reslint.project.ProjectIndex
        self._projects: Dict[str, Any] = {}
        self._lock = threading.Lock()
        # one index build at a time (a build walks the disk with discover's per-run memos)
        self._build_lock = threading.Lock()
        self._saves = 0  # files saved so far: an index built across a save is not kept

    # -- settings and paths ------------------------------------------------------------------
    def settings(self, path: Path) -> Settings:
        return settings_for(path, self.overrides)

    @staticmethod
    def rel(path: Path, settings: Settings) -> str:
        from .discover import root_relative

        return root_relative(os.path.abspath(str(path)), str(settings.root))

    # -- the project index -------------------------------------------------------------------
    def project(self, settings: Settings, path: Path) -> Any:
        """The project index for ``path`` (None when no enabled rule needs one)."""
        from . import project
        from .api import project_index
        from .discover import Target

        abs_path = os.path.abspath(str(path))
        lazy = project_index(settings, [Target(abs_path, abs_path, self.rel(path, settings))],
                             use_cache=self.use_cache)
        if lazy is None:
            return None
        root = str(project.project_root(settings.root, settings.config_path, [abs_path]))
        key = f"{root}\0{settings.root}"
        with self._lock:
            index = self._projects.get(key)
        if index is not None:
            return index
        with self._build_lock:  # the other threads that need it wait for this build
            with self._lock:
                index = self._projects.get(key)
            if index is None:
                from .discover import new_run

                with self._lock:
                    saves = self._saves
                new_run()  # look at the disk again: a file may have been saved since the last build
                index = lazy.resolve()
                with self._lock:
                    if saves == self._saves:
                        self._projects[key] = index
            return index

    def file_saved(self, path: Path) -> List[str]:
        """Drop the project indexes that cover ``path`` (a Python file); returns their roots."""
        if path.suffix not in (".py", ".pyi"):
            return []
        target = os.path.abspath(str(path))
        dropped = []
        with self._lock:
            self._saves += 1
            for key in list(self._projects):
                root = key.split("\0", 1)[0]
                if target.startswith(os.path.join(root, "")):
                    del self._projects[key]
                    dropped.append(root)
        return dropped

    def project_roots(self) -> List[str]:
        with self._lock:
            return sorted({key.split("\0", 1)[0] for key in self._projects})

    # -- lint and fix ------------------------------------------------------------------------
    def lint(self, text: str, path: Path, *, want_edits: bool = False) -> Linted:
        """Lint the buffer ``text`` as the file ``path``: findings (suppressed ones left out)."""
        from .engine import lint_text

        try:
            settings = self.settings(path)
        except ConfigError as exc:
            return Linted(config_error=str(exc))
        rel = self.rel(path, settings)
        ruleset = settings.ruleset_for(rel)
        project = self.project(settings, path)
        result = lint_text(text, rel, ruleset, want_edits=want_edits, project=project)
        return Linted(tuple(result.findings), tuple(result.notices), result.internal_error,
                      unsafe_fixes=settings.unsafe_fixes)

    def fix_all(self, text: str, path: Path) -> Tuple[Optional[str], Tuple[str, ...], bool]:
        """(the text with every fix ``check --fix`` would apply applied, or None when nothing
        changes; notices; whether unsafe fixes were applied too). Safe fixes, and unsafe ones when
        the settings allow them (``unsafe-fixes`` in the config, ``unsafeFixes`` from the client)."""
        from .fixer import fix_text

        try:
            settings = self.settings(path)
        except ConfigError as exc:
            return None, (str(exc),), False
        rel = self.rel(path, settings)
        outcome = fix_text(text, rel, settings.ruleset_for(rel), unsafe=settings.unsafe_fixes,
                           project=self.project(settings, path))
        notices = tuple(outcome.result.notices) + tuple(outcome.notices)
        return (outcome.text if outcome.text != text else None), notices, settings.unsafe_fixes


def fix_result(text: str, finding: Finding) -> Optional[str]:
    """The text with ``finding``'s fix applied, or None when it has no edits or the result would
    not parse (the fixer drops such a fix too)."""
    from .parsing import parses

    fix = finding.fix
    if fix is None or not fix.edits or fix.safety is Safety.DISPLAY_ONLY:
        return None
    try:
        fixed = apply_edits(text, fix.edits)
    except ValueError:
        return None
    return fixed if parses(fixed, finding.path) else None


def minimal_edits(old: str, new: str) -> List[Edit]:
    """The edits that turn ``old`` into ``new``, one per changed region."""
    return edits_between(old, new)


# -- suppression comments ----------------------------------------------------------------------


def _comment_lines(text: str) -> Optional[Set[int]]:
    """The lines at whose end a comment can be added: those that end outside a string and without
    a backslash continuation (a NEWLINE or NL token ends them). None when ``text`` cannot be
    tokenized."""
    lines: Set[int] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.NL):
                lines.add(tok.start[0])
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return lines


def suppression_edit(text: str, finding: Finding, names_to_codes: Mapping[str, str]) -> Optional[Edit]:
    """The edit that silences ``finding`` with `# reslint: ignore[CODE]`, or None when no line can
    take the comment.

    The comment goes on the finding's first line, else on the first or the last line of its
    statement (the lines :func:`reslint.suppression.apply` reads), never on a line that ends inside
    a string or with a backslash. A `# reslint: ignore[...]` already there gets the code appended
    to its list; any other comment stays, and the directive follows it.
    """
    from . import suppression

    if finding.code in UNSUPPRESSIBLE:
        return None
    index = LineIndex(text)
    safe = _comment_lines(text)
    candidates = [finding.span.line, *finding.statement_lines]
    directives = suppression.parse(text, names_to_codes)
    for line in dict.fromkeys(candidates):
        if not 1 <= line <= index.line_count:
            continue
        line_text = index.line_text(line)
        if safe is None:
            if line_text.rstrip().endswith("\\"):
                continue
        elif line not in safe:
            continue
        for directive in directives:
            if (directive.line == line and directive.kind == "ignore" and not directive.file_level
                    and directive.codes is not None):
                start, end = index.offset(line, directive.col), index.offset(line, directive.end_col)
                content = f"# reslint: ignore[{', '.join(directive.raw_codes + (finding.code,))}]"
                return Edit(start, end, content, index.span(start, end))
        code_end = len(line_text.rstrip())
        start, end = index.offset(line, code_end), index.offset(line, len(line_text))
        content = ("  " if code_end else "") + f"# reslint: ignore[{finding.code}]"
        return Edit(start, end, content, index.span(start, end))
    return None


# -- positions ---------------------------------------------------------------------------------


def _units(text: str, encoding: str) -> int:
    if text.isascii():
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class LspText:
    """One text's positions in LSP terms: 0-based lines (ended by \\r\\n, \\r or \\n, as LSP and
    reslint both count them) and columns in the negotiated encoding's code units."""

    def __init__(self, text: str, encoding: str = "utf-16"):
        self.text = text
        self.encoding = encoding.lower()
        self.index = LineIndex(text)

    def position(self, line: int, col: int) -> Tuple[int, int]:
        """reslint's (1-based line, code-point column) -> LSP's (line, character)."""
        if line > self.index.line_count:
            last = self.index.line_count
            return last - 1, _units(self.index.line_text(last), self.encoding)
        line_text = self.index.line_text(line)
        return line - 1, _units(line_text[:col], self.encoding)

    def position_of_offset(self, offset: int) -> Tuple[int, int]:
        line, col = self.index.position(offset)
        return self.position(line, col)

    def offset(self, line: int, character: int) -> int:
        """LSP's (line, character) -> a code-point offset in the text (clamped to it)."""
        if line < 0:
            return 0
        if line >= self.index.line_count:
            return len(self.text)
        line_text = self.index.line_text(line + 1)
        if line_text.isascii() or self.encoding == "utf-32":
            col = min(character, len(line_text))
        else:
            col = 0
            used = 0
            for ch in line_text:
                if used >= character:
                    break
                used += _units(ch, self.encoding)
                col += 1
        return self.index.offset(line + 1, col)

    def span_range(self, line: int, col: int, end_line: int, end_col: int) -> Tuple[Tuple[int, int], Tuple[int, int]]:
        return self.position(line, col), self.position(end_line, end_col)


def ranges_touch(a: Sequence[Tuple[int, int]], b: Sequence[Tuple[int, int]]) -> bool:
    """Whether two LSP ranges ((line, character) start and end pairs) overlap or touch."""
    return tuple(a[0]) <= tuple(b[1]) and tuple(b[0]) <= tuple(a[1])
