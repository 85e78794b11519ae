"""E1029: a ${...} variable in a plain string, the string wrapped in Fn::Sub."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...kit import Safety
from ...rule import Example, Fix, replace_op, test_op
from ...model.template import Template
from ..edits import at
from ..fixer import Fixer, payload_of
from ..linter import Match


@dataclass(frozen=True)
class Wrap:
    path: tuple[str, ...]
    text: str


class SubNeeded(Fixer):
    """Wraps a string that uses `${...}` variables in `Fn::Sub`.

    ## What it does
    Acts on cfn-lint's E1029: a plain string holds `${Name}` where `Name` is a parameter, a
    resource or a pseudo parameter (`arn:aws:s3:::${BucketName}/*`), outside any `Fn::Sub`.

    ## Why does this fail?
    The stack deploys with the literal text `${BucketName}`: a policy that matches nothing, a
    name with a dollar sign in it.

    ## Fix
    Replaces the string with `Fn::Sub` of the same text. Any `${...}` in it that is not one of the
    template's names was meant literally already and is escaped as `${!...}`.

    ## Fix safety
    Unsafe: the value changes from the literal text to the substituted one, which is what
    cfn-lint suspects was meant; some services substitute `${...}` themselves (Step Functions
    `DefinitionSubstitutions`, AppSync templates), where the literal was right.

    ## Options
    None.
    """

    code = "E1029"
    name = "sub-needed"
    severity = "high"
    summary = "a ${...} variable outside Fn::Sub"
    fix_title = "wrap the string in Fn::Sub"

    def payload(self, match: Match, template: Template, matches: tuple[Match, ...]) -> Wrap | None:
        if not match.path or match.path[0] not in ("Resources", "Outputs"):
            return None
        text = at(template, match.path)
        if not isinstance(text, str):
            return None
        known = {*template.parameters, *template.resources, "AWS::AccountId", "AWS::NotificationARNs",
                 "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"}

        def keep_or_escape(found: re.Match[str]) -> str:
            name = found.group(1).split(".", 1)[0]
            return found.group(0) if name in known else "${!" + found.group(1) + "}"

        variables = [v.split(".", 1)[0] for v in re.findall(r"\$\{(?!!)([^}]*)\}", text)]
        if not any(v in known for v in variables):
            return None  # none of its variables is the template's: a service's own substitution
        return Wrap(match.path, re.sub(r"\$\{(?!!)([^}]*)\}", keep_or_escape, text))

    def fix(self, finding, template: Template, plan):
        wrap: Wrap = payload_of(finding)
        return Fix(self.fix_title, Safety.UNSAFE,
                   "The value becomes the substituted text instead of the literal one.",
                   (test_op(wrap.path, at(template, wrap.path)), replace_op(wrap.path, {"Fn::Sub": wrap.text})))

    examples = (
        Example("in-sub", "Parameters:\n  App:\n    Type: String\nResources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n"
                "    Properties:\n      LogGroupName: !Sub /app/${App}\n"),
        Example(
            "plain",
            "Parameters:\n  App:\n    Type: String\nResources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n"
            "    Properties:\n      LogGroupName: /app/${App}/${AWS::Region}\n",
            "Parameters:\n  App:\n    Type: String\nResources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n"
            "    Properties:\n      LogGroupName: !Sub /app/${App}/${AWS::Region}\n",
            pointers=("/Resources/Logs/Properties/LogGroupName", "/Resources/Logs/Properties/LogGroupName"),
            unsafe_fixes=True),
        Example(
            "output-json",
            '{\n  "Resources": {\n    "Bucket": {"Type": "AWS::S3::Bucket"}\n  },\n'
            '  "Outputs": {\n    "Url": {"Value": "https://${Bucket}.s3.amazonaws.com"}\n  }\n}\n',
            '{\n  "Resources": {\n    "Bucket": {"Type": "AWS::S3::Bucket"}\n  },\n'
            '  "Outputs": {\n    "Url": {"Value": {"Fn::Sub": "https://${Bucket}.s3.amazonaws.com"}}\n  }\n}\n',
            pointers=("/Outputs/Url/Value",), format="json", unsafe_fixes=True),
    )

    # what each bad example's fix does to a deployed stack (the non-empty parts of its impact)
    impacts = {
        "plain": {"replaces": ["Logs"]},
        "output-json": {},
    }
