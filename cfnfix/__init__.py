"""cfnfix: find known failure classes in CloudFormation templates and repair them in place."""

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


def __getattr__(name: str) -> Any:
    # imported on first use, so `cfnfix --version` does not pay for pydantic and the rules
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(name)
