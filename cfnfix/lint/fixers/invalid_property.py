"""E3002: a property the resource type does not have: renamed, moved under its parent, or (Tags) dropped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ... import pointer as jp
from ...kit import Safety
from ...rule import Example, Fix, add_op, remove_op, test_op
from ...model.template import Template
from ...values import aws_data
from ..edits import at, one_close
from ..fixer import Fixer, payload_of
from ..linter import Match
from ..schema import at as schema_at
from ..schema import property_names


@dataclass(frozen=True)
class Repair:
    kind: str                    # "rename", "move" or "drop"
    path: tuple[str, ...]        # of the invalid property
    target: tuple[str, ...] = ()  # where its value goes (rename, move)
    parent_exists: bool = True   # move: whether the parent object is already there
    why: str = ""


def _candidates(name: str, names: tuple[str, ...], type_name: str, top: bool) -> list[str]:
    """The names the property may have meant: a curated rename, one differing only in case, or
    the close matches of the schema's names."""
    curated = aws_data("property_renames.json")["renames"].get(type_name, {}) if top else {}
    if curated.get(name) in names:
        return [curated[name]]
    same = [n for n in names if n.lower() == name.lower()]
    if same:
        return same
    found = one_close(name, list(names))
    return [found[0]] if found is not None else []


def _parents(name: str, type_name: str, where: tuple[str, ...], names: tuple[str, ...]) -> list[str]:
    """The object properties at this level whose own properties include ``name``."""
    found = []
    for parent in names:
        inner = property_names(type_name, (*where, parent))
        if inner is not None and name in inner:
            found.append(parent)
    return found


class InvalidProperty(Fixer):
    """Repairs a property the resource type does not have.

    ## What it does
    Acts on cfn-lint's E3002 (additional properties are not allowed). It reads the property
    names the provider schema allows at that place (cfn-lint's bundled schemas) and finds what
    was meant: a name differing only in case (`RoleArn` for `RoleARN`), a curated rename
    (`cfnfix/data/property_renames.json`: `Name` for `BucketName`...), or exactly one close name
    (one edit away, or a similarity ratio of 0.8); a property that belongs to exactly one object
    property at that level (Route 53 health-check settings outside `HealthCheckConfig`); or
    `Tags` on a type that has no tags.

    ## Why does this fail?
    CloudFormation rejects the template: `Encountered unsupported property`. The stack is not
    created, or its update fails and rolls back.

    ## Fix
    Renames the property, keeping its value and its place; moves it under its parent (creating the
    parent where it is missing); or removes `Tags`. Where no single repair is certain (no close
    name, or several), the finding stays and its message says to rename or remove it by hand.

    ## Fix safety
    A case-only rename, a curated rename and a move are safe: the template could not deploy, and
    the value goes where the schema says it belongs. A rename to the one close name is unsafe: it
    is a guess at a typo. Dropping `Tags` is unsafe: the tags are lost, not moved. The impact can
    make any of them unsafe (a create-only property replaces the resource).

    ## Options
    None.
    """

    code = "E3002"
    name = "invalid-property"
    severity = "high"
    summary = "a property the resource type does not have"
    fix_title = "rename, move or drop the property"

    def payload(self, match: Match, template: Template, matches: tuple[Match, ...]) -> Repair | None:
        path = match.path
        if len(path) < 4 or path[0] != "Resources" or path[2] != "Properties" or "unexpected" not in match.message:
            return None
        resource = template.resources.get(path[1])
        if resource is None:
            return None
        name, where = path[-1], path[3:-1]
        names = property_names(resource.type, where)
        if names is None or name in names:
            return None
        parent = at(template, path[:-1])
        if not isinstance(parent, dict) or name not in parent:
            return None
        if not where:
            # read-only attributes are in the schema's properties too, never set in a template
            read_only = {p.rsplit("/", 1)[-1] for p in (schema_at(resource.type, ()) or {}).get("readOnlyProperties", [])}
            names = tuple(n for n in names if n not in read_only)
        moves = _parents(name, resource.type, where, names)
        if len(moves) == 1:
            target_parent = at(template, path[:-1] + (moves[0],))
            if target_parent is None or (isinstance(target_parent, dict) and name not in target_parent):
                return Repair("move", path, path[:-1] + (moves[0], name), target_parent is not None)
        candidates = [c for c in _candidates(name, names, resource.type, not where) if c not in parent]
        if len(candidates) == 1:
            kind = "rename" if candidates[0].lower() == name.lower() or not where and \
                aws_data("property_renames.json")["renames"].get(resource.type, {}).get(name) == candidates[0] \
                else "guess"
            return Repair(kind, path, path[:-1] + (candidates[0],))
        if name == "Tags" and not where and "Tags" not in names:
            return Repair("drop", path, why="the type has no Tags")
        return None

    def message(self, match: Match, payload: Any) -> str:
        if payload is not None:
            return match.message
        return match.message + "; no single property fits: rename it by hand or remove it"

    def fix(self, finding, template: Template, plan):
        repair: Repair = payload_of(finding)
        value = at(template, repair.path)
        pin = test_op(repair.path, value)
        if repair.kind == "drop":
            return Fix("remove Tags", Safety.UNSAFE, "The type has no tags: the tags are dropped, not moved.",
                       (pin, remove_op(repair.path)))
        if repair.kind == "move":
            parent = repair.target[:-1]
            add = add_op(repair.target, value) if repair.parent_exists else \
                add_op(parent, {repair.target[-1]: value}, before=jp.join(repair.path))
            return Fix(f"move {repair.path[-1]} under {parent[-1]}", Safety.SAFE,
                       "The schema allows the property only under that parent, so the value goes where it belongs.",
                       (pin, add, remove_op(repair.path)))
        new = repair.target[-1]
        ops = (pin, add_op(repair.target, value, before=jp.join(repair.path)), remove_op(repair.path))
        if repair.kind == "rename":
            return Fix(f"rename {repair.path[-1]} to {new}", Safety.SAFE,
                       "The name differs only in case or is a known alias, so the intended property is certain.", ops)
        return Fix(f"rename {repair.path[-1]} to {new}", Safety.UNSAFE,
                   "The new name is the one close match, a guess at a typo.", ops)

    examples = (
        Example("valid", "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n"
                "      RetentionInDays: 7\n"),
        Example(
            "case-only",
            "Resources:\n  Target:\n    Type: AWS::ApplicationAutoScaling::ScalableTarget\n    Properties:\n"
            "      MaxCapacity: 2\n      MinCapacity: 1\n      ResourceId: service/c/s\n"
            "      RoleArn: !GetAtt ScalingRole.Arn  # the role below\n"
            "      ScalableDimension: ecs:service:DesiredCount\n      ServiceNamespace: ecs\n"
            "  ScalingRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n",
            "Resources:\n  Target:\n    Type: AWS::ApplicationAutoScaling::ScalableTarget\n    Properties:\n"
            "      MaxCapacity: 2\n      MinCapacity: 1\n      ResourceId: service/c/s\n"
            "      RoleARN: !GetAtt ScalingRole.Arn\n"
            "      ScalableDimension: ecs:service:DesiredCount\n      ServiceNamespace: ecs\n"
            "  ScalingRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n",
            pointers=("/Resources/Target/Properties/RoleArn",)),
        Example(
            "misplaced",
            "Resources:\n  Check:\n    Type: AWS::Route53::HealthCheck\n    Properties:\n"
            "      HealthCheckConfig:\n        Type: HTTPS\n        FullyQualifiedDomainName: api.example.com\n"
            "      ResourcePath: /health\n",
            "Resources:\n  Check:\n    Type: AWS::Route53::HealthCheck\n    Properties:\n"
            "      HealthCheckConfig:\n        Type: HTTPS\n        FullyQualifiedDomainName: api.example.com\n"
            "        ResourcePath: /health\n",
            pointers=("/Resources/Check/Properties/ResourcePath",)),
        Example(
            "misplaced-no-parent-json",
            '{\n  "Resources": {\n    "Check": {\n      "Type": "AWS::Route53::HealthCheck",\n      "Properties": {\n'
            '        "Type": "HTTPS",\n        "FullyQualifiedDomainName": "api.example.com"\n      }\n    }\n  }\n}\n',
            '{\n  "Resources": {\n    "Check": {\n      "Type": "AWS::Route53::HealthCheck",\n      "Properties": {\n'
            '        "HealthCheckConfig": {\n          "Type": "HTTPS",\n'
            '          "FullyQualifiedDomainName": "api.example.com"\n        }\n      }\n    }\n  }\n}\n',
            pointers=("/Resources/Check/Properties/Type", "/Resources/Check/Properties/FullyQualifiedDomainName"),
            format="json"),
        Example(
            "typo",
            "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n"
            "      IsLoging: true\n      S3BucketName: audit-logs\n",
            "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n"
            "      IsLogging: true\n      S3BucketName: audit-logs\n",
            pointers=("/Resources/Trail/Properties/IsLoging",), unsafe_fixes=True),
        Example(
            "tags-json",
            '{\n  "Resources": {\n    "Policy": {\n      "Type": "AWS::IAM::ManagedPolicy",\n'
            '      "Properties": {\n        "PolicyDocument": {"Version": "2012-10-17", "Statement": []},\n'
            '        "Tags": [{"Key": "team", "Value": "payments"}]\n      }\n    }\n  }\n}\n',
            '{\n  "Resources": {\n    "Policy": {\n      "Type": "AWS::IAM::ManagedPolicy",\n'
            '      "Properties": {\n        "PolicyDocument": {"Version": "2012-10-17", "Statement": []}\n'
            '      }\n    }\n  }\n}\n',
            pointers=("/Resources/Policy/Properties/Tags",), format="json", unsafe_fixes=True),
    )

    # what each bad example's fix does to a deployed stack (the non-empty parts of its impact)
    impacts = {
        "case-only": {"modifies": ["Target"]},
        "misplaced": {"modifies": ["Check"]},
        "misplaced-no-parent-json": {"replaces": ["Check"]},
        "typo": {"modifies": ["Trail"]},
        "tags-json": {"modifies": ["Policy"]},
    }
