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
