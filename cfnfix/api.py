"""The Python API: check and fix templates given as text or as files."""

from __future__ import annotations

import os
from dataclasses import replace

from .parse.document import Format
from .engine import CheckResult, FixResult, check_document, document_from_text, fix_document, load
from .errors import CfnfixError
from .fileio import read_bytes, read_snapshot, write_atomic
from .settings import Settings

PathLike = str | os.PathLike[str]


def _settings(settings: Settings | None, unsafe_fixes: bool | None) -> Settings:
    settings = settings or Settings()
    if unsafe_fixes is not None:
        settings = settings.model_copy(update={"unsafe_fixes": unsafe_fixes})
    return settings


def _file_settings(path: str, settings: Settings | None, unsafe_fixes: bool | None) -> Settings:
    """The caller's settings, or else those the CLI would use: `.cfnfix.toml` or `[tool.cfnfix]` in
    pyproject.toml, nearest to the file. CfnfixError for a broken configuration file."""
    if settings is None:
        from .config import settings_for

        settings = settings_for(path, {})
    return _settings(settings, unsafe_fixes)


def check_text(text: str, format: Format | None = None, settings: Settings | None = None) -> CheckResult:
    """Findings of a template given as text (no configuration file is read)."""
    try:
        doc = document_from_text(text, format)
    except CfnfixError as exc:
        return CheckResult(None, format, error=exc.problem)
    return check_document(doc, _settings(settings, None))


def check_file(path: PathLike, settings: Settings | None = None) -> CheckResult:
    """Findings of a template file; without ``settings``, its configuration file applies as in the CLI."""
    path = os.fspath(path)
    try:
        chosen = _file_settings(path, settings, None)
        doc = load(read_bytes(path), path)
    except CfnfixError as exc:
        return CheckResult(path, None, error=exc.problem if exc.problem.path else exc.problem.at(path))
    return check_document(doc, chosen, path)


def fix_text(text: str, format: Format | None = None, unsafe_fixes: bool | None = None,
             settings: Settings | None = None) -> FixResult:
    """The fixed text, applied fixes, remaining findings, patch and diff; writes nothing."""
    try:
        doc = document_from_text(text, format)
    except CfnfixError as exc:
        return FixResult(None, format, text, text, error=exc.problem)
    return fix_document(doc, _settings(settings, unsafe_fixes))


def fix_file(path: PathLike, write: bool = False, unsafe_fixes: bool | None = None,
             settings: Settings | None = None) -> FixResult:
    """Like fix_text for a file, with its configuration file as in the CLI unless ``settings`` are
    given; with ``write=True`` the file is replaced atomically if it changed."""
    path = os.fspath(path)
    try:
        chosen = _file_settings(path, settings, unsafe_fixes)
        raw, snapshot = read_snapshot(path)
        doc = load(raw, path)
    except CfnfixError as exc:
        return FixResult(path, None, error=exc.problem if exc.problem.path else exc.problem.at(path))
    result = fix_document(doc, chosen, path)
    if write and result.error is None and result.changed:
        try:
            write_atomic(path, result.new_bytes, snapshot)
        except CfnfixError as exc:
            return replace(result, error=exc.problem.at(path))
    return result
