"""cfn-lint's matches as cfnfix findings, merged into the native findings that already cover them."""

from __future__ import annotations

from typing import Iterable

from .. import pointer as jp
from ..rule import Finding, Rule
from ..model.template import Template
from .fixer import SEVERITY, Fixer, Linted
from .linter import Match, lint


def _covered(match: Match, pointer: str, native: list[tuple[Rule, Finding]]) -> bool:
    """Whether a native finding whose rule resolves this cfn-lint id is about the same place."""
    path = jp.split(pointer)
    for rule, finding in native:
        if match.rule_id not in (*getattr(rule, "cfn_lint_ids", ()), *getattr(rule, "resolves", ())):
            continue
        if jp.related(path, jp.split(finding.pointer)):
            return True
        if finding.resource is not None and path[:2] == ("Resources", finding.resource):
            return True
    return False


def lint_findings(text: str, template: Template, native: list[tuple[Rule, Finding]],
                  fixers: dict[str, Fixer]) -> Iterable[tuple[Fixer | None, Finding]]:
    """Each cfn-lint match not covered by a native finding, as a finding (no fix yet) and its fixer.

    Raises LintFailed when cfn-lint cannot read the text or fails on it.
    """
    matches = lint(text)
    for match in matches:
        pointer = jp.join(match.path)
        if _covered(match, pointer, native):
            continue
        fixer = fixers.get(match.rule_id)
        payload = fixer.payload(match, template, matches) if fixer is not None else None
        message = fixer.message(match, payload) if fixer is not None else match.message
        resource = match.path[1] if len(match.path) > 1 and match.path[0] == "Resources" else None
        yield fixer, Finding(match.rule_id, fixer.name if fixer is not None else match.name,
                             SEVERITY.get(match.level, "medium"), message, pointer, resource,  # type: ignore[arg-type]
                             payload=Linted(match, payload))
