"""cfnfix: find known failure classes in CloudFormation templates and repair them in place.

    import cfnfix

    result = cfnfix.check_file("app.yaml")            # .findings, .errors (its config file applies)
    result = cfnfix.check_text(text, format="yaml")
    fixed = cfnfix.fix_text(text, unsafe_fixes=True)  # .text, .applied, .remaining, .patch, .diff, .errors
    fixed = cfnfix.fix_file("app.yaml", write=True)   # the same, written atomically

Paths may be `str` or `pathlib.Path`. Findings, fixes and results are frozen, hashable values;
`Settings(select=("CFX1",), unsafe_fixes=True, rules={"CFX201": {...}})` replaces the
configuration files. Errors are values (`.errors`), never exceptions, for unreadable input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["check_file", "check_text", "fix_file", "fix_text", "Settings", "CheckResult", "FixResult",
           "Finding", "Fix", "CfnfixError", "__version__"]

if TYPE_CHECKING:
    from .api import check_file, check_text, fix_file, fix_text
    from .engine import CheckResult, FixResult
    from .errors import CfnfixError
    from .rule import Finding, Fix
    from .settings import Settings

_LAZY = {
    "check_file": "api", "check_text": "api", "fix_file": "api", "fix_text": "api",
    "CheckResult": "engine", "FixResult": "engine", "Finding": "rule", "Fix": "rule",
    "Settings": "settings", "CfnfixError": "errors",
}


def __dir__() -> list[str]:
    # help(cfnfix) and tab completion see the lazily imported API too
    return sorted(set(globals()) | set(_LAZY))


def __getattr__(name: str) -> Any:
    # imported on first use, so `cfnfix --version` does not pay for pydantic and the rules
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(name)
