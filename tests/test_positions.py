"""Positions from the readers' one-time work: JSON's single bracket scan, YAML nodes made from
libyaml's marks along a lookup's path only, keys found by dict, line starts."""

from __future__ import annotations

import json

from cfnfix import pointer as jp
from cfnfix.parse.document import parse_text
from cfnfix.parse.json_reader import _container_ends
from cfnfix.parse.source import MAP, SEQ

TRICKY_JSON = ('{"a": "x}]\\"{[", "b": [1, -2.5e3, true, null, {}, [ ]],\n'
               ' "c\\\\": {"d": "\\\\", "e\\"]": [{"f": "${AWS::Region}"}]}, "g": false}\n')


def _reference_ends(text: str) -> dict[int, int]:
    """Each container's start -> end, by walking the text one character at a time."""
    ends, stack, i, inside = {}, [], 0, False
    while i < len(text):
        char = text[i]
        if inside:
            if char == "\\":
                i += 1
            elif char == '"':
                inside = False
        elif char == '"':
            inside = True
        elif char in "{[":
            stack.append(i)
        elif char in "}]":
            ends[stack.pop()] = i + 1
        i += 1
    return ends


def test_json_container_ends_skip_brackets_and_escapes_inside_strings():
    assert _container_ends(TRICKY_JSON) == _reference_ends(TRICKY_JSON)
    assert len(_container_ends(TRICKY_JSON)) == 7


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


def test_line_col_counts_lines_and_code_points():
    smap = parse_text("a: 1\r\nb: 'é'\nc: x", "yaml").sourcemap
    assert [smap.line_col(i) for i in (0, 5, 6, 10, 13, 16)] == [(1, 1), (1, 6), (2, 1), (2, 5), (3, 1), (3, 4)]
