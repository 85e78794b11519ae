"""cfn-lint run in this process: decoded once per text, its rules and configuration made once per process."""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import CfnfixError, Problem

EXTRA = "cfn-lint"
MISSING = f"--cfn-lint needs cfn-lint, which is not installed: pip install 'cfnfix[{EXTRA}]'"
REGION = "us-east-1"  # cfn-lint's own default region


@dataclass(frozen=True)
class Match:
    """One cfn-lint finding, as plain data."""

    rule_id: str
    name: str   # cfn-lint's short description, as a slug
    level: str  # error, warning or informational
    message: str
    path: tuple[str, ...]
    line: int | None = None
    column: int | None = None

    @property
    def key(self) -> tuple[str, tuple[str, ...], str]:
        """What identifies a finding across two runs: rule, path and message with value lists collapsed."""
        return self.rule_id, self.path, collapsed(self.message)


class LintFailed(CfnfixError):
    """cfn-lint could not read a template, or failed on it; the other templates go on."""


def available() -> bool:
    return importlib.util.find_spec("cfnlint") is not None


# a list of allowed values or candidates, as cfn-lint writes them: "['a', 'b', ...]"
_VALUE_LIST = re.compile(r"\[[^\[\]]*\]")


def collapsed(message: str) -> str:
    """The message with its value lists collapsed, so the same finding compares equal across runs."""
    return _VALUE_LIST.sub("[…]", message)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@lru_cache(maxsize=1)
def _engine() -> tuple[Any, Any]:
    """cfn-lint's configuration and rules, made once per process (loading the rules costs about a second)."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    config = ConfigMixIn(regions=[REGION])
    return config, Runner(config).rules


def _decode(text: str) -> Any:
    from cfnlint.decode.decode import decode_str

    template, errors = decode_str(text)
    if errors:
        first = errors[0]
        raise LintFailed(Problem(f"cfn-lint cannot read this template: {first.message}", None,
                                 first.linenumber, first.columnnumber))
    return template


def _run(template: Any) -> list[Any]:
    from cfnlint.runner import run_template_by_data

    config, rules = _engine()
    return list(run_template_by_data(template, config, rules))


@lru_cache(maxsize=16)
def lint(text: str) -> tuple[Match, ...]:
    """cfn-lint's findings on a template's text, in cfn-lint's order. Raises LintFailed.

    Cached by text: apply asks for the same text twice (the pass that finds nothing more to fix,
    then the remaining findings), and that second run is also the verification of the fixes.
    """
    template = _decode(text)
    if not isinstance(template, dict):
        raise LintFailed(Problem("cfn-lint cannot read this template: not a mapping", None, 1, 1))
    try:
        matches = _run(template)
    except Exception as exc:  # noqa: BLE001 - cfn-lint's own bug on one template must not stop the others
        raise LintFailed(Problem(f"cfn-lint failed on this template ({type(exc).__name__}: {exc})")) from None
    return tuple(Match(m.rule.id, _slug(m.rule.shortdesc), str(m.rule.severity).lower(), m.message,
                       tuple(str(p) for p in (getattr(m, "path", None) or ())),
                       m.linenumber, m.columnnumber) for m in matches)
