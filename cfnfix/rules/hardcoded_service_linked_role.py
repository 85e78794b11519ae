"""CFX101 hardcoded-service-linked-role: a ScalableTarget's RoleARN names a service-linked role."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Literal

from .. import pointer as jp
from ..kit import Plan
from ..rule import Example, Finding, Fix, NoOptions, Rule, add_op, remove_op, replace_op, test_op
from ..template import Resource, Template
from ..values import WILDCARD, aws_data, flatten

# a partition or account part: literal, ${AWS::Partition}-style variables (which hold colons), or unknown
_PART = r"(?:\$\{[^}]*\}|[^:])*"
_SLR_ARN = re.compile(rf"^arn:{_PART}:iam::{_PART}:role/aws-service-role/(?P<principal>[^/]+)/(?P<role>[^/]*)$")
TARGET = "AWS::ApplicationAutoScaling::ScalableTarget"
_REMOVE_REASON = ("Application Auto Scaling then uses its service-linked role, which it creates where "
                  "it does not exist yet.")


class Options(NoOptions):
    strategy: Literal["auto", "dedicated-role", "remove-role-arn"] = "auto"


class HardcodedServiceLinkedRole(Rule):
    """## What it does
    Finds an `AWS::ApplicationAutoScaling::ScalableTarget` whose `RoleARN` hard-codes a
    service-linked role, such as
    `arn:aws:iam::${AWS::AccountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
    written as a plain string, `Fn::Sub` or `Fn::Join`, in any partition and account, and also
    in either branch of an `Fn::If` (the finding then points at that branch).

    ## Why does this fail?
    CloudFormation's early validation (`AWS::EarlyValidation::ResourceExistenceCheck`) checks
    that the role exists before it creates anything. A service-linked role exists only once
    Application Auto Scaling has created it in that account, so the stack fails before a single
    resource is made in a fresh account. The ARN also fixes the partition and the account.
    For `elasticmapreduce` there is no service-linked role at all: EMR needs a role of its own.

    ## Fix
    With the default strategy `auto`: where the template already declares IAM resources, a
    dedicated `AWS::IAM::Role` (`ServiceAutoScalingRole`, or `<Target>AutoScalingRole` when that
    name is taken) trusting `application-autoscaling.amazonaws.com` with the namespace's AWS
    managed policy is inserted before the target, and `RoleARN` becomes `Fn::GetAtt [Role, Arn]`.
    One role serves every target of a namespace. It has no fixed `RoleName`, so the template can
    be deployed twice in one account. Otherwise `RoleARN` is removed: Application Auto Scaling
    then uses its service-linked role and creates it when needed (in an `Fn::If` branch, the
    branch becomes `Ref: AWS::NoValue`). `elasticmapreduce` always gets a
    dedicated role with `AmazonElasticMapReduceforAutoScalingRole`.

    ## Fix safety
    Safe with `auto`. A strategy chosen explicitly that adds a template's first IAM resource is
    unsafe: deploying it then needs `CAPABILITY_IAM`. The same holds for the EMR role.

    ## Options
    `strategy`: `auto` (default), `dedicated-role` (falls back to `remove-role-arn` for a
    namespace without an attachable managed policy, and says so), or `remove-role-arn`.
    """

    code = "CFX101"
    name = "hardcoded-service-linked-role"
    severity = "critical"
    summary = "A ScalableTarget's RoleARN hard-codes a service-linked role that may not exist yet"
    fix_title = "Use a dedicated role, or drop RoleARN and let the service-linked role be created"
    Options = Options

    def detect(self, template: Template):
        findings = list(self._detect(template))
        # every target of a namespace is served by the role named after its first target
        first: dict[str | None, str | None] = {}
        for finding in findings:
            first.setdefault(finding.context["namespace"], finding.resource)
        for finding in findings:
            finding.context["first"] = first[finding.context["namespace"]]
            yield finding

    def _detect(self, template: Template):
        table = aws_data("application_autoscaling_roles.json")
        for target in template.of_type(TARGET):
            path = ("Resources", target.name, "Properties", "RoleARN")
            for where, arn in _branches(path, target.properties.get("RoleARN")):
                flat = flatten(arn)
                match = _SLR_ARN.match(flat) if flat else None
                if not match:
                    continue
                namespace = _namespace(target, match.group("principal"), table)
                role = match.group("role").replace(WILDCARD, "*") or "a service-linked role"
                if namespace == "elasticmapreduce":
                    why = "EMR has no service-linked role for Application Auto Scaling: it needs a role of its own"
                else:
                    why = "early validation fails in any account where that role does not exist yet"
                yield self.finding(
                    f"ScalableTarget {target.name} hard-codes the service-linked role {role} in RoleARN; {why}",
                    where, target.name, namespace=namespace, arn=arn, branch=where != path)

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        table = aws_data("application_autoscaling_roles.json")
        namespace = finding.context["namespace"]
        target = finding.resource
        assert target is not None
        pin = test_op(finding.pointer, finding.context["arn"])
        emr = table["no_service_linked_role"].get(namespace)
        policy = emr["policy"] if emr else (table["namespaces"].get(namespace) or {}).get("policy")
        has_iam = template.has_iam_resources()
        strategy = self.options.strategy
        fallback = ""
        if emr:
            strategy = "dedicated-role"
        elif strategy == "auto":
            strategy = "dedicated-role" if has_iam and policy else "remove-role-arn"
        elif strategy == "dedicated-role" and not policy:
            strategy = "remove-role-arn"
            fallback = f" ({namespace or 'this namespace'} has no AWS managed policy to attach)"
        if strategy == "remove-role-arn":
            if finding.context.get("branch"):
                # removing an item would shift the Fn::If; AWS::NoValue leaves RoleARN out in that branch
                return Fix("Leave RoleARN out in that Fn::If branch so Application Auto Scaling uses its "
                           "service-linked role" + fallback, "safe", _REMOVE_REASON,
                           (pin, replace_op(finding.pointer, {"Ref": "AWS::NoValue"})))
            return Fix("Remove RoleARN so Application Auto Scaling uses its service-linked role" + fallback,
                       "safe", _REMOVE_REASON, (pin, remove_op(finding.pointer)))
        trust = emr["trust"] if emr else [table["trust"]]
        explicit = self.options.strategy != "auto" or emr
        safety = "unsafe" if explicit and not has_iam else "safe"
        reason = ("It adds the template's first IAM resource, so deploying it now needs CAPABILITY_IAM."
                  if safety == "unsafe" else
                  "The template already declares IAM resources, and a role of its own changes nothing else.")
        existing = _existing_role(template, policy, trust)
        if existing:
            return Fix(f"Use the role {existing} in RoleARN", safety, reason,
                       (pin, replace_op(finding.pointer, {"Fn::GetAtt": [existing, "Arn"]})))
        # every target of the namespace aims at the role of its first one: the fixes collide on
        # that path, and the later ones reuse the role in the next pass
        first = finding.context.get("first") or target
        name = _role_name(template, first)
        role = _role(template, policy, trust, emr is not None)
        return Fix(f"Add the role {name} and use it in RoleARN", safety, reason, (
            pin,
            add_op(("Resources", name), role, before=f"/Resources/{jp.escape(first)}"),
            replace_op(finding.pointer, {"Fn::GetAtt": [name, "Arn"]}),
        ))

    examples = (
        Example(
            'json-long-form-sub-with-iam-resources',
            text='''\
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {
    "EnvironmentSuffix": {"Type": "String", "Default": "dev"}
  },
  "Resources": {
    "TaskRole": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "AssumeRolePolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]
        },
        "Tags": [{"Key": "Name", "Value": {"Fn::Sub": "payment-task-role-${EnvironmentSuffix}"}}]
      }
    },
    "ServiceAutoScalingTarget": {
      "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
      "Properties": {
        "MaxCapacity": 10,
        "MinCapacity": 2,
        "ResourceId": "service/payment-cluster/payment-service",
        "RoleARN": {
          "Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"
        },
        "ScalableDimension": "ecs:service:DesiredCount",
        "ServiceNamespace": "ecs"
      }
    }
  }
}
''',
            fixed='''\
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {
    "EnvironmentSuffix": {"Type": "String", "Default": "dev"}
  },
  "Resources": {
    "TaskRole": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "AssumeRolePolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]
        },
        "Tags": [{"Key": "Name", "Value": {"Fn::Sub": "payment-task-role-${EnvironmentSuffix}"}}]
      }
    },
    "ServiceAutoScalingRole": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "AssumeRolePolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Effect": "Allow",
              "Principal": {
                "Service": "application-autoscaling.amazonaws.com"
              },
              "Action": "sts:AssumeRole"
            }
          ]
        },
        "ManagedPolicyArns": [
          {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceAutoscaleRole"}
        ],
        "Tags": [
          {
            "Key": "Name",
            "Value": {"Fn::Sub": "payment-autoscaling-role-${EnvironmentSuffix}"}
          }
        ]
      }
    },
    "ServiceAutoScalingTarget": {
      "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
      "Properties": {
        "MaxCapacity": 10,
        "MinCapacity": 2,
        "ResourceId": "service/payment-cluster/payment-service",
        "RoleARN": {"Fn::GetAtt": ["ServiceAutoScalingRole", "Arn"]},
        "ScalableDimension": "ecs:service:DesiredCount",
        "ServiceNamespace": "ecs"
      }
    }
  }
}
''',
            pointers=('/Resources/ServiceAutoScalingTarget/Properties/RoleARN',),
            format='json',
        ),
        Example(
            'yaml-short-form-sub-with-iam-resources',
            text='''\
AWSTemplateFormatVersion: "2010-09-09"
Description: ECS service scaling

Resources:
  TaskRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: ecs-tasks.amazonaws.com
            Action: sts:AssumeRole

  # Scale the service between 2 and 10 tasks
  ServiceAutoScalingTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 10
      MinCapacity: 2
      ResourceId: service/payment-cluster/payment-service
      RoleARN: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
''',
            fixed='''\
AWSTemplateFormatVersion: "2010-09-09"
Description: ECS service scaling

Resources:
  TaskRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: ecs-tasks.amazonaws.com
            Action: sts:AssumeRole

  ServiceAutoScalingRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: application-autoscaling.amazonaws.com
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !Sub arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceAutoscaleRole

  # Scale the service between 2 and 10 tasks
  ServiceAutoScalingTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 10
      MinCapacity: 2
      ResourceId: service/payment-cluster/payment-service
      RoleARN: !GetAtt ServiceAutoScalingRole.Arn
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
''',
            pointers=('/Resources/ServiceAutoScalingTarget/Properties/RoleARN',),
        ),
        Example(
            'yaml-long-form-sub-without-iam-resources',
            text='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  ScalableTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 4
      MinCapacity: 1
      ResourceId: service/default/web
      RoleARN:
        Fn::Sub: arn:aws:iam::${AWS::AccountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
''',
            fixed='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  ScalableTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 4
      MinCapacity: 1
      ResourceId: service/default/web
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
''',
            pointers=('/Resources/ScalableTarget/Properties/RoleARN',),
        ),
        Example(
            'yaml-join-form',
            text='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  ScalableTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 4
      MinCapacity: 1
      ResourceId: service/default/web
      RoleARN: !Join
        - ''
        - - 'arn:'
          - !Ref AWS::Partition
          - ':iam::'
          - !Ref AWS::AccountId
          - ':role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService'
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
''',
            fixed='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  ScalableTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 4
      MinCapacity: 1
      ResourceId: service/default/web
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
''',
            pointers=('/Resources/ScalableTarget/Properties/RoleARN',),
        ),
        Example(
            'dynamodb-target-has-no-managed-policy',
            text='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions:
        - AttributeName: id
          AttributeType: S
      KeySchema:
        - AttributeName: id
          KeyType: HASH
      ProvisionedThroughput:
        ReadCapacityUnits: 5
        WriteCapacityUnits: 5
  ReadScalingTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 50
      MinCapacity: 5
      ResourceId: !Sub table/${Table}
      RoleARN: arn:aws:iam::123456789012:role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable
      ScalableDimension: dynamodb:table:ReadCapacityUnits
      ServiceNamespace: dynamodb
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
''',
            fixed='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions:
        - AttributeName: id
          AttributeType: S
      KeySchema:
        - AttributeName: id
          KeyType: HASH
      ProvisionedThroughput:
        ReadCapacityUnits: 5
        WriteCapacityUnits: 5
  ReadScalingTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 50
      MinCapacity: 5
      ResourceId: !Sub table/${Table}
      ScalableDimension: dynamodb:table:ReadCapacityUnits
      ServiceNamespace: dynamodb
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
''',
            pointers=('/Resources/ReadScalingTarget/Properties/RoleARN',),
        ),
        Example(
            'logical-id-taken-and-one-role-for-two-targets',
            text='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  ServiceAutoScalingRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              Service: ecs-tasks.amazonaws.com
            Action: sts:AssumeRole
  WebTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 4
      MinCapacity: 1
      ResourceId: service/default/web
      RoleARN: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService'
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
  WorkerTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 4
      MinCapacity: 1
      ResourceId: service/default/worker
      RoleARN: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService'
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
''',
            fixed='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  ServiceAutoScalingRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              Service: ecs-tasks.amazonaws.com
            Action: sts:AssumeRole
  WebTargetAutoScalingRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              Service: application-autoscaling.amazonaws.com
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !Sub 'arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceAutoscaleRole'
  WebTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 4
      MinCapacity: 1
      ResourceId: service/default/web
      RoleARN: !GetAtt WebTargetAutoScalingRole.Arn
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
  WorkerTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 4
      MinCapacity: 1
      ResourceId: service/default/worker
      RoleARN: !GetAtt WebTargetAutoScalingRole.Arn
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
''',
            pointers=('/Resources/WebTarget/Properties/RoleARN', '/Resources/WorkerTarget/Properties/RoleARN'),
        ),
        Example(
            'emr-has-no-service-linked-role',
            text='''\
{
    "Resources": {
        "EmrScalingTarget": {
            "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
            "Properties": {
                "MaxCapacity": 10,
                "MinCapacity": 1,
                "ResourceId": "instancegroup/j-2EXAMPLE/ig-1EXAMPLE",
                "RoleARN": "arn:aws-cn:iam::123456789012:role/aws-service-role/elasticmapreduce.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_EMR",
                "ScalableDimension": "elasticmapreduce:instancegroup:InstanceCount",
                "ServiceNamespace": "elasticmapreduce"
            }
        }
    }
}
''',
            fixed='''\
{
    "Resources": {
        "ServiceAutoScalingRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {
                                "Service": ["elasticmapreduce.amazonaws.com", "application-autoscaling.amazonaws.com"]
                            },
                            "Action": "sts:AssumeRole"
                        }
                    ]
                },
                "ManagedPolicyArns": [
                    {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonElasticMapReduceforAutoScalingRole"}
                ]
            }
        },
        "EmrScalingTarget": {
            "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
            "Properties": {
                "MaxCapacity": 10,
                "MinCapacity": 1,
                "ResourceId": "instancegroup/j-2EXAMPLE/ig-1EXAMPLE",
                "RoleARN": {"Fn::GetAtt": ["ServiceAutoScalingRole", "Arn"]},
                "ScalableDimension": "elasticmapreduce:instancegroup:InstanceCount",
                "ServiceNamespace": "elasticmapreduce"
            }
        }
    }
}
''',
            pointers=('/Resources/EmrScalingTarget/Properties/RoleARN',),
            format='json',
            unsafe_fixes=True,
        ),
        Example(
            'explicit-remove-role-arn',
            text='''\
AWSTemplateFormatVersion: "2010-09-09"
Description: ECS service scaling

Resources:
  TaskRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: ecs-tasks.amazonaws.com
            Action: sts:AssumeRole

  # Scale the service between 2 and 10 tasks
  ServiceAutoScalingTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 10
      MinCapacity: 2
      ResourceId: service/payment-cluster/payment-service
      RoleARN: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
''',
            fixed='''\
AWSTemplateFormatVersion: "2010-09-09"
Description: ECS service scaling

Resources:
  TaskRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: ecs-tasks.amazonaws.com
            Action: sts:AssumeRole

  # Scale the service between 2 and 10 tasks
  ServiceAutoScalingTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 10
      MinCapacity: 2
      ResourceId: service/payment-cluster/payment-service
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
''',
            pointers=('/Resources/ServiceAutoScalingTarget/Properties/RoleARN',),
            options={'strategy': 'remove-role-arn'},
        ),
        Example(
            'fn-if-branch-without-iam-resources',
            text='''\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ScalingRoleArn:
    Type: String
    Default: ""
Conditions:
  HasScalingRole: !Not [!Equals [!Ref ScalingRoleArn, ""]]
Resources:
  ServiceScalableTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 4
      MinCapacity: 1
      ResourceId: service/default/web
      RoleARN: !If
        - HasScalingRole
        - !Ref ScalingRoleArn
        - !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
''',
            fixed='''\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ScalingRoleArn:
    Type: String
    Default: ""
Conditions:
  HasScalingRole: !Not [!Equals [!Ref ScalingRoleArn, ""]]
Resources:
  ServiceScalableTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 4
      MinCapacity: 1
      ResourceId: service/default/web
      RoleARN: !If
        - HasScalingRole
        - !Ref ScalingRoleArn
        - !Ref AWS::NoValue
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
''',
            pointers=('/Resources/ServiceScalableTarget/Properties/RoleARN/Fn::If/2',),
        ),
        Example(
            'good-getatt-to-template-role',
            text='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  ScalingRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              Service: application-autoscaling.amazonaws.com
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !Sub arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceAutoscaleRole
  ScalableTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 4
      MinCapacity: 1
      ResourceId: service/default/web
      RoleARN: !GetAtt ScalingRole.Arn
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
''',
        ),
        Example(
            'good-parameter',
            text='''\
{
  "Parameters": {
    "ScalingRoleArn": {"Type": "String"}
  },
  "Resources": {
    "ScalableTarget": {
      "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
      "Properties": {
        "MaxCapacity": 4,
        "MinCapacity": 1,
        "ResourceId": "service/default/web",
        "RoleARN": {"Ref": "ScalingRoleArn"},
        "ScalableDimension": "ecs:service:DesiredCount",
        "ServiceNamespace": "ecs"
      }
    }
  }
}
''',
            format='json',
        ),
        Example(
            'good-customer-managed-role-arn',
            text='''\
Resources:
  ScalableTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 4
      MinCapacity: 1
      ResourceId: service/default/web
      RoleARN: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/my-ecs-autoscaling-role
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
''',
        ),
        Example(
            'good-absent-or-imported',
            text='''\
Resources:
  WebTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 4
      MinCapacity: 1
      ResourceId: service/default/web
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
  WorkerTarget:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 4
      MinCapacity: 1
      ResourceId: service/default/worker
      RoleARN: !ImportValue shared-autoscaling-role-arn
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
''',
        ),
    )


def _branches(path: tuple[str, ...], value: Any):
    """The value with its pointer path, or each branch of an ``Fn::If`` (nested ones too)."""
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Fn::If"), list) \
            and len(value["Fn::If"]) == 3:
        for index in (1, 2):
            yield from _branches(path + ("Fn::If", str(index)), value["Fn::If"][index])
    else:
        yield path, value


def _namespace(target: Resource, principal: str, table: dict[str, Any]) -> str | None:
    namespace = target.properties.get("ServiceNamespace")
    if isinstance(namespace, str):
        return namespace
    prefix = principal.split(".")[0]
    return prefix if prefix in table["namespaces"] else None


def _existing_role(template: Template, policy: str, trust: list[str]) -> str | None:
    """A role of the template that already trusts Application Auto Scaling with this policy."""
    for role in template.of_type("AWS::IAM::Role"):
        document = role.properties.get("AssumeRolePolicyDocument")
        if not isinstance(document, dict) or trust[-1] not in str(document):
            continue
        arns = role.properties.get("ManagedPolicyArns")
        if isinstance(arns, list) and any((flatten(a) or "").endswith("/" + policy) for a in arns):
            return role.name
    return None


def _role_name(template: Template, target: str) -> str:
    taken = set(template.resources) | set(template.parameters) | set(template.data.get("Resources") or {})
    for wanted in ("ServiceAutoScalingRole", f"{target}AutoScalingRole"):
        if wanted not in taken:
            return wanted
    return template.unused_name(f"{target}AutoScalingRole")


def _role(template: Template, policy: str, trust: list[str], emr: bool) -> dict[str, Any]:
    service: Any = trust[0] if len(trust) == 1 else list(trust)
    properties: dict[str, Any] = {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
        },
        "ManagedPolicyArns": [{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/" + policy}],
    }
    tag = _suffix_name_tag(template, "emr-autoscaling-role" if emr else "autoscaling-role")
    if tag is not None:
        properties["Tags"] = [{"Key": "Name", "Value": tag}]
    return {"Type": "AWS::IAM::Role", "Properties": properties}


def _suffix_name_tag(template: Template, what: str) -> dict[str, str] | None:
    """A Name tag built like the template's own, when it names things with a suffix parameter."""
    suffixes = [p for p in template.parameters if "suffix" in p.lower()]
    if not suffixes:
        return None
    prefixes: Counter[str] = Counter()
    used: Counter[str] = Counter()
    for resource in template.resources.values():
        for text in _sub_strings(resource.properties):
            for parameter in suffixes:
                marker = "${" + parameter + "}"
                if marker in text:
                    used[parameter] += 1
                    head = text.split("$", 1)[0].split("-", 1)[0]
                    if head and text.index(marker) > 0:
                        prefixes[head] += 1
    if not used:
        return None
    parameter = used.most_common(1)[0][0]
    head = prefixes.most_common(1)[0][0] + "-" if prefixes else ""
    return {"Fn::Sub": f"{head}{what}-${{{parameter}}}"}


def _sub_strings(value: Any):
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if len(item) == 1 and "Fn::Sub" in item:
                text = flatten(item)
                if text:
                    yield text
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
