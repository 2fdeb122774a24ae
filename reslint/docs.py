"""A rule's documentation, from its docstring and its Options dataclass.

The docstring is Markdown with these sections, in this order:
What it does / Why is this bad? / Example / Use instead / Fix safety (when
the rule fixes) / Known limitations / References (optional ones may be
left out). The Options section is generated from the rule's ``Options``
dataclass (each field's ``metadata["doc"]``), so the defaults printed are
the ones the code uses.

The same text feeds ``reslint rule CODE``, SARIF ``help`` and the README table
(:func:`with_rules_table`, which ``scripts/update_generated.py`` writes).
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from typing import Dict, List, Tuple, Type

REQUIRED_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")
SECTION_ORDER = (
    "What it does", "Why is this bad?", "Example", "Use instead", "Fix safety",
    "Options", "Known limitations", "References",
)
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


def docstring(rule: type) -> str:
    return inspect.cleandoc(rule.__doc__ or "")


def sections(rule: type) -> Dict[str, str]:
    text = docstring(rule)
    out: Dict[str, str] = {}
    matches = list(_HEADING.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        out[match.group(1)] = text[match.end():end].strip()
    return out


def code_blocks(section_text: str) -> List[str]:
    return [m.group(1) for m in re.finditer(r"```(?:python|py)?\n(.*?)```", section_text, re.DOTALL)]


def rule_summary(rule: type) -> str:
    what = sections(rule).get("What it does", "")
    first = what.split("\n\n", 1)[0].replace("\n", " ").strip()
    return first


def option_key(field_name: str) -> str:
    return field_name.replace("_", "-")


def options_markdown(rule: type) -> str:
    opts = rule.Options
    fields = dataclasses.fields(opts) if dataclasses.is_dataclass(opts) else ()
    if not fields:
        return ""
    lines = [f"Set in `[tool.reslint.rules.{rule.code}]`:", ""]
    for f in fields:
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
        if isinstance(default, tuple):
            default = list(default)
        doc = f.metadata.get("doc", "")
        lines.append(f"- `{option_key(f.name)}` (default `{_toml(default)}`): {doc}")
    return "\n".join(lines)


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def rule_markdown(rule: Type) -> str:
    """The full documentation of a rule as Markdown."""
    found = sections(rule)
    options = options_markdown(rule)
    if options:
        found["Options"] = options
    fix = rule.fix_safety.value if rule.fix_safety else "none"
    header = [
        f"# {rule.code} {rule.name}",
        "",
        f"Family: {rule.family} · Severity: {rule.severity.value} · "
        f"{'On by default' if rule.default_enabled else 'Opt-in'} · Fix: {fix}",
        "",
    ]
    body = []
    for name in SECTION_ORDER:
        if name in found and found[name]:
            body.extend([f"## {name}", "", found[name], ""])
    for name, text in found.items():
        if name not in SECTION_ORDER and text:
            body.extend([f"## {name}", "", text, ""])
    return "\n".join(header + body).rstrip() + "\n"


def rules_table(rules) -> str:
    """The Markdown table of all rules, as kept in README.md."""
    rows = [
        "| Code | Name | Family | Default | Severity | Fix | What it does |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for rule in rules:
        fix = rule.fix_safety.value if rule.fix_safety else "—"
        summary = rule_summary(rule).replace("|", "\\|")
        rows.append(
            f"| {rule.code} | {rule.name} | {rule.family} | {'on' if rule.default_enabled else 'opt-in'} "
            f"| {rule.severity.value} | {fix} | {summary} |"
        )
    return "\n".join(rows) + "\n"


TABLE_START = "<!-- rules-table:start -->"
TABLE_END = "<!-- rules-table:end -->"


def table_span(readme: str) -> Tuple[int, int]:
    """Where the rules table sits in the README's text: between the lines of its two markers."""
    start, end = readme.find(TABLE_START + "\n"), readme.find(TABLE_END)
    if start < 0 or end < start:
        raise ValueError(f"the README has no `{TABLE_START}` line followed by a `{TABLE_END}` line")
    return start + len(TABLE_START) + 1, end


def with_rules_table(readme: str, rules) -> str:
    """The README's text with the table between its markers regenerated from ``rules``."""
    start, end = table_span(readme)
    return readme[:start] + rules_table(rules) + readme[end:]
