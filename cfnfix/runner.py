"""Running check or apply over the files and folders named on the command line."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, replace
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Iterator, Literal

from .config import find_config, settings_for
from .engine import CheckResult, FixResult, NotATemplate, check_document, fix_document, load
from .errors import CfnfixError, Problem
from .fileio import Candidate, discover, read_bytes, read_snapshot, write_atomic
from .settings import Settings

Mode = Literal["check", "sarif", "apply", "diff", "patch"]


@dataclass(frozen=True)
class FileResult:
    path: str
    check: CheckResult
    fix: FixResult | None = None
    # for SARIF: each finding's fix written on its own, as (original text, fixed text)
    fix_texts: tuple[tuple[str, str] | None, ...] = ()
    written: bool = False  # apply rewrote the file

    @property
    def error(self) -> Problem | None:
        return self.check.error

    @property
    def findings(self):
        return self.check.findings

    @property
    def skipped(self) -> bool:
        return self.check.skipped


def process(path: str, named: bool, mode: Mode, settings: Settings, raw: bytes | None = None) -> FileResult:
    """One file; with ``raw`` (a template read from stdin) ``path`` only names it and nothing is written."""
    with collector_paused():
        return _process(path, named, mode, settings, raw)


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while one file is read, checked and fixed, and on again
    after it (where it then collects whatever cycles the file left).

    A parse makes hundreds of thousands of dicts, lists and nodes that live until the file is
    done and hold no cycles; every full collection walks all of them again, which made apply
    on large templates spend more time collecting than fixing (see docs/performance.md)."""
    if not gc.isenabled():  # a caller that manages the collector itself keeps its choice
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _process(path: str, named: bool, mode: Mode, settings: Settings, raw: bytes | None) -> FileResult:
    try:
        snapshot = None  # a template from stdin, or a run that writes nothing back
        if raw is None:
            raw, snapshot = read_snapshot(path) if mode == "apply" else (read_bytes(path), None)
        doc = load(raw, path, named)
    except NotATemplate:
        return FileResult(path, CheckResult(path, None, skipped=True))
    except CfnfixError as exc:
        return FileResult(path, CheckResult(path, None, error=exc.problem.at(path)))
    if mode in ("check", "sarif"):
        checked = check_document(doc, settings, path)
        return FileResult(path, checked, fix_texts=_fix_texts(doc, checked) if mode == "sarif" else ())
    fixed = fix_document(doc, settings, path)
    if fixed.error is None and mode == "apply" and fixed.changed and snapshot is not None:
        try:
            with _signals_held():  # a write and its count are one step for an interrupt
                write_atomic(path, fixed.new_bytes, snapshot)
                _WRITES[0] += 1
        except CfnfixError as exc:
            return FileResult(path, CheckResult(path, doc.format, error=exc.problem.at(path)))
        check = CheckResult(path, doc.format, fixed.remaining, fixed.suppressed, fixed.error)
        return FileResult(path, check, fixed, written=True)
    check = CheckResult(path, doc.format, fixed.remaining, fixed.suppressed, fixed.error)
    return FileResult(path, check, fixed)


_WRITES = [0]  # files this process has rewritten in the current run


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block ends (main thread, where the platform can)."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _fix_texts(doc, checked: CheckResult) -> tuple[tuple[str, str] | None, ...]:
    from .write.writer import write

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
_STOP: list[Any] = []  # in a worker: the run's stop event, set when the parent is interrupted


def _init_worker(settings: list[Settings], stop: Any = None, parent: int | None = None) -> None:
    _SETTINGS[:] = settings
    if stop is None:
        return
    _STOP[:] = [stop]
    # the parent decides what an interrupt stops; a worker must not die mid-file on ^C
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)


def _die_with_parent(parent: int | None) -> None:
    """Linux: the kernel sends SIGTERM to this worker when its parent dies, even by SIGKILL, so no
    worker outlives the run holding its output pipes (``cfnfix apply dir | tee log`` would hang)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if parent is not None and os.getppid() != parent:  # it died before the request took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _process_item(item: tuple[str, bool, Mode, int]) -> FileResult:
    path, named, mode, index = item
    return _guarded(path, lambda: process(path, named, mode, _SETTINGS[index]))


def _process_chunk(items: list[tuple[str, bool, Mode, int]]) -> list[FileResult]:
    """The chunk's results, as far as it got before the parent asked to stop."""
    results = []
    for item in items:
        if _STOP and _STOP[0].is_set():
            break
        results.append(_process_item(item))
    return results


class Stopped(Exception):
    """The run was interrupted (SIGINT or SIGTERM); ``written`` files had been rewritten by then."""

    def __init__(self, written: int):
        super().__init__(f"stopped: {written} file{'s' * (written != 1)} written before the stop")
        self.written = written


def run(paths: list[str], mode: Mode, overrides: dict[str, Any], config: str | None = None,
        jobs: int = 0, only_templates: bool = False, respect_gitignore: bool = True,
        follow_links_outside: bool = False) -> tuple[list[FileResult], list[Problem]]:
    """Results in sorted order and problems; ``jobs`` 0 chooses the number of processes from the work.
    Raises ``Stopped`` when interrupted, after the workers have stopped."""
    candidates, problems = discover(paths, tuple(overrides.get("exclude", ())), respect_gitignore,
                                    follow_links_outside)
    if only_templates:
        candidates = [replace(c, named=False) for c in candidates]
    work = []
    folders: dict[str, str | None] = {}
    distinct: list[Settings] = []
    for candidate in _unique(candidates):
        path, named = candidate.path, candidate.named
        try:
            settings = settings_for(path, overrides, config)
        except CfnfixError as exc:
            # a broken configuration file is reported once, under its own name
            if exc.problem not in problems:
                problems.append(exc.problem)
            continue
        if not named and _excluded(path, settings.exclude, _exclude_base(path, config)):
            continue
        index = next((i for i, known in enumerate(distinct) if known is settings), None)
        if index is None:
            distinct.append(settings)
            index = len(distinct) - 1
        work.append((path, named, mode, index))
        folders[path] = candidate.folder
    if any(s.cfn_lint for s in distinct):
        from .lint.linter import MISSING, available

        if not available():
            # said once; the templates are still checked with the native rules
            problems.append(Problem(MISSING))
            distinct = [s.model_copy(update={"cfn_lint": False}) for s in distinct]
    progress = _Progress(len(work))
    _init_worker(distinct)
    _WRITES[0] = 0
    workers = _workers(jobs, work)
    if workers > 1:
        results = _in_parallel(work, distinct, workers, progress)
    else:
        results = []
        try:
            for item in work:
                results.append(progress.step(_process_item(item)))
        except KeyboardInterrupt:
            progress.done()
            raise Stopped(_WRITES[0]) from None
    progress.done()
    if not problems:
        # judged on the files processed: a link in the folder to a template elsewhere counts for it,
        # and so does a template of the folder that was also named on its own (processed once)
        for folder in paths:
            if Path(folder).is_dir() and not any(
                    not r.skipped and (folders.get(r.path) == folder or _within(r.path, folder)) for r in results):
                problems.append(Problem("no CloudFormation templates found in this folder", folder))
    return [r for r in results if not r.skipped], problems


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    """Each file once, by real path, in sorted order: the first name the user typed wins over
    later ones and over one found in a folder, so one file is never fixed by two workers at once."""
    chosen: dict[str, Candidate] = {}
    for candidate in sorted(candidates, key=lambda c: not c.named):  # stable: named in typed order
        chosen.setdefault(os.path.realpath(candidate.path), candidate)
    return sorted(chosen.values(), key=lambda c: (c.path, not c.named))


# A process costs its start and the pickling of results; below this much work per process, one
# process is quicker (benchmarks/jobs.py: on two cores, 558 corpus files of 3.5 MB ran no faster
# in two processes; 14 MB ran 1.2 times faster).
BYTES_PER_WORKER = 4_000_000
FILES_PER_WORKER = 40
MAX_JOBS_PER_CORE = 4


def _workers(jobs: int, work: list[tuple[str, bool, Mode, int]]) -> int:
    """The processes to use: as asked (``jobs`` > 0), never more than the files or a few per core;
    else (0) from the work's files and bytes, so that the default is never slower than one."""
    cores = os.cpu_count() or 1
    if jobs > 0:
        return max(1, min(jobs, len(work), cores * MAX_JOBS_PER_CORE))
    if len(work) < 2 * FILES_PER_WORKER:
        return 1
    size = 0
    for path, *_ in work:
        try:
            size += os.path.getsize(path)
        except OSError:
            continue
    return max(1, min(cores, len(work) // FILES_PER_WORKER, size // BYTES_PER_WORKER))


def _in_parallel(work: list[tuple[str, bool, Mode, int]], distinct: list[Settings], workers: int,
                 progress: _Progress) -> list[FileResult]:
    import multiprocessing
    from concurrent.futures import CancelledError, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    stop = multiprocessing.Event()
    chunk = max(1, min(64, len(work) // (workers * 8)))
    results: list[FileResult] = []
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                               initargs=(distinct, stop, os.getpid()))
    futures = [pool.submit(_process_chunk, work[i:i + chunk]) for i in range(0, len(work), chunk)]
    try:
        for future in futures:
            results.extend(progress.step(r) for r in future.result())
    except (KeyboardInterrupt, BrokenProcessPool):
        # queued chunks are cancelled; running ones stop before their next file
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        progress.done()
        written = 0
        for future in futures:
            try:
                written += sum(1 for r in future.result() if r.written)
            except (CancelledError, BrokenProcessPool):
                continue
        raise Stopped(written) from None
    pool.shutdown(wait=True)
    return results


def run_stdin(raw: bytes, name: str | None, mode: Mode, overrides: dict[str, Any],
              config: str | None = None) -> FileResult:
    """A template given on stdin; ``name`` (``--stdin-filename``) gives its format and its configuration,
    found from the name's folder as for a file."""
    settings = settings_for(name or "-", overrides, config)
    return _guarded(name or "-", lambda: process(name or "-", True, mode, settings, raw))


def _guarded(path: str, work) -> FileResult:
    try:
        return work()
    except Exception as exc:  # noqa: BLE001 - the one boundary: a bug in cfnfix must not stop other files
        problem = Problem(f"internal error ({type(exc).__name__}: {exc}); please report it with this file", path)
        return FileResult(path, CheckResult(path, None, error=problem))


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


def _exclude_base(path: str, config: str | None) -> Path:
    """The folder ``exclude`` patterns are relative to: the configuration file's, as ruff's are."""
    if config:
        return Path(config).resolve().parent
    found = find_config(Path(os.path.dirname(path) or ".").resolve())
    return found.parent if found is not None else Path.cwd()


def _excluded(path: str, patterns: tuple[str, ...], base: Path) -> bool:
    """Whether a pattern matches the file or a folder above it, as a path relative to ``base``;
    a pattern without a slash matches a file or folder name at any depth (``generated``)."""
    if not patterns:
        return False
    absolute = Path(path).resolve()
    try:
        parts = absolute.relative_to(base).parts
    except ValueError:
        parts = absolute.parts  # outside the base: only name patterns and absolute ones can match
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    for pattern in patterns:
        pattern = pattern.removeprefix("./").rstrip("/")
        if "/" not in pattern:
            if any(fnmatch(part, pattern) for part in parts):
                return True
        elif any(fnmatch(prefix, pattern) or fnmatch("/" + prefix, pattern) or fnmatch(str(absolute), pattern)
                 for prefix in prefixes):
            return True
    return False


def _within(path: str, folder: str) -> bool:
    real, top = os.path.realpath(path), os.path.realpath(folder)
    return real.startswith(top.rstrip(os.sep) + os.sep)
