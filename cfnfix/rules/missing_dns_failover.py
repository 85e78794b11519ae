"""CFX201 missing-dns-failover: an internet-facing ALB without Route 53 failover routing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from .. import pointer as jp
from ..disaster_recovery import (IS_PRIMARY, condition_ops, deployment_role_parameter, health_check_path,
                                 parameter_ops, public_albs, serves_https)
from ..kit import Plan
from ..rule import Example, Finding, Fix, NoOptions, Rule, add_op, test_op
from ..template import Resource, Template, references


class Options(NoOptions):
    hosted_zone_id: str | None = None
    domain_name: str | None = None
    record_type: Literal["cname", "alias"] = "cname"
    health_check_path: str = Field("/", pattern=r"^/")


class MissingDnsFailover(Rule):
    """## What it does
    Finds an internet-facing application load balancer that no Route 53 failover routing protects:
    no health check on it, or no failover record that points at it.

    ## Why does this fail?
    The load balancer is the stack's regional entry point. Without a health check and PRIMARY and
    SECONDARY failover records, a regional outage needs a person to change DNS by hand, and the
    recovery time is as long as that takes. Internal load balancers are not reported: Route 53
    health checkers run on the internet and cannot reach them.

    ## Fix
    Adds, right after the load balancer, an `AWS::Route53::HealthCheck` on its DNS name (HTTPS on
    443 when it has an HTTPS listener, else HTTP on 80; the path of its target group's
    `HealthCheckPath`, else the `health-check-path` option; every 30 s, 3 failures) and an
    `AWS::Route53::RecordSet` that each region's stack writes for itself: `Failover` is
    `!If [IsPrimary, PRIMARY, SECONDARY]`, `SetIdentifier` carries `${AWS::Region}`, and
    `HealthCheckId` is the new health check. Records are CNAME with `TTL: "30"` by default. With
    `record-type = "alias"` they are A alias records with `EvaluateTargetHealth: true` and no TTL:
    AWS fixes the TTL of an alias to a load balancer at 60 s. A CNAME cannot sit at the zone apex,
    so a domain that is the apex needs the alias option. The parameters `DeploymentRole`,
    `HostedZoneId` and `DomainName` and the condition `IsPrimary` are added where missing; an
    existing health check or failover record (an `AWS::Route53::RecordSet`, or an entry of an
    `AWS::Route53::RecordSetGroup`) is reused and only what it lacks is added. A plain record that
    already points at the load balancer becomes the failover record: it gains `Failover`,
    `SetIdentifier` and `HealthCheckId` and keeps its zone and name, so no new parameters are
    needed for them.

    ## Fix safety
    Unsafe unless `hosted-zone-id` and `domain-name` are configured: without them the new
    parameters have no defaults and every deployment must supply them. With them the parameters
    get those defaults and the fix is safe. Turning an existing plain record into a failover
    record is always unsafe: on a deployed stack Route 53 must replace the record, and the name
    does not resolve in between.

    ## Options
    `hosted-zone-id`, `domain-name`: defaults for the new parameters.
    `record-type`: `cname` (default) or `alias`.
    `health-check-path`: the path when no target group names one (default `/`).
    """

    code = "CFX201"
    name = "missing-dns-failover"
    severity = "high"
    summary = "An internet-facing load balancer has no Route 53 failover routing"
    fix_title = "Add a health check and PRIMARY/SECONDARY failover records"
    Options = Options

    def detect(self, template: Template):
        for alb in public_albs(template):
            check = _health_check(template, alb.name)
            records = _records(template, alb.name)
            failover = [r for r in records if "Failover" in r.properties]
            plain = [r for r in records if "Failover" not in r.properties]
            unchecked = [r for r in failover if "HealthCheckId" not in r.properties]
            if check and failover and not unchecked:
                continue
            lacks = []
            if not check:
                lacks.append("a health check")
            if failover:
                if check and unchecked:
                    lacks.append("a health check on its record")
            elif plain:
                lacks.append("failover routing on its record " + ", ".join(sorted({r.resource for r in plain})))
            else:
                lacks.append("failover records")
            yield self.finding(f"Load balancer {alb.name} serves the stack but has no Route 53 failover: "
                               f"it lacks {' and '.join(lacks)}", ("Resources", alb.name), alb.name,
                               check=check, failover=failover, plain=plain)

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        alb = template.resources[finding.resource or ""]
        ops: list[dict[str, Any]] = [test_op(("Resources", alb.name, "Type"), alb.type)]
        failover: list[_Record] = finding.context["failover"]
        plain: list[_Record] = finding.context["plain"]
        # a record of the template names the zone and the domain: no new parameters for them
        new_record = not failover and not plain
        options = self.options
        configured = bool(options.hosted_zone_id and options.domain_name)
        if not failover:  # existing failover records already say which region is which
            parameters = {"DeploymentRole": deployment_role_parameter()}
            if new_record:
                parameters.update(self._zone_and_domain())
            ops += parameter_ops(template, parameters)
            ops += condition_ops(template, {"IsPrimary": IS_PRIMARY})
        check = finding.context["check"]
        after = jp.join(("Resources", alb.name))
        if check is None:
            check = template.unused_name(f"{alb.name}HealthCheck")
            # both go right after the load balancer, in this order
            ops.append(add_op(("Resources", check), self._health_check(template, alb), after=after))
        if new_record:
            name = template.unused_name(f"{alb.name}FailoverRecord")
            ops.append(add_op(("Resources", name), self._record(alb, check), after=after))
        for record in failover:
            if "HealthCheckId" not in record.properties:
                ops.append(add_op(record.path + ("HealthCheckId",), {"Ref": check}))
        for record in plain:
            ops.append(test_op(record.path + ("Name",), record.properties.get("Name")))
            for key, value in (("Failover", {"Fn::If": ["IsPrimary", "PRIMARY", "SECONDARY"]}),
                               ("SetIdentifier", {"Fn::Sub": f"{alb.name}-${{AWS::Region}}"}),
                               ("HealthCheckId", {"Ref": check})):
                ops.append(add_op(record.path + (key,), value))
        if plain:
            names = ", ".join(sorted({r.resource for r in plain}))
            return Fix(f"Make {names} a failover record of {alb.name}", "unsafe",
                       "On a deployed stack Route 53 replaces the record, and the name briefly does not resolve.",
                       tuple(ops))
        if new_record and not configured:
            return Fix(f"Add Route 53 failover for {alb.name}", "unsafe",
                       "The new HostedZoneId and DomainName parameters have no defaults until hosted-zone-id "
                       "and domain-name are configured, so every deployment must pass them.", tuple(ops))
        return Fix(f"Add Route 53 failover for {alb.name}", "safe",
                   "Only new resources, and parameters with defaults, are added: the deployed ones stay as they are.",
                   tuple(ops))

    def _zone_and_domain(self) -> dict[str, dict[str, Any]]:
        zone: dict[str, Any] = {"Type": "AWS::Route53::HostedZone::Id",
                                "Description": "Hosted zone of the failover records"}
        domain: dict[str, Any] = {"Type": "String", "Description": "Name that fails over between the regions"}
        if self.options.hosted_zone_id:
            zone["Default"] = self.options.hosted_zone_id
        if self.options.domain_name:
            domain["Default"] = self.options.domain_name
        return {"HostedZoneId": zone, "DomainName": domain}

    def _health_check(self, template: Template, alb: Resource) -> dict[str, Any]:
        https = serves_https(template, alb.name)
        config = {
            "Type": "HTTPS" if https else "HTTP",
            "FullyQualifiedDomainName": {"Fn::GetAtt": [alb.name, "DNSName"]},
            "Port": 443 if https else 80,
            "ResourcePath": health_check_path(template, alb.name) or self.options.health_check_path,
            "RequestInterval": 30,
            "FailureThreshold": 3,
        }
        return _conditional(alb, {"Type": "AWS::Route53::HealthCheck", "Properties": {"HealthCheckConfig": config}})

    def _record(self, alb: Resource, check: str) -> dict[str, Any]:
        properties: dict[str, Any] = {
            "HostedZoneId": {"Ref": "HostedZoneId"},
            "Name": {"Ref": "DomainName"},
            "Failover": {"Fn::If": ["IsPrimary", "PRIMARY", "SECONDARY"]},
            "SetIdentifier": {"Fn::Sub": f"{alb.name}-${{AWS::Region}}"},
            "HealthCheckId": {"Ref": check},
        }
        if self.options.record_type == "alias":
            properties["Type"] = "A"
            properties["AliasTarget"] = {"DNSName": {"Fn::GetAtt": [alb.name, "DNSName"]},
                                         "HostedZoneId": {"Fn::GetAtt": [alb.name, "CanonicalHostedZoneID"]},
                                         "EvaluateTargetHealth": True}
        else:
            properties["Type"] = "CNAME"
            properties["TTL"] = "30"
            properties["ResourceRecords"] = [{"Fn::GetAtt": [alb.name, "DNSName"]}]
        return _conditional(alb, {"Type": "AWS::Route53::RecordSet", "Properties": properties})

    examples = (
        Example(
            'http-only-alb-with-zone-and-domain-configured',
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
  HostedZoneId:
    Type: AWS::Route53::HostedZone::Id
    Description: Hosted zone of the failover records
    Default: Z0123456789ABCDEFGHIJ
  DomainName:
    Type: String
    Description: Name that fails over between the regions
    Default: api.example.com
Conditions:
  IsPrimary: !Equals [!Ref DeploymentRole, primary]
Resources:
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: !Ref PublicSubnets
  LoadBalancerHealthCheck:
    Type: AWS::Route53::HealthCheck
    Properties:
      HealthCheckConfig:
        Type: HTTP
        FullyQualifiedDomainName: !GetAtt LoadBalancer.DNSName
        Port: 80
        ResourcePath: /healthz
        RequestInterval: 30
        FailureThreshold: 3
  LoadBalancerFailoverRecord:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneId: !Ref HostedZoneId
      Name: !Ref DomainName
      Failover: !If [IsPrimary, PRIMARY, SECONDARY]
      SetIdentifier: !Sub LoadBalancer-${AWS::Region}
      HealthCheckId: !Ref LoadBalancerHealthCheck
      Type: CNAME
      TTL: '30'
      ResourceRecords:
        - !GetAtt LoadBalancer.DNSName
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
            pointers=('/Resources/LoadBalancer',),
            options={'hosted-zone-id': 'Z0123456789ABCDEFGHIJ', 'domain-name': 'api.example.com'},
        ),
        Example(
            'https-alb-json-unconfigured-is-unsafe',
            text='''\
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {
    "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"},
    "CertificateArn": {"Type": "String"}
  },
  "Resources": {
    "PublicAlb": {
      "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
      "Properties": {
        "Scheme": "internet-facing",
        "Subnets": {"Ref": "Subnets"}
      }
    },
    "HttpsListener": {
      "Type": "AWS::ElasticLoadBalancingV2::Listener",
      "Properties": {
        "LoadBalancerArn": {"Ref": "PublicAlb"},
        "Port": 443,
        "Protocol": "HTTPS",
        "Certificates": [{"CertificateArn": {"Ref": "CertificateArn"}}],
        "DefaultActions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200"}}]
      }
    }
  }
}
''',
            fixed='''\
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {
    "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"},
    "CertificateArn": {"Type": "String"},
    "DeploymentRole": {
      "Type": "String",
      "AllowedValues": ["primary", "standby"],
      "Default": "primary",
      "Description": "primary in the main region; standby in the region that takes over"
    },
    "HostedZoneId": {
      "Type": "AWS::Route53::HostedZone::Id",
      "Description": "Hosted zone of the failover records"
    },
    "DomainName": {
      "Type": "String",
      "Description": "Name that fails over between the regions"
    }
  },
  "Conditions": {
    "IsPrimary": {"Fn::Equals": [{"Ref": "DeploymentRole"}, "primary"]}
  },
  "Resources": {
    "PublicAlb": {
      "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
      "Properties": {
        "Scheme": "internet-facing",
        "Subnets": {"Ref": "Subnets"}
      }
    },
    "PublicAlbHealthCheck": {
      "Type": "AWS::Route53::HealthCheck",
      "Properties": {
        "HealthCheckConfig": {
          "Type": "HTTPS",
          "FullyQualifiedDomainName": {"Fn::GetAtt": ["PublicAlb", "DNSName"]},
          "Port": 443,
          "ResourcePath": "/",
          "RequestInterval": 30,
          "FailureThreshold": 3
        }
      }
    },
    "PublicAlbFailoverRecord": {
      "Type": "AWS::Route53::RecordSet",
      "Properties": {
        "HostedZoneId": {"Ref": "HostedZoneId"},
        "Name": {"Ref": "DomainName"},
        "Failover": {"Fn::If": ["IsPrimary", "PRIMARY", "SECONDARY"]},
        "SetIdentifier": {"Fn::Sub": "PublicAlb-${AWS::Region}"},
        "HealthCheckId": {"Ref": "PublicAlbHealthCheck"},
        "Type": "CNAME",
        "TTL": "30",
        "ResourceRecords": [
          {"Fn::GetAtt": ["PublicAlb", "DNSName"]}
        ]
      }
    },
    "HttpsListener": {
      "Type": "AWS::ElasticLoadBalancingV2::Listener",
      "Properties": {
        "LoadBalancerArn": {"Ref": "PublicAlb"},
        "Port": 443,
        "Protocol": "HTTPS",
        "Certificates": [{"CertificateArn": {"Ref": "CertificateArn"}}],
        "DefaultActions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200"}}]
      }
    }
  }
}
''',
            pointers=('/Resources/PublicAlb',),
            format='json',
            unsafe_fixes=True,
        ),
        Example(
            'alias-records',
            text='''\
Parameters:
  PublicSubnets:
    Type: List<AWS::EC2::Subnet::Id>
Resources:
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Scheme: internet-facing
      Subnets: !Ref PublicSubnets
''',
            fixed='''\
Parameters:
  PublicSubnets:
    Type: List<AWS::EC2::Subnet::Id>
  DeploymentRole:
    Type: String
    AllowedValues:
      - primary
      - standby
    Default: primary
    Description: primary in the main region; standby in the region that takes over
  HostedZoneId:
    Type: AWS::Route53::HostedZone::Id
    Description: Hosted zone of the failover records
    Default: Z0123456789ABCDEFGHIJ
  DomainName:
    Type: String
    Description: Name that fails over between the regions
    Default: api.example.com
Conditions:
  IsPrimary: !Equals [!Ref DeploymentRole, primary]
Resources:
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Scheme: internet-facing
      Subnets: !Ref PublicSubnets
  LoadBalancerHealthCheck:
    Type: AWS::Route53::HealthCheck
    Properties:
      HealthCheckConfig:
        Type: HTTP
        FullyQualifiedDomainName: !GetAtt LoadBalancer.DNSName
        Port: 80
        ResourcePath: /
        RequestInterval: 30
        FailureThreshold: 3
  LoadBalancerFailoverRecord:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneId: !Ref HostedZoneId
      Name: !Ref DomainName
      Failover: !If [IsPrimary, PRIMARY, SECONDARY]
      SetIdentifier: !Sub LoadBalancer-${AWS::Region}
      HealthCheckId: !Ref LoadBalancerHealthCheck
      Type: A
      AliasTarget:
        DNSName: !GetAtt LoadBalancer.DNSName
        HostedZoneId: !GetAtt LoadBalancer.CanonicalHostedZoneID
        EvaluateTargetHealth: true
''',
            pointers=('/Resources/LoadBalancer',),
            options={'hosted-zone-id': 'Z0123456789ABCDEFGHIJ', 'domain-name': 'api.example.com', 'record-type': 'alias'},
        ),
        Example(
            'existing-health-check-is-reused',
            text='''\
Parameters:
  PublicSubnets:
    Type: List<AWS::EC2::Subnet::Id>
  HostedZoneId:
    Type: AWS::Route53::HostedZone::Id
Resources:
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: !Ref PublicSubnets
  ApiHealthCheck:
    Type: AWS::Route53::HealthCheck
    Properties:
      HealthCheckConfig:
        Type: HTTP
        FullyQualifiedDomainName: !GetAtt LoadBalancer.DNSName
        Port: 80
        ResourcePath: /
''',
            fixed='''\
Parameters:
  PublicSubnets:
    Type: List<AWS::EC2::Subnet::Id>
  HostedZoneId:
    Type: AWS::Route53::HostedZone::Id
  DeploymentRole:
    Type: String
    AllowedValues:
      - primary
      - standby
    Default: primary
    Description: primary in the main region; standby in the region that takes over
  DomainName:
    Type: String
    Description: Name that fails over between the regions
    Default: api.example.com
Conditions:
  IsPrimary: !Equals [!Ref DeploymentRole, primary]
Resources:
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: !Ref PublicSubnets
  LoadBalancerFailoverRecord:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneId: !Ref HostedZoneId
      Name: !Ref DomainName
      Failover: !If [IsPrimary, PRIMARY, SECONDARY]
      SetIdentifier: !Sub LoadBalancer-${AWS::Region}
      HealthCheckId: !Ref ApiHealthCheck
      Type: CNAME
      TTL: '30'
      ResourceRecords:
        - !GetAtt LoadBalancer.DNSName
  ApiHealthCheck:
    Type: AWS::Route53::HealthCheck
    Properties:
      HealthCheckConfig:
        Type: HTTP
        FullyQualifiedDomainName: !GetAtt LoadBalancer.DNSName
        Port: 80
        ResourcePath: /
''',
            pointers=('/Resources/LoadBalancer',),
            options={'domain-name': 'api.example.com'},
            unsafe_fixes=True,
        ),
        Example(
            'existing-plain-record-becomes-a-failover-record',
            text='''\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ZoneId:
    Type: AWS::Route53::HostedZone::Id
  AppDomain:
    Type: String
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
Resources:
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: !Ref Subnets
  AppRecord:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneId: !Ref ZoneId
      Name: !Ref AppDomain
      Type: A
      AliasTarget:
        DNSName: !GetAtt LoadBalancer.DNSName
        HostedZoneId: !GetAtt LoadBalancer.CanonicalHostedZoneID
''',
            fixed='''\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ZoneId:
    Type: AWS::Route53::HostedZone::Id
  AppDomain:
    Type: String
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
  DeploymentRole:
    Type: String
    AllowedValues:
      - primary
      - standby
    Default: primary
    Description: primary in the main region; standby in the region that takes over
Conditions:
  IsPrimary: !Equals [!Ref DeploymentRole, primary]
Resources:
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: !Ref Subnets
  LoadBalancerHealthCheck:
    Type: AWS::Route53::HealthCheck
    Properties:
      HealthCheckConfig:
        Type: HTTP
        FullyQualifiedDomainName: !GetAtt LoadBalancer.DNSName
        Port: 80
        ResourcePath: /
        RequestInterval: 30
        FailureThreshold: 3
  AppRecord:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneId: !Ref ZoneId
      Name: !Ref AppDomain
      Type: A
      AliasTarget:
        DNSName: !GetAtt LoadBalancer.DNSName
        HostedZoneId: !GetAtt LoadBalancer.CanonicalHostedZoneID
      Failover: !If [IsPrimary, PRIMARY, SECONDARY]
      SetIdentifier: !Sub LoadBalancer-${AWS::Region}
      HealthCheckId: !Ref LoadBalancerHealthCheck
''',
            pointers=('/Resources/LoadBalancer',),
            unsafe_fixes=True,
        ),
        Example(
            'record-set-group-failover-gets-a-health-check',
            text='''\
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {
    "ZoneId": {"Type": "AWS::Route53::HostedZone::Id"},
    "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"}
  },
  "Conditions": {
    "Primary": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}
  },
  "Resources": {
    "LoadBalancer": {
      "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
      "Properties": {"Subnets": {"Ref": "Subnets"}}
    },
    "Records": {
      "Type": "AWS::Route53::RecordSetGroup",
      "Properties": {
        "HostedZoneId": {"Ref": "ZoneId"},
        "RecordSets": [
          {
            "Name": "app.example.com",
            "Type": "A",
            "Failover": {"Fn::If": ["Primary", "PRIMARY", "SECONDARY"]},
            "SetIdentifier": {"Ref": "AWS::Region"},
            "AliasTarget": {
              "DNSName": {"Fn::GetAtt": ["LoadBalancer", "DNSName"]},
              "HostedZoneId": {"Fn::GetAtt": ["LoadBalancer", "CanonicalHostedZoneID"]},
              "EvaluateTargetHealth": true
            }
          }
        ]
      }
    }
  }
}
''',
            fixed='''\
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {
    "ZoneId": {"Type": "AWS::Route53::HostedZone::Id"},
    "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"}
  },
  "Conditions": {
    "Primary": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}
  },
  "Resources": {
    "LoadBalancer": {
      "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
      "Properties": {"Subnets": {"Ref": "Subnets"}}
    },
    "LoadBalancerHealthCheck": {
      "Type": "AWS::Route53::HealthCheck",
      "Properties": {
        "HealthCheckConfig": {
          "Type": "HTTP",
          "FullyQualifiedDomainName": {"Fn::GetAtt": ["LoadBalancer", "DNSName"]},
          "Port": 80,
          "ResourcePath": "/",
          "RequestInterval": 30,
          "FailureThreshold": 3
        }
      }
    },
    "Records": {
      "Type": "AWS::Route53::RecordSetGroup",
      "Properties": {
        "HostedZoneId": {"Ref": "ZoneId"},
        "RecordSets": [
          {
            "Name": "app.example.com",
            "Type": "A",
            "Failover": {"Fn::If": ["Primary", "PRIMARY", "SECONDARY"]},
            "SetIdentifier": {"Ref": "AWS::Region"},
            "AliasTarget": {
              "DNSName": {"Fn::GetAtt": ["LoadBalancer", "DNSName"]},
              "HostedZoneId": {"Fn::GetAtt": ["LoadBalancer", "CanonicalHostedZoneID"]},
              "EvaluateTargetHealth": true
            },
            "HealthCheckId": {"Ref": "LoadBalancerHealthCheck"}
          }
        ]
      }
    }
  }
}
''',
            pointers=('/Resources/LoadBalancer',),
            format='json',
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
            'good-failover-in-place',
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
      "Properties": {"StackSetName": "standby", "PermissionModel": "SELF_MANAGED", "TemplateURL": "https://example.com/t.json"}
    }
  }
}
''',
            format='json',
        ),
    )


def _conditional(alb: Resource, resource: dict[str, Any]) -> dict[str, Any]:
    """What refers to a conditional load balancer carries its Condition."""
    if alb.condition:
        return {"Type": resource["Type"], "Condition": alb.condition, "Properties": resource["Properties"]}
    return resource


def _points_at(value: Any, alb: str) -> bool:
    return any(target == alb for target, _, _ in references(value))


def _health_check(template: Template, alb: str) -> str | None:
    for check in template.of_type("AWS::Route53::HealthCheck"):
        if _points_at(check.properties.get("HealthCheckConfig"), alb):
            return check.name
    return None


@dataclass(frozen=True)
class _Record:
    """A record set that points at the load balancer: a RecordSet, or one entry of a RecordSetGroup."""

    resource: str
    path: tuple[str, ...]  # of the record's own properties
    properties: dict[str, Any]


def _records(template: Template, alb: str) -> list[_Record]:
    found: list[_Record] = []
    for record in template.of_type("AWS::Route53::RecordSet"):
        if _targets(record.properties, alb):
            found.append(_Record(record.name, ("Resources", record.name, "Properties"), record.properties))
    for group in template.of_type("AWS::Route53::RecordSetGroup"):
        entries = group.properties.get("RecordSets")
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict) and _targets(entry, alb):
                found.append(_Record(group.name, ("Resources", group.name, "Properties", "RecordSets", str(index)),
                                     entry))
    return found


def _targets(properties: dict[str, Any], alb: str) -> bool:
    return _points_at(properties.get("ResourceRecords"), alb) or _points_at(properties.get("AliasTarget"), alb)
