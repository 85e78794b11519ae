"""The orders-api example: deploy breakers a model writes, fixed, and the fixed stack deployed."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

import cfnfix
from cfnfix.config import load_settings
from cfnfix.parse.document import parse_text

from .aws import deploy, moto, moto_subset  # noqa: F401  (moto: the server fixture)
from .helpers import ROOT, lint_findings

EXAMPLE = ROOT / "examples" / "orders-api"


def _fixed():
    settings = load_settings(EXAMPLE / ".cfnfix.toml").model_copy(update={"unsafe_fixes": True})
    result = cfnfix.fix_text((EXAMPLE / "template.yaml").read_text(), "yaml", settings=settings)
    assert result.error is None
    return result


def test_fixed_copy_is_what_apply_unsafe_fixes_writes():
    assert _fixed().text == (EXAMPLE / "fixed" / "template.yaml").read_text()


def test_every_deploy_breaker_is_fixed_and_cfn_lint_is_clean():
    result = _fixed()
    assert sorted({f.code for f in result.applied}) == [
        "CFX102", "CFX201", "CFX202", "CFX501", "CFX502", "CFX503", "CFX602"]  # no integration tests here: no CFX401
    assert result.remaining == ()
    before = {rule for rule, _ in lint_findings((EXAMPLE / "template.yaml").read_text())}
    assert before == {"E2533", "W1011", "W3011", "W3690"}
    assert lint_findings(result.text) == set()
    data = parse_text(result.text).data
    assert "DBPassword" not in data["Parameters"]
    database = data["Resources"]["OrdersDatabase"]
    assert (database["DeletionPolicy"], database["UpdateReplacePolicy"]) == ("Snapshot", "Snapshot")
    assert database["Properties"]["EngineVersion"] == "8.0.mysql_aurora.3.12.0"
    assert database["Properties"]["ManageMasterUserPassword"] is True
    assert "MasterUserPassword" not in database["Properties"]
    assert data["Resources"]["OrdersFunction"]["Properties"]["Runtime"] == "python3.14"


def test_fixed_stack_deploys_without_a_password_and_carries_the_standby_stack_set(moto):
    route53 = boto3.client("route53", endpoint_url=moto, region_name="us-east-1")
    zone = route53.create_hosted_zone(Name="orders.example.com", CallerReference="orders")["HostedZone"]["Id"]
    given = {"HostedZoneId": zone.rsplit("/", 1)[-1], "DomainName": "api.orders.example.com"}
    cloudformation = boto3.client("cloudformation", endpoint_url=moto, region_name="us-east-1")

    # as the model wrote it, a deploy that passes no password cannot start
    original = moto_subset(parse_text((EXAMPLE / "template.yaml").read_text()).data)
    with pytest.raises(ClientError) as refused:
        cloudformation.create_stack(StackName="orders-original", TemplateBody=json.dumps(original))
    assert "DBPassword" in str(refused.value)

    fixed = parse_text(_fixed().text).data
    stack = deploy(cloudformation, "orders", json.dumps(moto_subset(fixed)), given)
    assert {p["ParameterKey"] for p in stack["Parameters"]} >= {"HostedZoneId", "DomainName", "DeploymentRole"}
    assert not any("assword" in p["ParameterKey"] for p in stack["Parameters"])

    # the standby StackSet of the fixed template, driven through the StackSet API with the
    # parameters it passes: no secret among them
    stack_set = fixed["Resources"]["StandbyStackSet"]
    assert stack_set["Condition"] == "CreateDrStackSet"
    passed = {p["ParameterKey"]: p["ParameterValue"] for p in stack_set["Properties"]["Parameters"]}
    assert passed == {"DeploymentRole": "standby", "HostedZoneId": {"Ref": "HostedZoneId"},
                      "DomainName": {"Ref": "DomainName"}}
    account = boto3.client("sts", endpoint_url=moto, region_name="us-east-1").get_caller_identity()["Account"]
    cloudformation.create_stack_set(
        StackSetName="orders-standby", TemplateBody=json.dumps(moto_subset(fixed)),
        Capabilities=stack_set["Properties"]["Capabilities"], PermissionModel="SELF_MANAGED",
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in {**given, "DeploymentRole": "standby"}.items()])
    cloudformation.create_stack_instances(StackSetName="orders-standby", Accounts=[account], Regions=["us-west-2"])
    instances = cloudformation.list_stack_instances(StackSetName="orders-standby")["Summaries"]
    assert [(i["Account"], i["Region"]) for i in instances] == [(account, "us-west-2")]
    west = boto3.client("cloudformation", endpoint_url=moto, region_name="us-west-2")
    assert any("orders-standby" in s["StackName"] for s in west.describe_stacks()["Stacks"])
