"""SARIF 2.1.0 for GitHub code scanning and editors (VS Code SARIF Viewer).

What the consumers need and why each choice was made is in
shared/sarif/requirements.md; in short:
- one run; `results` always present; every enabled rule in `driver.rules`
  with both descriptions (<= 1024 characters), help text and Markdown,
  a default level, tags, precision and problem.severity;
- each result has exactly one location: a URI relative to the project root
  (forward slashes, percent-encoded, `uriBaseId: %SRCROOT%`) and a region with
  all four of startLine/startColumn/endLine/endColumn, 1-based, endColumn
  exclusive, columns in UTF-16 code units (`run.columnKind`);
- `partialFingerprints["reslint/v1"]` is reslint's own line-independent hash;
  `primaryLocationLineHash` is left to GitHub's upload action, which
  computes it from the checkout;
- fixes carry their edits as replacements in the same units, and their
  safety in `properties.safety`;
- files reslint could not read or parse (RES000) and internal errors are
  `toolExecutionNotifications` of level error, not results;
- suppressed findings appear only with --show-suppressed, marked inSource.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence, Type
from urllib.parse import quote

from .. import __version__
from ..docs import rule_markdown, rule_summary, sections
from ..model import Finding, Severity, Span
from ..rule import Rule
from ..source import line_index, utf16_column
from . import Report

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
def _information_uri() -> dict:
    """`informationUri` from the installed distribution's `Project-URL: Homepage` (set in
    pyproject's `[project.urls]` by whoever hosts reslint); none when it has none: a link to a
    page that does not exist is worse than no link (each rule carries its documentation as help)."""
    try:
        from importlib.metadata import PackageNotFoundError, metadata

        for entry in metadata("reslint").get_all("Project-URL") or ():
            label, _, url = entry.partition(",")
            if label.strip().lower() in ("homepage", "documentation", "source") and url.strip().startswith("https://"):
                return {"informationUri": url.strip()}
    except (PackageNotFoundError, ImportError, ValueError):
        pass
    return {}


FINGERPRINT_KEY = "reslint/v1"
SYNTAX_ERROR = "RES000"
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}
_LIMIT = 1024


def artifact_uri(rel_path: str) -> str:
    """A project-root-relative path as a URI reference: forward slashes, no `./`, percent-encoded.

    A file outside the project root keeps its absolute path, as a `file:` URI (see
    artifact_location): stripping its leading slash would point at a file that does not exist.
    """
    path = rel_path.replace("\\", "/")
    if _is_absolute(path):
        from pathlib import PurePosixPath, PureWindowsPath

        pure = PureWindowsPath(rel_path) if ":" in path[:3] else PurePosixPath(path)
        return pure.as_uri()
    while path.startswith("./"):
        path = path[2:]
    return quote(path, safe="/")


def _is_absolute(path: str) -> bool:
    return path.startswith("/") or (len(path) > 2 and path[1] == ":" and path[2] == "/")


def artifact_location(rel_path: str) -> Dict[str, str]:
    uri = artifact_uri(rel_path)
    if uri.startswith("file:"):
        return {"uri": uri}
    return {"uri": uri, "uriBaseId": "%SRCROOT%"}


def pascal_case(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-") if part)


def _clip(text: str) -> str:
    text = text.strip()
    if len(text) <= _LIMIT:
        return text
    cut = text[: _LIMIT - 1]
    return cut[: cut.rfind(" ")] + "…" if " " in cut else cut + "…"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def rule_descriptor(rule: Type[Rule], level: str) -> Dict[str, Any]:
    found = sections(rule)
    markdown = rule_markdown(rule)
    full = " ".join(
        " ".join(found.get(section, "").split()) for section in ("What it does", "Why is this bad?")
    )
    return {
        "id": rule.code,
        "name": pascal_case(rule.name),
        "shortDescription": {"text": _clip(rule_summary(rule))},
        "fullDescription": {"text": _clip(full)},
        "help": {"text": markdown, "markdown": markdown},
        "defaultConfiguration": {"level": level},
        "properties": {
            "tags": ["reliability", "resilience", rule.family],
            "precision": rule.precision,
            "problem.severity": _PROBLEM_SEVERITY[level],
        },
    }


class _Converter:
    """Code-point positions of one file -> SARIF regions in UTF-16 code units."""

    def __init__(self, source: Optional[str]):
        self.index = line_index(source) if source is not None else None

    def column(self, line: int, col: int) -> int:
        if self.index is None:
            return col + 1
        return utf16_column(self.index.line_text(line), col) + 1

    def region(self, span: Span) -> Dict[str, int]:
        return {
            "startLine": span.line,
            "startColumn": self.column(span.line, span.col),
            "endLine": span.end_line,
            "endColumn": self.column(span.end_line, span.end_col),
        }


def _location(artifact: Dict[str, str], region: Dict[str, int]) -> Dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": dict(artifact), "region": region}}


def _fix(finding: Finding, artifact: Dict[str, str], convert: _Converter) -> Optional[Dict[str, Any]]:
    fix = finding.fix
    if fix is None or not fix.edits:
        return None
    replacements = [
        {"deletedRegion": convert.region(edit.span), "insertedContent": {"text": edit.content}}
        for edit in fix.edits  # type: Edit
    ]
    return {
        "description": {"text": fix.title},
        "artifactChanges": [{"artifactLocation": dict(artifact), "replacements": replacements}],
        "properties": {"safety": fix.safety.value},
    }


def render(report: Report, rules: Sequence[Type[Rule]], levels: Dict[str, str], show_suppressed: bool = False) -> str:
    listed = [r for r in rules if r.code != SYNTAX_ERROR]
    index_of = {rule.code: i for i, rule in enumerate(listed)}
    results: List[Dict[str, Any]] = []
    notifications: List[Dict[str, Any]] = []
    for result in sorted(report.results, key=lambda r: r.rel or r.path):
        artifact = artifact_location(result.rel or result.path)
        convert = _Converter(result.source)
        for finding in result.findings:
            region = convert.region(finding.span)
            if finding.code == SYNTAX_ERROR:
                notifications.append({
                    "level": "error",
                    "message": {"text": _sentence(finding.message)},
                    "locations": [_location(artifact, region)],
                    "descriptor": {"id": SYNTAX_ERROR},
                })
                continue
            if finding.suppressed and not show_suppressed:
                continue
            item: Dict[str, Any] = {
                "ruleId": finding.code,
                "level": finding.severity.value,
                "message": {"text": _sentence(finding.message)},
                "locations": [_location(artifact, region)],
                "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
            }
            if finding.code in index_of:
                item["ruleIndex"] = index_of[finding.code]
            fix = _fix(finding, artifact, convert)
            if fix is not None:
                item["fixes"] = [fix]
            if finding.suppressed:
                item["suppressions"] = [{"kind": "inSource"}]
            results.append(item)
        for notice in result.notices:
            notifications.append({
                "level": "error" if result.internal_error else "warning",
                "message": {"text": _sentence(notice)},
                "locations": [{"physicalLocation": {"artifactLocation": dict(artifact)}}],
            })
    run = {
        "tool": {
            "driver": {
                "name": "reslint",
                "version": __version__,
                "semanticVersion": __version__,
                **_information_uri(),
                "rules": [rule_descriptor(rule, levels.get(rule.code, rule.severity.value)) for rule in listed],
            }
        },
        "automationDetails": {"id": "reslint/"},
        "columnKind": "utf16CodeUnits",
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "results": results,
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def severity_levels(rules: Sequence[Type[Rule]], overrides: Sequence[tuple]) -> Dict[str, str]:
    levels = {rule.code: rule.severity.value for rule in rules}
    for code, level in overrides:
        levels[code] = Severity(level).value
    return levels
