"""W3005: a DependsOn entry that a Ref or Fn::GetAtt of the same resource already implies, removed."""

from __future__ import annotations

from dataclasses import dataclass

from ...kit import Safety
from ...rule import Example, Fix, remove_op, test_op
from ...model.template import Template
from ..edits import at
from ..fixer import Fixer, payload_of
from ..linter import Match


@dataclass(frozen=True)
class Redundant:
    resource: str
    names: tuple[str, ...]  # every entry of this resource's DependsOn cfn-lint reports redundant


def _named(match: Match) -> str | None:
    """The dependency a W3005 message names: "'X' dependency already enforced by a 'Ref' at ..."."""
    head = match.message.split("'")
    return head[1] if len(head) > 2 and match.message.startswith("'") else None


class RedundantDependsOn(Fixer):
    """Removes `DependsOn` entries that a reference already implies.

    ## What it does
    Acts on cfn-lint's W3005: a resource lists in `DependsOn` a resource it already references
    with `Ref` or `Fn::GetAtt`.

    ## Why does this fail?
    It does not fail; CloudFormation already orders the two resources because of the reference.
    The extra entry is noise that hides the dependencies that are really only ordering, and it
    stays behind (forcing an order) when the reference is later removed.

    ## Fix
    Removes every such entry of the resource's `DependsOn` in one edit, and `DependsOn` itself
    when no entry is left.

    ## Fix safety
    Safe: the reference keeps the same order, so creation, update and deletion order are
    unchanged.

    ## Options
    None.
    """

    code = "W3005"
    name = "redundant-depends-on"
    severity = "medium"
    level = "warning"
    summary = "a DependsOn entry a Ref or Fn::GetAtt already implies"
    fix_title = "remove the DependsOn entries a reference already implies"

    def payload(self, match: Match, template: Template, matches: tuple[Match, ...]) -> Redundant | None:
        if len(match.path) < 3 or match.path[0] != "Resources" or match.path[2] != "DependsOn":
            return None
        resource = match.path[1]
        names = tuple(name for m in matches if m.rule_id == self.code and m.path[:3] == match.path[:3]
                      for name in [_named(m)] if name is not None)
        return Redundant(resource, names) if names else None

    def fix(self, finding, template: Template, plan):
        redundant: Redundant = payload_of(finding)
        path = ("Resources", redundant.resource, "DependsOn")
        value = at(template, path)
        if isinstance(value, str):
            keep: list[str] = [] if value in redundant.names else [value]
            entries = [value]
        elif isinstance(value, list):
            entries = value
            keep = [v for v in value if v not in redundant.names]
        else:
            return None
        if len(keep) == len(entries):
            return None
        if not keep:
            ops = (test_op(path, value), remove_op(path))
        else:
            # from the last entry up, so that earlier indexes stay valid
            ops = (test_op(path, value),
                   *(remove_op((*path, str(i))) for i in reversed(range(len(entries))) if entries[i] in redundant.names))
        return Fix(self.fix_title, Safety.SAFE, "The reference keeps the same order of creation, update and deletion.", ops)

    examples = (
        Example("ordering-only", "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n  Queue:\n"
                "    Type: AWS::SQS::Queue\n    DependsOn: Topic\n"),
        Example(
            "string",
            "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n  Sub:\n    Type: AWS::SNS::Subscription\n"
            "    DependsOn: Topic\n    Properties:\n      Protocol: email\n      Endpoint: ops@example.com\n"
            "      TopicArn: !Ref Topic\n",
            "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n  Sub:\n    Type: AWS::SNS::Subscription\n"
            "    Properties:\n      Protocol: email\n      Endpoint: ops@example.com\n"
            "      TopicArn: !Ref Topic\n",
            pointers=("/Resources/Sub/DependsOn",)),
        Example(
            "list-json",
            '{\n  "Resources": {\n    "Topic": {"Type": "AWS::SNS::Topic"},\n'
            '    "Queue": {"Type": "AWS::SQS::Queue"},\n    "Logs": {"Type": "AWS::Logs::LogGroup"},\n'
            '    "Sub": {\n      "Type": "AWS::SNS::Subscription",\n'
            '      "DependsOn": ["Topic", "Logs", "Queue"],\n      "Properties": {\n'
            '        "Protocol": "sqs",\n        "Endpoint": {"Fn::GetAtt": ["Queue", "Arn"]},\n'
            '        "TopicArn": {"Ref": "Topic"}\n      }\n    }\n  }\n}\n',
            '{\n  "Resources": {\n    "Topic": {"Type": "AWS::SNS::Topic"},\n'
            '    "Queue": {"Type": "AWS::SQS::Queue"},\n    "Logs": {"Type": "AWS::Logs::LogGroup"},\n'
            '    "Sub": {\n      "Type": "AWS::SNS::Subscription",\n'
            '      "DependsOn": ["Logs"],\n      "Properties": {\n'
            '        "Protocol": "sqs",\n        "Endpoint": {"Fn::GetAtt": ["Queue", "Arn"]},\n'
            '        "TopicArn": {"Ref": "Topic"}\n      }\n    }\n  }\n}\n',
            pointers=("/Resources/Sub/DependsOn/0", "/Resources/Sub/DependsOn/2"), format="json"),
    )

    # what each bad example's fix does to a deployed stack (the non-empty parts of its impact)
    impacts = {
        "string": {"modifies": ["Sub"]},
        "list-json": {"modifies": ["Sub"]},
    }
