"""JSON to plain data (fast, with json), and to a SourceMap tree (read as far as lookups reach)."""

from __future__ import annotations

import json
import re
import sys
from json.decoder import scanstring
from typing import Any

from ..errors import ParseError, parse_error, refuse_lone_carriage_returns
from .source import MAP, MAX_DEPTH, SCALAR, SEQ, Key, Node


_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None}


class _Duplicate(Exception):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Duplicate()
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def load(text: str) -> Any:
    """Plain data; ParseError with line and column if the text is not one JSON value."""
    refuse_lone_carriage_returns(text)
    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constant)
        if "\\u" in text and _SURROGATE.search(text):
            _lone_surrogate(text)
        return data
    except json.JSONDecodeError as exc:
        raise parse_error(exc.msg, exc.lineno, exc.colno) from None
    except (_Duplicate, RecursionError, ValueError):
        pass
    # The scanner knows positions: it finds the duplicate, the depth or the constant.
    scanner = _Scanner(text)
    root = scanner.value(scanner.skip(0), 0)
    end = scanner.skip(root.end)
    if end != len(text):
        scanner.fail("extra data after the JSON value", end)
    raise parse_error("invalid JSON")  # pragma: no cover - the scanner raised above


_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.S)


def _lone_surrogate(text: str) -> None:
    """Fail at a ``\\uD800``-``\\uDFFF`` escape that is not half of a pair: it names no
    character, and no UTF-8 file (nor CloudFormation) can hold it."""
    pending = None  # a high surrogate escape waiting for its low half
    for match in _ESCAPE.finditer(text):
        code = int(match.group(1), 16) if match.group(1) else None
        if pending is not None:
            if code is not None and 0xDC00 <= code <= 0xDFFF and match.start() == pending.end():
                pending = None
                continue
            break
        if code is not None and 0xD800 <= code <= 0xDBFF:
            pending = match
        elif code is not None and 0xDC00 <= code <= 0xDFFF:
            pending = match
            break
    if pending is not None:
        _Scanner(text).fail(f"a lone surrogate escape {pending.group(0)} names no character", pending.start())


def _int_digit_limit() -> int:
    # Python refuses to read longer integers (3.11+; 0: no limit)
    return getattr(sys, "get_int_max_str_digits", lambda: 0)()


def tree(text: str, data: Any) -> Node:
    """SourceMap nodes of text that ``load`` read as ``data``, each object's members and each
    array's items read from the text as far as a lookup reaches."""
    start = _skip(text, 0)
    end = len(text)
    while text[end - 1] in " \t\n\r":
        end -= 1  # load refused anything after the value
    return _node(text, start, end, data)


def _skip(text: str, i: int) -> int:
    return _WS.match(text, i).end()  # type: ignore[union-attr]


# a container's value, found by decoding it as ``load`` did (at C speed, faster than scanning its
# brackets in Python or with a regular expression); its end is all a lookup needs of it
_scan_once = json.JSONDecoder().scan_once
_LITERAL_LENGTHS = {"t": 4, "f": 5, "n": 4}


def _node(text: str, start: int, end: int, data: Any) -> Node:
    char = text[start]
    if char == '"':
        return Node(SCALAR, start, end, style='"')
    if char == "{":
        return Node(MAP, start, end, flow=True, entries=_Members(text, start, data))
    if char == "[":
        return Node(SEQ, start, end, flow=True, entries=_Members(text, start, data))
    return Node(SCALAR, start, end)


def _value_end(text: str, i: int) -> int:
    char = text[i]
    if char == '"':
        return scanstring(text, i + 1, True)[1]
    if char == "{" or char == "[":
        return _scan_once(text, i)[1]
    number = _NUMBER.match(text, i)
    return number.end() if number else i + _LITERAL_LENGTHS[char]


# between a key and its value, and after a value (its comma, if any): one match each
_COLON = re.compile(r"[ \t\n\r]*:[ \t\n\r]*")
_COMMA = re.compile(r"[ \t\n\r]*,?[ \t\n\r]*")


class _Members:
    """An object's members or an array's items, read from the text up to the one a lookup asks
    for: a position costs the text before it, not a scan of the whole file. The names are the
    data's keys, in the text's order (``load`` refused duplicates)."""

    __slots__ = ("text", "data", "names", "size", "_object", "_keys", "_spans", "_next")

    def __init__(self, text: str, start: int, data: Any):
        self.text = text
        self.data = data
        self._object = text[start] == "{"
        self.names: list[str] | None = list(data) if self._object else None
        self.size = len(data)
        self._keys: list[Key] = []
        self._spans: list[tuple[int, int]] = []  # each value's (start, end)
        self._next = _skip(text, start + 1)

    def _read_to(self, i: int) -> None:
        text, keys, spans = self.text, self._keys, self._spans
        at = self._next
        while len(spans) <= i:
            if self._object:
                name, key_end = scanstring(text, at + 1, True)
                keys.append(Key(name, at, key_end))
                at = _COLON.match(text, key_end).end()  # type: ignore[union-attr]
            end = _value_end(text, at)
            spans.append((at, end))
            at = _COMMA.match(text, end).end()  # type: ignore[union-attr]
        self._next = at

    def key(self, i: int) -> Key:
        self._read_to(i)
        return self._keys[i]

    def child(self, i: int, parent: Node) -> Node:
        self._read_to(i)
        start, end = self._spans[i]
        return _node(self.text, start, end, self.data[self.names[i]] if self.names is not None else self.data[i])

    def all_keys(self) -> list[Key]:
        self._read_to(self.size - 1)
        return list(self._keys)

    def all_children(self, parent: Node, made: dict[int, Node]) -> list[Node]:
        return [made.get(i) or self.child(i, parent) for i in range(self.size)]


class _Scanner:
    def __init__(self, text: str):
        self.text = text

    def fail(self, message: str, offset: int) -> None:
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        raise ParseError(parse_error(message, line, column).problem)

    def skip(self, i: int) -> int:
        return _WS.match(self.text, i).end()  # type: ignore[union-attr]

    def value(self, i: int, depth: int) -> Node:
        text = self.text
        if i >= len(text):
            self.fail("expecting a value", i)
        char = text[i]
        if char == "{":
            return self.object(i, depth)
        if char == "[":
            return self.array(i, depth)
        if char == '"':
            end = self.string(i)[1]
            return Node(SCALAR, i, end, style='"')
        match = _NUMBER.match(text, i)
        if match:
            digits = len(match.group().lstrip("-").split(".")[0].split("e")[0].split("E")[0])
            if 0 < _int_digit_limit() < digits:
                self.fail(f"a number too long to read ({digits} digits)", i)
            return Node(SCALAR, i, match.end())
        for literal in _LITERALS:
            if text.startswith(literal, i):
                return Node(SCALAR, i, i + len(literal))
        self.fail("expecting a value", i)
        raise AssertionError  # unreachable

    def string(self, i: int) -> tuple[str, int]:
        try:
            return scanstring(self.text, i + 1, True)
        except json.JSONDecodeError as exc:
            self.fail(exc.msg, exc.pos)
            raise AssertionError from None  # unreachable

    def nested(self, i: int, depth: int) -> None:
        if depth >= MAX_DEPTH:
            self.fail(f"nesting deeper than {MAX_DEPTH} levels", i)

    def object(self, start: int, depth: int) -> Node:
        self.nested(start, depth)
        node = Node(MAP, start, start, flow=True)
        seen: set[str] = set()
        text = self.text
        i = self.skip(start + 1)
        if text.startswith("}", i):
            node.end = i + 1
            return node
        while True:
            if not text.startswith('"', i):
                self.fail("expecting a property name enclosed in double quotes", i)
            key_start = i
            name, key_end = self.string(i)
            if name in seen:
                self.fail(f"duplicate key {name!r}", i)
            seen.add(name)
            i = self.skip(key_end)
            if not text.startswith(":", i):
                self.fail("expecting ':' delimiter", i)
            child = self.value(self.skip(i + 1), depth + 1)
            node.keys.append(Key(name, key_start, key_end))
            node.children.append(child)
            i = self.skip(child.end)
            if text.startswith(",", i):
                i = self.skip(i + 1)
                continue
            if text.startswith("}", i):
                node.end = i + 1
                return node
            self.fail("expecting ',' delimiter", i)

    def array(self, start: int, depth: int) -> Node:
        self.nested(start, depth)
        node = Node(SEQ, start, start, flow=True)
        text = self.text
        i = self.skip(start + 1)
        if text.startswith("]", i):
            node.end = i + 1
            return node
        while True:
            child = self.value(i, depth + 1)
            node.children.append(child)
            i = self.skip(child.end)
            if text.startswith(",", i):
                i = self.skip(i + 1)
                continue
            if text.startswith("]", i):
                node.end = i + 1
                return node
            self.fail("expecting ',' delimiter", i)
