"""CFX401 missing-test-outputs: resources that integration tests need are not stack Outputs."""

from __future__ import annotations

from typing import Any

from ..kit import Plan
from ..rule import Example, Finding, Fix, NoOptions, Rule, add_op, test_op
from ..template import Resource, Template, references
from ..values import aws_data


class Options(NoOptions):
    tests: str | None = None
    export: bool = False


class MissingTestOutputs(Rule):
    """## What it does
    Finds resources that integration tests and operators address (VPC and subnets, load balancer
    DNS name, database endpoints, ECS cluster and service, buckets, tables, topics, queues,
    functions, keys, state machines, APIs, distributions, ...; the list is
    `cfnfix/data/test_outputs.json`) that no Output exposes. With the `tests` option it also reads
    the integration tests (`outputs.Name`, `outputs["Name"]`, `outputs.get("Name")` in Python,
    TypeScript and JavaScript) and reports every output key they read that the template lacks.

    ## Why does this fail?
    Integration tests run against a deployed stack and find its resources through the stack's
    Outputs, usually flattened into `cfn-outputs/flat-outputs.json` (`cfnfix outputs` writes it).
    A resource without an output cannot be found, and the tests fail or skip.

    ## Fix
    Adds an Output for each such resource at the end of `Outputs` (creating the section when
    missing): `Value` by `Ref` or `Fn::GetAtt`, a `Description`, and the resource's `Condition`
    when it has one. The key is the one the tests ask for, else the logical ID and a suffix
    (`VPCId`, `LoadBalancerDNSName`, `DBClusterEndpoint`). Never beyond CloudFormation's 200
    outputs. An `Export` (`${AWS::StackName}-<Key>`) only with `export = true`: an export locks
    the value against change while another stack imports it.

    ## Fix safety
    Safe: outputs change nothing that is deployed.

    ## Options
    `tests`: a folder (or file) of integration tests to read output keys from.
    `export`: also export each new output (default false).
    """

    code = "CFX401"
    name = "missing-test-outputs"
    severity = "medium"
    summary = "A resource that integration tests need is not exposed as a stack Output"
    fix_title = "Add the Output (Ref or GetAtt) in the file's style"
    Options = Options

    def detect(self, template: Template):
        types = aws_data("test_outputs.json")["types"]
        exposed = {target for output in template.outputs.values() for target, _, _ in references(output.value)}
        asked: set[str] = set()
        if self.options.tests:
            from ..testscan import scan

            asked = scan(self.options.tests).output_keys - set(template.outputs)
        wanted: list[tuple[str, Resource | None, list[Any] | None]] = []
        claimed: set[str] = set()
        for key in sorted(asked):
            match = _resource_for_key(template, key, types)
            wanted.append((key, match[0] if match else None, match[1] if match else None))
            if match:
                claimed.add(match[0].name)
        for resource in template.resources.values():
            entries = types.get(resource.type)
            if resource.type == "AWS::RDS::DBInstance" and "DBClusterIdentifier" in resource.properties:
                continue  # an Aurora member: tests reach it through the cluster's endpoint
            if entries and resource.name not in exposed and resource.name not in claimed:
                entry = entries[0]
                wanted.append((resource.name + entry[0], resource, entry))
        room = aws_data("test_outputs.json")["max_outputs"] - len(template.outputs)
        taken = set(template.outputs)
        for key, resource, entry in wanted:
            if resource is None:
                where = ("Outputs",) if "Outputs" in template.data else ()
                yield self.finding(f"The tests read the output {key}, which the template does not define "
                                   "and no resource of it matches", where, None, key=None)
                continue
            key = key if key not in taken else template.unused_name(key, "Outputs")
            taken.add(key)
            room -= 1
            asked_note = " that the tests read" if key in asked else ""
            full = "" if room >= 0 else " (no room: CloudFormation allows 200 outputs)"
            yield self.finding(f"{resource.type} {resource.name} is exposed by no Output{asked_note}; "
                               f"integration tests cannot find it: add {key}{full}",
                               ("Resources", resource.name), resource.name, key=key, entry=entry, room=room >= 0)

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        ctx = finding.context
        if not ctx.get("key") or not ctx["room"]:
            return None
        resource = template.resources[finding.resource or ""]
        suffix, attribute, description = ctx["entry"]
        output: dict[str, Any] = {"Description": description}
        if resource.condition:
            output["Condition"] = resource.condition
        output["Value"] = {"Ref": resource.name} if attribute is None else {"Fn::GetAtt": [resource.name, attribute]}
        if self.options.export:
            output["Export"] = {"Name": {"Fn::Sub": "${AWS::StackName}-" + ctx["key"]}}
        pin = test_op(("Resources", resource.name, "Type"), resource.type)
        if "Outputs" in template.data and isinstance(template.data["Outputs"], dict):
            add = add_op(("Outputs", ctx["key"]), output)
        else:
            add = add_op(("Outputs",), {ctx["key"]: output})
        return Fix(f"Add the output {ctx['key']}", "safe", "Outputs change nothing that is deployed.", (pin, add))

    examples = (
        Example(
            'no-outputs-section-and-a-conditional-resource',
            text='''\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  CreateArchive:
    Type: String
    AllowedValues: ['true', 'false']
    Default: 'false'
Conditions:
  ShouldArchive: !Equals [!Ref CreateArchive, 'true']
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  ArchiveBucket:
    Type: AWS::S3::Bucket
    Condition: ShouldArchive
  WorkQueue:
    Type: AWS::SQS::Queue
''',
            fixed='''\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  CreateArchive:
    Type: String
    AllowedValues: ['true', 'false']
    Default: 'false'
Conditions:
  ShouldArchive: !Equals [!Ref CreateArchive, 'true']
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  ArchiveBucket:
    Type: AWS::S3::Bucket
    Condition: ShouldArchive
  WorkQueue:
    Type: AWS::SQS::Queue
Outputs:
  VPCId:
    Description: ID of the VPC
    Value: !Ref VPC
  ArchiveBucketName:
    Description: Name of the S3 bucket
    Condition: ShouldArchive
    Value: !Ref ArchiveBucket
  WorkQueueUrl:
    Description: URL of the SQS queue
    Value: !Ref WorkQueue
''',
            pointers=('/Resources/VPC', '/Resources/ArchiveBucket', '/Resources/WorkQueue'),
        ),
        Example(
            'json-existing-outputs',
            text='''\
{
    "AWSTemplateFormatVersion": "2010-09-09",
    "Resources": {
        "OrdersTable": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]
            }
        },
        "Events": {
            "Type": "AWS::SNS::Topic"
        },
        "Database": {
            "Type": "AWS::RDS::DBCluster",
            "Properties": {
                "Engine": "aurora-postgresql",
                "MasterUsername": "admin",
                "ManageMasterUserPassword": true
            }
        }
    },
    "Outputs": {
        "EventsTopic": {
            "Value": {"Ref": "Events"}
        }
    }
}
''',
            fixed='''\
{
    "AWSTemplateFormatVersion": "2010-09-09",
    "Resources": {
        "OrdersTable": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]
            }
        },
        "Events": {
            "Type": "AWS::SNS::Topic"
        },
        "Database": {
            "Type": "AWS::RDS::DBCluster",
            "Properties": {
                "Engine": "aurora-postgresql",
                "MasterUsername": "admin",
                "ManageMasterUserPassword": true
            }
        }
    },
    "Outputs": {
        "EventsTopic": {
            "Value": {"Ref": "Events"}
        },
        "OrdersTableName": {
            "Description": "Name of the DynamoDB table",
            "Value": {"Ref": "OrdersTable"}
        },
        "DatabaseEndpoint": {
            "Description": "Writer endpoint of the database cluster",
            "Value": {"Fn::GetAtt": ["Database", "Endpoint.Address"]}
        }
    }
}
''',
            pointers=('/Resources/OrdersTable', '/Resources/Database'),
            format='json',
        ),
        Example(
            'keys-the-integration-tests-read',
            text='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  PublicSubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VPC
      CidrBlock: 10.0.0.0/24
  ECSCluster:
    Type: AWS::ECS::Cluster
  Alarms:
    Type: AWS::SNS::Topic

Outputs:
  # read by the integration tests
  AlarmTopicArn:
    Value: !Ref Alarms
''',
            fixed='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  PublicSubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VPC
      CidrBlock: 10.0.0.0/24
  ECSCluster:
    Type: AWS::ECS::Cluster
  Alarms:
    Type: AWS::SNS::Topic

Outputs:
  # read by the integration tests
  AlarmTopicArn:
    Value: !Ref Alarms
  VPCId:
    Description: ID of the VPC
    Value: !Ref VPC
  PublicSubnetAId:
    Description: ID of the subnet
    Value: !Ref PublicSubnetA
  ECSClusterName:
    Description: Name of the ECS cluster
    Value: !Ref ECSCluster
''',
            pointers=('/Resources/VPC', '/Resources/PublicSubnetA', '/Resources/ECSCluster', '/Outputs', '/Outputs', '/Outputs', '/Outputs'),
            options={'tests': 'examples/payment-processing/tests'},
        ),
        Example(
            'export-option',
            text='''\
Resources:
  Artifacts:
    Type: AWS::S3::Bucket
Outputs: {}
''',
            fixed='''\
Resources:
  Artifacts:
    Type: AWS::S3::Bucket
Outputs:
  ArtifactsName:
    Description: Name of the S3 bucket
    Value: !Ref Artifacts
    Export:
      Name: !Sub ${AWS::StackName}-ArtifactsName
''',
            pointers=('/Resources/Artifacts',),
            options={'export': True},
        ),
        Example(
            'good-everything-exposed',
            text='''\
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - AttributeName: pk
          AttributeType: S
      KeySchema:
        - AttributeName: pk
          KeyType: HASH
Outputs:
  TableName:
    Value: !Ref Table
  TableStreamArn:
    Value: !GetAtt Table.Arn
''',
        ),
        Example(
            'good-nothing-tests-address',
            text='''\
{
  "Resources": {
    "Role": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "AssumeRolePolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]
        }
      }
    }
  }
}
''',
            format='json',
        ),
    )


def _resource_for_key(template: Template, key: str, types: dict[str, list]) -> tuple[Resource, list] | None:
    """The resource an asked-for output key names: its logical ID, with or without a known suffix."""
    lowered = key.lower()
    for resource in template.resources.values():
        for entry in types.get(resource.type, []):
            if lowered in ((resource.name + entry[0]).lower(), resource.name.lower()):
                return resource, entry
    for resource in template.resources.values():
        entries = types.get(resource.type)
        if entries and lowered.startswith(resource.name.lower()):
            rest = lowered[len(resource.name):]
            for entry in entries:
                if rest in (entry[0].lower(), (entry[1] or "").lower().replace(".", "")):
                    return resource, entry
    return None


