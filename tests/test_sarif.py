"""SARIF 2.1.0: schema-valid, GitHub- and editor-ready."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from reslint.cli import main
from reslint.output.sarif import artifact_uri, pascal_case

from .conftest import SNAPSHOTS

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)

BAD = textwrap.dedent(
    """\
    import asyncio


    async def consume(queue):
        while True:
            try:
                await queue.get()
            except:
                pass
    """
)


def sarif(*args, files=None):
    result = CliRunner().invoke(main, ["check", "--output-format", "sarif", *args], catch_exceptions=False)
    log = json.loads(result.stdout)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(log)]
    assert errors == []
    return result, log


def test_schema_copy_is_the_official_one():
    import hashlib

    digest = hashlib.sha256((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_bytes()).hexdigest()
    assert digest == "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def test_empty_run_has_results_and_rules(project):
    (project / "ok.py").write_text("x = 1\n")
    result, log = sarif()
    assert result.exit_code == 0
    assert log["version"] == "2.1.0"
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    (run,) = log["runs"]
    assert run["results"] == []
    assert run["columnKind"] == "utf16CodeUnits"
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]
    driver = run["tool"]["driver"]
    assert driver["name"] == "reslint" and driver["semanticVersion"]
    assert "informationUri" not in driver  # no published page to point to
    from reslint import registry

    defaults = sorted(c for c, cls in registry.by_code().items() if cls.default_enabled and c != "RES000")
    assert [r["id"] for r in driver["rules"]] == defaults
    assert {"RES101", "RES301"} <= set(defaults)


def test_rule_descriptors(project):
    (project / "ok.py").write_text("x = 1\n")
    _, log = sarif("--extend-select", "RES900")
    for rule in log["runs"][0]["tool"]["driver"]["rules"]:
        assert re.fullmatch(r"[A-Z][A-Za-z]+", rule["name"])
        assert 0 < len(rule["shortDescription"]["text"]) <= 1024
        assert 0 < len(rule["fullDescription"]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"].startswith(f"# {rule['id']} ")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        props = rule["properties"]
        assert props["precision"] in ("very-high", "high", "medium", "low")
        assert props["problem.severity"] in ("error", "warning", "recommendation")
        assert "security-severity" not in props and "security" not in props["tags"]


def test_results_locations_fixes(project):
    (project / "svc.py").write_text(BAD)
    result, log = sarif("--select", "RES301,RES303")
    assert result.exit_code == 1
    run = log["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert [r["ruleId"] for r in run["results"]] == ["RES301", "RES303"]
    for item in run["results"]:
        assert rules[item["ruleIndex"]] == item["ruleId"]
        (location,) = item["locations"]
        assert location["physicalLocation"]["artifactLocation"] == {"uri": "svc.py", "uriBaseId": "%SRCROOT%"}
        assert location["physicalLocation"]["region"] == {"startLine": 8, "startColumn": 9, "endLine": 8, "endColumn": 16}
        assert item["message"]["text"].endswith(".")
        assert re.fullmatch(r"[0-9a-f]{32}", item["partialFingerprints"]["reslint/v1"])
        assert "primaryLocationLineHash" not in item["partialFingerprints"]
        (fix,) = item["fixes"]
        assert fix["properties"]["safety"] == "unsafe"
    bare_fix = run["results"][0]["fixes"][0]["artifactChanges"][0]["replacements"]
    assert bare_fix == [{"deletedRegion": {"startLine": 8, "startColumn": 15, "endLine": 8, "endColumn": 15},
                         "insertedContent": {"text": " Exception"}}]


def test_uri_with_spaces_and_non_ascii(project):
    folder = project / "my app"
    folder.mkdir()
    (folder / "café.py").write_text(BAD)
    _, log = sarif("--select", "RES301")
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20app/caf%C3%A9.py"
    assert artifact_uri("./a\\b c.py") == "a/b%20c.py"


def test_columns_are_utf16_code_units(project):
    # the emoji is one code point but two UTF-16 code units
    (project / "emoji.py").write_text('x = "\U0001F600"; import contextlib; contextlib.suppress(Exception)\n')
    _, log = sarif("--select", "RES302")
    region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    text = '    x = "\U0001F600"; import contextlib; '
    start = len('x = "\U0001F600"; import contextlib; '.encode("utf-16-le")) // 2 + 1
    assert region["startColumn"] == start
    assert region["endColumn"] == start + len("contextlib.suppress(Exception)")
    assert text  # the code-point column would be one less


def test_fingerprint_stable_under_inserted_lines(project):
    path = project / "svc.py"
    path.write_text(BAD)
    _, before = sarif("--select", "RES301")
    path.write_text("# a comment\n\n\nimport os\n" + BAD)
    _, after = sarif("--select", "RES301")
    fp = lambda log: log["runs"][0]["results"][0]["partialFingerprints"]["reslint/v1"]  # noqa: E731
    line = lambda log: log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"]  # noqa: E731
    assert line(after) == line(before) + 4
    assert fp(after) == fp(before)
    path.write_text("def f():\n    try:\n        a()\n    except:\n        pass\n" * 1
                    + "    try:\n        a()\n    except:\n        pass\n")
    _, twice = sarif("--select", "RES301")
    fps = [r["partialFingerprints"]["reslint/v1"] for r in twice["runs"][0]["results"]]
    assert len(set(fps)) == 2  # identical handlers in one function are told apart by occurrence


def test_broken_file_is_a_notification(project):
    (project / "broken.py").write_text("def f(:\n")
    (project / "ok.py").write_text("x = 1\n")
    result, log = sarif()
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["message"]["text"] == "File cannot be parsed: invalid syntax."
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.py"
    assert log["runs"][0]["results"] == []
    assert "broken.py:1:7: RES000 File cannot be parsed: invalid syntax" in result.stderr
    assert result.exit_code == 1


def test_suppressed_only_with_show_suppressed(project):
    (project / "svc.py").write_text(BAD.replace("except:", "except:  # reslint: ignore[RES301]"))
    _, log = sarif("--select", "RES301")
    assert log["runs"][0]["results"] == []
    _, shown = sarif("--select", "RES301", "--show-suppressed")
    (item,) = shown["runs"][0]["results"]
    assert item["suppressions"] == [{"kind": "inSource"}]


def test_several_outputs_from_one_run(project):
    (project / "svc.py").write_text(BAD)
    result = CliRunner().invoke(main, ["check", "--select", "RES301", "--output-format", "text",
                                       "--output-format", "sarif=out.sarif", "--output-format", "github=gh.txt"])
    assert result.exit_code == 1
    assert result.stdout.startswith("svc.py:8:9: RES301 ")
    log = json.loads((project / "out.sarif").read_text(encoding="utf-8"))
    assert not list(VALIDATOR.iter_errors(log))
    assert len(log["runs"][0]["results"]) == 1
    assert (project / "gh.txt").read_text().startswith("::error file=svc.py,line=8,col=9,")
    two_stdout = CliRunner().invoke(main, ["check", "--output-format", "text", "--output-format", "json"])
    assert two_stdout.exit_code == 2
    assert "only one report can go to stdout" in two_stdout.output


def test_pascal_case():
    assert pascal_case("swallowed-cancellation") == "SwallowedCancellation"


def test_snapshot_of_a_complete_document(project, golden):
    (project / "svc.py").write_text(BAD)
    (project / "broken.py").write_text("def f(:\n")
    _, log = sarif("--select", "RES000,RES301,RES302,RES303")
    log["runs"][0]["tool"]["driver"]["version"] = "<version>"
    log["runs"][0]["tool"]["driver"]["semanticVersion"] = "<version>"
    golden.check(SNAPSHOTS / "sarif" / "complete.sarif.json", json.dumps(log, indent=2, ensure_ascii=False) + "\n")


def test_file_outside_the_project_root_keeps_its_absolute_path(tmp_path, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.reslint]\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "svc.py").write_text(BAD)
    monkeypatch.chdir(project)
    _, log = sarif("--select", "RES301", str(elsewhere))
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": (elsewhere / "svc.py").as_uri()}


def test_information_uri_comes_from_the_project_urls(monkeypatch):
    import importlib.metadata
    from email.message import Message

    from reslint.output import sarif

    meta = Message()
    meta["Project-URL"] = "Homepage, https://example.org/reslint"
    monkeypatch.setattr(importlib.metadata, "metadata", lambda name: meta)
    assert sarif._information_uri() == {"informationUri": "https://example.org/reslint"}
    monkeypatch.setattr(importlib.metadata, "metadata", lambda name: Message())
    assert sarif._information_uri() == {}
