"""CFX503 one-sided-deletion-policy: a DeletionPolicy without an UpdateReplacePolicy, or the reverse."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from .. import pointer as jp
from ..kit import Plan, Safety, add_op, intrinsic, test_op
from ..rule import Finding, Fix, Rule
from ..model.template import Template
from ..values import aws_data

# what cfn-lint (W3011) leaves out too: old versions are kept on purpose, and replacing one keeps it anyway
EXEMPT_TYPES = ("AWS::Lambda::Version", "AWS::Lambda::LayerVersion")
# UpdateReplacePolicy takes Delete, Retain and Snapshot: RetainExceptOnCreate is a DeletionPolicy only
REPLACE_VALUE = {"RetainExceptOnCreate": "Retain"}


class PolicyPayload(NamedTuple):
    present: str   # the attribute the resource has
    missing: str   # the one to add
    value: Any


class OneSidedDeletionPolicy(Rule):
    """## What it does
    Finds resources with a `DeletionPolicy` and no `UpdateReplacePolicy`, or an
    `UpdateReplacePolicy` and no `DeletionPolicy`, when the one given is not `Delete` (the
    default, which needs no partner). A value the attribute cannot take (`Snapshot` on a type
    without snapshots, a made-up word) is left to cfn-lint's E3035 and E3036: copying it would
    add a second error.

    ## Why does this fail?
    The two attributes guard different events. `DeletionPolicy: Snapshot` keeps a snapshot when
    the resource is deleted with its stack, but when an update replaces the resource (a change to
    a create-only property such as a database's `DBClusterIdentifier` or a bucket's name) the old
    one is removed under `UpdateReplacePolicy`, which defaults to `Delete`: the data goes without
    the snapshot the author asked for.

    ## Fix
    Adds the missing attribute, right after the one present, with the same value.
    `DeletionPolicy: RetainExceptOnCreate` gets `UpdateReplacePolicy: Retain` (the value
    `RetainExceptOnCreate` exists only for deletion).

    ## Fix safety
    Safe: it changes nothing that is deployed, only what CloudFormation keeps when it replaces
    or deletes the resource, in the direction the author already chose.

    ## Options
    None.
    """

    code = "CFX503"
    name = "one-sided-deletion-policy"
    severity = "medium"
    summary = "A DeletionPolicy has no matching UpdateReplacePolicy, or the reverse"
    fix_title = "Add the missing policy with the same value"
    cfn_lint_ids = ("W3011",)
    resolves = cfn_lint_ids

    def detect(self, template: Template):
        for resource in template.resources.values():
            if resource.type in EXEMPT_TYPES:
                continue
            raw = resource.raw
            has_deletion, has_replace = "DeletionPolicy" in raw, "UpdateReplacePolicy" in raw
            if has_deletion == has_replace:
                continue
            present, missing = (("DeletionPolicy", "UpdateReplacePolicy") if has_deletion
                                else ("UpdateReplacePolicy", "DeletionPolicy"))
            value = raw[present]
            if value == "Delete" or not _valid(value, present, resource.type):
                continue  # Delete needs no partner; an invalid value (cfn-lint E3035/E3036) is not copied
            if missing == "UpdateReplacePolicy" and isinstance(value, str):
                value = REPLACE_VALUE.get(value, value)
            shown = value if isinstance(value, str) else "the same value"
            yield self.finding(
                f"{resource.type} {resource.name} has {present} {_shown(raw[present])} but no {missing}: "
                + ("an update that replaces it deletes the old one without what the policy keeps"
                   if missing == "UpdateReplacePolicy" else "deleting the stack deletes it")
                + f"; add {missing}: {shown}",
                ("Resources", resource.name, present), resource.name,
                payload=PolicyPayload(present, missing, value))

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        payload: PolicyPayload = finding.payload
        name = finding.resource or ""
        pin = test_op(("Resources", name, payload.present), template.resources[name].raw[payload.present])
        add = add_op(("Resources", name, payload.missing), payload.value,
                     after=jp.join(("Resources", name, payload.present)))
        shown = payload.value if isinstance(payload.value, str) else "the same value"
        return Fix(f"Add {payload.missing}: {shown}", Safety.SAFE,
                   "It changes nothing deployed, only what CloudFormation keeps, as the author already chose.",
                   (pin, add))


def _valid(value: Any, attribute: str, resource_type: str) -> bool:
    table = aws_data("deletion_policies.json")
    if isinstance(value, str):
        return value in table["values"][attribute] and (value != "Snapshot" or resource_type in table["snapshot_types"])
    # an intrinsic CloudFormation resolves here; one with RetainExceptOnCreate inside cannot be an UpdateReplacePolicy
    return intrinsic(value) in table["functions"] and "RetainExceptOnCreate" not in json.dumps(value)


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else "(an intrinsic)"
