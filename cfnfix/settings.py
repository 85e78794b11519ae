"""One settings object: which rules run, which fixes apply, and each rule's options."""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from .rule import Rule
from .rules import all_rules

ALL = "ALL"
# cfn-lint's rule ids and their prefixes (E3002, W2, I): they select its findings under --cfn-lint
_CFN_LINT_ID = re.compile(r"[EWI]\d{0,4}")
UNUSED_SUPPRESSION = "CFX000"  # the code of `--report-unused-suppressions` findings


@lru_cache(maxsize=1)
def known_codes() -> tuple[str, ...]:
    return (UNUSED_SUPPRESSION, *(rule.code for rule in all_rules()))


def code_problem(code: str, extra: tuple[str, ...] = ()) -> str | None:
    """Why ``code`` selects nothing (with the closest known code or prefix), or None if it is known.

    A selector is `ALL`, a rule code, or a prefix of one (`CFX`, `CFX2`); case does not matter.
    ``extra`` are the codes of rules given to the settings besides the installed ones."""
    wanted = code.strip().upper()
    codes = known_codes() + extra
    if wanted == ALL or any(c.startswith(wanted) for c in codes) or _CFN_LINT_ID.fullmatch(wanted):
        return None
    prefixes = sorted({c[:n] for c in codes for n in range(3, len(c) + 1)}, key=lambda p: (-len(p), p))
    import difflib  # only a bad code needs it: keeps `check` quick to start

    close = difflib.get_close_matches(wanted, prefixes, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}?" if close else "`cfnfix rules` lists the codes"
    return f"unknown rule code or prefix {code.strip()!r} ({hint})"


def _specificity(selector: str, code: str) -> int | None:
    """How closely ``selector`` names ``code`` (longer prefix, higher), or None if it does not."""
    if selector == ALL:
        return 0
    return len(selector) if code.startswith(selector) else None


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    # Rule classes to run besides the installed ones: a rule under test (``cfnfix.testing``);
    # first, so that the code validators below know their codes
    extra_rules: tuple[Any, ...] = Field((), exclude=True)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = Field((), alias="extend-select")
    extend_ignore: tuple[str, ...] = Field((), alias="extend-ignore")
    unsafe_fixes: bool = Field(False, alias="unsafe-fixes")
    exclude: tuple[str, ...] = ()
    report_unused_suppressions: bool = Field(False, alias="report-unused-suppressions")
    cfn_lint: bool = Field(False, alias="cfn-lint")  # also run cfn-lint and fix what it finds
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # which stacks the team writes: rules with a `lifecycle` of their own run only under it
    lifecycle: Literal["ephemeral", "production"] | None = None

    @field_validator("select", "ignore", "extend_select", "extend_ignore")
    @classmethod
    def _known(cls, codes: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        extra = tuple(rule.code for rule in info.data.get("extra_rules", ()))
        for code in codes:
            problem = code_problem(code, extra)
            if problem:
                raise ValueError(problem)
        return tuple(code.strip().upper() for code in codes if code.strip())

    def _best(self, selectors: tuple[str, ...], code: str) -> int | None:
        found = [s for s in (_specificity(selector, code) for selector in selectors) if s is not None]
        return max(found) if found else None

    def enabled(self, code: str) -> bool:
        """As ruff decides: the most specific matching selector wins, and `ignore` a tie."""
        chosen = self._best((self.select or (ALL,)) + self.extend_select, code)
        dropped = self._best(self.ignore + self.extend_ignore, code)
        return chosen is not None and (dropped is None or chosen > dropped)

    def explicitly_selected(self, code: str) -> bool:
        """Named in `select` or `extend-select` by its code or its family (`CFX4`), not by `ALL`
        or `CFX`: what opt-in rules need."""
        return self.enabled(code) and any(len(s) >= 4 and code.startswith(s)
                                          for s in self.select + self.extend_select if s != ALL)

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> "Settings":
        copied = super().model_copy(update=update, deep=deep)
        # pydantic copies the instance dict, cached rules included: they belong to the old values
        copied.__dict__.pop("_rule_instances", None)
        copied.__dict__.pop("fixer_instances", None)
        return copied

    @cached_property
    def _rule_instances(self) -> tuple[Rule, ...]:
        made = []
        for rule in (*all_rules(), *self.extra_rules):
            if not self.enabled(rule.code) or getattr(rule, "lifecycle", None) not in (None, self.lifecycle):
                continue
            instance = rule(self.rules.get(rule.code) or self.rules.get(rule.name))
            if instance.runs(self.explicitly_selected(rule.code)):
                made.append(instance)
        return tuple(made)

    def rule_instances(self) -> list[Rule]:
        """The enabled rules with their options, made once per settings object."""
        return list(self._rule_instances)

    @cached_property
    def fixer_instances(self) -> dict[str, Any]:
        """The cfn-lint fixers by cfn-lint id, with their options, made once per settings object."""
        from .lint.fixers import all_fixers  # only --cfn-lint needs them

        return {f.code: f(self.rules.get(f.code) or self.rules.get(f.name)) for f in all_fixers()}


DEFAULT = Settings()
