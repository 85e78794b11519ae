"""One template written the way a model writes one (security groups that name each other, literal
names, zones and AMI id), fixed by `cfnfix apply --unsafe-fixes`, then created on a moto server twice
in one region and once in another: the zones and the image are those of the stack's own region."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import boto3
import pytest

from cfnfix.parse.document import parse_text

from .aws import deploy, moto  # noqa: F401  (moto: the server fixture)

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: Web and app tiers in their own VPC, with a bastion host, its logs and an artifacts bucket
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.0.0/24
      AvailabilityZone: us-east-1a
  SubnetB:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
      AvailabilityZone: us-east-1b
  WebSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Web tier
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 0.0.0.0/0
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 8080
          ToPort: 8080
          DestinationSecurityGroupId: !Ref AppSecurityGroup
  AppSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: App tier
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 8080
          ToPort: 8080
          SourceSecurityGroupId: !GetAtt WebSecurityGroup.GroupId
  Bastion:
    Type: AWS::EC2::Instance
    Properties:
      InstanceType: t3.micro
      ImageId: ami-0c02fb55956c7d316
      SubnetId: !Ref SubnetA
      SecurityGroupIds:
        - !GetAtt WebSecurityGroup.GroupId
  BastionLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /bastion/sessions
      RetentionInDays: 30
  ArtifactsBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: web-app-artifacts
Outputs:
  BastionId:
    Value: !Ref Bastion
  Bucket:
    Value: !Ref ArtifactsBucket
  Logs:
    Value: !Ref BastionLogs
"""
AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


@pytest.fixture(scope="module")
def fixed(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("model")
    # CFX603 may write a default only for an image family it is told: the team's setting
    (folder / ".cfnfix.toml").write_text('[rules.hardcoded-ami]\nimage = "al2023"\n')
    template = folder / "template.yaml"
    template.write_text(TEMPLATE)
    done = subprocess.run([sys.executable, "-m", "cfnfix.cli", "apply", "--unsafe-fixes", str(template)],
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (
        0, f"{template}: fixed 6 findings\nFixed 6 findings in 1 file.\n", "")
    return template.read_text()


def test_the_fix_leaves_nothing_that_binds_the_template_to_one_region_or_one_stack(fixed):
    data = parse_text(fixed).data
    resources = data["Resources"]
    assert data["Parameters"]["LatestAmiId"] == {
        "Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", "Default": AL2023,
        "Description": "The latest Amazon Linux 2023 (x86_64) AMI"}
    assert resources["Bastion"]["Properties"]["ImageId"] == {"Ref": "LatestAmiId"}
    assert [resources[s]["Properties"]["AvailabilityZone"] for s in ("SubnetA", "SubnetB")] == [
        {"Fn::Select": [0, {"Fn::GetAZs": ""}]}, {"Fn::Select": [1, {"Fn::GetAZs": ""}]}]
    # the app tier's ingress from the web tier is a resource of its own: the cycle is gone
    assert "SecurityGroupIngress" not in resources["AppSecurityGroup"]["Properties"]
    assert resources["AppSecurityGroupIngressFromWebSecurityGroup"]["Properties"]["SourceSecurityGroupId"] == {
        "Fn::GetAtt": ["WebSecurityGroup", "GroupId"]}
    assert resources["BastionLogs"]["Properties"]["LogGroupName"] == {"Fn::Sub": "/bastion/sessions-${AWS::StackName}"}
    assert "us-east-1" not in fixed and not re.search(r"ami-[0-9a-f]{8}", fixed)


def _in_moto(fixed: str, region: str) -> str:
    """The fixed template as moto can create it in ``region``: moto answers `Fn::GetAZs ""` with the
    zones of us-east-1 in every region, where CloudFormation answers with the stack's own region's,
    so its copy names the region the stack is created in (which `""` means)."""
    text = json.dumps(parse_text(fixed).data)
    assert text.count('{"Fn::GetAZs": ""}') == 2
    return text.replace('{"Fn::GetAZs": ""}', json.dumps({"Fn::GetAZs": region}))


def _created(region: str, endpoint: str, stack: str, fixed: str) -> dict[str, object]:
    cloudformation = boto3.client("cloudformation", endpoint_url=endpoint, region_name=region)
    created = deploy(cloudformation, stack, _in_moto(fixed, region))
    outputs = {o["OutputKey"]: o["OutputValue"] for o in created["Outputs"]}
    physical = {r["LogicalResourceId"]: r.get("PhysicalResourceId")
                for r in cloudformation.describe_stack_resources(StackName=stack)["StackResources"]}
    ec2 = boto3.client("ec2", endpoint_url=endpoint, region_name=region)
    subnets = ec2.describe_subnets(SubnetIds=[physical["SubnetA"], physical["SubnetB"]])["Subnets"]
    zones = {s["SubnetId"]: s["AvailabilityZone"] for s in subnets}
    (instance,) = ec2.describe_instances(InstanceIds=[outputs["BastionId"]])["Reservations"][0]["Instances"]
    ssm = boto3.client("ssm", endpoint_url=endpoint, region_name=region)
    return {"zones": [zones[physical["SubnetA"]], zones[physical["SubnetB"]]],
            "image": instance["ImageId"], "region_image": ssm.get_parameter(Name=AL2023)["Parameter"]["Value"],
            "bucket": outputs["Bucket"], "logs": outputs["Logs"]}


def test_the_fixed_template_is_created_twice_in_one_region_and_once_in_another(moto, fixed):
    first = _created("us-east-1", moto, "web-a", fixed)
    second = _created("us-east-1", moto, "web-b", fixed)
    west = _created("eu-west-1", moto, "web-a", fixed)
    for stack in (first, second):
        assert stack["zones"] == ["us-east-1a", "us-east-1b"]
    assert west["zones"] == ["eu-west-1a", "eu-west-1b"]
    # moto serves each region's public AMI parameters: the instance boots that region's image
    for stack in (first, second, west):
        assert stack["image"] == stack["region_image"]
    assert first["image"] == second["image"] != west["image"]
    assert len({first["bucket"], second["bucket"], west["bucket"]}) == 3
    assert (first["logs"], second["logs"], west["logs"]) == (
        "/bastion/sessions-web-a", "/bastion/sessions-web-b", "/bastion/sessions-web-a")
