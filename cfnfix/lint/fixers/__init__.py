"""The cfn-lint fixers, one module each, found by walking this package (one per cfn-lint rule id)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from ..fixer import Fixer


@lru_cache(maxsize=1)
def all_fixers() -> tuple[type[Fixer], ...]:
    found: dict[str, type[Fixer]] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Fixer) and value is not Fixer \
                    and value.__module__ == module.__name__:
                if value.code in found:
                    raise RuntimeError(f"cfn-lint id {value.code} has two fixers")
                found[value.code] = value
    return tuple(found[code] for code in sorted(found))



def find_fixer(code_or_name: str) -> type[Fixer] | None:
    wanted = code_or_name.strip()
    return next((f for f in all_fixers() if f.code.upper() == wanted.upper() or f.name == wanted), None)
