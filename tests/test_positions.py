"""Positions from the readers' work as far as a lookup reaches: JSON members read up to the one
asked for, YAML nodes made from libyaml's marks along a lookup's path only, keys found by dict,
line starts."""

from __future__ import annotations

import json

import pytest

from cfnfix import pointer as jp
from cfnfix.errors import ParseError
from cfnfix.parse.document import parse_bytes, parse_text
from cfnfix.parse.source import MAP, SEQ

from .helpers import CORPUS, corpus_files

TRICKY_JSON = ('{"a": "x}]\\"{[", "b": [1, -2.5e3, true, null, {}, [ ]],\n'
               ' "c\\\\": {"d": "\\\\", "e\\"]": [{"f": "${AWS::Region}"}]}, "g": false}\n')


def test_json_spans_are_exact_and_parse_back_to_their_values():
    doc = parse_text(TRICKY_JSON, "json")
    smap = doc.sourcemap
    assert smap.span("/a") == (1, 7, 1, 16)
    assert smap.span("/b/1") == (1, 27, 1, 33)
    assert smap.span("/b/4") == (1, 47, 1, 49)
    assert smap.span("/b/5") == (1, 51, 1, 54)
    assert smap.span("/c\\/e\"]/0/f") == (2, 36, 2, 52)
    assert smap.span("/g") == (2, 62, 2, 67)
    assert smap.span("/c\\/e\"]") == (2, 29, 2, 54)  # the key `c\`, then `e"]`
    checked = 0
    for parts, node in smap.walk():
        assert json.loads(TRICKY_JSON[node.start:node.end]) == jp.resolve(doc.data, parts), parts
        checked += 1
    assert checked == 15


def test_json_members_are_read_only_as_far_as_a_lookup_reaches():
    text = '{"A": {"x": [1, {"y": "}"}]}, "B": {"z": 2}, "C": [3, 4]}\n'
    smap = parse_text(text, "json").sourcemap
    assert smap.span("/B/z") == (1, 42, 1, 43)
    members = smap.root._entries
    assert [key.name for key in members._keys] == ["A", "B"]  # C not read yet
    # the nodes a lookup made are those a full walk meets, and the rest read alike
    b = smap.node("/B")
    assert smap.root.children[1] is b and [key.name for key in smap.root.keys] == ["A", "B", "C"]
    assert [(node.start, node.end) for node in smap.root.children] == [(6, 28), (35, 43), (50, 56)]
    assert smap.span("/A/x/1/y") == (1, 23, 1, 26) and smap.node("/C/2") is None and smap.node("/D") is None


def test_json_scalar_document_needs_no_scan():
    doc = parse_text('  "just text"\n', "json")
    assert doc.sourcemap.span("") == (1, 3, 1, 14)


YAML = """\
Resources:
  A:
    Type: AWS::SNS::Topic
  B:
    Type: AWS::SQS::Queue
    Properties:
      Tags:
        - Key: k
          Value: !Sub '${AWS::Region}'
"""


def test_yaml_lookup_makes_the_node_the_full_tree_holds():
    smap = parse_text(YAML, "yaml").sourcemap
    value = smap.node("/Resources/B/Properties/Tags/0/Value")
    assert smap.span("/Resources/B/Properties/Tags/0/Value") == (9, 18, 9, 39)
    assert value.children[0].kind == "scalar" and smap.line_col(value.children[0].start) == (9, 23)
    resources = smap.node("/Resources")
    assert resources.kind == MAP and [k.name for k in resources.keys] == ["A", "B"]
    assert [(k.start, k.end) for k in resources.keys] == [(13, 14), (44, 45)]
    # the nodes made one at a time are the ones a full walk meets
    assert resources.children[1] is smap.node("/Resources/B")
    tags = smap.node("/Resources/B/Properties/Tags")
    assert tags.kind == SEQ and tags.children[0] is smap.node("/Resources/B/Properties/Tags/0")
    assert smap.node("/Resources/C") is None and smap.node("/Resources/B/Properties/Tags/1") is None
    assert smap.node("/Resources/B/Properties/Tags/x") is None
    assert resources.key_index("B") == 1 and resources.key_index("C") == -1


def test_yaml_merge_keys_are_left_out_and_mark_the_mapping_shared():
    text = "Base: &base\n  Type: AWS::SNS::Topic\nResources:\n  T:\n    <<: *base\n    Condition: C\n"
    smap = parse_text(text, "yaml").sourcemap
    merged = smap.node("/Resources/T")
    assert merged.shared and [k.name for k in merged.keys] == ["Condition"]
    assert merged.key_index("Condition") == 0 and smap.node("/Resources/T/Type") is None
    assert smap.span("/Resources/T/Condition") == (6, 16, 6, 17)


@pytest.mark.parametrize("text, fmt", [
    (YAML, "yaml"), (TRICKY_JSON, "json"),
    ("Base: &base\n  Type: AWS::SNS::Topic\nResources:\n  T:\n    <<: *base\n    Condition: C\n"
     "  U: {Type: X, Properties: {L: [!Ref A, !GetAtt B.Arn, [1, {k: v}]]}}\n  V: !If [C, *base, !Ref AWS::NoValue]\n",
     "yaml"),
])
def test_nodes_meets_the_nodes_of_walk_in_its_order(text, fmt):
    smap = parse_text(text, fmt).sourcemap
    walked = [node for _, node in smap.walk()]
    assert [id(n) for n in smap.nodes()] == [id(n) for n in walked] and len(walked) > 5


def test_line_col_counts_lines_and_code_points():
    smap = parse_text("a: 1\r\nb: 'é'\nc: x", "yaml").sourcemap
    assert [smap.line_col(i) for i in (0, 5, 6, 10, 13, 16)] == [(1, 1), (1, 6), (2, 1), (2, 5), (3, 1), (3, 4)]


def test_line_cols_counted_between_offsets_agree_with_the_line_table():
    text = "a: 1\r\nb:\r\n  - 'é x'\r\n\r\n  - ÿ\nc: {d: [1, 2]}\n"
    doc = parse_text(text)
    offsets = [0, 3, 5, 6, 7, 12, 13, 17, 20, 21, 23, 26, 30, len(text) - 1, len(text)]
    fresh = parse_text(text).sourcemap
    counted = fresh.line_cols(offsets + [12, 0])
    assert counted == {offset: doc.sourcemap.line_col(offset) for offset in offsets}
    assert counted[13] == (3, 4) and counted[20] == (3, 11) and counted[21] == (4, 1) and counted[len(text)] == (7, 1)
    # with the table built, the same answers come from it
    assert fresh.line_cols(offsets) == counted


def _assert_spans_match_the_source_map(text: str) -> int:
    """Every node's span, and the span for a part past it, as ``Document.span`` finds it on
    libyaml's nodes and as the source map's nodes have it; the number of paths probed."""
    placed, mapped = parse_text(text), parse_text(text).sourcemap
    probed = 0
    for path, _ in mapped.walk():
        for probe in (path, path + ("nope",), path + ("0",)):
            deepest = next(node for node in reversed(mapped.locate(probe)) if node is not None)
            assert placed.span(probe) == (deepest.start, deepest.end), probe
            probed += 1
    return probed


def test_yaml_spans_found_on_libyaml_nodes_are_the_source_maps():
    # tags on values and on empty values, block scalars, comments after collections, flow
    # collections, a merge key and an alias, a mapping past the size that gets a key index
    text = ("Parameters:  # p\n  P: {Type: String}\nResources:\n  A: &a\n    Type: !Sub 'x'\n"
            "    Properties:\n      L: !GetAZs\n      S: |\n        text\n\n      Q: [!Ref P, {k: v}]\n"
            "    # trailing\n  B:\n    <<: *a\n    Extra: 1\n"
            + "".join(f"  R{i}: {{Type: T}}\n" for i in range(15)))
    assert _assert_spans_match_the_source_map(text) == 3 * 49  # every value, tags' values apart
    doc = parse_text(text)
    assert doc.span(("Resources", "R14", "Type")) == (text.index("T}", text.index("R14")), text.index("T}", text.index("R14")) + 1)
    assert doc.span(("Resources", "A", "Properties", "L", "Fn::GetAZs")) == doc.span(("Resources", "A", "Properties", "L", "Fn::GetAZs", "x"))


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project")
def test_yaml_spans_found_on_libyaml_nodes_are_the_source_maps_on_the_corpus():
    probed = 0
    for path in corpus_files():
        try:
            doc = parse_bytes(path.read_bytes(), path.name)
        except ParseError:
            continue  # the corpus's unreadable files have no positions
        if doc.format == "yaml":
            probed += _assert_spans_match_the_source_map(doc.text)
    assert probed > 100_000
