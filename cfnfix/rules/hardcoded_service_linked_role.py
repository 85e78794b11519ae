"""CFX101 hardcoded-service-linked-role: a ScalableTarget's RoleARN names a service-linked role."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from .. import kit
from .. import pointer as jp
from ..kit import Plan, Safety
from ..rule import Finding, Fix, Rule
from ..model.template import Resource, Template
from ..values import WILDCARD, aws_data, flatten

# a partition or account part: literal, ${AWS::Partition}-style variables (which hold colons), or unknown
_PART = r"(?:\$\{[^}]*\}|[^:])*"
_SLR_ARN = re.compile(rf"^arn:{_PART}:iam::{_PART}:role/aws-service-role/(?P<principal>[^/]+)/(?P<role>[^/]*)$")
TARGET = "AWS::ApplicationAutoScaling::ScalableTarget"
_REMOVE_REASON = ("Application Auto Scaling then uses its service-linked role, which it creates where "
                  "it does not exist yet.")


@dataclass(frozen=True)
class Options:
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
        table = aws_data("application_autoscaling_roles.json")
        # every target of a namespace is served by the role named after its first target
        first: dict[str | None, str] = {}
        for target in template.of_type(TARGET):
            path = ("Resources", target.name, "Properties", "RoleARN")
            for where, arn in kit.walk(target.properties, "RoleARN", path[:-1]):
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
                    where, target.name,
                    _Found(namespace, arn, where != path, first.setdefault(namespace, target.name)))

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        table = aws_data("application_autoscaling_roles.json")
        found: _Found = finding.payload
        namespace = found.namespace
        pin = kit.test_op(finding.pointer, found.arn)
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
            if found.branch:
                # removing an item would shift the Fn::If; AWS::NoValue leaves RoleARN out in that branch
                return Fix("Leave RoleARN out in that Fn::If branch so Application Auto Scaling uses its "
                           "service-linked role" + fallback, Safety.SAFE, _REMOVE_REASON,
                           (pin, kit.replace_op(finding.pointer, {"Ref": "AWS::NoValue"})))
            return Fix("Remove RoleARN so Application Auto Scaling uses its service-linked role" + fallback,
                       Safety.SAFE, _REMOVE_REASON, (pin, kit.remove_op(finding.pointer)))
        trust = emr["trust"] if emr else [table["trust"]]
        explicit = self.options.strategy != "auto" or emr
        safety = Safety.UNSAFE if explicit and not has_iam else Safety.SAFE
        reason = ("It adds the template's first IAM resource, so deploying it now needs CAPABILITY_IAM."
                  if safety == Safety.UNSAFE else
                  "The template already declares IAM resources, and a role of its own changes nothing else.")
        existing = _existing_role(template, policy, trust)
        if existing:
            return Fix(f"Use the role {existing} in RoleARN", safety, reason,
                       (pin, kit.replace_op(finding.pointer, {"Fn::GetAtt": [existing, "Arn"]})))
        # every target of the namespace aims at the role of its first one, added once per pass
        wanted = "ServiceAutoScalingRole" if plan.is_free("ServiceAutoScalingRole") else f"{found.first}AutoScalingRole"
        name, ops = plan.ensure_resource(wanted, _role(template, policy, trust, emr is not None),
                                         before=jp.join(("Resources", found.first)))
        return Fix(f"Add the role {name} and use it in RoleARN", safety, reason, (
            pin, *ops, kit.replace_op(finding.pointer, {"Fn::GetAtt": [name, "Arn"]})))


class _Found(NamedTuple):
    namespace: str | None
    arn: Any
    branch: bool  # in a branch of an Fn::If
    first: str    # the namespace's first target, whose role serves them all


def _namespace(target: Resource, principal: str, table: dict[str, Any]) -> str | None:
    namespace = target.properties.get("ServiceNamespace")
    if isinstance(namespace, str):
        return namespace
    prefix = principal.split(".")[0]
    return prefix if prefix in table["namespaces"] else None


def _existing_role(template: Template, policy: str, trust: list[str]) -> str | None:
    """A role of the template that already trusts Application Auto Scaling with this policy."""
    for name, document, arns in template.derived(_roles, _roles):
        if trust[-1] in document and any(arn.endswith("/" + policy) for arn in arns):
            return name
    return None


def _roles(template: Template) -> list[tuple[str, str, tuple[str, ...]]]:
    """Each role's name, trust policy as text and managed policy ARNs: read once per template,
    not once per scalable target."""
    roles = []
    for role in template.of_type("AWS::IAM::Role"):
        document = role.properties.get("AssumeRolePolicyDocument")
        arns = role.properties.get("ManagedPolicyArns")
        if isinstance(document, dict) and isinstance(arns, list):
            roles.append((role.name, str(document), tuple(flatten(a) or "" for a in arns)))
    return roles


def _role(template: Template, policy: str, trust: list[str], emr: bool) -> dict[str, Any]:
    service: Any = trust[0] if len(trust) == 1 else list(trust)
    properties: dict[str, Any] = {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
        },
        "ManagedPolicyArns": [{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/" + policy}],
    }
    tag = kit.name_tag(template, "emr-autoscaling-role" if emr else "autoscaling-role")
    if tag is not None:
        properties["Tags"] = [tag]
    return {"Type": "AWS::IAM::Role", "Properties": properties}
