"""Configuration: discovery, selectors, per-file ignores, rule options, errors that name the problem."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from reslint import config, registry
from reslint.api import lint_source
from reslint.config import ConfigError, from_table, load
from reslint.rule import Rule


def codes(settings, path="pkg/mod.py"):
    return sorted(r.code for r in settings.enabled_rules(settings.file_ignores(path)))


def table(**kw):
    return from_table({k.replace("_", "-"): v for k, v in kw.items()}, root=Path("/proj"), where="test")


def _stub(code, name, default_enabled=True):
    return type(f"Stub{code}", (Rule,), {"code": code, "name": name, "family": "test",
                                         "default_enabled": default_enabled, "__module__": __name__})


# The selector tests run against these stub rules only (codes in the test-only range RES990-RES999),
# so a new shipped rule changes none of their expectations.
STUBS = (
    _stub("RES990", "alpha-stub"),
    _stub("RES991", "beta-stub"),
    _stub("RES992", "gamma-stub"),
    _stub("RES993", "opt-in-stub", default_enabled=False),
)


@pytest.fixture
def stub_rules(monkeypatch):
    """The registry holds exactly STUBS for this test."""
    rules = registry.validate_rules(STUBS, shipped=False)
    monkeypatch.setattr(registry, "all_rules", lambda: rules)
    config._ruleset.cache_clear()  # rule sets built from the real registry must not leak in, nor ours out
    yield rules
    config._ruleset.cache_clear()


def test_stub_registry_is_in_place(stub_rules):
    assert [r.code for r in registry.all_rules()] == ["RES990", "RES991", "RES992", "RES993"]
    assert registry.lookup("beta-stub") is STUBS[1] and registry.lookup("RES301") is None
    with pytest.raises(ConfigError, match="unknown rule code or selector `RES301`"):
        table(select=["RES301"])


def test_defaults_are_the_default_enabled_rules(stub_rules):
    assert codes(table()) == ["RES990", "RES991", "RES992"]


def test_shipped_defaults_are_the_default_enabled_rules():
    every = codes(table())
    assert every == sorted(r.code for r in registry.all_rules() if r.default_enabled)
    assert every  # and some rules are on by default


@pytest.mark.parametrize("select,ignore,extend,want", [
    (["RES99"], [], [], ["RES990", "RES991", "RES992", "RES993"]),   # prefixes select opt-in rules
    (["RES"], [], [], ["RES990", "RES991", "RES992", "RES993"]),
    (["ALL"], [], [], ["RES990", "RES991", "RES992", "RES993"]),     # ALL too
    (["RES993"], [], [], ["RES993"]),
    (["RES9"], ["RES99"], ["RES991"], ["RES991"]),       # the more specific wins: code > RES99 > RES9
    (["RES99"], ["RES9"], [], ["RES990", "RES991", "RES992", "RES993"]),  # a narrower select beats a broader ignore
    (["RES99"], ["ALL"], [], ["RES990", "RES991", "RES992", "RES993"]),
    (["ALL"], ["RES"], ["RES992"], ["RES992"]),
    (["RES991"], ["RES991"], [], []),                     # ignore wins ties
    (["RES99"], ["RES99"], ["RES990"], ["RES990"]),
    (["ALL"], ["ALL"], [], []),
    (["beta-stub"], ["RES991"], [], []),                  # a name is as specific as a code: a tie
    (["RES991"], ["beta-stub"], [], []),
    (["RES990", "RES991"], ["alpha-stub"], ["opt-in-stub"], ["RES991", "RES993"]),  # names
    (["RES99"], ["ALPHA-STUB", "res992"], [], ["RES991", "RES993"]),  # either case
    (None, [], [], ["RES990", "RES991", "RES992"]),       # no select: the default rules
    (None, ["RES990"], ["RES993"], ["RES991", "RES992", "RES993"]),
    (None, ["RES99"], ["gamma-stub"], ["RES992"]),
    (None, [], ["RES99"], ["RES990", "RES991", "RES992", "RES993"]),
    ([], [], [], []),                                     # an empty select selects nothing
])
def test_selectors(stub_rules, select, ignore, extend, want):
    kw = {"ignore": ignore, "extend_select": extend}
    if select is not None:
        kw["select"] = select
    assert codes(table(**kw)) == want


def test_per_file_ignores(stub_rules):
    settings = table(per_file_ignores={"tests/**": ["RES991"], "*_legacy.py": ["RES99"], "scripts/": ["alpha-stub"]})
    assert codes(settings, "tests/unit/test_x.py") == ["RES990", "RES992"]
    assert codes(settings, "src/tests.py") == ["RES990", "RES991", "RES992"]
    assert codes(settings, "pkg/old_legacy.py") == []
    assert codes(settings, "scripts/run.py") == ["RES991", "RES992"]
    assert codes(settings, "src/scripts.py") == ["RES990", "RES991", "RES992"]
    # a per-file ignore weighs like any ignore: a more specific select still wins, a tie goes to ignore
    settings = table(select=["RES99", "RES990"], per_file_ignores={"*_legacy.py": ["RES99"], "x.py": ["RES990"]})
    assert codes(settings, "pkg/old_legacy.py") == ["RES990"]
    assert codes(settings, "x.py") == ["RES991", "RES992", "RES993"]


def test_a_prefix_selects_exactly_the_rules_its_codes_start_with():
    """On the shipped rules: each family prefix (RES3) and each ten (RES30) selects its own rules only."""
    rules = registry.all_rules()
    prefixes = sorted({r.code[:n] for r in rules for n in (4, 5)})
    assert len({p[:4] for p in prefixes}) > 1, "needs rules of two families at least"
    for prefix in prefixes:
        mine = [r.code for r in rules if r.code.startswith(prefix)]
        assert codes(table(select=[prefix])) == mine, prefix
        others = [r.code for r in rules if not r.code.startswith(prefix)]
        assert codes(table(select=["ALL"], ignore=[prefix])) == others, prefix


@pytest.mark.parametrize("data,message", [
    ({"selct": ["RES3"]}, "test: unknown key `selct` (did you mean `select`?)"),
    ({"select": "RES3"}, "test: `select` must be a list of strings, got string 'RES3'"),
    ({"select": ["RES99"]}, "test: unknown rule code or selector `RES99` in `select`"),  # reserved: never a rule
    ({"ignore": ["bare-excep"]}, "test: unknown rule code or selector `bare-excep` in `ignore` (did you mean `bare-except`?)"),
    ({"rules": {"RES999": {}}}, "test: unknown rule `RES999` in [rules]"),
    ({"rules": {"RES302": {"cleanup-call": []}}}, "test: [rules.RES302]: unknown option `cleanup-call` for RES302 (swallowed-exception) (did you mean `cleanup-calls`?)"),
    ({"rules": {"RES301": {"x": 1}}}, "test: [rules.RES301]: unknown option `x` for RES301 (bare-except); RES301 has no options"),
    ({"rules": {"RES202": {"flag-constant-wait": True}}},
     "test: [rules.RES202]: option `flag-constant-wait` of RES202 (retry-without-backoff) was removed: constant waits "
     "are reported by RES204 (retry-without-jitter)"),
    ({"rules": {"RES302": {"cleanup-calls": "close"}}}, "test: [rules.RES302]: `cleanup-calls` must be a list, got string 'close'"),
    ({"rules": {"RES303": {"cancellation-exceptions": [1]}}}, "test: [rules.RES303]: `cancellation-exceptions` must be a string, got number 1"),
    ({"respect-gitignore": "yes"}, "test: `respect-gitignore` must be true or false, got string 'yes'"),
    ({"severity": {"RES302": "fatal"}}, 'test: severity of `RES302` must be "error", "warning" or "note", got string \'fatal\''),
    ({"target-version": "py27"}, "test: `target-version` must be one of py38"),
    ({"rules": {"RES401": {"maxsize": 0}}},
     "test: [rules.RES401]: `maxsize` of RES401 (unbounded-cache) must be at least 1, got number 0"),
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
        f"{tmp_path / 'pyproject.toml'}:3 [tool.reslint]: [rules.RES302]: `cleanup-calls` must be a list, got number 3"
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


@pytest.mark.parametrize("name", ["pyproject.toml", "reslint.toml"])
@pytest.mark.parametrize("content, message", [
    (bytes(range(256)) * 4, "invalid TOML: not UTF-8 text: byte 0x80 at offset 128"),
    ("[tool.other]\nx = 1\n".encode("utf-16"), "not UTF-8 text (it looks like UTF-16)"),
    (("a = " + "[" * 100_000 + "]" * 100_000 + "\n").encode(), "invalid TOML: arrays or tables nested too deeply"),
    (("a = " + "{b = " * 100_000 + "1" + "}" * 100_000 + "\n").encode(), "invalid TOML: arrays or tables nested too deeply"),
])
def test_a_config_file_that_cannot_be_decoded_is_a_config_error_naming_it(tmp_path, monkeypatch, name, content, message):
    # a file above the working directory, without [tool.reslint]: the search still reads it
    (tmp_path / name).write_bytes(content)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.py").write_text("x = 1\n")
    with pytest.raises(ConfigError) as info:
        load(cwd=tmp_path / "sub")
    assert str(info.value).startswith(f"{tmp_path / name}: ") and message in str(info.value)
    monkeypatch.chdir(tmp_path / "sub")
    from click.testing import CliRunner

    from reslint.cli import main

    result = CliRunner().invoke(main, ["check", "."], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"reslint: error: {tmp_path / name}: ")
    assert "Traceback" not in result.output and "internal error" not in result.output


def test_patterns_that_cannot_be_parsed_are_left_out_with_a_warning_naming_file_and_line(stub_rules, tmp_path):
    config_file = tmp_path / "pyproject.toml"
    config_file.write_text(textwrap.dedent("""\
        [tool.reslint]
        extend-exclude = ["ok/", "[z-a]"]
        [tool.reslint.per-file-ignores]
        "tests/**" = ["RES990"]
        "[]" = ["RES991"]
        "[[:alpha:]]*.py" = ["RES992"]
        """))
    settings = load(cwd=tmp_path)
    assert settings.extend_exclude == ("ok/",)
    assert [p for p, _ in settings.per_file_ignores] == ["tests/**", "[[:alpha:]]*.py"]
    assert len(settings.pattern_problems) == 2
    first, second = settings.pattern_problems
    assert first.startswith(f"{config_file}:2: in `extend-exclude`: the pattern `[z-a]` cannot be parsed (")
    assert second.startswith(f"{config_file}:5: in `per-file-ignores`: the pattern `[]` cannot be parsed (")
    assert "it is skipped" in first
    assert codes(settings, "tests/unit/9.py") == ["RES991", "RES992"]
    assert codes(settings, "tests/unit/x.py") == ["RES991"]
    assert codes(settings, "pkg/mod.py") == ["RES990", "RES991"]  # `p` is a letter: RES992 is ignored
    assert codes(settings, "9lives.py") == ["RES990", "RES991", "RES992"]
    from reslint.config import apply_overrides

    overridden = apply_overrides(settings, {"extend_exclude": ("[[:nope:]]",)})
    assert overridden.extend_exclude == ("ok/",)
    assert overridden.pattern_problems[-1].startswith("command line: in `--extend-exclude`: the pattern `[[:nope:]]` "
                                                      "cannot be parsed (unknown character class `[:nope:]`)")
