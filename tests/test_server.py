"""`reslint server`: the real server in a subprocess, driven over stdio by an LSP client
(tests/lsp_client.py): diagnostics, hover, code actions, settings, the project index, crashes,
shutdown."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from lsprotocol import types

from reslint import docs, registry, server
from reslint.api import lint_source
from reslint.config import load

from .lsp_client import LspClient, apply_workspace_edit

APP = textwrap.dedent('''\
    import os
    import queue
    import django  # a Django module: RES601's default scope
    import requests

    jobs = queue.Queue()


    def prepare_output(output_dir):
        if not os.path.exists(output_dir):
            os.makedirs(output_dir)


    def fetch(url):
        try:
            return requests.get(url)
        except:
            pass
''')

# (code, 0-based start line, start character, end line, end character) reslint reports in APP
APP_FINDINGS = [
    ("RES404", 5, 7, 5, 20),     # jobs = queue.Queue(): opt-in, selected by the client's extendSelect (so is RES601)
    ("RES601", 10, 8, 10, 31),   # os.makedirs(output_dir)
    ("RES101", 15, 15, 15, 27),  # requests.get
    ("RES301", 16, 4, 16, 11),   # except:
    ("RES302", 16, 4, 16, 11),
]

# the client's settings (initializationOptions) of the shared server: an unknown one is logged
OPTIONS = {"extendSelect": ["RES404", "RES601"], "ignore": ["RES102"], "unsafeFixes": False, "colour": "red"}


def found(params: types.PublishDiagnosticsParams) -> List[Tuple[str, int, int, int, int]]:
    return sorted(((str(d.code), d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
                   for d in params.diagnostics), key=lambda t: (t[1], t[2], t[0]))


def codes(params: types.PublishDiagnosticsParams) -> List[str]:
    return sorted(str(d.code) for d in params.diagnostics)


def make_project(root: Path) -> None:
    (root / "pyproject.toml").write_text("[tool.reslint]\n", encoding="utf-8")
    (root / "sub").mkdir()
    (root / "sub" / "reslint.toml").write_text('ignore = ["RES302"]\n', encoding="utf-8")
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (root / "pkg" / "mod.py").write_text("def fetch():\n    return 1\n", encoding="utf-8")
    (root / "broken").mkdir()
    (root / "broken" / "reslint.toml").write_text('selekt = ["RES1"]\n', encoding="utf-8")


@pytest.fixture(scope="module")
def lsp(tmp_path_factory):
    """One server for the tests that each use documents of their own."""
    root = tmp_path_factory.mktemp("lsp")
    make_project(root)
    client = LspClient(root, env={"RESLINT_CACHE_DIR": ""})
    try:
        client.init_result = client.initialize(root, OPTIONS, resolve=True)
        yield client, root
        assert client.shutdown_and_exit() == 0, client.stderr()
    finally:
        client.kill()


def test_initialize_capabilities_and_settings_logged(lsp):
    client, root = lsp
    result = client.init_result
    caps = result.capabilities
    assert result.server_info is not None and result.server_info.name == "reslint"
    assert caps.hover_provider
    assert isinstance(caps.code_action_provider, types.CodeActionOptions)
    assert set(caps.code_action_provider.code_action_kinds or ()) == {"quickfix", "source.fixAll.reslint"}
    assert isinstance(caps.text_document_sync, types.TextDocumentSyncOptions)
    assert caps.text_document_sync.open_close and caps.text_document_sync.save
    started = client.wait_for("window/logMessage", lambda p: "language server" in p["message"])
    assert "extend_select=['RES404', 'RES601'], ignore=['RES102'], unsafe_fixes=False" in started["message"]
    client.wait_for("window/logMessage", lambda p: "unknown setting colour" in p["message"])
    # the client's ignore applies: RES102 is not reported, though `check` reports it by default
    text = "import requests\n\nrequests.get(u, timeout=None)\n"
    assert [f.code for f in lint_source(text, "t.py", load(cwd=root)).findings] == ["RES102"]
    uri = client.open(root / "ignored.py", text)
    assert codes(client.diagnostics(uri)) == []


def test_open_publishes_diagnostics_with_codes_ranges_and_severities(lsp):
    client, root = lsp
    uri = client.open(root / "app.py", APP)
    params = client.diagnostics(uri)
    assert params.version == 1
    assert found(params) == sorted(APP_FINDINGS, key=lambda t: (t[1], t[2], t[0]))
    by_code: Dict[str, types.Diagnostic] = {str(d.code): d for d in params.diagnostics}
    assert all(d.source == "reslint" for d in params.diagnostics)
    assert by_code["RES301"].severity == types.DiagnosticSeverity.Error
    assert by_code["RES302"].severity == types.DiagnosticSeverity.Warning
    assert by_code["RES404"].severity == types.DiagnosticSeverity.Information  # a note
    assert by_code["RES301"].message.endswith("(bare-except)")
    # the same findings `check` reports for that file, with the same configuration
    settings = load(cwd=root, overrides={"extend_select": ["RES404", "RES601"]})
    result = lint_source(APP, "app.py", settings)
    assert sorted((f.code, f.span.line - 1, f.span.col) for f in result.findings) == \
        sorted((c, line, col) for c, line, col, _, _ in APP_FINDINGS)


def test_each_file_gets_its_own_config(lsp):
    client, root = lsp
    uri = client.open(root / "sub" / "app.py", APP)
    assert "RES302" not in codes(client.diagnostics(uri))  # sub/reslint.toml ignores it
    assert "RES301" in codes(client.diagnostics(uri))


def test_a_config_that_cannot_be_used_is_shown_and_nothing_is_linted(lsp):
    client, root = lsp
    uri = client.open(root / "broken" / "app.py", APP)
    assert client.diagnostics(uri).diagnostics == ()
    shown = client.wait_for("window/showMessage", lambda p: "selekt" in p["message"])
    assert shown["type"] == types.MessageType.Error.value
    assert "broken" in shown["message"] and "reslint.toml" in shown["message"]


def test_columns_are_utf16_code_units(lsp):
    client, root = lsp
    text = 'import requests\n\nx = "\U0001F600"; requests.get(x)\n'
    uri = client.open(root / "emoji.py", text)
    # the emoji is one code point but two UTF-16 code units: `requests` is at code point 9, character 10
    assert found(client.diagnostics(uri)) == [("RES101", 2, 10, 2, 22)]
    actions = client.code_actions(uri, types.Position(line=2, character=14))
    suppress = next(a for a in actions if a.title == "Suppress RES101 on this line")
    fixed = apply_workspace_edit(text, uri, suppress.edit)
    assert fixed.splitlines()[2] == 'x = "\U0001F600"; requests.get(x)  # reslint: ignore[RES101]'


def test_hover_shows_the_rule_documentation(lsp):
    client, root = lsp
    uri = client.open(root / "hover.py", APP)
    client.diagnostics(uri)
    hover = client.request("textDocument/hover", types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=15, character=20)),
        types.Hover)
    assert isinstance(hover.contents, types.MarkupContent) and hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value == docs.rule_markdown(registry.lookup("RES101"))  # what `reslint rule RES101` prints
    assert (hover.range.start.line, hover.range.start.character) == (15, 15)
    nothing = client.request("textDocument/hover", types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=0)))
    assert nothing is None


def _relint(client: LspClient, uri: str, text: str, version: int) -> types.PublishDiagnosticsParams:
    mark = client.mark()
    client.change(uri, text, version)
    return client.diagnostics(uri, version=version, after=mark)


def test_safe_fix_is_a_preferred_quick_fix_and_applying_it_clears_the_finding(lsp):
    client, root = lsp
    uri = client.open(root / "fix.py", APP)
    diagnostics = client.diagnostics(uri)
    actions = client.code_actions(uri, types.Position(line=10, character=12))
    fixes = [a for a in actions if a.title.startswith("RES")]
    assert [(a.title, a.kind, a.is_preferred) for a in fixes] == [
        ("RES601: Replace the check with `exist_ok=True`", types.CodeActionKind.QuickFix, True)]
    assert [str(d.code) for d in fixes[0].diagnostics or ()] == ["RES601"]
    fixed = apply_workspace_edit(APP, uri, fixes[0].edit)
    assert "os.makedirs(output_dir, exist_ok=True)" in fixed
    after = _relint(client, uri, fixed, 2)
    assert "RES601" not in codes(after)
    assert len(after.diagnostics) == len(diagnostics.diagnostics) - 1


def test_unsafe_fix_is_labelled_and_not_preferred(lsp):
    client, root = lsp
    uri = client.open(root / "unsafe.py", APP)
    client.diagnostics(uri)
    actions = client.code_actions(uri, types.Position(line=16, character=6))
    titles = {a.title: a for a in actions}
    unsafe = titles["RES301: Replace with `except Exception:` (unsafe fix)"]
    assert unsafe.is_preferred is False and unsafe.kind == types.CodeActionKind.QuickFix
    assert "Suppress RES301 on this line" in titles and "Suppress RES302 on this line" in titles
    fixed = apply_workspace_edit(APP, uri, unsafe.edit)
    assert "except Exception:" in fixed
    assert "RES301" not in codes(_relint(client, uri, fixed, 2))


def test_suppression_writes_a_comment_the_linter_reads(lsp):
    client, root = lsp
    uri = client.open(root / "suppress.py", APP)
    client.diagnostics(uri)
    actions = client.code_actions(uri, types.Position(line=15, character=20))
    suppress = next(a for a in actions if a.title == "Suppress RES101 on this line")
    assert suppress.is_preferred is False
    text = apply_workspace_edit(APP, uri, suppress.edit)
    assert text.splitlines()[15] == "        return requests.get(url)  # reslint: ignore[RES101]"
    assert "RES101" not in codes(_relint(client, uri, text, 2))

    # on a line with a reslint list already: the code joins the list
    actions = client.code_actions(uri, types.Position(line=16, character=4))
    first = next(a for a in actions if a.title == "Suppress RES301 on this line")
    text = apply_workspace_edit(text, uri, first.edit)
    after = _relint(client, uri, text, 3)
    assert "RES301" not in codes(after) and "RES302" in codes(after)
    actions = client.code_actions(uri, types.Position(line=16, character=4))
    second = next(a for a in actions if a.title == "Suppress RES302 on this line")
    text = apply_workspace_edit(text, uri, second.edit)
    assert text.splitlines()[16] == "    except:  # reslint: ignore[RES301, RES302]"
    assert codes(_relint(client, uri, text, 4)) == ["RES404", "RES601"]


def test_suppression_keeps_an_existing_comment_and_avoids_string_lines(lsp):
    client, root = lsp
    source = textwrap.dedent('''\
        import requests


        def get(url):
            return requests.get(url, headers={"X": """a
            b"""})  # keep me
    ''')
    uri = client.open(root / "comment.py", source)
    assert codes(client.diagnostics(uri)) == ["RES101"]
    actions = client.code_actions(uri, types.Position(line=4, character=20))
    suppress = next(a for a in actions if a.title == "Suppress RES101 on this line")
    text = apply_workspace_edit(source, uri, suppress.edit)
    # line 5 ends inside the string: the comment goes on the statement's last line, after the other
    assert text.splitlines()[5] == '    b"""})  # keep me  # reslint: ignore[RES101]'
    assert codes(_relint(client, uri, text, 2)) == []


def test_fix_all_applies_the_safe_fixes(lsp):
    client, root = lsp
    source = APP + textwrap.dedent('''\


        def prepare_logs(log_dir):
            if not os.path.isdir(log_dir):
                os.makedirs(log_dir)
    ''')
    uri = client.open(root / "fixall.py", source)
    assert codes(client.diagnostics(uri)).count("RES601") == 2
    actions = client.code_actions(uri, types.Position(line=0, character=0), only=["source.fixAll"])
    assert [(a.title, a.kind) for a in actions] == [("reslint: fix all safe fixes", "source.fixAll.reslint")]
    fixed = apply_workspace_edit(source, uri, actions[0].edit)
    assert fixed.count("exist_ok=True") == 2
    assert "except:" in fixed  # RES301's fix is unsafe: not applied
    # asked without a kind (the lightbulb), the fix-all comes unresolved: its edit is made when picked
    lazy = [a for a in client.code_actions(uri, types.Position(line=0, character=0))
            if a.kind == "source.fixAll.reslint"]
    assert len(lazy) == 1 and lazy[0].edit is None
    resolved = client.request("codeAction/resolve", lazy[0], types.CodeAction)
    assert apply_workspace_edit(source, uri, resolved.edit) == fixed
    after = codes(_relint(client, uri, fixed, 2))
    assert "RES601" not in after and "RES301" in after
    # nothing left to fix safely: no fix-all
    assert client.code_actions(uri, types.Position(line=0, character=0), only=["source.fixAll.reslint"]) == []
    # only quick fixes asked for: no fix-all either
    line = fixed.splitlines().index("    except:")
    quick = client.code_actions(uri, types.Position(line=line, character=4), only=["quickfix"])
    assert quick and all(a.kind == types.CodeActionKind.QuickFix for a in quick)


def test_did_change_updates_diagnostics_and_a_broken_buffer_is_res000(lsp):
    client, root = lsp
    uri = client.open(root / "change.py", "x = 1\n")
    assert codes(client.diagnostics(uri)) == []
    assert codes(_relint(client, uri, "try:\n    x()\nexcept:\n    pass\n", 2)) == ["RES301", "RES302"]
    broken = _relint(client, uri, "def f(:\n    pass\n", 3)
    assert found(broken) == [("RES000", 0, 6, 0, 7)]
    assert broken.diagnostics[0].severity == types.DiagnosticSeverity.Error
    # the server is still there, and the buffer's text is what is linted (the file is not on disk)
    assert not (root / "change.py").exists()
    assert codes(_relint(client, uri, APP, 4)) == sorted(c for c, *_ in APP_FINDINGS)


def test_a_newer_edit_supersedes_the_older_lint(lsp):
    client, root = lsp
    mark = client.mark()
    uri = client.open(root / "fast.py", APP * 40)  # long enough to be still linting when the edits arrive
    for version in range(2, 7):
        client.change(uri, APP if version % 2 == 0 else "y = 2\n", version)
    sent = time.monotonic()
    final = client.diagnostics(uri, version=6, after=mark)
    assert time.monotonic() - sent >= server.DEBOUNCE_SECONDS - 0.01  # changes wait for the typing to pause
    assert codes(final) == sorted(c for c, *_ in APP_FINDINGS)
    published = [m["params"].get("version") for m in client.notifications[mark:]
                 if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri]
    assert published == [6], published  # version 1's result came too late: dropped; 2 to 5 were never linted


def test_project_index_is_refreshed_when_a_module_is_saved(lsp):
    client, root = lsp
    user = "from pkg.mod import fetch\n\n\nasync def main():\n    fetch()\n"
    uri = client.open(root / "pkg" / "use.py", user)
    assert codes(client.diagnostics(uri)) == []  # fetch is a plain function on disk
    (root / "pkg" / "mod.py").write_text("async def fetch():\n    return 1\n", encoding="utf-8")
    mark = client.mark()
    client.notify("textDocument/didSave", types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=(root / "pkg" / "mod.py").as_uri())))
    assert codes(client.diagnostics(uri, after=mark)) == ["RES501"]


def test_close_clears_diagnostics(lsp):
    client, root = lsp
    uri = client.open(root / "close.py", APP)
    assert client.diagnostics(uri).diagnostics
    mark = client.mark()
    client.notify("textDocument/didClose", types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert not client.diagnostics(uri, after=mark).diagnostics


CRASHING = """
import sys
import reslint.engine
from reslint.rules.res301_bare_except import BareExcept

def boom(self, node):
    raise RuntimeError("boom in a rule")

BareExcept.visit_ExceptHandler = boom
real = reslint.engine.lint_text

def lint_text(text, *args, **kwargs):
    if "EXPLODE" in text:
        raise MemoryError("the engine itself failed")
    return real(text, *args, **kwargs)

reslint.engine.lint_text = lint_text
from reslint.cli import main
main(["server"], prog_name="reslint")
"""


def test_a_crash_is_a_log_line_and_the_server_goes_on(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.reslint]\n", encoding="utf-8")
    client = LspClient(tmp_path, argv=[sys.executable, "-c", CRASHING], env={"RESLINT_CACHE_DIR": ""})
    try:
        client.initialize(tmp_path)
        uri = client.open(tmp_path / "a.py", "try:\n    x()\nexcept:\n    pass\n")
        assert codes(client.diagnostics(uri)) == ["RES302"]  # RES301 crashed; the other rules reported
        client.wait_for("window/logMessage", lambda p: "boom in a rule" in p["message"])
        exploding = client.open(tmp_path / "b.py", "EXPLODE = 1\n")
        client.wait_for("window/logMessage", lambda p: "MemoryError" in p["message"] and exploding in p["message"])
        uri = client.open(tmp_path / "c.py", "import requests\nrequests.get(u)\n")
        assert codes(client.diagnostics(uri)) == ["RES101"]
        assert client.shutdown_and_exit() == 0
    finally:
        client.kill()


def test_exit_without_shutdown_is_exit_code_1(tmp_path):
    client = LspClient(tmp_path, env={"RESLINT_CACHE_DIR": ""})
    try:
        client.initialize(tmp_path)
        client.notify("exit")
        assert client.close() == 1
    finally:
        client.kill()


def test_without_pygls_one_line_error_and_exit_2(tmp_path):
    code = ("import sys\nsys.modules['pygls'] = None\nsys.modules['pygls.lsp.server'] = None\n"
            "from reslint.cli import main\nmain(['server'], prog_name='reslint')\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr == 'reslint: error: the language server needs pygls: pip install "reslint[server]"\n'
    assert proc.stdout == ""


def test_only_python_documents_are_linted(lsp):
    client, root = lsp
    path = root / "notes.txt"
    client.notify("textDocument/didOpen", types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=path.as_uri(), language_id="plaintext", version=1, text="try:\n    x()\nexcept:\n    pass\n")))
    assert client.code_actions(path.as_uri(), types.Position(line=2, character=2)) == []
    assert client.request("textDocument/hover", types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=types.Position(line=2, character=2))) is None
    assert not [m for m in client.notifications if m.get("params", {}).get("uri") == path.as_uri()]
