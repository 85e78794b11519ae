"""cfn-lint's check of a file's fixes: a fix stays only if its finding is gone and nothing was added."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .. import pointer as jp
from ..rule import Finding
from .fixer import Linted
from .linter import Match, collapsed, lint


@dataclass(frozen=True)
class Rejection:
    """A fix cfn-lint's second run refused, and why; the file is fixed without it."""

    finding: Finding
    reason: str


def _is_lint(finding: Finding) -> bool:
    return isinstance(finding.payload, Linted)


def _touches(finding: Finding, path: tuple[str, ...]) -> bool:
    assert finding.fix is not None
    return any(jp.related(changed, path) for changed in finding.fix.paths())


def added(before: tuple[Match, ...], after: tuple[Match, ...]) -> list[Match]:
    """Matches of ``after`` beyond those of ``before``, by rule and message, positions aside (fixes
    move things: removing a list entry renumbers the entries after it)."""
    left = Counter((m.rule_id, collapsed(m.message)) for m in before)
    added = []
    for match in after:
        key = (match.rule_id, collapsed(match.message))
        if left[key]:
            left[key] -= 1
        else:
            added.append(match)
    return added


def rejections(before: str, after: str, applied: list[Finding]) -> list[Rejection]:
    """The applied fixes to drop, each with its reason; empty when cfn-lint accepts them all.

    Raises LintFailed when cfn-lint fails on ``after``.
    """
    old, new = lint(before), lint(after)
    rejected: dict[int, str] = {}
    remaining = {m.key for m in new}
    for index, finding in enumerate(applied):
        if _is_lint(finding) and finding.payload.match.key in remaining:
            rejected[index] = f"cfn-lint still reports {finding.code} after the fix"
    for match in added(old, new):
        where = jp.join(match.path) or "the template"
        culprits = [i for i, f in enumerate(applied) if match.path and _touches(f, match.path)]
        if not culprits:
            # a finding at no changed path: held against the fixes in the same entry, else all of them
            culprits = [i for i, f in enumerate(applied) if match.path[:2] and _touches(f, match.path[:2])]
        for index in culprits or range(len(applied)):
            rejected.setdefault(index, f"the fix adds cfn-lint {match.rule_id} at {where}: {match.message}")
    return [Rejection(applied[i], reason) for i, reason in sorted(rejected.items())]
