"""The SourceMap: where each value of a template sits in its text, and how it is written."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from typing import Callable, Iterable, Iterator, NamedTuple, Protocol

from .. import pointer as jp

MAP, SEQ, SCALAR, TAG = "map", "seq", "scalar", "tag"
# Real templates nest a few dozen levels; this keeps every recursive walk within Python's stack.
MAX_DEPTH = 200
# up to this many keys, a lookup compares names rather than building a dict of them
_FEW_KEYS = 12


class Entries(Protocol):
    """A reader's collection whose entries are made one at a time, as a lookup reaches them."""

    names: list[str] | None  # a mapping's key names in order (None for a sequence)
    size: int

    def key(self, i: int) -> Key: ...

    def child(self, i: int, parent: Node) -> Node: ...

    def all_keys(self) -> list[Key]: ...

    def all_children(self, parent: Node, made: dict[int, Node]) -> list[Node]:
        """Every child, those in ``made`` (already reached) kept as they are."""
        ...


class Node:
    """One value in the text: plain data about a span, no behaviour.

    ``start``/``end`` are character offsets of the value's content (end exclusive; trailing
    comments and blank lines excluded). A ``TAG`` node is a YAML short-form intrinsic such as
    ``!Sub x``: it stands for ``{"Fn::Sub": x}`` and its single child is the tagged value.
    ``shared`` marks nodes reached through a YAML anchor, alias or merge key: no edit goes there.
    A reader may leave ``keys`` and ``children`` to be filled on first use (``expand``), or give
    ``entries`` that make each child as a lookup reaches it, so a position costs only the nodes
    on its path.
    """

    __slots__ = ("kind", "start", "end", "flow", "style", "tag", "_keys", "_children", "shared", "_expand",
                 "_entries", "_made", "_index")

    def __init__(self, kind: str, start: int, end: int, *, flow: bool = False, style: str = "",
                 tag: str | None = None, shared: bool = False, expand: Callable[[Node], None] | None = None,
                 entries: Entries | None = None):
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
        self._entries = entries
        self._made: dict[int, Node] | None = None
        self._index: dict[str, int] | None = None

    def _fill(self) -> None:
        expand, self._expand = self._expand, None
        if expand is not None:
            expand(self)

    @property
    def keys(self) -> list[Key]:
        if self._expand is not None:
            self._fill()
        entries = self._entries
        if entries is not None and entries.names is not None and len(self._keys) != entries.size:
            self._keys = entries.all_keys()
        return self._keys

    @keys.setter
    def keys(self, value: list[Key]) -> None:
        self._keys = value
        self._index = None

    @property
    def children(self) -> list[Node]:
        if self._expand is not None:
            self._fill()
        entries = self._entries
        if entries is not None:
            self._children = entries.all_children(self, self._made or {})
            self._entries = None
            self._made = None
            if entries.names is not None and len(self._keys) != entries.size:
                self._keys = entries.all_keys()
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
            return self._child_at(i) if i >= 0 else None
        if self.kind == SEQ:
            if part.isdigit():
                i = int(part)
                entries = self._entries
                if i < (entries.size if entries is not None else len(self.children)):
                    return self._child_at(i)
            return None
        if self.kind == TAG:
            return self.children[0] if part == tag_key(self.tag or "") else None
        return None

    def _child_at(self, i: int) -> Node:
        entries = self._entries
        if entries is None:
            return self.children[i]
        made = self._made
        if made is None:
            made = self._made = {}
        node = made.get(i)
        if node is None:
            node = made[i] = entries.child(i, self)
        return node

    def key_index(self, name: str) -> int:
        """The index of the (first) key ``name``, or -1; by a dict made once per mapping, or in a
        mapping of a few keys (most on a finding's path) by looking through them."""
        index = self._index
        if index is None:
            entries = self._entries
            names = entries.names if entries is not None and entries.names is not None else \
                [key.name for key in self.keys]
            if len(names) <= _FEW_KEYS:
                return names.index(name) if name in names else -1
            index = {}
            for i, key_name in enumerate(names):
                index.setdefault(key_name, i)
            self._index = index
        return index.get(name, -1)


class Key(NamedTuple):
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


class Location(NamedTuple):
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
            # each line's start is the sum of the lengths before it, one for each line break
            self._line_starts = list(accumulate(map((1).__add__, map(len, self.text.split("\n")[:-1])), initial=0))
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def line_cols(self, offsets: Iterable[int]) -> dict[int, tuple[int, int]]:
        """``line_col`` of each offset, the line breaks counted from one offset to the next: for the
        few places a check reports, that costs less than the start of every line (``line_col``'s)."""
        if self._line_starts is not None:
            return {offset: self.line_col(offset) for offset in offsets}
        text = self.text
        out: dict[int, tuple[int, int]] = {}
        line, at, line_start = 1, 0, 0
        for offset in sorted(set(offsets)):
            breaks = text.count("\n", at, offset)
            if breaks:
                line += breaks
                line_start = text.rfind("\n", at, offset) + 1
            out[offset] = (line, offset - line_start + 1)
            at = offset
        return out

    def span(self, pointer: str) -> tuple[int, int, int, int] | None:
        """(line, column, end_line, end_column) of the value at ``pointer``."""
        node = self.node(pointer)
        if node is None:
            return None
        return (*self.line_col(node.start), *self.line_col(node.end))

    def nodes(self) -> Iterator[Node]:
        """Every node in the order of ``walk``, without its path (which costs a tuple per node)."""
        stack = [self.root]
        while stack:
            node = stack.pop()
            yield node
            kind = node.kind
            if kind == MAP or kind == SEQ:
                stack.extend(reversed(node.children))
            elif kind == TAG:
                stack.append(node.children[0])

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
