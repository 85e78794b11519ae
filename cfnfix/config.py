"""Settings from `.cfnfix.toml` or `[tool.cfnfix]` in pyproject.toml, nearest folder first."""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import CfnfixError, Problem
from .options import names, validated
from .rules import find_rule
from .settings import Settings

if TYPE_CHECKING:
    from pydantic import ValidationError

TOP_KEYS = {"select", "ignore", "extend-select", "extend-ignore", "unsafe-fixes", "exclude",
            "report-unused-suppressions", "rules", "lifecycle", "cfn-lint"}
EXTENDING = ("extend_select", "extend_ignore")  # a flag adds to what the file says instead of replacing it


def _fail(message: str, path: Path) -> CfnfixError:
    return CfnfixError(Problem(message, str(path)))


def read_config(path: Path) -> dict[str, Any] | None:
    """The cfnfix table of a config file, or None when a pyproject.toml has none."""
    # imported here: a run without a config file never needs a TOML parser
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise _fail(f"invalid TOML: {exc}", path) from None
    except OSError as exc:
        raise _fail(f"cannot read: {exc.strerror or exc}", path) from None
    except UnicodeDecodeError:
        raise _fail("not UTF-8", path) from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("cfnfix")
        return table if isinstance(table, dict) else None
    return data


def settings_from(table: dict[str, Any], path: Path) -> Settings:
    """Validated settings; an unknown key or a bad value is an error naming the key and the file."""
    from pydantic import ValidationError  # a configuration file is what pydantic is for

    for key in table:
        if key not in TOP_KEYS:
            raise _fail(f"unknown key {key!r}", path)
    rules_table = table.get("rules", {})
    if not isinstance(rules_table, dict):
        raise _fail("'rules' must be a table of rule codes", path)
    rules: dict[str, dict[str, Any]] = {}
    for code, options in rules_table.items():
        rule = find_rule(code)
        if rule is None:
            from .lint.fixers import find_fixer  # a cfn-lint fixer's options (W2001 remove)

            rule = find_fixer(code)
        if rule is None:
            raise _fail(f"unknown rule 'rules.{code}'", path)
        if not isinstance(options, dict):
            raise _fail(f"'rules.{code}' must be a table", path)
        try:
            validated(rule.Options, options)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            raise _fail(f"rules.{code}.{where}: {error['msg']}", path) from None
        if isinstance(options.get("tests"), str) and not os.path.isabs(options["tests"]):
            # a tests folder named in a configuration file is relative to that file, as ruff's paths are
            options = {**options, "tests": str(path.parent.resolve() / options["tests"])}
        rules[rule.code] = options
    try:
        return Settings.model_validate({**{k: v for k, v in table.items() if k != "rules"}, "rules": rules})
    except ValidationError as exc:
        raise _fail(validation_message(exc), path) from None


def validation_message(exc: ValidationError) -> str:
    """The first error as `key: what is wrong`, in the file's own key names."""
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"]).replace("_", "-")
    return f"{where}: {error['msg'].removeprefix('Value error, ')}"


@lru_cache(maxsize=4096)
def find_config(folder: Path) -> Path | None:
    """The nearest config file from ``folder`` upward; `.cfnfix.toml` wins within a folder."""
    dotfile = folder / ".cfnfix.toml"
    if dotfile.is_file():
        return dotfile
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file() and read_config(pyproject) is not None:
        return pyproject
    return None if folder.parent == folder else find_config(folder.parent)


@lru_cache(maxsize=256)
def load_settings(config: Path | None) -> Settings:
    if config is None:
        return Settings()
    table = read_config(config)
    return settings_from(table or {}, config)


def settings_for(path: str, overrides: dict[str, Any], config_file: str | None = None) -> Settings:
    """Settings for one template: its config file (or the one given), then the command line's flags."""
    return _settings_for_folder(os.path.dirname(path) or ".", tuple(sorted(overrides.items())), config_file)


@lru_cache(maxsize=1024)
def _settings_for_folder(folder: str, overrides: tuple[tuple[str, Any], ...], config_file: str | None) -> Settings:
    if config_file:
        base = load_settings(Path(config_file).resolve())
    else:
        base = load_settings(find_config(Path(folder).resolve()))
    base = _with_found_tests(base, folder)
    if not overrides:
        return base
    update = dict(overrides)
    for key in EXTENDING:
        if key in update:
            update[key] = getattr(base, key) + tuple(update[key])
    return _copy(base, update)


def _copy(settings: Settings, update: dict[str, Any]) -> Settings:
    # validated anew rather than model_copy'd: a copy would keep the rules made for the old selection
    return Settings.model_validate({**settings.model_dump(), **update})


def forget() -> None:
    """Drop what was read of configuration files, for a long-lived process (the language server)
    to see a file edited since."""
    find_config.cache_clear()
    load_settings.cache_clear()
    _settings_for_folder.cache_clear()


def _with_found_tests(settings: Settings, folder: str) -> Settings:
    """A rule with a `tests` option that is not set reads the tests folder found near the template
    (as `cfnfix tests` finds it): evidence that integration tests exist, which CFX401 needs."""
    from .rules import all_rules
    from .model.testscan import find_tests

    wanting = [rule for rule in all_rules() if "tests" in names(rule.Options) and settings.enabled(rule.code)
               and not (settings.rules.get(rule.code) or settings.rules.get(rule.name) or {}).get("tests")]
    if not wanting:
        return settings
    found = find_tests(folder)
    if found is None:
        return settings
    rules = dict(settings.rules)
    for rule in wanting:
        rules[rule.code] = {**(rules.pop(rule.name, None) or rules.get(rule.code) or {}), "tests": str(found)}
    return _copy(settings, {"rules": rules})
