"""Rules that rewrite the same kind of value converge: one run of all equals any order of runs."""

from __future__ import annotations

import pytest

import cfnfix

# a physical name holding a literal region and account (CFX506) beside an ARN with them (CFX602)
TEMPLATE = """\
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: access-logs-us-east-1-538214907261
  Reader:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
      Policies:
        - PolicyName: read
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: sqs:ReceiveMessage
                Resource: arn:aws:sqs:us-east-1:538214907261:jobs
"""
FIXED = TEMPLATE.replace(
    "      BucketName: access-logs-us-east-1-538214907261\n",
    "      BucketName: !Sub\n"
    "        - access-logs-${AWS::Region}-${AWS::AccountId}-${StackIdSuffix}\n"
    "        - StackIdSuffix: !Select [0, !Split ['-', !Select [2, !Split [/, !Ref AWS::StackId]]]]\n").replace(
    "                Resource: arn:aws:sqs:us-east-1:538214907261:jobs\n",
    "                Resource: !Sub arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:jobs\n")
ALL = cfnfix.Settings(unsafe_fixes=True)


def test_one_run_fixes_both_and_a_second_changes_nothing():
    fixed = cfnfix.fix_text(TEMPLATE, "yaml", settings=ALL)
    assert (fixed.error, sorted(f.code for f in fixed.applied)) == (None, ["CFX506", "CFX602"])
    assert fixed.text == FIXED
    again = cfnfix.fix_text(fixed.text, "yaml", settings=ALL)
    assert (again.text, again.remaining) == (FIXED, ())


@pytest.mark.parametrize("first", ["CFX506", "CFX602"])
def test_either_rule_first_then_all_ends_at_the_same_text(first):
    one = cfnfix.fix_text(TEMPLATE, "yaml", settings=cfnfix.Settings(unsafe_fixes=True, select=(first,)))
    assert [f.code for f in one.applied] == [first]
    assert cfnfix.fix_text(one.text, "yaml", settings=ALL).text == FIXED


# one instance with a zone parameter (CFX601 removes the only parameter, so the whole section) and
# a literal AMI id (CFX603 adds a parameter): both rewrite Parameters
PLACED = """\
Parameters:
  Zone:
    Type: AWS::EC2::AvailabilityZone::Name
    Default: us-east-1a
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      InstanceType: t3.micro
      AvailabilityZone: !Ref Zone
      ImageId: ami-0c02fb55956c7d316
"""
PLACED_FIXED = """\
Parameters:
  LatestAmiId:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
    Description: The latest Amazon Linux 2023 (x86_64) AMI
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      InstanceType: t3.micro
      AvailabilityZone: !Select [0, !GetAZs '']
      ImageId: !Ref LatestAmiId
"""
AL2023 = {"CFX603": {"image": "al2023"}}


def test_zone_and_ami_fixes_share_the_parameters_section_in_one_run():
    fixed = cfnfix.fix_text(PLACED, "yaml", settings=cfnfix.Settings(unsafe_fixes=True, rules=AL2023))
    assert (fixed.error, sorted(f.code for f in fixed.applied), fixed.text) == (None, ["CFX601", "CFX603"],
                                                                                PLACED_FIXED)
    again = cfnfix.fix_text(fixed.text, "yaml", settings=cfnfix.Settings(unsafe_fixes=True, rules=AL2023))
    assert (again.text, again.remaining) == (PLACED_FIXED, ())


@pytest.mark.parametrize("first", ["CFX601", "CFX603"])
def test_zone_or_ami_first_then_all_ends_at_the_same_text(first):
    one = cfnfix.fix_text(PLACED, "yaml", settings=cfnfix.Settings(unsafe_fixes=True, select=(first,), rules=AL2023))
    assert [f.code for f in one.applied] == [first]
    assert cfnfix.fix_text(one.text, "yaml", settings=cfnfix.Settings(unsafe_fixes=True, rules=AL2023)).text \
        == PLACED_FIXED
