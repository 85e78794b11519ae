"""The rules through the kit: valid and free new names, values that only use defined names, one
Plan per pass (issue 10 item 6, issue 18 item 2, issue 12 item 1), typed payloads."""

from __future__ import annotations

import dataclasses

import pytest

import cfnfix
from cfnfix.parse.document import parse_text
from cfnfix.engine import _detect, _select
from cfnfix.rules import all_rules

ALB = """\
  {name}:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: [subnet-1, subnet-2]
"""


def fixed_data(text: str, *codes: str, unsafe: bool = True, **options):
    settings = cfnfix.Settings(select=codes, unsafe_fixes=unsafe, rules=options)
    result = cfnfix.fix_text(text, "yaml", settings=settings)
    assert result.error is None, result.error
    return parse_text(result.text, "yaml").data, result


def test_new_parameter_does_not_take_a_resource_name():
    """issue 18 item 2: DomainName is the usual logical id of an AWS::ApiGateway::DomainName."""
    text = "Resources:\n" + ALB.format(name="Alb") + """\
  DomainName:
    Type: AWS::ApiGateway::DomainName
    Properties:
      DomainName: api.example.com
"""
    data, _ = fixed_data(text, "CFX201")
    assert set(data["Parameters"]) == {"DeploymentRole", "HostedZoneId", "DomainName2"}
    record = data["Resources"]["AlbFailoverRecord"]["Properties"]
    assert record["Name"] == {"Ref": "DomainName2"} and record["HostedZoneId"] == {"Ref": "HostedZoneId"}
    assert data["Resources"]["DomainName"]["Type"] == "AWS::ApiGateway::DomainName"


def test_a_deployment_role_that_means_something_else_is_not_reused():
    """issue 18 item 2: an existing DeploymentRole with AllowedValues [blue, green]."""
    text = """\
Parameters:
  DeploymentRole:
    Type: String
    AllowedValues: [blue, green]
    Default: blue
Resources:
""" + ALB.format(name="Alb")
    data, _ = fixed_data(text, "CFX201", "CFX202")
    assert data["Parameters"]["DeploymentRole"]["AllowedValues"] == ["blue", "green"]
    assert data["Parameters"]["DeploymentRole2"]["AllowedValues"] == ["primary", "standby"]
    assert data["Conditions"]["IsPrimary"] == {"Fn::Equals": [{"Ref": "DeploymentRole2"}, "primary"]}
    stack_set = data["Resources"]["StandbyStackSet"]["Properties"]
    assert stack_set["Parameters"][0] == {"ParameterKey": "DeploymentRole2", "ParameterValue": "standby"}


def test_new_logical_ids_are_valid_when_the_base_is_not():
    """issue 10 item 6: `prod-alb` gives `prodAlbHealthCheck`, not `prod-albHealthCheck`."""
    text = "Resources:\n" + ALB.format(name="prod-alb")
    data, _ = fixed_data(text, "CFX201")
    assert [n for n in data["Resources"] if n != "prod-alb"] == ["prodAlbHealthCheck", "prodAlbFailoverRecord"]
    text = "Resources:\n  prod-vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n"
    data, _ = fixed_data(text, "CFX401")
    assert list(data["Outputs"]) == ["prodVpcId"]


NAT_VPC = """\
  {vpc}:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      Tags:
        - Key: Name
          Value: !Sub ${{Environment}}-vpc
  {vpc}Public:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref {vpc}
      CidrBlock: 10.0.0.0/24
  {vpc}Nat:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: eipalloc-1
      SubnetId: !Ref {vpc}Public
  {vpc}Private:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref {vpc}
  {vpc}Route:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref {vpc}Private
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref {vpc}Nat
"""


def test_a_new_tag_only_uses_names_the_template_defines():
    """issue 10 item 6: the VPC's tag names ${Environment}, which no parameter declares."""
    data, _ = fixed_data("Resources:\n" + NAT_VPC.format(vpc="Vpc"), "CFX301")
    assert "Tags" not in data["Resources"]["S3GatewayEndpoint"]["Properties"]
    declared = "Parameters:\n  Environment:\n    Type: String\nResources:\n" + NAT_VPC.format(vpc="Vpc")
    data, _ = fixed_data(declared, "CFX301")
    assert data["Resources"]["S3GatewayEndpoint"]["Properties"]["Tags"] == [
        {"Key": "Name", "Value": {"Fn::Sub": "${Environment}-s3-endpoint"}}]


def test_one_pass_names_every_vpcs_endpoints_apart():
    """issue 12 item 1: one Plan per pass, so two VPCs' endpoints no longer collide and wait."""
    from cfnfix.parse.document import parse_text as parse

    text = "Parameters:\n  Environment:\n    Type: String\nResources:\n" + NAT_VPC.format(vpc="Blue") \
        + NAT_VPC.format(vpc="Green")
    settings = cfnfix.Settings(select=("CFX301",))
    findings, _, needs = _detect(parse(text, "yaml"), settings, None, positions=False, one_pass=True)
    chosen = _select(findings, settings, needs)
    assert [f.fix.title.split(" on ")[0] for f in chosen] == [
        "Add the S3 gateway endpoint S3GatewayEndpoint", "Add the DynamoDB gateway endpoint DynamoDBGatewayEndpoint",
        "Add the S3 gateway endpoint S3GatewayEndpoint2", "Add the DynamoDB gateway endpoint DynamoDBGatewayEndpoint2"]
    # reported one by one, each fix is built alone and names what the template leaves free
    checked = cfnfix.check_text(text, "yaml", settings)
    assert sorted(f.fix.title.split(" on ")[0] for f in checked.findings) == sorted(
        ["Add the S3 gateway endpoint S3GatewayEndpoint", "Add the DynamoDB gateway endpoint DynamoDBGatewayEndpoint"] * 2)


def test_shared_pieces_come_with_the_fix_that_adds_them():
    """CFX201 and CFX202 both need DeploymentRole and IsPrimary: the first fix of the pass adds them,
    and CFX202, which also reads every parameter, waits for the pass after CFX201's new ones."""
    text = "Parameters:\n  Env:\n    Type: String\nResources:\n" + ALB.format(name="Alb")
    data, result = fixed_data(text, "CFX201", "CFX202")
    # CFX202's parameters follow DeploymentRole, so the order is the same whichever rule ran first
    assert list(data["Parameters"]) == ["Env", "DeploymentRole", "StandbyRegion", "DrTemplateUrl", "HostedZoneId",
                                        "DomainName"]
    passed = [p["ParameterKey"] for p in data["Resources"]["StandbyStackSet"]["Properties"]["Parameters"]]
    assert passed == ["DeploymentRole", "Env", "HostedZoneId", "DomainName"]
    assert [f.code for f in result.applied] == ["CFX201", "CFX202"]


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_payloads_are_immutable_records_and_fixing_changes_no_finding(rule):
    for example in rule.examples:
        settings = cfnfix.Settings(select=(rule.code,), rules={rule.code: example.options})
        for finding in cfnfix.check_text(example.text, example.format, settings).findings:
            payload = finding.payload
            if payload is not None:
                # a NamedTuple (what the built-in rules use: cheaper to define at start-up) or a frozen dataclass
                named = isinstance(payload, tuple) and hasattr(type(payload), "_fields")
                assert named or (dataclasses.is_dataclass(payload) and payload.__dataclass_params__.frozen)
                first = type(payload)._fields[0] if named else dataclasses.fields(payload)[0].name
                with pytest.raises(AttributeError):  # FrozenInstanceError is one
                    setattr(payload, first, None)
            with pytest.raises(dataclasses.FrozenInstanceError):
                finding.message = "changed"  # type: ignore[misc]
