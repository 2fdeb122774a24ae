"""--add-noqa: a suppression comment on each finding's line, existing comments kept, written as a fix
is; a second run reports nothing."""

from __future__ import annotations

import ast
import os
import stat
import textwrap

import pytest
from click.testing import CliRunner

from reslint.cli import main
from reslint.model import Finding, Severity, Span
from reslint.noqa import plan


def run(*args):
    return CliRunner().invoke(main, ["check", "--no-cache", *args], catch_exceptions=False)


SOURCE = textwrap.dedent('''\
    import requests


    def fetch(url):
        try:
            return requests.get(url)
        except:  # noqa: E999 keep me
            return None


    def report(url, body):
        requests.post(url, data="""line one
    line two""")
        try:
            requests.get(url, timeout=3)
        except Exception:  # reslint: ignore[RES303]
            pass
        value = requests.get(url) \\
            .json()
        return value
    ''')


def test_add_noqa_then_a_second_run_reports_nothing(project):
    (project / "app.py").write_text(SOURCE)
    first = run()
    assert first.exit_code == 1 and "Found 6 findings" in first.stdout
    added = run("--add-noqa")
    assert added.exit_code == 0, added.output
    assert "Added 6 suppressions in 1 file." in added.stdout
    text = (project / "app.py").read_text()
    assert text.splitlines() == textwrap.dedent('''\
        import requests


        def fetch(url):
            try:
                return requests.get(url)  # reslint: ignore[RES101]
            except:  # noqa: E999 keep me  # reslint: ignore[RES301, RES302]
                return None


        def report(url, body):
            requests.post(url, data="""line one
        line two""")  # reslint: ignore[RES101]
            try:
                requests.get(url, timeout=3)
            except Exception:  # reslint: ignore[RES303, RES302]
                pass
            value = requests.get(url) \\
                .json()  # reslint: ignore[RES101]
            return value
        ''').splitlines()
    # the string's text is untouched: the comment went to the statement's last line
    assert ast.literal_eval(text.split("data=")[1].split(")")[0]) == "line one\nline two"
    second = run()
    assert second.exit_code == 0 and "All checks passed (1 file checked)." in second.stdout
    assert run("--add-noqa").stdout.startswith("Added 0 suppressions in 0 files.")
    assert (project / "app.py").read_text() == text


def test_add_noqa_keeps_crlf_encoding_bom_and_mode(project):
    path = project / "legacy.py"
    source = "# -*- coding: latin-1 -*-\r\nNAME = 'caf\xe9'\r\ntry:\r\n    go()\r\nexcept:\r\n    pass\r\n"
    path.write_bytes(source.encode("latin-1"))
    os.chmod(path, 0o640)
    bom = project / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbftry:\n    go()\nexcept:\n    pass\n")
    result = run("--add-noqa", "--add-noqa-reason", "adopted 2024: TICKET-12")
    assert result.exit_code == 0, result.output
    assert "Added 4 suppressions in 2 files." in result.stdout
    assert path.read_bytes() == source.replace(
        "except:\r\n", "except:  # reslint: ignore[RES301, RES302]  # adopted 2024: TICKET-12\r\n").encode("latin-1")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert bom.read_bytes().startswith(b"\xef\xbb\xbftry:\n")
    assert b"except:  # reslint: ignore[RES301, RES302]  # adopted 2024: TICKET-12\n" in bom.read_bytes()
    assert run().exit_code == 0


def test_type_ignore_stays_the_first_comment(project):
    (project / "a.py").write_text("import requests\nrequests.get(u)  # type: ignore[attr-defined]\n")
    run("--add-noqa")
    assert (project / "a.py").read_text().splitlines()[1] == (
        "requests.get(u)  # type: ignore[attr-defined]  # reslint: ignore[RES101]")


def test_a_read_only_file_is_not_written_and_keeps_its_findings(project, monkeypatch):
    path = project / "a.py"
    path.write_text("try:\n    go()\nexcept:\n    pass\n")
    real_access = os.access

    def access(target, mode, *args, **kwargs):
        if os.fspath(target) == str(path.resolve()) and mode & os.W_OK:
            return False  # as for a 0444 file (root may write any file, so chmod alone cannot show it)
        return real_access(target, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    result = run("--add-noqa")
    assert result.exit_code == 1
    assert "a.py: suppressions not added: read-only, not fixed" in result.stderr
    assert "Added 0 suppressions in 0 files." in result.stdout and "Found 2 findings" in result.stdout
    assert path.read_text() == "try:\n    go()\nexcept:\n    pass\n"


def test_a_file_that_does_not_parse_is_left_alone(project):
    (project / "broken.py").write_text("def f(:\n")
    result = run("--add-noqa")
    assert result.exit_code == 1 and "RES000" in result.stdout
    assert (project / "broken.py").read_text() == "def f(:\n"


def test_add_noqa_is_not_for_fixing_runs(project):
    (project / "a.py").write_text("x = 1\n")
    assert run("--add-noqa", "--fix").exit_code == 2
    assert run("--add-noqa-reason", "x").exit_code == 2


def _finding(line: int, first: int, last: int, code: str = "RES301") -> Finding:
    return Finding(code, "n", "m", "a.py", Span(line, 0, line, 1), Severity.ERROR, statement_lines=(first, last),
                   fingerprint=f"{code}{line}")


def test_a_finding_whose_lines_all_end_inside_a_string_is_skipped_and_named():
    text = 'x = f("""a\nb""", """c\nd""")\n'
    planned = plan(text, [_finding(2, 1, 2)], {})  # a statement whose lines 1 and 2 both end inside a string
    assert planned.text == text and planned.added == 0
    assert [why for _, why in planned.skipped] == [
        "each line a suppression comment would apply on ends inside a string or continues with a backslash"]
    # its last line works
    assert plan(text, [_finding(2, 1, 3)], {}).text.endswith('d""")  # reslint: ignore[RES301]\n')


@pytest.mark.parametrize("text, expected", [
    ("except:  # reslint: ignore[RES302]\n", "except:  # reslint: ignore[RES302, RES301]\n"),
    ("except:  # reslint: ignore[swallowed-exception] why\n",
     "except:  # reslint: ignore[swallowed-exception, RES301] why\n"),
    ("except:  # noqa: E722\n", "except:  # noqa: E722  # reslint: ignore[RES301]\n"),
    ("except:   \n", "except:  # reslint: ignore[RES301]\n"),
])
def test_an_existing_comment_is_kept_and_an_existing_directive_extended(text, expected):
    assert plan(text, [_finding(1, 1, 1)], {"swallowed-exception": "RES302"}).text == expected
