"""The registered rules are the catalog's, each documented, tested and listed in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reslint import docs, registry
from reslint.api import lint_source
from reslint.config import from_table

from .conftest import FIXTURES, ROOT, SNAPSHOTS

CATALOG = ROOT.parent / "shared" / "rule-catalog.md"
# The families whose issues have landed; later families add themselves here.
IMPLEMENTED_FAMILIES = ("RES0", "RES1", "RES2", "RES3", "RES5", "RES9")


def _catalog_rows():
    text = CATALOG.read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in re.finditer(r"^\|\s*(RES\d{3})\s*\|\s*([a-z-]+)\s*\|", text, re.MULTILINE)}


@pytest.mark.skipif(not CATALOG.exists(), reason="shared/rule-catalog.md is not beside the checkout")
def test_registered_codes_equal_catalog():
    rows = _catalog_rows()
    expected = {code: name for code, name in rows.items() if code.startswith(IMPLEMENTED_FAMILIES)}
    registered = {rule.code: rule.name for rule in registry.all_rules()}
    assert registered == expected


@pytest.mark.parametrize("rule", registry.all_rules(), ids=lambda r: r.code)
def test_rule_is_documented(rule):
    found = docs.sections(rule)
    for section in docs.REQUIRED_SECTIONS:
        assert found.get(section), f"{rule.code} lacks a '{section}' section"
    if rule.fix_safety is not None:
        assert found.get("Fix safety"), f"{rule.code} fixes but does not say how safe the fix is"
    order = [name for name in found if name in docs.SECTION_ORDER]
    assert order == sorted(order, key=docs.SECTION_ORDER.index), f"{rule.code}: sections out of order: {order}"
    summary = docs.rule_summary(rule)
    assert summary and len(summary) <= 1024


@pytest.mark.parametrize("rule", registry.all_rules(), ids=lambda r: r.code)
def test_rule_has_fixtures_and_snapshots(rule):
    cases = [p for p in (FIXTURES / rule.code).glob("*.py") if not p.name.endswith(".fixed.py")]
    assert cases, f"{rule.code} has no fixtures"
    assert (FIXTURES / rule.code / "clean.py").exists(), f"{rule.code} has no clean.py of near-misses"
    for case in cases:
        assert (SNAPSHOTS / rule.code / f"{case.stem}.txt").exists(), f"no snapshot for {case}"


@pytest.mark.parametrize("rule", registry.all_rules(), ids=lambda r: r.code)
def test_doc_examples(rule):
    """The Example must be flagged by the rule; the Use instead code must not."""
    found = docs.sections(rule)
    settings = from_table({"select": [rule.code, "RES301"] if rule.code == "RES900" else [rule.code]},
                          root=ROOT, where="test")
    for block in docs.code_blocks(found["Example"]):
        codes = {f.code for f in lint_source(block, "example.py", settings).findings}
        assert rule.code in codes, f"{rule.code}'s Example is not flagged:\n{block}"
    for block in docs.code_blocks(found["Use instead"]):
        codes = {f.code for f in lint_source(block, "example.py", settings).findings}
        assert rule.code not in codes, f"{rule.code}'s 'Use instead' code is flagged:\n{block}"


def test_every_visiting_rule_has_triggers():
    for rule in registry.all_rules():
        if rule.visitors():
            assert rule.triggers, f"{rule.code} visits nodes but declares no triggers: it would never run"


def test_readme_rule_table_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- rules-table:start -->") + len("<!-- rules-table:start -->\n")
    end = readme.index("<!-- rules-table:end -->")
    assert readme[start:end] == docs.rules_table(registry.all_rules()), (
        "README rule table is stale: regenerate it with `reslint rules --format markdown`"
    )


def test_reslint_rule_command_prints_docs():
    from click.testing import CliRunner

    from reslint.cli import main

    for rule in registry.all_rules():
        out = CliRunner().invoke(main, ["rule", rule.code, "--format", "markdown"])
        assert out.exit_code == 0
        assert out.output.startswith(f"# {rule.code} {rule.name}")
        assert "## What it does" in out.output
        by_name = CliRunner().invoke(main, ["rule", rule.name, "--format", "markdown"])
        assert by_name.output == out.output
