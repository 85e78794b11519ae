"""The writer: each operation as a minimal edit, in the file's own style, verified on re-read."""

from __future__ import annotations

import pytest

from cfnfix.parse.document import parse_bytes, parse_text
from cfnfix.errors import WriteError
from cfnfix.write.writer import write

YAML = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  # the network
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16  # keep this comment
      Tags:
        - Key: Name
          Value: !Sub '${AWS::StackName}-vpc'

  Topic:
    Type: AWS::SNS::Topic
"""


def edit(text: str, ops: list[dict], fmt: str | None = None) -> str:
    return write(parse_text(text, fmt), ops).text


def test_replace_scalar_keeps_trailing_comment():
    out = edit(YAML, [{"op": "replace", "path": "/Resources/VPC/Properties/CidrBlock", "value": "10.1.0.0/16"}])
    assert out == YAML.replace("10.0.0.0/16  #", "10.1.0.0/16  #")


def test_replace_with_short_form_getatt():
    out = edit(YAML, [{"op": "replace", "path": "/Resources/VPC/Properties/Tags/0/Value",
                       "value": {"Fn::GetAtt": ["Topic", "TopicName"]}}])
    assert out == YAML.replace("!Sub '${AWS::StackName}-vpc'", "!GetAtt Topic.TopicName")


def test_add_resource_at_end_keeps_blank_line_convention():
    out = edit(YAML, [{"op": "add", "path": "/Resources/Queue", "value": {"Type": "AWS::SQS::Queue"}}])
    assert out == YAML + "\n  Queue:\n    Type: AWS::SQS::Queue\n"


def test_add_before_sibling_goes_above_its_comment():
    out = edit(YAML, [{"op": "add", "path": "/Resources/Queue", "value": {"Type": "AWS::SQS::Queue"},
                       "position": {"before": "/Resources/VPC"}}])
    assert out == YAML.replace("  # the network\n", "  Queue:\n    Type: AWS::SQS::Queue\n\n  # the network\n")


def test_add_section_in_usual_order():
    out = edit(YAML, [{"op": "add", "path": "/Parameters", "value": {"Env": {"Type": "String"}}}])
    assert out == YAML.replace("Resources:\n", "Parameters:\n  Env:\n    Type: String\nResources:\n", 1)


def test_add_to_block_sequence_and_remove_property_with_comment_above():
    text = YAML.replace("      Tags:", "      # tags below\n      Tags:")
    out = edit(text, [{"op": "add", "path": "/Resources/VPC/Properties/Tags/-", "value": {"Key": "Team", "Value": "payments"}},
                      {"op": "remove", "path": "/Resources/VPC/Properties/CidrBlock"}])
    assert out == text.replace("      CidrBlock: 10.0.0.0/16  # keep this comment\n", "").replace(
        "-vpc'\n", "-vpc'\n        - Key: Team\n          Value: payments\n")
    out = edit(text, [{"op": "remove", "path": "/Resources/VPC/Properties/Tags"}])
    assert "tags below" not in out and "Tags" not in out


def test_remove_last_key_leaves_empty_mapping():
    text = "Resources:\n  A:\n    Type: X\n    Properties:\n      Only: 1\n"
    assert edit(text, [{"op": "remove", "path": "/Resources/A/Properties/Only"}]) == \
        "Resources:\n  A:\n    Type: X\n    Properties: {}\n"


def test_flow_collections():
    text = "Resources: {A: {Type: X, Properties: {L: [a, b]}}}\n"
    out = edit(text, [{"op": "add", "path": "/Resources/A/Properties/L/1", "value": "c"},
                      {"op": "add", "path": "/Resources/A/Properties/M", "value": {"Ref": "AWS::Region"}}])
    assert out == "Resources: {A: {Type: X, Properties: {L: [a, c, b], M: !Ref AWS::Region}}}\n"


def test_long_form_file_gets_long_form():
    text = "Resources:\n  A:\n    Type: X\n    Properties:\n      P:\n        Ref: B\n"
    out = edit(text, [{"op": "add", "path": "/Resources/A/Properties/Q", "value": {"Fn::GetAtt": ["B", "Arn"]}}])
    assert out == text + "      Q:\n        Fn::GetAtt: [B, Arn]\n"


def test_tag_on_tag_is_written_as_long_form_outer():
    text = "Resources:\n  A:\n    Type: X\n    Properties:\n      P: !Ref B\n"
    out = edit(text, [{"op": "add", "path": "/Resources/A/Properties/UserData",
                       "value": {"Fn::Base64": {"Fn::Sub": "echo ${B}"}}}])
    assert out == text + "      UserData:\n        Fn::Base64: !Sub echo ${B}\n"


def test_strings_that_would_change_type_are_quoted():
    text = "Resources:\n  A:\n    Type: X\n    Properties:\n      P: !Ref B\n"
    values = {"V": "2012-10-17", "Enabled": "yes", "Mode": "0777", "T": "1:20", "E": "1e3", "I": ".inf",
              "S": "30", "Flag": "N", "Tilde": "~"}
    out = edit(text, [{"op": "add", "path": f"/Resources/A/Properties/{k}", "value": v} for k, v in values.items()])
    assert out == text + "".join(f"      {k}: '{v}'\n" for k, v in values.items())


def test_crlf_bom_and_missing_final_newline_are_kept():
    raw = "\ufeffResources:\r\n  A:\r\n    Type: X".encode("utf-8")
    doc = write(parse_bytes(raw, "t.yaml"), [{"op": "add", "path": "/Resources/B", "value": {"Type": "Z"}}])
    assert doc.to_bytes() == "\ufeffResources:\r\n  A:\r\n    Type: X\r\n  B:\r\n    Type: Z".encode("utf-8")


def test_json_edits_in_the_files_indent_and_inline_habits():
    text = '{\n    "Resources": {\n        "A": {\n            "Type": "X",\n            "Properties": {"L": ["a", "b"]}\n        }\n    }\n}'
    out = edit(text, [{"op": "add", "path": "/Resources/B", "value": {"Type": "Y", "Properties": {"R": {"Ref": "A"}, "L": ["x"]}}},
                      {"op": "remove", "path": "/Resources/A/Properties/L/0"}], "json")
    assert out == ('{\n    "Resources": {\n        "A": {\n            "Type": "X",\n'
                   '            "Properties": {"L": ["b"]}\n        },\n'
                   '        "B": {\n            "Type": "Y",\n            "Properties": {\n'
                   '                "R": {"Ref": "A"},\n                "L": ["x"]\n            }\n        }\n    }\n}')


def test_json_remove_member_and_add_before():
    text = '{\n  "Resources": {\n    "A": {"Type": "X"},\n    "B": {"Type": "Y"}\n  }\n}\n'
    out = edit(text, [{"op": "remove", "path": "/Resources/A"},
                      {"op": "add", "path": "/Outputs", "value": {"O": {"Value": "v"}}}], "json")
    assert out == '{\n  "Resources": {\n    "B": {"Type": "Y"}\n  },\n  "Outputs": {\n    "O": {\n      "Value": "v"\n    }\n  }\n}\n'


def test_edit_through_alias_is_refused():
    text = "Base: &b {Type: X}\nResources:\n  A: *b\n"
    with pytest.raises(WriteError) as info:
        write(parse_text(text), [{"op": "add", "path": "/Resources/A/Properties", "value": {}}])
    assert "alias" in info.value.problem.message


def test_failing_test_op_writes_nothing():
    with pytest.raises(WriteError) as info:
        write(parse_text(YAML), [{"op": "test", "path": "/Resources/VPC/Type", "value": "AWS::S3::Bucket"},
                                 {"op": "remove", "path": "/Resources/Topic"}])
    assert info.value.problem.message.startswith("patch does not apply")


def test_block_scalar_at_end_of_file_without_newline():
    text = "Resources:\n  A:\n    Type: X\n    Properties:\n      Script: |\n        echo hi"
    out = edit(text, [{"op": "add", "path": "/Resources/B", "value": {"Type": "Z"}}])
    assert out == "Resources:\n  A:\n    Type: X\n    Properties:\n      Script: |-\n        echo hi\n  B:\n    Type: Z"


SPACED = """\
Resources:

  A:
    Type: AWS::SNS::Topic

  B:
    Type: AWS::SNS::Topic

  C:
    Type: AWS::SNS::Topic
"""


@pytest.mark.parametrize("name,expected", [
    ("A", "Resources:\n\n  B:\n    Type: AWS::SNS::Topic\n\n  C:\n    Type: AWS::SNS::Topic\n"),
    ("B", "Resources:\n\n  A:\n    Type: AWS::SNS::Topic\n\n  C:\n    Type: AWS::SNS::Topic\n"),
    ("C", "Resources:\n\n  A:\n    Type: AWS::SNS::Topic\n\n  B:\n    Type: AWS::SNS::Topic\n"),
])
def test_removed_entry_takes_one_blank_line_along(name, expected):
    assert edit(SPACED, [{"op": "remove", "path": f"/Resources/{name}"}]) == expected
    crlf = SPACED.replace("\n", "\r\n")
    assert edit(crlf, [{"op": "remove", "path": f"/Resources/{name}"}]) == expected.replace("\n", "\r\n")


def test_first_entry_under_its_key_leaves_no_blank_line_there():
    text = "Resources:\n  A:\n    Type: X\n\n  B:\n    Type: Y\n"
    assert edit(text, [{"op": "remove", "path": "/Resources/A"}]) == "Resources:\n  B:\n    Type: Y\n"


HABITS = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyDocument:
            Statement:
              - Resource: '*'
                Action: -service
      Path: !If
        - HasPath
        - /app/
        - !Ref AWS::NoValue
      UserData: !Base64
        Fn::Sub: echo ${AWS::Region}
      Zones: !GetAZs
"""


def test_new_values_follow_the_files_own_habits():
    value = {"Fn::If": ["HasName", "*", {"Ref": "AWS::NoValue"}]}
    out = edit(HABITS, [{"op": "add", "path": "/Resources/Role/Properties/RoleName", "value": value}])
    # the file quotes '*' with single quotes and writes !If lists as blocks
    assert out.endswith("      RoleName: !If\n        - HasName\n        - '*'\n        - !Ref AWS::NoValue\n")
    out = edit(HABITS, [{"op": "add", "path": "/Resources/Role/Properties/Description",
                         "value": {"Fn::Base64": {"Fn::Sub": "hi ${AWS::StackName}"}}}])
    assert out.endswith("      Description: !Base64\n        Fn::Sub: hi ${AWS::StackName}\n")
    out = edit(HABITS, [{"op": "add", "path": "/Resources/Role/Properties/More", "value": [
        {"Fn::GetAZs": ""}, "-service"]}])
    assert out.endswith("      More:\n        - !GetAZs\n        - -service\n")


def test_without_habits_new_values_take_the_defaults():
    text = "Resources:\n  R:\n    Type: X\n"
    out = edit(text, [{"op": "add", "path": "/Resources/R/Properties", "value": {
        "A": {"Fn::If": ["C", "*", {"Ref": "AWS::NoValue"}]}, "B": {"Fn::Base64": {"Fn::Sub": "x"}},
        "L": [{"Fn::Base64": {"Fn::Sub": "w"}}], "Z": {"Fn::GetAZs": ""}, "D": "-service"}}])
    assert out == text + (
        "    Properties:\n"
        "      A: !If [C, '*', !Ref AWS::NoValue]\n"
        "      B:\n        Fn::Base64: !Sub x\n"
        "      L:\n        - Fn::Base64: !Sub w\n"
        "      Z: !GetAZs ''\n"
        "      D: '-service'\n")


def test_values_that_short_forms_would_change_keep_a_form_that_reads_back():
    text = "Resources:\n  R:\n    Type: X\n"
    out = edit(text, [{"op": "add", "path": "/Resources/R/Properties", "value": {
        "Name": {"Fn::GetAtt": "Topic.TopicName"}, "Separator": "\n"}}])
    # `!GetAtt Topic.TopicName` would read as a list; a block scalar of one empty line as ""
    assert out == text + ("    Properties:\n      Name:\n        Fn::GetAtt: Topic.TopicName\n"
                          '      Separator: "\\n"\n')
    assert parse_text(out).data["Resources"]["R"]["Properties"]["Separator"] == "\n"


def test_minified_json_stays_on_one_line():
    text = '{"Resources":{"A":{"Type":"AWS::SNS::Topic"},"B":{"Type":"AWS::SQS::Queue"}}}'
    out = edit(text, [{"op": "add", "path": "/Resources/C", "value": {
        "Type": "AWS::S3::Bucket", "Properties": {"Tags": [{"Key": "Name", "Value": {"Ref": "AWS::StackName"}}]}}},
        {"op": "add", "path": "/Outputs", "value": {"Topic": {"Value": {"Ref": "A"}}}}], "json")
    assert out == ('{"Resources":{"A":{"Type":"AWS::SNS::Topic"},"B":{"Type":"AWS::SQS::Queue"},'
                   '"C":{"Type":"AWS::S3::Bucket","Properties":{"Tags":[{"Key":"Name","Value":{"Ref":"AWS::StackName"}}]}}},'
                   '"Outputs":{"Topic":{"Value":{"Ref":"A"}}}}')


def test_a_file_that_mixes_forms_gets_each_intrinsic_in_its_own_form():
    text = ("Resources:\n  A:\n    Type: X\n    Properties:\n      Vpc:\n        Ref: Vpc\n      Subnet:\n"
            "        Ref: Subnet\n      Name: !Sub ${AWS::StackName}-a\n")
    out = edit(text, [{"op": "add", "path": "/Resources/A/Properties/Tags", "value": [
        {"Key": "Name", "Value": {"Fn::Sub": "${AWS::StackName}-b"}}, {"Key": "Vpc", "Value": {"Ref": "Vpc"}}]}])
    assert out == text + ("      Tags:\n        - Key: Name\n          Value: !Sub ${AWS::StackName}-b\n"
                          "        - Key: Vpc\n          Value:\n            Ref: Vpc\n")


def test_a_new_tagged_string_is_quoted_as_the_file_quotes_that_tag():
    text = "Resources:\n  A:\n    Type: X\n    Properties:\n      Name: !Sub '${AWS::StackName}-a'\n      Plain: x-y\n"
    out = edit(text, [{"op": "add", "path": "/Resources/A/Properties/Other",
                       "value": {"Fn::Sub": "arn:${AWS::Partition}:s3:::b"}},
                      {"op": "add", "path": "/Resources/A/Properties/Untagged", "value": "a-b"}])
    assert out == text + "      Other: !Sub 'arn:${AWS::Partition}:s3:::b'\n      Untagged: a-b\n"


QUEUE_WITH_COMMENTED_LAST_PROPERTY = """\
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      DelaySeconds: 5
      # RedrivePolicy: !Ref DeadLetterPolicy
"""


def test_new_section_goes_after_a_commented_out_last_property():
    out = edit(QUEUE_WITH_COMMENTED_LAST_PROPERTY,
               [{"op": "add", "path": "/Outputs", "value": {"QueueUrl": {"Value": {"Ref": "Queue"}}}}])
    assert out == QUEUE_WITH_COMMENTED_LAST_PROPERTY + "Outputs:\n  QueueUrl:\n    Value: !Ref Queue\n"


def test_new_resource_goes_after_the_comments_its_neighbour_owns():
    text = QUEUE_WITH_COMMENTED_LAST_PROPERTY + "\n      # VisibilityTimeout: 30\n"
    out = edit(text, [{"op": "add", "path": "/Resources/Topic", "value": {"Type": "AWS::SNS::Topic"}}])
    assert out == text + "  Topic:\n    Type: AWS::SNS::Topic\n"


def test_comment_at_the_new_entrys_own_indent_stays_below_it():
    # a comment at the key's own indent introduces what follows it, so the new key goes above
    text = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n  # Topic: later\n"
    out = edit(text, [{"op": "add", "path": "/Resources/Topic", "value": {"Type": "AWS::SNS::Topic"}}])
    assert out == "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n  Topic:\n    Type: AWS::SNS::Topic\n  # Topic: later\n"


def test_crlf_file_ending_in_a_block_scalar_without_final_newline():
    text = ("Resources:\r\n  Fn:\r\n    Type: AWS::Lambda::Function\r\n    Properties:\r\n"
            "      Code: |\r\n        print(1)\r\n        print(2)")
    out = edit(text, [{"op": "add", "path": "/Outputs", "value": {"A": {"Value": {"Ref": "Fn"}}}}])
    assert out == text.replace("Code: |", "Code: |-") + "\r\nOutputs:\r\n  A:\r\n    Value: !Ref Fn"


def test_new_conditions_section_follows_parameters_whatever_order_the_file_keeps():
    text = ("Transform: AWS::Serverless-2016-10-31\nDescription: d\nParameters:\n  P:\n    Type: String\n"
            "Resources:\n  T:\n    Type: AWS::SNS::Topic\n")
    out = edit(text, [{"op": "add", "path": "/Conditions", "value": {"C": {"Fn::Equals": ["a", "b"]}}}])
    assert out == text.replace("Resources:\n", "Conditions:\n  C: !Equals [a, b]\nResources:\n")


# the file's one `!Ref` argument is quoted, inside a flow list
QUOTED_REF_IN_FLOW = ('Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n'
                      '      QueueName: !Join ["", [jobs, !Ref "AWS::Region"]]\n')
STACK_ID_SUFFIX = {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}


def test_a_new_tagged_string_in_a_flow_list_is_quoted_as_the_file_quotes_that_tag():
    out = edit(QUOTED_REF_IN_FLOW, [{"op": "add", "path": "/Resources/Queue/Properties/Tags",
                                     "value": [{"Key": "Stack", "Value": STACK_ID_SUFFIX}]}])
    assert out == QUOTED_REF_IN_FLOW + ('      Tags:\n        - Key: Stack\n'
                                        '          Value: !Select [2, !Split [/, !Ref "AWS::StackId"]]\n')


def test_a_write_that_replaces_the_files_only_quoted_ref_leaves_the_habit_for_the_next_write():
    """Issue 10 item 1: the habit is read anew from the text each write; text the writer itself
    wrote follows the habit, so a second write sees the same habit as one write of both."""
    replace = [{"op": "replace", "path": "/Resources/Queue/Properties/QueueName",
                "value": {"Fn::Join": ["", ["jobs", STACK_ID_SUFFIX]]}}]
    output = [{"op": "add", "path": "/Outputs", "value": {"Queue": {"Value": {"Ref": "Queue"}}}}]
    once = edit(QUOTED_REF_IN_FLOW, replace + output)
    assert once == QUOTED_REF_IN_FLOW.replace(
        '!Ref "AWS::Region"]]', '!Select [2, !Split [/, !Ref "AWS::StackId"]]]]'
    ) + 'Outputs:\n  Queue:\n    Value: !Ref "Queue"\n'
    assert edit(edit(QUOTED_REF_IN_FLOW, replace), output) == once


def _add(name: str, value) -> dict:
    return {"op": "add", "path": "/Resources/R/Properties/" + name, "value": value}


R = "Resources:\n  R:\n    Type: X\n    Properties:\n"
# (file, first write, second write, what one write of both adds): the habits are measured anew on
# the second write, with the text of the first in the file; they must not have moved
HABITS_THE_WRITER_KEEPS = {
    "a-quoted-ref-says-nothing-of-the-name-elsewhere": (
        R + '      A: !Ref "A"\n', [_add("B", {"Ref": "New"})],
        [{"op": "add", "path": "/Resources/R/DependsOn", "value": "New"}],
        '      B: !Ref "New"\n    DependsOn: New\n'),
    "quotes-a-string-cannot-do-without-are-no-habit-of-quoting": (
        R + '      A: "x"\n      B: "yy"\n      C: "z"\n      D: w\n      E: v\n',
        [_add("F", "*"), _add("G", "10"), _add("H", "true"), _add("I", "1.5")], [_add("J", "plain")],
        '      F: "*"\n      G: "10"\n      H: "true"\n      I: "1.5"\n      J: plain\n'),
    "copies-of-a-name-quoted-its-own-way-do-not-outvote-its-tag": (
        R + '      A: !Ref "A"\n      B: !Ref B\n      C: !Ref C\n      D: "A"\n',
        [_add("E", {"Ref": "A"}), _add("F", {"Ref": "A"})], [_add("G", {"Ref": "Z"})],
        "      E: !Ref A\n      F: !Ref A\n      G: !Ref Z\n"),
    "a-long-form-no-tag-can-replace-is-no-long-form-habit": (
        R + "      A: !Ref A\n", [_add("E", {"Fn::GetAtt": "A.B"}), _add("F", {"Fn::GetAtt": "C.D"})],
        [_add("G", {"Fn::Sub": "z"})],
        "      E:\n        Fn::GetAtt: A.B\n      F:\n        Fn::GetAtt: C.D\n      G: !Sub z\n"),
    "copies-of-one-long-form-intrinsic-do-not-outvote-the-short-forms": (
        R + "      A:\n        Ref: A\n      B: !Sub b\n", [_add("E", {"Ref": "E"}), _add("F", {"Ref": "F"})],
        [_add("G", {"Fn::GetAtt": ["A", "Arn"]})],
        "      E:\n        Ref: E\n      F:\n        Ref: F\n      G: !GetAtt A.Arn\n"),
    "a-getatt-that-cannot-be-dotted-is-no-list-habit": (
        R + "      A: !GetAtt A.Arn\n",
        [_add("E", {"Fn::GetAtt": ["A.x", "Arn"]}), _add("F", {"Fn::GetAtt": ["B", {"Ref": "X"}]})],
        [_add("G", {"Fn::GetAtt": ["C", "Arn"]})],
        "      E: !GetAtt [A.x, Arn]\n      F: !GetAtt [B, !Ref X]\n      G: !GetAtt C.Arn\n"),
    "a-long-form-under-a-tag-on-a-tag-is-no-long-form-habit": (
        R + "      A: !Base64 x\n",
        [_add("E", {"Fn::Base64": {"Fn::Sub": "y"}}), _add("F", {"Fn::Base64": {"Fn::Sub": "z"}})],
        [_add("G", {"Fn::Base64": "w"})],
        "      E:\n        Fn::Base64: !Sub 'y'\n      F:\n        Fn::Base64: !Sub z\n      G: !Base64 w\n"),
    "a-list-too-wide-for-one-flow-line-is-no-block-list-habit": (
        R + '      A: !Join ["-", [a, b]]\n',
        [_add("E", {"Fn::Join": ["-", ["x" * 50, "y" * 50]]}), _add("F", {"Fn::Join": ["-", ["z" * 50, "w" * 50]]})],
        [_add("G", {"Fn::Join": ["-", ["c", "d"]]})],
        '      E: !Join\n        - "-"\n        - - ' + "x" * 50 + "\n          - " + "y" * 50 + "\n"
        '      F: !Join\n        - "-"\n        - - ' + "z" * 50 + "\n          - " + "w" * 50 + "\n"
        '      G: !Join ["-", [c, d]]\n'),
}


@pytest.mark.parametrize("name", HABITS_THE_WRITER_KEEPS)
def test_what_one_write_adds_does_not_move_the_habits_the_next_write_reads(name):
    """Issue 10 item 1: only a choice the writer has votes, a habit decides in the scope it is
    counted in, a wider habit counts each narrower one once, a tie decides nothing (style.py)."""
    text, first, second, added = HABITS_THE_WRITER_KEEPS[name]
    once = edit(text, first + second)
    assert once == text + added
    assert edit(edit(text, first), second) == once


JSON_INLINE_REF = ('{\n  "Resources": {\n    "R": {\n      "Type": "X",\n      "Properties": {\n'
                   '        "A": {"Ref": "A"}\n      }\n    }\n  }\n}\n')


def test_json_intrinsics_that_cannot_be_on_one_line_are_no_habit_of_several_lines():
    subs = [_add(name, {"Fn::Sub": [f"{name}${{A}}", {"A": name.lower()}]}) for name in ("E", "F")]
    ref = [_add("G", {"Ref": "G"})]
    once = edit(JSON_INLINE_REF, subs + ref, "json")
    sub = '        "{0}": {{\n          "Fn::Sub": [\n            "{0}${{A}}",\n            {{\n              "A": "{1}"\n            }}\n          ]\n        }}'
    assert once == JSON_INLINE_REF.replace('"A": {"Ref": "A"}\n', '"A": {"Ref": "A"},\n' + sub.format("E", "e") + ",\n"
                                           + sub.format("F", "f") + ',\n        "G": {"Ref": "G"}\n')
    assert edit(edit(JSON_INLINE_REF, subs, "json"), ref, "json") == once
