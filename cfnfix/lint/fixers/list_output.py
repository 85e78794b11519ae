"""E6101: a list as an output value, joined with commas."""

from __future__ import annotations

from dataclasses import dataclass

from ...kit import Safety, intrinsic
from ...rule import Example, Fix, replace_op, test_op
from ...model.template import Template
from ..edits import at
from ..fixer import Fixer, payload_of
from ..linter import Match
from ..schema import at as schema_at

LISTS = ("Fn::GetAZs", "Fn::Split", "Fn::Cidr")  # functions that always yield a list


def is_list(value: object, template: Template) -> bool:
    """Whether a value is certainly a list: a literal list, a list function, a Ref to a list
    parameter, an Fn::GetAtt of an attribute the schema types as an array."""
    if isinstance(value, list):
        return True
    function = intrinsic(value)
    if function in LISTS:
        return True
    if function == "Ref":
        parameter = template.parameters.get(value["Ref"])  # type: ignore[index]
        return parameter is not None and (parameter.type.startswith("List<") or parameter.type == "CommaDelimitedList")
    if function == "Fn::GetAtt":
        target = value["Fn::GetAtt"]  # type: ignore[index]
        parts = target.split(".", 1) if isinstance(target, str) else target
        if not isinstance(parts, list) or len(parts) != 2 or not all(isinstance(p, str) for p in parts):
            return False
        resource = template.resources.get(parts[0])
        attribute = schema_at(resource.type, tuple(parts[1].split("."))) if resource is not None else None
        return attribute is not None and attribute.get("type") == "array"
    return False


@dataclass(frozen=True)
class Join:
    path: tuple[str, ...]  # of the output's Value


class ListOutput(Fixer):
    """Joins a list output value into one comma-separated string.

    ## What it does
    Acts on cfn-lint's E6101 where an output's `Value` is a list: a literal list, a `Ref` to a
    `List<...>` or `CommaDelimitedList` parameter, an `Fn::GetAtt` of a list attribute
    (`CidrBlockAssociations`, `DnsEntries`), `Fn::GetAZs`, `Fn::Split` or `Fn::Cidr`.

    ## Why does this fail?
    An output value must be a string. CloudFormation rejects the template: `Template format
    error: Every Outputs member must contain a Value object` / `Template error: every value of
    an Outputs member must be a string`.

    ## Fix
    Wraps the value in `Fn::Join` with `,`, the form `CommaDelimitedList` parameters and
    `Fn::Split` read back.

    ## Fix safety
    Safe: the stack could not deploy with the list; the joined string is the only string form of
    it that other stacks can split again.

    ## Options
    None.
    """

    code = "E6101"
    name = "list-output"
    severity = "high"
    summary = "a list as an output value"
    fix_title = "join the list with commas"

    def payload(self, match: Match, template: Template, matches: tuple[Match, ...]) -> Join | None:
        if len(match.path) < 3 or match.path[0] != "Outputs" or match.path[2] != "Value" \
                or "is not of type 'string'" not in match.message:
            return None
        path = match.path[:3]
        value = at(template, path)
        if is_list(value, template):
            return Join(path)
        return None

    def fix(self, finding, template: Template, plan):
        join: Join = payload_of(finding)
        value = at(template, join.path)
        return Fix(self.fix_title, Safety.SAFE, "The list could not be an output; the joined string can be split again.",
                   (test_op(join.path, value), replace_op(join.path, {"Fn::Join": [",", value]})))

    examples = (
        Example("joined", "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n"
                "Outputs:\n  Cidrs:\n    Value: !Join [',', !GetAtt Vpc.CidrBlockAssociations]\n"),
        Example(
            "getatt",
            "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n"
            "Outputs:\n  Cidrs:\n    Value: !GetAtt Vpc.CidrBlockAssociations\n",
            "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n"
            "Outputs:\n  Cidrs:\n    Value: !Join [',', !GetAtt Vpc.CidrBlockAssociations]\n",
            pointers=("/Outputs/Cidrs/Value/Fn::GetAtt",)),
        Example(
            "parameter-json",
            '{\n  "Parameters": {\n    "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"}\n  },\n'
            '  "Resources": {\n    "Logs": {"Type": "AWS::Logs::LogGroup"}\n  },\n'
            '  "Outputs": {\n    "Subnets": {"Value": {"Ref": "Subnets"}}\n  }\n}\n',
            '{\n  "Parameters": {\n    "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"}\n  },\n'
            '  "Resources": {\n    "Logs": {"Type": "AWS::Logs::LogGroup"}\n  },\n'
            '  "Outputs": {\n    "Subnets": {"Value": {"Fn::Join": [",", {"Ref": "Subnets"}]}}\n  }\n}\n',
            pointers=("/Outputs/Subnets/Value",), format="json"),
    )

    # what each bad example's fix does to a deployed stack (the non-empty parts of its impact)
    impacts = {
        "getatt": {},
        "parameter-json": {},
    }
