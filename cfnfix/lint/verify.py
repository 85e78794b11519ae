"""cfn-lint's check of a file's fixes: a fix stays only if its finding is gone and nothing was added."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable

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


def _adds(before: str, text: str | None, match: Match) -> bool:
    if text is None:
        return False
    key = (match.rule_id, collapsed(match.message))
    return any((m.rule_id, collapsed(m.message)) == key for m in added(lint(before), lint(text)))


def rejections(before: str, after: str, applied: list[Finding],
               alone: Callable[[Finding], str | None]) -> list[Rejection]:
    """The applied fixes to drop, each with its reason; empty when cfn-lint accepts them all.

    ``alone(finding)`` is ``before`` with only that finding's fix applied (None when it cannot be
    applied alone): used only for a new finding at a place no fix changed, to find its fix.
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
            # at no changed path (a parameter a removed condition used): each fix tried alone,
            # the rare case that costs a cfn-lint run per fix
            culprits = [i for i, f in enumerate(applied) if _adds(before, alone(f), match)]
        for index in culprits or range(len(applied)):
            rejected.setdefault(index, f"the fix adds cfn-lint {match.rule_id} at {where}: {match.message}")
    return [Rejection(applied[i], reason) for i, reason in sorted(rejected.items())]
