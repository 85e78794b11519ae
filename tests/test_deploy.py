"""Fixed templates deployed to a moto server with boto3: what the fixes add really exists."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import boto3
import pytest

import cfnfix
from cfnfix.document import parse_text

from .aws import CREDENTIALS, deploy, moto_server, moto_subset
from .helpers import ROOT

EXAMPLE = ROOT / "examples" / "payment-processing"


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    saved = {k: os.environ.get(k) for k in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    try:
        with moto_server() as endpoint:
            yield endpoint
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


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
