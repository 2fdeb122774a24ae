"""Reading a text as Python: the stdlib check, the libcst parse, and RES000 for what fails.

The stdlib parser runs first, as a cheap validity check and a guard for
libcst: a plain syntax error is not fatal (the file may use syntax newer than
the running interpreter, which libcst may still parse), while nesting and
resource errors are (libcst must not see those files). Every way a file can
fail to be read as Python ends in one RES000 finding made here.
"""

from __future__ import annotations

import ast
import threading
import warnings
from dataclasses import dataclass
from typing import Any, Optional, Tuple

from .fingerprint import fingerprint
from .model import Finding, Severity, Span
from .source import LineIndex, line_index

SYNTAX_ERROR = "RES000"
TOO_DEEP = "File cannot be analysed: code is nested too deeply"


def too_large(size: int, limit: int) -> str:
    return (f"File is too large to analyse ({size // 1024} KiB > the {limit // 1024} KiB limit); raise "
            f"`max-file-size` in the configuration to lint it (it takes up to 1.7 kB of memory per byte)")

_TOO_COMPLEX = ("too many nested", "too complex", "too many levels of indentation", "too many statically nested")


@dataclass(frozen=True)
class SyntaxProblem:
    message: str
    line: int
    col: int
    fatal: bool  # True: do not hand the text to libcst at all


def stdlib_parse(text: str, path: str = "<unknown>") -> Tuple[Optional[SyntaxProblem], Optional[ast.Module]]:
    """(problem, tree): the stdlib tree also serves the rules' cheap filters and the position finder."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        message = exc.msg or "invalid syntax"
        line = exc.lineno or 1
        col = max((exc.offset or 1) - 1, 0)
        return SyntaxProblem(message, line, col, any(s in message for s in _TOO_COMPLEX)), None
    except (RecursionError, MemoryError):
        return SyntaxProblem("code is nested too deeply", 1, 0, True), None
    except ValueError as exc:  # null bytes and similar
        return SyntaxProblem(str(exc), 1, 0, True), None
    return None, tree


_parsing = threading.local()
_installed: list = []


def _install_parse_without_validation() -> None:
    """Every libcst node checks itself when it is built (``CSTNode.__post_init__`` calls
    ``_validate``): right for nodes a fix builds, redundant for the nodes the parser builds from
    text it accepted, and about a seventh of the parse's cost. Once per process, ``__post_init__``
    is wrapped so that it skips the check while *this thread* is inside :func:`parse_libcst`;
    nodes built anywhere else (fixes, other threads, code that embeds reslint) are checked as
    before. If libcst ever stops validating this way, nothing is wrapped and nothing changes."""
    if _installed:
        return
    _installed.append(True)
    import libcst as cst

    validate = cst.CSTNode.__dict__.get("__post_init__")
    if validate is None or getattr(validate, "_reslint_wrapped", False):
        return

    def __post_init__(self) -> None:
        if not getattr(_parsing, "active", False):
            validate(self)

    __post_init__._reslint_wrapped = True  # type: ignore[attr-defined]
    cst.CSTNode.__post_init__ = __post_init__  # type: ignore[method-assign]


def parse_libcst(text: str) -> Any:
    """The libcst module of ``text``; raises what libcst raises."""
    import libcst as cst

    _install_parse_without_validation()
    _parsing.active = True
    try:
        return cst.parse_module(text)
    finally:
        _parsing.active = False


def parses(text: str, path: str = "<unknown>") -> bool:
    """Whether both parsers accept ``text`` (a fixed text must, before it is written)."""
    problem, _ = stdlib_parse(text, path)
    if problem is None:
        return True
    if problem.fatal:
        return False
    try:
        parse_libcst(text)
    except Exception:
        return False
    return True


@dataclass(frozen=True)
class Parsed:
    """What reading a text as Python gave: the trees, or the RES000 finding that says why not.

    ``module`` is None when libcst was not needed (no candidate rule and valid syntax) or could not
    parse; ``failure`` is set exactly when the file cannot be linted.
    """

    tree: Optional[ast.Module] = None
    module: Any = None
    failure: Optional[Finding] = None


def stdlib_failure(problem: SyntaxProblem, path: str, text: str) -> Finding:
    return syntax_error_finding(path, f"File cannot be parsed: {problem.message}", problem.line, problem.col, text)


def parse_for_rules(text: str, path: str, problem: Optional[SyntaxProblem], tree: Optional[ast.Module]) -> Parsed:
    """Give libcst the text the stdlib already checked (``problem``, ``tree``).

    A fatal stdlib problem never reaches libcst. When libcst fails too, the stdlib's message is
    the better one (it names the real syntax error); libcst's own is used only when the stdlib
    parser accepted the text.
    """
    if problem is not None and problem.fatal:
        return Parsed(failure=stdlib_failure(problem, path, text))
    try:
        module = parse_libcst(text)
    except RecursionError:
        return Parsed(tree, failure=syntax_error_finding(path, TOO_DEEP, 1, 0, text))
    except Exception as exc:  # libcst.ParserSyntaxError and anything the parser raises
        if problem is not None:
            return Parsed(tree, failure=stdlib_failure(problem, path, text))
        message = "File cannot be parsed by libcst, reslint's parser: " + _libcst_message(exc)
        line = getattr(exc, "raw_line", 1) or 1
        col = getattr(exc, "raw_column", 0) or 0
        return Parsed(tree, failure=syntax_error_finding(path, message, line, col, text))
    return Parsed(tree, module)


def _libcst_message(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc)
    return message.strip().splitlines()[0] if message.strip() else type(exc).__name__


def syntax_error_finding(path: str, message: str, line: int = 1, col: int = 0, text: str = "",
                         index: Optional[LineIndex] = None) -> Finding:
    """A RES000 finding at (line, col), clamped to the text (a position past the end moves back)."""
    index = index or line_index(text)
    line = max(1, min(line, index.line_count))
    line_len = len(index.line_text(line))
    col = max(0, min(col, line_len))
    end_col = col + 1 if col < line_len else col
    return Finding(
        code=SYNTAX_ERROR,
        name="syntax-error",
        message=message,
        path=path,
        span=Span(line, col, line, end_col),
        severity=Severity.ERROR,
        statement_lines=(line, line),
        fingerprint=fingerprint(SYNTAX_ERROR, path, message, "", 0),
    )
