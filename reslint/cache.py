"""The seam for a per-file result cache; no persistent cache exists yet.

`api.lint_all` asks a :class:`ResultCache` before linting a file and gives
it every result. The only implementation today is :class:`NullCache`, which
keeps nothing, so every run lints every file. A persistent cache would
implement the same two methods, mapping (reslint version, settings, file
content [, the project index parts the file depends on]) to a FileResult.
(The project index has a cache of its own: see :mod:`reslint.project`.)
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
