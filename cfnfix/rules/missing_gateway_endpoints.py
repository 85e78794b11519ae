"""CFX301 missing-gateway-endpoints: private route tables egress through NAT with no S3/DynamoDB endpoint."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from .. import kit
from .. import pointer as jp
from ..kit import Plan, Safety
from ..options import option
from ..rule import Finding, Fix, Rule
from ..model.template import Resource, Template, value_targets
from ..values import flatten

SERVICE_IDS = {"s3": "S3", "dynamodb": "DynamoDB"}


@dataclass(frozen=True)
class Options:
    services: list[Literal["s3", "dynamodb"]] = option(default_factory=lambda: ["s3", "dynamodb"])


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
                        ("Resources", vpc), vpc, _Found(service, tuple(tables), None, tuple(tables)))
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
                        ("Resources", vpc), vpc, _Found(service, tuple(tables), gateway.name, tuple(missing)))

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        found: _Found = finding.payload
        vpc = template.resources[finding.resource or ""]
        label = SERVICE_IDS[found.service]
        unsafe = found.service == "s3" and _source_ip_bucket_policy(template)
        safety = Safety.UNSAFE if unsafe else Safety.SAFE
        reason = ("A bucket policy here conditions on aws:SourceIp, which requests through the endpoint do not carry."
                  if unsafe else "A gateway endpoint only adds routes to S3 or DynamoDB, and costs nothing.")
        if found.endpoint:
            path = ("Resources", found.endpoint, "Properties", "RouteTableIds")
            ops = [kit.test_op(path, template.resources[found.endpoint].properties["RouteTableIds"])]
            ops += [kit.add_op(path + ("-",), _table_ref(template.resources[t], shared=None)) for t in found.missing]
            return Fix(f"Add {', '.join(found.missing)} to the {label} gateway endpoint {found.endpoint}",
                       safety, reason, tuple(ops))
        shared = _shared_condition(template, found.tables)
        properties: dict[str, Any] = {
            "VpcEndpointType": "Gateway",
            "VpcId": {"Ref": vpc.name},
            "ServiceName": {"Fn::Sub": f"com.amazonaws.${{AWS::Region}}.{found.service}"},
            "RouteTableIds": [_table_ref(template.resources[t], shared) for t in found.tables],
        }
        tag = kit.name_tag(template, f"{found.service}-endpoint", like=vpc)
        if tag is not None:
            properties["Tags"] = [tag]
        endpoint: dict[str, Any] = {"Type": "AWS::EC2::VPCEndpoint"}
        if shared:
            endpoint["Condition"] = shared
        endpoint["Properties"] = properties
        name = plan.fresh_id(f"{label}GatewayEndpoint")
        after = _last_network_resource(template, vpc.name, found.tables)
        return Fix(f"Add the {label} gateway endpoint {name} on {', '.join(found.tables)}", safety, reason, (
            kit.type_pin(vpc),
            kit.add_op(("Resources", name), endpoint, after=jp.join(("Resources", after))),
        ))


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
        vpc = template.resource_target(table.properties.get("VpcId"), "AWS::EC2::VPC")
        if vpc is not None:
            by_vpc.setdefault(vpc, []).append(table.name)
    return by_vpc


class _Found(NamedTuple):
    service: str                # s3 or dynamodb
    tables: tuple[str, ...]     # the VPC's NAT route tables
    endpoint: str | None        # its gateway endpoint for the service, if any
    missing: tuple[str, ...]    # the route tables that endpoint lacks (all, when there is none)


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


def _table_ref(table: Resource, shared: str | None) -> dict[str, Any]:
    """A route table in the list, which leaves it out where its Condition is false (unless the
    endpoint itself carries that condition)."""
    if table.condition is None or table.condition == shared:
        return {"Ref": table.name}
    return {"Fn::If": [table.condition, {"Ref": table.name}, {"Ref": "AWS::NoValue"}]}


def _shared_condition(template: Template, tables: tuple[str, ...]) -> str | None:
    conditions = {template.resources[t].condition for t in tables}
    return conditions.pop() if len(conditions) == 1 else None


def _last_network_resource(template: Template, vpc: str, tables: tuple[str, ...]) -> str:
    """The last route table or route (in file order) that belongs to the VPC."""
    in_vpc, routes_of = template.derived(_network, _network)
    members = in_vpc.get(vpc, ())
    mine = [name for name in members if template.resources[name].type == "AWS::EC2::RouteTable"]
    mine += [route for table in set(tables) | set(members) for route in routes_of.get(table, ())]
    return max(mine, key=template.resource_order.__getitem__, default=vpc)


def _network(template: Template) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """VPC -> the resources whose VpcId names it, and route table -> the routes whose
    RouteTableId names it: read once per template, not once per VPC."""
    in_vpc: dict[str, list[str]] = {}
    for resource in template.resources.values():
        for vpc in dict.fromkeys(value_targets(resource.properties.get("VpcId"))):
            in_vpc.setdefault(vpc, []).append(resource.name)
    routes_of: dict[str, list[str]] = {}
    for route in template.of_type("AWS::EC2::Route"):
        for table in dict.fromkeys(value_targets(route.properties.get("RouteTableId"))):
            routes_of.setdefault(table, []).append(route.name)
    return in_vpc, routes_of


def _source_ip_bucket_policy(template: Template) -> bool:
    # condition keys are case-insensitive
    return any("aws:sourceip" in str(p.properties.get("PolicyDocument")).lower()
               for p in template.of_type("AWS::S3::BucketPolicy"))
