"""The command line, through click's runner and once through a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from click.testing import CliRunner

from reslint.cli import main

BAD = textwrap.dedent(
    """\
    def load(path):
        try:
            return open(path).read()
        except:
            return None
    """
)
GOOD = "def f():\n    return 1\n"


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_clean_exit_0(project):
    (project / "ok.py").write_text(GOOD)
    result = run("check", ".")
    assert result.exit_code == 0
    assert "All checks passed (1 file checked)." in result.output


def test_findings_exit_1_with_one_line_per_finding(project):
    (project / "bad.py").write_text(BAD)
    result = run("check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "bad.py:4:5: RES301 Bare `except:` also catches `KeyboardInterrupt`, `SystemExit` and task cancellation [unsafe fix]"
    assert lines[1].startswith("bad.py:4:5: RES302 `except:` swallows a failure of `open()`")
    assert "Found 2 findings in 1 file (RES301: 1, RES302: 1); 1 file checked." in result.output
    assert "1 fixable with `--fix --unsafe-fixes` (they may change behaviour)." in result.output


def test_exit_zero(project):
    (project / "bad.py").write_text(BAD)
    assert run("check", "--exit-zero").exit_code == 0


def test_quiet_prints_findings_only(project):
    (project / "bad.py").write_text(BAD)
    result = run("check", "-q")
    assert result.exit_code == 1
    assert len(result.output.splitlines()) == 2
    assert "Found" not in result.output


def test_statistics(project):
    (project / "bad.py").write_text(BAD + BAD.replace("load", "load2"))
    result = run("check", "--statistics", "-q")
    assert "2  RES301  bare-except" in result.output
    assert "2  RES302  swallowed-exception" in result.output


def test_show_source_frame(project):
    (project / "bad.py").write_text(BAD)
    result = run("check", "--show-source", "--select", "RES301")
    assert "4 |     except:" in result.output
    assert "  |     ^^^^^^^" in result.output
    assert "= fix (unsafe): Replace with `except Exception:`" in result.output


def test_select_ignore_on_command_line(project):
    (project / "bad.py").write_text(BAD)
    result = run("check", "--select", "RES3", "--ignore", "swallowed-exception")
    assert "RES301" in result.output and "RES302" not in result.output


def test_json_output_is_documented_shape(project):
    (project / "bad.py").write_text(BAD)
    result = run("check", "--output-format", "json", "--select", "RES301")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert doc["schema_version"] == 1
    assert doc["summary"] == {"files_checked": 1, "files_with_findings": 1, "findings": 1,
                              "by_code": {"RES301": 1}, "fixed": 0, "baselined": 0, "stale_baseline_entries": 0}
    finding = doc["findings"][0]
    assert finding["path"] == "bad.py"
    assert finding["start"] == {"line": 4, "column": 5}
    assert finding["end"] == {"line": 4, "column": 12}
    assert finding["context"] == "load"
    assert finding["fix"]["safety"] == "unsafe" and finding["fix"]["applicable"] is False
    assert finding["fix"]["edits"] == [
        {"start": {"line": 4, "column": 11}, "end": {"line": 4, "column": 11}, "content": " Exception"}
    ]


def test_output_file(project):
    (project / "bad.py").write_text(BAD)
    result = run("check", "--output-format", "json", "-o", "report.json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert json.loads((project / "report.json").read_text())["summary"]["findings"] == 2


def test_github_annotations(project):
    (project / "bad.py").write_text(BAD)
    result = run("check", "--output-format", "github", "--select", "RES301")
    assert result.output == (
        "::error file=bad.py,line=4,col=5,endLine=4,endColumn=11,title=RES301 bare-except::"
        "Bare `except:` also catches `KeyboardInterrupt`, `SystemExit` and task cancellation\n"
    )


def test_stdin(project):
    result = run("check", "-", "--stdin-filename", "pkg/mod.py", input=BAD)
    assert result.exit_code == 1
    assert result.output.startswith("pkg/mod.py:4:5: RES301 ")


def test_stdin_fix_writes_source_to_stdout(project):
    runner = CliRunner()
    result = runner.invoke(main, ["check", "-", "--fix", "--unsafe-fixes", "--select", "RES301"], input=BAD)
    assert "except Exception:" in result.stdout
    assert result.exit_code == 0


def test_fix_and_diff(project):
    path = project / "bad.py"
    path.write_text(BAD)
    diff = run("check", "--diff", "--unsafe-fixes", "--select", "RES301")
    assert diff.exit_code == 1
    assert "-    except:\n+    except Exception:\n" in diff.output
    assert path.read_text() == BAD  # --diff writes nothing
    safe_only = run("check", "--fix", "--select", "RES301")
    assert safe_only.exit_code == 1 and path.read_text() == BAD  # unsafe fixes need --unsafe-fixes
    fixed = run("check", "--fix", "--unsafe-fixes", "--select", "RES301")
    assert fixed.exit_code == 0, fixed.output
    assert "Fixed 1 finding in 1 file." in fixed.output
    assert path.read_text() == BAD.replace("except:", "except Exception:")
    nothing = run("check", "--diff", "--unsafe-fixes", "--select", "RES301")
    assert nothing.exit_code == 0 and nothing.stdout == ""


def test_config_error_exit_2(project):
    (project / "pyproject.toml").write_text('[tool.reslint]\nselct = ["RES3"]\n')
    result = run("check")
    assert result.exit_code == 2
    assert "unknown key `selct` (did you mean `select`?)" in result.output
    assert "pyproject.toml:2 [tool.reslint]" in result.output
    assert "Traceback" not in result.output


def test_unknown_selector_on_command_line(project):
    result = run("check", "--select", "RES999")
    assert result.exit_code == 2
    assert "unknown rule code or selector `RES999` in `--select`" in result.output


def test_missing_path_exit_2(project):
    (project / "ok.py").write_text(GOOD)
    result = run("check", "ok.py", "nope.py")
    assert result.exit_code == 2
    assert "nope.py: no such file or directory" in result.output


def test_usage_error_exit_2(project):
    assert run("check", "--output-format", "xml").exit_code == 2
    assert run("frobnicate").exit_code == 2


def test_rule_and_rules(project):
    listing = run("rules")
    assert listing.exit_code == 0
    assert "RES301  bare-except" in listing.output
    assert "RES900  unused-suppression" in listing.output and "opt-in" in listing.output
    unknown = run("rule", "RES998")
    assert unknown.exit_code == 2 and "unknown rule `RES998`" in unknown.output


def test_bad_file_does_not_stop_the_run(project):
    (project / "broken.py").write_text("def f(:\n")
    (project / "bad.py").write_text(BAD)
    result = run("check", "--select", "RES000,RES301")
    assert result.exit_code == 1
    assert "broken.py:1:7: RES000 File cannot be parsed: invalid syntax" in result.output
    assert "bad.py:4:5: RES301" in result.output


def test_real_subprocess(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.reslint]\n")
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "broken.py").write_bytes(b"x = '\xff'\n")
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("CI", None)
    proc = subprocess.run([sys.executable, "-m", "reslint", "check", "."], cwd=tmp_path, capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "broken.py:1:6: RES000 File cannot be decoded: not valid utf-8: byte 0xff" in proc.stdout
    assert "bad.py:4:5: RES301" in proc.stdout
    assert proc.stderr == ""
    bad_config = subprocess.run([sys.executable, "-m", "reslint", "check", ".", "--config", "missing.toml"],
                                cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert bad_config.returncode == 2
    assert bad_config.stderr.strip() == "reslint: error: missing.toml: config file not found"
    assert "Traceback" not in bad_config.stderr


def test_progress_bar_only_on_a_terminal_outside_ci(monkeypatch):
    from reslint import run as run_module

    class Tty:
        def isatty(self):
            return True

    monkeypatch.setattr(run_module.sys, "stderr", Tty())
    for var in ("CI", "GITHUB_ACTIONS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert run_module._show_progress(quiet=False, count=500)
    assert not run_module._show_progress(quiet=True, count=500)
    assert not run_module._show_progress(quiet=False, count=3)  # short runs
    monkeypatch.setenv("CI", "true")
    assert not run_module._show_progress(quiet=False, count=500)
    monkeypatch.delenv("CI")
    monkeypatch.setattr(run_module.sys, "stderr", type("Pipe", (), {"isatty": lambda self: False})())
    assert not run_module._show_progress(quiet=False, count=500)


def test_public_api(tmp_path):
    import reslint

    (tmp_path / "m.py").write_text(BAD)
    settings = reslint.Settings(root=tmp_path)
    (result,) = reslint.lint_paths([str(tmp_path)], settings)
    assert [f.code for f in result.findings] == ["RES301", "RES302"]
    fixed = reslint.lint_source(BAD, "m.py", settings, fix=True, unsafe_fixes=True)
    assert fixed.fixed_source == BAD.replace("except:", "except Exception:")


def test_a_rule_that_fails_is_a_notice_and_the_exit_code_follows_the_findings(project, monkeypatch):
    from reslint.rules.res301_bare_except import BareExcept

    def broken(self, node):
        raise ValueError("rule bug")

    monkeypatch.setattr(BareExcept, "visit_ExceptHandler", broken)
    (project / "a.py").write_text("try:\n    go()\nexcept:\n    pass\n")
    result = run("check", "--jobs", "1", "--no-cache", "--select", "RES301,RES302", "a.py")
    assert "a.py:3:1: RES302" in result.output  # the other rule still ran
    assert "internal error" in result.output and "RES301" in result.output and "ValueError" in result.output
    assert result.exit_code == 1
    assert run("check", "--jobs", "1", "--no-cache", "--select", "RES301,RES302", "--exit-zero", "a.py").exit_code == 0
    strict = run("check", "--jobs", "1", "--no-cache", "--select", "RES301,RES302", "--fail-on-internal-error", "a.py")
    assert strict.exit_code == 2


def test_a_rule_that_recurses_without_end_on_ordinary_code_is_a_notice_not_res000(project, monkeypatch):
    """A RecursionError in a rule on a shallow file is the rule's bug: the rule is skipped for the
    file and said so; the file is not reported as nested too deeply, and the other rules still run."""
    from reslint.rules.res301_bare_except import BareExcept

    def endless(self, node):
        return endless(self, node)

    monkeypatch.setattr(BareExcept, "visit_ExceptHandler", endless)
    (project / "a.py").write_text("try:\n    go()\nexcept:\n    pass\n")
    result = run("check", "--jobs", "1", "--no-cache", "--select", "RES000,RES301,RES302", "a.py")
    assert "a.py:3:1: RES302" in result.output
    assert "internal error in RES301" in result.output and "RecursionError" in result.output
    assert "RES000" not in result.output


def test_a_missing_path_is_never_all_checks_passed(project):
    (project / "a.py").write_text(GOOD)
    result = run("check", "--no-cache", "a.py", "missing.py")
    assert result.exit_code == 2
    assert "missing.py: no such file or directory" in result.output
    assert "1 path could not be checked" in result.output
    assert "All checks passed" not in result.output


def test_diff_says_when_only_unsafe_fixes_exist(project):
    (project / "a.py").write_text("try:\n    go()\nexcept:\n    log()\n")
    result = run("check", "--no-cache", "--diff", "--select", "RES301", "a.py")
    assert result.stderr == ("Would fix 0 findings in 0 files; 1 more fixable with `--unsafe-fixes` "
                             "(they may change behaviour).\n")
    unsafe = run("check", "--no-cache", "--diff", "--unsafe-fixes", "--select", "RES301", "a.py")
    assert unsafe.stderr == "Would fix 1 finding in 1 file.\n"


def test_fix_says_in_one_line_what_it_fixed_and_what_unsafe_fixes_would(project):
    (project / "a.py").write_text("try:\n    go()\nexcept:\n    log()\n")
    result = run("check", "--no-cache", "--fix", "--select", "RES301", "a.py")
    assert result.exit_code == 1
    assert "No fixes applied: 1 fixable with `--unsafe-fixes` (they may change behaviour).\n" in result.output
    assert "fixable with `--fix" not in result.output  # no second, contradicting hint
    (project / "b.py").write_text("try:\n    go()\nexcept Exception:\n    pass\n")
    nothing = run("check", "--no-cache", "--fix", "--select", "RES302", "b.py")
    assert "No fixes applied: no finding has a fix.\n" in nothing.output
    fixed = run("check", "--no-cache", "--fix", "--unsafe-fixes", "--select", "RES301", "a.py")
    assert fixed.exit_code == 0 and "Fixed 1 finding in 1 file.\n" in fixed.output


def test_statistics_marks_a_fix_only_when_this_runs_findings_have_one(project):
    # RES601 has a safe fix in its metadata, but not for `os.remove` after `exists`
    (project / "a.py").write_text("import os\nimport django\n\ndef f(p):\n    if os.path.exists(p):\n        os.remove(p)\n"
                                  "\ntry:\n    go()\nexcept:\n    log()\n")
    result = run("check", "--no-cache", "--statistics", "-q", "--select", "RES301,RES601", "a.py")
    lines = result.output.splitlines()
    assert "1  RES301  bare-except        [unsafe fix]" in lines
    assert "1  RES601  fs-check-then-act" in lines


def test_another_linters_code_names_the_rules_that_cover_it(project):
    (project / "ok.py").write_text(GOOD)
    ignored = run("check", "--ignore", "E722", ".")
    assert ignored.exit_code == 2
    assert ignored.stderr.strip() == (
        "reslint: error: command line: unknown rule code or selector `E722` in `--ignore`: `E722` is another "
        "linter's code; reslint's RES301 (bare-except) covers it (write `RES301`)")
    assert "RES202" not in ignored.output  # the unrelated closest spelling is not suggested
    (project / "pyproject.toml").write_text('[tool.reslint]\nignore = ["B110"]\n')
    in_config = run("check", ".")
    assert in_config.exit_code == 2 and "reslint's RES302 (swallowed-exception) covers it (write `RES302`)" in in_config.stderr
    doc = run("rule", "E722")
    assert doc.exit_code == 0
    assert doc.stderr == "reslint: `E722` is another linter's code; reslint's RES301 (bare-except) covers it\n"
    assert doc.stdout.startswith("# RES301 bare-except")
    typo = run("rule", "E7222")
    assert typo.exit_code == 2 and "RES202" not in typo.output
