"""CFX401 missing-test-outputs: resources that integration tests need are not stack Outputs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from .. import kit
from .. import pointer as jp
from ..kit import Plan, Safety
from ..rule import Finding, Fix, Rule
from ..model.template import Resource, Template, references
from ..values import aws_data


@dataclass(frozen=True)
class Options:
    tests: str | None = None
    export: bool = False


class MissingTestOutputs(Rule):
    """## What it does
    Finds resources that integration tests and operators address (VPC and subnets, load balancer
    DNS name, database endpoints, ECS cluster and service, buckets, tables, topics, queues,
    functions, keys, state machines, APIs, distributions, ...; the list is
    `cfnfix/data/test_outputs.json`) that no Output exposes. With the `tests` option it also reads
    the integration tests (`outputs.Name`, `outputs["Name"]`, `outputs.get("Name")` in Python,
    TypeScript and JavaScript) and reports every output key they read that the template lacks.

    It runs only where there is evidence of integration tests: a tests folder whose tests read
    stack outputs (`outputs["Key"]`, `cfn-outputs/flat-outputs.json`, `describe_stacks`), found
    as `cfnfix tests` finds it (a folder named `tests`, `test`, `__tests__`, `integ`,
    `integration`, `integration-tests` or `e2e` beside the template or in a folder above it, up
    to the repository's root; outside a repository, beside it or one folder up), or the `tests`
    option; or when it is selected by its code or family (`--select CFX401`, `--extend-select
    CFX4`; `ALL` does not count). Where nobody tests, a missing output is not a failure.

    ## Why does this fail?
    Integration tests run against a deployed stack and find its resources through the stack's
    Outputs, usually flattened into `cfn-outputs/flat-outputs.json` (`cfnfix outputs` writes it).
    A resource without an output cannot be found, and the tests fail or skip.

    ## Fix
    Adds an Output for each such resource, in the order of the resources: before the first existing
    Output of a resource further down the file, else at the end of `Outputs` (creating the section when
    missing): `Value` by `Ref` or `Fn::GetAtt`, a `Description`, and the resource's `Condition`
    when it has one. The key is the one the tests ask for, else the logical ID and a suffix
    (`VPCId`, `LoadBalancerDNSName`, `DBClusterEndpoint`). An attribute that exists only in some
    configurations is written only where it exists: a cluster-mode ElastiCache replication group
    gets its configuration endpoint, not the primary endpoint it lacks; where the configuration is
    only known at deploy time the finding has no fix. Never beyond CloudFormation's 200
    outputs. An `Export` (`${AWS::StackName}-<Key>`) only with `export = true`: an export locks
    the value against change while another stack imports it.

    ## Fix safety
    Safe: outputs change nothing that is deployed.

    ## Options
    `tests`: a folder (or file) of integration tests to read output keys from (relative to the
    configuration file); unset, the tests folder found near the template is read.
    `export`: also export each new output (default false).
    """

    code = "CFX401"
    name = "missing-test-outputs"
    severity = "medium"
    summary = "A resource that integration tests need is not exposed as a stack Output"
    fix_title = "Add the Output (Ref or GetAtt) in the file's style"
    Options = Options

    def runs(self, explicitly_selected: bool) -> bool:
        # opt-in: only where integration tests exist (a tests path, configured or found) or when asked by code
        return explicitly_selected or bool(self.options.tests)

    def detect(self, template: Template):
        types = aws_data("test_outputs.json")["types"]
        exposed = {target for output in template.outputs.values() for target, _, _ in references(output.value)}
        asked: set[str] = set()
        if self.options.tests:
            from ..model.testscan import scan

            asked = scan(self.options.tests).output_keys - set(template.outputs)
        wanted: list[tuple[str, Resource | None, list[Any] | None]] = []
        claimed: set[str] = set()
        for key in sorted(asked):
            match = _resource_for_key(template, key, types)
            wanted.append((key, match[0] if match else None, match[1] if match else None))
            if match:
                claimed.add(match[0].name)
        for resource in template.resources.values():
            entries = types.get(resource.type)
            if resource.type == "AWS::RDS::DBInstance" and "DBClusterIdentifier" in resource.properties:
                continue  # an Aurora member: tests reach it through the cluster's endpoint
            if entries and resource.name not in exposed and resource.name not in claimed:
                entry = _entry_for(resource, entries)
                if entry is None:
                    yield self.finding(f"{resource.type} {resource.name} is exposed by no Output; which of its "
                                       "endpoints exists depends on values only known at deploy time: "
                                       "add the Output by hand", ("Resources", resource.name), resource.name)
                    continue
                wanted.append((resource.name + entry[0], resource, entry))
        room = aws_data("test_outputs.json")["max_outputs"] - len(template.outputs)
        names = Plan(template)  # the keys to add: valid, and free in every section
        for key, resource, entry in wanted:
            if resource is None:
                where = ("Outputs",) if "Outputs" in template.data else ()
                yield self.finding(f"The tests read the output {key}, which the template does not define "
                                   "and no resource of it matches", where, None)
                continue
            # a key the tests read is theirs to name (outputs and resources are separate namespaces)
            key = key if key in asked else names.fresh_id(key, "Outputs")
            room -= 1
            asked_note = " that the tests read" if key in asked else ""
            full = "" if room >= 0 else " (no room: CloudFormation allows 200 outputs)"
            yield self.finding(f"{resource.type} {resource.name} is exposed by no Output{asked_note}; "
                               f"integration tests cannot find it: add {key}{full}",
                               ("Resources", resource.name), resource.name,
                               _Found(key, key in asked, tuple(entry[:3]), room >= 0))

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        found: _Found | None = finding.payload
        if found is None or not found.room:
            return None
        resource = template.resources[finding.resource or ""]
        key = found.key if found.asked else plan.fresh_id(found.key, "Outputs")
        suffix, attribute, description = found.entry
        output: dict[str, Any] = {"Description": description, **kit.condition_of(resource)}
        output["Value"] = {"Ref": resource.name} if attribute is None else {"Fn::GetAtt": [resource.name, attribute]}
        if self.options.export:
            output["Export"] = {"Name": {"Fn::Sub": "${AWS::StackName}-" + key}}
        if "Outputs" in template.data and isinstance(template.data["Outputs"], dict):
            add = kit.add_op(("Outputs", key), output, before=_next_output(template, resource))
        else:
            add = kit.add_op(("Outputs",), {key: output})
        return Fix(f"Add the output {key}", Safety.SAFE, "Outputs change nothing that is deployed.",
                   (kit.type_pin(resource), add))


def _next_output(template: Template, resource: Resource) -> str | None:
    """The existing output a new one for ``resource`` goes before: the first that exposes a
    resource later in the file. Outputs then follow the resources' order however many runs add
    them, so fixing in two runs writes what one run writes."""
    order = template.resource_order
    mine = order[resource.name]
    for name, output in template.outputs.items():
        targets = {target for target, _, _ in references(output.value) if target in order}
        if len(targets) == 1 and order[targets.pop()] > mine:
            return jp.join(("Outputs", name))
    return None


class _Found(NamedTuple):
    key: str                 # of the new output
    asked: bool              # the tests read this key
    entry: tuple[Any, ...]   # (key suffix, attribute or None for Ref, description) of the type
    room: bool               # within CloudFormation's 200 outputs


def _resource_for_key(template: Template, key: str, types: dict[str, list]) -> tuple[Resource, list] | None:
    """The resource an asked-for output key names: its logical ID, with or without a known suffix."""
    lowered = key.lower()
    for resource in template.resources.values():
        entry = _entry_for(resource, types.get(resource.type, []))
        if entry and lowered in ((resource.name + entry[0]).lower(), resource.name.lower()):
            return resource, entry
    for resource in template.resources.values():
        entries = types.get(resource.type)
        if entries and lowered.startswith(resource.name.lower()):
            rest = lowered[len(resource.name):]
            for entry in entries:
                if _applies(resource, entry) and rest in (entry[0].lower(), (entry[1] or "").lower().replace(".", "")):
                    return resource, entry
    return None


def _entry_for(resource: Resource, entries: list[list]) -> list | None:
    """The first output entry whose attribute exists for the resource as configured."""
    return next((entry for entry in entries if _applies(resource, entry)), None)


def _applies(resource: Resource, entry: list) -> bool:
    """Whether the entry's attribute exists for this resource; False where that cannot be told."""
    if len(entry) < 4:
        return True
    (want, name), = entry[3].items()
    holds = _configuration_holds(resource, aws_data("test_outputs.json")["configurations"][name])
    return holds is not None and holds == (want == "if")


def _configuration_holds(resource: Resource, configuration: dict[str, Any]) -> bool | None:
    """Any of the property tests holds: True; none does, but one cannot be told: None; else False."""
    unknown = False
    for test in configuration["any"]:
        value = resource.properties.get(test["property"])
        if value is None:
            continue
        if isinstance(value, dict):
            unknown = True  # an intrinsic: only known at deploy time
            continue
        if "in" in test:
            hit = value in test["in"]
        elif "above" in test:
            number = _number(value)
            hit = number is not None and number > test["above"]
        elif "longer_than" in test:
            hit = isinstance(value, list) and len(value) > test["longer_than"]
        else:
            hit = isinstance(value, str) and value.endswith(test["ends_with"])
        if hit:
            return True
    return None if unknown else False


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


