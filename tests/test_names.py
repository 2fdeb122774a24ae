"""Names resolved through a file's package: relative imports and the module's own classes."""

from __future__ import annotations

import libcst as cst

from reslint.analysis.names import ImportTable
from reslint.project import module_of_file as _module_of

SOURCE = """
from .retry import Retry
from ..backoff import NoBackoff as NB
from . import exceptions
from .. import utils

class Policy:
    pass
"""


def _table(module_name, is_package=False):
    return ImportTable(cst.parse_module(SOURCE), module_name, is_package)


def test_relative_imports_resolve_against_the_package():
    table = _table("redis.asyncio.connection")
    assert table.resolve_dotted("Retry") == "redis.asyncio.retry.Retry"
    assert table.resolve_dotted("NB") == "redis.backoff.NoBackoff"
    assert table.resolve_dotted("exceptions.ConnectionError") == "redis.asyncio.exceptions.ConnectionError"
    assert table.resolve_dotted("utils") == "redis.utils"


def test_a_package_init_is_its_own_package():
    table = _table("redis.asyncio", is_package=True)
    assert table.resolve_dotted("Retry") == "redis.asyncio.retry.Retry"


def test_a_class_of_the_module_resolves_to_the_module():
    assert _table("urllib3.util.retry").resolve_dotted("Policy.DEFAULT") == "urllib3.util.retry.Policy.DEFAULT"


def test_without_a_module_name_nothing_changes():
    table = _table(None)
    assert table.resolve_dotted("Retry") == ".retry.Retry"
    assert table.resolve_dotted("Policy") is None


def test_module_of_walks_init_files(tmp_path):
    package = tmp_path / "dist-1.0" / "pkg" / "sub"
    package.mkdir(parents=True)
    (tmp_path / "dist-1.0" / "pkg" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "mod.py").write_text("")
    assert _module_of(str(package / "mod.py")) == ("pkg.sub.mod", False)
    assert _module_of(str(package / "__init__.py")) == ("pkg.sub", True)


def test_module_of_without_init_files_stops_at_a_distribution_folder(tmp_path):
    folder = tmp_path / "dist-1.0" / "pkg" / "util"
    folder.mkdir(parents=True)
    (folder / "retry.py").write_text("")
    assert _module_of(str(folder / "retry.py")) == ("pkg.util.retry", False)
    assert _module_of("notes.txt") == (None, False)
