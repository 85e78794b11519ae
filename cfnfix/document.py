"""A template's text as read: its data, its format, and (lazily) where each value sits."""

from __future__ import annotations

from functools import cached_property
from typing import Any, Literal

from . import json_reader, yaml_reader
from .errors import ParseError, Problem, parse_error
from .source import SourceMap

Format = Literal["yaml", "json"]
BOM = "\ufeff"


class Document:
    """Decoded text (BOM removed) and its long-form data; positions are computed on first use."""

    def __init__(self, text: str, format: Format, data: Any, bom: bool = False,
                 _yaml: yaml_reader.YamlTree | None = None):
        self.text = text
        self.format: Format = format
        self.data = data
        self.bom = bom
        self._yaml = _yaml

    @cached_property
    def sourcemap(self) -> SourceMap:
        if self.format == "json":
            return SourceMap(self.text, json_reader.tree(self.text))
        assert self._yaml is not None
        return SourceMap(self.text, yaml_reader.tree(self.text, self._yaml))

    @property
    def newline(self) -> str:
        i = self.text.find("\n")
        return "\r\n" if i > 0 and self.text[i - 1] == "\r" else "\n"

    def to_bytes(self) -> bytes:
        return ((BOM if self.bom else "") + self.text).encode("utf-8")


def decode(raw: bytes) -> tuple[str, bool]:
    """UTF-8 text and whether it had a BOM; ParseError for binary or other encodings."""
    if b"\x00" in raw[:8192]:
        raise parse_error("binary file, not a template")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[raw.rfind(b"\n", 0, exc.start) + 1:exc.start].decode("utf-8", "replace")) + 1
        raise parse_error(f"not UTF-8 (byte 0x{raw[exc.start]:02x})", line, column) from None
    if text.startswith(BOM):
        return text[1:], True
    return text, False


def guess_format(text: str, name: str | None = None) -> Format:
    if name and name.lower().endswith(".json"):
        return "json"
    if name and name.lower().endswith((".yaml", ".yml")):
        return "yaml"
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


def parse_text(text: str, format: Format | None = None, *, bom: bool = False) -> Document:
    """Parse decoded text; raises ParseError (a value with line and column) if it is unreadable."""
    if not text.strip():
        raise parse_error("empty file")
    fmt = format or guess_format(text)
    try:
        if fmt == "json":
            return Document(text, "json", json_reader.load(text), bom)
        data, loaded = yaml_reader.load(text)
    except ParseError as exc:
        raise _with_fence_hint(exc, text) from None
    return Document(text, "yaml", data, bom, loaded)


def _with_fence_hint(exc: ParseError, text: str) -> ParseError:
    """A template pasted with its Markdown code fence (common in model output) says so."""
    line = exc.problem.line
    lines = text.split("\n")
    if line is None or not 0 < line <= len(lines) or not lines[line - 1].lstrip().startswith("```"):
        return exc
    problem = exc.problem
    return ParseError(Problem(problem.message + " (a Markdown code fence: remove the ``` lines around the "
                              "template)", problem.path, problem.line, problem.column))


def parse_bytes(raw: bytes, name: str | None = None, format: Format | None = None) -> Document:
    text, bom = decode(raw)
    if format is None and name is not None and not name.lower().endswith((".json", ".yaml", ".yml")):
        # `.template` and friends: JSON when it reads as JSON, else YAML (which JSON is a subset of)
        if guess_format(text) == "json":
            try:
                return parse_text(text, "json", bom=bom)
            except ParseError:  # not JSON after all: YAML reads JSON-like text too
                pass
        return parse_text(text, "yaml", bom=bom)
    return parse_text(text, format or guess_format(text, name), bom=bom)

