"""W2001: a parameter nothing references; shown as a fix, removed only when asked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...kit import Safety
from ...rule import Example, Fix, remove_op, test_op
from ...model.template import Template
from ..edits import remove_entries, unused_entries
from ..fixer import Fixer, payload_of
from ..linter import Match

INTERFACE = "AWS::CloudFormation::Interface"


@dataclass(frozen=True)
class Options:
    remove: bool = False


@dataclass(frozen=True)
class Unused:
    names: tuple[str, ...]  # every parameter cfn-lint reports unused, so one fix removes them all


def _interface_ops(template: Template, names: set[str]) -> list[dict[str, Any]]:
    """Remove the parameters' labels and group entries from the console's parameter interface."""
    interface = template.metadata.get(INTERFACE)
    if not isinstance(interface, dict):
        return []
    ops: list[dict[str, Any]] = []
    labels = interface.get("ParameterLabels")
    if isinstance(labels, dict) and labels and all(n in names for n in labels):
        path = ("Metadata", INTERFACE, "ParameterLabels")
        ops += [test_op(path, labels), remove_op(path)]
    elif isinstance(labels, dict):
        for name in [n for n in labels if n in names]:
            path = ("Metadata", INTERFACE, "ParameterLabels", name)
            ops += [test_op(path, labels[name]), remove_op(path)]
    groups = interface.get("ParameterGroups")
    for g, group in enumerate(groups if isinstance(groups, list) else []):
        members = group.get("Parameters") if isinstance(group, dict) else None
        if isinstance(members, list):
            # from the last entry up, so that earlier indexes stay valid
            for i in reversed([i for i, n in enumerate(members) if n in names]):
                path = ("Metadata", INTERFACE, "ParameterGroups", str(g), "Parameters", str(i))
                ops += [test_op(path, members[i]), remove_op(path)]
    return ops


class UnusedParameter(Fixer):
    """Shows, and with an option removes, parameters nothing references.

    ## What it does
    Acts on cfn-lint's W2001: a parameter no `Ref`, `Fn::Sub` or condition uses.

    ## Why does this fail?
    The stack deploys, but every caller must still know the parameter and may pass it, and a
    value that was meant to configure something silently configures nothing.

    ## Fix
    Removes the unused parameters in one edit (the `Parameters` section when none is left), with
    their labels and group entries in `AWS::CloudFormation::Interface`.

    ## Fix safety
    Display-only by default: removing a parameter changes the stack's interface, and a caller
    that still passes it (a pipeline, a parameter file, a parent stack) fails. With the option
    `remove = true` the fix is unsafe, applied with `--unsafe-fixes`.

    ## Options
    `remove`: offer the removal as an unsafe fix instead of showing it only.
    """

    code = "W2001"
    name = "unused-parameter"
    severity = "medium"
    level = "warning"
    summary = "a parameter nothing references"
    fix_title = "remove the unused parameters"
    Options = Options

    def payload(self, match: Match, template: Template, matches: tuple[Match, ...]) -> Unused | None:
        names = unused_entries("Parameters", self.code, matches)
        return Unused(tuple(names)) if match.path[1:] and match.path[1] in names else None

    def fix(self, finding, template, plan):
        unused: Unused = payload_of(finding)
        ops = [*remove_entries(template, "Parameters", list(unused.names)),
               *_interface_ops(template, set(unused.names))]
        if not ops:
            return None
        return Fix(self.fix_title, Safety.UNSAFE if self.options.remove else Safety.DISPLAY_ONLY,
                   "A caller that still passes the parameter fails once it is removed.", tuple(ops))

    examples = (
        Example("used", "Parameters:\n  Days:\n    Type: Number\nResources:\n  Logs:\n"
                "    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: !Ref Days\n"),
        Example(
            "shown-only",
            "Parameters:\n  Days:\n    Type: Number\n  Owner:\n    Type: String\nResources:\n  Logs:\n"
            "    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: !Ref Days\n",
            "Parameters:\n  Days:\n    Type: Number\n  Owner:\n    Type: String\nResources:\n  Logs:\n"
            "    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: !Ref Days\n",
            pointers=("/Parameters/Owner",)),
        Example(
            "removed-with-option",
            "Metadata:\n  AWS::CloudFormation::Interface:\n    ParameterGroups:\n      - Label:\n"
            "          default: Logs\n        Parameters:\n          - Days\n          - Owner\n"
            "    ParameterLabels:\n      Owner:\n        default: Who owns the logs\n"
            "Parameters:\n  Days:\n    Type: Number\n  Owner:\n    Type: String\nResources:\n  Logs:\n"
            "    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: !Ref Days\n",
            "Metadata:\n  AWS::CloudFormation::Interface:\n    ParameterGroups:\n      - Label:\n"
            "          default: Logs\n        Parameters:\n          - Days\n"
            "Parameters:\n  Days:\n    Type: Number\nResources:\n  Logs:\n"
            "    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: !Ref Days\n",
            pointers=("/Parameters/Owner",), options={"remove": True}, unsafe_fixes=True),
        Example(
            "removed-json",
            '{\n  "Parameters": {\n    "Owner": {"Type": "String"}\n  },\n'
            '  "Resources": {\n    "Logs": {"Type": "AWS::Logs::LogGroup"}\n  }\n}\n',
            '{\n  "Resources": {\n    "Logs": {"Type": "AWS::Logs::LogGroup"}\n  }\n}\n',
            pointers=("/Parameters/Owner",), format="json", options={"remove": True}, unsafe_fixes=True),
    )

    # what each bad example's fix does to a deployed stack (the non-empty parts of its impact)
    impacts = {
        "shown-only": {"parameters_removed": ["Owner"]},
        "removed-with-option": {"parameters_removed": ["Owner"]},
        "removed-json": {"parameters_removed": ["Owner"]},
    }
