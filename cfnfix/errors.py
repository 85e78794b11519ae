"""Errors as values: what went wrong, and where in which file."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """A failure to read, configure or write, reported as one line."""

    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.path is None and self.line is None:
            return self.message
        where = printable(self.path) if self.path else "<text>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"

    def at(self, path: str) -> "Problem":
        return Problem(self.message, path, self.line, self.column)


def printable(path: str) -> str:
    """A path on one line: line breaks and other control characters as escapes (``\\n``, ``\\x1b``),
    so a crafted file name cannot start a line of its own or steer a terminal."""
    if path.isprintable():
        return path
    return "".join(char if char.isprintable() or char == " " else _escape(char) for char in path)


def _escape(char: str) -> str:
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if char in named:
        return named[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class CfnfixError(Exception):
    """Raised at the library boundary; carries a Problem."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


class ParseError(CfnfixError):
    """The text is not a readable template."""


class WriteError(CfnfixError):
    """An edit could not be written exactly; nothing was written."""


def parse_error(message: str, line: int | None = None, column: int | None = None) -> ParseError:
    return ParseError(Problem(message, None, line, column))


_LONE_CR = re.compile(r"\r(?!\n)")


def refuse_lone_carriage_returns(text: str) -> None:
    """ParseError at the first line that ends in CR alone (classic Mac OS line endings): YAML
    reads it as a line break, positions and edits count LF, so every finding would sit on line 1."""
    if "\r" not in text:
        return
    match = _LONE_CR.search(text)
    if match is None:
        return
    offset = match.start()
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    raise parse_error("a line ends in a carriage return alone (CR line endings): cfnfix reads LF or CRLF; "
                      "convert the file's line endings", line, column)
