"""CFX202 missing-standby-region: nothing deploys a standby copy of the stack to a second region."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from .. import kit
from .. import pointer as jp
from ..disaster_recovery import deployment_role_parameter, is_primary, public_albs
from ..kit import Plan, Safety
from ..options import option
from ..rule import Finding, Fix, Rule
from ..model.template import Parameter, Resource, Template
from ..values import aws_data, flatten


@dataclass(frozen=True)
class Options:
    standby_region: str = option("us-west-2", pattern=r"^[a-z]{2}(-[a-z]+)+-\d$")
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
    template parameter without a default (lists joined with commas). Region-bound parameters are
    not copied: VPC, subnet, security group, key pair and AMI ids (and lists of them), parameters
    whose default is an ARN that names a region (a certificate, a Lambda layer), and the hosted
    zone of an alias target (a regional endpoint's zone). Each gets a `Standby<Name>` parameter
    without a default, passed in its place (and passed itself, since the standby stack declares it
    too): the standby stack never deploys the primary region's value. New parameters go right
    after `DeploymentRole`, so the text is the same whichever rule added its parameters first.
    Only what is missing is added.

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
    `HostedZoneId` and `DomainName`); the fix passes what is missing at the place one run would
    have written it, so fixing in several runs, in any order, gives the text of one run.

    ## Fix safety
    Safe: the StackSet stays off until `DrTemplateUrl` is set (`template-url` gives it a
    default). Unsafe when it must add `Standby<Name>` parameters without defaults (every deployment
    must then supply them). Display-only when a `NoEcho` parameter has no default: a secret is
    never copied into StackSet parameters; move it to a dynamic reference first. Display-only too
    when a resource holds a literal that belongs to one region (an ARN naming a region, an alias
    target's hosted zone other than CloudFront's): its standby value cannot be known, so the
    message names each one to turn into a parameter first. Completing an existing standby
    StackSet is safe unless it must add `Standby<Name>` parameters: it passes parameters the
    template declares and changes nothing deployed in this region.

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
                                   "with the standby region", ("Resources", first.name), first.name,
                                   _Found(incomplete=True))
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
        literals = _region_bound_literals(template)
        if literals:
            note += f"; these values name the primary region: {', '.join(literals)}"
        entry = f"load balancer {albs[0].name}" if albs else "stack"
        yield self.finding(f"Nothing deploys a standby copy of this {entry} to a second region "
                           f"({self.options.standby_region}){note}", pointer, albs[0].name if albs else None,
                           _Found(incomplete=False))

    def _incomplete_standby(self, template: Template, stack_set: Resource) -> Finding | None:
        """A standby StackSet (one that deploys this same template) that misses a parameter the
        standby stack cannot be created without, or a capability the template needs."""
        entries = stack_set.properties.get("Parameters", [])
        capabilities = stack_set.properties.get("Capabilities", [])
        if not _is_standby(stack_set) or not isinstance(entries, list) or not isinstance(capabilities, list):
            return None  # another template, or values out of reach (an intrinsic): taken as given
        passed = {e.get("ParameterKey") for e in entries if isinstance(e, dict)}
        standby = self._standby(template, Plan(template), completing=True)
        missing = [key for key, _ in standby.passed if key not in passed]
        missing += [name for name in standby.secrets if name not in passed]
        lacking = _lacking(_capabilities(template), capabilities)
        if not missing and not lacking:
            return None
        gaps = []
        if missing:
            gaps.append(f"does not pass {', '.join(missing)}, which ha{'ve' if len(missing) > 1 else 's'} no default "
                        "in the standby region")
        if lacking:
            gaps.append(f"does not acknowledge {', '.join(lacking)}")
        where = ("Resources", stack_set.name, "Properties", "Parameters") if "Parameters" in stack_set.properties \
            else ("Resources", stack_set.name)
        return self.finding(f"StackSet {stack_set.name} {' and '.join(gaps)}: the standby stack cannot be created",
                            where, stack_set.name, _Found(incomplete=False, stack_set=stack_set.name))

    def _standby(self, template: Template, plan: Plan, completing: bool = False) -> "_Standby":
        """The parameters a standby stack needs and what its StackSet passes, in the order the text
        will have them: new parameters right after the nearest earlier one of the DR block
        (DeploymentRole, StandbyRegion, DrTemplateUrl, then the `Standby<Name>` twins), so the order
        does not depend on whether another rule added its parameters first. ``completing`` an
        existing StackSet adds only the twins: the DR parameters it lacks are the owner's design."""
        bound = _region_bound_parameters(template)
        block: list[tuple[str, dict[str, Any]]] = [
            ("DeploymentRole", deployment_role_parameter()),
            ("StandbyRegion", {"Type": "String", "Default": self.options.standby_region,
                               "Description": "Region of the standby stack"}),
            ("DrTemplateUrl", {"Type": "String", "Default": self.options.template_url,
                               "Description": "S3 URL of this template for the standby stack; empty keeps it off"}),
        ]
        block += [(f"Standby{p.name}", {"Type": p.type, "Description": f"{p.name} in the standby region"})
                  for p in bound]
        order = list(template.parameters)
        names: dict[str, str] = {}  # wanted name -> the name the plan gives it
        ops: list[dict[str, Any]] = []
        added_names: list[str] = []
        # the writer places a new key beside one the text has: each new parameter goes after the
        # last of the block the template has, in block order (or at the end)
        anchor: str | None = None
        at = len(order)
        for name, spec in block:
            if completing and name in ("DeploymentRole", "StandbyRegion", "DrTemplateUrl") \
                    and name not in template.parameters:
                names[name] = name
                continue
            chosen, added = plan.ensure_parameter(name, spec, after=anchor)
            names[name] = chosen
            ops += added
            if chosen in template.parameters:
                anchor, at = chosen, order.index(chosen) + 1
            elif chosen not in order:
                order.insert(at, chosen)
                added_names.append(chosen)
                at += 1
        twins = {p.name: names[f"Standby{p.name}"] for p in bound}
        specs = dict(block)
        bodies = {name: specs.get(wanted, {}) for wanted, name in names.items()}
        passed: list[tuple[str, Any]] = [(names["DeploymentRole"], "standby")]
        for name in order:
            existing = template.parameters.get(name)
            kind = existing.type if existing else bodies[name].get("Type", "String")
            if name == names["DeploymentRole"] or (existing and existing.no_echo):
                continue
            if name not in twins and (existing.has_default if existing else "Default" in bodies[name]):
                continue
            value: Any = {"Ref": twins.get(name, name)}
            passed.append((name, {"Fn::Join": [",", value]}
                           if kind.startswith("List<") or kind == "CommaDelimitedList" else value))
        secrets = tuple(p.name for p in template.parameters.values() if p.no_echo and not p.has_default)
        required = tuple(n for n in added_names if n in twins.values())
        return _Standby(names, tuple(ops), tuple(passed), secrets, required)

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        if finding.payload.incomplete:
            return None  # which accounts and regions is the owner's decision
        if finding.payload.stack_set:
            return self._complete_standby(template, template.resources[finding.payload.stack_set], plan)
        ops: list[dict[str, Any]] = []
        if finding.resource:
            ops.append(kit.type_pin(template.resources[finding.resource]))
        standby = self._standby(template, plan)
        names = standby.names
        ops += standby.ops
        conditions: dict[str, str] = {}
        for name, expression in (
            ("IsPrimary", is_primary(names["DeploymentRole"])),
            ("HasDrTemplateUrl", {"Fn::Not": [{"Fn::Equals": [{"Ref": names["DrTemplateUrl"]}, ""]}]}),
            ("NotInStandbyRegion", {"Fn::Not": [{"Fn::Equals": [{"Ref": "AWS::Region"},
                                                                {"Ref": names["StandbyRegion"]}]}]}),
        ):
            conditions[name], added = plan.ensure_condition(name, expression)
            ops += added
        conditions["CreateDrStackSet"], added = plan.ensure_condition("CreateDrStackSet", {"Fn::And": [
            {"Condition": conditions[c]} for c in ("IsPrimary", "HasDrTemplateUrl", "NotInStandbyRegion")]})
        ops += added
        properties: dict[str, Any] = {
            "StackSetName": {"Fn::Sub": "${AWS::StackName}-standby"},
            "Description": "Standby copy of this stack in the standby region",
            "PermissionModel": "SELF_MANAGED",
            "TemplateURL": {"Ref": names["DrTemplateUrl"]},
        }
        capabilities = _capabilities(template)
        if capabilities:
            properties["Capabilities"] = capabilities
        properties["OperationPreferences"] = {"RegionConcurrencyType": "SEQUENTIAL", "MaxConcurrentCount": 1,
                                              "FailureToleranceCount": 0}
        properties["StackInstancesGroup"] = [{"DeploymentTargets": {"Accounts": [{"Ref": "AWS::AccountId"}]},
                                              "Regions": [{"Ref": names["StandbyRegion"]}]}]
        properties["Parameters"] = [{"ParameterKey": k, "ParameterValue": v} for k, v in standby.passed]
        stack_set = {"Type": "AWS::CloudFormation::StackSet", "Condition": conditions["CreateDrStackSet"],
                     "Properties": properties}
        ops.append(kit.add_op(("Resources", plan.fresh_id("StandbyStackSet")), stack_set))
        if standby.secrets:
            secrets = standby.secrets
            return Fix(f"Move the NoEcho parameter{'s' * (len(secrets) > 1)} {', '.join(secrets)} to a dynamic "
                       "reference, then add the standby StackSet", Safety.DISPLAY_ONLY,
                       "A secret is never copied into StackSet parameters.", tuple(ops), reads=("/Parameters",))
        literals = _region_bound_literals(template)
        if literals:
            return Fix(f"Replace the values that name the primary region ({', '.join(literals)}) with parameters, "
                       "then add the standby StackSet", Safety.DISPLAY_ONLY,
                       "The standby stack would deploy the primary region's values, and their standby "
                       "counterparts cannot be known.", tuple(ops), reads=("/Parameters",))
        if standby.required:
            return Fix("Add the standby StackSet", Safety.UNSAFE,
                       f"The new parameters {', '.join(standby.required)} have no defaults, so every deployment "
                       "must pass them.", tuple(ops), reads=("/Parameters",))
        return Fix("Add the standby StackSet, off until DrTemplateUrl is set", Safety.SAFE,
                   "The StackSet stays off until DrTemplateUrl is set, and every new parameter has a default.",
                   tuple(ops), reads=("/Parameters",))

    def _complete_standby(self, template: Template, stack_set: Resource, plan: Plan) -> Fix:
        """Pass what the StackSet misses at the place one run would have written it, so that fixing
        in several runs gives the same text as fixing in one."""
        standby = self._standby(template, plan, completing=True)
        base = ("Resources", stack_set.name, "Properties")
        ops: list[dict[str, Any]] = [kit.type_pin(stack_set), *standby.ops]
        entries = stack_set.properties.get("Parameters")
        if entries is None:
            ops.append(kit.add_op(base + ("Parameters",), [{"ParameterKey": k, "ParameterValue": v}
                                                           for k, v in standby.passed]))
        else:
            keys = [e.get("ParameterKey") if isinstance(e, dict) else None for e in entries]
            cursor = 0
            for key, value in standby.passed:
                if key in keys:
                    cursor = keys.index(key) + 1
                    continue
                ops.append(kit.add_op(base + ("Parameters", str(cursor)), {"ParameterKey": key, "ParameterValue": value}))
                keys.insert(cursor, key)
                cursor += 1
        current = stack_set.properties.get("Capabilities")
        needed = _capabilities(template)
        if current is None and needed:
            after = jp.join(base + ("TemplateURL",)) if "TemplateURL" in stack_set.properties else None
            ops.append(kit.add_op(base + ("Capabilities",), needed, after=after))
        elif current is not None and _lacking(needed, current):
            merged = needed + [c for c in current if c not in needed
                               and not (c == "CAPABILITY_IAM" and "CAPABILITY_NAMED_IAM" in needed)]
            ops.append(kit.test_op(base + ("Capabilities",), current))
            ops.append(kit.replace_op(base + ("Capabilities",), merged))
        if standby.secrets:
            secrets = standby.secrets
            return Fix(f"Move the NoEcho parameter{'s' * (len(secrets) > 1)} {', '.join(secrets)} to a dynamic "
                       f"reference, then pass it to {stack_set.name}", Safety.DISPLAY_ONLY,
                       "A secret is never copied into StackSet parameters.", tuple(ops), reads=("/Parameters",))
        if standby.required:
            return Fix(f"Pass the missing parameters to {stack_set.name}", Safety.UNSAFE,
                       f"The new parameters {', '.join(standby.required)} have no defaults, so every deployment "
                       "must pass them.", tuple(ops), reads=("/Parameters",))
        return Fix(f"Pass the missing parameters and capabilities to {stack_set.name}", Safety.SAFE,
                   "It passes parameters this template already declares and acknowledges capabilities; "
                   "nothing deployed in this region changes.", tuple(ops), reads=("/Parameters",))


class _Standby(NamedTuple):
    names: dict[str, str]                  # DR parameter wanted -> the name it has
    ops: tuple[dict[str, Any], ...]        # the parameters the template lacks
    passed: tuple[tuple[str, Any], ...]    # (ParameterKey, ParameterValue) of the standby StackSet
    secrets: tuple[str, ...]               # NoEcho parameters without a default: never copied
    required: tuple[str, ...]              # new twins without defaults


class _Found(NamedTuple):
    incomplete: bool  # a StackSet is there but deploys no stack instance
    stack_set: str | None = None  # a standby StackSet that misses parameters or capabilities
    stack_set: str = ""  # a standby StackSet that misses parameters or capabilities


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


def _lacking(needed: list[str], acknowledged: list[Any]) -> list[str]:
    return [c for c in needed if c not in acknowledged
            and not (c == "CAPABILITY_IAM" and "CAPABILITY_NAMED_IAM" in acknowledged)]


def _is_standby(stack_set: Resource) -> bool:
    """Whether a StackSet deploys this same template as a standby: cfnfix's own (its TemplateURL
    is DrTemplateUrl) or one that passes DeploymentRole."""
    if stack_set.properties.get("TemplateURL") == {"Ref": "DrTemplateUrl"}:
        return True
    entries = stack_set.properties.get("Parameters")
    return isinstance(entries, list) and any(isinstance(e, dict) and e.get("ParameterKey") == "DeploymentRole"
                                             for e in entries)


# an ARN whose region field is a literal region: the value exists in that region only
_REGION_ARN = re.compile(r"arn:(?:aws[a-z-]*|\$\{AWS::Partition\}):[a-z0-9-]+:[a-z]{2}(?:-[a-z]+)+-\d:")


def _names_a_region(value: Any) -> bool:
    text = flatten(value)
    return text is not None and _REGION_ARN.search(text) is not None


def _alias_zone(link: kit.Link) -> tuple[tuple[str, ...], bool] | None:
    """Where a string of ``kit.located_strings`` is an ``AliasTarget.HostedZoneId`` (the zone of the
    alias target's endpoint), and whether it is the name of a ``Ref`` there; None elsewhere."""
    if link[1] != "HostedZoneId" and link[1] != "Ref":
        return None
    path = kit.parts(link)
    if path[-2:] == ("AliasTarget", "HostedZoneId"):
        return path, False
    if path[-3:] == ("AliasTarget", "HostedZoneId", "Ref"):
        return path[:-1], True
    return None


def _is_twin(template: Template, parameter: Parameter) -> bool:
    return parameter.name.startswith("Standby") and parameter.name[len("Standby"):] in template.parameters


def _region_bound_parameters(template: Template) -> list[Parameter]:
    """Parameters whose value belongs to the primary region, in template order: a region-bound type
    (VPC, subnet, key pair...), a default that is an ARN naming a region, or the hosted zone of an
    alias target (a regional endpoint's zone). A secret is never copied; a twin is itself the
    standby's value."""
    types = set(aws_data("global_names.json")["region_bound_parameter_types"])
    zones = {name for resource in template.resources.values() for link, name in kit.located_strings(resource.properties)
             if (zone := _alias_zone(link)) is not None and zone[1]}
    found = []
    for parameter in template.parameters.values():
        if parameter.no_echo or _is_twin(template, parameter) or parameter.name == "DeploymentRole":
            continue
        defaults = parameter.default.split(",") if isinstance(parameter.default, str) else [parameter.default]
        if parameter.type in types or parameter.name in zones \
                or (parameter.has_default and any(_names_a_region(d) for d in defaults)):
            found.append(parameter)
    return found


def _region_bound_literals(template: Template) -> tuple[str, ...]:
    """``Resource.Path`` of each literal value that belongs to one region: an ARN naming a region,
    or an alias target's hosted zone (regional endpoints have one zone per region); found once per
    template (detect and fix both ask, and the walk goes through every resource)."""
    return template.derived(_region_bound_literals, _find_region_bound_literals)


def _find_region_bound_literals(template: Template) -> tuple[str, ...]:
    global_zones = set(aws_data("global_names.json")["global_alias_hosted_zones"])
    found = []
    for resource in template.resources.values():
        regional: list[str] = []
        zones: list[tuple[str, ...]] = []
        for link, text in kit.located_strings(resource.properties):
            if "arn:" in text and _REGION_ARN.search(text):
                where = _string_or_sub(resource.properties, kit.parts(link))
                if where is not None:
                    regional.append(".".join((resource.name,) + where))
            zone = _alias_zone(link)
            if zone is not None and not zone[1] and text not in global_zones:
                # an alias target counts where it starts: before the alias targets nested in it
                anchor = zone[0][:-1]
                at = len(zones)
                while at and zones[at - 1][:len(anchor)] == anchor:
                    at -= 1
                zones.insert(at, zone[0])
        found += regional + [".".join((resource.name,) + zone) for zone in zones]
    return tuple(sorted(set(found), key=found.index))


def _string_or_sub(value: Any, path: tuple[str, ...]) -> tuple[str, ...] | None:
    """Where the value that holds the string at ``path`` is read as one text: the string itself,
    or the ``Fn::Sub`` it is the text of; None for a Sub's variable (its Sub is read, not it)."""
    item = value
    for at, key in enumerate(path):
        if isinstance(item, dict) and set(item) == {"Fn::Sub"}:
            inner = item["Fn::Sub"]
            rest = path[at:]
            return path[:at] if rest == ("Fn::Sub",) or (rest == ("Fn::Sub", "0") and isinstance(inner, list)) \
                else None
        item = item[int(key)] if isinstance(item, list) else item[key]
    return path
