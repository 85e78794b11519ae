"""CFX504 retain-blocks-teardown: in ephemeral stacks, Retain policies leave resources behind."""

from __future__ import annotations

from typing import NamedTuple

from ..kit import Plan, Safety, replace_op, test_op, type_pin
from ..rule import Finding, Fix, Rule
from ..model.template import Template

RETAINING = ("Retain", "RetainExceptOnCreate")
ATTRIBUTES = ("DeletionPolicy", "UpdateReplacePolicy")


class RetainPayload(NamedTuple):
    attributes: tuple[tuple[str, str], ...]   # (attribute, its retaining value)


class RetainBlocksTeardown(Rule):
    """## What it does
    Only with `lifecycle = "ephemeral"` (test and preview stacks) in the configuration. Finds
    resources whose `DeletionPolicy` or `UpdateReplacePolicy` is `Retain` or
    `RetainExceptOnCreate`, and names among them the S3 buckets, which CloudFormation cannot
    delete while they hold objects.

    ## Why does this fail?
    An ephemeral stack is created and deleted many times. Each deletion leaves the retained
    resources behind: they cost money, and their fixed names (buckets, log groups, tables) make
    the next creation of the stack fail with "already exists".

    ## Fix
    Sets each retaining policy to `Delete`. A bucket that holds objects still fails to delete:
    empty it first (or give it a lifecycle rule or an emptying custom resource); the message
    names those buckets.

    ## Fix safety
    Unsafe: deleting the stack then deletes these resources and their data.

    ## Options
    None. The rule runs only when `lifecycle = "ephemeral"` is set under `[tool.cfnfix]`.
    """

    code = "CFX504"
    name = "retain-blocks-teardown"
    severity = "medium"
    summary = "In an ephemeral stack, a Retain policy leaves the resource behind on deletion"
    fix_title = "Set the policy to Delete"
    cfn_lint_ids = ()
    resolves = cfn_lint_ids
    lifecycle = "ephemeral"

    def detect(self, template: Template):
        for resource in template.resources.values():
            found = tuple((a, resource.raw[a]) for a in ATTRIBUTES if resource.raw.get(a) in RETAINING)
            if not found:
                continue
            policies = " and ".join(f"{a} {v}" for a, v in found)
            note = ("; the bucket still cannot be deleted while it holds objects: empty it before deleting the stack"
                    if resource.type == "AWS::S3::Bucket" else "")
            yield self.finding(
                f"{resource.type} {resource.name} has {policies}: every deletion of this ephemeral stack leaves it "
                f"behind, and a fixed name makes the next creation fail; set Delete{note}",
                ("Resources", resource.name, found[0][0]), resource.name, payload=RetainPayload(found))

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        payload: RetainPayload = finding.payload
        resource = template.resources[finding.resource or ""]
        ops = [type_pin(resource)]
        for attribute, value in payload.attributes:
            path = ("Resources", resource.name, attribute)
            ops += [test_op(path, value), replace_op(path, "Delete")]
        return Fix("Set " + " and ".join(a for a, _ in payload.attributes) + " to Delete", Safety.UNSAFE,
                   "Deleting the stack then deletes the resource and the data it holds.", tuple(ops))
