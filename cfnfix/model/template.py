"""The typed view of a template (plain frozen records), built from long-form data, and its reference graph."""

from __future__ import annotations

import re
from functools import cached_property
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterator

PSEUDO_PARAMETERS = frozenset({
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
    "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
})
_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]+)\}")


# The entries are plain frozen records: a template has thousands and they are made for every check.

@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    type: str = "String"
    default: Any = None
    has_default: bool = False
    no_echo: bool = False
    allowed_values: tuple[Any, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Resource:
    name: str
    type: str
    properties: dict[str, Any] = field(default_factory=dict, compare=False)
    condition: str | None = None
    depends_on: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def pointer(self) -> str:
        from ..pointer import join

        return join(("Resources", self.name))


@dataclass(frozen=True, slots=True)
class Output:
    name: str
    value: Any = None
    condition: str | None = None
    export: Any = None


@dataclass(frozen=True, slots=True)
class Reference:
    """One edge of the graph: ``source`` refers to ``target`` by ``kind`` (Ref, GetAtt, Sub, ...)."""

    source: str
    target: str
    kind: str
    attribute: str | None = None


@dataclass(frozen=True)
class Template:
    """What rules read. Entries with the wrong shape are left out rather than guessed at."""

    data: dict[str, Any]
    format_version: str | None = None
    description: str | None = None
    transform: tuple[str, ...] = ()
    parameters: dict[str, Parameter] = field(default_factory=dict)
    mappings: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)
    outputs: dict[str, Output] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: Any) -> "Template":
        if not isinstance(data, dict):
            data = {}
        return cls(
            data=data,
            format_version=_str_or_none(data.get("AWSTemplateFormatVersion")),
            description=_str_or_none(data.get("Description")),
            transform=_transforms(data.get("Transform")),
            parameters={k: _parameter(k, v) for k, v in _dict(data.get("Parameters")).items() if isinstance(v, dict)},
            mappings=_dict(data.get("Mappings")),
            conditions=_dict(data.get("Conditions")),
            resources={k: r for k, v in _dict(data.get("Resources")).items() if (r := _resource(k, v))},
            outputs={k: _output(k, v) for k, v in _dict(data.get("Outputs")).items() if isinstance(v, dict)},
            metadata=_dict(data.get("Metadata")),
        )

    # -- queries rules need ----------------------------------------------------------------

    def of_type(self, *types: str) -> list[Resource]:
        """The resources of ``types``, in the template's order."""
        by_type = self.resources_by_type
        if len(types) == 1:
            return list(by_type.get(types[0], ()))
        wanted = [r for t in dict.fromkeys(types) for r in by_type.get(t, ())]
        order = self.resource_order
        return sorted(wanted, key=lambda r: order[r.name])

    @cached_property
    def resources_by_type(self) -> dict[str, list[Resource]]:
        # built once: rules ask for their types once per finding, and a template has thousands
        by_type: dict[str, list[Resource]] = {}
        for resource in self.resources.values():
            by_type.setdefault(resource.type, []).append(resource)
        return by_type

    @cached_property
    def resource_order(self) -> dict[str, int]:
        """Each entry's position in the ``Resources`` mapping (the file's order), well-formed or not."""
        return {name: i for i, name in enumerate(_dict(self.data.get("Resources")))}

    @cached_property
    def names(self) -> frozenset[str]:
        """Every name a Ref, GetAtt, Condition or FindInMap can use: the entries of Parameters,
        Mappings, Conditions, Resources and Outputs, well-formed or not."""
        taken: set[str] = set()
        for section in ("Parameters", "Mappings", "Conditions", "Resources", "Outputs"):
            entries = self.data.get(section)
            if isinstance(entries, dict):
                taken.update(entries)
        return frozenset(taken)

    @cached_property
    def graph(self) -> "Graph":
        return Graph(self)

    def derived(self, key: Hashable, build: Callable[["Template"], Any]) -> Any:
        """``build(self)``, computed once per template and ``key``: an index a rule would
        otherwise rebuild from every resource for every finding."""
        cache = self.derived_values
        if key not in cache:
            cache[key] = build(self)
        return cache[key]

    @cached_property
    def derived_values(self) -> dict[Hashable, Any]:
        """What ``derived`` has computed for this template."""
        return {}

    def resource_target(self, value: Any, *types: str) -> str | None:
        """The logical ID a value names by Ref or GetAtt when it is a resource (of ``types``); the
        value alone says, so no graph of the whole template is built for it."""
        for name in value_targets(value):
            resource = self.resources.get(name)
            if resource is not None and (not types or resource.type in types):
                return name
        return None

    def has_iam_resources(self) -> bool:
        return any(t.startswith("AWS::IAM::") for t in self.resources_by_type)

    def skipped(self) -> bool:
        """A SAM or macro template: rules may still read it, but skip what they cannot model."""
        return bool(self.transform)


class Graph:
    """References between template entries: Ref, GetAtt, Sub variables, DependsOn, Condition."""

    def __init__(self, template: Template):
        self.template = template
        self.edges: list[Reference] = []
        for name, resource in template.resources.items():
            for target, kind, attribute in references(resource.raw):
                self.edges.append(Reference(source=name, target=target, kind=kind, attribute=attribute))
            for dep in resource.depends_on:
                self.edges.append(Reference(source=name, target=dep, kind="DependsOn", attribute=None))
            if resource.condition:
                self.edges.append(Reference(source=name, target=resource.condition,
                                                            kind="Condition", attribute=None))
        self._by_source: dict[str, list[Reference]] = {}
        self._by_target: dict[str, list[Reference]] = {}
        for edge in self.edges:
            self._by_source.setdefault(edge.source, []).append(edge)
            self._by_target.setdefault(edge.target, []).append(edge)

    def refers_to(self, source: str) -> list[Reference]:
        return self._by_source.get(source, [])

    def referrers(self, target: str) -> list[Reference]:
        return self._by_target.get(target, [])



def value_targets(value: Any) -> list[str]:
    """Resource or parameter names a property value can evaluate to: Ref, GetAtt, and Fn::If branches."""
    if isinstance(value, dict) and len(value) == 1:
        (key, inner), = value.items()
        if key == "Ref" and isinstance(inner, str):
            return [inner]
        if key == "Fn::GetAtt":
            if isinstance(inner, list) and inner and isinstance(inner[0], str):
                return [inner[0]]
            if isinstance(inner, str):
                return [inner.split(".")[0]]
        if key == "Fn::If" and isinstance(inner, list) and len(inner) == 3:
            return value_targets(inner[1]) + value_targets(inner[2])
    return []


def references(value: Any) -> Iterator[tuple[str, str, str | None]]:
    """(target, kind, attribute) for every Ref, GetAtt and Sub variable inside ``value``."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        if len(item) == 1:
            (key, inner), = item.items()
            if key == "Ref" and isinstance(inner, str):
                if inner not in PSEUDO_PARAMETERS:
                    yield inner, "Ref", None
                continue
            if key == "Fn::GetAtt":
                parts = inner.split(".", 1) if isinstance(inner, str) else inner
                if isinstance(parts, list) and parts and isinstance(parts[0], str):
                    attribute = parts[1] if len(parts) > 1 and isinstance(parts[1], str) else None
                    yield parts[0], "GetAtt", attribute
                continue
            if key == "Fn::Sub":
                string, variables = (inner[0], inner[1]) if isinstance(inner, list) and len(inner) == 2 else (inner, {})
                local = set(variables) if isinstance(variables, dict) else set()
                if isinstance(string, str):
                    for match in _SUB_VARIABLE.finditer(string):
                        name, _, attribute = match.group(1).strip().partition(".")
                        if name not in local and name not in PSEUDO_PARAMETERS:
                            yield name, "Sub", attribute or None
                if isinstance(variables, dict):
                    stack.extend(variables.values())
                continue
        stack.extend(item.values())


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _transforms(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v if isinstance(v, str) else "macro" for v in value)
    if isinstance(value, dict):
        return ("macro",)
    return ()


def _parameter(name: str, raw: dict[str, Any]) -> Parameter:
    no_echo = raw.get("NoEcho")
    allowed = raw.get("AllowedValues")
    # positional: a frozen record's keyword arguments cost a third of its making, thousands a check
    return Parameter(name, str(raw.get("Type", "String")), raw.get("Default"), "Default" in raw,
                     no_echo is True or str(no_echo).lower() == "true",
                     tuple(allowed) if isinstance(allowed, list) else (), raw)


def _resource(name: str, raw: Any) -> Resource | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("Type"), str):
        return None
    depends = raw.get("DependsOn")
    if isinstance(depends, str):
        depends_on: tuple[str, ...] = (depends,)
    elif isinstance(depends, list):
        depends_on = tuple(d for d in depends if isinstance(d, str))
    else:
        depends_on = ()
    condition = raw.get("Condition")
    return Resource(name, raw["Type"], _dict(raw.get("Properties")), condition if isinstance(condition, str) else None,
                    depends_on, _dict(raw.get("Metadata")), raw)


def _output(name: str, raw: dict[str, Any]) -> Output:
    condition = raw.get("Condition")
    return Output(name, raw.get("Value"), condition if isinstance(condition, str) else None, raw.get("Export"))
