"""YAML to plain long-form data, and to a SourceMap tree, through libyaml's composer."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..errors import parse_error, refuse_lone_carriage_returns
from .source import MAP, MAX_DEPTH, SCALAR, SEQ, TAG, Key, Node, tag_key

try:  # libyaml is several times faster; the pure-Python composer gives identical nodes
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML wheels ship libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """libyaml with a shorter way to the common answer: most plain scalars in a template are
    strings whose first character no implicit type can start with."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        # called for every node: module names, not attributes, are what it looks up
        if kind is ScalarNode:
            if implicit[0] and value and value[0] not in _TYPED_STARTS:
                return STR
            return super().resolve(kind, value, implicit)
        return SEQ_TAG if kind is SequenceNode else MAP_TAG

    # The composer calls these around every node for path resolvers, which this loader never has
    # (no ``add_path_resolver``), so PyYAML's methods return at once. ``slice`` and ``tuple`` take
    # the same arguments and do nothing either, without a Python call: these calls were a tenth
    # of the parse.
    descend_resolver = slice
    ascend_resolver = tuple


_TYPED_STARTS = frozenset(_Loader.yaml_implicit_resolvers)

# Expanding aliases multiplies nodes; a real template has far fewer than this.
MAX_NODES = 2_000_000

_T = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, MERGE, SEQ_TAG, MAP_TAG = (
    _T + n for n in ("str", "int", "float", "bool", "null", "merge", "seq", "map"))
_constructor = SafeConstructor()


class YamlTree:
    """What the reader keeps from a YAML text: libyaml's root node, which nodes are shared, and
    whether the text may hold merge keys."""

    def __init__(self, root: Any, shared: set[int], merges: bool = True):
        self.root = root
        self.shared = shared
        self.merges = merges
        self.keys: dict[int, dict[str, Any]] = {}  # id of a large mapping -> its values by key


def load(text: str) -> tuple[Any, YamlTree]:
    """Plain data (short-form tags as long form) and the composed tree; ParseError if unreadable."""
    refuse_lone_carriage_returns(text)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = ", ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        if mark is None:
            raise parse_error(problem) from None
        raise parse_error(problem + _hint(text, mark.index), mark.line + 1, mark.column + 1) from None
    except yaml.YAMLError as exc:  # reader errors carry no mark, e.g. a control character
        raise parse_error(_reader_message(exc), *_reader_position(text, exc)) from None
    if root is None:
        raise parse_error("empty document")
    if "&" not in text and "<<" not in text and "merge" not in text:
        # no anchor, so no alias, no shared node and no alias bomb (the nodes are the text's own);
        # no merge key, implicit or tagged: the plain walk
        return _plain(root, 0), YamlTree(root, set(), merges=False)
    builder = _Builder()
    data = builder.build(root, 0)
    return data, YamlTree(root, builder.shared)


def _hint(text: str, index: int) -> str:
    """What libyaml's "cannot start any token" means where the character is a tab."""
    return " (a tab: YAML indents with spaces only)" if text.startswith("\t", index) else ""


def _reader_message(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.reader.ReaderError):
        return f"unacceptable character #x{exc.character:04x}: special characters are not allowed"
    return str(exc).splitlines()[0]


def _reader_position(text: str, exc: yaml.YAMLError) -> tuple[int | None, int | None]:
    position = getattr(exc, "position", None)
    if not isinstance(position, int):
        return None, None
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def _plain(node: Any, depth: int) -> Any:
    """``_Builder.build`` for a text without anchors and merge keys: the same data and errors,
    without the bookkeeping of shared nodes (a third of the parse's Python time)."""
    cls = node.__class__
    tag = node.tag
    if cls is ScalarNode:
        return _scalar_data(node, tag)
    _check_collection(node, tag, depth)
    depth += 1
    # a plain string, the most common value, is taken without a call
    if cls is SequenceNode:
        value: Any = [item.value if item.tag == STR and item.__class__ is ScalarNode else _plain(item, depth)
                      for item in node.value]
    else:
        value = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                _refuse_key(key_node)
            key = key_node.value
            if key in value:
                _duplicate(key_node)
            value[key] = value_node.value if value_node.tag == STR and value_node.__class__ is ScalarNode \
                else _plain(value_node, depth)
    if tag[0] == "!":
        return _short_form(tag, value)
    return value


def _scalar_data(node: ScalarNode, tag: str) -> Any:
    """A scalar's value: a string, a short-form intrinsic, or what its YAML type reads."""
    if tag == STR:
        return node.value
    if tag[0] == "!":
        return _short_form(tag, node.value)
    if tag not in _CORE_TAGS:
        _refuse_tag(node)
    return _checked_scalar(node)


def _check_collection(node: Any, tag: str, depth: int) -> None:
    """A parse error where a collection nests too deep or has a tag CloudFormation does not read."""
    if depth >= MAX_DEPTH:
        _too_deep(node)
    if tag[0] != "!" and tag not in _CORE_TAGS:
        _refuse_tag(node)


def _too_deep(node: Any) -> None:
    m = node.start_mark
    raise parse_error(f"nesting deeper than {MAX_DEPTH} levels", m.line + 1, m.column + 1)


def _refuse_key(key_node: Any) -> None:
    m = key_node.start_mark
    raise parse_error("mapping keys must be plain strings", m.line + 1, m.column + 1)


def _duplicate(key_node: Any) -> None:
    m = key_node.start_mark
    raise parse_error(f"duplicate key {key_node.value!r}", m.line + 1, m.column + 1)


class _Builder:
    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.shared: set[int] = set()
        self.count = 0

    def build(self, node: Any, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            m = node.start_mark
            raise parse_error(f"document expands to more than {MAX_NODES} values (YAML alias bomb?)",
                              m.line + 1, m.column + 1)
        ident = id(node)
        if ident in self.seen:
            self.shared.add(ident)
        else:
            self.seen.add(ident)
        cls = node.__class__
        tag = node.tag
        if cls is ScalarNode:
            return _scalar_data(node, tag)
        _check_collection(node, tag, depth)
        if cls is SequenceNode:
            value: Any = [self.build(item, depth + 1) for item in node.value]
        else:
            value = self.mapping(node, depth)
        if tag[0] == "!":
            return _short_form(tag, value)
        return value

    def mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: list[dict[str, Any]] = []
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                _refuse_key(key_node)
            if key_node.tag == MERGE:
                self.shared.add(id(node))
                merged.extend(self._merge_sources(value_node, depth))
                continue
            key = key_node.value
            if key in result:
                _duplicate(key_node)
            result[key] = self.build(value_node, depth + 1)
        for source in merged:
            for key, value in source.items():
                result.setdefault(key, value)
        return result

    def _merge_sources(self, value_node: Any, depth: int) -> list[dict[str, Any]]:
        nodes = value_node.value if value_node.__class__ is SequenceNode else [value_node]
        sources = []
        for item in nodes:
            built = self.build(item, depth + 1)
            if not isinstance(built, dict):
                m = item.start_mark
                raise parse_error("a merge key needs a mapping", m.line + 1, m.column + 1)
            sources.append(built)
        return sources


def _short_form(tag: str, value: Any) -> dict[str, Any]:
    if tag == "!GetAtt" and isinstance(value, str):
        name, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [name, attribute]}
    return {_TAG_KEYS.get(tag) or tag_key(tag): value}


# the long-form keys of CloudFormation's short forms, looked up rather than built for each tag
_TAG_KEYS = {tag: tag_key(tag) for tag in (
    "!Ref", "!Condition", "!Sub", "!GetAtt", "!Join", "!Select", "!Split", "!If", "!Equals", "!And",
    "!Or", "!Not", "!FindInMap", "!Base64", "!Cidr", "!GetAZs", "!ImportValue", "!Transform",
    "!ToJsonString", "!Length", "!ForEach")}


# YAML's own types, which CloudFormation reads; any other `!!` or `!<...>` tag it rejects (and
# `!!python/...` is never constructed)
_CORE_TAGS = frozenset(_T + name for name in ("str", "int", "float", "bool", "null", "merge", "binary",
                                              "timestamp", "seq", "map", "set", "omap", "pairs", "value"))


def _refuse_tag(node: Any) -> None:
    m = node.start_mark
    tag = "!!" + node.tag[len(_T):] if node.tag.startswith(_T) else f"!<{node.tag}>"
    raise parse_error(f"tag {tag} is not one CloudFormation reads", m.line + 1, m.column + 1)


def _checked_scalar(node: ScalarNode) -> Any:
    """The scalar's value; a parse error at the scalar where its tag cannot read its text."""
    try:
        return _scalar(node)
    except (ValueError, KeyError):
        m = node.start_mark
        tag = "!!" + node.tag[len(_T):] if node.tag.startswith(_T) else node.tag
        value = node.value if len(node.value) <= 40 else node.value[:40] + "..."
        if node.tag == INT and node.value.strip("+-_0123456789") == "":
            message = f"an integer too long to read ({len(node.value)} digits)"
        else:
            message = f"{value!r} is not a valid {tag}"
        raise parse_error(message, m.line + 1, m.column + 1) from None


def _scalar(node: ScalarNode) -> Any:
    tag = node.tag
    if tag == INT:
        return _constructor.construct_yaml_int(node)
    if tag == BOOL:
        return _constructor.construct_yaml_bool(node)
    if tag == NULL:
        return None
    if tag == FLOAT:
        number = _constructor.construct_yaml_float(node)
        # inf and nan have no JSON form and nan is unequal to itself: keep the text
        return number if number == number and abs(number) != float("inf") else node.value
    # timestamps stay strings, as CloudFormation reads them; so do binary and '=' values
    return node.value


# -- the SourceMap tree, built only when positions are needed -------------------------------


def tree(text: str, loaded: YamlTree) -> Node:
    return _TreeBuilder(text, loaded.shared, loaded.merges).node(loaded.root, False)


def span(text: str, loaded: YamlTree, path: tuple[str, ...]) -> tuple[int, int]:
    """(start, end) of the node ``tree`` has at the longest prefix of ``path`` that is there,
    found on libyaml's nodes: placing a finding makes no SourceMap node, and no end but its own."""
    ynode = loaded.root
    wrapper = ynode.tag[0] == "!"  # at a short-form tag's node, before its value
    for part in path:
        if wrapper:
            if part != tag_key(ynode.tag):
                break
            wrapper = False
            continue
        cls = ynode.__class__
        if cls is MappingNode:
            found = _value_of(loaded, ynode, part)
            if found is None:
                break
            ynode = found
        elif cls is SequenceNode and part.isdigit() and int(part) < len(ynode.value):
            ynode = ynode.value[int(part)]
        else:
            break
        wrapper = ynode.tag[0] == "!"
    builder = _TreeBuilder(text, loaded.shared, loaded.merges)
    start = ynode.start_mark.index
    end = builder._end(ynode)
    if wrapper:
        return start, end
    # as ``_TreeBuilder.node`` places the content
    return min(builder._skip_properties(start), max(end, start)), end


def _value_of(loaded: YamlTree, ynode: MappingNode, key: str) -> Any:
    """The value of ``key`` in a mapping (merge keys left out, as the tree leaves them), by a dict
    made once for a mapping of many keys."""
    pairs = ynode.value
    if len(pairs) <= 12:
        for key_node, value in pairs:
            if key_node.value == key and key_node.tag != MERGE:
                return value
        return None
    index = loaded.keys.get(id(ynode))
    if index is None:
        index = loaded.keys[id(ynode)] = {}
        for key_node, value in pairs:
            if key_node.tag != MERGE:
                index.setdefault(key_node.value, value)
    return index.get(key)


class _Items:
    """A sequence's items as libyaml composed them: each SourceMap node is made from libyaml's
    marks when a lookup first reaches it."""

    __slots__ = ("builder", "values", "size")
    names = None

    def __init__(self, builder: _TreeBuilder, values: list[Any]):
        self.builder = builder
        self.values = values
        self.size = len(values)

    def key(self, i: int) -> Key:  # pragma: no cover - a sequence has no keys
        raise IndexError(i)

    def child(self, i: int, parent: Node) -> Node:
        return self.builder.node(self.values[i], parent.shared)

    def all_keys(self) -> list[Key]:  # pragma: no cover - a sequence has no keys
        return []

    def all_children(self, parent: Node, made: dict[int, Node]) -> list[Node]:
        node, shared = self.builder.node, parent.shared
        return [made.get(i) or node(value, shared) for i, value in enumerate(self.values)]


class _Pairs(_Items):
    """A mapping's (key, value) pairs, merge keys left out, made into nodes as reached."""

    __slots__ = ("_names",)

    def __init__(self, builder: _TreeBuilder, values: list[Any]):
        self.builder = builder
        self.values = values  # (key node, value node)
        self.size = len(values)
        self._names: list[str] | None = None

    @property  # type: ignore[override]
    def names(self) -> list[str]:
        if self._names is None:
            self._names = [key.value for key, _ in self.values]
        return self._names

    def key(self, i: int) -> Key:
        key_node = self.values[i][0]
        return Key(key_node.value, key_node.start_mark.index, key_node.end_mark.index)

    def child(self, i: int, parent: Node) -> Node:
        return self.builder.node(self.values[i][1], parent.shared)

    def all_keys(self) -> list[Key]:
        return [Key(key.value, key.start_mark.index, key.end_mark.index) for key, _ in self.values]

    def all_children(self, parent: Node, made: dict[int, Node]) -> list[Node]:
        node, shared = self.builder.node, parent.shared
        return [made.get(i) or node(value, shared) for i, (_, value) in enumerate(self.values)]


class _TreeBuilder:
    """SourceMap nodes from libyaml's, each made when a lookup first reaches it."""

    def __init__(self, text: str, shared: set[int], merges: bool):
        self.text = text
        self.shared = shared
        self.merges = merges

    def node(self, ynode: Any, shared: bool) -> Node:
        if not shared and self.shared:
            shared = id(ynode) in self.shared
        start = ynode.start_mark.index
        tag = ynode.tag if ynode.tag[0] == "!" else None
        cls = ynode.__class__
        if cls is ScalarNode:
            style = ynode.style
            end = self._scalar_end(ynode) if style == "|" or style == ">" else ynode.end_mark.index
            inner = Node(SCALAR, start, end, style=style or "", shared=shared)
        elif cls is SequenceNode:
            inner = Node(SEQ, start, self._end(ynode), flow=bool(ynode.flow_style), shared=shared,
                         entries=_Items(self, ynode.value))
        else:
            pairs = ynode.value
            has_merge = self.merges and any(k.tag == MERGE for k, _ in pairs)
            if has_merge:
                pairs = [pair for pair in pairs if pair[0].tag != MERGE]
            inner = Node(MAP, start, self._end(ynode), flow=bool(ynode.flow_style), shared=shared or has_merge,
                         entries=_Pairs(self, pairs))
        if start < len(self.text) and self.text[start] in "!&":
            # an empty value (`!GetAZs` alone) starts where it ends, not on the next line
            inner.start = min(self._skip_properties(start), max(inner.end, start))
        if tag is None:
            return inner
        wrapper = Node(TAG, start, inner.end, tag=tag, shared=shared)
        wrapper.flow = inner.flow
        wrapper.children = [inner]
        return wrapper

    def _end(self, ynode: Any) -> int:
        """Where a value's content ends: a block collection's end mark runs over trailing comments."""
        cls = ynode.__class__
        if cls is ScalarNode:
            return self._scalar_end(ynode)
        if ynode.flow_style or not ynode.value:
            return ynode.end_mark.index
        if cls is SequenceNode:
            return self._end(ynode.value[-1])
        for key_node, value_node in reversed(ynode.value):
            if key_node.tag != MERGE:
                return max(self._end(value_node), key_node.end_mark.index)
        return ynode.end_mark.index

    def _skip_properties(self, start: int) -> int:
        """Past a node's tag and anchor, to where its content begins."""
        text = self.text
        i = start
        while i < len(text) and text[i] in "!&":
            while i < len(text) and text[i] not in " \t\r\n":
                i += 1
            while i < len(text) and text[i] in " \t\r\n":
                i += 1
        return i

    def _scalar_end(self, ynode: ScalarNode) -> int:
        end = ynode.end_mark.index
        if ynode.style in ("|", ">"):
            text = self.text
            header_end = text.find("\n", ynode.start_mark.index)
            header = text[ynode.start_mark.index:header_end if header_end >= 0 else end]
            if "+" in header.split("#")[0]:
                return end  # keep-chomping: the trailing line breaks are content
            # end of the last line with content: its trailing spaces are content too
            last = end
            while last > ynode.start_mark.index and text[last - 1] in " \t\r\n":
                last -= 1
            line_end = text.find("\n", last, end)
            if line_end < 0:
                return end
            return line_end - 1 if text[line_end - 1] == "\r" else line_end
        return end
