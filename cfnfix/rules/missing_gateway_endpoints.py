"""CFX301 missing-gateway-endpoints: private route tables egress through NAT with no S3/DynamoDB endpoint."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field

from .. import pointer as jp
from ..kit import Plan
from ..rule import Example, Finding, Fix, NoOptions, Rule, add_op, test_op
from ..template import Resource, Template, value_targets
from ..values import flatten

SERVICE_IDS = {"s3": "S3", "dynamodb": "DynamoDB"}


class Options(NoOptions):
    services: list[Literal["s3", "dynamodb"]] = Field(default_factory=lambda: ["s3", "dynamodb"])


class MissingGatewayEndpoints(Rule):
    """## What it does
    Finds a VPC whose private route tables send `0.0.0.0/0` to a NAT gateway while the VPC has no
    gateway endpoint for S3 or DynamoDB on those route tables. Routes are followed through the
    reference graph (`Ref`, `Fn::GetAtt`, `Fn::If` branches). VPCs and route tables that come from
    parameters or imports are out of reach and not reported.

    ## Why does this fail?
    Without a gateway endpoint every S3 and DynamoDB request from the private subnets goes through
    the NAT gateway, which charges for each gigabyte it processes, and leaves the direct AWS
    network path. Gateway endpoints cost nothing. An interface endpoint does not take over these
    routes; it is mentioned in the message when there is one.

    ## Fix
    Adds `S3GatewayEndpoint` / `DynamoDBGatewayEndpoint` (`VpcEndpointType: Gateway`, the VPC,
    `com.amazonaws.${AWS::Region}.<service>`, and every NAT route table of the VPC in template
    order) after the last route table or route of that VPC, with a `Name` tag built like the VPC's
    own when it has one. No `PolicyDocument`: the default allows full access, and a narrow policy
    breaks image pulls from ECR, which stores layers in S3. An existing gateway endpoint that
    lacks some route tables is extended instead: AWS rejects a second endpoint for one service on
    one route table. Route tables under a `Condition` are listed through `Fn::If` with
    `AWS::NoValue`, or the endpoint carries the condition when all of them share it.

    ## Fix safety
    Safe, except for S3 where a bucket policy in the template conditions access on
    `aws:SourceIp`: requests through the endpoint no longer carry a public source address, so such
    a policy starts to deny them. The fix is then unsafe and the message says why.

    ## Options
    `services`: the services to check, `["s3", "dynamodb"]` by default.
    """

    code = "CFX301"
    name = "missing-gateway-endpoints"
    severity = "medium"
    summary = "Private subnets reach S3 or DynamoDB through a NAT gateway instead of a free gateway endpoint"
    fix_title = "Add a gateway endpoint on the NAT route tables, or extend the existing one"
    Options = Options

    def detect(self, template: Template):
        for vpc, tables in _nat_route_tables(template).items():
            for service in self.options.services:
                gateway, interface = _endpoints(template, vpc, service)
                label = SERVICE_IDS[service]
                names = ", ".join(tables)
                note = f" (the interface endpoint {interface} does not serve route tables)" if interface else ""
                if gateway is None:
                    yield self.finding(
                        f"VPC {vpc} sends {label} traffic of {names} through a NAT gateway: "
                        f"no {label} gateway endpoint{note}",
                        ("Resources", vpc), vpc, service=service, tables=tables, endpoint=None, missing=tables)
                    continue
                listed = gateway.properties.get("RouteTableIds")
                if not isinstance(listed, list):
                    continue  # route tables given by a parameter: out of reach
                covered = {t for item in listed for t in value_targets(item)}
                missing = [t for t in tables if t not in covered]
                if missing:
                    yield self.finding(
                        f"VPC {vpc}: the {label} gateway endpoint {gateway.name} is not on "
                        f"{', '.join(missing)}, which reach {label} through a NAT gateway",
                        ("Resources", vpc), vpc, service=service, tables=tables, endpoint=gateway.name,
                        missing=missing)

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        ctx = finding.context
        vpc, service = finding.resource, ctx["service"]
        assert vpc is not None
        label = SERVICE_IDS[service]
        unsafe = service == "s3" and _source_ip_bucket_policy(template)
        safety = "unsafe" if unsafe else "safe"
        reason = ("A bucket policy here conditions on aws:SourceIp, which requests through the endpoint do not carry."
                  if unsafe else "A gateway endpoint only adds routes to S3 or DynamoDB, and costs nothing.")
        conditions = {t: template.resources[t].condition for t in ctx["missing"]}
        if ctx["endpoint"]:
            path = ("Resources", ctx["endpoint"], "Properties", "RouteTableIds")
            ops = [test_op(path, template.resources[ctx["endpoint"]].properties["RouteTableIds"])]
            ops += [add_op(path + ("-",), _table_ref(t, conditions[t], shared=None)) for t in ctx["missing"]]
            return Fix(f"Add {', '.join(ctx['missing'])} to the {label} gateway endpoint {ctx['endpoint']}",
                       safety, reason, tuple(ops))
        tables = ctx["tables"]
        shared = _shared_condition(template, tables)
        properties: dict[str, Any] = {
            "VpcEndpointType": "Gateway",
            "VpcId": {"Ref": vpc},
            "ServiceName": {"Fn::Sub": f"com.amazonaws.${{AWS::Region}}.{service}"},
            "RouteTableIds": [_table_ref(t, template.resources[t].condition, shared) for t in tables],
        }
        tag = _name_tag(template.resources[vpc], f"{service}-endpoint")
        if tag is not None:
            properties["Tags"] = [{"Key": "Name", "Value": tag}]
        endpoint: dict[str, Any] = {"Type": "AWS::EC2::VPCEndpoint"}
        if shared:
            endpoint["Condition"] = shared
        endpoint["Properties"] = properties
        name = template.unused_name(f"{label}GatewayEndpoint")
        after = _last_network_resource(template, vpc, tables)
        return Fix(f"Add the {label} gateway endpoint {name} on {', '.join(tables)}", safety, reason, (
            test_op(("Resources", vpc, "Type"), "AWS::EC2::VPC"),
            add_op(("Resources", name), endpoint, after=jp.join(("Resources", after))),
        ))

    examples = (
        Example(
            'one-nat-route-table',
            text='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VPC
      CidrBlock: 10.0.0.0/24
  NatEIP:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  NatGateway:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt NatEIP.AllocationId
      SubnetId: !Ref PublicSubnet
  PrivateRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VPC
  PrivateRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway
''',
            fixed='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VPC
      CidrBlock: 10.0.0.0/24
  NatEIP:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  NatGateway:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt NatEIP.AllocationId
      SubnetId: !Ref PublicSubnet
  PrivateRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VPC
  PrivateRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway
  S3GatewayEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcEndpointType: Gateway
      VpcId: !Ref VPC
      ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
      RouteTableIds:
        - !Ref PrivateRouteTable
  DynamoDBGatewayEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcEndpointType: Gateway
      VpcId: !Ref VPC
      ServiceName: !Sub com.amazonaws.${AWS::Region}.dynamodb
      RouteTableIds:
        - !Ref PrivateRouteTable
''',
            pointers=('/Resources/VPC', '/Resources/VPC'),
        ),
        Example(
            'three-private-route-tables-with-name-tags',
            text='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      Tags:
        - Key: Name
          Value: !Sub ${AWS::StackName}-vpc
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VPC
      CidrBlock: 10.0.0.0/24
  NatEIP:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  NatGateway:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt NatEIP.AllocationId
      SubnetId: !Ref PublicSubnet

  # private subnet A
  PrivateRouteTableA:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VPC
      Tags:
        - Key: Name
          Value: !Sub ${AWS::StackName}-private-A
  PrivateRouteA:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTableA
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway

  # private subnet B
  PrivateRouteTableB:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VPC
      Tags:
        - Key: Name
          Value: !Sub ${AWS::StackName}-private-B
  PrivateRouteB:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTableB
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway

  # private subnet C
  PrivateRouteTableC:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VPC
      Tags:
        - Key: Name
          Value: !Sub ${AWS::StackName}-private-C
  PrivateRouteC:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTableC
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway
''',
            fixed='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      Tags:
        - Key: Name
          Value: !Sub ${AWS::StackName}-vpc
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VPC
      CidrBlock: 10.0.0.0/24
  NatEIP:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  NatGateway:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt NatEIP.AllocationId
      SubnetId: !Ref PublicSubnet

  # private subnet A
  PrivateRouteTableA:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VPC
      Tags:
        - Key: Name
          Value: !Sub ${AWS::StackName}-private-A
  PrivateRouteA:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTableA
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway

  # private subnet B
  PrivateRouteTableB:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VPC
      Tags:
        - Key: Name
          Value: !Sub ${AWS::StackName}-private-B
  PrivateRouteB:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTableB
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway

  # private subnet C
  PrivateRouteTableC:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VPC
      Tags:
        - Key: Name
          Value: !Sub ${AWS::StackName}-private-C
  PrivateRouteC:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTableC
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway
  S3GatewayEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcEndpointType: Gateway
      VpcId: !Ref VPC
      ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
      RouteTableIds:
        - !Ref PrivateRouteTableA
        - !Ref PrivateRouteTableB
        - !Ref PrivateRouteTableC
      Tags:
        - Key: Name
          Value: !Sub ${AWS::StackName}-s3-endpoint
''',
            pointers=('/Resources/VPC',),
            options={'services': ['s3']},
        ),
        Example(
            'existing-s3-endpoint-missing-a-route-table',
            text='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VPC
      CidrBlock: 10.0.0.0/24
  NatEIP:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  NatGateway:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt NatEIP.AllocationId
      SubnetId: !Ref PublicSubnet
  PrivateRouteTableA:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VPC
  PrivateRouteA:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTableA
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway
  PrivateRouteTableB:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VPC
  PrivateRouteB:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTableB
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway
  S3Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref VPC
      ServiceName: !Join ['', [com.amazonaws., !Ref 'AWS::Region', .s3]]
      RouteTableIds:
        - !Ref PrivateRouteTableA
''',
            fixed='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VPC
      CidrBlock: 10.0.0.0/24
  NatEIP:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  NatGateway:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt NatEIP.AllocationId
      SubnetId: !Ref PublicSubnet
  PrivateRouteTableA:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VPC
  PrivateRouteA:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTableA
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway
  PrivateRouteTableB:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VPC
  PrivateRouteB:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTableB
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway
  DynamoDBGatewayEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcEndpointType: Gateway
      VpcId: !Ref VPC
      ServiceName: !Sub com.amazonaws.${AWS::Region}.dynamodb
      RouteTableIds:
        - !Ref PrivateRouteTableA
        - !Ref PrivateRouteTableB
  S3Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref VPC
      ServiceName: !Join ['', [com.amazonaws., !Ref 'AWS::Region', .s3]]
      RouteTableIds:
        - !Ref PrivateRouteTableA
        - !Ref PrivateRouteTableB
''',
            pointers=('/Resources/VPC', '/Resources/VPC'),
        ),
        Example(
            'interface-endpoint-only',
            text='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VPC
      CidrBlock: 10.0.0.0/24
  NatEIP:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  NatGateway:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt NatEIP.AllocationId
      SubnetId: !Ref PublicSubnet
  PrivateRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VPC
  PrivateRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway
  S3InterfaceEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcEndpointType: Interface
      VpcId: !Ref VPC
      ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
      SubnetIds:
        - !Ref PublicSubnet
''',
            fixed='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VPC
      CidrBlock: 10.0.0.0/24
  NatEIP:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  NatGateway:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt NatEIP.AllocationId
      SubnetId: !Ref PublicSubnet
  PrivateRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VPC
  PrivateRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway
  S3GatewayEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcEndpointType: Gateway
      VpcId: !Ref VPC
      ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
      RouteTableIds:
        - !Ref PrivateRouteTable
  S3InterfaceEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcEndpointType: Interface
      VpcId: !Ref VPC
      ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
      SubnetIds:
        - !Ref PublicSubnet
''',
            pointers=('/Resources/VPC',),
            options={'services': ['s3']},
        ),
        Example(
            'nat-through-fn-if-and-a-conditional-route-table',
            text='''\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  HighAvailability:
    Type: String
    AllowedValues: ['true', 'false']
    Default: 'false'
Conditions:
  IsHighlyAvailable: !Equals [!Ref HighAvailability, 'true']
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VPC
      CidrBlock: 10.0.0.0/24
  NatEIP:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  NatGateway:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt NatEIP.AllocationId
      SubnetId: !Ref PublicSubnet
  PrivateRouteTableA:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VPC
  PrivateRouteA:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTableA
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !If [IsHighlyAvailable, !Ref NatGateway, !Ref NatGateway]
  PrivateRouteTableB:
    Type: AWS::EC2::RouteTable
    Condition: IsHighlyAvailable
    Properties:
      VpcId: !Ref VPC
  PrivateRouteB:
    Type: AWS::EC2::Route
    Condition: IsHighlyAvailable
    Properties:
      RouteTableId: !Ref PrivateRouteTableB
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway
''',
            fixed='''\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  HighAvailability:
    Type: String
    AllowedValues: ['true', 'false']
    Default: 'false'
Conditions:
  IsHighlyAvailable: !Equals [!Ref HighAvailability, 'true']
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VPC
      CidrBlock: 10.0.0.0/24
  NatEIP:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  NatGateway:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt NatEIP.AllocationId
      SubnetId: !Ref PublicSubnet
  PrivateRouteTableA:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VPC
  PrivateRouteA:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTableA
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !If [IsHighlyAvailable, !Ref NatGateway, !Ref NatGateway]
  PrivateRouteTableB:
    Type: AWS::EC2::RouteTable
    Condition: IsHighlyAvailable
    Properties:
      VpcId: !Ref VPC
  PrivateRouteB:
    Type: AWS::EC2::Route
    Condition: IsHighlyAvailable
    Properties:
      RouteTableId: !Ref PrivateRouteTableB
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway
  DynamoDBGatewayEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcEndpointType: Gateway
      VpcId: !Ref VPC
      ServiceName: !Sub com.amazonaws.${AWS::Region}.dynamodb
      RouteTableIds:
        - !Ref PrivateRouteTableA
        - !If [IsHighlyAvailable, !Ref PrivateRouteTableB, !Ref AWS::NoValue]
''',
            pointers=('/Resources/VPC',),
            options={'services': ['dynamodb']},
        ),
        Example(
            'two-vpcs-json',
            text='''\
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "VpcOne": {
      "Type": "AWS::EC2::VPC",
      "Properties": {
        "CidrBlock": "10.1.0.0/16"
      }
    },
    "PublicOne": {
      "Type": "AWS::EC2::Subnet",
      "Properties": {
        "VpcId": {
          "Ref": "VpcOne"
        },
        "CidrBlock": "10.1.0.0/24"
      }
    },
    "NatEipOne": {
      "Type": "AWS::EC2::EIP",
      "Properties": {
        "Domain": "vpc"
      }
    },
    "NatOne": {
      "Type": "AWS::EC2::NatGateway",
      "Properties": {
        "AllocationId": {
          "Fn::GetAtt": [
            "NatEipOne",
            "AllocationId"
          ]
        },
        "SubnetId": {
          "Ref": "PublicOne"
        }
      }
    },
    "PrivateRouteTableOne": {
      "Type": "AWS::EC2::RouteTable",
      "Properties": {
        "VpcId": {
          "Ref": "VpcOne"
        }
      }
    },
    "PrivateRouteOne": {
      "Type": "AWS::EC2::Route",
      "Properties": {
        "RouteTableId": {
          "Ref": "PrivateRouteTableOne"
        },
        "DestinationCidrBlock": "0.0.0.0/0",
        "NatGatewayId": {
          "Ref": "NatOne"
        }
      }
    },
    "VpcTwo": {
      "Type": "AWS::EC2::VPC",
      "Properties": {
        "CidrBlock": "10.2.0.0/16"
      }
    },
    "PublicTwo": {
      "Type": "AWS::EC2::Subnet",
      "Properties": {
        "VpcId": {
          "Ref": "VpcTwo"
        },
        "CidrBlock": "10.2.0.0/24"
      }
    },
    "NatEipTwo": {
      "Type": "AWS::EC2::EIP",
      "Properties": {
        "Domain": "vpc"
      }
    },
    "NatTwo": {
      "Type": "AWS::EC2::NatGateway",
      "Properties": {
        "AllocationId": {
          "Fn::GetAtt": [
            "NatEipTwo",
            "AllocationId"
          ]
        },
        "SubnetId": {
          "Ref": "PublicTwo"
        }
      }
    },
    "PrivateRouteTableTwo": {
      "Type": "AWS::EC2::RouteTable",
      "Properties": {
        "VpcId": {
          "Ref": "VpcTwo"
        }
      }
    },
    "PrivateRouteTwo": {
      "Type": "AWS::EC2::Route",
      "Properties": {
        "RouteTableId": {
          "Ref": "PrivateRouteTableTwo"
        },
        "DestinationCidrBlock": "0.0.0.0/0",
        "NatGatewayId": {
          "Ref": "NatTwo"
        }
      }
    }
  }
}
''',
            fixed='''\
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "VpcOne": {
      "Type": "AWS::EC2::VPC",
      "Properties": {
        "CidrBlock": "10.1.0.0/16"
      }
    },
    "PublicOne": {
      "Type": "AWS::EC2::Subnet",
      "Properties": {
        "VpcId": {
          "Ref": "VpcOne"
        },
        "CidrBlock": "10.1.0.0/24"
      }
    },
    "NatEipOne": {
      "Type": "AWS::EC2::EIP",
      "Properties": {
        "Domain": "vpc"
      }
    },
    "NatOne": {
      "Type": "AWS::EC2::NatGateway",
      "Properties": {
        "AllocationId": {
          "Fn::GetAtt": [
            "NatEipOne",
            "AllocationId"
          ]
        },
        "SubnetId": {
          "Ref": "PublicOne"
        }
      }
    },
    "PrivateRouteTableOne": {
      "Type": "AWS::EC2::RouteTable",
      "Properties": {
        "VpcId": {
          "Ref": "VpcOne"
        }
      }
    },
    "PrivateRouteOne": {
      "Type": "AWS::EC2::Route",
      "Properties": {
        "RouteTableId": {
          "Ref": "PrivateRouteTableOne"
        },
        "DestinationCidrBlock": "0.0.0.0/0",
        "NatGatewayId": {
          "Ref": "NatOne"
        }
      }
    },
    "S3GatewayEndpoint": {
      "Type": "AWS::EC2::VPCEndpoint",
      "Properties": {
        "VpcEndpointType": "Gateway",
        "VpcId": {
          "Ref": "VpcOne"
        },
        "ServiceName": {
          "Fn::Sub": "com.amazonaws.${AWS::Region}.s3"
        },
        "RouteTableIds": [
          {
            "Ref": "PrivateRouteTableOne"
          }
        ]
      }
    },
    "VpcTwo": {
      "Type": "AWS::EC2::VPC",
      "Properties": {
        "CidrBlock": "10.2.0.0/16"
      }
    },
    "PublicTwo": {
      "Type": "AWS::EC2::Subnet",
      "Properties": {
        "VpcId": {
          "Ref": "VpcTwo"
        },
        "CidrBlock": "10.2.0.0/24"
      }
    },
    "NatEipTwo": {
      "Type": "AWS::EC2::EIP",
      "Properties": {
        "Domain": "vpc"
      }
    },
    "NatTwo": {
      "Type": "AWS::EC2::NatGateway",
      "Properties": {
        "AllocationId": {
          "Fn::GetAtt": [
            "NatEipTwo",
            "AllocationId"
          ]
        },
        "SubnetId": {
          "Ref": "PublicTwo"
        }
      }
    },
    "PrivateRouteTableTwo": {
      "Type": "AWS::EC2::RouteTable",
      "Properties": {
        "VpcId": {
          "Ref": "VpcTwo"
        }
      }
    },
    "PrivateRouteTwo": {
      "Type": "AWS::EC2::Route",
      "Properties": {
        "RouteTableId": {
          "Ref": "PrivateRouteTableTwo"
        },
        "DestinationCidrBlock": "0.0.0.0/0",
        "NatGatewayId": {
          "Ref": "NatTwo"
        }
      }
    },
    "S3GatewayEndpoint2": {
      "Type": "AWS::EC2::VPCEndpoint",
      "Properties": {
        "VpcEndpointType": "Gateway",
        "VpcId": {
          "Ref": "VpcTwo"
        },
        "ServiceName": {
          "Fn::Sub": "com.amazonaws.${AWS::Region}.s3"
        },
        "RouteTableIds": [
          {
            "Ref": "PrivateRouteTableTwo"
          }
        ]
      }
    }
  }
}
''',
            pointers=('/Resources/VpcOne', '/Resources/VpcTwo'),
            format='json',
            options={'services': ['s3']},
        ),
        Example(
            'bucket-policy-on-source-ip-makes-it-unsafe',
            text='''\
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "VPC": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
    "PublicSubnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "VPC"}, "CidrBlock": "10.0.0.0/24"}},
    "NatEIP": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}},
    "NatGateway": {"Type": "AWS::EC2::NatGateway", "Properties": {"AllocationId": {"Fn::GetAtt": ["NatEIP", "AllocationId"]}, "SubnetId": {"Ref": "PublicSubnet"}}},
    "PrivateRouteTable": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "VPC"}}},
    "PrivateRoute": {"Type": "AWS::EC2::Route", "Properties": {"RouteTableId": {"Ref": "PrivateRouteTable"}, "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": {"Ref": "NatGateway"}}},
    "Bucket": {"Type": "AWS::S3::Bucket"},
    "BucketPolicy": {
      "Type": "AWS::S3::BucketPolicy",
      "Properties": {
        "Bucket": {"Ref": "Bucket"},
        "PolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                         "Resource": [{"Fn::Sub": "${Bucket.Arn}/*"}],
                         "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}}]
        }
      }
    }
  }
}
''',
            fixed='''\
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "VPC": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
    "PublicSubnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "VPC"}, "CidrBlock": "10.0.0.0/24"}},
    "NatEIP": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}},
    "NatGateway": {"Type": "AWS::EC2::NatGateway", "Properties": {"AllocationId": {"Fn::GetAtt": ["NatEIP", "AllocationId"]}, "SubnetId": {"Ref": "PublicSubnet"}}},
    "PrivateRouteTable": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "VPC"}}},
    "PrivateRoute": {"Type": "AWS::EC2::Route", "Properties": {"RouteTableId": {"Ref": "PrivateRouteTable"}, "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": {"Ref": "NatGateway"}}},
    "S3GatewayEndpoint": {
      "Type": "AWS::EC2::VPCEndpoint",
      "Properties": {
        "VpcEndpointType": "Gateway",
        "VpcId": {"Ref": "VPC"},
        "ServiceName": {"Fn::Sub": "com.amazonaws.${AWS::Region}.s3"},
        "RouteTableIds": [
          {"Ref": "PrivateRouteTable"}
        ]
      }
    },
    "Bucket": {"Type": "AWS::S3::Bucket"},
    "BucketPolicy": {
      "Type": "AWS::S3::BucketPolicy",
      "Properties": {
        "Bucket": {"Ref": "Bucket"},
        "PolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                         "Resource": [{"Fn::Sub": "${Bucket.Arn}/*"}],
                         "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}}]
        }
      }
    }
  }
}
''',
            pointers=('/Resources/VPC',),
            format='json',
            options={'services': ['s3']},
            unsafe_fixes=True,
        ),
        Example(
            'good-endpoints-present',
            text='''\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VPC
      CidrBlock: 10.0.0.0/24
  NatEIP:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  NatGateway:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt NatEIP.AllocationId
      SubnetId: !Ref PublicSubnet
  PrivateRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VPC
  PrivateRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway
  S3Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref VPC
      ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
      RouteTableIds: [!Ref PrivateRouteTable]
  DynamoDBEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcEndpointType: Gateway
      VpcId: !Ref VPC
      ServiceName: com.amazonaws.us-east-1.dynamodb
      RouteTableIds: [!Ref PrivateRouteTable]
''',
        ),
        Example(
            'good-no-nat',
            text='''\
{
  "Resources": {
    "VPC": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
    "InternetGateway": {"Type": "AWS::EC2::InternetGateway"},
    "Attachment": {"Type": "AWS::EC2::VPCGatewayAttachment", "Properties": {"VpcId": {"Ref": "VPC"}, "InternetGatewayId": {"Ref": "InternetGateway"}}},
    "PublicRouteTable": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "VPC"}}},
    "PublicRoute": {"Type": "AWS::EC2::Route", "DependsOn": "Attachment", "Properties": {"RouteTableId": {"Ref": "PublicRouteTable"}, "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": {"Ref": "InternetGateway"}}}
  }
}
''',
            format='json',
        ),
        Example(
            'good-vpc-from-a-parameter',
            text='''\
Parameters:
  VpcId:
    Type: AWS::EC2::VPC::Id
  PublicSubnetId:
    Type: AWS::EC2::Subnet::Id
Resources:
  NatEIP:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  NatGateway:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt NatEIP.AllocationId
      SubnetId: !Ref PublicSubnetId
  PrivateRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref VpcId
  PrivateRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref NatGateway
''',
        ),
    )


def _nat_route_tables(template: Template) -> dict[str, list[str]]:
    """VPC -> its route tables (template order) whose default route targets a NAT gateway."""
    nat_tables: set[str] = set()
    for route in template.of_type("AWS::EC2::Route"):
        props = route.properties
        if props.get("DestinationCidrBlock") != "0.0.0.0/0":
            continue
        if not any(template.resources.get(t, _NONE).type == "AWS::EC2::NatGateway"
                   for t in value_targets(props.get("NatGatewayId"))):
            continue
        nat_tables.update(t for t in value_targets(props.get("RouteTableId"))
                          if template.resources.get(t, _NONE).type == "AWS::EC2::RouteTable")
    by_vpc: dict[str, list[str]] = {}
    for table in template.of_type("AWS::EC2::RouteTable"):
        if table.name not in nat_tables:
            continue
        vpc = template.graph.resource_target(table.properties.get("VpcId"), "AWS::EC2::VPC")
        if vpc is not None:
            by_vpc.setdefault(vpc, []).append(table.name)
    return by_vpc


_NONE = Resource(name="", type="")
_SERVICE = re.compile(r"^com\.amazonaws\.(?:\$\{[^}]*\}|[^.])+\.(?P<service>[a-z0-9-]+)$")


def _endpoints(template: Template, vpc: str, service: str) -> tuple[Resource | None, str | None]:
    """The VPC's gateway endpoint for the service, and the name of an interface endpoint for it."""
    gateway = interface = None
    for endpoint in template.of_type("AWS::EC2::VPCEndpoint"):
        if vpc not in value_targets(endpoint.properties.get("VpcId")):
            continue
        match = _SERVICE.match(flatten(endpoint.properties.get("ServiceName")) or "")
        if not match or match.group("service") != service:
            continue
        kind = endpoint.properties.get("VpcEndpointType", "Gateway")
        if kind == "Gateway" and gateway is None:
            gateway = endpoint
        elif kind != "Gateway" and interface is None:
            interface = endpoint.name
    return gateway, interface


def _table_ref(table: str, condition: str | None, shared: str | None) -> dict[str, Any]:
    if condition is None or condition == shared:
        return {"Ref": table}
    return {"Fn::If": [condition, {"Ref": table}, {"Ref": "AWS::NoValue"}]}


def _shared_condition(template: Template, tables: list[str]) -> str | None:
    conditions = {template.resources[t].condition for t in tables}
    return conditions.pop() if len(conditions) == 1 else None


def _last_network_resource(template: Template, vpc: str, tables: list[str]) -> str:
    """The last route table or route (in file order) that belongs to the VPC."""
    last = vpc
    for resource in template.resources.values():
        if resource.type == "AWS::EC2::RouteTable" and vpc in value_targets(resource.properties.get("VpcId")):
            last = resource.name
        elif resource.type == "AWS::EC2::Route" and any(
                t in tables or _table_in_vpc(template, t, vpc)
                for t in value_targets(resource.properties.get("RouteTableId"))):
            last = resource.name
    return last


def _table_in_vpc(template: Template, table: str, vpc: str) -> bool:
    resource = template.resources.get(table)
    return resource is not None and vpc in value_targets(resource.properties.get("VpcId"))


def _source_ip_bucket_policy(template: Template) -> bool:
    # condition keys are case-insensitive
    return any("aws:sourceip" in str(p.properties.get("PolicyDocument")).lower()
               for p in template.of_type("AWS::S3::BucketPolicy"))


def _name_tag(vpc: Resource, what: str) -> Any:
    """A Name value built like the VPC's own (``payment-vpc-${Env}`` gives ``payment-s3-endpoint-${Env}``)."""
    tags = vpc.properties.get("Tags")
    if not isinstance(tags, list):
        return None
    value = next((t.get("Value") for t in tags if isinstance(t, dict) and t.get("Key") == "Name"), None)
    text = value if isinstance(value, str) else (
        value["Fn::Sub"] if isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str) else None)
    if text is None:
        return None
    named = re.sub(r"(?i)vpc", what, text, count=1) if re.search(r"(?i)vpc", text) else f"{text}-{what}"
    return named if isinstance(value, str) else {"Fn::Sub": named}
