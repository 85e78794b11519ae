"""CFX502 deprecated-engine-version: a database engine version that new databases reject."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from ..kit import Plan, Safety, intrinsic, replace_op, test_op, type_pin
from ..rule import Finding, Fix, Rule
from ..model.template import Resource, Template
from ..values import aws_data

# engines whose major version is the first number from 10 on (13.4 is major 13, 9.6.2 is 9.6)
ONE_NUMBER_MAJORS = ("postgres", "aurora-postgresql")


class EnginePayload(NamedTuple):
    path: tuple[str, ...]        # the value to change: EngineVersion, or a parameter's Default
    old: Any
    new: str | None              # the newest supported version of the same major
    choices: tuple[str, ...]     # when the major has none left: the newest of each later major


def major(engine: str, version: str) -> str:
    parts = version.split(".")
    if engine in ONE_NUMBER_MAJORS and parts[0].isdigit() and int(parts[0]) >= 10:
        return parts[0]
    return ".".join(parts[:2])


def _order(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version))


class DeprecatedEngineVersion(Rule):
    """## What it does
    Finds the `EngineVersion` of RDS DB instances and clusters (Aurora included) that the engine
    data of the pinned cfn-lint marks deprecated, or does not know at all, for the instance's or
    cluster's `Engine` (`cfnfix/data/engine_versions.json`). The version is read as a literal or
    as the `Default` of the parameter it refers to. DocumentDB and Neptune are not checked: the
    pinned cfn-lint ships no engine data for them.

    ## Why does this fail?
    RDS refuses to create a database with a deprecated engine version, so a new stack, a new
    environment or a replacement fails, and a running one is upgraded by AWS on AWS's schedule.
    An unknown version fails the same way.

    ## Fix
    Writes the newest supported version of the same major version (`8.0.mysql_aurora.3.02.0` ->
    the newest supported `8.0.mysql_aurora.3.x`, `13.4` -> the newest supported `13.x`). Where
    the major version has no supported version left, the finding names the newest version of
    each later major and the fix is display-only: a major upgrade is a migration.

    ## Fix safety
    Unsafe: it is a minor upgrade of a live database, with a restart, and it cannot be rolled
    back. Display-only across major versions.

    ## Options
    None.
    """

    code = "CFX502"
    name = "deprecated-engine-version"
    severity = "high"
    summary = "A database engine version is deprecated or unknown for its engine"
    fix_title = "Move to the newest supported minor version of the same major version"
    cfn_lint_ids = ("W3690", "W3691", "E3690", "E3691")
    resolves = cfn_lint_ids

    def detect(self, template: Template):
        tables = aws_data("engine_versions.json")["types"]
        for resource in template.resources.values():
            table = tables.get(resource.type)
            engine = resource.properties.get("Engine")
            if table is None or not isinstance(engine, str) or engine.lower() not in table["versions"]:
                continue
            engine = engine.lower()  # RDS reads engine names in any case (`MySQL`), as cfn-lint does
            located = _version(resource, template)
            if located is None:
                continue
            path, raw = located
            version = _text(raw)
            versions = table["versions"][engine]
            deprecated = version in versions["deprecated"]
            if not deprecated and version in versions["known"]:
                continue
            supported = [v for v in versions["known"] if v not in versions["deprecated"]]
            wanted = major(engine, version)
            same = [v for v in supported if major(engine, v) == wanted]
            new = max(same, key=_order) if same else None
            later: dict[str, str] = {}
            for candidate in sorted(supported, key=_order):
                line = major(engine, candidate)
                if _order(line) > _order(wanted):
                    later[line] = candidate
            choices = tuple(later.values())
            state = "is deprecated: new databases reject it" if deprecated else "is not a version RDS knows"
            through = f" (through parameter {path[1]})" if path[0] == "Parameters" else ""
            kind = resource.type.split("::")[-1]
            if new is not None:
                advice = f"move to {new}, the newest supported {wanted} version"
            elif choices:
                advice = f"{wanted} has no supported version left; upgrade to a later major: {', '.join(choices)}"
            else:
                advice = f"{wanted} has no supported version left"
            yield self.finding(
                f"{kind} {resource.name} runs {engine} {version}{through}, which {state}; {advice}",
                ("Resources", resource.name, "Properties", "EngineVersion"), resource.name,
                payload=EnginePayload(path, raw, new, choices))

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        payload: EnginePayload = finding.payload
        resource = template.resources[finding.resource or ""]
        if payload.new is not None:
            return Fix(f"Use engine version {payload.new}", Safety.UNSAFE,
                       "A minor upgrade of a live database restarts it and cannot be rolled back.",
                       (type_pin(resource), test_op(payload.path, payload.old), replace_op(payload.path, payload.new)))
        if payload.choices:
            return Fix(f"Upgrade to {payload.choices[0]} (a major version upgrade)", Safety.DISPLAY_ONLY,
                       "A major version upgrade is a migration that must be planned and tested.",
                       (type_pin(resource), test_op(payload.path, payload.old),
                        replace_op(payload.path, payload.choices[0])))
        return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _version(resource: Resource, template: Template) -> tuple[tuple[str, ...], Any] | None:
    """Where the version is written and its value: the property, or the Default of its parameter."""
    value = resource.properties.get("EngineVersion")
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return ("Resources", resource.name, "Properties", "EngineVersion"), value
    if intrinsic(value) == "Ref" and value["Ref"] in template.parameters:
        parameter = template.parameters[value["Ref"]]
        if parameter.has_default and isinstance(parameter.default, (str, int, float)) and not parameter.allowed_values:
            return ("Parameters", parameter.name, "Default"), parameter.default
    return None
