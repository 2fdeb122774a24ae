"""The JSON report (stable, versioned; documented in README.md, "JSON output").

Positions are 1-based lines and 1-based columns counted in Unicode code
points; `end` is exclusive. New keys may be added in a minor version;
existing keys keep their meaning while `schema_version` stays 1.
"""

from __future__ import annotations

import json
from typing import Any, Dict

from .. import __version__
from ..model import Edit, Finding, Span
from . import Report

SCHEMA_VERSION = 1


def _position(line: int, col: int) -> Dict[str, int]:
    return {"line": line, "column": col + 1}


def _span(span: Span) -> Dict[str, Any]:
    return {"start": _position(span.line, span.col), "end": _position(span.end_line, span.end_col)}


def _edit(edit: Edit) -> Dict[str, Any]:
    return {**_span(edit.span), "content": edit.content}


def finding_dict(finding: Finding, path: str, unsafe: bool) -> Dict[str, Any]:
    fix = None
    if finding.fix is not None:
        fix = {
            "title": finding.fix.title,
            "safety": finding.fix.safety.value,
            "applicable": finding.fix.applicable(unsafe),
            "edits": [_edit(e) for e in finding.fix.edits],
        }
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "path": path,
        **_span(finding.span),
        "context": finding.context,
        "fingerprint": finding.fingerprint,
        "suppressed": finding.suppressed,
        "fix": fix,
    }


def render(report: Report) -> str:
    findings = [finding_dict(f, r.path, report.unsafe_fixes) for r, f in report.findings()]
    active = report.active()
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "reslint", "version": __version__},
        "findings": findings,
        "notices": list(report.notices),
        "summary": {
            "files_checked": report.files_checked,
            "files_with_findings": len({r.path for r, _ in active}),
            "findings": len(active),
            "by_code": report.counts(),
            "fixed": report.fixed,
            "baselined": report.baselined,
            "stale_baseline_entries": sum(count for _, count, _ in report.stale),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
