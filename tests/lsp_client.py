"""A small synchronous LSP client for the tests: `reslint server` in a subprocess, spoken to over its
stdin/stdout with JSON-RPC messages in Content-Length frames, typed with lsprotocol.

(pytest-lsp would do this too, but it needs Python 3.10+ and pytest-asyncio; reslint supports 3.9.)
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from lsprotocol import converters, types

TIMEOUT = 30.0

converter = converters.get_converter()


def to_json(value: Any) -> Any:
    return converter.unstructure(value)


def from_json(value: Any, cls: Any) -> Any:
    return converter.structure(value, cls)


class LspError(Exception):
    pass


class LspClient:
    """``python -m reslint server`` (or ``argv``) with a reader thread that files every message."""

    def __init__(self, cwd: Path, argv: Optional[Sequence[str]] = None, env: Optional[Dict[str, str]] = None):
        self.stderr_path = Path(cwd) / f".lsp-stderr-{os.getpid()}-{id(self)}.txt"
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            list(argv or [sys.executable, "-m", "reslint", "server"]),
            cwd=str(cwd), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            env={**os.environ, **(env or {})},
        )
        self._next_id = 0
        self._responses: Dict[int, "queue.Queue[dict]"] = {}
        self._lock = threading.Lock()
        self.notifications: List[dict] = []
        self._arrived = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # -- framing -----------------------------------------------------------------------------
    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
            if length is None:
                continue
            message = json.loads(stream.read(length).decode("utf-8"))
            if "id" in message and "method" in message:  # a request from the server: answer null
                self._send({"id": message["id"], "result": None})
            elif "id" in message:
                with self._lock:
                    box = self._responses.setdefault(message["id"], queue.Queue())
                box.put(message)
            else:
                with self._arrived:
                    self.notifications.append(message)
                    self._arrived.notify_all()

    # -- messages ----------------------------------------------------------------------------
    def request(self, method: str, params: Any = None, result_type: Any = None, timeout: float = TIMEOUT) -> Any:
        with self._lock:
            self._next_id += 1
            msg_id = self._next_id
            box = self._responses.setdefault(msg_id, queue.Queue())
        message: Dict[str, Any] = {"id": msg_id, "method": method}
        if params is not None:
            message["params"] = to_json(params)
        self._send(message)
        try:
            response = box.get(timeout=timeout)
        except queue.Empty:
            raise LspError(f"no answer to {method} within {timeout} s; server stderr:\n{self.stderr()}") from None
        if "error" in response:
            raise LspError(f"{method} failed: {response['error']}")
        result = response.get("result")
        return from_json(result, result_type) if result_type is not None and result is not None else result

    def notify(self, method: str, params: Any = None) -> None:
        message: Dict[str, Any] = {"method": method}
        if params is not None:
            message["params"] = to_json(params)
        self._send(message)

    def wait_for(self, method: str, predicate: Callable[[dict], bool] = lambda p: True, timeout: float = TIMEOUT,
                 after: int = 0) -> dict:
        """The params of the first notification ``method`` (from index ``after``) that satisfies
        ``predicate``."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for message in self.notifications[after:]:
                    if message.get("method") == method and predicate(message.get("params")):
                        return message["params"]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LspError(f"no {method} notification within {timeout} s; got "
                                   f"{[m.get('method') for m in self.notifications]}; stderr:\n{self.stderr()}")
                self._arrived.wait(left)

    def mark(self) -> int:
        """Where the notifications received so far end (for ``wait_for(after=...)``)."""
        with self._arrived:
            return len(self.notifications)

    def diagnostics(self, uri: str, version: Optional[int] = None, after: int = 0,
                    timeout: float = TIMEOUT) -> types.PublishDiagnosticsParams:
        params = self.wait_for(
            "textDocument/publishDiagnostics",
            lambda p: p["uri"] == uri and (version is None or p.get("version") == version),
            timeout=timeout, after=after)
        return from_json(params, types.PublishDiagnosticsParams)

    def log_messages(self) -> List[str]:
        with self._arrived:
            return [m["params"]["message"] for m in self.notifications if m.get("method") == "window/logMessage"]

    def stderr(self) -> str:
        try:
            return self.stderr_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    # -- the session -------------------------------------------------------------------------
    def initialize(self, root: Path, options: Any = None, *, resolve: bool = False) -> types.InitializeResult:
        capabilities = types.ClientCapabilities(
            workspace=types.WorkspaceClientCapabilities(
                workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True)),
            text_document=types.TextDocumentClientCapabilities(
                code_action=types.CodeActionClientCapabilities(
                    resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]) if resolve else None),
                publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True)),
        )
        params = types.InitializeParams(
            process_id=os.getpid(), root_uri=root.as_uri(), capabilities=capabilities,
            initialization_options=options,
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        )
        result = self.request("initialize", params, types.InitializeResult)
        self.notify("initialized", types.InitializedParams())
        return result

    def open(self, path: Path, text: str, version: int = 1) -> str:
        uri = path.as_uri()
        self.notify("textDocument/didOpen", types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)))
        return uri

    def change(self, uri: str, text: str, version: int) -> None:
        self.notify("textDocument/didChange", types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))

    def code_actions(self, uri: str, start: types.Position, end: Optional[types.Position] = None,
                     only: Optional[List[str]] = None, diagnostics: Sequence[types.Diagnostic] = ()) -> List[types.CodeAction]:
        params = types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(start=start, end=end or start),
            context=types.CodeActionContext(diagnostics=list(diagnostics), only=only))
        return self.request("textDocument/codeAction", params, List[types.CodeAction]) or []

    def shutdown_and_exit(self, timeout: float = TIMEOUT) -> int:
        self.request("shutdown")
        self.notify("exit")
        return self.close(timeout)

    def close(self, timeout: float = TIMEOUT) -> int:
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        except OSError:
            pass
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=TIMEOUT)
            raise
        finally:
            self._stderr.close()
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=TIMEOUT)
        self._stderr.close()


def apply_text_edits(text: str, edits: Sequence[types.TextEdit]) -> str:
    """Apply LSP text edits (UTF-16 positions, all relative to ``text``) as a client does."""
    starts = [0]
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\r" and text[i + 1:i + 2] == "\n":
            starts.append(i + 2)
            i += 2
            continue
        if ch in "\r\n":
            starts.append(i + 1)
        i += 1

    def offset(position: types.Position) -> int:
        if position.line >= len(starts):
            return len(text)
        start = starts[position.line]
        col = units = 0
        while units < position.character and start + col < len(text) and text[start + col] not in "\r\n":
            units += 2 if ord(text[start + col]) > 0xFFFF else 1
            col += 1
        return start + col

    out = text
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        out = out[:offset(edit.range.start)] + edit.new_text + out[offset(edit.range.end):]
    return out


def apply_workspace_edit(text: str, uri: str, edit: types.WorkspaceEdit) -> str:
    edits: List[types.TextEdit] = []
    if edit.document_changes:
        for change in edit.document_changes:
            assert isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri
            edits.extend(change.edits)  # type: ignore[arg-type]
    if edit.changes:
        edits.extend(edit.changes.get(uri, []))
    return apply_text_edits(text, edits)
