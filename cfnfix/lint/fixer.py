"""What a cfn-lint fixer is: a rule whose findings come from cfn-lint, with the shape of a native rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Iterable

from ..rule import Finding, Fix, Rule
from ..model.template import Template
from .linter import Match

SEVERITY = {"error": "high", "warning": "medium", "informational": "low"}


class Fixer(Rule):
    """Fixes the findings of one cfn-lint rule; ``code`` is that rule's id (E3002, W1020, ...).

    cfn-lint finds; a fixer only reads the match (``payload``) and the template and proposes a fix.
    """

    # cfn-lint's level for the rule, for the docs (the finding takes the match's own level)
    level: ClassVar[str] = "error"
    # per bad example with a fix: the non-empty parts of that fix's impact
    impacts: ClassVar[dict[str, dict[str, list[str]]]] = {}

    @classmethod
    def cfn_lint_id(cls) -> str:
        return cls.code

    def detect(self, template: Template) -> Iterable[Finding]:
        return ()  # cfn-lint detects: see cfnfix.lint.findings

    def payload(self, match: Match, template: Template, matches: tuple[Match, ...]) -> Any:
        """What ``fix`` needs from this match (``matches``: all of this run), or None when this
        fixer cannot fix it."""
        return None

    def message(self, match: Match, payload: Any) -> str:
        """The finding's message: cfn-lint's, plus what input a fix needs where none is certain."""
        return match.message

    def fix(self, finding: Finding, template: Template, plan: Any) -> Fix | None:
        return None


@dataclass(frozen=True)
class Linted:
    """The payload of a finding that came from cfn-lint: the match, and what the fixer read from it."""

    match: Match
    detail: Any = None  # the fixer's own payload; None when it cannot fix this match


def match_of(finding: Finding) -> Match:
    return finding.payload.match


def payload_of(finding: Finding) -> Any:
    return finding.payload.detail
