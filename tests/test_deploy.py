"""Fixed templates deployed to a moto server with boto3: what the fixes add really exists."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import boto3
import pytest

import cfnfix
from cfnfix.parse.document import parse_text

from .aws import deploy, moto, moto_subset  # noqa: F401  (moto: the server fixture)
from .helpers import ROOT

EXAMPLE = ROOT / "examples" / "payment-processing"


def fixed_example(select: tuple[str, ...]) -> dict:
    text = (EXAMPLE / "template.yaml").read_text()
    result = cfnfix.fix_text(text, settings=cfnfix.Settings(select=select, unsafe_fixes=True))
    assert result.error is None
    return parse_text(result.text).data


def test_fixed_example_deploys_and_its_integration_tests_pass(moto, tmp_path):
    data = moto_subset(fixed_example(("CFX101", "CFX301", "CFX401")))
    cloudformation = boto3.client("cloudformation", endpoint_url=moto, region_name="us-east-1")
    stack = deploy(cloudformation, "payments", json.dumps(data))

    # cfnfix outputs writes the file the integration tests read
    out = tmp_path / "cfn-outputs" / "flat-outputs.json"
    result = subprocess.run([sys.executable, "-m", "cfnfix.cli", "outputs", "payments", "--region", "us-east-1",
                             "--endpoint-url", moto, "-o", str(out)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    outputs = json.loads(out.read_text())
    assert outputs == {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert {"VPCId", "PublicSubnetAId", "ECSClusterName", "AlarmTopicArn", "LoadBalancerDNS"} <= set(outputs)

    # the example's own integration tests, against the deployment
    env = {**os.environ, "CFN_OUTPUTS": str(out), "AWS_ENDPOINT_URL": moto}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          str(EXAMPLE / "tests" / "test_integration.py")], capture_output=True, text=True,
                         env=env, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "6 passed" in run.stdout


def test_gateway_endpoints_sit_on_the_private_route_tables(moto):
    data = moto_subset(fixed_example(("CFX301",)))
    cloudformation = boto3.client("cloudformation", endpoint_url=moto, region_name="us-east-1")
    deploy(cloudformation, "endpoints", json.dumps(data), {"EnvironmentSuffix": "endpoints"})
    physical = {r["LogicalResourceId"]: r["PhysicalResourceId"]
                for r in cloudformation.describe_stack_resources(StackName="endpoints")["StackResources"]}
    ec2 = boto3.client("ec2", endpoint_url=moto, region_name="us-east-1")
    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [physical["VPC"]]}])["VpcEndpoints"]
    gateway = {e["ServiceName"]: sorted(e["RouteTableIds"]) for e in endpoints if e["VpcEndpointType"] == "Gateway"}
    private = sorted([physical["PrivateRouteTableA"], physical["PrivateRouteTableB"]])
    assert gateway == {"com.amazonaws.us-east-1.s3": private, "com.amazonaws.us-east-1.dynamodb": private}


def test_outputs_errors_on_a_missing_stack(moto, tmp_path):
    result = subprocess.run([sys.executable, "-m", "cfnfix.cli", "outputs", "nope", "--region", "us-east-1",
                             "--endpoint-url", moto, "-o", str(tmp_path / "o.json")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("cfnfix: error: stack nope: ")
    assert not (tmp_path / "o.json").exists()


def test_outputs_from_a_saved_describe_stacks(tmp_path):
    saved = tmp_path / "stacks.json"
    saved.write_text(json.dumps({"Stacks": [{"StackName": "s", "StackStatus": "CREATE_COMPLETE",
                                             "Outputs": [{"OutputKey": "VPCId", "OutputValue": "vpc-1"}]}]}))
    out = tmp_path / "flat.json"
    result = subprocess.run([sys.executable, "-m", "cfnfix.cli", "outputs", "--from", str(saved), "-o", str(out)],
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, f"Wrote 1 output to {out}.\n")
    assert json.loads(out.read_text()) == {"VPCId": "vpc-1"}
    saved.write_text(json.dumps({"Stacks": [{"StackName": "s", "StackStatus": "ROLLBACK_COMPLETE"}]}))
    failed = subprocess.run([sys.executable, "-m", "cfnfix.cli", "outputs", "--from", str(saved), "-o", str(out)],
                            capture_output=True, text=True, timeout=60)
    assert (failed.returncode, failed.stderr) == (2, "cfnfix: error: stack s is ROLLBACK_COMPLETE\n")


def test_failover_records_and_standby_stack_set(moto):
    fixed = fixed_example(("CFX201", "CFX202"))
    stack_set = fixed["Resources"]["StandbyStackSet"]["Properties"]
    data = moto_subset(fixed)
    body = json.dumps(data)
    route53 = boto3.client("route53", endpoint_url=moto, region_name="us-east-1")
    zone = route53.create_hosted_zone(Name="payments.example.com", CallerReference="cfnfix")["HostedZone"]["Id"]
    zone_id = zone.rsplit("/", 1)[-1]
    common = {"HostedZoneId": zone_id, "DomainName": "api.payments.example.com"}
    for region, role in (("us-east-1", "primary"), ("us-west-2", "standby")):
        cloudformation = boto3.client("cloudformation", endpoint_url=moto, region_name=region)
        deploy(cloudformation, "payments-dr", body, {**common, "DeploymentRole": role, "EnvironmentSuffix": role})

    records = route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    failover = {r["Failover"]: r for r in records if r.get("Failover")}
    assert set(failover) == {"PRIMARY", "SECONDARY"}
    assert {r["TTL"] for r in failover.values()} == {30}
    assert {r["Type"] for r in failover.values()} == {"CNAME"}
    assert failover["PRIMARY"]["SetIdentifier"] == "LoadBalancer-us-east-1"
    assert failover["SECONDARY"]["SetIdentifier"] == "LoadBalancer-us-west-2"
    checks = route53.list_health_checks()["HealthChecks"]
    assert len(checks) == 2 and {c["HealthCheckConfig"]["RequestInterval"] for c in checks} == {30}
    assert {r["HealthCheckId"] for r in failover.values()} == {c["Id"] for c in checks}

    # the StackSet resource as cfnfix wrote it, driven through the StackSet API
    cloudformation = boto3.client("cloudformation", endpoint_url=moto, region_name="us-east-1")
    account = boto3.client("sts", endpoint_url=moto, region_name="us-east-1").get_caller_identity()["Account"]
    assert stack_set["PermissionModel"] == "SELF_MANAGED"
    passed = {p["ParameterKey"]: p["ParameterValue"] for p in stack_set["Parameters"]}
    assert passed["DeploymentRole"] == "standby"
    # moto names an unnamed target group after its stack, and a StackSet instance's stack name
    # holds a ':' that moto's own name check rejects: name it in moto's copy of the template
    standby_body = json.loads(body)
    standby_body["Resources"]["TargetGroup"]["Properties"]["Name"] = "payments-standby-tg"
    cloudformation.create_stack_set(StackSetName="payments-standby", TemplateBody=json.dumps(standby_body),
                                    Capabilities=stack_set["Capabilities"],
                                    PermissionModel=stack_set["PermissionModel"],
                                    Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in
                                                {**common, "DeploymentRole": "standby",
                                                 "EnvironmentSuffix": "stackset"}.items()])
    group = stack_set["StackInstancesGroup"][0]
    assert group["Regions"] == [{"Ref": "StandbyRegion"}] and fixed["Parameters"]["StandbyRegion"]["Default"] == "us-west-2"
    cloudformation.create_stack_instances(StackSetName="payments-standby", Accounts=[account], Regions=["us-west-2"],
                                          OperationPreferences=stack_set["OperationPreferences"])
    instances = cloudformation.list_stack_instances(StackSetName="payments-standby")["Summaries"]
    assert [(i["Account"], i["Region"]) for i in instances] == [(account, "us-west-2")]
    west = boto3.client("cloudformation", endpoint_url=moto, region_name="us-west-2")
    names = [s["StackName"] for s in west.describe_stacks()["Stacks"]]
    assert any(name.startswith("StackSet") and "payments-standby" in name for name in names), names
