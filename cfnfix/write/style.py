"""How a file writes things (indents, quotes, intrinsic forms), measured from the file itself."""

from __future__ import annotations

import weakref
from functools import lru_cache
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from ..parse.source import MAP, SCALAR, SEQ, TAG, Node, key_tag, tag_key

if TYPE_CHECKING:
    from ..parse.document import Document


@dataclass(frozen=True)
class Style:
    indent: str = "  "          # one level of mapping indent (JSON: may be a tab)
    seq_indent: int = 2         # YAML: columns from a key to the dashes of its block sequence
    quote: str = "'"            # YAML: the quote the file uses most
    quote_all: bool = False     # YAML: strings are quoted even where plain would do
    short_form: bool = True     # YAML: !Ref rather than Ref:
    getatt_dotted: bool = True  # YAML: !GetAtt A.B rather than !GetAtt [A, B]
    key_sep: str = ": "         # JSON
    item_sep: str = ", "        # JSON, inside one-line arrays and objects
    inline_scalar_lists: bool = True  # JSON: ["a", "b"] on one line
    inline_intrinsics: bool = True    # JSON: {"Ref": "X"} on one line
    ascii: bool = False         # JSON: non-ASCII written as \\u escapes
    one_line: bool = False      # JSON: the whole document is on one line (minified)
    newline: str = "\n"
    # YAML: how the file itself writes a string it holds ("" plain, "'" or '"'): `'*'` stays `'*'`
    scalar_quotes: Mapping[str, str] = field(default_factory=dict, compare=False)
    # YAML: per tag, the quoting its string argument gets most (`!Sub '...'` in some files)
    tag_quotes: Mapping[str, str] = field(default_factory=dict, compare=False)
    # YAML: per tag (`!If`, `!Join`...), whether its list argument is written [in, flow]
    flow_lists: Mapping[str, bool] = field(default_factory=dict, compare=False)
    flow_lists_default: bool = True
    # YAML: per intrinsic (`Ref`, `Fn::Sub`...), short form or long where the file mixes them
    short_forms: Mapping[str, bool] = field(default_factory=dict, compare=False)
    # YAML: one tag per node, so an intrinsic over an intrinsic writes one of them long; the file's
    # habit: `!Base64` over `Fn::Sub:` (True) or `Fn::Base64: !Sub` (False)
    outer_tag: bool = False

    def short(self, intrinsic: str) -> bool:
        return self.short_forms.get(intrinsic, self.short_form)

    def flow_list(self, tag: str) -> bool:
        return self.flow_lists.get(tag, self.flow_lists_default)


# A file's habits show in its first few thousand values; a 1 MB template need not be read whole.
SAMPLE = 5000


def column(text: str, offset: int) -> int:
    return offset - (text.rfind("\n", 0, offset) + 1)


_MEASURED: "weakref.WeakKeyDictionary[Document, Style]" = weakref.WeakKeyDictionary()


def style_of(doc: "Document") -> Style:
    """The document's style habits, measured once per document (kept here, in the write layer,
    so that parsing knows nothing of writing)."""
    style = _MEASURED.get(doc)
    if style is None:
        style = _MEASURED[doc] = measure(doc)
    return style


def measure(doc: "Document") -> Style:
    if doc.format == "json":
        return _measure_json(doc)
    return _measure_yaml(doc)


def _mode(counter: Counter, default):
    return counter.most_common(1)[0][0] if counter else default


def blank_lines_between(text: str, node: Node | None) -> bool:
    """Whether most entries of a block mapping are set apart by blank lines."""
    if node is None or node.kind != MAP or node.flow or len(node.keys) < 2:
        return False
    return _blank_lines_between(text, node)


@lru_cache(maxsize=4)  # few: an entry keeps its document's text and nodes alive
def _blank_lines_between(text: str, node: Node) -> bool:
    # once per mapping of a text, not once per entry a pass adds to it (Resources has thousands);
    # a str caches its hash and the node hashes by identity, so a lookup costs nothing
    gaps = [text[node.children[i].end:node.keys[i + 1].start] for i in range(len(node.keys) - 1)]
    blank = sum(1 for gap in gaps if "\n\n" in gap.replace("\r", "").replace(" ", "").replace("\t", ""))
    return blank * 2 > len(gaps)


def _measure_yaml(doc: "Document") -> Style:
    text = doc.text
    smap = doc.sourcemap
    indents: Counter[int] = Counter()
    seq_indents: Counter[int] = Counter()
    quotes: Counter[str] = Counter()
    plain_strings = quoted_strings = 0
    short = long = dotted = listed = 0
    for seen, (_, node) in enumerate(smap.walk()):
        if seen > SAMPLE:
            break
        if node.kind == TAG:
            short += 1
            if node.tag == "!GetAtt":
                if node.children[0].kind == SCALAR:
                    dotted += 1
                else:
                    listed += 1
            continue
        if node.kind != MAP or node.flow:
            continue
        key_col = column(text, node.keys[0].start) if node.keys else 0
        for key, child in zip(node.keys, node.children):
            if key.name == "Ref" or key.name.startswith("Fn::"):
                long += 1
            target = child.children[0] if child.kind == TAG else child
            if target.kind == MAP and not target.flow and target.keys:
                indents[column(text, target.keys[0].start) - key_col] += 1
            elif target.kind == SEQ and not target.flow and target.children and child.kind != TAG:
                dash = text.rfind("-", 0, target.children[0].start)
                seq_indents[column(text, dash) - key_col] += 1
            elif child.kind == SCALAR and child.style in ("'", '"', ""):
                if child.style:
                    quotes[child.style] += 1
                    quoted_strings += 1
                elif not _looks_typed(text[child.start:child.end]):
                    plain_strings += 1
    indent = _mode(Counter({k: v for k, v in indents.items() if k > 0}), 2)
    return Style(
        **_yaml_habits(smap.root, doc.data),
        indent=" " * indent,
        seq_indent=_mode(seq_indents, indent),
        quote=_mode(quotes, "'"),
        quote_all=quoted_strings > 2 * plain_strings and quoted_strings >= 3,
        short_form=short >= long,  # with no evidence, short form: the common YAML habit
        getatt_dotted=dotted >= listed,
        newline=doc.newline,
    )


def _yaml_habits(root: Node, data: Any) -> dict[str, Any]:
    """The Style fields of the file's YAML habits: per string value, and per tag for its string
    argument, the quoting it gets most; per tag, flow or block lists; per intrinsic, short or long
    form; and which of two nested intrinsics carries the tag."""
    quotes: dict[str, Counter[str]] = {}
    tag_quotes: dict[str, Counter[str]] = {}
    flows: dict[str, Counter[bool]] = {}
    forms: dict[str, Counter[bool]] = {}
    outer: Counter[bool] = Counter()
    for seen, (node, value, tag) in enumerate(_with_values(root, data, None)):
        if seen > SAMPLE:
            break
        if node.kind == SCALAR:
            if isinstance(value, str) and node.style in ("", "'", '"') and "\n" not in value and len(value) <= 200:
                quotes.setdefault(value, Counter())[node.style] += 1
                if tag is not None:
                    tag_quotes.setdefault(tag, Counter())[node.style] += 1
        elif node.kind == SEQ:
            if tag is not None and node.children:
                flows.setdefault(tag, Counter())[node.flow] += 1
        elif node.kind == TAG:
            forms.setdefault(tag_key(node.tag or ""), Counter())[True] += 1
            inner = node.children[0]
            if inner.kind == MAP and len(inner.keys) == 1 and _intrinsic(inner.keys[0].name):
                outer[True] += 1  # `!Base64` over `Fn::Sub:`
        elif node.kind == MAP and len(node.keys) == 1 and _intrinsic(node.keys[0].name):
            forms.setdefault(node.keys[0].name, Counter())[False] += 1
            if node.children[0].kind == TAG:
                outer[False] += 1  # `Fn::Base64: !Sub`
    return {
        "scalar_quotes": {value: _mode(styles, "") for value, styles in quotes.items()},
        "tag_quotes": {tag: _mode(styles, "") for tag, styles in tag_quotes.items()},
        "flow_lists": {tag: _mode(kinds, True) for tag, kinds in flows.items()},
        "flow_lists_default": _mode(sum(flows.values(), Counter()), True),
        "short_forms": {name: _mode(kinds, True) for name, kinds in forms.items()},
        "outer_tag": _mode(outer, False),
    }


def _intrinsic(key: str) -> bool:
    return key == "Ref" or key.startswith("Fn::")


def _with_values(node: Node, value: Any, tag: str | None) -> Iterator[tuple[Node, Any, str | None]]:
    """(node, its data value, the intrinsic tag whose argument it is) in file order."""
    stack = [(node, value, tag)]
    while stack:
        node, value, tag = stack.pop()
        yield node, value, tag
        if node.shared:
            continue  # aliases and merge keys: the data is not this text's
        if node.kind == MAP and isinstance(value, dict):
            pairs = [(key.name, child) for key, child in zip(node.keys, node.children) if key.name in value]
            for name, child in reversed(pairs):
                stack.append((child, value[name], key_tag(name) if _intrinsic(name) and len(node.keys) == 1 else None))
        elif node.kind == SEQ and isinstance(value, list) and len(value) == len(node.children):
            stack.extend((child, item, None) for child, item in zip(reversed(node.children), reversed(value)))
        elif node.kind == TAG and isinstance(value, dict):
            inner = value.get(tag_key(node.tag or ""))
            stack.append((node.children[0], inner, node.tag))


def _looks_typed(token: str) -> bool:
    return token in ("true", "false", "null", "~") or token.replace(".", "", 1).lstrip("-").isdigit()


def _measure_json(doc: "Document") -> Style:
    text = doc.text
    smap = doc.sourcemap
    root = smap.root
    indent = "  "
    key_sep = ": "
    if root.kind == MAP and root.keys:
        first = root.keys[0].start
        line_start = text.rfind("\n", 0, first) + 1
        if line_start > 0:
            lead = text[line_start:first]
            root_lead_start = text.rfind("\n", 0, root.start) + 1
            root_lead = text[root_lead_start:root.start]
            if lead.startswith(root_lead) and len(lead) > len(root_lead):
                indent = lead[len(root_lead):]
        between = text[root.keys[0].end:root.children[0].start]
        key_sep = between.replace("\r", "").replace("\n", "") or ":"
    inline_lists = multi_lists = inline_fn = multi_fn = 0
    item_seps: Counter[str] = Counter()
    for seen, (_, node) in enumerate(smap.walk()):
        if seen > SAMPLE:
            break
        if node.kind == SEQ and node.children and all(c.kind == SCALAR for c in node.children):
            if "\n" in text[node.start:node.end]:
                multi_lists += 1
            else:
                inline_lists += 1
                if len(node.children) > 1:
                    gap = text[node.children[0].end:node.children[1].start]
                    item_seps[gap] += 1
        elif node.kind == MAP and len(node.keys) == 1 and (
                node.keys[0].name == "Ref" or node.keys[0].name.startswith("Fn::")):
            if "\n" in text[node.start:node.end]:
                multi_fn += 1
            else:
                inline_fn += 1
        elif node.kind == MAP and len(node.keys) > 1:
            gap = text[node.children[0].end:node.keys[1].start]
            if "\n" not in gap:
                item_seps[gap] += 1
    return Style(
        indent=indent,
        one_line="\n" not in text.strip(),
        key_sep=key_sep if key_sep.strip() == ":" else ": ",
        item_sep=_mode(item_seps, ", ") if _mode(item_seps, ", ").strip() == "," else ", ",
        inline_scalar_lists=inline_lists >= multi_lists,
        inline_intrinsics=inline_fn >= multi_fn,
        ascii="\\u" in text and not any(ord(c) > 127 for c in text),
        newline=doc.newline,
    )
