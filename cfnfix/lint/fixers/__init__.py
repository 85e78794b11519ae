"""The cfn-lint fixers, one module each, found by walking this package (one per cfn-lint rule id)."""

from __future__ import annotations

from functools import lru_cache

from ...rules import defined_in_package
from ..fixer import Fixer


@lru_cache(maxsize=1)
def all_fixers() -> tuple[type[Fixer], ...]:
    return defined_in_package(__name__, __path__, Fixer, "cfn-lint id")


def find_fixer(code_or_name: str) -> type[Fixer] | None:
    wanted = code_or_name.strip()
    return next((f for f in all_fixers() if f.code.upper() == wanted.upper() or f.name == wanted), None)
