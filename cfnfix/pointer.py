"""JSON Pointer (RFC 6901) helpers on plain tuples of path parts."""

from __future__ import annotations

from typing import Any, Iterable

Part = str | int


def escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def join(parts: Iterable[Part]) -> str:
    return "".join("/" + escape(str(p)) for p in parts)


def split(pointer: str) -> tuple[str, ...]:
    if pointer == "":
        return ()
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer must start with '/': {pointer!r}")
    return tuple(unescape(p) for p in pointer[1:].split("/"))


def is_prefix(prefix: tuple[str, ...], path: tuple[str, ...]) -> bool:
    return path[: len(prefix)] == prefix


def related(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether one path is the other or inside it: edits at such paths cannot be made independently."""
    return is_prefix(a, b) or is_prefix(b, a)


def resolve(data: Any, parts: Iterable[str]) -> Any:
    """The value at ``parts`` in ``data``; KeyError/IndexError when absent."""
    node = data
    for part in parts:
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node[part]
        else:
            raise KeyError(part)
    return node


def document_order(data: Any, parts: Iterable[str]) -> tuple[int, ...]:
    """Where ``parts`` stands in ``data`` read top to bottom, as a sortable key: each part's index
    among its siblings (mappings keep the file's key order). A missing part sorts after its
    siblings."""
    key: list[int] = []
    node = data
    for part in parts:
        if isinstance(node, dict) and part in node:
            key.append(list(node).index(part))
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            key.append(int(part))
            node = node[int(part)]
        else:
            key.append(len(node) if isinstance(node, (dict, list)) else 0)
            break
    return tuple(key)
