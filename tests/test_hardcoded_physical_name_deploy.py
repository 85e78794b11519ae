"""CFX506 on a moto server: the fixed template is created twice in one account and region, which the
original cannot be (its second stack collides on the bucket and role names)."""

from __future__ import annotations

import json
import re

import boto3
import pytest
from botocore.exceptions import ClientError

import cfnfix
from cfnfix.parse.document import parse_text

from .aws import deploy, moto  # noqa: F401  (moto: the server fixture)

TEMPLATE = """\
Resources:
  ReportsBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub reports-${AWS::AccountId}-us-east-1
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: reports-worker
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: reports-jobs
  Events:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: reports-events
  WorkerLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /reports/worker
Outputs:
  Bucket:
    Value: !Ref ReportsBucket
  Role:
    Value: !Ref WorkerRole
  Queue:
    Value: !GetAtt Jobs.QueueName
  Topic:
    Value: !GetAtt Events.TopicName
"""


@pytest.fixture(scope="module")
def cloudformation(moto):
    return boto3.client("cloudformation", endpoint_url=moto, region_name="us-east-1")


def _outputs(stack: dict) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}


def test_the_original_collides_in_a_second_stack(cloudformation):
    body = json.dumps(parse_text(TEMPLATE).data)
    deploy(cloudformation, "original-a", body)
    with pytest.raises(ClientError, match="BucketAlreadyExists"):
        cloudformation.create_stack(StackName="original-b", TemplateBody=body, Capabilities=["CAPABILITY_NAMED_IAM"])


def test_the_fixed_template_is_created_twice_in_one_account_and_region(cloudformation):
    result = cfnfix.fix_text(TEMPLATE, settings=cfnfix.Settings(select=("CFX506",), unsafe_fixes=True))
    assert result.error is None and result.changed
    assert "us-east-1" not in result.text  # the region in the bucket name became ${AWS::Region}
    body = json.dumps(parse_text(result.text).data)
    first = _outputs(deploy(cloudformation, "fixed-a", body))
    second = _outputs(deploy(cloudformation, "fixed-b", body))
    for key in ("Bucket", "Role", "Queue", "Topic"):
        assert first[key] != second[key], key
    assert first["Bucket"].startswith("reports-123456789012-us-east-1-") and len(first["Bucket"]) <= 63
    # a 128-character stack name fits a topic name, not a queue name (80): the queue takes the stack id's hex
    assert first["Topic"] == "reports-events-fixed-a" and second["Topic"] == "reports-events-fixed-b"
    assert re.fullmatch(r"reports-jobs-[0-9a-f]{8}", first["Queue"]), first["Queue"]
