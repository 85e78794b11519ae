"""Reading template files as bytes and writing them atomically (temp file, fsync, rename)."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .errors import CfnfixError, Problem

TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template")


def read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except IsADirectoryError:
        raise CfnfixError(Problem("is a directory", path)) from None
    except OSError as exc:
        raise CfnfixError(Problem(f"cannot read: {exc.strerror or exc}", path)) from None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync(fd: int) -> None:
    os.fsync(fd)


def _replace(source: str, target: str) -> None:
    os.replace(source, target)


def write_atomic(path: str, data: bytes) -> None:
    """Replace the file's content with ``data`` or, on any failure, leave it as it was.

    A symbolic link is written through to its target and stays a link; the mode is kept.
    """
    target = os.path.realpath(path)
    folder = os.path.dirname(target) or "."
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = 0o644
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(target) + ".",
                                         suffix=".cfnfix-tmp")
    except OSError as exc:
        raise CfnfixError(Problem(f"cannot write: {exc.strerror or exc}", path)) from None
    try:
        try:
            _write_all(fd, data)
            _fsync(fd)
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        _replace(temporary, target)
    except BaseException as exc:
        # the real file was never touched; only our temporary file goes
        if os.path.exists(temporary):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise CfnfixError(Problem(f"cannot write: {exc.strerror or exc}", path)) from None
        raise
    _sync_folder(folder)


def _sync_folder(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # some filesystems do not open folders; the rename has happened regardless
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def discover(paths: list[str], exclude: tuple[str, ...] = ()) -> tuple[list[tuple[str, bool]], list[Problem]]:
    """Files to read, each with whether the user named it; problems for paths that do not exist.

    Files inside a named folder are candidates (by suffix); whether they are templates is
    decided after reading.
    """
    from fnmatch import fnmatch

    found: list[tuple[str, bool]] = []
    problems: list[Problem] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for folder, _, names in os.walk(given):
                for name in names:
                    child = os.path.join(folder, name)
                    if os.path.splitext(name)[1].lower() in TEMPLATE_SUFFIXES and os.path.isfile(child) and not any(
                            fnmatch(child, pat) or fnmatch(name, pat) for pat in exclude):
                        found.append((os.path.normpath(child), False))
        elif p.exists() or p.is_symlink():
            found.append((given, True))
        else:
            problems.append(Problem("no such file or folder", given))
    return found, problems
