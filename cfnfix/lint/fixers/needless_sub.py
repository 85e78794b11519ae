"""W1020: an Fn::Sub with no variable, unwrapped to the plain string it stands for."""

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
class Needless:
    path: tuple[str, ...]  # of the {"Fn::Sub": ...} value
    text: str              # what CloudFormation makes of it


def _plain(value: object) -> str | None:
    """The string an Fn::Sub without variables evaluates to: ``${!x}`` is a literal ``${x}``."""
    if isinstance(value, list) and len(value) == 2 and value[1] == {}:
        value = value[0]
    if not isinstance(value, str) or re.search(r"\$\{(?!!)", value):
        return None
    return value.replace("${!", "${")


class NeedlessSub(Fixer):
    """Unwraps an `Fn::Sub` that substitutes nothing.

    ## What it does
    Acts on cfn-lint's W1020: an `Fn::Sub` whose string has no `${...}` variable.

    ## Why does this fail?
    It does not fail; it makes a literal look computed, and a later `${...}` typed into it by
    hand is substituted where a literal was meant.

    ## Fix
    Replaces the `Fn::Sub` with its string; an escaped `${!x}` becomes the literal `${x}` it
    stood for.

    ## Fix safety
    Safe: the value CloudFormation computes is the same string.

    ## Options
    None.
    """

    code = "W1020"
    name = "needless-sub"
    severity = "medium"
    level = "warning"
    summary = "an Fn::Sub with no variable"
    fix_title = "replace the Fn::Sub with its string"

    def payload(self, match: Match, template: Template, matches: tuple[Match, ...]) -> Needless | None:
        if match.path[-1:] != ("Fn::Sub",):
            return None
        path = match.path[:-1]
        value = at(template, path)
        if not isinstance(value, dict) or len(value) != 1:
            return None
        text = _plain(value["Fn::Sub"])
        return Needless(path, text) if text is not None else None

    def fix(self, finding, template, plan):
        needless: Needless = payload_of(finding)
        return Fix(self.fix_title, Safety.SAFE, "The value CloudFormation computes is the same string.", (test_op(needless.path, at(template, needless.path)),
                                            replace_op(needless.path, needless.text)))

    examples = (
        Example("with-variable", "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n"
                "      LogGroupName: !Sub '/app/${AWS::StackName}'\n"),
        Example(
            "short-form",
            "Resources:\n  Alerts:\n    Type: AWS::SNS::Topic\n    Properties:\n"
            "      DisplayName: !Sub Payment alerts\n",
            "Resources:\n  Alerts:\n    Type: AWS::SNS::Topic\n    Properties:\n"
            "      DisplayName: Payment alerts\n",
            pointers=("/Resources/Alerts/Properties/DisplayName/Fn::Sub",)),
        Example(
            "escape-json",
            '{\n  "Resources": {\n    "Param": {\n      "Type": "AWS::SSM::Parameter",\n      "Properties": {\n'
            '        "Type": "String",\n        "Value": {"Fn::Sub": "${!literal}"}\n      }\n    }\n  }\n}\n',
            '{\n  "Resources": {\n    "Param": {\n      "Type": "AWS::SSM::Parameter",\n      "Properties": {\n'
            '        "Type": "String",\n        "Value": "${literal}"\n      }\n    }\n  }\n}\n',
            pointers=("/Resources/Param/Properties/Value/Fn::Sub",), format="json"),
    )

    # what each bad example's fix does to a deployed stack (the non-empty parts of its impact)
    impacts = {
        "short-form": {"modifies": ["Alerts"]},
        "escape-json": {"modifies": ["Param"]},
    }
