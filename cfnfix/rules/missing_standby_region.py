"""CFX202 missing-standby-region: nothing deploys a standby copy of the stack to a second region."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from dataclasses import dataclass

from .. import kit
from ..disaster_recovery import deployment_role_parameter, is_primary, public_albs
from ..kit import Plan, Safety
from ..rule import Finding, Fix, NoOptions, Rule
from ..model.template import Template
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
    `Standby<Name>` parameter passed in its place. Only what is missing is added.

    A self-managed StackSet needs two IAM roles that this fix does not create:
    `AWSCloudFormationStackSetAdministrationRole` in this account and
    `AWSCloudFormationStackSetExecutionRole` in the target account (here the same account).
    Data is not replicated by this fix: Aurora global databases, DynamoDB global tables and S3
    replication are separate decisions. Resources whose fixed names are account-wide (IAM role
    names, bucket names without `${AWS::Region}`) would collide in the standby region; the
    message names them.

    A template that already has a StackSet is only checked for what it lacks: a StackSet that
    deploys no stack instance is reported, with no fix (the accounts and regions are the owner's
    decision).

    ## Fix safety
    Safe: the StackSet stays off until `DrTemplateUrl` is set (`template-url` gives it a
    default). Unsafe when it must add `Standby<Name>` parameters without defaults (every deployment
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
                                   "with the standby region", ("Resources", first.name), first.name,
                                   _Found(incomplete=True))
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
                           f"({self.options.standby_region}){note}", pointer, albs[0].name if albs else None,
                           _Found(incomplete=False))

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        if finding.payload.incomplete:
            return None  # which accounts and regions is the owner's decision
        region_bound = set(aws_data("global_names.json")["region_bound_parameter_types"])
        secrets = [p.name for p in template.parameters.values() if p.no_echo and not p.has_default]
        ops: list[dict[str, Any]] = []
        if finding.resource:
            ops.append(kit.type_pin(template.resources[finding.resource]))
        wanted: dict[str, dict[str, Any]] = {
            "DeploymentRole": deployment_role_parameter(),
            "StandbyRegion": {"Type": "String", "Default": self.options.standby_region,
                              "Description": "Region of the standby stack"},
            "DrTemplateUrl": {"Type": "String", "Default": self.options.template_url,
                              "Description": "S3 URL of this template for the standby stack; empty keeps it off"},
        }
        copied: list[tuple[str, str, bool]] = []  # (parameter, the parameter its value comes from, a list)
        for parameter in template.parameters.values():
            if parameter.has_default or parameter.no_echo or parameter.name == "DeploymentRole":
                continue
            source = parameter.name
            if parameter.type in region_bound:
                source = f"Standby{parameter.name}"
                wanted[source] = {"Type": parameter.type, "Description": f"{parameter.name} in the standby region"}
            copied.append((parameter.name, source,
                           parameter.type.startswith("List<") or parameter.type == "CommaDelimitedList"))
        names: dict[str, str] = {}  # wanted name -> the name the plan gives it
        for name, spec in wanted.items():
            names[name], added = plan.ensure_parameter(name, spec)
            ops += added
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
        # the standby stack is this same template: its parameters have the names this one has (the
        # fix reads them all, so one that adds a parameter in the same pass makes it wait a pass)
        passed: list[dict[str, Any]] = [{"ParameterKey": names["DeploymentRole"], "ParameterValue": "standby"}]
        for parameter, source, is_list in copied:
            value: Any = {"Ref": names.get(source, source)}
            passed.append({"ParameterKey": parameter,
                           "ParameterValue": {"Fn::Join": [",", value]} if is_list else value})
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
        properties["Parameters"] = passed
        stack_set = {"Type": "AWS::CloudFormation::StackSet", "Condition": conditions["CreateDrStackSet"],
                     "Properties": properties}
        ops.append(kit.add_op(("Resources", plan.fresh_id("StandbyStackSet")), stack_set))
        if secrets:
            return Fix(f"Move the NoEcho parameter{'s' * (len(secrets) > 1)} {', '.join(secrets)} to a dynamic "
                       "reference, then add the standby StackSet", Safety.DISPLAY_ONLY,
                       "A secret is never copied into StackSet parameters.", tuple(ops), reads=("/Parameters",))
        new_required = [names[source] for parameter, source, _ in copied
                        if source != parameter and source not in template.parameters]
        if new_required:
            return Fix("Add the standby StackSet", Safety.UNSAFE,
                       f"The new parameters {', '.join(new_required)} have no defaults, so every deployment "
                       "must pass them.", tuple(ops), reads=("/Parameters",))
        return Fix("Add the standby StackSet, off until DrTemplateUrl is set", Safety.SAFE,
                   "The StackSet stays off until DrTemplateUrl is set, and every new parameter has a default.",
                   tuple(ops), reads=("/Parameters",))


@dataclass(frozen=True)
class _Found:
    incomplete: bool  # a StackSet is there but deploys no stack instance


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
