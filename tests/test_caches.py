"""RES403 and the command-line exemption: a process that ends with its command does not leak, so
the same growing container is reported in a service module and left alone in a CLI program."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from reslint.api import lint_source
from reslint.config import from_table

GROWS = textwrap.dedent("""\
    seen = set()


    def visit(path):
        if path in seen:
            return
        seen.add(path)
    """)


def _codes(source: str, path: str):
    settings = from_table({"select": ["RES403"]}, root=Path("/p"), where="t")
    return [(f.span.line, f.code) for f in lint_source(source, path, settings).findings]


@pytest.mark.parametrize("path", ["app/service/sessions.py", "app/views.py"])
def test_a_service_module_is_reported(path):
    assert _codes(GROWS, path) == [(1, "RES403")]


@pytest.mark.parametrize("path", ["app/scripts/sync.py", "app/management/commands/sync.py", "app/cli/sync.py",
                                  "app/__main__.py"])
def test_a_command_line_program_is_left_alone(path):
    assert _codes(GROWS, path) == []


def test_a_module_that_runs_as_main_is_left_alone():
    source = GROWS + '\n\nif __name__ == "__main__":\n    visit(".")\n'
    assert _codes(source, "app/tool.py") == []


def test_an_unbounded_cache_in_a_command_line_program_is_left_alone():
    source = "import functools\n\n\n@functools.cache\ndef normalise(url: str):\n    return url.lower()\n"
    settings = from_table({"select": ["RES401"]}, root=Path("/p"), where="t")
    assert [f.code for f in lint_source(source, "app/service.py", settings).findings] == ["RES401"]
    assert lint_source(source, "app/scripts/sync.py", settings).findings == ()


def test_races_leave_command_line_programs_alone():
    fs = ("import os\n\nfrom django.conf import settings\n\n\ndef prepare(path):\n"
          "    if not os.path.exists(path):\n        os.makedirs(path)\n")
    orm = ("from app.models import Tag\n\n\ndef ensure(name):\n"
           "    if not Tag.objects.filter(name=name).exists():\n        Tag.objects.create(name=name)\n")
    for code, source, line in (("RES601", fs, 8), ("RES603", orm, 6)):
        settings = from_table({"select": [code]}, root=Path("/p"), where="t")
        assert [(f.span.line, f.code) for f in lint_source(source, "app/views.py", settings).findings] == [(line, code)]
        assert lint_source(source, "app/management/commands/seed.py", settings).findings == ()
