"""Running check or apply over the files and folders named on the command line."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Literal

from .config import settings_for
from .engine import CheckResult, FixResult, NotATemplate, check_document, fix_document, load
from .errors import CfnfixError, Problem
from .fileio import discover, read_bytes, write_atomic
from .settings import Settings

Mode = Literal["check", "sarif", "apply", "diff", "patch"]
PARALLEL_FROM = 8  # files; below this, starting processes costs more than it saves


@dataclass(frozen=True)
class FileResult:
    path: str
    check: CheckResult
    fix: FixResult | None = None
    # for SARIF: each finding's fix written on its own, as (original text, fixed text)
    fix_texts: tuple[tuple[str, str] | None, ...] = ()

    @property
    def error(self) -> Problem | None:
        return self.check.error

    @property
    def findings(self):
        return self.check.findings

    @property
    def skipped(self) -> bool:
        return self.check.skipped


def process(path: str, named: bool, mode: Mode, settings: Settings) -> FileResult:
    try:
        doc = load(read_bytes(path), path, named)
    except NotATemplate:
        return FileResult(path, CheckResult(path, None, skipped=True))
    except CfnfixError as exc:
        return FileResult(path, CheckResult(path, None, error=exc.problem.at(path)))
    if mode in ("check", "sarif"):
        checked = check_document(doc, settings, path)
        return FileResult(path, checked, fix_texts=_fix_texts(doc, checked) if mode == "sarif" else ())
    fixed = fix_document(doc, settings, path)
    if fixed.error is None and mode == "apply" and fixed.changed:
        try:
            write_atomic(path, fixed.new_bytes)
        except CfnfixError as exc:
            return FileResult(path, CheckResult(path, doc.format, error=exc.problem.at(path)))
    check = CheckResult(path, doc.format, fixed.remaining, fixed.suppressed, fixed.error)
    return FileResult(path, check, fixed)


def _fix_texts(doc, checked: CheckResult) -> tuple[tuple[str, str] | None, ...]:
    from .writer import write

    texts: list[tuple[str, str] | None] = []
    for finding in checked.findings:
        if finding.fix is None or finding.fix.safety == "display-only":
            texts.append(None)
            continue
        try:
            texts.append((doc.text, write(doc, [dict(op) for op in finding.fix.patch]).text))
        except CfnfixError:
            texts.append(None)  # needs another fix first: described, not offered as a replacement
    return tuple(texts)


# The distinct settings of a run, sent to each worker once: a task names its settings by index,
# so a worker keeps each settings object, and the rules it made, for all of its files.
_SETTINGS: list[Settings] = []


def _init_worker(settings: list[Settings]) -> None:
    _SETTINGS[:] = settings


def _process_item(item: tuple[str, bool, Mode, int]) -> FileResult:
    path, named, mode, index = item
    try:
        return process(path, named, mode, _SETTINGS[index])
    except Exception as exc:  # noqa: BLE001 - the one boundary: a bug in cfnfix must not stop other files
        problem = Problem(f"internal error ({type(exc).__name__}: {exc}); please report it with this file", path)
        return FileResult(path, CheckResult(path, None, error=problem))


def run(paths: list[str], mode: Mode, overrides: dict[str, Any], config: str | None = None,
        jobs: int = 1, only_templates: bool = False) -> tuple[list[FileResult], list[Problem]]:
    files, problems = discover(paths, tuple(overrides.get("exclude", ())))
    if only_templates:
        files = [(path, False) for path, _ in files]
    work = []
    distinct: list[Settings] = []
    for path, named in sorted(files):
        try:
            settings = settings_for(path, overrides, config)
        except CfnfixError as exc:
            # a broken configuration file is reported once, under its own name
            if exc.problem not in problems:
                problems.append(exc.problem)
            continue
        if not named and _excluded(path, settings.exclude):
            continue
        index = next((i for i, known in enumerate(distinct) if known is settings), None)
        if index is None:
            distinct.append(settings)
            index = len(distinct) - 1
        work.append((path, named, mode, index))
    if any(s.cfn_lint for s in distinct):
        from .lint.linter import MISSING, available

        if not available():
            # said once; the templates are still checked with the native rules
            problems.append(Problem(MISSING))
            distinct = [s.model_copy(update={"cfn_lint": False}) for s in distinct]
    progress = _Progress(len(work))
    _init_worker(distinct)
    if jobs > 1 and len(work) >= PARALLEL_FROM:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(distinct,)) as pool:
            chunk = max(1, min(64, len(work) // (jobs * 8)))
            results = [progress.step(r) for r in pool.map(_process_item, work, chunksize=chunk)]
    else:
        results = [progress.step(_process_item(w)) for w in work]
    progress.done()
    if not problems:
        for folder in paths:
            if Path(folder).is_dir() and not any(not r.skipped and _inside(r.path, folder) for r in results):
                problems.append(Problem("no CloudFormation templates found in this folder", folder))
    return [r for r in results if not r.skipped], problems


class _Progress:
    """A one-line count on stderr, only for a terminal and a run long enough to want one."""

    def __init__(self, total: int):
        self.total = total
        self.count = 0
        self.shown = total >= 200 and sys.stderr.isatty()

    def step(self, result: FileResult) -> FileResult:
        self.count += 1
        if self.shown and (self.count % 25 == 0 or self.count == self.total):
            sys.stderr.write(f"\rcfnfix: {self.count}/{self.total} files")
            sys.stderr.flush()
        return result

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _inside(path: str, folder: str) -> bool:
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def _excluded(path: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch(path, p) or fnmatch(Path(path).name, p) for p in patterns)
