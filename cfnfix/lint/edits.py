"""Patch pieces the cfn-lint fixers share: removing section entries, list entries, reading messages."""

from __future__ import annotations

import ast
import re
from typing import Any

from .. import pointer as jp
from ..rule import remove_op, test_op
from ..model.template import Template
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


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
    neighbours each count one (``Vcp`` is one edit from ``Vpc``)."""
    rows = [list(range(len(b) + 1))] + [[i] + [0] * len(b) for i in range(1, len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[len(a)][len(b)]


def one_close(name: str, candidates: list[str], cutoff: float = 0.8) -> tuple[str, bool] | None:
    """The one candidate ``name`` is a typo of, and whether only its case differs; None when there
    is none, or more than one. Close: one edit away (for names of three letters or more), or a
    difflib ratio of at least ``cutoff``."""
    import difflib

    same = [c for c in candidates if c.lower() == name.lower() and c != name]
    if same:
        return (same[0], True) if len(same) == 1 else None
    close = [c for c in candidates if c != name and (
        (min(len(c), len(name)) >= 3 and edit_distance(c.lower(), name.lower()) == 1)
        or difflib.SequenceMatcher(None, c, name).ratio() >= cutoff)]
    return (close[0], False) if len(close) == 1 else None
