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
    # YAML: per string that is no tag's argument, how the file writes it where it could be plain
    # ("" plain, "'" or '"'), and the quote it gets where it is quoted: `'*'` stays `'*'`
    scalar_quotes: Mapping[str, str] = field(default_factory=dict, compare=False)
    scalar_chars: Mapping[str, str] = field(default_factory=dict, compare=False)
    # YAML: per tag, the same of its string argument (`!Sub '...'` in some files)
    tag_quotes: Mapping[str, str] = field(default_factory=dict, compare=False)
    tag_chars: Mapping[str, str] = field(default_factory=dict, compare=False)
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
    for seen, node in enumerate(smap.nodes()):
        if seen > SAMPLE:
            break
        if node.kind != MAP or node.flow:
            continue
        key_col = column(text, node.keys[0].start) if node.keys else 0
        for child in node.children:
            target = child.children[0] if child.kind == TAG else child
            if target.kind == MAP and not target.flow and target.keys:
                indents[column(text, target.keys[0].start) - key_col] += 1
            elif target.kind == SEQ and not target.flow and target.children and child.kind != TAG:
                dash = text.rfind("-", 0, target.children[0].start)
                seq_indents[column(text, dash) - key_col] += 1
    indent = _mode(Counter({k: v for k, v in indents.items() if k > 0}), 2)
    return Style(
        **_yaml_habits(smap.root, doc.data),
        indent=" " * indent,
        seq_indent=_mode(seq_indents, indent),
        newline=doc.newline,
    )


# How a habit is measured so that cfnfix's own text never shifts it (issue 10 item 1: any history
# of runs ends at the text of one run; every run measures the file anew, with what earlier runs
# wrote in it). Three conventions make each habit a fixed point of the writer's output:
# - only a choice the writer also has votes: a string that must be quoted says which quote the
#   file uses, not whether it quotes; a long form that a short one cannot replace (`!Base64` over
#   `Fn::Sub:`) says nothing of long forms, a list that cannot be written in flow nothing of block
#   lists; what the writer is forced to write it is forced to write again, whatever the habit;
# - each habit decides in the scope it is counted in: a string under a tag is quoted as that
#   tag's arguments are, a string elsewhere as that string is, then as the file's strings are;
#   and a wider habit counts each narrower one once (one vote per distinct string, per tag, per
#   intrinsic), so copies of one string that follow its own habit do not outvote the file's;
# - a tie decides nothing and the wider habit (or the default) applies, whatever the file order.
# The writer then writes the winner of each vote, which only adds votes to it.


def _winner(votes: Counter) -> Any:
    """The value with the most votes; None on a tie or with no votes."""
    ranked = votes.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _decided(votes: Counter, default: Any) -> Any:
    winner = _winner(votes)
    return default if winner is None else winner


class _Quoting:
    """Per scope (a string, a tag's argument), whether its strings are quoted by choice, and with
    which quote when they are."""

    def __init__(self) -> None:
        self.choice: dict[Any, Counter[bool]] = {}   # quoted, where plain would do
        self.quote: dict[Any, Counter[str]] = {}     # every quoted occurrence

    def count(self, scope: Any, style: str, free: bool) -> None:
        if style:
            self.quote.setdefault(scope, Counter())[style] += 1
        if free or not style:  # a plain string shows that plain does for it
            self.choice.setdefault(scope, Counter())[bool(style)] += 1

    def quotes(self) -> dict[Any, str]:
        return {scope: winner for scope, votes in self.quote.items() if (winner := _winner(votes))}

    def decisions(self, quotes: Mapping[Any, str], default_quote: str) -> dict[Any, str]:
        """Per scope whose vote is decided: "" (plain) or the quote it is written with."""
        decided = {}
        for scope, votes in self.choice.items():
            quoted = _winner(votes)
            if quoted is not None:
                decided[scope] = quotes.get(scope, default_quote) if quoted else ""
        return decided


def _yaml_habits(root: Node, data: Any) -> dict[str, Any]:
    """The Style fields of the file's YAML habits: how strings are quoted (per string, per tag
    for its string argument, and the file's), per tag flow or block lists, per intrinsic short or
    long form, dotted or listed `!GetAtt`, and which of two nested intrinsics carries the tag."""
    from .render import flow_possible, plain_ok, short_possible

    strings = _Quoting()   # strings that are no tag's argument, by value
    tagged = _Quoting()    # a tag's string arguments, by tag
    flows: dict[str, Counter[bool]] = {}
    forms: dict[str, Counter[bool]] = {}
    outer: Counter[bool] = Counter()
    dotted: Counter[bool] = Counter()
    for seen, (node, value, tag, in_flow, under_tag) in enumerate(_with_values(root, data, None)):
        if seen > SAMPLE:
            break
        if node.kind == SCALAR:
            if isinstance(value, str) and node.style in ("", "'", '"') and "\n" not in value and len(value) <= 200:
                free = plain_ok(value, in_flow)
                if tag is None:
                    strings.count(value, node.style, free)
                else:
                    tagged.count(tag, node.style, free)
        elif node.kind == SEQ:
            if tag is not None and node.children and isinstance(value, list) and not in_flow:
                # in a flow collection a list has no choice; a block list votes only if the writer
                # could have written it in flow
                if node.flow or flow_possible(tag, value, long_form=not under_tag):
                    flows.setdefault(tag, Counter())[node.flow] += 1
        elif node.kind == TAG:
            intrinsic = tag_key(node.tag or "")
            forms.setdefault(intrinsic, Counter())[True] += 1
            inner = node.children[0]
            if inner.kind == MAP and len(inner.keys) == 1 and _intrinsic(inner.keys[0].name):
                outer[True] += 1  # `!Base64` over `Fn::Sub:`
            if node.tag == "!GetAtt" and isinstance(value, dict):
                argument = value.get(intrinsic)
                if inner.kind == SCALAR:
                    dotted[True] += 1
                elif _dottable(argument, plain_ok):
                    dotted[False] += 1
        elif node.kind == MAP and len(node.keys) == 1 and _intrinsic(node.keys[0].name):
            name = node.keys[0].name
            if node.children[0].kind == TAG:
                outer[False] += 1  # `Fn::Base64: !Sub`: the long form is the tag-on-tag choice
            elif not under_tag and isinstance(value, dict) and short_possible(value):
                forms.setdefault(name, Counter())[False] += 1
    quotes = strings.quotes()
    quote = _decided(Counter(quotes.values()), "'")
    scalar_quotes = strings.decisions(quotes, quote)
    # the file's strings: one vote per distinct string decided, quoted or plain
    quoted = sum(1 for style in scalar_quotes.values() if style)
    plain = len(scalar_quotes) - quoted
    tag_chars = tagged.quotes()
    short_forms = {name: form for name, votes in forms.items() if (form := _winner(votes)) is not None}
    flow_lists = {tag: kind for tag, votes in flows.items() if (kind := _winner(votes)) is not None}
    return {
        "quote": quote,
        "quote_all": quoted > 2 * plain and quoted >= 3,
        "scalar_quotes": scalar_quotes,
        "scalar_chars": quotes,
        "tag_quotes": tagged.decisions(tag_chars, quote),
        "tag_chars": tag_chars,
        "flow_lists": flow_lists,
        "flow_lists_default": _decided(Counter(flow_lists.values()), True),
        "short_forms": short_forms,
        "short_form": _decided(Counter(short_forms.values()), True),
        "getatt_dotted": _decided(dotted, True),
        "outer_tag": _decided(outer, False),
    }


def _dottable(argument: Any, plain_ok) -> bool:
    """Whether `!GetAtt [A, B]` could have been written `!GetAtt A.B`."""
    return (isinstance(argument, list) and len(argument) == 2 and all(isinstance(p, str) for p in argument)
            and "." not in argument[0] and plain_ok(".".join(argument), True))


def _intrinsic(key: str) -> bool:
    return key == "Ref" or key.startswith("Fn::")


def _with_values(node: Node, value: Any, tag: str | None
                 ) -> Iterator[tuple[Node, Any, str | None, bool, bool]]:
    """(node, its data value, the intrinsic tag whose argument it is, whether it sits in a flow
    collection, whether its parent is a tag node) in file order."""
    stack: list[tuple[Node, Any, str | None, bool, bool]] = [(node, value, tag, False, False)]
    while stack:
        node, value, tag, in_flow, under_tag = stack.pop()
        yield node, value, tag, in_flow, under_tag
        if node.shared:
            continue  # aliases and merge keys: the data is not this text's
        if node.kind == MAP and isinstance(value, dict):
            pairs = [(key.name, child) for key, child in zip(node.keys, node.children) if key.name in value]
            one_key = len(node.keys) == 1
            for name, child in reversed(pairs):
                stack.append((child, value[name], key_tag(name) if _intrinsic(name) and one_key else None,
                              node.flow, False))
        elif node.kind == SEQ and isinstance(value, list) and len(value) == len(node.children):
            stack.extend((child, item, None, node.flow, False)
                         for child, item in zip(reversed(node.children), reversed(value)))
        elif node.kind == TAG and isinstance(value, dict):
            inner = value.get(tag_key(node.tag or ""))
            stack.append((node.children[0], inner, node.tag, in_flow, True))


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
    for seen, (node, value, enclosed) in enumerate(_json_walk(root, doc.data, text)):
        if seen > SAMPLE:
            break
        if node.kind == SEQ and node.children and all(c.kind == SCALAR for c in node.children):
            if "\n" in text[node.start:node.end]:
                multi_lists += 1
            else:
                if len(node.children) > 1:
                    item_seps[text[node.children[0].end:node.children[1].start]] += 1
                if not enclosed:  # inside a one-line intrinsic a list has no choice, so no vote
                    inline_lists += 1
        elif node.kind == MAP and len(node.keys) > 1:
            gap = text[node.children[0].end:node.keys[1].start]
            if "\n" not in gap:
                item_seps[gap] += 1
        elif enclosed:
            continue
        elif node.kind == MAP and len(node.keys) == 1 and (
                node.keys[0].name == "Ref" or node.keys[0].name.startswith("Fn::")):
            if "\n" not in text[node.start:node.end]:
                inline_fn += 1
            elif _inline_possible(value):
                multi_fn += 1
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


def _json_walk(root: Node, data: Any, text: str) -> Iterator[tuple[Node, Any, bool]]:
    """(node, its data value, whether it is inside an intrinsic written on one line) in file
    order: the writer writes a one-line intrinsic, and so whatever it holds, on one line (a mapping
    or a list of mappings it writes on one line only in a minified file)."""
    stack: list[tuple[Node, Any, bool]] = [(root, data, False)]
    while stack:
        node, value, enclosed = stack.pop()
        yield node, value, enclosed
        inner = enclosed or (node.kind == MAP and len(node.keys) == 1 and _intrinsic(node.keys[0].name)
                             and "\n" not in text[node.start:node.end])
        if node.kind == MAP and isinstance(value, dict):
            for key, child in zip(reversed(node.keys), reversed(node.children)):
                stack.append((child, value.get(key.name), inner))
        elif node.kind == SEQ and isinstance(value, list) and len(value) == len(node.children):
            stack.extend((child, item, inner) for child, item in zip(reversed(node.children), reversed(value)))


def _inline_possible(value: Any) -> bool:
    """Whether the writer would write this intrinsic on one line in a file whose intrinsics are
    (a mapping argument, or a list of lists, it writes on several lines whatever the habit)."""
    return _inline_intrinsics_renderer()._inline(value)


@lru_cache(maxsize=1)
def _inline_intrinsics_renderer():
    from .render import JsonRenderer

    return JsonRenderer(Style(inline_intrinsics=True))
