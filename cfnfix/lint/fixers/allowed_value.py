"""E3030: a value outside the allowed set, replaced by the one it nearly is (case, or nearest number)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...kit import Safety
from ...rule import Example, Fix, replace_op, test_op
from ...model.template import Template
from ..edits import at, literal_list
from ..fixer import Fixer, payload_of
from ..linter import Match


@dataclass(frozen=True)
class Nearest:
    path: tuple[str, ...]
    value: Any
    case_only: bool


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def nearest(value: Any, allowed: list[Any]) -> tuple[Any, bool] | None:
    """The allowed value ``value`` nearly is, and whether only its case differs; None when no
    single one is certain."""
    if isinstance(value, str) and all(isinstance(a, str) for a in allowed):
        same = [a for a in allowed if a.lower() == value.lower()]
        return (same[0], True) if len(same) == 1 else None
    number = _number(value)
    numbers = [_number(a) for a in allowed]
    if number is None or not allowed or any(n is None for n in numbers):
        return None
    # the closest; between two as close, the larger (a longer retention, a bigger size)
    best = min(range(len(allowed)), key=lambda i: (abs(numbers[i] - number), -numbers[i]))  # type: ignore[operator]
    chosen = allowed[best]
    return (str(chosen) if isinstance(value, str) else chosen), False


class AllowedValue(Fixer):
    """Replaces a value outside the allowed set with the allowed value it nearly is.

    ## What it does
    Acts on cfn-lint's E3030 (a value is not one of the allowed values). A string that differs
    from exactly one allowed value only in case (`enabled` for `Enabled`) takes that value; a
    number takes the nearest allowed number (`RetentionInDays: 2555` becomes `2557`, seven years;
    between two as near, the larger).

    ## Why does this fail?
    CloudFormation or the service rejects the value: `Model validation failed` or `Invalid value
    for ...`. The stack is not created, or its update rolls back.

    ## Fix
    Replaces the value. Otherwise (a string near no allowed value, or near several) the finding
    stays and asks for one of the allowed values.

    ## Fix safety
    A case-only change is safe: the value meant is certain. A nearest number is unsafe: it is the
    closest working value, not necessarily the one meant (a retention of 2557 days, not 2555).

    ## Options
    None.
    """

    code = "E3030"
    name = "allowed-value"
    severity = "high"
    summary = "a value outside the allowed set"
    fix_title = "use the nearest allowed value"

    def payload(self, match: Match, template: Template, matches: tuple[Match, ...]) -> Nearest | None:
        allowed = literal_list(match.message)
        if not match.path or match.path[0] != "Resources" or allowed is None:
            return None
        value = at(template, match.path)
        if not isinstance(value, (str, int, float)):
            return None
        found = nearest(value, allowed)
        return Nearest(match.path, found[0], found[1]) if found is not None else None

    def message(self, match: Match, payload: Any) -> str:
        if payload is not None:
            return match.message
        return match.message + "; choose one of them"

    def fix(self, finding, template: Template, plan):
        near: Nearest = payload_of(finding)
        ops = (test_op(near.path, at(template, near.path)), replace_op(near.path, near.value))
        if near.case_only:
            return Fix(f"use {near.value}", Safety.SAFE, "Only the case differs, so the value meant is certain.", ops)
        return Fix(f"use {near.value}", Safety.UNSAFE,
                   "The nearest allowed number works but may not be the one meant.", ops)

    examples = (
        Example("allowed", "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n"
                "      RetentionInDays: 2557\n"),
        Example(
            "retention",
            "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n"
            "      RetentionInDays: 2555  # seven years\n",
            "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n"
            "      RetentionInDays: 2557  # seven years\n",
            pointers=("/Resources/Logs/Properties/RetentionInDays",), unsafe_fixes=True),
        Example(
            "no-near-value",
            "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n"
            "        Status: Active\n",
            "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n"
            "        Status: Active\n",
            pointers=("/Resources/Bucket/Properties/VersioningConfiguration/Status",)),
        Example(
            "case-json",
            '{\n  "Resources": {\n    "Bucket": {\n      "Type": "AWS::S3::Bucket",\n      "Properties": {\n'
            '        "VersioningConfiguration": {"Status": "enabled"}\n      }\n    }\n  }\n}\n',
            '{\n  "Resources": {\n    "Bucket": {\n      "Type": "AWS::S3::Bucket",\n      "Properties": {\n'
            '        "VersioningConfiguration": {"Status": "Enabled"}\n      }\n    }\n  }\n}\n',
            pointers=("/Resources/Bucket/Properties/VersioningConfiguration/Status",), format="json"),
    )

    # what each bad example's fix does to a deployed stack (the non-empty parts of its impact)
    impacts = {
        "retention": {"modifies": ["Logs"]},
        "case-json": {"modifies": ["Bucket"]},
    }
