"""CFX202 missing-standby-region: nothing deploys a standby copy of the stack to a second region."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .. import pointer as jp
from ..disaster_recovery import IS_PRIMARY, condition_ops, deployment_role_parameter, public_albs
from ..rule import Example, Finding, Fix, NoOptions, Rule, add_op, replace_op, test_op
from ..template import Parameter, Resource, Template
from ..values import aws_data, flatten


class Options(NoOptions):
    standby_region: str = Field("us-west-2", pattern=r"^[a-z]{2}(-[a-z]+)+-\d$")
    template_url: str = ""
    any_template: bool = False


class MissingStandbyRegion(Rule):
    """## What it does
    Finds a template that serves traffic through an internet-facing application load balancer but
    deploys no standby copy of itself to a second region (no `AWS::CloudFormation::StackSet`).
    With `any-template = true` every template is checked.

    ## Why does this fail?
    A single-region stack has no answer to the loss of its region: the recovery time is the time
    it takes to build a new environment from scratch, and DNS failover (CFX201) has nowhere to go.

    ## Fix
    Makes the template deployable in either role and lets the primary deploy the standby:
    parameters `DeploymentRole` (`primary` or `standby`), `StandbyRegion` (default `us-west-2`
    or `standby-region`) and `DrTemplateUrl` (the S3 URL of this same template; empty, the default,
    keeps the StackSet off), conditions `IsPrimary`, `HasDrTemplateUrl`, `NotInStandbyRegion` and
    `CreateDrStackSet`, and a `StandbyStackSet` under `CreateDrStackSet`: `SELF_MANAGED`, one stack
    instance in this account in the standby region, sequential operations, the capabilities the
    template needs (IAM for its IAM and SAM resources, named IAM for named ones and for nested
    stacks, whose resources cannot be seen, auto-expand for a transform), and `Parameters` passing `DeploymentRole=standby` and every
    template parameter without a default (lists joined with commas). Region-bound parameters (VPC,
    subnet, security group, key pair and AMI ids, and lists of them) are not copied: each gets a
    `Standby<Name>` parameter passed in its place (and passed itself, since the standby stack
    declares it too). Only what is missing is added; new parameters go right after
    `DeploymentRole`, so the text is the same whichever rule added its parameters first.

    A self-managed StackSet needs two IAM roles that this fix does not create:
    `AWSCloudFormationStackSetAdministrationRole` in this account and
    `AWSCloudFormationStackSetExecutionRole` in the target account (here the same account).
    Data is not replicated by this fix: Aurora global databases, DynamoDB global tables and S3
    replication are separate decisions. Resources whose fixed names are account-wide (IAM role
    names, bucket names without `${AWS::Region}`) would collide in the standby region; the
    message names them.

    A template that already has a StackSet is only checked for what it lacks: a StackSet that
    deploys no stack instance is reported, with no fix (the accounts and regions are the owner's
    decision). A standby StackSet (its `TemplateURL` is `DrTemplateUrl`, or it passes
    `DeploymentRole`) that does not pass every parameter without a default, or does not
    acknowledge a capability the template needs, is reported too: the standby stack could not be
    created. Another rule may add such a parameter after the StackSet exists (CFX201's
    `HostedZoneId` and `DomainName`). The fix passes what is missing at the place one run would
    have written it, so fixing in several runs, in any order, gives the text of one run.

    ## Fix safety
    Safe: the StackSet stays off until `DrTemplateUrl` is set (`template-url` gives it a
    default); passing a parameter the template already declares changes nothing deployed in this
    region. Unsafe when it must add `Standby<Name>` parameters without defaults (every deployment
    must then supply them). Display-only when a `NoEcho` parameter has no default: a secret is
    never copied into StackSet parameters; move it to a dynamic reference first.

    ## Options
    `standby-region`: the region of the standby stack (default `us-west-2`).
    `template-url`: default of `DrTemplateUrl`.
    `any-template`: check templates without an internet-facing load balancer too.
    """

    code = "CFX202"
    name = "missing-standby-region"
    severity = "high"
    summary = "Nothing deploys a standby copy of the stack to a second region"
    fix_title = "Add DR parameters and conditions and a StackSet for the standby region"
    Options = Options

    def detect(self, template: Template):
        stack_sets = template.of_type("AWS::CloudFormation::StackSet")
        if stack_sets:
            # checked for what it lacks: a StackSet with no stack instance deploys nothing
            if not any(_deploys(s.properties.get("StackInstancesGroup")) for s in stack_sets):
                first = stack_sets[0]
                yield self.finding(f"StackSet {first.name} deploys no stack instance: add a StackInstancesGroup "
                                   "with the standby region", ("Resources", first.name), first.name, incomplete=True)
            for stack_set in stack_sets:
                finding = self._incomplete_standby(template, stack_set)
                if finding is not None:
                    yield finding
            return
        albs = public_albs(template)
        if not albs and not self.options.any_template:
            return
        pointer = ("Resources", albs[0].name) if albs else ()
        collisions = _global_names(template)
        note = (f"; in the standby region these fixed names would collide: {', '.join(collisions)}"
                if collisions else "")
        entry = f"load balancer {albs[0].name}" if albs else "stack"
        yield self.finding(f"Nothing deploys a standby copy of this {entry} to a second region "
                           f"({self.options.standby_region}){note}", pointer, albs[0].name if albs else None)

    def _incomplete_standby(self, template: Template, stack_set: Resource) -> Finding | None:
        """A standby StackSet (one that deploys this same template) that misses a parameter the
        standby stack cannot be created without, or a capability the template needs."""
        entries = stack_set.properties.get("Parameters", [])
        capabilities = stack_set.properties.get("Capabilities", [])
        if not _is_standby(stack_set) or not isinstance(entries, list) or not isinstance(capabilities, list):
            return None  # another template, or values out of reach (an intrinsic): taken as given
        passed = {e.get("ParameterKey") for e in entries if isinstance(e, dict)}
        missing = [key for key, _ in _passed(_planned(template, _existing_block(template))) if key not in passed]
        missing += [p.name for p in template.parameters.values()
                    if p.no_echo and not p.has_default and p.name not in passed]
        lacking = [c for c in _capabilities(template) if c not in capabilities
                   and not (c == "CAPABILITY_IAM" and "CAPABILITY_NAMED_IAM" in capabilities)]
        if not missing and not lacking:
            return None
        gaps = []
        if missing:
            gaps.append(f"does not pass {', '.join(missing)}, which ha{'ve' if len(missing) > 1 else 's'} no default")
        if lacking:
            gaps.append(f"does not acknowledge {', '.join(lacking)}")
        where = ("Resources", stack_set.name, "Properties", "Parameters") if "Parameters" in stack_set.properties \
            else ("Resources", stack_set.name)
        return self.finding(f"StackSet {stack_set.name} {' and '.join(gaps)}: the standby stack cannot be created",
                            where, stack_set.name, stack_set=stack_set.name)

    def fix(self, finding: Finding, template: Template) -> Fix | None:
        if finding.context.get("incomplete"):
            return None  # which accounts and regions is the owner's decision
        if finding.context.get("stack_set"):
            return self._complete_standby(template, template.resources[finding.context["stack_set"]])
        secrets = [p.name for p in template.parameters.values() if p.no_echo and not p.has_default]
        wanted = {
            "DeploymentRole": deployment_role_parameter(),
            "StandbyRegion": {"Type": "String", "Default": self.options.standby_region,
                              "Description": "Region of the standby stack"},
            "DrTemplateUrl": {"Type": "String", "Default": self.options.template_url,
                              "Description": "S3 URL of this template for the standby stack; empty keeps it off"},
        }
        parameters = _planned(template, wanted)
        conditions = {
            "IsPrimary": IS_PRIMARY,
            "HasDrTemplateUrl": {"Fn::Not": [{"Fn::Equals": [{"Ref": "DrTemplateUrl"}, ""]}]},
            "NotInStandbyRegion": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "StandbyRegion"}]}]},
            "CreateDrStackSet": {"Fn::And": [{"Condition": "IsPrimary"}, {"Condition": "HasDrTemplateUrl"},
                                             {"Condition": "NotInStandbyRegion"}]},
        }
        properties: dict[str, Any] = {
            "StackSetName": {"Fn::Sub": "${AWS::StackName}-standby"},
            "Description": "Standby copy of this stack in the standby region",
            "PermissionModel": "SELF_MANAGED",
            "TemplateURL": {"Ref": "DrTemplateUrl"},
        }
        capabilities = _capabilities(template)
        if capabilities:
            properties["Capabilities"] = capabilities
        properties["OperationPreferences"] = {"RegionConcurrencyType": "SEQUENTIAL", "MaxConcurrentCount": 1,
                                              "FailureToleranceCount": 0}
        properties["StackInstancesGroup"] = [{"DeploymentTargets": {"Accounts": [{"Ref": "AWS::AccountId"}]},
                                              "Regions": [{"Ref": "StandbyRegion"}]}]
        properties["Parameters"] = [{"ParameterKey": key, "ParameterValue": value} for key, value in _passed(parameters)]
        stack_set = {"Type": "AWS::CloudFormation::StackSet", "Condition": "CreateDrStackSet",
                     "Properties": properties}
        ops: list[dict[str, Any]] = []
        if finding.resource:
            ops.append(test_op(("Resources", finding.resource, "Type"), template.resources[finding.resource].type))
        ops += _parameter_ops(template, parameters)
        ops += condition_ops(template, conditions)
        ops.append(add_op(("Resources", template.unused_name("StandbyStackSet")), stack_set))
        if secrets:
            return Fix(f"Move the NoEcho parameter{'s' * (len(secrets) > 1)} {', '.join(secrets)} to a dynamic "
                       "reference, then add the standby StackSet", "display-only", tuple(ops))
        new_required = [p.name for p in parameters if p.name not in template.parameters and not p.has_default]
        if new_required:
            return Fix(f"Add the standby StackSet (unsafe: new parameters without defaults: "
                       f"{', '.join(new_required)})", "unsafe", tuple(ops))
        return Fix("Add the standby StackSet, off until DrTemplateUrl is set", "safe", tuple(ops))

    def _complete_standby(self, template: Template, stack_set: Resource) -> Fix:
        """Pass what the StackSet misses, in the order one run would have written it, so that fixing
        in several runs gives the same text as fixing in one."""
        parameters = _planned(template, _existing_block(template))
        base = ("Resources", stack_set.name, "Properties")
        ops: list[dict[str, Any]] = [test_op(base[:-1] + ("Type",), stack_set.type)]
        ops += _parameter_ops(template, parameters)
        entries = stack_set.properties.get("Parameters")
        if entries is None:
            ops.append(add_op(base + ("Parameters",), [{"ParameterKey": k, "ParameterValue": v}
                                                       for k, v in _passed(parameters)]))
        else:
            keys = [e.get("ParameterKey") if isinstance(e, dict) else None for e in entries]
            cursor = 0
            for key, value in _passed(parameters):
                if key in keys:
                    cursor = keys.index(key) + 1
                    continue
                ops.append(add_op(base + ("Parameters", str(cursor)), {"ParameterKey": key, "ParameterValue": value}))
                keys.insert(cursor, key)
                cursor += 1
        current = stack_set.properties.get("Capabilities")
        needed = _capabilities(template)
        if current is None and needed:
            after = "TemplateURL" if "TemplateURL" in stack_set.properties else None
            ops.append(add_op(base + ("Capabilities",), needed, after=jp.join(base + (after,)) if after else None))
        elif current is not None:
            merged = needed + [c for c in current if c not in needed
                               and not (c == "CAPABILITY_IAM" and "CAPABILITY_NAMED_IAM" in needed)]
            if merged != current:
                ops.append(test_op(base + ("Capabilities",), current))
                ops.append(replace_op(base + ("Capabilities",), merged))
        secrets = [p.name for p in template.parameters.values() if p.no_echo and not p.has_default]
        if secrets:
            return Fix(f"Move the NoEcho parameter{'s' * (len(secrets) > 1)} {', '.join(secrets)} to a dynamic "
                       f"reference, then pass it to {stack_set.name}", "display-only", tuple(ops))
        new_required = [p.name for p in parameters if p.name not in template.parameters and not p.has_default]
        if new_required:
            return Fix(f"Pass the missing parameters to {stack_set.name} (unsafe: new parameters without "
                       f"defaults: {', '.join(new_required)})", "unsafe", tuple(ops))
        return Fix(f"Pass the missing parameters and capabilities to {stack_set.name}", "safe", tuple(ops))

    examples = (
        Example(
            'region-bound-parameters-get-standby-twins',
            text='''\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  VpcId:
    Type: AWS::EC2::VPC::Id
  PublicSubnets:
    Type: List<AWS::EC2::Subnet::Id>
Resources:
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: !Ref PublicSubnets
  TargetGroup:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      Port: 8080
      Protocol: HTTP
      VpcId: !Ref VpcId
      HealthCheckPath: /healthz
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LoadBalancer
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: forward
          TargetGroupArn: !Ref TargetGroup
''',
            fixed='''\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  VpcId:
    Type: AWS::EC2::VPC::Id
  PublicSubnets:
    Type: List<AWS::EC2::Subnet::Id>
  DeploymentRole:
    Type: String
    AllowedValues:
      - primary
      - standby
    Default: primary
    Description: primary in the main region; standby in the region that takes over
  StandbyRegion:
    Type: String
    Default: us-west-2
    Description: Region of the standby stack
  DrTemplateUrl:
    Type: String
    Default: ''
    Description: S3 URL of this template for the standby stack; empty keeps it off
  StandbyVpcId:
    Type: AWS::EC2::VPC::Id
    Description: VpcId in the standby region
  StandbyPublicSubnets:
    Type: List<AWS::EC2::Subnet::Id>
    Description: PublicSubnets in the standby region
Conditions:
  IsPrimary: !Equals [!Ref DeploymentRole, primary]
  HasDrTemplateUrl: !Not [!Equals [!Ref DrTemplateUrl, '']]
  NotInStandbyRegion: !Not [!Equals [!Ref AWS::Region, !Ref StandbyRegion]]
  CreateDrStackSet: !And
    - Condition: IsPrimary
    - Condition: HasDrTemplateUrl
    - Condition: NotInStandbyRegion
Resources:
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: !Ref PublicSubnets
  TargetGroup:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      Port: 8080
      Protocol: HTTP
      VpcId: !Ref VpcId
      HealthCheckPath: /healthz
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LoadBalancer
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: forward
          TargetGroupArn: !Ref TargetGroup
  StandbyStackSet:
    Type: AWS::CloudFormation::StackSet
    Condition: CreateDrStackSet
    Properties:
      StackSetName: !Sub ${AWS::StackName}-standby
      Description: Standby copy of this stack in the standby region
      PermissionModel: SELF_MANAGED
      TemplateURL: !Ref DrTemplateUrl
      OperationPreferences:
        RegionConcurrencyType: SEQUENTIAL
        MaxConcurrentCount: 1
        FailureToleranceCount: 0
      StackInstancesGroup:
        - DeploymentTargets:
            Accounts:
              - !Ref AWS::AccountId
          Regions:
            - !Ref StandbyRegion
      Parameters:
        - ParameterKey: DeploymentRole
          ParameterValue: standby
        - ParameterKey: VpcId
          ParameterValue: !Ref StandbyVpcId
        - ParameterKey: PublicSubnets
          ParameterValue: !Join [',', !Ref StandbyPublicSubnets]
        - ParameterKey: StandbyVpcId
          ParameterValue: !Ref StandbyVpcId
        - ParameterKey: StandbyPublicSubnets
          ParameterValue: !Join [',', !Ref StandbyPublicSubnets]
''',
            pointers=('/Resources/LoadBalancer',),
            unsafe_fixes=True,
        ),
        Example(
            'standby-stack-set-that-misses-a-parameter-added-later',
            text='''\
Parameters:
  DeploymentRole:
    Type: String
    AllowedValues: [primary, standby]
    Default: primary
  StandbyRegion:
    Type: String
    Default: us-west-2
  DrTemplateUrl:
    Type: String
    Default: ''
  HostedZoneId:
    Type: AWS::Route53::HostedZone::Id
  AppSubnets:
    Type: List<AWS::EC2::Subnet::Id>
Resources:
  Worker:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
  StandbyStackSet:
    Type: AWS::CloudFormation::StackSet
    Properties:
      PermissionModel: SELF_MANAGED
      TemplateURL: !Ref DrTemplateUrl
      StackInstancesGroup:
        - DeploymentTargets:
            Accounts:
              - !Ref AWS::AccountId
          Regions:
            - !Ref StandbyRegion
      Parameters:
        - ParameterKey: DeploymentRole
          ParameterValue: standby
''',
            fixed='''\
Parameters:
  DeploymentRole:
    Type: String
    AllowedValues: [primary, standby]
    Default: primary
  StandbyRegion:
    Type: String
    Default: us-west-2
  DrTemplateUrl:
    Type: String
    Default: ''
  StandbyAppSubnets:
    Type: List<AWS::EC2::Subnet::Id>
    Description: AppSubnets in the standby region
  HostedZoneId:
    Type: AWS::Route53::HostedZone::Id
  AppSubnets:
    Type: List<AWS::EC2::Subnet::Id>
Resources:
  Worker:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
  StandbyStackSet:
    Type: AWS::CloudFormation::StackSet
    Properties:
      PermissionModel: SELF_MANAGED
      TemplateURL: !Ref DrTemplateUrl
      Capabilities:
        - CAPABILITY_IAM
      StackInstancesGroup:
        - DeploymentTargets:
            Accounts:
              - !Ref AWS::AccountId
          Regions:
            - !Ref StandbyRegion
      Parameters:
        - ParameterKey: DeploymentRole
          ParameterValue: standby
        - ParameterKey: StandbyAppSubnets
          ParameterValue: !Join [',', !Ref StandbyAppSubnets]
        - ParameterKey: HostedZoneId
          ParameterValue: !Ref HostedZoneId
        - ParameterKey: AppSubnets
          ParameterValue: !Join [',', !Ref StandbyAppSubnets]
''',
            pointers=('/Resources/StandbyStackSet/Properties/Parameters',),
            unsafe_fixes=True,
        ),
        Example(
            'json-standby-stack-set-that-misses-a-parameter',
            text='''\
{
  "Parameters": {
    "DeploymentRole": {"Type": "String", "AllowedValues": ["primary", "standby"], "Default": "primary"},
    "DomainName": {"Type": "String"}
  },
  "Resources": {
    "Standby": {
      "Type": "AWS::CloudFormation::StackSet",
      "Properties": {
        "PermissionModel": "SELF_MANAGED",
        "TemplateURL": "https://s3.amazonaws.com/bucket/app.json",
        "StackInstancesGroup": [{"DeploymentTargets": {"Accounts": [{"Ref": "AWS::AccountId"}]}, "Regions": ["us-west-2"]}],
        "Parameters": [
          {"ParameterKey": "DeploymentRole", "ParameterValue": "standby"}
        ]
      }
    }
  }
}
''',
            fixed='''\
{
  "Parameters": {
    "DeploymentRole": {"Type": "String", "AllowedValues": ["primary", "standby"], "Default": "primary"},
    "DomainName": {"Type": "String"}
  },
  "Resources": {
    "Standby": {
      "Type": "AWS::CloudFormation::StackSet",
      "Properties": {
        "PermissionModel": "SELF_MANAGED",
        "TemplateURL": "https://s3.amazonaws.com/bucket/app.json",
        "StackInstancesGroup": [{"DeploymentTargets": {"Accounts": [{"Ref": "AWS::AccountId"}]}, "Regions": ["us-west-2"]}],
        "Parameters": [
          {"ParameterKey": "DeploymentRole", "ParameterValue": "standby"},
          {
            "ParameterKey": "DomainName",
            "ParameterValue": {"Ref": "DomainName"}
          }
        ]
      }
    }
  }
}
''',
            pointers=('/Resources/Standby/Properties/Parameters',),
            format='json',
        ),
        Example(
            'json-named-role-collides-in-the-standby-region',
            text='''\
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {
    "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>", "Default": "subnet-1,subnet-2"},
    "AppName": {"Type": "String"}
  },
  "Resources": {
    "Alb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Subnets": {"Ref": "Subnets"}}},
    "AppRole": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "RoleName": {"Fn::Sub": "${AppName}-role"},
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
      }
    }
  }
}
''',
            fixed='''\
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {
    "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>", "Default": "subnet-1,subnet-2"},
    "AppName": {"Type": "String"},
    "DeploymentRole": {
      "Type": "String",
      "AllowedValues": ["primary", "standby"],
      "Default": "primary",
      "Description": "primary in the main region; standby in the region that takes over"
    },
    "StandbyRegion": {
      "Type": "String",
      "Default": "us-west-2",
      "Description": "Region of the standby stack"
    },
    "DrTemplateUrl": {
      "Type": "String",
      "Default": "https://s3.amazonaws.com/bucket/app.json",
      "Description": "S3 URL of this template for the standby stack; empty keeps it off"
    }
  },
  "Conditions": {
    "IsPrimary": {"Fn::Equals": [{"Ref": "DeploymentRole"}, "primary"]},
    "HasDrTemplateUrl": {"Fn::Not": [{"Fn::Equals": [{"Ref": "DrTemplateUrl"}, ""]}]},
    "NotInStandbyRegion": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "StandbyRegion"}]}]},
    "CreateDrStackSet": {
      "Fn::And": [
        {
          "Condition": "IsPrimary"
        },
        {
          "Condition": "HasDrTemplateUrl"
        },
        {
          "Condition": "NotInStandbyRegion"
        }
      ]
    }
  },
  "Resources": {
    "Alb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Subnets": {"Ref": "Subnets"}}},
    "AppRole": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "RoleName": {"Fn::Sub": "${AppName}-role"},
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
      }
    },
    "StandbyStackSet": {
      "Type": "AWS::CloudFormation::StackSet",
      "Condition": "CreateDrStackSet",
      "Properties": {
        "StackSetName": {"Fn::Sub": "${AWS::StackName}-standby"},
        "Description": "Standby copy of this stack in the standby region",
        "PermissionModel": "SELF_MANAGED",
        "TemplateURL": {"Ref": "DrTemplateUrl"},
        "Capabilities": ["CAPABILITY_NAMED_IAM"],
        "OperationPreferences": {
          "RegionConcurrencyType": "SEQUENTIAL",
          "MaxConcurrentCount": 1,
          "FailureToleranceCount": 0
        },
        "StackInstancesGroup": [
          {
            "DeploymentTargets": {
              "Accounts": [
                {"Ref": "AWS::AccountId"}
              ]
            },
            "Regions": [
              {"Ref": "StandbyRegion"}
            ]
          }
        ],
        "Parameters": [
          {
            "ParameterKey": "DeploymentRole",
            "ParameterValue": "standby"
          },
          {
            "ParameterKey": "AppName",
            "ParameterValue": {"Ref": "AppName"}
          }
        ]
      }
    }
  }
}
''',
            pointers=('/Resources/Alb',),
            format='json',
            options={'template-url': 'https://s3.amazonaws.com/bucket/app.json'},
        ),
        Example(
            'noecho-parameter-makes-it-display-only',
            text='''\
Parameters:
  PublicSubnets:
    Type: CommaDelimitedList
    Default: subnet-1,subnet-2
  ApiKey:
    Type: String
    NoEcho: true
Resources:
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: !Ref PublicSubnets
''',
            fixed='''\
Parameters:
  PublicSubnets:
    Type: CommaDelimitedList
    Default: subnet-1,subnet-2
  ApiKey:
    Type: String
    NoEcho: true
Resources:
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: !Ref PublicSubnets
''',
            pointers=('/Resources/LoadBalancer',),
        ),
        Example(
            'any-template-option',
            text='''\
Resources:
  Queue:
    Type: AWS::SQS::Queue
''',
            fixed='''\
Parameters:
  DeploymentRole:
    Type: String
    AllowedValues:
      - primary
      - standby
    Default: primary
    Description: primary in the main region; standby in the region that takes over
  StandbyRegion:
    Type: String
    Default: eu-west-1
    Description: Region of the standby stack
  DrTemplateUrl:
    Type: String
    Default: ''
    Description: S3 URL of this template for the standby stack; empty keeps it off
Conditions:
  IsPrimary: !Equals [!Ref DeploymentRole, primary]
  HasDrTemplateUrl: !Not [!Equals [!Ref DrTemplateUrl, '']]
  NotInStandbyRegion: !Not [!Equals [!Ref AWS::Region, !Ref StandbyRegion]]
  CreateDrStackSet: !And
    - Condition: IsPrimary
    - Condition: HasDrTemplateUrl
    - Condition: NotInStandbyRegion
Resources:
  Queue:
    Type: AWS::SQS::Queue
  StandbyStackSet:
    Type: AWS::CloudFormation::StackSet
    Condition: CreateDrStackSet
    Properties:
      StackSetName: !Sub ${AWS::StackName}-standby
      Description: Standby copy of this stack in the standby region
      PermissionModel: SELF_MANAGED
      TemplateURL: !Ref DrTemplateUrl
      OperationPreferences:
        RegionConcurrencyType: SEQUENTIAL
        MaxConcurrentCount: 1
        FailureToleranceCount: 0
      StackInstancesGroup:
        - DeploymentTargets:
            Accounts:
              - !Ref AWS::AccountId
          Regions:
            - !Ref StandbyRegion
      Parameters:
        - ParameterKey: DeploymentRole
          ParameterValue: standby
''',
            pointers=('',),
            options={'any-template': True, 'standby-region': 'eu-west-1'},
        ),
        Example(
            'stack-set-without-instances-is-reported-without-a-fix',
            text='''\
Resources:
  Standby:
    Type: AWS::CloudFormation::StackSet
    Properties:
      StackSetName: standby
      PermissionModel: SELF_MANAGED
      TemplateURL: https://s3.amazonaws.com/bucket/app.yaml
''',
            fixed='''\
Resources:
  Standby:
    Type: AWS::CloudFormation::StackSet
    Properties:
      StackSetName: standby
      PermissionModel: SELF_MANAGED
      TemplateURL: https://s3.amazonaws.com/bucket/app.yaml
''',
            pointers=('/Resources/Standby',),
        ),
        Example(
            'good-internal-alb',
            text='''\
Parameters:
  PrivateSubnets:
    Type: List<AWS::EC2::Subnet::Id>
Resources:
  InternalLoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Scheme: internal
      Subnets: !Ref PrivateSubnets
''',
        ),
        Example(
            'good-stack-set-in-place',
            text='''\
{
  "Parameters": {
    "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"},
    "Zone": {"Type": "AWS::Route53::HostedZone::Id"},
    "Role": {"Type": "String", "AllowedValues": ["primary", "standby"]}
  },
  "Conditions": {"Primary": {"Fn::Equals": [{"Ref": "Role"}, "primary"]}},
  "Resources": {
    "Alb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Subnets": {"Ref": "Subnets"}}},
    "Check": {"Type": "AWS::Route53::HealthCheck", "Properties": {"HealthCheckConfig": {"Type": "HTTP", "FullyQualifiedDomainName": {"Fn::GetAtt": ["Alb", "DNSName"]}}}},
    "Record": {
      "Type": "AWS::Route53::RecordSet",
      "Properties": {
        "HostedZoneId": {"Ref": "Zone"}, "Name": "api.example.com", "Type": "CNAME", "TTL": "30",
        "ResourceRecords": [{"Fn::GetAtt": ["Alb", "DNSName"]}],
        "Failover": {"Fn::If": ["Primary", "PRIMARY", "SECONDARY"]}, "SetIdentifier": {"Ref": "AWS::Region"},
        "HealthCheckId": {"Ref": "Check"}
      }
    },
    "StackSet": {
      "Type": "AWS::CloudFormation::StackSet",
      "Properties": {"StackSetName": "standby", "PermissionModel": "SELF_MANAGED", "TemplateURL": "https://example.com/t.json",
                     "StackInstancesGroup": [{"DeploymentTargets": {"Accounts": [{"Ref": "AWS::AccountId"}]}, "Regions": ["us-west-2"]}]}
    }
  }
}
''',
            format='json',
        ),
    )


def _deploys(groups: Any) -> bool:
    return isinstance(groups, list) and any(isinstance(g, dict) and g.get("Regions") for g in groups) \
        or isinstance(groups, dict)  # an intrinsic: out of reach, taken as given


def _capabilities(template: Template) -> list[str]:
    """What the standby stack must acknowledge. An unneeded capability is harmless, a missing one
    fails the deployment: SAM resources make roles of their own, and a nested stack's IAM resources
    cannot be seen from here, so both count as IAM (nested stacks as named IAM)."""
    capabilities = []
    iam = [r for r in template.resources.values() if r.type.startswith("AWS::IAM::")]
    nested = any(r.type == "AWS::CloudFormation::Stack" for r in template.resources.values())
    sam = any(r.type.startswith("AWS::Serverless::") for r in template.resources.values())
    if iam or nested or sam:
        named = nested or any(name in r.properties for r in iam for name in (
            "RoleName", "ManagedPolicyName", "UserName", "GroupName", "InstanceProfileName"))
        capabilities.append("CAPABILITY_NAMED_IAM" if named else "CAPABILITY_IAM")
    if template.transform:
        capabilities.append("CAPABILITY_AUTO_EXPAND")
    return capabilities


def _global_names(template: Template) -> list[str]:
    """Resources with an account-wide fixed name that does not vary by region."""
    properties = aws_data("global_names.json")["properties"]
    found = []
    for resource in template.resources.values():
        key = properties.get(resource.type)
        if key is None or key not in resource.properties:
            continue
        text = flatten(resource.properties[key])
        if text is not None and "${AWS::Region}" not in text:
            found.append(f"{resource.name}.{key}")
    return found


def _is_standby(stack_set: Resource) -> bool:
    """Whether a StackSet deploys this same template as a standby: cfnfix's own (its TemplateURL
    is DrTemplateUrl) or one that passes DeploymentRole."""
    if stack_set.properties.get("TemplateURL") == {"Ref": "DrTemplateUrl"}:
        return True
    entries = stack_set.properties.get("Parameters")
    return isinstance(entries, list) and any(isinstance(e, dict) and e.get("ParameterKey") == "DeploymentRole"
                                             for e in entries)


def _planned(template: Template, wanted: dict[str, dict[str, Any]]) -> list[Parameter]:
    """The template's parameters once the fix has added ``wanted`` (those missing) and a
    `Standby<Name>` twin for each region-bound parameter without a default, in the order the
    text will have them: new ones right after the nearest earlier one of the block
    (DeploymentRole, StandbyRegion, DrTemplateUrl, twins), so that the order does not depend on
    whether another rule's parameters were added first."""
    region_bound = set(aws_data("global_names.json")["region_bound_parameter_types"])
    block = [Parameter(name, body.get("Type", "String"), body.get("Default"), "Default" in body, raw=body)
             for name, body in wanted.items()]
    for parameter in template.parameters.values():
        if parameter.type in region_bound and not parameter.has_default and not parameter.no_echo \
                and not _is_twin(template, parameter.name):
            body = {"Type": parameter.type, "Description": f"{parameter.name} in the standby region"}
            block.append(Parameter(f"Standby{parameter.name}", parameter.type, raw=body))
    order = list(template.parameters.values())
    anchor: int | None = None
    for parameter in block:
        names = [p.name for p in order]
        if parameter.name in names:
            anchor = names.index(parameter.name)
            continue
        anchor = len(order) if anchor is None else anchor + 1
        order.insert(anchor, parameter)
    return order


def _existing_block(template: Template) -> dict[str, dict[str, Any]]:
    """The DR parameters the template already has: where twins added later go after."""
    return {name: template.parameters[name].raw for name in ("DeploymentRole", "StandbyRegion", "DrTemplateUrl")
            if name in template.parameters}


def _is_twin(template: Template, name: str) -> bool:
    return name.startswith("Standby") and name[len("Standby"):] in template.parameters


def _parameter_ops(template: Template, planned: list[Parameter]) -> list[dict[str, Any]]:
    """Adds for the planned parameters the template lacks, each after its planned predecessor."""
    if not isinstance(template.data.get("Parameters"), dict):
        missing = {p.name: p.raw for p in planned if p.name not in template.parameters}
        return [add_op(("Parameters",), missing)] if missing else []
    ops = []
    anchor: str | None = None
    for parameter in planned:
        if parameter.name in template.parameters:
            anchor = parameter.name
            continue
        ops.append(add_op(("Parameters", parameter.name), parameter.raw,
                          after=jp.join(("Parameters", anchor)) if anchor else None))
    return ops


def _passed(parameters: list[Parameter]) -> list[tuple[str, Any]]:
    """(key, value) the standby StackSet passes: DeploymentRole=standby, then each parameter
    without a default in template order; a region-bound one takes its `Standby<Name>` twin, and a
    twin passes itself (the standby stack declares it too). NoEcho secrets are never copied."""
    names = {p.name for p in parameters}
    region_bound = set(aws_data("global_names.json")["region_bound_parameter_types"])
    passed: list[tuple[str, Any]] = [("DeploymentRole", "standby")]
    for parameter in parameters:
        if parameter.has_default or parameter.no_echo or parameter.name == "DeploymentRole":
            continue
        source = parameter.name
        twin = f"Standby{parameter.name}"
        if parameter.type in region_bound and twin in names:
            source = twin
        value: Any = {"Ref": source}
        if parameter.type.startswith("List<") or parameter.type == "CommaDelimitedList":
            value = {"Fn::Join": [",", {"Ref": source}]}
        passed.append((parameter.name, value))
    return passed
