"""Resource provider schema facts per type (create-only, read-only, required, property names)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, NamedTuple

from .values import data_file


class ResourceSchema(NamedTuple):
    """What the CloudFormation resource provider schema of one type says, as cfnfix uses it.

    ``create_only``: properties whose change replaces the resource (``/``-separated paths below
    ``Properties``: ``AvailabilityZone``, ``Config/Name``); ``read_only``: the attributes
    (``Fn::GetAtt`` names: ``Arn``, ``Endpoint.Address``); ``required`` and ``properties``: the
    top-level property names.
    """

    type: str
    create_only: tuple[str, ...]
    read_only: tuple[str, ...]
    required: tuple[str, ...]
    properties: tuple[str, ...]

    def replaces(self, before: Any, after: Any) -> list[str]:
        """The create-only properties whose values differ between two ``Properties`` mappings."""
        return [path for path in self.create_only if _at(before, path) != _at(after, path)]


_ABSENT = object()


def _at(properties: Any, path: str) -> Any:
    node = properties
    for part in path.split("/"):
        if part == "*":
            return node  # a list item's property: the whole list stands for it
        if not isinstance(node, dict) or part not in node:
            return _ABSENT
        node = node[part]
    return node


def _shard(type_name: str) -> str:
    return "-".join(type_name.split("::")[:2]) + ".json"


@lru_cache(maxsize=None)
def _load(shard: str) -> dict[str, Any]:
    # one file per service, read the first time a template has one of its types
    try:
        return json.loads(data_file(f"schemas/{shard}"))
    except OSError:  # a service the schemas do not have (or a name that is no file's)
        return {}


@lru_cache(maxsize=None)
def schema(type_name: str) -> ResourceSchema | None:
    """The schema facts of a resource type, or None for a type the schemas do not know
    (SAM, custom resources, modules, third-party types)."""
    if type_name.count("::") != 2:
        return None
    entry = _load(_shard(type_name)).get(type_name)
    if entry is None:
        return None
    return ResourceSchema(type_name, tuple(entry["create_only"]), tuple(entry["read_only"]),
                          tuple(entry["required"]), tuple(entry["properties"]))


@lru_cache(maxsize=1)
def source() -> dict[str, Any]:
    """Where the table comes from: cfn-lint's version and the region of the schemas."""
    return json.loads(data_file("schemas/source.json"))
