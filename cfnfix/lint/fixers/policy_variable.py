"""E1019: an IAM policy variable inside Fn::Sub, escaped as ${!...} so CloudFormation leaves it to IAM."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...kit import Safety
from ...rule import Example, Fix, replace_op, test_op
from ...model.template import Template
from ..edits import at, quoted
from ..fixer import Fixer, payload_of
from ..linter import Match

# an IAM policy variable or condition key: service prefix, a colon, a key (aws:username,
# aws:PrincipalTag/team, s3:prefix, cognito-identity.amazonaws.com:sub); never "::"
_POLICY_VARIABLE = re.compile(r"^[a-z][a-z0-9.-]*:[A-Za-z][A-Za-z0-9_/.-]*$")


@dataclass(frozen=True)
class Escape:
    path: tuple[str, ...]  # of the Fn::Sub string
    names: tuple[str, ...]


def is_policy_variable(name: str) -> bool:
    return "::" not in name and bool(_POLICY_VARIABLE.match(name))


class PolicyVariable(Fixer):
    """Escapes IAM policy variables inside `Fn::Sub` as `${!...}`.

    ## What it does
    Acts on cfn-lint's E1019 where the unknown `Fn::Sub` variable is an IAM policy variable
    (`${aws:username}`, `${aws:PrincipalTag/team}`, `${s3:prefix}`): a service prefix, a colon
    and a key.

    ## Why does this fail?
    CloudFormation tries to substitute the variable and rejects the template: `Template format
    error: Unresolved resource dependencies [aws:username]`. IAM was meant to read it when the
    policy is evaluated.

    ## Fix
    Writes the variable as `${!aws:username}`: `Fn::Sub` turns that into the literal
    `${aws:username}` IAM needs. Other unknown variables keep their finding.

    ## Fix safety
    Safe: the policy CloudFormation writes is the one the text says.

    ## Options
    None.
    """

    code = "E1019"
    name = "policy-variable"
    severity = "high"
    summary = "an IAM policy variable substituted by Fn::Sub"
    fix_title = "escape the policy variables as ${!...}"

    def payload(self, match: Match, template: Template, matches: tuple[Match, ...]) -> Escape | None:
        if match.path[-1:] != ("Fn::Sub",):
            return None
        value = at(template, match.path)
        path = match.path
        if isinstance(value, list) and value and isinstance(value[0], str):
            path, value = path + ("0",), value[0]
        if not isinstance(value, str):
            return None
        names = tuple(dict.fromkeys(
            quoted(m.message)[0] for m in matches
            if m.rule_id == self.code and m.path == match.path and quoted(m.message)
            and is_policy_variable(quoted(m.message)[0])))
        return Escape(path, names) if names else None

    def fix(self, finding, template: Template, plan):
        escape: Escape = payload_of(finding)
        text = at(template, escape.path)
        for name in escape.names:
            text = text.replace("${" + name + "}", "${!" + name + "}")
        return Fix(self.fix_title, Safety.SAFE, "The policy CloudFormation writes is the one the text says.",
                   (test_op(escape.path, at(template, escape.path)), replace_op(escape.path, text)))

    examples = (
        Example("escaped", "Resources:\n  Policy:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n"
                "      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n"
                "          - Effect: Allow\n            Action: s3:GetObject\n"
                "            Resource: !Sub 'arn:${AWS::Partition}:s3:::home/${!aws:username}/*'\n"),
        Example(
            "username",
            "Resources:\n  Policy:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n"
            "      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n"
            "          - Effect: Allow\n            Action: s3:GetObject\n"
            "            Resource: !Sub 'arn:${AWS::Partition}:s3:::home/${aws:username}/*'\n",
            "Resources:\n  Policy:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n"
            "      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n"
            "          - Effect: Allow\n            Action: s3:GetObject\n"
            "            Resource: !Sub 'arn:${AWS::Partition}:s3:::home/${!aws:username}/*'\n",
            pointers=("/Resources/Policy/Properties/PolicyDocument/Statement/0/Resource/Fn::Sub",)),
        Example(
            "tag-json",
            '{\n  "Resources": {\n    "Policy": {\n      "Type": "AWS::IAM::ManagedPolicy",\n      "Properties": {\n'
            '        "PolicyDocument": {\n          "Version": "2012-10-17",\n          "Statement": [{\n'
            '            "Effect": "Allow",\n            "Action": "s3:GetObject",\n'
            '            "Resource": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${aws:PrincipalTag/team}/*"}\n'
            '          }]\n        }\n      }\n    }\n  }\n}\n',
            '{\n  "Resources": {\n    "Policy": {\n      "Type": "AWS::IAM::ManagedPolicy",\n      "Properties": {\n'
            '        "PolicyDocument": {\n          "Version": "2012-10-17",\n          "Statement": [{\n'
            '            "Effect": "Allow",\n            "Action": "s3:GetObject",\n'
            '            "Resource": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${!aws:PrincipalTag/team}/*"}\n'
            '          }]\n        }\n      }\n    }\n  }\n}\n',
            pointers=("/Resources/Policy/Properties/PolicyDocument/Statement/0/Resource/Fn::Sub",), format="json"),
    )

    # what each bad example's fix does to a deployed stack (the non-empty parts of its impact)
    impacts = {
        "username": {"modifies": ["Policy"]},
        "tag-json": {"modifies": ["Policy"]},
    }
