"""A moto server on 127.0.0.1 for tests that deploy with boto3 (the ``moto`` fixture), and the part of a
template it supports."""

from __future__ import annotations

import contextlib
import copy
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any, Iterator

import pytest

from cfnfix.model.template import references

# Resource types moto's CloudFormation creates (it skips ScalableTarget, StackSet, DBCluster, alarms,
# and fails on a GetAtt of what it skipped).
MOTO_TYPES = {
    "AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::InternetGateway", "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::EIP", "AWS::EC2::NatGateway", "AWS::EC2::RouteTable", "AWS::EC2::Route",
    "AWS::EC2::SubnetRouteTableAssociation", "AWS::EC2::SecurityGroup", "AWS::EC2::VPCEndpoint",
    "AWS::KMS::Key", "AWS::ECS::Cluster", "AWS::SNS::Topic", "AWS::Logs::LogGroup", "AWS::IAM::Role",
    "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::ElasticLoadBalancingV2::Listener", "AWS::Route53::HealthCheck", "AWS::Route53::RecordSet",
}
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


def moto_subset(data: dict[str, Any]) -> dict[str, Any]:
    """The template without what moto cannot create, nor anything that refers to it."""
    data = copy.deepcopy(data)
    resources = data["Resources"]
    dropped = {name for name, r in resources.items() if r["Type"] not in MOTO_TYPES}
    changed = True
    while changed:
        changed = False
        for name, resource in resources.items():
            if name in dropped:
                continue
            targets = {t for t, _, _ in references(resource)} | set(_depends_on(resource))
            if targets & dropped:
                dropped.add(name)
                changed = True
    for name in dropped:
        del resources[name]
    data["Outputs"] = {k: v for k, v in data.get("Outputs", {}).items()
                       if not {t for t, _, _ in references(v)} & dropped}
    data.pop("Conditions", None) if not data.get("Conditions") else None
    return data


def _depends_on(resource: dict[str, Any]) -> list[str]:
    value = resource.get("DependsOn", [])
    return [value] if isinstance(value, str) else list(value)


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """Start moto on 127.0.0.1 and stop it by its process id."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.closing(socket.socket()) as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the moto server did not start")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def moto() -> Iterator[str]:
    """A moto server for one test module, its endpoint; test credentials are in the environment
    meanwhile (boto3 reads them), the environment as it was afterwards."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in CREDENTIALS.items():
            patch.setenv(key, value)
        with moto_server() as endpoint:
            yield endpoint


def deploy(client, name: str, body: str, parameters: dict[str, str] | None = None) -> dict[str, Any]:
    client.create_stack(StackName=name, TemplateBody=body, Capabilities=["CAPABILITY_IAM"],
                        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in (parameters or {}).items()])
    for _ in range(600):
        stack = client.describe_stacks(StackName=name)["Stacks"][0]
        if not stack["StackStatus"].endswith("_IN_PROGRESS"):
            assert stack["StackStatus"] == "CREATE_COMPLETE", stack
            return stack
        time.sleep(0.1)
    raise AssertionError(f"stack {name} did not finish")
