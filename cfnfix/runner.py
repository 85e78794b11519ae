"""Running check or apply over the files and folders named on the command line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .config import settings_for
from .engine import CheckResult, FixResult, NotATemplate, check_document, fix_document, load
from .errors import CfnfixError, Problem
from .fileio import discover, read_bytes, write_atomic

Mode = Literal["check", "apply", "diff", "patch"]
PARALLEL_FROM = 8  # files; below this, starting processes costs more than it saves


@dataclass(frozen=True)
class FileResult:
    path: str
    check: CheckResult
    fix: FixResult | None = None

    @property
    def error(self) -> Problem | None:
        return self.check.error

    @property
    def findings(self):
        return self.check.findings

    @property
    def skipped(self) -> bool:
        return self.check.skipped


def process(path: str, named: bool, mode: Mode, overrides: dict[str, Any], config: str | None) -> FileResult:
    try:
        settings = settings_for(path, overrides, config)
        doc = load(read_bytes(path), path, named)
    except NotATemplate:
        return FileResult(path, CheckResult(path, None, skipped=True))
    except CfnfixError as exc:
        return FileResult(path, CheckResult(path, None, error=exc.problem.at(path)))
    if mode == "check":
        return FileResult(path, check_document(doc, settings, path))
    fixed = fix_document(doc, settings, path)
    if fixed.error is None and mode == "apply" and fixed.changed:
        try:
            write_atomic(path, fixed.new_bytes)
        except CfnfixError as exc:
            return FileResult(path, CheckResult(path, doc.format, error=exc.problem.at(path)))
    check = CheckResult(path, doc.format, fixed.remaining, fixed.suppressed, fixed.error)
    return FileResult(path, check, fixed)


def _process_star(args: tuple) -> FileResult:
    return process(*args)


def run(paths: list[str], mode: Mode, overrides: dict[str, Any], config: str | None = None,
        jobs: int = 1, unused_suppressions: bool = False) -> tuple[list[FileResult], list[Problem]]:
    excludes = tuple(overrides.get("exclude", ()))
    files, problems = discover(paths, excludes)
    files = [(p, named) for p, named in files if named or not _excluded(p, config, overrides)]
    files.sort(key=lambda item: item[0])
    work = [(p, named, mode, overrides, config) for p, named in files]
    if jobs > 1 and len(work) >= PARALLEL_FROM:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_process_star, work, chunksize=max(1, len(work) // (jobs * 8))))
    else:
        results = [_process_star(w) for w in work]
    for folder in paths:
        if Path(folder).is_dir() and not any(
                not r.skipped and _inside(r.path, folder) for r in results):
            problems.append(Problem("no CloudFormation templates found in this folder", folder))
    return [r for r in results if not r.skipped], problems


def _inside(path: str, folder: str) -> bool:
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def _excluded(path: str, config: str | None, overrides: dict[str, Any]) -> bool:
    from fnmatch import fnmatch

    try:
        patterns = settings_for(path, overrides, config).exclude
    except CfnfixError:
        return False  # the file's own run reports the configuration error
    return any(fnmatch(path, p) or fnmatch(Path(path).name, p) for p in patterns)
