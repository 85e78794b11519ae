"""Settings from `.cfnfix.toml` or `[tool.cfnfix]` in pyproject.toml, nearest folder first."""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import CfnfixError, Problem
from .rules import find_rule
from .settings import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TOP_KEYS = {"select", "ignore", "unsafe-fixes", "exclude", "report-unused-suppressions", "cfn-lint", "rules"}


def _fail(message: str, path: Path) -> CfnfixError:
    return CfnfixError(Problem(message, str(path)))


def read_config(path: Path) -> dict[str, Any] | None:
    """The cfnfix table of a config file, or None when a pyproject.toml has none."""
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
            rule.Options.model_validate(options)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            raise _fail(f"rules.{code}.{where}: {error['msg']}", path) from None
        rules[rule.code] = options
    try:
        return Settings.model_validate({**{k: v for k, v in table.items() if k != "rules"}, "rules": rules})
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise _fail(f"{where}: {error['msg']}", path) from None


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
    return base.model_copy(update=dict(overrides)) if overrides else base
