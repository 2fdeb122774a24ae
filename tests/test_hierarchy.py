"""Config per file, as ruff does it: the nearest config file above each file, its paths relative to
its own directory, `extend`, `--config` for every file, CLI flags on top of each; the same findings
from any working directory."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from reslint import config
from reslint.cli import main
from reslint.config import ConfigError, Resolver, settings_for

BARE = "try:\n    go()\nexcept:\n    pass\n"  # RES301 and RES302 on line 3


@pytest.fixture(autouse=True)
def _fresh_settings_for():
    """settings_for memoises per directory: each test starts from what is on disk."""
    config.forget()
    yield
    config.forget()


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write(root: Path, files: dict) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text else "", encoding="utf-8")


def findings(*args) -> set:
    """(absolute path, line, code) of a --output-format json run from the working directory."""
    result = run("check", "--no-cache", "--output-format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.stdout)
    return {(os.path.normpath(os.path.join(os.getcwd(), f["path"])), f["start"]["line"], f["code"])
            for f in document["findings"]}


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository with a root pyproject.toml and a nested tests/reslint.toml."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write(root, {
        "pyproject.toml": """\
            [tool.reslint]
            per-file-ignores = { "legacy/*.py" = ["RES301"] }
            """,
        "app.py": BARE,
        "legacy/old.py": BARE,
        "tests/reslint.toml": """\
            ignore = ["RES302"]
            per-file-ignores = { "unit/*.py" = ["RES301"] }   # relative to tests/
            """,
        "tests/test_app.py": BARE,
        "tests/unit/test_x.py": BARE,
        # a pyproject.toml without [tool.reslint] is not a config file: tests/ rules apply here
        "tests/pkg/pyproject.toml": "[project]\nname = 'x'\n",
        "tests/pkg/test_pkg.py": BARE,
    })
    monkeypatch.chdir(root)
    return root


def expected(root: Path) -> set:
    r = str(root)
    return {
        (f"{r}/app.py", 3, "RES301"), (f"{r}/app.py", 3, "RES302"),
        (f"{r}/legacy/old.py", 3, "RES302"),                 # the root's per-file-ignores
        (f"{r}/tests/test_app.py", 3, "RES301"),             # tests/reslint.toml ignores RES302
        (f"{r}/tests/pkg/test_pkg.py", 3, "RES301"),         # ... here too: pkg's pyproject has no [tool.reslint]
        # tests/unit/test_x.py: RES301 by tests/reslint.toml's per-file-ignores, RES302 by its ignore
    }


def test_the_same_findings_from_the_root_a_subdirectory_and_a_parent_directory(repo, monkeypatch):
    assert findings() == expected(repo)
    monkeypatch.chdir(repo / "tests")
    assert findings("..") == expected(repo)
    monkeypatch.chdir(repo / "legacy")
    assert findings("..") == expected(repo)
    monkeypatch.chdir(repo.parent)
    assert findings("repo") == expected(repo)
    assert findings() == expected(repo)  # the parent itself, no config above it


def test_a_nested_config_governs_its_files_only_when_linted_from_the_root_or_by_name(repo):
    assert {f for f in findings("tests/unit/test_x.py", "legacy/old.py")} == {(f"{repo}/legacy/old.py", 3, "RES302")}
    assert findings("tests") == {f for f in expected(repo) if "/tests/" in f[0]}


def test_paths_in_a_nested_config_are_relative_to_its_directory(repo):
    # `unit/*.py` in tests/reslint.toml does not match a unit/ folder at the root
    write(repo, {"unit/x.py": BARE})
    assert {(f[1], f[2]) for f in findings("unit")} == {(3, "RES301"), (3, "RES302")}


def test_a_nested_exclude_applies_below_it_relative_to_it(repo):
    write(repo, {"tests/reslint.toml": 'extend-exclude = ["/unit"]\n', "unit/x.py": BARE, "tests/unit/y.py": BARE})
    paths = {f[0] for f in findings()}
    assert f"{repo}/unit/x.py" in paths and f"{repo}/tests/unit/y.py" not in paths


def test_two_config_files_in_one_directory_reslint_toml_wins_and_the_other_is_named(repo):
    write(repo, {"tests/.reslint.toml": 'select = ["RES302"]\n'})
    result = run("check", "--no-cache", "tests/test_app.py")
    assert "RES301" in result.stdout and "RES302" not in result.stdout
    assert (f"reslint: warning: {repo / 'tests' / '.reslint.toml'}: ignored: reslint.toml in the same directory is "
            "the config file there (reslint.toml, then .reslint.toml, then pyproject.toml [tool.reslint])") \
        in result.stderr.splitlines()
    # .reslint.toml wins over a pyproject.toml with [tool.reslint]
    (repo / "tests" / "reslint.toml").unlink()
    write(repo, {"tests/pyproject.toml": '[tool.reslint]\nselect = ["RES301"]\n'})
    result = run("check", "--no-cache", "tests/test_app.py")
    assert "RES302" in result.stdout and "RES301" not in result.stdout
    assert f"{repo / 'tests' / 'pyproject.toml'}: ignored: .reslint.toml in the same directory" in result.stderr


def test_config_overrides_every_files_config(repo):
    write(repo, {"other.toml": 'select = ["RES302"]\n'})
    assert findings("--config", "other.toml") == {
        (f"{repo}/{name}", 3, "RES302")
        for name in ("app.py", "legacy/old.py", "tests/test_app.py", "tests/unit/test_x.py", "tests/pkg/test_pkg.py")
    }


def test_cli_flags_apply_on_top_of_every_files_config(repo):
    got = findings("--extend-select", "RES900", "--ignore", "RES301")
    assert got == {(f"{repo}/app.py", 3, "RES302"), (f"{repo}/legacy/old.py", 3, "RES302")}
    assert findings("--select", "RES302") == {
        (f"{repo}/app.py", 3, "RES302"), (f"{repo}/legacy/old.py", 3, "RES302"),
        # --select replaces every file's select, and tests/reslint.toml's ignore still applies
    }


def test_extend_inherits_and_the_extending_files_keys_win(repo):
    write(repo, {
        "pyproject.toml": """\
            [tool.reslint]
            select = ["RES301", "RES302", "RES101"]
            per-file-ignores = { "legacy/*.py" = ["RES301"], "tests/unit/*.py" = ["RES302"] }
            [tool.reslint.rules.RES101]
            default-timeout = 7
            extra-calls = ["myhttp.fetch:timeout:1"]
            """,
        "tests/reslint.toml": """\
            extend = "../pyproject.toml"
            ignore = ["RES301"]
            [rules.RES101]
            default-timeout = 3
            """,
    })
    settings = settings_for(repo / "tests" / "unit" / "test_x.py")
    assert settings.config_path == repo / "tests" / "reslint.toml"
    assert settings.config_files == (str(repo / "tests" / "reslint.toml"), str(repo / "pyproject.toml"))
    assert settings.select == ("RES301", "RES302", "RES101") and settings.ignore == ("RES301",)
    options = settings.options_for("RES101")
    assert options.default_timeout == 3 and options.extra_calls == ("myhttp.fetch:timeout:1",)
    # the inherited per-file-ignores stay relative to the directory of the file that wrote them
    assert settings.file_ignores("unit/test_x.py") == ("RES302",)
    assert settings.file_ignores("test_app.py") == ()
    assert {(f[0], f[2]) for f in findings("tests")} == {(f"{repo}/tests/test_app.py", "RES302"),
                                                         (f"{repo}/tests/pkg/test_pkg.py", "RES302")}


def test_an_extend_cycle_is_an_error_naming_the_chain(repo):
    write(repo, {"a/reslint.toml": 'extend = "../b/reslint.toml"\n', "b/reslint.toml": 'extend = "../a/reslint.toml"\n',
                 "a/x.py": BARE})
    result = run("check", "--no-cache", "a")
    assert result.exit_code == 2
    a, b = repo / "a" / "reslint.toml", repo / "b" / "reslint.toml"
    assert result.stderr == f"reslint: error: {a}: `extend` forms a cycle: {a} -> {b} -> {a}; remove one of these " \
                            "`extend` keys\n"
    assert result.stdout == ""


def test_extend_of_a_missing_file_names_the_file_and_line(repo):
    write(repo, {"a/reslint.toml": 'select = ["RES301"]\nextend = "../nope.toml"\n', "a/x.py": BARE})
    result = run("check", "--no-cache", "a")
    assert result.exit_code == 2
    assert result.stderr == (f"reslint: error: {repo / 'a' / 'reslint.toml'}:2: `extend` names {repo / 'nope.toml'}, "
                             "which is not a file (the path is relative to this file's directory)\n")


def test_a_broken_nested_config_met_in_a_walk_is_an_error_with_its_line(repo):
    write(repo, {"tests/reslint.toml": 'ignore = ["RES302"]\nselct = ["RES3"]\n'})
    result = run("check", "--no-cache")
    assert result.exit_code == 2
    assert result.stderr == (f"reslint: error: {repo / 'tests' / 'reslint.toml'}:2: unknown key `selct` "
                             "(did you mean `select`?)\n")
    assert "All checks passed" not in result.output and "Found" not in result.output


def test_settings_for_is_memoised_per_directory_and_is_what_check_uses(repo):
    config.forget()
    first = settings_for(repo / "tests" / "unit" / "test_x.py")
    assert settings_for(repo / "tests" / "unit" / "other.py") is first
    assert settings_for(repo / "tests" / "test_app.py") is first  # one config file: one Settings
    assert settings_for(repo / "app.py").config_path == repo / "pyproject.toml"
    from reslint.discover import discover

    resolver = Resolver()
    targets, _ = discover(["."], resolver.base, resolver=resolver)
    by_name = {t.rel: t.settings.config_path for t in targets}
    assert by_name["tests/unit/test_x.py"] == first.config_path == repo / "tests" / "reslint.toml"
    assert by_name["legacy/old.py"] == repo / "pyproject.toml"


def test_a_walk_looks_for_config_files_in_its_listings_not_with_stat_calls(repo, monkeypatch):
    for n in range(30):
        write(repo, {f"deep/d{n}/m.py": "x = 1\n"})
    calls = []
    real = os.path.isfile

    def counting(path):
        if os.path.basename(str(path)) in config.CONFIG_NAMES:
            calls.append(str(path))
        return real(path)

    monkeypatch.setattr(os.path, "isfile", counting)
    from reslint.discover import discover

    resolver = Resolver()
    base = resolver.base
    calls.clear()
    targets, _ = discover(["."], base, resolver=resolver)
    assert len(targets) == 35
    # only the config files that exist are looked at (once), not three names in each of 40 directories
    assert sorted(set(calls)) == sorted(calls) and len(calls) <= 3


def test_a_changed_nested_config_relints_the_files_it_governs(repo, tmp_path, monkeypatch):
    monkeypatch.setenv("RESLINT_CACHE_DIR", str(tmp_path / "cache"))
    assert run("check", "-q").stdout.count("RES302") == 2
    assert run("check", "-q").stdout.count("RES302") == 2
    write(repo, {"tests/reslint.toml": 'per-file-ignores = { "unit/*.py" = ["RES301"] }\n'})
    assert run("check", "-q").stdout.count("RES302") == 5
    write(repo, {"tests/reslint.toml": 'exclude = ["unit"]\nignore = ["RES302"]\n'})
    out = run("check", "-q").stdout
    assert "tests/unit" not in out and out.count("RES302") == 2


def test_annotations_and_sarif_use_the_repository_root_from_a_subdirectory(repo, monkeypatch):
    monkeypatch.chdir(repo / "tests")
    github = run("check", "--no-cache", "--output-format", "github", "..", "--select", "RES301")
    files = sorted(line.split("file=")[1].split(",")[0] for line in github.stdout.splitlines())
    assert files == ["app.py", "tests/pkg/test_pkg.py", "tests/test_app.py"]
    sarif = run("check", "--no-cache", "--output-format", "sarif", "..", "--select", "RES301")
    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                  for r in json.loads(sarif.stdout)["runs"][0]["results"])
    assert uris == files
    monkeypatch.chdir(repo / "tests" / "unit")
    github = run("check", "--no-cache", "--output-format", "github", "../test_app.py", "--select", "RES301")
    assert "file=tests/test_app.py," in github.stdout


@pytest.mark.parametrize("text, line, message", [
    ('[tool.reslint]\nselect = ["RES301"]\n\nselct = []\n', 4, "unknown key `selct` (did you mean `select`?)"),
    ('[tool.reslint]\nignore = [\n  "RES301",\n  "E722",\n]\n', 4, "unknown rule code or selector `E722` in `ignore`"),
    ('[tool.reslint]\n[tool.reslint.per-file-ignores]\n"a/*" = ["RES301"]\n"b/*" = ["RES3011"]\n', 4,
     "unknown rule code or selector `RES3011` in `per-file-ignores.\"b/*\"`"),
    ('[tool.reslint]\nmax-file-size = -5\n', 2, "`max-file-size` must be a positive number of KiB"),
    ('[tool.reslint]\n\n[tool.reslint.rules.RES101]\ndefault-timeout = -5\n', 4,
     "`default-timeout` of RES101 (missing-timeout) must be more than 0, got number -5"),
    ('[tool.reslint]\n[tool.reslint.rules.RES201]\nattempts = 0\n', 3, "`attempts` of RES201 (unbounded-retry) must be at least 1"),
    ('[tool.reslint.per-file-ignores]\n"tests/**" = ["RES302"]\n"b/*" = "RES301"\n', 3,
     "`per-file-ignores.\"b/*\"` must be a list of strings"),
    ('[tool.reslint.rules]\nRES302 = { cleanup-calls = 3 }\n', 2, "`cleanup-calls` must be a list"),
    ('[tool.reslint]\nseverity = { RES302 = "loud" }\n', 2, "severity of `RES302` must be"),
    ('[tool.reslint]\nshow-source = "yes"\n', 2, "`show-source` must be true or false"),
    ('[tool.reslint]\n[tool.reslint.rules.RES8]\nx = 1\n', 2, "unknown rule `RES8` in [rules]"),
])
def test_config_errors_name_the_line(tmp_path, text, line, message):
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(ConfigError) as info:
        config.load(cwd=tmp_path)
    assert str(info.value).startswith(f"{tmp_path / 'pyproject.toml'}:{line} [tool.reslint]: ")
    assert message in str(info.value)


def test_project_rules_resolve_modules_when_the_config_sits_below_the_repository_root(tmp_path, monkeypatch):
    """RES501 resolves imports through the project index, whose paths are relative to the config
    file's directory, while reports are relative to the repository root above it."""
    import shutil

    from .conftest import FIXTURES
    from .helpers import expected as markers

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    project = repo / "services" / "app"
    shutil.copytree(FIXTURES / "RES501" / "baseclass", project)
    want = {(f"services/app/{path.relative_to(project).as_posix()}", line, code)
            for path in project.rglob("*.py") for line, code in markers(path.read_text())}
    assert want
    monkeypatch.chdir(repo)
    result = run("check", "--no-cache", "--output-format", "github", "services/app")
    got = set()
    for line in result.stdout.splitlines():
        fields = dict(part.split("=", 1) for part in line.split(" ", 1)[1].split("::")[0].split(","))
        got.add((fields["file"], int(fields["line"]), fields["title"].split("%2C")[0].split(" ")[0]))
    assert {g for g in got if g[2] == "RES501"} == {w for w in want if w[2] == "RES501"}


def test_stdin_gets_the_settings_of_its_stdin_filename(repo):
    nested = CliRunner().invoke(main, ["check", "--no-cache", "-", "--stdin-filename", "tests/new.py"], input=BARE,
                                catch_exceptions=False)
    assert "RES301" in nested.stdout and "RES302" not in nested.stdout  # tests/reslint.toml ignores RES302
    top = CliRunner().invoke(main, ["check", "--no-cache", "-", "--stdin-filename", "new.py"], input=BARE,
                             catch_exceptions=False)
    assert "RES301" in top.stdout and "RES302" in top.stdout


def test_an_inherited_baseline_path_stays_relative_to_the_file_that_set_it(repo):
    write(repo, {
        "pyproject.toml": '[tool.reslint]\nbaseline = "ci/baseline.json"\nextend-exclude = ["/legacy"]\n',
        "tests/reslint.toml": 'extend = "../pyproject.toml"\nbaseline = "../ci/other.json"\n',
        "sub/reslint.toml": 'extend = "../pyproject.toml"\n',
    })
    assert settings_for(repo / "app.py").baseline == repo / "ci" / "baseline.json"
    assert settings_for(repo / "sub" / "x.py").baseline == repo / "ci" / "baseline.json"
    assert settings_for(repo / "tests" / "x.py").baseline == repo / "ci" / "other.json"
    inherited = settings_for(repo / "sub" / "x.py")
    assert inherited.exclusion() == ((str(repo / "sub"), config.DEFAULT_EXCLUDE), (str(repo), ("/legacy",)))


def test_settings_for_sees_config_files_created_edited_and_deleted(repo):
    """A long-lived caller (the editor server) asks settings_for on every lint: memoised, yet never
    stale."""
    path = repo / "tests" / "unit" / "test_x.py"
    first = settings_for(path)
    assert first.ignore == ("RES302",) and settings_for(path) is first
    (repo / "tests" / "reslint.toml").write_text('ignore = ["RES301"]\n# longer: another size\n')
    assert settings_for(path).ignore == ("RES301",)
    write(repo, {"tests/unit/.reslint.toml": 'select = ["RES101"]\n'})
    assert settings_for(path).select == ("RES101",)
    (repo / "tests" / "unit" / ".reslint.toml").unlink()
    assert settings_for(path).ignore == ("RES301",)
    (repo / "tests" / "reslint.toml").unlink()
    assert settings_for(path).config_path == repo / "pyproject.toml"
    write(repo, {"tests/reslint.toml": 'selct = []\n'})
    with pytest.raises(ConfigError):
        settings_for(path)
    write(repo, {"tests/reslint.toml": 'select = ["RES302"]\n'})
    assert settings_for(path).select == ("RES302",)
