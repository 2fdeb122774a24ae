"""Suppression comments: where they apply, which forms are read, and RES900."""

from __future__ import annotations

import textwrap
from pathlib import Path

from reslint.api import lint_source
from reslint.config import from_table


def lint(source, select=("RES301", "RES302")):
    settings = from_table({"select": list(select)}, root=Path("/p"), where="t")
    return [(f.span.line, f.code) for f in lint_source(textwrap.dedent(source), "m.py", settings).findings]


def test_inline_forms():
    assert lint("""\
        try:
            x()
        except:  # reslint: ignore[RES301]
            pass
        """) == [(3, "RES302")]
    assert lint("""\
        try:
            x()
        except:  # reslint: ignore[bare-except, swallowed-exception]
            pass
        """) == []
    assert lint("""\
        try:
            x()
        except:  # reslint: ignore
            pass
        """) == []
    assert lint("""\
        try:
            x()
        except:  # noqa: E722, RES301
            pass
        """) == [(3, "RES302")]


def test_bare_noqa_and_other_tools_codes():
    assert lint("""\
        try:
            x()
        except:  # noqa
            pass
        """) == []
    assert lint("""\
        try:
            x()
        except:  # noqa: E722
            pass
        """) == [(3, "RES302")]
    assert lint("""\
        try:
            x()
        except Exception:  # noqa: BLE001
            pass
        """) == []
    assert lint("""\
        try:
            x()
        except:  # noqa: E501
            pass
        """) == [(3, "RES301"), (3, "RES302")]


def test_file_level():
    assert lint("""\
        # reslint: file-ignore[RES302]
        try:
            x()
        except:
            pass
        """) == [(4, "RES301")]
    assert lint("""\
        try:
            x()
        except:
            pass
        # reslint: file-ignore
        """) == []


def test_multi_line_header_first_or_last_line():
    first = """\
        try:
            x()
        except (  # reslint: ignore[RES302]
            ValueError,
            Exception,
        ):
            pass
        """
    last = first.replace("(  # reslint: ignore[RES302]", "(").replace("):\n", "):  # reslint: ignore[RES302]\n")
    middle = first.replace("(  # reslint: ignore[RES302]", "(").replace("ValueError,", "ValueError,  # reslint: ignore[RES302]")
    assert lint(first) == []
    assert lint(last) == []
    assert lint(middle) == [(3, "RES302")]


def test_comment_in_a_string_is_not_a_suppression():
    assert lint('''\
        try:
            x()
        except:
            y = "# reslint: ignore"
        ''') == [(3, "RES301")]


def test_multi_line_call_first_or_last_line():
    source = """\
        import contextlib
        with contextlib.suppress(
            Exception,
        ):  # reslint: ignore[RES302]
            x()
        """
    assert lint(source) == []
    assert lint(source.replace("  # reslint: ignore[RES302]", "")) == [(2, "RES302")]


def test_unused_suppression_opt_in():
    source = """\
        try:
            x()
        except ValueError:  # reslint: ignore[RES301]
            pass
        y = 1  # reslint: ignore
        z = 2  # reslint: ignore[RES999]
        w = 3  # reslint: ignore[RES303]
        v = 4  # noqa
        u = 5  # noqa: E722
        """
    assert lint(source) == []  # RES900 is opt-in
    assert lint(source, select=("RES301", "RES302", "RES900")) == [(3, "RES900"), (5, "RES900"), (6, "RES900")]


def test_bugbear_and_pylint_cached_method_codes_silence_res402():
    source = """\
        import functools

        class Catalogue:
            @functools.lru_cache(maxsize=None)  # {comment}
            def product(self, sku):
                return sku
        """
    assert lint(source.replace("{comment}", "plain comment"), select=["RES402"]) == [(4, "RES402")]
    assert lint(source.replace("{comment}", "noqa: B019"), select=["RES402"]) == []
    assert lint(source.replace("{comment}", "noqa: W1518"), select=["RES402"]) == []


def test_bandit_timeout_codes_silence_res101():
    source = """\
        import requests

        requests.get("https://example.com")  # {comment}
        """
    assert lint(source.replace("{comment}", "plain comment"), select=["RES101"]) == [(3, "RES101")]
    for code in ("S113", "B113"):
        assert lint(source.replace("{comment}", f"noqa: {code}"), select=["RES101"]) == []


def test_an_unknown_res_code_in_a_suppression_is_a_warning():
    settings = from_table({"select": ["RES301"]}, root=Path("/p"), where="t")
    result = lint_source("try:\n    x()\nexcept:  # noqa: RES3011\n    pass\n", "m.py", settings)
    assert [f.code for f in result.findings] == ["RES301"]  # nothing was suppressed
    assert result.notices == ("m.py:3: warning: `RES3011` in a suppression comment names no reslint rule "
                              "(did you mean `RES301`?); it suppresses nothing",)
    clean = lint_source("x = 1  # reslint: ignore[RES301]\ny = 2  # noqa: E501\n", "m.py", settings)
    assert clean.notices == ()
