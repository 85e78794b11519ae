"""The SourceMap: where each value of a template sits in its text, and how it is written."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Callable, Iterator

from . import pointer as jp

MAP, SEQ, SCALAR, TAG = "map", "seq", "scalar", "tag"
# Real templates nest a few dozen levels; this keeps every recursive walk within Python's stack.
MAX_DEPTH = 200


class Node:
    """One value in the text: plain data about a span, no behaviour.

    ``start``/``end`` are character offsets of the value's content (end exclusive; trailing
    comments and blank lines excluded). A ``TAG`` node is a YAML short-form intrinsic such as
    ``!Sub x``: it stands for ``{"Fn::Sub": x}`` and its single child is the tagged value.
    ``shared`` marks nodes reached through a YAML anchor, alias or merge key: no edit goes there.
    A reader may leave ``keys`` and ``children`` to be filled on first use (``expand``), so a
    position costs only the nodes on its path.
    """

    __slots__ = ("kind", "start", "end", "flow", "style", "tag", "_keys", "_children", "shared", "_expand",
                 "_index")

    def __init__(self, kind: str, start: int, end: int, *, flow: bool = False, style: str = "",
                 tag: str | None = None, shared: bool = False, expand: Callable[[Node], None] | None = None):
        self.kind = kind
        self.start = start
        self.end = end
        self.flow = flow
        self.style = style
        self.tag = tag
        self._keys: list[Key] = []
        self._children: list[Node] = []
        self.shared = shared
        self._expand = expand
        self._index: dict[str, int] | None = None  # key name -> position, built on the first lookup

    def _fill(self) -> None:
        expand, self._expand = self._expand, None
        if expand is not None:
            expand(self)

    @property
    def keys(self) -> list[Key]:
        if self._expand is not None:
            self._fill()
        return self._keys

    @keys.setter
    def keys(self, value: list[Key]) -> None:
        self._keys = value
        self._index = None

    @property
    def children(self) -> list[Node]:
        if self._expand is not None:
            self._fill()
        return self._children

    @children.setter
    def children(self, value: list[Node]) -> None:
        self._children = value

    def __repr__(self) -> str:
        return f"Node({self.kind}, {self.start}:{self.end}, tag={self.tag}, style={self.style!r})"

    def child(self, part: str) -> Node | None:
        """The child node at one pointer part, or None."""
        if self.kind == MAP:
            i = self.key_index(part)
            return self.children[i] if i >= 0 else None
        if self.kind == SEQ:
            if part.isdigit() and int(part) < len(self.children):
                return self.children[int(part)]
            return None
        if self.kind == TAG:
            return self.children[0] if part == tag_key(self.tag or "") else None
        return None

    def key_index(self, name: str) -> int:
        """The position of the key ``name`` (the first, should a reader keep duplicates), or -1."""
        keys = self.keys
        index = self._index
        if index is None or len(index) > len(keys) or (keys and keys[-1].name not in index):
            # a dict once per node, not a scan per lookup: a pointer into a large Resources
            # mapping would otherwise cost the mapping's size; readers append keys while
            # filling a node, so an index that missed the last key is built again
            index = {}
            for i, key in enumerate(keys):
                index.setdefault(key.name, i)
            self._index = index
        return index.get(name, -1)


@dataclass(frozen=True, slots=True)
class Key:
    name: str
    start: int
    end: int


def tag_key(tag: str) -> str:
    """The long-form key of a short-form tag: ``!Ref`` is ``Ref``, ``!Sub`` is ``Fn::Sub``."""
    name = tag[1:]
    if name in ("Ref", "Condition"):
        return name
    return "Fn::" + name


def key_tag(key: str) -> str:
    """The short-form tag of a long-form intrinsic key: ``Ref`` is ``!Ref``, ``Fn::Sub`` ``!Sub``."""
    return "!" + key if key in ("Ref", "Condition") else "!" + key[4:]


@dataclass(frozen=True)
class Location:
    """A node's place: the value span, and the key span when the node is a mapping value."""

    node: Node
    parent: Node | None
    key: Key | None
    path: tuple[str, ...]


class SourceMap:
    """JSON Pointer -> node, over a tree built once per text."""

    def __init__(self, text: str, root: Node):
        self.text = text
        self.root = root
        self._line_starts: list[int] | None = None

    def locate(self, path: tuple[str, ...]) -> list[Node | None]:
        """The nodes along ``path`` (root first); None from the first part that has no node."""
        chain: list[Node | None] = [self.root]
        node: Node | None = self.root
        for part in path:
            node = node.child(part) if node is not None else None
            chain.append(node)
        return chain

    def node(self, pointer: str | tuple[str, ...]) -> Node | None:
        path = jp.split(pointer) if isinstance(pointer, str) else pointer
        return self.locate(path)[-1]

    def key_of(self, path: tuple[str, ...]) -> Key | None:
        if not path:
            return None
        parent = self.node(path[:-1])
        if parent is None or parent.kind != MAP:
            return None
        i = parent.key_index(path[-1])
        return parent.keys[i] if i >= 0 else None

    # -- positions -------------------------------------------------------------------------

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in code points) of a character offset."""
        if self._line_starts is None:
            starts = [0]
            text = self.text
            i = text.find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = text.find("\n", i + 1)
            self._line_starts = starts
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def span(self, pointer: str) -> tuple[int, int, int, int] | None:
        """(line, column, end_line, end_column) of the value at ``pointer``."""
        node = self.node(pointer)
        if node is None:
            return None
        return (*self.line_col(node.start), *self.line_col(node.end))

    def walk(self) -> Iterator[tuple[tuple[str, ...], Node]]:
        """Every (path, node) pair, depth first; a TAG node and its child both appear."""
        stack: list[tuple[tuple[str, ...], Node]] = [((), self.root)]
        while stack:
            path, node = stack.pop()
            yield path, node
            if node.kind == MAP:
                for key, child in zip(reversed(node.keys), reversed(node.children)):
                    stack.append((path + (key.name,), child))
            elif node.kind == SEQ:
                for i in range(len(node.children) - 1, -1, -1):
                    stack.append((path + (str(i),), node.children[i]))
            elif node.kind == TAG:
                stack.append((path + (tag_key(node.tag or ""),), node.children[0]))
