"""E1010: an Fn::GetAtt of a resource the template does not have, pointed at the one it is a typo of."""

from __future__ import annotations

from typing import Any

from ...rule import Example
from ...model.template import Template
from ..fixer import Fixer, payload_of
from ..linter import Match
from .ref_typo import Typo, typo, typo_fix


class GetAttTypo(Fixer):
    """Points an `Fn::GetAtt` of an unknown resource at the one resource it is a typo of.

    ## What it does
    Acts on cfn-lint's E1010 (an `Fn::GetAtt` names no resource of the template). When exactly
    one resource's logical id is close to it (`Bukcet` for `Bucket`), the `Fn::GetAtt` is
    pointed at it.

    ## Why does this fail?
    CloudFormation rejects the template: `Template error: instance of Fn::GetAtt references
    undefined resource`.

    ## Fix
    Replaces the logical id, keeping the attribute. With no close id, or several, the finding
    stays and asks for the resource meant.

    ## Fix safety
    Safe when only the case differs. Otherwise unsafe: the id is a guess at a typo.

    ## Options
    None.
    """

    code = "E1010"
    name = "getatt-typo"
    severity = "high"
    summary = "an Fn::GetAtt of a resource the template does not have"
    fix_title = "point the Fn::GetAtt at the resource it is a typo of"

    def payload(self, match: Match, template: Template, matches: tuple[Match, ...]) -> Typo | None:
        if match.path[-2:-1] != ("Fn::GetAtt",):
            return None
        return typo(match, template, "0")

    def message(self, match: Match, payload: Any) -> str:
        return match.message if payload is not None else match.message + "; name one of them"

    def fix(self, finding, template: Template, plan):
        found: Typo = payload_of(finding)
        return typo_fix(f"use {found.name}", found, template)

    examples = (
        Example("known", "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n  Topic:\n    Type: AWS::SNS::Topic\n"
                "    Properties:\n      DisplayName: !GetAtt Queue.QueueName\n"),
        Example(
            "typo",
            "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n  Topic:\n    Type: AWS::SNS::Topic\n"
            "    Properties:\n      DisplayName: !GetAtt Queu.QueueName\n",
            "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n  Topic:\n    Type: AWS::SNS::Topic\n"
            "    Properties:\n      DisplayName: !GetAtt Queue.QueueName\n",
            pointers=("/Resources/Topic/Properties/DisplayName/Fn::GetAtt/0",), unsafe_fixes=True),
        Example(
            "case-json",
            '{\n  "Resources": {\n    "Queue": {"Type": "AWS::SQS::Queue"},\n    "Topic": {\n'
            '      "Type": "AWS::SNS::Topic",\n      "Properties": {\n'
            '        "DisplayName": {"Fn::GetAtt": ["queue", "QueueName"]}\n      }\n    }\n  }\n}\n',
            '{\n  "Resources": {\n    "Queue": {"Type": "AWS::SQS::Queue"},\n    "Topic": {\n'
            '      "Type": "AWS::SNS::Topic",\n      "Properties": {\n'
            '        "DisplayName": {"Fn::GetAtt": ["Queue", "QueueName"]}\n      }\n    }\n  }\n}\n',
            pointers=("/Resources/Topic/Properties/DisplayName/Fn::GetAtt/0",), format="json"),
    )

    # what each bad example's fix does to a deployed stack (the non-empty parts of its impact)
    impacts = {
        "typo": {"modifies": ["Topic"]},
        "case-json": {"modifies": ["Topic"]},
    }
