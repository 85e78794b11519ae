"""CFX201 missing-dns-failover: an internet-facing ALB without Route 53 failover routing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from .. import kit
from .. import pointer as jp
from ..disaster_recovery import deployment_role_parameter, health_check_path, public_albs, serves_https
from ..disaster_recovery import is_primary as primary_condition
from ..kit import Plan, Safety
from ..options import option
from ..rule import Finding, Fix, Rule
from ..model.template import Resource, Template, references


@dataclass(frozen=True)
class Options:
    load_balancer: str | None = None
    hosted_zone_id: str | None = None
    domain_name: str | None = None
    record_type: Literal["cname", "alias"] = "cname"
    health_check_path: str = option("/", pattern=r"^/")


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
    needed for them. Route 53 takes one PRIMARY and one SECONDARY record per name, so when several
    load balancers need new records each gets a name parameter of its own (`<LoadBalancer>DomainName`);
    with a configured `domain-name`, which is one name, the finding asks for the `load-balancer`
    option instead and has no fix.

    ## Fix safety
    Unsafe unless `hosted-zone-id` and `domain-name` are configured: without them the new
    parameters have no defaults and every deployment must supply them. With them the parameters
    get those defaults and the fix is safe. Turning an existing plain record into a failover
    record is always unsafe: on a deployed stack Route 53 must replace the record, and the name
    does not resolve in between.

    ## Options
    `load-balancer`: the logical id of the load balancer that serves the stack; the others are
    not reported.
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
        albs = [alb for alb in public_albs(template)
                if self.options.load_balancer in (None, alb.name)]
        state = [(alb, _health_check(template, alb.name), _records(template, alb.name)) for alb in albs]
        # Route 53 takes one PRIMARY and one SECONDARY record per name: load balancers that get new
        # records get a name each, or, with one configured name, the one that serves must be named
        unnamed = [alb.name for alb, _, records in state if not records]
        own_names = len(unnamed) > 1 or (len(unnamed) == 1 and _name_in_use(template, "DomainName"))
        for alb, check, records in state:
            failover = tuple(r for r in records if "Failover" in r.properties)
            plain = tuple(r for r in records if "Failover" not in r.properties)
            unchecked = [r for r in failover if "HealthCheckId" not in r.properties]
            if check and failover and not unchecked:
                continue
            if not records and own_names and self.options.domain_name:
                yield self.finding(f"Load balancer {alb.name} serves the stack but has no Route 53 failover, and "
                                   f"the one domain-name cannot fail over for all of {', '.join(unnamed)}: set "
                                   "the option load-balancer to the one that serves the stack",
                                   ("Resources", alb.name), alb.name)
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
                               _Found(check, failover, plain, f"{alb.name}DomainName" if own_names else "DomainName"))

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        alb = template.resources[finding.resource or ""]
        found: _Found | None = finding.payload
        if found is None:
            return None  # which load balancer serves the stack is the user's choice
        ops: list[dict[str, Any]] = [kit.type_pin(alb)]
        # a record of the template names the zone and the domain: no new parameters for them
        new_record = not found.failover and not found.plain
        configured = bool(self.options.hosted_zone_id and self.options.domain_name)
        is_primary = "IsPrimary"
        zone = domain = ""
        if not found.failover:  # existing failover records already say which region is which
            role, added = plan.ensure_parameter("DeploymentRole", deployment_role_parameter())
            ops += added
            if new_record:
                zone_spec, domain_spec = self._zone_and_domain(alb, found.domain_parameter)
                zone, added = plan.ensure_parameter("HostedZoneId", zone_spec)
                ops += added
                domain, added = plan.ensure_parameter(found.domain_parameter, domain_spec)
                ops += added
            is_primary, added = plan.ensure_condition("IsPrimary", primary_condition(role))
            ops += added
        check = found.check
        after = jp.join(("Resources", alb.name))
        failover = {"Fn::If": [is_primary, "PRIMARY", "SECONDARY"]}
        if check is None:
            check = plan.fresh_id(f"{alb.name}HealthCheck")
            # both go right after the load balancer, in this order
            ops.append(kit.add_op(("Resources", check), self._health_check(template, alb), after=after))
        if new_record:
            name = plan.fresh_id(f"{alb.name}FailoverRecord")
            ops.append(kit.add_op(("Resources", name), self._record(alb, check, zone, domain, failover), after=after))
        for record in found.failover:
            if "HealthCheckId" not in record.properties:
                ops.append(kit.add_op(record.path + ("HealthCheckId",), {"Ref": check}))
        for record in found.plain:
            ops.append(kit.test_op(record.path + ("Name",), record.properties.get("Name")))
            for key, value in (("Failover", failover),
                               ("SetIdentifier", {"Fn::Sub": f"{alb.name}-${{AWS::Region}}"}),
                               ("HealthCheckId", {"Ref": check})):
                ops.append(kit.add_op(record.path + (key,), value))
        if found.plain:
            names = ", ".join(sorted({r.resource for r in found.plain}))
            return Fix(f"Make {names} a failover record of {alb.name}", Safety.UNSAFE,
                       "On a deployed stack Route 53 replaces the record, and the name briefly does not resolve.",
                       tuple(ops))
        if new_record and not configured:
            return Fix(f"Add Route 53 failover for {alb.name}", Safety.UNSAFE,
                       "The new HostedZoneId and DomainName parameters have no defaults until hosted-zone-id "
                       "and domain-name are configured, so every deployment must pass them.", tuple(ops))
        return Fix(f"Add Route 53 failover for {alb.name}", Safety.SAFE,
                   "Only new resources, and parameters with defaults, are added: the deployed ones stay as they are.",
                   tuple(ops))

    def _zone_and_domain(self, alb: Resource, parameter: str) -> tuple[dict[str, Any], dict[str, Any]]:
        zone: dict[str, Any] = {"Type": "AWS::Route53::HostedZone::Id",
                                "Description": "Hosted zone of the failover records"}
        what = "Name" if parameter == "DomainName" else f"Name of {alb.name}"
        domain: dict[str, Any] = {"Type": "String", "Description": f"{what} that fails over between the regions"}
        if self.options.hosted_zone_id:
            zone["Default"] = self.options.hosted_zone_id
        if self.options.domain_name:
            domain["Default"] = self.options.domain_name
        return zone, domain

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
        # what refers to a conditional load balancer carries its Condition
        return {"Type": "AWS::Route53::HealthCheck", **kit.condition_of(alb),
                "Properties": {"HealthCheckConfig": config}}

    def _record(self, alb: Resource, check: str, zone: str, domain: str, failover: Any) -> dict[str, Any]:
        properties: dict[str, Any] = {
            "HostedZoneId": {"Ref": zone},
            "Name": {"Ref": domain},
            "Failover": failover,
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
        return {"Type": "AWS::Route53::RecordSet", **kit.condition_of(alb), "Properties": properties}


def _name_in_use(template: Template, parameter: str) -> bool:
    """A failover record already takes its name from ``parameter``: a new pair needs another."""
    for record in template.of_type("AWS::Route53::RecordSet"):
        if "Failover" in record.properties and record.properties.get("Name") == {"Ref": parameter}:
            return True
    for group in template.of_type("AWS::Route53::RecordSetGroup"):
        entries = group.properties.get("RecordSets")
        if any(isinstance(e, dict) and "Failover" in e and e.get("Name") == {"Ref": parameter}
               for e in (entries if isinstance(entries, list) else [])):
            return True
    return False


def _points_at(value: Any, alb: str) -> bool:
    return any(target == alb for target, _, _ in references(value))


def _health_check(template: Template, alb: str) -> str | None:
    for check in template.of_type("AWS::Route53::HealthCheck"):
        if _points_at(check.properties.get("HealthCheckConfig"), alb):
            return check.name
    return None


class _Found(NamedTuple):
    check: str | None               # the health check on the load balancer
    failover: tuple["_Record", ...]  # its failover records
    plain: tuple["_Record", ...]     # its plain records, which become failover records
    domain_parameter: str           # the parameter a new record takes its name from


class _Record(NamedTuple):
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
