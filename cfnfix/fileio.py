"""Reading template files as bytes and writing them atomically (temp file, fsync, rename)."""

from __future__ import annotations

import errno
import os
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks; the content check remains
    fcntl = None  # type: ignore[assignment]

from .errors import CfnfixError, Problem

TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template")


def read_bytes(path: str) -> bytes:
    """The file's bytes, for a command that writes nothing back (no snapshot, no digest)."""
    return _read(path)[1]


class Snapshot(NamedTuple):
    """A file as it was read: its identity and a digest of its content, compared again right
    before the rename so that an edit made meanwhile (another cfnfix, an editor) is never lost."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    digest: bytes


def _digest(data: bytes) -> bytes:
    import hashlib  # only a write compares digests: `check` does not load it (nor OpenSSL)

    return hashlib.blake2b(data, digest_size=32).digest()


def _read(path: str) -> tuple[os.stat_result, bytes]:
    # the stat comes first, so any change after it shows in a snapshot
    try:
        info = os.stat(path)
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise CfnfixError(Problem("is a directory", path)) from None
    except OSError as exc:
        raise CfnfixError(Problem(f"cannot read: {exc.strerror or exc}", path)) from None
    return info, data


def read_snapshot(path: str) -> tuple[bytes, Snapshot]:
    """The file's bytes and its snapshot, for a write that must not lose an edit made meanwhile."""
    info, data = _read(path)
    return data, Snapshot(info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, _digest(data))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync(fd: int) -> None:
    os.fsync(fd)


def _replace(source: str, target: str) -> None:
    os.replace(source, target)


CHANGED = "changed while cfnfix was fixing it; run again"
TEMPORARY_SUFFIX = ".cfnfix-tmp"
# A named temporary file older than this is left from a killed run: no write takes this long.
STALE_AFTER_SECONDS = 300
_STALE = re.compile(r"\..+\.[A-Za-z0-9_]{8}" + re.escape(TEMPORARY_SUFFIX))
_swept: set[str] = set()


def write_atomic(path: str, data: bytes, expected: Snapshot | None = None) -> None:
    """Replace the file's content with ``data`` or, on any failure, leave it as it was.

    A symbolic link is written through to its target and stays a link; mode, owner, group and
    extended attributes are kept where permitted. With ``expected`` (the snapshot taken when the
    file was read), nothing is written if the file changed since: the lost-update guard.
    """
    target = os.path.realpath(path)
    folder = os.path.dirname(target) or "."
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    if info is not None:
        _check_writable(path, target, info)
    _sweep_stale(folder)
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o644
    try:
        fd, temporary = _open_temporary(folder, target)
    except OSError as exc:
        raise CfnfixError(Problem(f"cannot write: {exc.strerror or exc}", path)) from None
    try:
        try:
            _fill(fd, data, target, info, mode)
            lock = _lock(target) if info is not None else None
            try:
                if expected is not None:
                    _check_unchanged(path, target, expected)
                if temporary is None:
                    temporary = _name_anonymous(fd, folder, target)
                if temporary is None:  # this system cannot name an anonymous file: a named copy
                    os.close(fd)
                    fd = -1
                    fd, temporary = _named_temporary(folder, target)
                    _fill(fd, data, target, info, mode)
                _replace(temporary, target)
            finally:
                if lock is not None:
                    os.close(lock)
        finally:
            if fd >= 0:
                os.close(fd)
    except BaseException as exc:
        # the real file was never touched; only our temporary file goes
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise CfnfixError(Problem(f"cannot write: {exc.strerror or exc}", path)) from None
        raise
    _sync_folder(folder)


def _check_writable(path: str, target: str, info: os.stat_result) -> None:
    """Refuse what the user cannot write, and hard links (see the README's write guarantees)."""
    # root may write anything: a file with no write bit at all is still read-only to cfnfix,
    # as it is to an editor that asks before overwriting it
    if not os.access(target, os.W_OK) or not info.st_mode & 0o222:
        raise CfnfixError(Problem("read-only file: cfnfix rewrites only files you can write "
                                  "(make it writable to fix it)", path))
    if info.st_nlink > 1:
        # an atomic replace gives this name a new file and leaves the other links with the old
        # text; writing in place would lose atomicity (a crash mid-write would corrupt every link)
        raise CfnfixError(Problem(f"has {info.st_nlink} hard links; cfnfix replaces files atomically, which "
                                  "would leave the other links unfixed: fix a copy or unlink the others", path))


def _open_temporary(folder: str, target: str) -> tuple[int, str | None]:
    """A file descriptor to write to and its name: no name (an anonymous file, ``O_TMPFILE``)
    where the platform has one, so that a SIGKILL mid-write leaves nothing behind."""
    anonymous = getattr(os, "O_TMPFILE", None)
    if anonymous is not None:
        try:
            return os.open(folder, anonymous | os.O_WRONLY, 0o600), None
        except OSError as exc:
            # a file system without O_TMPFILE says so with one of these; others are real errors
            if exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                raise
    return _named_temporary(folder, target)


def _named_temporary(folder: str, target: str) -> tuple[int, str]:
    import tempfile  # only writing needs it: keeps `check` quick to start

    return tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(target) + ".", suffix=TEMPORARY_SUFFIX)


def _fill(fd: int, data: bytes, target: str, info: os.stat_result | None, mode: int) -> None:
    _write_all(fd, data)
    _fsync(fd)
    _keep_identity(fd, target, info)
    os.fchmod(fd, mode)  # after the owner: changing the owner clears set-id bits


_AT_FDCWD, _AT_SYMLINK_FOLLOW = -100, 0x400


def _name_anonymous(fd: int, folder: str, target: str) -> str | None:
    """Give the anonymous file a name beside the target (rename needs one), right before the
    rename; None where the system cannot. ``os.link`` does not follow /proc's magic links, so
    this is linkat(2) with AT_SYMLINK_FOLLOW, which needs no privilege."""
    import ctypes  # here: only a write needs it, and `check` starts quicker without it
    import secrets

    try:
        linkat = ctypes.CDLL(None, use_errno=True).linkat
    except (OSError, AttributeError):
        return None
    source = f"/proc/self/fd/{fd}".encode()
    while True:
        name = os.path.join(folder, f".{os.path.basename(target)}.{secrets.token_hex(4)}{TEMPORARY_SUFFIX}")
        if linkat(_AT_FDCWD, source, _AT_FDCWD, os.fsencode(name), _AT_SYMLINK_FOLLOW) == 0:
            return name
        if ctypes.get_errno() != errno.EEXIST:
            return None


def _keep_identity(fd: int, target: str, info: os.stat_result | None) -> None:
    """Owner, group and extended attributes (SELinux labels, ACLs) of the file replaced."""
    if info is None:
        return
    try:
        os.fchown(fd, info.st_uid, info.st_gid)
    except PermissionError:
        pass  # not root: the new file is the user's own, as any editor's save makes it
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(target)
    except OSError as exc:
        if exc.errno in _NO_XATTR:
            return
        raise
    for name in names:
        try:
            os.setxattr(fd, name, os.getxattr(target, name))
        except OSError as exc:
            if exc.errno not in _NO_XATTR:
                raise


# not supported here, or not permitted (a security label only a privileged process may set)
_NO_XATTR = {errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM, errno.EACCES, errno.ENODATA}


def _lock(target: str) -> int | None:
    """An exclusive lock on the file about to be replaced: two cfnfix runs check and rename one
    after the other, so the second sees the first one's file and stops."""
    if fcntl is None:
        return None
    fd = os.open(target, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _check_unchanged(path: str, target: str, expected: Snapshot) -> None:
    now = os.stat(target)
    same = (now.st_dev, now.st_ino, now.st_size, now.st_mtime_ns) == (
        expected.device, expected.inode, expected.size, expected.mtime_ns)
    if same:
        with open(target, "rb") as current:
            same = _digest(current.read()) == expected.digest
    if not same:
        raise CfnfixError(Problem(CHANGED, path))


def _sweep_stale(folder: str) -> None:
    """Remove temporary files of cfnfix's own pattern that a killed run left (once per folder)."""
    if folder in _swept:
        return
    _swept.add(folder)
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    limit = time.time() - STALE_AFTER_SECONDS
    for entry in entries:
        if _STALE.fullmatch(entry.name) is None:
            continue
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < limit:
                os.unlink(entry.path)
        except OSError:
            continue  # gone already, or not ours to remove


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


# Folders a scan never enters: version control, dependencies and build output, where templates
# are copies (SAM's .aws-sam, CDK's cdk.out) or not the user's; virtualenvs are found by pyvenv.cfg.
SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn", "node_modules", ".aws-sam", "cdk.out"})


@dataclass(frozen=True)
class Candidate:
    """A file to read: as named or found, whether the user named it, and the folder it was found in."""

    path: str
    named: bool
    folder: str | None = None


def discover(paths: list[str], exclude: tuple[str, ...] = (), respect_gitignore: bool = True,
             follow_links_outside: bool = False) -> tuple[list[Candidate], list[Problem]]:
    """Files to read and problems for paths that do not exist.

    Files inside a named folder are candidates by suffix (whether they are templates is decided
    after reading), except in skipped folders, what ``.gitignore`` ignores, and links whose target
    lies outside the named folder (a checkout must not make cfnfix edit files elsewhere).
    """
    from fnmatch import fnmatch

    found: list[Candidate] = []
    problems: list[Problem] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            root = os.path.realpath(given)
            ignored = _GitIgnored(given) if respect_gitignore else None
            for folder, folders, names in os.walk(given):
                folders[:] = [name for name in folders if not _skipped_folder(folder, name, ignored)]
                for name in names:
                    child = os.path.join(folder, name)
                    if os.path.splitext(name)[1].lower() not in TEMPLATE_SUFFIXES or not os.path.isfile(child):
                        continue
                    if any(fnmatch(child, pat) or fnmatch(name, pat) for pat in exclude):
                        continue
                    if ignored is not None and ignored.ignores(child, False):
                        continue
                    if not follow_links_outside and os.path.islink(child) and not _within(child, root):
                        continue
                    found.append(Candidate(os.path.normpath(child), False, given))
        elif p.exists() or p.is_symlink():
            found.append(Candidate(given, True))
        else:
            problems.append(Problem("no such file or folder", given))
    return found, problems


def _within(path: str, root: str) -> bool:
    target = os.path.realpath(path)
    return target == root or target.startswith(root.rstrip(os.sep) + os.sep)


def _skipped_folder(parent: str, name: str, ignored: _GitIgnored | None) -> bool:
    folder = os.path.join(parent, name)
    if name in SKIPPED_FOLDERS or os.path.isfile(os.path.join(folder, "pyvenv.cfg")):
        return True
    return ignored is not None and ignored.ignores(folder, True)


class _GitIgnored:
    """What the ``.gitignore`` files of a git work tree ignore, read with pathspec as git reads
    them: each file's patterns relative to its folder, the deepest match deciding."""

    def __init__(self, folder: str):
        self.specs: dict[str, Any] = {}
        self.repository = _repository_root(os.path.abspath(folder))
        if self.repository is not None:
            self._read(os.path.join(self.repository, ".git", "info", "exclude"), self.repository)

    def _spec(self, folder: str) -> Any:
        if folder not in self.specs:
            self._read(os.path.join(folder, ".gitignore"), folder)
            self.specs.setdefault(folder, None)
        return self.specs[folder]

    def _read(self, file: str, folder: str) -> None:
        import pathspec

        try:
            with open(file, encoding="utf-8", errors="replace") as lines:
                spec = pathspec.GitIgnoreSpec.from_lines(lines)
        except OSError:
            return
        previous = self.specs.get(folder)
        self.specs[folder] = spec if previous is None else previous + spec

    def ignores(self, path: str, is_folder: bool) -> bool:
        if self.repository is None:
            return False
        path = os.path.abspath(path)
        verdict = False
        folder = self.repository
        parts = os.path.relpath(path, self.repository).split(os.sep)
        for depth in range(len(parts)):
            spec = self._spec(folder)
            if spec is not None:
                relative = "/".join(parts[depth:]) + ("/" if is_folder else "")
                included = spec.check_file(relative).include
                if included is not None:
                    verdict = included
            folder = os.path.join(folder, parts[depth])
        return verdict


def _repository_root(folder: str) -> str | None:
    """The nearest folder from ``folder`` upward holding ``.git``: .gitignore applies only there."""
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
