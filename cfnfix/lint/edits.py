"""Patch pieces the cfn-lint fixers share: removing section entries, list entries, reading messages."""

from __future__ import annotations

import ast
import re
from typing import Any

from .. import pointer as jp
from ..rule import remove_op, test_op
from ..template import Template
from .linter import Match


def quoted(message: str) -> list[str]:
    """The single-quoted names in a cfn-lint message, in order."""
    return re.findall(r"'([^']*)'", message)


def literal_list(message: str) -> list[Any] | None:
    """The value list of a message such as "2555 is not one of [1, 3, 5]", or None."""
    found = re.search(r"is not one of (\[.*\])", message)
    if not found:
        return None
    try:
        values = ast.literal_eval(found.group(1))
    except (ValueError, SyntaxError):
        return None
    return values if isinstance(values, list) else None


def unused_entries(section: str, rule_id: str, matches: tuple[Match, ...]) -> list[str]:
    """The entries of a top-level section cfn-lint reports unused under ``rule_id``, in its order."""
    return [m.path[1] for m in matches if m.rule_id == rule_id and len(m.path) == 2 and m.path[0] == section]


def remove_entries(template: Template, section: str, names: list[str]) -> tuple[dict[str, Any], ...]:
    """Remove these entries of a section, or the whole section when nothing else is left in it."""
    body = template.data.get(section)
    if not isinstance(body, dict):
        return ()
    names = [n for n in body if n in names]  # file order
    if not names:
        return ()
    if len(names) == len(body):
        return test_op((section,), body), remove_op((section,))
    ops: list[dict[str, Any]] = []
    for name in names:
        ops += [test_op((section, name), body[name]), remove_op((section, name))]
    return tuple(ops)


def at(template: Template, path: tuple[str, ...]) -> Any:
    """The value at ``path``, or None when there is none."""
    try:
        return jp.resolve(template.data, path)
    except (KeyError, IndexError, ValueError):
        return None


def pattern(path: tuple[str, ...]) -> str:
    """A path below Properties as the data tables write it: list indexes as ``*``, ``Fn::If``
    branches left out (``SecurityGroupIngress/*``; ``""`` for Properties itself)."""
    parts: list[str] = []
    skip = False
    for part in path:
        if skip:
            skip = False
        elif part == "Fn::If":
            skip = True
        else:
            parts.append("*" if part.isdigit() else part)
    return "/".join(parts)
