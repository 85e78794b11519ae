"""W8001: a condition no resource, output or other condition uses, removed."""

from __future__ import annotations

from dataclasses import dataclass

from ...kit import Safety, referenced
from ...rule import Example, Fix
from ...model.template import Template
from ..edits import remove_entries, unused_entries
from ..fixer import Fixer, payload_of
from ..linter import Match


@dataclass(frozen=True)
class Unused:
    names: tuple[str, ...]  # every condition cfn-lint reports unused, so one fix removes them all
    orphans: tuple[str, ...] = ()  # parameters only these conditions use: removing them is not this fix's call


def orphaned_parameters(template: Template, names: set[str]) -> tuple[str, ...]:
    """The parameters that only the conditions ``names`` reference."""
    conditions = template.data.get("Conditions")
    if not isinstance(conditions, dict):
        return ()
    used_by_them = set().union(*(referenced(conditions[n]) for n in names if n in conditions))
    rest = {k: v for k, v in template.data.items() if k not in ("Parameters", "Metadata", "Conditions")}
    rest["Conditions"] = {k: v for k, v in conditions.items() if k not in names}
    still = referenced(rest)
    return tuple(p for p in template.parameters if p in used_by_them and p not in still)


class UnusedCondition(Fixer):
    """Removes conditions that nothing uses.

    ## What it does
    Acts on cfn-lint's W8001: a condition in `Conditions` that no resource, output, `Fn::If` or
    other condition names.

    ## Why does this fail?
    It does not fail a deployment, but an unused condition is dead code: a reader cannot tell
    whether a resource lost its `Condition` by mistake, and the condition still has to evaluate.

    ## Fix
    Removes every unused condition in one edit, and the `Conditions` section when none is left. A
    condition that only an unused condition used is reported by the next cfn-lint run and removed
    in the next pass. Where a parameter is used only by the unused conditions, nothing is removed:
    the finding says so, since removing the parameter changes the stack's interface.

    ## Fix safety
    Safe: nothing reads the condition, so the stack's resources and outputs are unchanged.

    ## Options
    None.
    """

    code = "W8001"
    name = "unused-condition"
    severity = "medium"
    level = "warning"
    summary = "a condition nothing uses"
    fix_title = "remove the unused conditions"

    def payload(self, match: Match, template: Template, matches: tuple[Match, ...]) -> Unused | None:
        names = unused_entries("Conditions", self.code, matches)
        if not (match.path[1:] and match.path[1] in names):
            return None
        return Unused(tuple(names), orphaned_parameters(template, set(names)))

    def message(self, match: Match, payload: Unused | None) -> str:
        if payload is None or not payload.orphans:
            return match.message
        return (match.message + f"; removing it leaves parameter {', '.join(payload.orphans)} unused: "
                "remove both by hand once no caller passes it")

    def fix(self, finding, template, plan):
        unused: Unused = payload_of(finding)
        if unused.orphans:
            return None  # the parameter interface is the caller's: cfn-lint would report it unused next
        ops = remove_entries(template, "Conditions", list(unused.names))
        return Fix(self.fix_title, Safety.SAFE, "Nothing reads the condition, so no resource or output changes.", ops) if ops else None

    examples = (
        Example("used", "Conditions:\n  IsEast: !Equals [!Ref 'AWS::Region', us-east-1]\nResources:\n"
                "  Logs:\n    Type: AWS::Logs::LogGroup\n    Condition: IsEast\n"),
        Example(
            "one-unused",
            "Conditions:\n  IsEast: !Equals [!Ref 'AWS::Region', us-east-1]\n"
            "  # never used\n  IsWest: !Equals [!Ref 'AWS::Region', us-west-2]\nResources:\n"
            "  Logs:\n    Type: AWS::Logs::LogGroup\n    Condition: IsEast\n",
            "Conditions:\n  IsEast: !Equals [!Ref 'AWS::Region', us-east-1]\nResources:\n"
            "  Logs:\n    Type: AWS::Logs::LogGroup\n    Condition: IsEast\n",
            pointers=("/Conditions/IsWest",)),
        Example(
            "all-unused-json",
            '{\n  "Conditions": {\n    "IsEast": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]},\n'
            '    "IsWest": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-west-2"]}\n  },\n'
            '  "Resources": {\n    "Logs": {"Type": "AWS::Logs::LogGroup"}\n  }\n}\n',
            '{\n  "Resources": {\n    "Logs": {"Type": "AWS::Logs::LogGroup"}\n  }\n}\n',
            pointers=("/Conditions/IsEast", "/Conditions/IsWest"), format="json"),
        Example(
            "leaves-a-parameter-unused",
            "Parameters:\n  Env:\n    Type: String\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n"
            "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n",
            "Parameters:\n  Env:\n    Type: String\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n"
            "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n",
            pointers=("/Conditions/IsProd",)),
    )

    # what each bad example's fix does to a deployed stack (the non-empty parts of its impact)
    impacts = {
        "one-unused": {},
        "all-unused-json": {},
    }
