"""Baselines: --write-baseline records the findings, --baseline leaves them out and reports only new
ones; entries survive line shifts, a duplicated bad line is new, stale entries are reported."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from reslint.baseline import BaselineError, load
from reslint.cli import main

BARE = "def load(path):\n    try:\n        return open(path).read()\n    except:\n        return None\n"
SWALLOW = "def publish(broker, order):\n    try:\n        broker.publish(order)\n    except Exception:\n        pass\n"


def run(*args):
    return CliRunner().invoke(main, ["check", "--no-cache", *args], catch_exceptions=False)


@pytest.fixture
def legacy(project):
    (project / ".git").mkdir()
    (project / "app.py").write_text(BARE)
    (project / "pkg").mkdir()
    (project / "pkg" / "db.py").write_text(SWALLOW)
    return project


def test_written_baseline_is_stable_sorted_json_with_paths_relative_to_it(legacy):
    result = run("--write-baseline", "ci/reslint-baseline.json")
    assert result.exit_code == 0, result.output
    assert "Wrote the baseline ci/reslint-baseline.json: 3 findings in 2 files." in result.stdout
    assert "No new findings (2 files checked)." in result.stdout
    text = (legacy / "ci" / "reslint-baseline.json").read_text()
    document = json.loads(text)
    assert document["version"] == 1 and document["tool"] == "reslint"
    assert [(e["path"], e["code"], e["count"]) for e in document["findings"]] == [
        ("../app.py", "RES301", 1), ("../app.py", "RES302", 1), ("../pkg/db.py", "RES302", 1)]
    assert text == json.dumps(document, indent=2, sort_keys=True) + "\n"
    assert run("--write-baseline", "ci/reslint-baseline.json").exit_code == 0
    assert (legacy / "ci" / "reslint-baseline.json").read_text() == text  # the same run writes the same bytes


def test_baselined_findings_are_not_reported_and_the_run_exits_0(legacy):
    run("--write-baseline", "baseline.json")
    result = run("--baseline", "baseline.json")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["Baseline baseline.json: 3 findings not reported.",
                                          "No new findings (2 files checked)."]
    plain = run()
    assert plain.exit_code == 1 and "Found 3 findings" in plain.stdout


def test_the_baseline_survives_lines_inserted_above_findings(legacy):
    run("--write-baseline", "baseline.json")
    (legacy / "app.py").write_text("import os\n\n\n# a comment\nX = 1\n\n" + BARE)
    (legacy / "pkg" / "db.py").write_text(SWALLOW.replace("def publish", "def helper():\n    pass\n\n\ndef publish"))
    result = run("--baseline", "baseline.json")
    assert result.exit_code == 0, result.output
    assert "3 findings not reported." in result.stdout


def test_a_duplicated_bad_line_is_a_new_finding(legacy):
    run("--write-baseline", "baseline.json")
    (legacy / "pkg" / "db.py").write_text(SWALLOW + "\n\n" + SWALLOW.replace("def publish", "def publish_again"))
    result = run("--baseline", "baseline.json")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith("pkg/db.py:")
    assert "Found 1 finding in 1 file (RES302: 1)" in result.stdout
    assert "3 findings not reported." in result.stdout


def test_the_same_code_twice_in_one_function_counts(legacy):
    once = "    try:\n        broker.publish(order)\n    except Exception:\n        pass\n"
    twice = "def publish(broker, order):\n" + once + once
    (legacy / "pkg" / "db.py").write_text(twice)
    run("--write-baseline", "baseline.json")
    entries = json.loads((legacy / "baseline.json").read_text())["findings"]
    assert sorted(e["count"] for e in entries if e["path"] == "pkg/db.py") == [1, 1]
    thrice = twice + once
    (legacy / "pkg" / "db.py").write_text(thrice)
    result = run("--baseline", "baseline.json")
    assert result.exit_code == 1 and "Found 1 finding" in result.stdout


def test_stale_entries_are_counted_listed_with_verbose_and_dropped_by_writing_again(legacy):
    run("--write-baseline", "baseline.json")
    (legacy / "app.py").write_text("def load(path):\n    return open(path).read()\n")  # fixed
    result = run("--baseline", "baseline.json")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == (
        "Baseline baseline.json: 1 finding not reported; 2 of its entries match no finding any more (fixed or "
        "changed): `--write-baseline baseline.json` drops them (`--verbose` lists them).")
    verbose = run("--baseline", "baseline.json", "--verbose")
    stale = [line for line in verbose.stdout.splitlines() if line.startswith("  stale: ")]
    assert [line.split(" [fingerprint")[0] for line in stale] == [
        "  stale: app.py: RES301 Bare `except:` also catches `KeyboardInterrupt`, `SystemExit` and task cancellation",
        "  stale: app.py: RES302 `except:` swallows a failure of `open()`: the handler neither re-raises, logs nor uses it",
    ]
    as_json = json.loads(run("--baseline", "baseline.json", "--output-format", "json").stdout)
    assert as_json["summary"]["baselined"] == 1 and as_json["summary"]["stale_baseline_entries"] == 2
    run("--write-baseline", "baseline.json")
    assert [e["path"] for e in json.loads((legacy / "baseline.json").read_text())["findings"]] == ["pkg/db.py"]
    assert "match no finding" not in run("--baseline", "baseline.json").stdout


def test_a_run_on_some_files_reports_no_stale_entries_for_the_others(legacy):
    run("--write-baseline", "baseline.json")
    result = run("--baseline", "baseline.json", "pkg/db.py")
    assert result.exit_code == 0 and "match no finding" not in result.stdout


def test_the_baseline_applies_from_a_subdirectory(legacy, monkeypatch):
    run("--write-baseline", "baseline.json")
    monkeypatch.chdir(legacy / "pkg")
    result = run("..", "--baseline", "../baseline.json")
    assert result.exit_code == 0 and "3 findings not reported" in result.stdout


@pytest.mark.parametrize("content, message", [
    (None, "baseline.json: baseline file not found; write one with `reslint check --write-baseline baseline.json`"),
    ("{", "baseline.json: not a reslint baseline (invalid JSON at line 1, column 2: Expecting property name enclosed "
          "in double quotes); write one with `reslint check --write-baseline baseline.json`"),
    ('{"version": 2, "tool": "reslint", "findings": []}',
     "baseline.json: baseline version 2 is not one this reslint reads (version 1); write one with "
     "`reslint check --write-baseline baseline.json`"),
    ('[1, 2]', "baseline.json: not a reslint baseline (no \"tool\": \"reslint\" and \"version\"); write one with "
               "`reslint check --write-baseline baseline.json`"),
    ('{"version": 1, "tool": "reslint", "findings": [{"path": "a.py"}]}',
     "baseline.json: entry 1 of \"findings\" is not a path, code, fingerprint and positive count; write one with "
     "`reslint check --write-baseline baseline.json`"),
])
def test_a_missing_or_corrupt_baseline_is_one_line_and_exit_2(legacy, content, message):
    if content is not None:
        (legacy / "baseline.json").write_text(content)
    result = run("--baseline", "baseline.json")
    assert result.exit_code == 2
    assert result.stderr == f"reslint: error: {message}\n"
    assert result.stdout == ""
    with pytest.raises(BaselineError):
        load(str(legacy / "baseline.json"))


def test_the_baseline_config_key_is_relative_to_the_config_file(legacy, monkeypatch):
    (legacy / "pyproject.toml").write_text('[tool.reslint]\nbaseline = "ci/baseline.json"\n')
    missing = run()
    assert missing.exit_code == 2
    assert missing.stderr == (f"reslint: error: {legacy / 'ci' / 'baseline.json'}: baseline file not found; write one "
                              f"with `reslint check --write-baseline {legacy / 'ci' / 'baseline.json'}` (the `baseline` "
                              f"of {legacy / 'pyproject.toml'})\n")
    assert run("--write-baseline", "ci/baseline.json").exit_code == 0
    monkeypatch.chdir(legacy / "pkg")
    result = run("..")
    assert result.exit_code == 0 and "3 findings not reported" in result.stdout
