"""JSON Pointer (RFC 6901) helpers on plain tuples of path parts."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable

Part = str | int


def escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def join(parts: Iterable[Part]) -> str:
    return "".join("/" + escape(str(p)) for p in parts)


@lru_cache(maxsize=4096)
def split(pointer: str) -> tuple[str, ...]:
    # cached: a check splits each finding's pointer to sort it, to place it and to check its
    # fix's paths, and tuples are immutable
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


class PathSet:
    """Paths, asked whether any of them is ``related`` to a path in time of the path's length,
    not of how many paths there are (a pass of ``apply`` checks thousands of fixes' paths)."""

    def __init__(self) -> None:
        self._paths: set[tuple[str, ...]] = set()
        self._prefixes: set[tuple[str, ...]] = set()  # every path and every prefix of one

    def add(self, path: tuple[str, ...]) -> None:
        self._paths.add(path)
        self._prefixes.update(path[:i] for i in range(len(path) + 1))

    def related(self, path: tuple[str, ...]) -> bool:
        """Whether ``path`` is one of the paths, inside one, or holds one."""
        return path in self._prefixes or any(path[:i] in self._paths for i in range(len(path)))


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


def document_order(data: Any, parts: Iterable[str],
                   positions: dict[int, dict[str, int]] | None = None) -> tuple[int, ...]:
    """Where ``parts`` stands in ``data`` read top to bottom, as a sortable key: each part's index
    among its siblings (mappings keep the file's key order). A missing part sorts after its
    siblings. ``positions``, a dict the caller keeps while it orders many pointers of one
    ``data``, holds each mapping's key positions so they are counted once, not once per pointer."""
    key: list[int] = []
    node = data
    for part in parts:
        if isinstance(node, dict) and part in node:
            if positions is None:
                key.append(list(node).index(part))
            else:
                index = positions.get(id(node))
                if index is None:
                    index = positions[id(node)] = {name: i for i, name in enumerate(node)}
                key.append(index[part])
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            key.append(int(part))
            node = node[int(part)]
        else:
            key.append(len(node) if isinstance(node, (dict, list)) else 0)
            break
    return tuple(key)
