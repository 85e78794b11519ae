"""CFX701's graph (cfnfix.model.graph) and its fixes on random security-group and role/policy cycles."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings, strategies as st

import cfnfix
from cfnfix.parse.document import parse_text
from cfnfix.model.graph import Dependency, DependencyGraph, has_cycle, located_references
from cfnfix.model.template import Template

from .aws import moto  # noqa: F401  (the server fixture)
from .helpers import lint_findings


def test_components_are_the_cycles_in_node_order():
    edges = [Dependency(s, t, "Ref", ()) for s, t in [("A", "B"), ("B", "C"), ("C", "A"), ("C", "D"), ("E", "E")]]
    graph = DependencyGraph(["A", "B", "C", "D", "E", "F"], edges)
    assert graph.components() == [("A", "B", "C"), ("E",)]
    assert graph.cycle_through("A") == ["A", "B", "C", "A"]
    assert graph.cycle_through("E") == ["E", "E"]
    assert graph.cycle_through("D") is None
    assert graph.descendants("C") == {"A", "B", "C", "D"}


def test_a_long_chain_needs_no_recursion():
    names = [f"R{i}" for i in range(5000)]
    edges = [Dependency(a, b, "Ref", ()) for a, b in zip(names, names[1:] + names[:1])]
    assert DependencyGraph(names, edges).components() == [tuple(names)]


def test_references_are_located_with_both_if_branches_and_sub_variables():
    value = {"A": {"Fn::If": ["C", {"Ref": "X"}, {"Fn::GetAtt": "Y.Arn"}]},
             "B": {"Fn::Sub": ["${Z}-${Local}-${!Lit}-${AWS::Region}", {"Local": {"Ref": "W"}}]}}
    assert sorted(located_references(value, ("Properties",))) == [
        ("W", "Ref", ("Properties", "B", "Fn::Sub", "1", "Local")),
        ("X", "Ref", ("Properties", "A", "Fn::If", "1")),
        ("Y", "GetAtt", ("Properties", "A", "Fn::If", "2")),
        ("Z", "Sub", ("Properties", "B", "Fn::Sub", "0")),
    ]


def _group(index: int, peers: list[int], egress: list[int]) -> dict:
    rule = (lambda p: {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                       "SourceSecurityGroupId": {"Fn::GetAtt": [f"Group{p}", "GroupId"]}})
    out = (lambda p: {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                      "DestinationSecurityGroupId": {"Ref": f"Group{p}"}})
    properties: dict = {"GroupDescription": f"group {index}", "VpcId": {"Ref": "VpcId"}}
    if peers:
        properties["SecurityGroupIngress"] = [rule(p) for p in peers]
    if egress:
        properties["SecurityGroupEgress"] = [out(p) for p in egress]
    return {"Type": "AWS::EC2::SecurityGroup", "Properties": properties}


def _role(buckets: list[int]) -> dict:
    statement = [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"Fn::Sub": f"${{Bucket{b}.Arn}}/*"}}
                 for b in buckets]
    return {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "Policies": [{"PolicyName": "read", "PolicyDocument": {"Version": "2012-10-17", "Statement": statement}}]}}


def _bucket_with_function(index: int) -> dict[str, dict]:
    return {
        f"Function{index}": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler", "Role": {"Fn::GetAtt": ["Role", "Arn"]},
            "Code": {"ZipFile": "def handler(event, context):\n    return None\n"}}},
        f"Permission{index}": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": {"Ref": f"Function{index}"},
            "Principal": "s3.amazonaws.com", "SourceAccount": {"Ref": "AWS::AccountId"}}},
        f"Bucket{index}": {"Type": "AWS::S3::Bucket", "DependsOn": f"Permission{index}", "Properties": {
            "NotificationConfiguration": {"LambdaConfigurations": [
                {"Event": "s3:ObjectCreated:*", "Function": {"Fn::GetAtt": [f"Function{index}", "Arn"]}}]}}},
    }


@st.composite
def cyclic_templates(draw):
    groups = draw(st.integers(1, 4))
    resources: dict = {}
    for index in range(groups):
        peers = draw(st.lists(st.integers(0, groups - 1), max_size=3))
        egress = draw(st.lists(st.integers(0, groups - 1), max_size=2))
        resources[f"Group{index}"] = _group(index, peers, egress)
    buckets = draw(st.integers(0, 2))
    if buckets:
        resources["Role"] = _role(list(range(buckets)))
        for index in range(buckets):
            resources.update(_bucket_with_function(index))
    return {"AWSTemplateFormatVersion": "2010-09-09", "Parameters": {"VpcId": {"Type": "AWS::EC2::VPC::Id"}},
            "Resources": resources}


@settings(max_examples=200, deadline=None)
@given(cyclic_templates())
def test_has_cycle_says_whether_the_graph_has_components(data):
    template = Template.from_data(data)
    assert has_cycle(template) == bool(DependencyGraph.of(template).components())


def test_has_cycle_reads_dependencies_as_the_graph_does():
    def template(resources):
        return Template.from_data({"Resources": resources})

    # a self-reference and a DependsOn close cycles; a parameter, a pseudo parameter, an unknown
    # name, a Sub's own variable and a SAM function's event source do not
    assert has_cycle(template({"A": {"Type": "T", "Properties": {"X": {"Fn::Sub": "${A.Arn}"}}}}))
    assert has_cycle(template({"A": {"Type": "T", "DependsOn": ["B"]}, "B": {"Type": "T", "Properties": {"X": {"Ref": "A"}}}}))
    assert not has_cycle(template({"A": {"Type": "T", "Properties": {"X": [{"Ref": "AWS::Region"}, {"Ref": "P"}]}},
                                   "B": {"Type": "T", "Properties": {"X": {"Fn::Sub": ["${A}", {"A": "x"}]}}}}))
    assert not has_cycle(template({"F": {"Type": "AWS::Serverless::Function", "Properties": {
        "Events": {"E": {"Properties": {"Queue": {"Fn::GetAtt": ["Q", "Arn"]}}}}}},
        "Q": {"Type": "AWS::SQS::Queue", "Properties": {"Tags": [{"Key": "F", "Value": {"Ref": "F"}}]}}}))
    # A depends on the cycle B <-> C: not in it, but not peeled off either
    assert has_cycle(template({"A": {"Type": "T", "DependsOn": "B"}, "B": {"Type": "T", "DependsOn": "C"},
                               "C": {"Type": "T", "Properties": {"X": {"Fn::GetAtt": "B.Arn"}}}}))
    assert not has_cycle(template({"A": {"Type": "T", "DependsOn": "B"}, "B": {"Type": "T"}}))


def test_contents_give_each_resource_its_targets_and_every_string():
    from cfnfix.model.graph import contents

    template = Template.from_data({"Resources": {
        "F": {"Type": "AWS::Serverless::Function", "DependsOn": ["Q"], "Properties": {
            "Role": {"Fn::GetAtt": ["R", "Arn"]},
            "Environment": {"Variables": {"Q": {"Fn::Sub": ["arn:aws:sqs:${AWS::Region}:${Q.Name}:${Local}",
                                                             {"Local": {"Ref": "P"}}]}}},
            "Events": {"E": {"Properties": {"Queue": {"Fn::GetAtt": "Q.Arn"}}}}}},
        "Q": {"Type": "AWS::SQS::Queue", "Properties": {"Tags": [{"Key": "k", "Value": {"Ref": "AWS::Region"}}]}},
        "Odd": {"Type": "T", "Properties": {"X": {"Ref": {"Ref": "Q"}}}},
    }})
    walked = contents(template)
    assert contents(template) is walked  # once per template
    # the event source's GetAtt and DependsOn are no targets; a pseudo parameter, a Sub's own
    # variable and a Ref to no name are none either; every string is in the text, those included
    assert walked["F"].targets == frozenset({"R", "Q", "P"})
    assert sorted(walked["F"].text.split("\0")) == sorted([
        "AWS::Serverless::Function", "Q", "R", "Arn", "arn:aws:sqs:${AWS::Region}:${Q.Name}:${Local}", "P",
        "Q.Arn"])
    assert walked["Q"].targets == frozenset()
    assert sorted(walked["Q"].text.split("\0")) == ["AWS::Region", "AWS::SQS::Queue", "k"]
    assert walked["Odd"].targets == frozenset() and "Q" in walked["Odd"].text.split("\0")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cyclic_templates())
def test_every_cycle_cfx701_claims_to_break_is_broken(data):
    text = json.dumps(data, indent=2) + "\n"
    options = cfnfix.Settings(select=("CFX701",), unsafe_fixes=True)
    findings = cfnfix.check_text(text, "json", settings=options).findings
    cycles = DependencyGraph.of(Template.from_data(data)).components()
    assert len(findings) == len(cycles)
    before = lint_findings(text)
    assert any(rule == "E3004" for rule, _ in before) == bool(cycles)
    if not cycles:
        return
    # every random cycle here is one of inline rules and policies: each has a fix
    assert all(f.fix is not None for f in findings)
    result = cfnfix.fix_text(text, "json", settings=options)
    assert result.error is None and result.changed
    fixed = parse_text(result.text).data
    assert DependencyGraph.of(Template.from_data(fixed)).components() == []
    after = lint_findings(result.text)
    assert not any(rule == "E3004" for rule, _ in after)
    assert {f for f in after - before if f[0] != "E3004"} == set()
    assert cfnfix.check_text(result.text, "json", settings=options).findings == ()


def test_a_fixed_security_group_cycle_is_created_by_moto(moto):
    import boto3

    from cfnfix.rules.circular_dependency import CircularDependency

    from .aws import deploy

    example = next(e for e in CircularDependency.examples if e.name == "security-groups-name-each-other")
    fixed = cfnfix.fix_text(example.text, "yaml", settings=cfnfix.Settings(select=("CFX701",), unsafe_fixes=True))
    assert fixed.text == example.fixed
    ec2 = boto3.client("ec2", endpoint_url=moto, region_name="us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    cloudformation = boto3.client("cloudformation", endpoint_url=moto, region_name="us-east-1")
    deploy(cloudformation, "tiers", json.dumps(parse_text(fixed.text).data), {"VpcId": vpc})
    created = {r["LogicalResourceId"]: r.get("PhysicalResourceId")
               for r in cloudformation.describe_stack_resources(StackName="tiers")["StackResources"]}
    assert {"WebSecurityGroup", "AppSecurityGroup", "AppSecurityGroupIngressFromWebSecurityGroup",
            "Logs"} <= set(created)
    app = ec2.describe_security_groups(GroupIds=[created["AppSecurityGroup"]])["SecurityGroups"][0]
    sources = [pair["GroupId"] for rule in app["IpPermissions"] if rule.get("FromPort") == 8080
               for pair in rule["UserIdGroupPairs"]]
    assert sources == [created["WebSecurityGroup"]]


def test_a_policy_with_an_action_cfn_lint_does_not_know_stays_inline():
    # cfn-lint checks the actions of a standalone AWS::IAM::Policy only (W3037): moving this one
    # out would add a warning, so the cycle is reported without a fix
    from .helpers import ROOT

    example = ROOT / "cfnfix" / "rules" / "examples" / "circular-dependency" / "json-role-policy-and-bucket"
    text = (example / "template.json").read_text().replace('"Action": "s3:GetObject"', '"Action": "s3:HeadBucket"')
    assert '"s3:HeadBucket"' in text
    [finding] = cfnfix.check_text(text, "json").findings
    assert (finding.code, finding.pointer, finding.fix) == ("CFX701", "/Resources/ProcessorRole", None)
    fixed = cfnfix.fix_text((example / "template.json").read_text(), "json", unsafe_fixes=True)
    assert [f.code for f in fixed.applied] == ["CFX701"]  # the known action still moves
