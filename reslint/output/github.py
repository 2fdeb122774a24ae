"""GitHub Actions workflow commands: one annotation per finding, its path relative to the repository root."""

from __future__ import annotations

from . import Report

_LEVEL = {"error": "error", "warning": "warning", "note": "notice"}


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for result, finding in report.active():
        span = finding.span
        props = ",".join([
            # relative to the repository root (the run's report root), as GitHub resolves it and as
            # SARIF's artifact locations are: the same from any working directory
            f"file={_escape_property(result.rel if result.rel and result.rel != '-' else result.path)}",
            f"line={span.line}",
            f"col={span.col + 1}",
            f"endLine={span.end_line}",
            f"endColumn={max(span.end_col, 1)}",  # inclusive, 1-based
            f"title={_escape_property(f'{finding.code} {finding.name}')}",
        ])
        lines.append(f"::{_LEVEL[finding.severity.value]} {props}::{_escape_data(finding.message)}")
    return "\n".join(lines) + ("\n" if lines else "")
