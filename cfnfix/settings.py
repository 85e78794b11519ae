"""One settings object: which rules run, which fixes apply, and each rule's options."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .rule import Rule
from .rules import all_rules


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    unsafe_fixes: bool = Field(False, alias="unsafe-fixes")
    exclude: tuple[str, ...] = ()
    report_unused_suppressions: bool = Field(False, alias="report-unused-suppressions")
    cfn_lint: bool = Field(False, alias="cfn-lint")  # also run cfn-lint and fix what it finds
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)
    # Rule classes to run besides the installed ones: a rule under test (``cfnfix.testing``)
    extra_rules: tuple[Any, ...] = Field((), exclude=True)

    @field_validator("select", "ignore")
    @classmethod
    def _upper(cls, codes: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(code.strip().upper() for code in codes if code.strip())

    def enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(prefix) for prefix in self.select):
            return False
        return not any(code.startswith(prefix) for prefix in self.ignore)

    @cached_property
    def _rule_instances(self) -> tuple[Rule, ...]:
        return tuple(rule(self.rules.get(rule.code) or self.rules.get(rule.name))
                     for rule in (*all_rules(), *self.extra_rules) if self.enabled(rule.code))

    def rule_instances(self) -> list[Rule]:
        """The enabled rules with their options, made once per settings object."""
        return list(self._rule_instances)

    @cached_property
    def fixer_instances(self) -> dict[str, Any]:
        """The cfn-lint fixers by cfn-lint id, with their options, made once per settings object."""
        from .lint.fixers import all_fixers  # only --cfn-lint needs them

        return {f.code: f(self.rules.get(f.code) or self.rules.get(f.name)) for f in all_fixers()}


DEFAULT = Settings()
