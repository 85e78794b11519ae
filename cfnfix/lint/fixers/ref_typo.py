"""E1020: a Ref to a name the template does not have, pointed at the one name it is a typo of."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...kit import Safety
from ...rule import Example, Fix, replace_op, test_op
from ...model.template import Template
from ..edits import at, literal_list, one_close, quoted
from ..fixer import Fixer, payload_of
from ..linter import Match


@dataclass(frozen=True)
class Typo:
    path: tuple[str, ...]  # of the name
    name: str
    case_only: bool


def typo(match: Match, template: Template, last: str) -> Typo | None:
    """The one close name for a reference cfn-lint reports unknown, at a path ending in ``last``."""
    names = literal_list(match.message)
    wrong = quoted(match.message)
    if match.path[-1:] != (last,) or names is None or not wrong:
        return None
    if at(template, match.path) != wrong[0]:
        return None
    found = one_close(wrong[0], [n for n in names if isinstance(n, str)])
    return Typo(match.path, found[0], found[1]) if found is not None else None


def typo_fix(title: str, found: Typo, template: Template) -> Fix:
    ops = (test_op(found.path, at(template, found.path)), replace_op(found.path, found.name))
    if found.case_only:
        return Fix(title, Safety.SAFE, "Only the case differs, so the name meant is certain.", ops)
    return Fix(title, Safety.UNSAFE, "The new name is the one close match, a guess at a typo.", ops)


class RefTypo(Fixer):
    """Points a `Ref` to an unknown name at the one name it is a typo of.

    ## What it does
    Acts on cfn-lint's E1020 (a `Ref` names no parameter, resource or pseudo parameter). When
    exactly one name of the template (or pseudo parameter) is close to it (`Vcp` for `Vpc`,
    `AWS::region` for `AWS::Region`), the `Ref` is pointed at it.

    ## Why does this fail?
    CloudFormation rejects the template: `Template format error: Unresolved resource
    dependencies [...] in the Resources block of the template`.

    ## Fix
    Replaces the name in the `Ref`. With no close name, or several, the finding stays and asks
    for the name meant.

    ## Fix safety
    Safe when only the case differs. Otherwise unsafe: the name is a guess at a typo.

    ## Options
    None.
    """

    code = "E1020"
    name = "ref-typo"
    severity = "high"
    summary = "a Ref to a name the template does not have"
    fix_title = "point the Ref at the name it is a typo of"

    def payload(self, match: Match, template: Template, matches: tuple[Match, ...]) -> Typo | None:
        return typo(match, template, "Ref")

    def message(self, match: Match, payload: Any) -> str:
        return match.message if payload is not None else match.message + "; name one of them"

    def fix(self, finding, template: Template, plan):
        found: Typo = payload_of(finding)
        return typo_fix(f"use {found.name}", found, template)

    examples = (
        Example("known", "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n"
                "  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n"
                "      CidrBlock: 10.0.0.0/24\n"),
        Example(
            "typo",
            "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n"
            "  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vcp\n"
            "      CidrBlock: 10.0.0.0/24\n",
            "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n"
            "  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n"
            "      CidrBlock: 10.0.0.0/24\n",
            pointers=("/Resources/Subnet/Properties/VpcId/Ref",), unsafe_fixes=True),
        Example(
            "case-json",
            '{\n  "Resources": {\n    "Topic": {\n      "Type": "AWS::SNS::Topic",\n      "Properties": {\n'
            '        "TopicName": {"Fn::Join": ["-", ["alerts", {"Ref": "AWS::region"}]]}\n      }\n    }\n  }\n}\n',
            '{\n  "Resources": {\n    "Topic": {\n      "Type": "AWS::SNS::Topic",\n      "Properties": {\n'
            '        "TopicName": {"Fn::Join": ["-", ["alerts", {"Ref": "AWS::Region"}]]}\n      }\n    }\n  }\n}\n',
            pointers=("/Resources/Topic/Properties/TopicName/Fn::Join/1/1/Ref",), format="json"),
    )

    # what each bad example's fix does to a deployed stack (the non-empty parts of its impact)
    impacts = {
        "typo": {"replaces": ["Subnet"]},
        "case-json": {"replaces": ["Topic"]},
    }
