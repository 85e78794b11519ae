"""What CloudFormation rejects before it reads a resource: unknown functions and tags, and sections or resources of the wrong shape."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .. import pointer as jp
from ..parse.document import Document
from ..values import aws_data

# sections CloudFormation reads as a mapping of names
MAPPING_SECTIONS = ("Parameters", "Mappings", "Conditions", "Resources", "Outputs")
_FN = re.compile(r"Fn::([A-Za-z0-9:]+)")
_TAG = re.compile(r"(?<![\w!'\"])!([A-Za-z][A-Za-z0-9:]*)")


@lru_cache(maxsize=1)
def _functions() -> tuple[frozenset[str], tuple[str, ...]]:
    table = aws_data("intrinsic_functions.json")
    return frozenset(table["functions"]), tuple(table["prefixes"])


def known_function(key: str) -> bool:
    names, prefixes = _functions()
    return key in names or key.startswith(prefixes)


def problem(doc: Document) -> tuple[str, str] | None:
    """(message, pointer) of the first thing CloudFormation would reject, or None."""
    data = doc.data
    if _may_name_unknown_functions(doc.text):
        found = _unknown_function(data, ())
        if found is not None:
            key, path = found
            return (f"{key} (short form !{key.removeprefix('Fn::')}) is not a CloudFormation function, so "
                    "CloudFormation rejects the template (expand it with its tool first)"), jp.join(path[:-1])  # the value holding it: the tag
    for section in MAPPING_SECTIONS:
        if section in data and not isinstance(data[section], dict):
            return f"{section} must be a mapping of names, not a {_kind(data[section])}", f"/{section}"
    for name, resource in (data.get("Resources") or {}).items():
        if name.startswith(_functions()[1]):
            continue  # Fn::ForEach::Name expands to resources
        where = jp.join(("Resources", name))
        if not isinstance(resource, dict):
            return f"resource {name} must be a mapping with a Type, not a {_kind(resource)}", where
        if "Type" not in resource:
            return f"resource {name} has no Type", where
        if not isinstance(resource["Type"], str):
            return f"the Type of resource {name} must be a string", where + "/Type"
    return None


def _may_name_unknown_functions(text: str) -> bool:
    """A quick look at the text: only a name that is not a known function needs the walk."""
    names = {"Fn::" + name for name in set(_FN.findall(text)) | set(_TAG.findall(text))
             if name not in ("Ref", "Condition")}
    return not all(known_function(name) for name in names)


def _unknown_function(value: Any, path: tuple[str, ...]) -> tuple[str, tuple[str, ...]] | None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key.startswith("Fn::") and not known_function(key):
                return key, path + (key,)
            found = _unknown_function(item, path + (key,))
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _unknown_function(item, path + (str(index),))
            if found is not None:
                return found
    return None


def _kind(value: Any) -> str:
    return {list: "list", str: "string", bool: "boolean", int: "number", float: "number",
            type(None): "null"}.get(type(value), type(value).__name__)
