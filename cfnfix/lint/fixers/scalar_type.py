"""E3012: a scalar of the wrong type, converted to the type the schema asks for where the value is the same."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...kit import Safety
from ...rule import Example, Fix, replace_op, test_op
from ...model.template import Template
from ..edits import at
from ..fixer import Fixer, payload_of
from ..linter import Match

_TYPE = re.compile(r" is not of type '(\w+)'$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Conversion:
    path: tuple[str, ...]
    value: Any
    certain: bool  # the same value in another type; else a reading of it (a list's only item, 1 as true)


def convert(value: Any, wanted: str) -> tuple[Any, bool] | None:
    """The value as ``wanted`` and whether that is the same value (not a reading of it); None
    where it does not read as that type. cfn-lint already accepts what CloudFormation converts
    itself ("5" for an integer, "true" for a boolean)."""
    if isinstance(value, list) and len(value) == 1 and not isinstance(value[0], (dict, list)):
        inner = convert(value[0], wanted)
        if inner is not None:
            return inner[0], False
        return (value[0], False) if _is(value[0], wanted) else None
    if isinstance(value, bool):
        return ("true" if value else "false", True) if wanted == "string" else None
    if wanted == "integer":
        number = value if isinstance(value, (int, float)) else _float(value)
        if isinstance(number, float) and number.is_integer():
            return int(number), True
        return None
    if wanted == "boolean" and (value in (0, 1) or (isinstance(value, str) and value.strip() in ("0", "1"))):
        return int(value) == 1, False
    return None


def _is(value: Any, wanted: str) -> bool:
    return {"string": isinstance(value, str), "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "boolean": isinstance(value, bool)}.get(wanted, False)


def _float(value: Any) -> float | None:
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        return float(value)
    return None


class ScalarType(Fixer):
    """Converts a scalar to the type the schema asks for, where the value reads the same.

    ## What it does
    Acts on cfn-lint's E3012 (a value is not of the type the schema asks for) where the value
    reads as that type: a whole number written `5.0` or `"5.0"` where an integer is asked for, a
    boolean where a string is, `1`/`0` where a boolean is, and a list of one scalar where a
    scalar is. (cfn-lint already accepts what CloudFormation converts itself: `"5"` for an
    integer, `"true"` for a boolean.)

    ## Why does this fail?
    CloudFormation's schema validation rejects the value (`expected type: Boolean, found:
    String`), or the service reads it differently from the author.

    ## Fix
    Replaces the value with the same value in the wanted type. A value that does not read as that
    type (`yes` for a boolean, a mapping where a string is asked for) keeps its finding.

    ## Fix safety
    Safe where the value is the same and only its type changes (`5.0` to `5`, `true` to
    `"true"`). Unsafe where the new value is a reading of the old one: a list's only item, `1` as
    `true`.

    ## Options
    None.
    """

    code = "E3012"
    name = "scalar-type"
    severity = "high"
    summary = "a scalar of the wrong type"
    fix_title = "convert the value to the type the schema asks for"

    def payload(self, match: Match, template: Template, matches: tuple[Match, ...]) -> Conversion | None:
        wanted = _TYPE.search(match.message)
        if not match.path or match.path[0] != "Resources" or wanted is None:
            return None
        value = at(template, match.path)
        if isinstance(value, dict) or value is None:
            return None
        converted = convert(value, wanted.group(1))
        return Conversion(match.path, *converted) if converted is not None else None

    def message(self, match: Match, payload: Conversion | None) -> str:
        if payload is not None:
            return match.message
        return match.message + "; write a value of that type (this one does not read as one)"

    def fix(self, finding, template: Template, plan):
        conversion: Conversion = payload_of(finding)
        ops = (test_op(conversion.path, at(template, conversion.path)), replace_op(conversion.path, conversion.value))
        if conversion.certain:
            return Fix(self.fix_title, Safety.SAFE, "The value is the same, only its type changes.", ops)
        return Fix(self.fix_title, Safety.UNSAFE,
                   "The new value is a reading of the old one (a list's only item, 1 as true), not the same value.", ops)

    examples = (
        Example("typed", "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n"
                "      FifoQueue: 'true'\n      QueueName: jobs.fifo\n      DelaySeconds: '5'\n"),
        Example(
            "whole-number",
            "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n"
            "      DelaySeconds: '5.0'\n",
            "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n"
            "      DelaySeconds: 5\n",
            pointers=("/Resources/Queue/Properties/DelaySeconds",)),
        Example(
            "one-item-list-json",
            '{\n  "Resources": {\n    "Param": {\n      "Type": "AWS::SSM::Parameter",\n      "Properties": {\n'
            '        "Type": "String",\n        "Value": ["blue"]\n      }\n    }\n  }\n}\n',
            '{\n  "Resources": {\n    "Param": {\n      "Type": "AWS::SSM::Parameter",\n      "Properties": {\n'
            '        "Type": "String",\n        "Value": "blue"\n      }\n    }\n  }\n}\n',
            pointers=("/Resources/Param/Properties/Value",), format="json", unsafe_fixes=True),
    )

    # what each bad example's fix does to a deployed stack (the non-empty parts of its impact)
    impacts = {
        "whole-number": {"modifies": ["Queue"]},
        "one-item-list-json": {"modifies": ["Param"]},
    }
