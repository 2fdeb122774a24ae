"""`reslint server`: a Language Server Protocol server over stdio (pygls, lsprotocol).

What it answers:
- diagnostics on open, on change (debounced) and on save, from the engine ``check`` uses, on the
  buffer's text (:class:`reslint.editor.DocumentLinter`), with each file's own configuration;
- hover on a diagnostic: the rule's documentation, as ``reslint rule CODE`` prints it;
- code actions: each finding's fix (safe ones preferred, unsafe ones labelled), "Suppress CODE on
  this line", and ``source.fixAll.reslint`` (the fixes ``check --fix`` applies).

Linting runs on a thread pool, never on the event loop. A document is linted by one thread at a
time; an edit that arrives meanwhile is linted next, and a result for a version that is no longer
the document's is dropped unpublished. A rule that fails, or a lint that raises, is a
``window/logMessage`` line; the server goes on.

Settings come from ``initializationOptions``: ``select``, ``extendSelect``, ``ignore`` (lists of
selectors, as on the command line) and ``unsafeFixes`` (bool). They are logged at start.

This module imports pygls (the optional extra ``reslint[server]``): only ``reslint server``
imports it, after checking that pygls is installed.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from . import __version__
from .editor import DocumentLinter, Linted, LspText, check_overrides, fix_result, minimal_edits, ranges_touch, suppression_edit
from .model import Edit, Finding, Safety, Severity

DEBOUNCE_SECONDS = 0.3
SOURCE = "reslint"
FIX_ALL_KIND = "source.fixAll.reslint"
WORKERS = 2

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.NOTE: types.DiagnosticSeverity.Information,
}

log = logging.getLogger("reslint.server")


# -- settings ----------------------------------------------------------------------------------


def _selectors(value: Any) -> List[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return []
    out: List[str] = []
    for item in value:
        if isinstance(item, str):
            out.extend(part.strip() for part in item.split(",") if part.strip())
    return out


def client_settings(options: Any) -> Tuple[Dict[str, Any], List[str]]:
    """(config overrides, problems) from ``initializationOptions``: ``select``, ``extendSelect``,
    ``ignore``, ``unsafeFixes``; also accepted under a ``settings`` or ``reslint`` key."""
    problems: List[str] = []
    if not isinstance(options, dict):
        if options is not None:
            problems.append(f"initializationOptions must be an object, not {type(options).__name__}; ignored")
        return {}, problems
    for wrapper in ("reslint", "settings"):
        if isinstance(options.get(wrapper), dict):
            options = options[wrapper]
            break
    overrides: Dict[str, Any] = {}
    keys = {"select": "select", "extendSelect": "extend_select", "ignore": "ignore"}
    for key, name in keys.items():
        if key in options:
            selectors = _selectors(options[key])
            if selectors:
                overrides[name] = selectors
    if "unsafeFixes" in options:
        if isinstance(options["unsafeFixes"], bool):
            overrides["unsafe_fixes"] = options["unsafeFixes"]
        else:
            problems.append("unsafeFixes must be true or false; ignored")
    unknown = sorted(set(options) - set(keys) - {"unsafeFixes"})
    if unknown:
        problems.append(f"unknown setting{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                        "(known: select, extendSelect, ignore, unsafeFixes); ignored")
    why = check_overrides(overrides)
    if why is not None:
        problems.append(f"{why}; the selection overrides are ignored")
        overrides = {k: v for k, v in overrides.items() if k == "unsafe_fixes"}
    return overrides, problems


# -- the server --------------------------------------------------------------------------------


@dataclass
class _Document:
    """What the server keeps per open document."""

    debounce: Optional[asyncio.TimerHandle] = None
    running: bool = False
    again: bool = False  # a lint was asked for while one was running: run once more after it
    # the last lint published, and the lint with fix edits (code actions), by version
    published: Optional[Tuple[Optional[int], str, Linted]] = None
    with_edits: Optional[Tuple[Optional[int], str, Linted]] = None
    fixed_all: Optional[Tuple[Optional[int], str, Optional[str], bool]] = None
    tasks: set = field(default_factory=set)


class ReslintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("reslint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.linter = DocumentLinter()
        self.executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="reslint-lint")
        self.documents: Dict[str, _Document] = {}
        self.setting_problems: List[str] = []
        self.shutdown_requested = False
        self.shown_config_problems: set = set()
        self.background: set = set()  # tasks not tied to a document (kept: the loop holds them weakly)

    # -- helpers -----------------------------------------------------------------------------
    def log_line(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        log.log(logging.ERROR if kind == types.MessageType.Error else logging.INFO, "%s", message)
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # noqa: BLE001 - the client is gone: nothing to tell it
            pass

    @property
    def encoding(self) -> str:
        try:
            return str(self.workspace.position_encoding or "utf-16")
        except Exception:  # noqa: BLE001 - not initialized yet
            return "utf-16"

    def path_of(self, uri: str) -> Path:
        """The file a document stands for; an unsaved (untitled) one is linted as if it were a
        file of the workspace root."""
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path:
            return Path(path)
        root = None
        try:
            root = self.workspace.root_path
        except Exception:  # noqa: BLE001
            pass
        name = uri.rsplit("/", 1)[-1].split(":")[-1] or "untitled"
        if not name.endswith((".py", ".pyi")):
            name += ".py"
        return Path(root or Path.cwd()) / name

    def text_of(self, uri: str) -> Tuple[Optional[int], str]:
        document = self.workspace.get_text_document(uri)
        return document.version, document.source

    async def in_pool(self, fn, *args, **kwargs):
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, lambda: fn(*args, **kwargs))

    def spawn(self, uri: str, coroutine) -> None:
        state = self.documents.setdefault(uri, _Document())
        task = asyncio.ensure_future(coroutine)
        state.tasks.add(task)
        task.add_done_callback(state.tasks.discard)

    def report(self, uri: str, linted: Linted, before: Optional[Linted] = None) -> None:
        """Log the lint's notices (a rule that failed, an unknown code in a comment), each once
        while it lasts: not again on every keystroke."""
        seen = set(before.notices) if before is not None else set()
        for notice in linted.notices:
            if notice not in seen:
                self.log_line(f"{uri}: {notice}", types.MessageType.Warning)

    # -- linting -----------------------------------------------------------------------------
    def schedule(self, uri: str, delay: float = 0.0) -> None:
        """Lint ``uri`` after ``delay`` seconds; an earlier pending lint of it is dropped."""
        state = self.documents.setdefault(uri, _Document())
        if state.debounce is not None:
            state.debounce.cancel()
            state.debounce = None
        if delay <= 0:
            self.spawn(uri, self.lint_and_publish(uri))
            return
        loop = asyncio.get_running_loop()

        def fire() -> None:
            state.debounce = None
            self.spawn(uri, self.lint_and_publish(uri))

        state.debounce = loop.call_later(delay, fire)

    async def lint_and_publish(self, uri: str) -> None:
        state = self.documents.get(uri)
        if state is None:
            return
        if state.running:
            state.again = True
            return
        state.running = True
        try:
            while True:
                state.again = False
                if uri not in self.workspace.text_documents:
                    return
                version, text = self.text_of(uri)
                try:
                    linted = await self.in_pool(self.linter.lint, text, self.path_of(uri))
                except Exception as exc:  # noqa: BLE001 - a crash is a log line, never a dead server
                    log.debug("lint of %s failed", uri, exc_info=True)
                    self.log_line(f"{uri}: internal error while linting: {type(exc).__name__}: {exc} "
                                  "(please report this with the file)", types.MessageType.Error)
                    linted = None
                current = self.documents.get(uri)
                if linted is not None and current is state and uri in self.workspace.text_documents:
                    if self.text_of(uri)[0] == version:
                        self.publish(uri, version, text, linted)
                    # else: superseded by a newer version, whose lint is scheduled
                if not state.again:
                    return
        finally:
            state.running = False

    def publish(self, uri: str, version: Optional[int], text: str, linted: Linted) -> None:
        state = self.documents.setdefault(uri, _Document())
        self.report(uri, linted, state.published[2] if state.published is not None else None)
        state.published = (version, text, linted)
        if linted.config_error is not None:
            self.config_problem(linted.config_error)
        lsp_text = LspText(text, self.encoding)
        diagnostics = [diagnostic(finding, lsp_text) for finding in linted.findings]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))

    def config_problem(self, message: str) -> None:
        """A configuration that cannot be read: its documents are not linted; say so once."""
        if message not in self.shown_config_problems:
            self.shown_config_problems.add(message)
            self.log_line(f"configuration error: {message}", types.MessageType.Error)
            self.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Error, message=f"reslint: {message} (files under it are not linted)"))

    async def current(self, uri: str, *, want_edits: bool) -> Tuple[Optional[int], str, Linted]:
        """The lint of the document's current text (with fix edits when ``want_edits``), reused
        when that version was linted already."""
        state = self.documents.setdefault(uri, _Document())
        version, text = self.text_of(uri)
        for cached in ((state.with_edits,) if want_edits else (state.with_edits, state.published)):
            if cached is not None and cached[0] == version and cached[1] == text:
                return cached
        linted = await self.in_pool(self.linter.lint, text, self.path_of(uri), want_edits=want_edits)
        entry = (version, text, linted)
        if want_edits:
            state.with_edits = entry
        return entry

    async def fixed_all(self, uri: str) -> Tuple[Optional[int], str, Optional[str], bool]:
        """(version, text, the text with every fix `check --fix` would apply applied or None,
        whether unsafe fixes were included)."""
        state = self.documents.setdefault(uri, _Document())
        version, text = self.text_of(uri)
        cached = state.fixed_all
        if cached is not None and cached[0] == version and cached[1] == text:
            return cached
        fixed, notices, unsafe = await self.in_pool(self.linter.fix_all, text, self.path_of(uri))
        for notice in notices:
            self.log_line(f"{uri}: {notice}", types.MessageType.Warning)
        state.fixed_all = (version, text, fixed, unsafe)
        return state.fixed_all

    def workspace_edit(self, uri: str, version: Optional[int], text: str, edits: List[Edit]) -> types.WorkspaceEdit:
        lsp_text = LspText(text, self.encoding)
        text_edits = [types.TextEdit(range=lsp_range(lsp_text.position_of_offset(e.start), lsp_text.position_of_offset(e.end)),
                                     new_text=e.content) for e in sorted(edits, key=lambda e: e.start)]
        capabilities = self.client_capabilities
        workspace_edit = capabilities.workspace.workspace_edit if capabilities and capabilities.workspace else None
        if workspace_edit is not None and workspace_edit.document_changes:
            return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=text_edits)])
        return types.WorkspaceEdit(changes={uri: text_edits})

    # -- features ----------------------------------------------------------------------------
    async def code_actions(self, params: types.CodeActionParams) -> List[types.CodeAction]:
        uri = params.text_document.uri
        if uri not in self.documents or uri not in self.workspace.text_documents:
            return []
        only = list(params.context.only or ())

        def wanted(kind: str) -> bool:
            return not only or any(kind == k or kind.startswith(k + ".") for k in only)

        actions: List[types.CodeAction] = []
        if wanted(types.CodeActionKind.QuickFix):
            actions.extend(await self.quick_fixes(uri, params.range))
        if wanted(FIX_ALL_KIND):
            action = await self.fix_all_action(uri, lazy=not only and self.resolves_edits())
            if action is not None:
                actions.append(action)
        return actions

    async def quick_fixes(self, uri: str, where: types.Range) -> List[types.CodeAction]:
        wanted = ((where.start.line, where.start.character), (where.end.line, where.end.character))
        # the published lint says whether anything is there (the editor asks on every cursor move);
        # only then is the file linted again with its fixes' edits
        _, text, linted = await self.current(uri, want_edits=False)
        lsp_text = LspText(text, self.encoding)
        if not any(ranges_touch(lsp_text.span_range(f.span.line, f.span.col, f.span.end_line, f.span.end_col), wanted)
                   for f in linted.findings):
            return []
        version, text, linted = await self.current(uri, want_edits=True)
        lsp_text = LspText(text, self.encoding)
        names = _names_to_codes()
        fixes: List[types.CodeAction] = []
        suppressions: List[types.CodeAction] = []
        suppressed_codes = set()
        for finding in linted.findings:
            span = finding.span
            found = lsp_text.span_range(span.line, span.col, span.end_line, span.end_col)
            if not ranges_touch(found, wanted):
                continue
            diag = diagnostic(finding, lsp_text)
            fixed = fix_result(text, finding) if finding.fix is not None else None
            if fixed is not None and finding.fix is not None:
                safe = finding.fix.safety is Safety.SAFE
                title = f"{finding.code}: {finding.fix.title}" + ("" if safe else " (unsafe fix)")
                fixes.append(types.CodeAction(
                    title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diag], is_preferred=safe,
                    edit=self.workspace_edit(uri, version, text, minimal_edits(text, fixed))))
            key = (finding.code, span.line)
            if key in suppressed_codes:
                continue
            edit = suppression_edit(text, finding, names)
            if edit is not None:
                suppressed_codes.add(key)
                suppressions.append(types.CodeAction(
                    title=f"Suppress {finding.code} on this line", kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diag], is_preferred=False, edit=self.workspace_edit(uri, version, text, [edit])))
        return fixes + suppressions

    def resolves_edits(self) -> bool:
        capabilities = self.client_capabilities
        try:
            support = capabilities.text_document.code_action.resolve_support  # type: ignore[union-attr]
        except AttributeError:
            return False
        return support is not None and "edit" in (support.properties or [])

    async def fix_all_action(self, uri: str, *, lazy: bool) -> Optional[types.CodeAction]:
        version, _, linted = await self.current(uri, want_edits=False)
        if not any(f.fix is not None and f.fix.applicable(linted.unsafe_fixes) for f in linted.findings):
            return None  # nothing `check --fix` would apply: the fixer need not run
        if lazy:
            # the lightbulb asks on every cursor move: the fixer runs only if the action is picked
            return types.CodeAction(title=_fix_all_title(linted.unsafe_fixes), kind=FIX_ALL_KIND,
                                    data={"uri": uri, "version": version})
        version, text, fixed, unsafe = await self.fixed_all(uri)
        if fixed is None:
            return None
        return types.CodeAction(title=_fix_all_title(unsafe), kind=FIX_ALL_KIND,
                                edit=self.workspace_edit(uri, version, text, minimal_edits(text, fixed)))

    async def resolve(self, action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        uri = data.get("uri")
        if action.kind != FIX_ALL_KIND or not isinstance(uri, str) or uri not in self.documents:
            return action
        version, text, fixed, _ = await self.fixed_all(uri)
        action.edit = self.workspace_edit(uri, version, text, minimal_edits(text, fixed) if fixed is not None else [])
        return action

    async def hover(self, params: types.HoverParams) -> Optional[types.Hover]:
        uri = params.text_document.uri
        if uri not in self.documents or uri not in self.workspace.text_documents:
            return None
        _, text, linted = await self.current(uri, want_edits=False)
        lsp_text = LspText(text, self.encoding)
        point = ((params.position.line, params.position.character),) * 2
        hits = []
        for finding in linted.findings:
            span = finding.span
            found = lsp_text.span_range(span.line, span.col, span.end_line, span.end_col)
            if ranges_touch(found, point) and finding.code not in [f.code for f, _ in hits]:
                hits.append((finding, found))
        if not hits:
            return None
        from . import docs, registry

        parts = []
        for finding, _ in hits:
            rule = registry.lookup(finding.code)
            parts.append(docs.rule_markdown(rule) if rule is not None else f"{finding.code} {finding.name}\n")
        first = hits[0][1]
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n---\n\n".join(parts)),
                           range=lsp_range(*first))

    def warm_up(self) -> None:
        """Import the rules and libcst before the first document arrives (its lint is then as fast as
        any other)."""
        from .engine import lint_text
        from .config import Settings

        settings = Settings(root=Path.cwd())
        lint_text("import requests\n\ntry:\n    requests.get(url)\nexcept:\n    pass\n", "warm_up.py",
                  settings.ruleset_for("warm_up.py"), want_edits=True)


def _fix_all_title(unsafe: bool) -> str:
    return "reslint: fix all (safe and unsafe fixes)" if unsafe else "reslint: fix all safe fixes"


def _names_to_codes() -> Dict[str, str]:
    from .registry import names_to_codes

    return dict(names_to_codes())


def lsp_range(start: Tuple[int, int], end: Tuple[int, int]) -> types.Range:
    return types.Range(start=types.Position(line=start[0], character=start[1]),
                       end=types.Position(line=end[0], character=end[1]))


def diagnostic(finding: Finding, lsp_text: LspText) -> types.Diagnostic:
    span = finding.span
    start, end = lsp_text.span_range(span.line, span.col, span.end_line, span.end_col)
    return types.Diagnostic(
        range=lsp_range(start, end),
        message=f"{finding.message} ({finding.name})",
        severity=_SEVERITIES.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.code,
        source=SOURCE,
        tags=[types.DiagnosticTag.Unnecessary] if finding.code == "RES900" else None,
    )


def create_server() -> ReslintServer:
    server = ReslintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: ReslintServer, params: types.InitializeParams) -> None:
        overrides, problems = client_settings(params.initialization_options)
        ls.linter = DocumentLinter(overrides)
        ls.setting_problems = problems

    @server.feature(types.INITIALIZED)
    def initialized(ls: ReslintServer, params: types.InitializedParams) -> None:
        overrides = ls.linter.overrides
        shown = ", ".join(f"{key}={value!r}" for key, value in sorted(overrides.items())) or "none"
        root = None
        try:
            root = ls.workspace.root_path
        except Exception:  # noqa: BLE001
            pass
        ls.log_line(f"reslint {__version__} language server (Python {sys.version.split()[0]}); workspace root: "
                    f"{root or '(none)'}; settings from initializationOptions: {shown}; "
                    f"each file's configuration is its nearest pyproject.toml / reslint.toml")
        for problem in ls.setting_problems:
            ls.log_line(f"settings: {problem}", types.MessageType.Warning)

        async def warm() -> None:
            try:
                await ls.in_pool(ls.warm_up)
            except Exception as exc:  # noqa: BLE001
                ls.log_line(f"warm-up failed: {type(exc).__name__}: {exc}", types.MessageType.Error)

        task = asyncio.ensure_future(warm())
        ls.background.add(task)
        task.add_done_callback(ls.background.discard)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ReslintServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        if item.language_id not in ("python", "") and ls.path_of(item.uri).suffix not in (".py", ".pyi"):
            return  # a client that sends every file: only Python is linted
        ls.documents[item.uri] = _Document()
        ls.schedule(item.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ReslintServer, params: types.DidChangeTextDocumentParams) -> None:
        if params.text_document.uri in ls.documents:
            ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ReslintServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        dropped = ls.linter.file_saved(ls.path_of(uri))
        if uri in ls.documents:
            ls.schedule(uri)
        if dropped:
            # another open module may call what this one defines: lint them again with the new index
            for other in list(ls.documents):
                if other != uri and any(str(ls.path_of(other)).startswith(root) for root in dropped):
                    ls.schedule(other)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ReslintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        state = ls.documents.pop(uri, None)
        if state is not None and state.debounce is not None:
            state.debounce.cancel()
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=True))
    async def code_action(ls: ReslintServer, params: types.CodeActionParams) -> List[types.CodeAction]:
        return await ls.code_actions(params)

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(ls: ReslintServer, params: types.CodeAction) -> types.CodeAction:
        return await ls.resolve(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: ReslintServer, params: types.HoverParams) -> Optional[types.Hover]:
        return await ls.hover(params)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: ReslintServer, params: Any = None) -> None:
        ls.shutdown_requested = True
        for state in ls.documents.values():
            if state.debounce is not None:
                state.debounce.cancel()
        ls.executor.shutdown(wait=False, cancel_futures=True)

    return server


def serve() -> int:
    """Run the server on stdin/stdout until the client says exit; the process's exit code (0 after
    a shutdown request, 1 without one, as the protocol asks)."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="reslint server: %(levelname)s: %(message)s")
    import gc

    from .api import GC_THRESHOLD

    gc.set_threshold(*GC_THRESHOLD)  # a linter's allocations are acyclic (see reslint.api)
    server = create_server()
    server.start_io()
    return 0 if server.shutdown_requested else 1
