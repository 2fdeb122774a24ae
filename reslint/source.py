"""Source files as bytes on disk and as text in the engine.

Decoding follows Python's own rules (a UTF-8 BOM, else a PEP 263 coding
cookie on line 1 or 2, else UTF-8), so reslint reads every file the
interpreter can run. Encoding back restores the BOM and the encoding, and
the text keeps its newlines untouched: a fixed file differs from the
original only where a fix changed it.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass
from typing import List, Tuple

from .model import Span

_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_BLANK_OR_COMMENT = re.compile(rb"^[ \t\f]*(?:[#\r\n]|$)")
_NEWLINE = re.compile(r"\r\n|\r|\n")


class SourceError(Exception):
    """A file that cannot be turned into text; carries where it went wrong."""

    def __init__(self, message: str, line: int = 1, col: int = 0):
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


@dataclass(frozen=True)
class DecodedSource:
    text: str
    encoding: str
    bom: bool

    @property
    def newline(self) -> str:
        return detect_newline(self.text)


def _cookie_encoding(data: bytes) -> str | None:
    lines = data.split(b"\n", 2)
    for index, line in enumerate(lines[:2]):
        match = _COOKIE.match(line)
        if match:
            name = match.group(1).decode("ascii", "replace")
            try:
                return codecs.lookup(name).name
            except LookupError:
                raise SourceError(f"unknown encoding {name!r} in the coding cookie", index + 1, 0)
        if not _BLANK_OR_COMMENT.match(line):
            break
    return None


def decode(data: bytes) -> DecodedSource:
    """Decode a Python source file the way the interpreter does."""
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8):] if bom else data
    encoding = _cookie_encoding(body) or "utf-8"
    if bom and encoding not in ("utf-8", "utf_8"):
        raise SourceError(f"file has a UTF-8 byte order mark but declares encoding {encoding!r}")
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        col = exc.start - (body.rfind(b"\n", 0, exc.start) + 1)
        bad = body[exc.start:exc.start + 1].hex()
        raise SourceError(
            f"not valid {encoding}: byte 0x{bad} cannot be decoded "
            f"(declare the file's encoding with a coding cookie or save it as UTF-8)",
            line,
            col,
        ) from None
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        col = nul - (text.rfind("\n", 0, nul) + 1)
        raise SourceError("file contains a null byte; it is not Python source", line, col)
    return DecodedSource(text, "utf-8" if encoding == "utf_8" else encoding, bom)


def encode(text: str, encoding: str, bom: bool) -> bytes:
    data = text.encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def detect_newline(text: str) -> str:
    match = _NEWLINE.search(text)
    return match.group(0) if match else "\n"


class LineIndex:
    """Offsets <-> (line, column) for one text; lines end at \\r\\n, \\r or \\n only."""

    def __init__(self, text: str):
        self.text = text
        starts = [0]
        starts.extend(m.end() for m in _NEWLINE.finditer(text))
        self.starts: List[int] = starts

    def offset(self, line: int, col: int) -> int:
        if line - 1 >= len(self.starts):
            return len(self.text)
        return min(self.starts[line - 1] + col, len(self.text))

    def position(self, offset: int) -> Tuple[int, int]:
        import bisect

        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index]

    def span(self, start: int, end: int) -> Span:
        line, col = self.position(start)
        end_line, end_col = self.position(end)
        return Span(line, col, end_line, end_col)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line without its newline."""
        if not 1 <= line <= len(self.starts):
            return ""
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    @property
    def line_count(self) -> int:
        return len(self.starts)


@functools.lru_cache(maxsize=8)
def line_index(text: str) -> LineIndex:
    """The LineIndex of ``text``, built once however many places ask for it (the engine, the
    fix edits, RES900's removals and every output look up positions in the same file)."""
    return LineIndex(text)


def utf16_column(line_text: str, col: int) -> int:
    """A code-point column converted to UTF-16 code units."""
    prefix = line_text[:col]
    return col + sum(1 for ch in prefix if ord(ch) > 0xFFFF)
