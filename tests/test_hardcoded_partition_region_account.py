"""CFX602 hardcoded-partition-region-account: its data tables and the cases its examples do not show."""

from __future__ import annotations

import importlib.util

import cfnfix
from cfnfix.kit import Safety
from cfnfix.values import aws_data

from .helpers import ROOT

SETTINGS = cfnfix.Settings(select=("CFX602",), unsafe_fixes=True)


def _generator():
    spec = importlib.util.spec_from_file_location("partition_data", ROOT / "scripts" / "partition_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_regions_equal_the_generated_ones():
    generator = _generator()
    assert (ROOT / "cfnfix" / "data" / "regions.json").read_text(encoding="utf-8") == generator.render(generator.regions())
    regions = aws_data("regions.json")
    assert regions["cfn_lint"] == generator.PINNED == "1.51.0"
    assert regions["regions"]["cn-northwest-1"] == "aws-cn"
    assert regions["regions"]["us-gov-west-1"] == "aws-us-gov"
    assert regions["regions"]["us-isob-east-1"] == "aws-iso-b"
    assert regions["regions"]["eu-west-1"] == "aws"


def test_the_hand_written_accounts_say_their_source():
    owned = aws_data("aws_owned_accounts.json")
    assert owned["_source"].startswith("Hand-written. elb_log_delivery: https://docs.aws.amazon.com/")
    assert owned["elb_log_delivery"]["us-east-1"] == "127311923021"
    assert "123456789012" in owned["placeholders"]


def _fix(body: str) -> cfnfix.FixResult:
    return cfnfix.fix_text("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n" + body, "yaml", settings=SETTINGS)


def test_a_literal_with_another_tools_variables_or_a_missing_sub_is_left_alone():
    body = ("  Policy:\n    Type: AWS::SNS::TopicPolicy\n    Properties:\n      Topics: [!Ref Topic]\n"
            "      PolicyDocument:\n        Statement:\n          - Effect: Allow\n"
            "            Principal: {AWS: 'arn:aws:iam::${self:custom.account}:root'}\n"
            "            Action: sns:Publish\n            Resource: 'arn:aws:sns:us-east-1:${AWS::AccountId}:t'\n")
    result = _fix(body)
    assert result.error is None and not result.changed
    assert result.remaining == ()


def test_a_layer_and_the_lambda_insights_accounts_are_not_the_stacks():
    body = ("  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: !Sub arn:aws:iam::${AWS::AccountId}:role/r\n"
            "      Runtime: python3.13\n      Handler: index.handler\n      Code: {ZipFile: 'x'}\n"
            "      Layers:\n        - arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53\n"
            "        - arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python313:1\n")
    result = _fix(body)
    assert result.error is None
    assert ("!Sub arn:${AWS::Partition}:lambda:${AWS::Region}:580247275435:layer:LambdaInsightsExtension:53"
            in result.text)
    assert "!Sub arn:${AWS::Partition}:lambda:${AWS::Region}:464622532012:layer:Datadog-Python313:1" in result.text
    assert "!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/r" in result.text
    messages = [f.message for f in cfnfix.check_text("Resources:\n" + body, format="yaml", settings=SETTINGS).findings]
    assert any("580247275435 publishes the Lambda Insights layer, kept" in m for m in messages)


def test_two_accounts_are_kept_and_a_placeholder_is_display_only():
    body = ("  Policy:\n    Type: AWS::SNS::TopicPolicy\n    Properties:\n      Topics: [!Ref Topic]\n"
            "      PolicyDocument:\n        Statement:\n          - Effect: Allow\n"
            "            Principal: {AWS: [arn:aws:iam::210123456789:root, arn:aws:iam::310123456789:root]}\n"
            "            Action: sns:Publish\n            Resource: arn:aws:sns:us-east-1:123456789012:t\n")
    checked = cfnfix.check_text("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n" + body, format="yaml",
                                settings=SETTINGS)
    safeties = {f.pointer: f.fix.safety for f in checked.findings}
    base = "/Resources/Policy/Properties/PolicyDocument/Statement/0/"
    assert safeties == {base + "Principal/AWS/0": Safety.SAFE, base + "Principal/AWS/1": Safety.SAFE,
                        base + "Resource": Safety.DISPLAY_ONLY}
    result = _fix(body)
    assert "[!Sub 'arn:${AWS::Partition}:iam::210123456789:root', !Sub 'arn:${AWS::Partition}:iam::310123456789:root']" in result.text
    assert "Resource: arn:aws:sns:us-east-1:123456789012:t" in result.text
