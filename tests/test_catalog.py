"""The registry is the catalog: every rule well-named, documented, tested and listed in the README.

The source of truth is the registry and the rules' docstrings; nothing here reads a file outside
the repository.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from reslint import docs, registry
from reslint.api import lint_source
from reslint.config import from_table

from .conftest import FIXTURES, ROOT, SNAPSHOTS, UPDATE_COMMAND, is_updating
from .helpers import expected

RULES = registry.all_rules()


def test_codes_and_names_are_well_formed_and_unique():
    codes = [rule.code for rule in RULES]
    names = [rule.name for rule in RULES]
    assert [c for c in codes if not re.fullmatch(r"RES\d{3}", c)] == []
    assert len(set(codes)) == len(codes)
    assert [n for n in names if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", n)] == []
    assert len(set(names)) == len(names)
    assert [c for c in codes if registry.is_reserved(c)] == [], "RES990-RES999 are for tests"


def test_one_family_per_hundred():
    """The code's family prefix (RES3) and the `family` attribute agree: one family name per hundred."""
    families = {}
    for rule in RULES:
        assert rule.family and rule.family == rule.family.lower(), f"{rule.code}: family {rule.family!r}"
        families.setdefault(rule.code[:4], {}).setdefault(rule.family, []).append(rule.code)
    mixed = {prefix: found for prefix, found in families.items() if len(found) > 1}
    assert mixed == {}, f"rules of one hundred disagree on their family: {mixed}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_documented(rule):
    found = docs.sections(rule)
    for section in docs.REQUIRED_SECTIONS:
        assert found.get(section), f"{rule.code} lacks a '{section}' section"
    if rule.fix_safety is not None:
        assert found.get("Fix safety"), f"{rule.code} fixes but does not say how safe the fix is"
    order = [name for name in found if name in docs.SECTION_ORDER]
    assert order == sorted(order, key=docs.SECTION_ORDER.index), f"{rule.code}: sections out of order: {order}"
    unknown = [name for name in found if name not in docs.SECTION_ORDER]
    assert unknown == [], f"{rule.code}: unknown sections {unknown}; they are {', '.join(docs.SECTION_ORDER)}"
    summary = docs.rule_summary(rule)
    assert summary and len(summary) <= 1024
    # the Options section is generated from the Options dataclass: each field says what it does
    assert dataclasses.is_dataclass(rule.Options), f"{rule.code}: Options must be a dataclass"
    undocumented = [f.name for f in dataclasses.fields(rule.Options) if not f.metadata.get("doc")]
    assert undocumented == [], f"{rule.code}: options without metadata['doc']: {undocumented}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_has_fixtures_and_snapshots(rule, request):
    folder = FIXTURES / rule.code
    cases = sorted(p for p in folder.glob("*.py") if not p.name.endswith(".fixed.py"))
    assert cases, f"{rule.code} has no fixtures: fixtures/{rule.code}/<case>.py"
    clean = folder / "clean.py"
    assert clean.exists(), f"{rule.code} has no fixtures/{rule.code}/clean.py of near-misses"
    assert not expected(clean.read_text(encoding="utf-8")), f"{rule.code}: clean.py holds `# expect:` markers"
    marked = [p for p in sorted(folder.rglob("*.py")) if any(c == rule.code for _, c in expected(p.read_text(encoding="utf-8")))]
    assert marked, f"no fixture of {rule.code} expects a finding (`# expect: {rule.code}`)"
    if not is_updating(request.config):  # an update run writes them (test_rules), maybe after this test
        missing = [p.name for p in cases if not (SNAPSHOTS / rule.code / f"{p.stem}.txt").exists()]
        assert missing == [], f"{rule.code}: no snapshot for {missing}: run `{UPDATE_COMMAND}`"


def test_every_fixture_folder_belongs_to_a_rule():
    folders = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
    assert [f for f in folders if f not in registry.by_code()] == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
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


def test_readme_rule_table_is_current(golden):
    """README.md's table between the rules-table markers is `reslint rules --format markdown`."""
    path = ROOT / "README.md"
    readme = path.read_text(encoding="utf-8")
    start, end = docs.table_span(readme)
    want = docs.rules_table(RULES)
    if golden.updating:
        if readme[start:end] != want:
            path.write_text(docs.with_rules_table(readme, RULES), encoding="utf-8")
            golden.record("updated", path)
        return
    assert readme[start:end] == want, f"README rule table is stale: regenerate it with `{UPDATE_COMMAND}`"


def test_with_rules_table_replaces_the_table_only():
    text = f"# x\n\n{docs.TABLE_START}\n| old |\n{docs.TABLE_END}\n\nafter {docs.TABLE_START}\n"
    updated = docs.with_rules_table(text, RULES[:1])
    assert updated == f"# x\n\n{docs.TABLE_START}\n{docs.rules_table(RULES[:1])}{docs.TABLE_END}\n\nafter {docs.TABLE_START}\n"
    assert docs.with_rules_table(updated, RULES[:1]) == updated
    with pytest.raises(ValueError, match="no `<!-- rules-table:start -->` line"):
        docs.with_rules_table("# x\n", RULES)


def test_markdown_listing_is_the_readme_table():
    from click.testing import CliRunner

    from reslint.cli import main

    out = CliRunner().invoke(main, ["rules", "--format", "markdown"])
    assert out.exit_code == 0
    assert out.output == docs.rules_table(RULES)
    assert [line.split(" | ")[0].lstrip("| ") for line in out.output.splitlines()[2:]] == [r.code for r in RULES]


def test_reslint_rule_command_prints_docs():
    from click.testing import CliRunner

    from reslint.cli import main

    for rule in RULES:
        out = CliRunner().invoke(main, ["rule", rule.code, "--format", "markdown"])
        assert out.exit_code == 0
        assert out.output.startswith(f"# {rule.code} {rule.name}")
        assert "## What it does" in out.output
        by_name = CliRunner().invoke(main, ["rule", rule.name, "--format", "markdown"])
        assert by_name.output == out.output


def test_readme_lists_every_other_linters_code():
    """README's table of other linters' codes is the registry's `other_tools_codes`, rule by rule."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme.index("<!-- other-tools:start -->"), readme.index("<!-- other-tools:end -->")
    rows = {}
    for line in readme[start:end].splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 2 and cells[0].startswith("RES"):
            rows[cells[0].split()[0]] = tuple(c.strip() for c in cells[1].split(","))
    want = {rule.code: tuple(rule.other_tools_codes) for rule in RULES if rule.other_tools_codes}
    assert rows == want
