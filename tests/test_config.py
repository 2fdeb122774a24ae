"""Configuration: discovery, selectors, per-file ignores, rule options, errors that name the problem."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from reslint.api import lint_source
from reslint.config import ConfigError, from_table, load


# the selector tests are written against these families; rules of other families are left out
_FAMILIES = ("RES0", "RES1", "RES3", "RES9")


def codes(settings, path="pkg/mod.py"):
    return sorted(r.code for r in settings.enabled_rules(settings.file_ignores(path)) if r.code.startswith(_FAMILIES))


def table(**kw):
    return from_table({k.replace("_", "-"): v for k, v in kw.items()}, root=Path("/proj"), where="test")


def test_defaults_are_the_default_enabled_rules():
    from reslint import registry

    assert codes(table()) == ["RES000", "RES101", "RES102", "RES103", "RES301", "RES302", "RES303"]
    every = sorted(r.code for r in table().enabled_rules(table().file_ignores("pkg/mod.py")))
    assert every == sorted(c for c, cls in registry.by_code().items() if cls.default_enabled)


@pytest.mark.parametrize("select,ignore,extend,want", [
    (["RES3"], [], [], ["RES301", "RES302", "RES303"]),
    (["RES3"], ["RES30"], ["RES301"], ["RES301"]),       # the more specific wins
    (["RES301"], ["RES301"], [], []),                     # ignore wins ties
    (["ALL"], ["RES3", "RES1"], [], ["RES000", "RES900"]),
    (["RES"], ["RES1"], [], ["RES000", "RES301", "RES302", "RES303", "RES900"]),  # prefixes select opt-in rules
    (["RES0", "RES3"], ["bare-except"], ["unused-suppression"], ["RES000", "RES302", "RES303", "RES900"]),  # names
    (None, ["RES3", "RES1"], ["RES302"], ["RES000", "RES302"]),
])
def test_selectors(select, ignore, extend, want):
    kw = {"ignore": ignore, "extend_select": extend}
    if select is not None:
        kw["select"] = select
    assert codes(table(**kw)) == want


def test_per_file_ignores():
    settings = table(per_file_ignores={"tests/**": ["RES302"], "*_legacy.py": ["RES3"], "scripts/": ["bare-except"]})
    assert "RES302" not in codes(settings, "tests/unit/test_x.py")
    assert "RES302" in codes(settings, "src/tests.py")
    assert codes(settings, "pkg/old_legacy.py") == ["RES000", "RES101", "RES102", "RES103"]
    assert "RES301" not in codes(settings, "scripts/run.py")
    assert "RES301" in codes(settings, "src/scripts.py")


@pytest.mark.parametrize("data,message", [
    ({"selct": ["RES3"]}, "test: unknown key `selct` (did you mean `select`?)"),
    ({"select": "RES3"}, "test: `select` must be a list of strings, got string 'RES3'"),
    ({"select": ["RES39"]}, "test: unknown rule code or selector `RES39` in `select`"),
    ({"ignore": ["bare-excep"]}, "test: unknown rule code or selector `bare-excep` in `ignore` (did you mean `bare-except`?)"),
    ({"rules": {"RES399": {}}}, "test: unknown rule `RES399` in [rules]"),
    ({"rules": {"RES302": {"cleanup-call": []}}}, "test: [rules.RES302]: unknown option `cleanup-call` for RES302 (swallowed-exception) (did you mean `cleanup-calls`?)"),
    ({"rules": {"RES301": {"x": 1}}}, "test: [rules.RES301]: unknown option `x` for RES301 (bare-except); RES301 has no options"),
    ({"rules": {"RES302": {"cleanup-calls": "close"}}}, "test: [rules.RES302]: `cleanup-calls` must be a list, got string 'close'"),
    ({"rules": {"RES303": {"cancellation-exceptions": [1]}}}, "test: [rules.RES303]: `cancellation-exceptions` must be a string, got number 1"),
    ({"respect-gitignore": "yes"}, "test: `respect-gitignore` must be true or false, got string 'yes'"),
    ({"severity": {"RES302": "fatal"}}, 'test: severity of `RES302` must be "error", "warning" or "note", got string \'fatal\''),
    ({"target-version": "py27"}, "test: `target-version` must be one of py38"),
])
def test_errors_name_the_problem(data, message):
    with pytest.raises(ConfigError) as info:
        from_table(data, root=Path("/proj"), where="test")
    assert str(info.value).startswith(message)


def test_nearest_pyproject_with_section_wins(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.reslint]\nignore = ["RES302"]\n')
    sub = tmp_path / "pkg" / "inner"
    sub.mkdir(parents=True)
    (tmp_path / "pkg" / "pyproject.toml").write_text('[project]\nname = "x"\n')  # no [tool.reslint]: skipped
    settings = load(cwd=sub)
    assert settings.config_path == tmp_path / "pyproject.toml"
    assert settings.root == tmp_path
    assert "RES302" not in codes(settings)


def test_reslint_toml_top_level_keys(tmp_path):
    (tmp_path / "reslint.toml").write_text('select = ["RES301"]\n')
    assert codes(load(cwd=tmp_path)) == ["RES301"]


def test_invalid_toml_names_file_and_position(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.reslint]\nselect = ["a" "b"]\nignore = []\n')
    with pytest.raises(ConfigError) as info:
        load(cwd=tmp_path)
    assert str(info.value).startswith(f"{tmp_path / 'pyproject.toml'}: invalid TOML:")
    assert "line 2" in str(info.value)


def test_error_names_the_config_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.reslint]\n[tool.reslint.rules.RES302]\ncleanup-calls = 3\n')
    with pytest.raises(ConfigError) as info:
        load(cwd=tmp_path)
    assert str(info.value) == (
        f"{tmp_path / 'pyproject.toml'} [tool.reslint]: [rules.RES302]: `cleanup-calls` must be a list, got number 3"
    )


def test_rule_options_reach_the_rule():
    source = textwrap.dedent(
        """\
        def shutdown(conn):
            try:
                conn.close()
            except Exception:
                pass
        """
    )
    default = from_table({"select": ["RES302"]}, root=Path("/p"), where="t")
    assert lint_source(source, "m.py", default).findings == ()
    strict = from_table({"select": ["RES302"], "rules": {"swallowed-exception": {"cleanup-calls": []}}},
                        root=Path("/p"), where="t")
    assert [f.code for f in lint_source(source, "m.py", strict).findings] == ["RES302"]


def test_severity_override():
    settings = from_table({"select": ["RES302"], "severity": {"RES302": "error"}}, root=Path("/p"), where="t")
    finding = lint_source("try:\n    x()\nexcept Exception:\n    pass\n", "m.py", settings).findings[0]
    assert finding.severity.value == "error"
