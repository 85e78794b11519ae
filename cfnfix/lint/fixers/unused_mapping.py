"""W7001: a mapping no Fn::FindInMap reads, removed."""

from __future__ import annotations

from dataclasses import dataclass

from ...kit import Safety
from ...rule import Example, Fix
from ...model.template import Template
from ..edits import remove_entries, unused_entries
from ..fixer import Fixer, payload_of
from ..linter import Match


@dataclass(frozen=True)
class Unused:
    names: tuple[str, ...]  # every mapping cfn-lint reports unused, so one fix removes them all


class UnusedMapping(Fixer):
    """Removes mappings that no `Fn::FindInMap` reads.

    ## What it does
    Acts on cfn-lint's W7001: a mapping in `Mappings` that no `Fn::FindInMap` names.

    ## Why does this fail?
    It does not fail a deployment; an unused mapping is dead data that readers take for live
    configuration (an AMI table nobody reads is still "updated" by hand for years).

    ## Fix
    Removes every unused mapping in one edit, and the `Mappings` section when none is left.

    ## Fix safety
    Safe: nothing reads the mapping, so the deployed stack is unchanged.

    ## Options
    None.
    """

    code = "W7001"
    name = "unused-mapping"
    severity = "medium"
    level = "warning"
    summary = "a mapping no Fn::FindInMap reads"
    fix_title = "remove the unused mappings"

    def payload(self, match: Match, template: Template, matches: tuple[Match, ...]) -> Unused | None:
        names = unused_entries("Mappings", self.code, matches)
        return Unused(tuple(names)) if match.path[1:] and match.path[1] in names else None

    def fix(self, finding, template, plan):
        unused: Unused = payload_of(finding)
        ops = remove_entries(template, "Mappings", list(unused.names))
        return Fix(self.fix_title, Safety.SAFE, "Nothing reads the mapping, so no resource or output changes.", ops) if ops else None

    examples = (
        Example("used", "Mappings:\n  Sizes:\n    dev:\n      Days: 7\nResources:\n  Logs:\n"
                "    Type: AWS::Logs::LogGroup\n    Properties:\n"
                "      RetentionInDays: !FindInMap [Sizes, dev, Days]\n"),
        Example(
            "one-unused",
            "Mappings:\n  Sizes:\n    dev:\n      Days: 7\n  Amis:\n    us-east-1:\n      Id: ami-12345678\n"
            "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n"
            "      RetentionInDays: !FindInMap [Sizes, dev, Days]\n",
            "Mappings:\n  Sizes:\n    dev:\n      Days: 7\n"
            "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n"
            "      RetentionInDays: !FindInMap [Sizes, dev, Days]\n",
            pointers=("/Mappings/Amis",)),
        Example(
            "only-mapping-json",
            '{\n  "Mappings": {\n    "Amis": {"us-east-1": {"Id": "ami-12345678"}}\n  },\n'
            '  "Resources": {\n    "Logs": {"Type": "AWS::Logs::LogGroup"}\n  }\n}\n',
            '{\n  "Resources": {\n    "Logs": {"Type": "AWS::Logs::LogGroup"}\n  }\n}\n',
            pointers=("/Mappings/Amis",), format="json"),
    )

    # what each bad example's fix does to a deployed stack (the non-empty parts of its impact)
    impacts = {
        "one-unused": {},
        "only-mapping-json": {},
    }
