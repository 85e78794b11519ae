"""The rules: the built-in ones, one module each in this package (found by walking it, so adding a
rule touches one file), and those of other distributions, through the entry-point group
``cfnfix.rules`` (each entry point names a ``Rule`` subclass: ``my-rule = my_package.rules:MyRule``)."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from functools import lru_cache

from ..errors import CfnfixError, Problem
from ..rule import Rule

ENTRY_POINTS = "cfnfix.rules"


def _describe(rule: type[Rule], where: str) -> str:
    return f"{rule.code} {rule.name} ({where} {rule.__module__}.{rule.__qualname__})"


def defined_in_package(package: str, path: list[str], base: type, what: str) -> tuple[type, ...]:
    """The subclasses of ``base`` defined in the modules of a package, by their ``code``; a code
    used twice is a programming error (``what`` names it in the message)."""
    found: dict[str, type] = {}
    for info in pkgutil.iter_modules(path):
        module = importlib.import_module(f"{package}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, base) and value is not base \
                    and value.__module__ == module.__name__:
                if value.code in found:
                    raise RuntimeError(f"{what} {value.code} is used twice")
                found[value.code] = value
    return tuple(found[code] for code in sorted(found))


@lru_cache(maxsize=1)
def builtin_rules() -> tuple[type[Rule], ...]:
    return defined_in_package(__name__, __path__, Rule, "rule code")


def _maybe_declared() -> bool:
    """Whether a distribution on the path may declare ``cfnfix.rules``: a metadata folder whose
    ``entry_points.txt`` names it, a zip on the path, or a finder of distributions of its own.
    False only when none can, so that importlib.metadata (email, zipfile, csv: the slowest
    import left in a check) is loaded only where there are plugins to find."""
    from importlib.machinery import PathFinder

    if any(hasattr(finder, "find_distributions") and finder is not PathFinder for finder in sys.meta_path):
        return True
    for entry in sys.path:
        folder = entry or "."
        try:
            names = os.listdir(folder)
        except NotADirectoryError:
            return True  # a zip file: importlib.metadata reads it
        except OSError:
            continue  # not there (python3XX.zip, a path hook's name)
        for name in names:
            if not name.lower().endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(folder, name, "entry_points.txt"), encoding="utf-8") as points:
                    if ENTRY_POINTS in points.read():
                        return True
            except (OSError, UnicodeDecodeError):
                continue  # no entry points (or a one-file .egg-info)
    return False


def plugin_rules() -> list[tuple[type[Rule], str]]:
    """(rule, the distribution that ships it) for every entry point of ``cfnfix.rules``."""
    if not _maybe_declared():
        return []
    from importlib.metadata import entry_points

    found = []
    for point in entry_points(group=ENTRY_POINTS):
        where = f"entry point {point.name} of {point.dist.name if point.dist else 'an unknown distribution'}"
        try:
            value = point.load()
        except (ImportError, AttributeError) as exc:
            raise CfnfixError(Problem(f"the rule plugin {where} cannot be loaded: {exc}")) from None
        if not (isinstance(value, type) and issubclass(value, Rule)):
            raise CfnfixError(Problem(f"the rule plugin {where} is not a cfnfix Rule class"))
        found.append((value, where))
    return found


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    """Built-in and plugin rules by code; a plugin whose code is taken is an error naming both."""
    owners: dict[str, str] = {rule.code: _describe(rule, "built in as") for rule in builtin_rules()}
    rules = {rule.code: rule for rule in builtin_rules()}
    for rule, where in plugin_rules():
        if rule.code in rules:
            raise CfnfixError(Problem(f"rule code {rule.code} clashes: {_describe(rule, where + ' as')} and "
                                      f"{owners[rule.code]}"))
        rules[rule.code] = rule
        owners[rule.code] = _describe(rule, where + " as")
    return tuple(rules[code] for code in sorted(rules))


def find_rule(code_or_name: str) -> type[Rule] | None:
    wanted = code_or_name.strip()
    for rule in all_rules():
        if rule.code.upper() == wanted.upper() or rule.name == wanted:
            return rule
    return None
