"""CFX505 unprotected-stateful-data: in production stacks, stateful resources with no deletion policy."""

from __future__ import annotations

from typing import NamedTuple

from .. import pointer as jp
from ..kit import Plan, Safety, add_op, type_pin
from ..rule import Finding, Fix, Rule
from ..model.template import Template
from ..values import aws_data

ATTRIBUTES = ("DeletionPolicy", "UpdateReplacePolicy")


class ProtectionPayload(NamedTuple):
    policy: str   # Snapshot or Retain


class UnprotectedStatefulData(Rule):
    """## What it does
    Only with `lifecycle = "production"` in the configuration. Finds stateful resources
    (databases, buckets, tables, file systems, queues, keys, ...: `cfnfix/data/stateful_types.json`)
    that have neither a `DeletionPolicy` nor an `UpdateReplacePolicy`. Aurora cluster members are
    left out (the cluster holds their data); a resource with one of the two is CFX503's.

    ## Why does this fail?
    Without a policy CloudFormation deletes the resource, and its data, when the stack is deleted
    or when an update replaces it (a changed create-only property, a renamed logical id). In a
    production stack that is an outage with data loss from a single mistaken change.

    ## Fix
    Adds `DeletionPolicy` and `UpdateReplacePolicy`, right after `Type`: `Snapshot` where the
    type takes snapshots (RDS, Aurora, DocumentDB, Neptune, Redshift, ElastiCache, EBS volumes:
    cfn-lint's list), else `Retain`.

    ## Fix safety
    Unsafe: retained resources outlive the stack, must be deleted by hand, and a retained fixed
    name blocks creating the stack again; snapshots are kept and billed.

    ## Options
    None. The rule runs only when `lifecycle = "production"` is set under `[tool.cfnfix]`.
    """

    code = "CFX505"
    name = "unprotected-stateful-data"
    severity = "high"
    summary = "In a production stack, a stateful resource is deleted with the stack or on replacement"
    fix_title = "Add DeletionPolicy and UpdateReplacePolicy: Snapshot where supported, else Retain"
    cfn_lint_ids = ()
    resolves = cfn_lint_ids
    lifecycle = "production"

    def detect(self, template: Template):
        stateful = set(aws_data("stateful_types.json")["types"])
        snapshots = set(aws_data("deletion_policies.json")["snapshot_types"])
        for resource in template.resources.values():
            if resource.type not in stateful or any(a in resource.raw for a in ATTRIBUTES):
                continue
            if resource.type == "AWS::RDS::DBInstance" and "DBClusterIdentifier" in resource.properties:
                continue  # an Aurora member: the cluster holds the data
            policy = "Snapshot" if resource.type in snapshots else "Retain"
            yield self.finding(
                f"{resource.type} {resource.name} has no DeletionPolicy or UpdateReplacePolicy: deleting the stack, "
                f"or an update that replaces it, deletes its data; add both: {policy}",
                ("Resources", resource.name), resource.name, payload=ProtectionPayload(policy))

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        payload: ProtectionPayload = finding.payload
        resource = template.resources[finding.resource or ""]
        keys = list(resource.raw)
        following = keys[keys.index("Type") + 1] if keys.index("Type") + 1 < len(keys) else None
        # both go right after Type: positions name keys of the original, so the second goes before
        # the key that followed Type (or last, after the first, when Type was last)
        ops = [type_pin(resource),
               add_op(("Resources", resource.name, "DeletionPolicy"), payload.policy,
                      after=jp.join(("Resources", resource.name, "Type"))),
               add_op(("Resources", resource.name, "UpdateReplacePolicy"), payload.policy,
                      before=jp.join(("Resources", resource.name, following)) if following else None)]
        return Fix(f"Add DeletionPolicy and UpdateReplacePolicy: {payload.policy}", Safety.UNSAFE,
                   "Retained resources and snapshots outlive the stack, are billed, and must be deleted by hand.",
                   tuple(ops))

