"""pydantic at the boundary: the models that check what a user gives, made from plain dataclass declarations.

Imported only when values are given (a configuration file, rule options, a settings value that is
not already of its declared type), so that `cfnfix check FILE` without any never loads pydantic.
"""

from __future__ import annotations

import dataclasses
import typing
from functools import lru_cache
from typing import Any, Callable

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from .options import CONSTRAINTS, key_of


class NoOptions(BaseModel):
    """The base of options declared as a pydantic model, and of the models made here: keys in the
    file's kebab case or by field name, nothing unknown, frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, alias_generator=key_of)


def _fields(declaration: type) -> dict[str, Any]:
    """The pydantic field definitions of a dataclass: its resolved annotations, its defaults and
    the ``pydantic.Field`` constraints of its metadata."""
    hints = typing.get_type_hints(declaration)
    made: dict[str, Any] = {}
    for f in dataclasses.fields(declaration):
        settings = dict(f.metadata.get(CONSTRAINTS, {}))
        settings.pop("check", None)  # not pydantic's: a validator of the field (see model_of)
        if f.default_factory is not dataclasses.MISSING:
            settings["default_factory"] = f.default_factory
        elif f.default is not dataclasses.MISSING:
            settings["default"] = f.default
        made[f.name] = (hints[f.name], Field(**settings))
    return made


@lru_cache(maxsize=None)
def model_of(declaration: type, check: Callable[..., Any] | None = None,
             checked: tuple[str, ...] = ()) -> type[BaseModel]:
    """The pydantic model of a dataclass, made once: its fields in its order, and ``check`` as the
    field validator of the fields named in ``checked`` (``check(cls, value, info)``: pydantic knows
    a validator by its first parameter being named ``cls``)."""
    validators = {"check": field_validator(*checked)(check)} if check is not None else {}
    for f in dataclasses.fields(declaration):
        own = f.metadata.get(CONSTRAINTS, {}).get("check")
        if own is not None:
            validators[f"check_{f.name}"] = field_validator(f.name)(_field_check(own))
    return create_model(declaration.__name__, __base__=NoOptions, __module__=declaration.__module__,
                        __validators__=validators or None, **_fields(declaration))


def _field_check(check: Callable[[Any], Any]) -> Callable[..., Any]:
    """A field validator (``(cls, value)``, as pydantic knows one) of an option's ``check``: a
    function of the value that returns it, or raises ValueError with the message the user sees."""
    def validate(cls: type, value: Any) -> Any:
        return check(value)
    return validate
