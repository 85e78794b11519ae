"""Atomic writes: a fault at any step leaves the old file; links stay links; the mode is kept."""

from __future__ import annotations

import os
import stat

import pytest

from cfnfix import fileio
from cfnfix.errors import CfnfixError

OLD = b"old content\n" * 100
NEW = b"new content\n" * 120


def _boom(*args, **kwargs):
    raise OSError(28, "No space left on device")


def _half_then_boom(fd, data):
    os.write(fd, data[: len(data) // 2])
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("step,fault", [
    ("_write_all", _half_then_boom),   # the temporary file is incomplete
    ("_fsync", _boom),                 # written but not on disk
    ("_replace", _boom),               # complete, but the rename fails
])
def test_fault_at_each_step_leaves_the_old_file(tmp_path, monkeypatch, step, fault):
    path = tmp_path / "t.yaml"
    path.write_bytes(OLD)
    monkeypatch.setattr(fileio, step, fault)
    with pytest.raises(CfnfixError) as info:
        fileio.write_atomic(str(path), NEW)
    assert "No space left on device" in str(info.value)
    assert path.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.yaml"]


def test_interrupt_during_write_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "t.yaml"
    path.write_bytes(OLD)

    def interrupted(fd, data):
        os.write(fd, data[:10])
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio, "_write_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fileio.write_atomic(str(path), NEW)
    assert path.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.yaml"]


def test_success_replaces_content_and_keeps_mode(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_bytes(OLD)
    os.chmod(path, 0o640)
    fileio.write_atomic(str(path), NEW)
    assert path.read_bytes() == NEW
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_symbolic_link_stays_a_link(tmp_path):
    target = tmp_path / "real" / "t.yaml"
    target.parent.mkdir()
    target.write_bytes(OLD)
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    fileio.write_atomic(str(link), NEW)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == NEW
    assert sorted(p.name for p in target.parent.iterdir()) == ["t.yaml"]


def test_read_only_file_is_an_error_and_untouched(tmp_path):
    # the folder is writable, so a rename would succeed: cfnfix refuses because the file is not
    path = tmp_path / "t.yaml"
    path.write_bytes(OLD)
    os.chmod(path, 0o444)
    with pytest.raises(CfnfixError) as info:
        fileio.write_atomic(str(path), NEW)
    assert str(info.value) == f"{path}: read-only file: cfnfix rewrites only files you can write (make it writable to fix it)"
    assert path.read_bytes() == OLD
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o444


def test_hard_linked_file_is_refused_so_no_link_is_left_behind(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_bytes(OLD)
    other = tmp_path / "copy.yaml"
    os.link(path, other)
    with pytest.raises(CfnfixError) as info:
        fileio.write_atomic(str(path), NEW)
    assert str(info.value) == (f"{path}: has 2 hard links; cfnfix replaces files atomically, which would leave "
                               "the other links unfixed: fix a copy or unlink the others")
    assert path.read_bytes() == OLD and other.read_bytes() == OLD
    assert os.stat(path).st_ino == os.stat(other).st_ino


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_owner_and_group_are_kept(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_bytes(OLD)
    os.chown(path, 1234, 5678)
    fileio.write_atomic(str(path), NEW)
    assert path.read_bytes() == NEW
    assert (os.stat(path).st_uid, os.stat(path).st_gid) == (1234, 5678)


def test_extended_attributes_are_kept(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_bytes(OLD)
    try:
        os.setxattr(path, "user.cfnfix-test", b"kept")
    except OSError:
        pytest.skip("this file system has no user extended attributes")
    fileio.write_atomic(str(path), NEW)
    assert path.read_bytes() == NEW
    assert os.getxattr(path, "user.cfnfix-test") == b"kept"


def test_cli_apply_on_a_read_only_file_exits_2(tmp_path, capsys):
    from cfnfix import cli

    from .helpers import HARDCODED_ROLE

    path = tmp_path / "t.yaml"
    path.write_text(HARDCODED_ROLE)
    os.chmod(path, 0o444)
    assert cli.main(["apply", "--jobs", "1", str(path)]) == 2
    assert capsys.readouterr().err == (f"cfnfix: error: {path}: read-only file: cfnfix rewrites only files you "
                                       "can write (make it writable to fix it)\n")
    assert path.read_text() == HARDCODED_ROLE
