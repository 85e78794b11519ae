"""Errors as values: what went wrong, and where in which file."""

from __future__ import annotations

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
        where = self.path or "<text>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"

    def at(self, path: str) -> "Problem":
        return Problem(self.message, path, self.line, self.column)


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
