"""The reader: long-form data from short-form tags, scalars as CloudFormation reads them, errors with positions."""

from __future__ import annotations

import pytest

from cfnfix.parse.document import parse_bytes, parse_text
from cfnfix.errors import ParseError
from cfnfix.parse.source import MAP, SCALAR, SEQ, TAG

SHORT_FORMS = """\
A: !Ref X
B: !Sub 'x-${AWS::Region}'
C: !GetAtt Role.Arn
D: !GetAtt [Role, Arn]
E: !GetAtt Db.Endpoint.Address
F: !Join ['', [a, !Ref B]]
G: !Select [0, !GetAZs '']
H: !Split [',', 'a,b']
I: !If [Cond, yes, no]
J: !Equals [!Ref Env, prod]
K: !And [!Condition A, !Not [!Condition B]]
L: !Or [!Condition A, !Condition B]
M: !FindInMap [Map, !Ref AWS::Region, Ami]
N: !Base64 {'Fn::Sub': 'echo ${X}'}
O: !Cidr [10.0.0.0/16, 6, 5]
P: !ImportValue shared-vpc
Q: !Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}
R: !GetAZs
S: !ToJsonString {a: 1}
"""


def test_short_forms_become_long_form():
    data = parse_text(SHORT_FORMS).data
    assert data == {
        "A": {"Ref": "X"},
        "B": {"Fn::Sub": "x-${AWS::Region}"},
        "C": {"Fn::GetAtt": ["Role", "Arn"]},
        "D": {"Fn::GetAtt": ["Role", "Arn"]},
        "E": {"Fn::GetAtt": ["Db", "Endpoint.Address"]},
        "F": {"Fn::Join": ["", ["a", {"Ref": "B"}]]},
        "G": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
        "H": {"Fn::Split": [",", "a,b"]},
        "I": {"Fn::If": ["Cond", True, False]},
        "J": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "K": {"Fn::And": [{"Condition": "A"}, {"Fn::Not": [{"Condition": "B"}]}]},
        "L": {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]},
        "M": {"Fn::FindInMap": ["Map", {"Ref": "AWS::Region"}, "Ami"]},
        "N": {"Fn::Base64": {"Fn::Sub": "echo ${X}"}},
        "O": {"Fn::Cidr": ["10.0.0.0/16", 6, 5]},
        "P": {"Fn::ImportValue": "shared-vpc"},
        "Q": {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}},
        "R": {"Fn::GetAZs": ""},
        "S": {"Fn::ToJsonString": {"a": 1}},
    }


def test_scalars_resolve_as_cloudformation_reads_them():
    data = parse_text("V: 2010-09-09\nT: 2001-12-14t21:59:43.10-05:00\nI: 42\nF: 1.5\nB: true\nN: ~\n"
                      "Q: '42'\nX: .inf\nO: 0777\n").data
    assert data == {"V": "2010-09-09", "T": "2001-12-14t21:59:43.10-05:00", "I": 42, "F": 1.5,
                    "B": True, "N": None, "Q": "42", "X": ".inf", "O": 511}


def test_json_numbers_and_strings():
    data = parse_text('{"a": 1e3, "b": "2010-09-09", "c": [true, null, -0.5]}', "json").data
    assert data == {"a": 1000.0, "b": "2010-09-09", "c": [True, None, -0.5]}


def test_sourcemap_spans_and_tags():
    doc = parse_text(SHORT_FORMS)
    smap = doc.sourcemap
    c = smap.node("/C")
    assert c.kind == TAG and c.tag == "!GetAtt" and doc.text[c.start:c.end] == "!GetAtt Role.Arn"
    inner = smap.node("/C/Fn::GetAtt")
    assert inner.kind == SCALAR and doc.text[inner.start:inner.end] == "Role.Arn"
    assert smap.node("/C/Fn::GetAtt/0") is None  # no text of its own: edits rewrite the tag
    assert smap.node("/D/Fn::GetAtt").kind == SEQ
    assert doc.text[smap.node("/F/Fn::Join/1/1/Ref").start:smap.node("/F/Fn::Join/1/1/Ref").end] == "B"
    assert smap.span("/B") == (2, 4, 2, 27)
    assert smap.key_of(("B",)).name == "B"


def test_block_collection_span_excludes_trailing_comments():
    text = "A:\n  B: 1\n  C:\n    - x\n  # trailing comment\n\nD: 2\n"
    doc = parse_text(text)
    a = doc.sourcemap.node("/A")
    assert a.kind == MAP and text[a.start:a.end] == "B: 1\n  C:\n    - x"


def test_block_scalar_span_excludes_trailing_blank_lines():
    text = "A: |\n  hello\n\n\nB: 1\n"
    node = parse_text(text).sourcemap.node("/A")
    assert text[node.start:node.end] == "|\n  hello"


@pytest.mark.parametrize("text,message,line,column", [
    ("a: 1\na: 2\n", "duplicate key 'a'", 2, 1),
    ('{"a": 1, "a": 2}', "duplicate key 'a'", 1, 10),
    ("a: 1\n---\nb: 2\n", "expected a single document in the stream, but found another document", 2, 1),
    ("a: [1, 2\n", None, 2, 1),
    ('{"a": }', "Expecting value", 1, 7),
    ("a:\n\tb: 1\n", None, 2, 1),
])
def test_errors_carry_positions(text, message, line, column):
    fmt = "json" if text.startswith("{") else "yaml"
    with pytest.raises(ParseError) as info:
        parse_text(text, fmt)
    problem = info.value.problem
    if message:
        assert problem.message == message
    assert (problem.line, problem.column) == (line, column)


@pytest.mark.parametrize("text,message,line,column", [
    ("a: 1\na: 2\n", "duplicate key 'a'", 2, 1),
    ("? [a]\n: 1\n", "mapping keys must be plain strings", 1, 3),
    ("a: !!python/name:os.system x\n", "tag !!python/name:os.system is not one CloudFormation reads", 1, 4),
    ("a: " + "[" * 300 + "]" * 300 + "\n", "nesting deeper than 200 levels", 1, 203),
])
def test_a_text_without_anchors_fails_as_one_with_them(text, message, line, column):
    # the plain walk (no anchor, no merge key in the text) and the walk that tracks shared nodes
    # must read alike; an anchor on an unrelated key sends the same text through the second
    for variant in (text, "Anchored: &x 1\n" + text):
        with pytest.raises(ParseError) as info:
            parse_text(variant)
        problem = info.value.problem
        assert problem.message == message
        assert (problem.line, problem.column) == (line + variant.count("\n", 0, len(variant) - len(text)), column)


def test_the_plain_walk_and_the_shared_walk_read_the_same_data():
    from cfnfix.parse import yaml_reader

    text = ("Parameters:\n  Env: {Type: String, Default: 'on'}\nConditions:\n  Prod: !Equals [!Ref Env, prod]\n"
            "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      DelaySeconds: 5\n"
            "      QueueName: !Sub '${AWS::StackName}-q'\n      Tags: [{Key: a, Value: 1.5}, {Key: b, Value: null}]\n"
            "      RedriveAllowPolicy: !If [Prod, !GetAtt D.Arn, !Ref 'AWS::NoValue']\n")
    plain, _ = yaml_reader.load(text)
    assert yaml_reader._Builder().build(yaml_reader.yaml.compose(text, Loader=yaml_reader._Loader), 0) == plain
    assert plain["Resources"]["Q"]["Properties"]["RedriveAllowPolicy"] == {
        "Fn::If": ["Prod", {"Fn::GetAtt": ["D", "Arn"]}, {"Ref": "AWS::NoValue"}]}
    assert plain["Resources"]["Q"]["Properties"]["Tags"] == [{"Key": "a", "Value": 1.5}, {"Key": "b", "Value": None}]


def test_bom_crlf_and_missing_final_newline_are_kept():
    raw = "\ufeffResources:\r\n  A:\r\n    Type: X".encode("utf-8")
    doc = parse_bytes(raw, "t.yaml")
    assert doc.bom and doc.newline == "\r\n"
    assert doc.data == {"Resources": {"A": {"Type": "X"}}}
    assert doc.to_bytes() == raw


def test_aliases_and_merge_keys_are_read_and_marked_shared():
    text = "Base: &base {Type: X}\nResources:\n  A: *base\n  B:\n    <<: *base\n    Properties: {}\n"
    doc = parse_text(text)
    assert doc.data["Resources"] == {"A": {"Type": "X"}, "B": {"Type": "X", "Properties": {}}}
    smap = doc.sourcemap
    assert smap.node("/Resources/A").shared and smap.node("/Base").shared
    assert smap.node("/Resources/B").shared  # the mapping holding the merge key
    assert not smap.node("/Resources").shared


def test_alias_bomb_is_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    with pytest.raises(ParseError) as info:
        parse_text("\n".join(lines) + "\n")
    assert "alias bomb" in info.value.problem.message


def test_deep_nesting_is_an_error_with_position():
    with pytest.raises(ParseError) as info:
        parse_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    # libyaml builds that limit nesting themselves stop first, with their own words
    assert "nesting" in info.value.problem.message
    assert info.value.problem.line == 1 and info.value.problem.column > 200
    with pytest.raises(ParseError) as info:
        parse_text("a: " + "[" * 300 + "]" * 300 + "\n")
    assert info.value.problem.message == "nesting deeper than 200 levels"
    assert (info.value.problem.line, info.value.problem.column) == (1, 203)  # the 200th bracket
    with pytest.raises(ParseError) as info:
        parse_text('{"a": ' + "[" * 5000 + "]" * 5000 + "}", "json")
    assert info.value.problem.message == "nesting deeper than 200 levels"


@pytest.mark.parametrize("raw,message", [
    (b"", "empty file"),
    (b"  \n\n", "empty file"),
    (b"\x00\x01\x02ELF", "binary file, not a template"),
    (b"a: caf\xe9\n", "not UTF-8 (byte 0xe9)"),
])
def test_unreadable_bytes(raw, message):
    with pytest.raises(ParseError) as info:
        parse_bytes(raw, "t.yaml")
    assert info.value.problem.message == message


def test_template_suffix_sniffs_json_then_yaml():
    assert parse_bytes(b'{"Resources": {}}', "t.template").format == "json"
    assert parse_bytes(b"Resources: {}\n", "t.template").format == "yaml"
    assert parse_bytes(b"{Resources: {A: {Type: X}}}", "t.template").format == "yaml"


@pytest.mark.parametrize("raw,name,fmt", [
    # a SAM `packaged-template.json` that holds YAML, and a `.json` fragment that is valid YAML
    (b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  T:\n    Type: AWS::SNS::Topic\n",
     "packaged-template.json", "yaml"),
    (b"Resources:\n  T: {Type: AWS::SNS::Topic}\n", "fragment.json", "yaml"),
    (b'{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}', "template.yaml", "json"),
    (b'{"Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "a//b /* c */, }"}}}}',
     "t.json", "json"),  # comment and comma look-alikes inside strings are text
])
def test_content_decides_the_format_not_the_name(raw, name, fmt):
    """Issue 10 item 8: CloudFormation and cfn-lint read either format whatever the name."""
    doc = parse_bytes(raw, name)
    assert doc.format == fmt
    assert doc.data["Resources"]["T"]["Type"] == "AWS::SNS::Topic"


def test_broken_json_named_json_is_not_read_as_yaml():
    # `{"A": }` is valid YAML flow style; in a `.json` file it is a JSON mistake to report
    with pytest.raises(ParseError) as info:
        parse_bytes(b'{"Resources": {"A": }}', "t.json")
    assert (info.value.problem.message, info.value.problem.line, info.value.problem.column) == (
        "Expecting value", 1, 21)


def test_yaml_flow_style_with_a_slash_star_in_a_single_quoted_string_is_yaml():
    # found by the property test: `'arn:aws:s3:::bucket/*'` is no JSON comment; the text is YAML
    raw = (b"{AWSTemplateFormatVersion: '2010-09-09', Resources: {Vpc: {Type: 'AWS::X::Y', Properties: {\n"
           b"        Alpha: [['arn:aws:s3:::bucket/*']]}}}}\n")
    doc = parse_bytes(raw, "t.yaml")
    assert doc.format == "yaml"
    assert doc.data["Resources"]["Vpc"]["Properties"] == {"Alpha": [["arn:aws:s3:::bucket/*"]]}


def test_a_quote_inside_a_yaml_plain_scalar_opens_no_string():
    # found by the property test: the `"` of the plain scalar `0"` made the JSON-mistake scan read
    # `"], Beta: '"` as a string, and then `/*` in the next single-quoted string as a comment
    raw = (b"{AWSTemplateFormatVersion: '2010-09-09', Resources: {Vpc: {Type: 'AWS::X::Y', Properties: {\n"
           b"        Alpha: [0\"], Beta: '\"', Gamma: 'arn:aws:s3:::bucket/*'}}}}\n")
    doc = parse_bytes(raw, "t.yaml")
    assert doc.format == "yaml"
    assert doc.data["Resources"]["Vpc"]["Properties"] == {"Alpha": ['0"'], "Beta": '"',
                                                           "Gamma": "arn:aws:s3:::bucket/*"}


def test_the_loader_composes_the_tree_pyyaml_composes():
    # the loader answers the resolver's questions its own way (no path resolvers, strings first):
    # node for node, the same tags, values, styles and marks as PyYAML's own loader
    import yaml

    from cfnfix.parse import yaml_reader

    assert not yaml_reader._Loader.yaml_path_resolvers
    text = ("a: 1\nb: [true, ~, 0x1F, 1.5e3, .inf, '2', \"x\", 2026-12-03, <<]\nc: !Sub 'x'\n"
            "d: {e: null, f: -1, g: +2, h: !!str 3, i: yes, j: =, k: .5}\nl: |\n  text\n? m\n: [[n]]\n")

    def shape(node):
        marks = (node.start_mark.index, node.end_mark.index, node.tag, getattr(node, "style", None))
        if isinstance(node, yaml.ScalarNode):
            return marks + (node.value,)
        if isinstance(node, yaml.SequenceNode):
            return marks + tuple(shape(item) for item in node.value)
        return marks + tuple((shape(key), shape(value)) for key, value in node.value)

    assert shape(yaml.compose(text, Loader=yaml_reader._Loader)) == shape(yaml.compose(text, Loader=yaml.CSafeLoader))
