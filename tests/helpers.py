"""Shared by the tests: lint a fixture the way the harness of the design describes."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Dict, Optional, Set, Tuple

from reslint.api import lint_source
from reslint.config import Settings, from_table, parse_test_header
from reslint.model import FileResult
from reslint.output import Report
from reslint.output.text import make_console, print_findings

EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")


def expected(text: str) -> Set[Tuple[int, str]]:
    out = set()
    for number, line in enumerate(text.splitlines(), 1):
        match = EXPECT.search(line)
        if match:
            for code in re.split(r"[,\s]+", match.group(1).strip()):
                if code:
                    out.add((number, code))
    return out


def settings_for(code: str, text: str, root: Path) -> Settings:
    table: Dict = {"select": [code]}
    table.update(parse_test_header(text))
    return from_table(table, root=root, where="fixture header")


def lint_fixture(path: Path, code: str, *, fix: bool = False, text: Optional[str] = None) -> FileResult:
    text = path.read_text(encoding="utf-8") if text is None else text
    settings = settings_for(code, text, path.parent)
    rel = f"fixtures/{code}/{path.name}"
    return lint_source(text, rel, settings, fix=fix, unsafe_fixes=True)


def render_text(result: FileResult) -> str:
    """The findings of the text report, as `reslint check --show-source --quiet --color never` prints them."""
    stream = io.StringIO()
    print_findings(make_console(stream, color=False), Report([result], files_checked=1), show_source=True)
    return stream.getvalue()
