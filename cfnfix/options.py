"""Rule options as plain frozen dataclasses: made with their defaults as they are, validated by pydantic when given.

A rule declares its options so::

    @dataclass(frozen=True)
    class Options:
        standby_region: str = option("us-west-2", pattern=r"^[a-z]{2}(-[a-z]+)+-\\d$")
        any_template: bool = False

``option`` takes a default (or ``default_factory``) and the constraints of ``pydantic.Field``
(``pattern``, ``ge``, ``description``, ...), and ``check``: a function of a given value that returns
it or raises ValueError with the message the user sees. A rule run with its defaults never imports pydantic;
given values (a configuration file, the API's ``Settings(rules=...)``, an example's options) are
checked by a pydantic model made from the declaration on first use (``cfnfix.validation.model_of``): the
same key names (``standby-region`` or ``standby_region``), coercions and error messages as a
pydantic model would give. Options declared as a pydantic model (a subclass of
``cfnfix.rule.NoOptions``, as plugin rules may) are validated by that model, as before.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping

CONSTRAINTS = "cfnfix.constraints"  # the key of a field's metadata that holds its pydantic.Field constraints


def key_of(name: str) -> str:
    """A field's key in a configuration file: ``standby_region`` is ``standby-region``."""
    return name.replace("_", "-")


def option(default: Any = dataclasses.MISSING, *, default_factory: Any = dataclasses.MISSING,
           **constraints: Any) -> Any:
    """A dataclass field with the ``pydantic.Field`` constraints checked when a value is given."""
    return dataclasses.field(default=default, default_factory=default_factory,
                             metadata={CONSTRAINTS: constraints})


@dataclasses.dataclass(frozen=True)
class NoRuleOptions:
    """The options of a rule that has none: any value given is an error."""


_PLAIN_TYPES = {"str": str, "bool": bool, "int": int, "float": float, "None": type(None)}


def _plain_type(declared: Any) -> tuple[type, ...] | None:
    """The types a field of ``declared`` type takes as they are (``str | None``: str and None), or
    None when pydantic must convert or check (a ``Literal``, a list, a date)."""
    if isinstance(declared, type):
        return (declared,) if declared in _PLAIN_TYPES.values() else None
    if not isinstance(declared, str):
        return None
    parts = [_PLAIN_TYPES.get(part.strip()) for part in declared.split("|")]
    return None if None in parts else tuple(parts)  # type: ignore[arg-type]


def _as_they_are(options: type, values: Mapping[str, Any]) -> dict[str, Any] | None:
    """``values`` by field name when each is of its field's plain type and the field has no
    constraints: what pydantic would make of them unchanged. None: pydantic decides."""
    by_key = {key_of(f.name): f for f in dataclasses.fields(options)}
    by_key.update({f.name: f for f in dataclasses.fields(options)})
    made: dict[str, Any] = {}
    for key, value in values.items():
        f = by_key.get(key) if isinstance(key, str) else None
        if f is None or f.name in made or f.metadata.get(CONSTRAINTS):
            return None
        plain = _plain_type(f.type)
        if plain is None or type(value) not in plain:
            return None
        made[f.name] = value
    return made


def is_pydantic(options: type) -> bool:
    """Options declared as a pydantic model rather than a plain dataclass."""
    return not dataclasses.is_dataclass(options) and hasattr(options, "model_validate")


def names(options: type) -> tuple[str, ...]:
    """The options' field names (``standby_region``, not the file's ``standby-region``)."""
    if is_pydantic(options):
        return tuple(options.model_fields)  # type: ignore[attr-defined]
    return tuple(f.name for f in dataclasses.fields(options))


def validated(options: type, values: Mapping[str, Any] | None) -> Any:
    """The options made from ``values``; pydantic's ``ValidationError`` for a bad one. No values,
    no pydantic: a dataclass's defaults are what its model would make of ``{}``, and so are values
    already of a field's plain declared type (what cfnfix itself sets, a found tests folder)."""
    if is_pydantic(options):
        return options.model_validate(dict(values or {}))  # type: ignore[attr-defined]
    plain = _as_they_are(options, values or {})
    if plain is not None:
        return options(**plain)
    from .validation import model_of

    checked = model_of(options).model_validate(dict(values))
    return options(**{name: getattr(checked, name) for name in names(options)})
