"""cfn-lint's bundled resource provider schemas, walked to the object at a path below Properties."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .linter import REGION


@lru_cache(maxsize=512)
def _resource(type_name: str) -> dict[str, Any] | None:
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER
    from cfnlint.schema import ResourceNotFoundError

    try:
        return PROVIDER_SCHEMA_MANAGER.get_resource_schema(region=REGION, resource_type=type_name).schema
    except ResourceNotFoundError:
        return None


def _resolve(root: dict[str, Any], node: Any) -> Any:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 32:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return None
        node = root
        for part in ref[2:].split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        seen += 1
    return node


def at(type_name: str, path: tuple[str, ...]) -> dict[str, Any] | None:
    """The schema of the value at ``path`` below a resource's ``Properties`` (``()``: Properties
    itself); list indexes step into ``items``, ``Fn::If`` branches are skipped. None when unknown."""
    root = _resource(type_name)
    if root is None:
        return None
    node: Any = root
    parts = list(path)
    while parts:
        part = parts.pop(0)
        if part == "Fn::If":
            parts = parts[1:]  # the branch index
            continue
        node = _resolve(root, node)
        if not isinstance(node, dict):
            return None
        if part.isdigit() and "items" in node:
            node = node["items"]
        elif isinstance(node.get("properties"), dict) and part in node["properties"]:
            node = node["properties"][part]
        else:
            return None
    node = _resolve(root, node)
    return node if isinstance(node, dict) else None


def property_names(type_name: str, path: tuple[str, ...]) -> tuple[str, ...] | None:
    """The property names the object at ``path`` may have, or None when the schema does not say."""
    node = at(type_name, path)
    if node is None or not isinstance(node.get("properties"), dict):
        return None
    return tuple(node["properties"])
