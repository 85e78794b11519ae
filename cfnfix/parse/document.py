"""A template's text as read: its data, its format, and (lazily) where each value sits."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from . import json_reader
from ..errors import ParseError, Problem, parse_error
from .source import SourceMap

if TYPE_CHECKING:
    from .yaml_reader import YamlTree

Format = Literal["yaml", "json"]
BOM = "\ufeff"


class Document:
    """Decoded text (BOM removed) and its long-form data; positions are computed on first use."""

    def __init__(self, text: str, format: Format, data: Any, bom: bool = False,
                 _yaml: YamlTree | None = None):
        self.text = text
        self.format: Format = format
        self.data = data
        self.bom = bom
        self._yaml = _yaml

    @cached_property
    def sourcemap(self) -> SourceMap:
        if self.format == "json":
            return SourceMap(self.text, json_reader.tree(self.text, self.data))
        assert self._yaml is not None
        from . import yaml_reader

        return SourceMap(self.text, yaml_reader.tree(self.text, self._yaml))

    def span(self, pointer: tuple[str, ...]) -> tuple[int, int]:
        """(start, end) of the value at ``pointer``, or of its nearest ancestor that is there, as
        the source map has it; for YAML without making the source map's nodes."""
        if self._yaml is not None:
            from . import yaml_reader

            return yaml_reader.span(self.text, self._yaml, pointer)
        chain = self.sourcemap.locate(pointer)
        node = next(n for n in reversed(chain) if n is not None)
        return node.start, node.end

    @property
    def may_share(self) -> bool:
        """Whether a node may be shared (a YAML anchor, alias or merge key): else no edit can be
        refused for going through one, and no lookup is needed to know it."""
        return self._yaml is not None and (bool(self._yaml.shared) or self._yaml.merges)

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
    """JSON when the text starts as JSON does, else YAML; the name plays no part (CloudFormation
    reads either format whatever the file is called, and so does cfn-lint)."""
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


def parse_text(text: str, format: Format | None = None, *, bom: bool = False, name: str | None = None) -> Document:
    """Parse decoded text; raises ParseError (a value with line and column) if it is unreadable.

    Without ``format`` the content decides: text that starts as JSON is read as JSON, and when it
    is not valid JSON, a file not named `.json` is read as YAML (flow style: `{Resources: ...}`)."""
    if not text.strip():
        raise parse_error("empty file")
    if format is None and guess_format(text) == "json":
        try:
            return _parse(text, "json", bom)
        except ParseError as exc:
            cause = _json_mistake(text)
            if cause is not None:
                raise cause from None
            if name is None or name.lower().endswith(".json"):
                raise
        return _parse(text, "yaml", bom)
    return _parse(text, format or "yaml", bom)


def _parse(text: str, fmt: Format, bom: bool) -> Document:
    try:
        if fmt == "json":
            return Document(text, "json", json_reader.load(text), bom)
        from . import yaml_reader  # PyYAML loads only for a YAML text: JSON runs start quicker

        data, loaded = yaml_reader.load(text)
    except ParseError as exc:
        raise _with_fence_hint(exc, text) from None
    return Document(text, "yaml", data, bom, loaded)


def _json_mistake(text: str) -> ParseError | None:
    """A comment or a trailing comma, the two JSON mistakes CloudFormation rejects, named where
    the first one is (outside strings); None when neither is there."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'" and not _starts_token(text, i):
            pass  # inside a YAML plain scalar (`0"`, `it's`): not a string's opening quote
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == "'":
            # not JSON at all, but YAML's flow style: a single-quoted string holds no comment
            i = text.find("'", i + 1)
            while i != -1 and text[i + 1:i + 2] == "'":
                i = text.find("'", i + 2)
            if i == -1:
                return None
        elif c == "/" and text[i + 1:i + 2] in ("/", "*"):
            kind = "//" if text[i + 1] == "/" else "/* */"
            return _at(text, i, f"a {kind} comment: JSON has no comments, and CloudFormation rejects the template")
        elif c == ",":
            j = i + 1
            while j < n and text[j] in " \t\r\n":
                j += 1
            if j < n and text[j] in "}]":
                return _at(text, i, f"a trailing comma before '{text[j]}': JSON does not allow one, and "
                                    "CloudFormation rejects the template")
        i += 1
    return None


def _starts_token(text: str, index: int) -> bool:
    j = index - 1
    while j >= 0 and text[j] in " \t\r\n":
        j -= 1
    return j < 0 or text[j] in "{[,:"


def _at(text: str, index: int, message: str) -> ParseError:
    line = text.count("\n", 0, index) + 1
    return parse_error(message, line, index - (text.rfind("\n", 0, index) + 1) + 1)


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
    """Bytes as read from a file: decoded, then parsed by content (``name`` only says whether a
    file that starts as JSON but is not may be YAML: not for `.json` files)."""
    text, bom = decode(raw)
    return parse_text(text, format, bom=bom, name=name)
