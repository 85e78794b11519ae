"""Integration tests of a deployed payment stack.

They read the stack's outputs from cfn-outputs/flat-outputs.json, which
`cfnfix outputs STACK` writes (set CFN_OUTPUTS to read another file). boto3 finds the AWS
endpoint, region and credentials in the environment as usual (AWS_ENDPOINT_URL for a local one).
"""

import json
import os

import boto3
import pytest

OUTPUTS = os.environ.get("CFN_OUTPUTS", "cfn-outputs/flat-outputs.json")
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture(scope="module")
def outputs():
    with open(OUTPUTS, encoding="utf-8") as handle:
        return json.load(handle)


def client(name):
    return boto3.client(name, region_name=REGION)


def test_vpc_exists(outputs):
    vpcs = client("ec2").describe_vpcs(VpcIds=[outputs["VPCId"]])["Vpcs"]
    assert vpcs[0]["CidrBlock"] == "10.0.0.0/16"


def test_subnets_belong_to_the_vpc(outputs):
    ids = [outputs["PublicSubnetAId"], outputs["PublicSubnetBId"],
           outputs["PrivateSubnetAId"], outputs["PrivateSubnetBId"]]
    subnets = client("ec2").describe_subnets(SubnetIds=ids)["Subnets"]
    assert {s["VpcId"] for s in subnets} == {outputs["VPCId"]}
    assert len({s["AvailabilityZone"] for s in subnets}) == 2


def test_private_route_tables_have_gateway_endpoints(outputs):
    endpoints = client("ec2").describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [outputs["VPCId"]]}])["VpcEndpoints"]
    services = {e["ServiceName"].rsplit(".", 1)[-1]: e for e in endpoints if e["VpcEndpointType"] == "Gateway"}
    assert set(services) >= {"s3", "dynamodb"}
    assert all(len(e["RouteTableIds"]) == 2 for e in services.values())


def test_load_balancer_serves_the_dns_name(outputs):
    balancers = client("elbv2").describe_load_balancers()["LoadBalancers"]
    assert outputs["LoadBalancerDNS"] in {b["DNSName"] for b in balancers}


def test_ecs_cluster_is_active(outputs):
    clusters = client("ecs").describe_clusters(clusters=[outputs["ECSClusterName"]])["clusters"]
    assert clusters[0]["status"] == "ACTIVE"


def test_alarm_topic_exists(outputs):
    attributes = client("sns").get_topic_attributes(TopicArn=outputs.get("AlarmTopicArn"))["Attributes"]
    assert attributes["TopicArn"] == outputs["AlarmTopicArn"]
