"""Suppressions written in a template: ``Metadata: {cfnfix: {ignore: [{code, reason}]}}``."""

from __future__ import annotations

from typing import Any, NamedTuple

from . import pointer as jp
from .rule import Finding
from .model.template import Template


class Suppression(NamedTuple):
    code: str
    resource: str | None  # None: the whole template
    pointer: str          # of the entry, for reporting it unused

    def matches(self, finding: Finding) -> bool:
        return finding.code.startswith(self.code) and self.resource in (None, finding.resource)


class BadSuppression(NamedTuple):
    """A suppression entry that cannot be read: where it is, and what is wrong."""

    pointer: str
    message: str


def read_suppressions(template: Template) -> list[Suppression] | BadSuppression:
    """The entries on the template and on each resource, or the first one that is malformed."""
    found: list[Suppression] = []
    places: list[tuple[str | None, Any]] = [(None, template.metadata)]
    places += [(name, r.metadata) for name, r in template.resources.items()]
    for resource, metadata in places:
        block = metadata.get("cfnfix")
        if block is None:
            continue
        where = jp.join(("Resources", resource, "Metadata", "cfnfix")) if resource else "/Metadata/cfnfix"
        entries = block.get("ignore") if isinstance(block, dict) else None
        if not isinstance(entries, list):
            return BadSuppression(where, "cfnfix metadata needs `ignore:` with a list of {code, reason}")
        for index, entry in enumerate(entries):
            pointer = f"{where}/ignore/{index}"
            if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
                return BadSuppression(pointer, "a suppression needs a code and a reason")
            if not str(entry.get("reason") or "").strip():
                return BadSuppression(pointer, f"suppressing {entry['code']} needs a reason")
            found.append(Suppression(entry["code"].strip().upper(), resource, pointer))
    return found
