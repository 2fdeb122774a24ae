"""reslint: a Python linter for the code that takes production down."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "__version__", "lint_source", "lint_paths", "Rule", "Replace", "Finding", "Fix", "Safety", "Severity",
    "Settings", "FileResult",
]


def __getattr__(name: str):
    # Lazy: `import reslint` stays cheap for the CLI's fast paths.
    if name in ("lint_source", "lint_paths"):
        from . import api

        return getattr(api, name)
    if name in ("Rule", "Replace"):
        from . import rule

        return getattr(rule, name)
    if name in ("Finding", "Fix", "Safety", "Severity", "FileResult"):
        from . import model

        return getattr(model, name)
    if name == "Settings":
        from .config import Settings

        return Settings
    raise AttributeError(f"module 'reslint' has no attribute {name!r}")
