"""One settings object: which rules run, which fixes apply, and each rule's options."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from functools import cached_property, lru_cache
from typing import Any, Literal

from .options import CONSTRAINTS, key_of, option
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


def _codes_plain(codes: Any) -> bool:
    return type(codes) is tuple and all(type(code) is str for code in codes)


def _plain(values: dict[str, Any]) -> bool:
    """Whether ``values`` are already of the settings' declared types, so that pydantic would take
    them as they are: only then are the settings made without it."""
    rules = values["rules"]
    return (type(values["extra_rules"]) is tuple
            and all(_codes_plain(values[name]) for name in (*_CODE_FIELDS, "exclude"))
            and all(type(values[name]) is bool for name in ("unsafe_fixes", "report_unused_suppressions", "cfn_lint"))
            and type(rules) is dict and all(type(k) is str and type(v) is dict for k, v in rules.items())
            and values["lifecycle"] in (None, "ephemeral", "production"))


def _check_codes(cls: type, codes: tuple[str, ...], info: Any) -> tuple[str, ...]:
    """The validator of the model's selectors: a known code or prefix each, upper-cased and stripped."""
    extra = tuple(rule.code for rule in info.data.get("extra_rules", ()))
    for code in codes:
        problem = code_problem(code, extra)
        if problem:
            raise ValueError(problem)
    return tuple(code.strip().upper() for code in codes if code.strip())


def _checked_codes(values: dict[str, Any]) -> dict[str, tuple[str, ...]] | None:
    """The selectors upper-cased and stripped, as the model's validator makes them, or None when one
    is unknown (pydantic then says which)."""
    extra = tuple(rule.code for rule in values["extra_rules"])
    if any(code_problem(code, extra) for name in _CODE_FIELDS for code in values[name]):
        return None
    return {name: tuple(code.strip().upper() for code in values[name] if code.strip()) for name in _CODE_FIELDS}


_CODE_FIELDS = ("select", "ignore", "extend_select", "extend_ignore")


@dataclass(frozen=True)
class Settings:
    """Which rules run, which fixes apply, each rule's options: a plain frozen value.

    Values of the declared types are taken as they are; any other (a list for a tuple, a string for
    a flag, an unknown code) goes through the pydantic model made from these fields
    (``settings_model``), which converts it or raises its ``ValidationError``. A configuration
    file's keys are the fields' names in kebab case (``extend-select``)."""

    # Rule classes to run besides the installed ones: a rule under test (``cfnfix.testing``);
    # first, so that the code validators know their codes
    extra_rules: tuple[Any, ...] = option((), exclude=True)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    exclude: tuple[str, ...] = ()
    report_unused_suppressions: bool = False
    cfn_lint: bool = False  # also run cfn-lint and fix what it finds
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    # which stacks the team writes: rules with a `lifecycle` of their own run only under it
    lifecycle: Literal["ephemeral", "production"] | None = None

    def __post_init__(self) -> None:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        codes = _checked_codes(values) if _plain(values) else None
        if codes is None:
            checked = settings_model().model_validate(values)
            made = {name: getattr(checked, name) for name in values}
        else:
            # copied, as pydantic copies them: the caller's dicts stay theirs
            made = {**values, **codes, "rules": {k: dict(v) for k, v in values["rules"].items()}}
        for name, value in made.items():
            object.__setattr__(self, name, value)

    @classmethod
    def model_validate(cls, data: dict[str, Any]) -> "Settings":
        """Settings from a table in the configuration file's key names (``extend-select``) or by
        field name; an unknown key or a bad value raises pydantic's ``ValidationError``."""
        by_key = _field_of_key()
        if all(key in by_key for key in data):
            return cls(**{by_key[key]: value for key, value in data.items()})
        checked = settings_model().model_validate(data)
        return cls(**{f.name: getattr(checked, f.name) for f in fields(cls)})

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> "Settings":
        """A copy with ``update`` (by field name), checked as new settings are; its rules are made anew."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        if deep:
            import copy

            values = copy.deepcopy(values)
        return Settings(**{**values, **(update or {})})

    def model_dump(self, *, by_alias: bool = False, mode: str = "python") -> dict[str, Any]:
        """The settings as a table (``extra_rules`` left out), as pydantic dumps them; in ``json``
        mode tuples become lists and dates strings."""
        if mode == "json":
            values = {f.name: getattr(self, f.name) for f in fields(self)}
            return settings_model().model_construct(**values).model_dump(by_alias=by_alias, mode="json")
        return {(key_of(f.name) if by_alias else f.name): getattr(self, f.name)
                for f in fields(self) if not f.metadata.get(CONSTRAINTS, {}).get("exclude")}

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


@lru_cache(maxsize=1)
def _field_of_key() -> dict[str, str]:
    # a table's key (`extend-select`) or a field's own name, to the field's name
    return {**{key_of(f.name): f.name for f in fields(Settings)}, **{f.name: f.name for f in fields(Settings)}}


def settings_model() -> type:
    """The pydantic model of ``Settings``, made on first use: its fields (``extra_rules`` first, so
    that the check of the codes knows theirs), kebab-case keys, the selectors checked."""
    from .validation import model_of

    return model_of(Settings, _check_codes, _CODE_FIELDS)


DEFAULT = Settings()
