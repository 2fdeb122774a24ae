"""The seam for a per-file result cache.

A cache maps (reslint version, settings, file content [, project index])
to a FileResult. `api.lint_all` asks it before linting a file and gives it
every result; the default, NullCache, keeps nothing. A persistent cache
implements the same two methods, keyed on a hash of those inputs.
"""

from __future__ import annotations

from typing import Any, Optional, Protocol

from .model import FileResult


class ResultCache(Protocol):
    def get(self, target: Any, settings: Any, options: Any) -> Optional[FileResult]: ...

    def put(self, target: Any, settings: Any, options: Any, result: FileResult) -> None: ...


class NullCache:
    def get(self, target: Any, settings: Any, options: Any) -> Optional[FileResult]:
        return None

    def put(self, target: Any, settings: Any, options: Any, result: FileResult) -> None:
        return None
