"""Fault injection around the write: interleaved edits, killed runs, signals, links out of the folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cfnfix import cli, fileio

from .helpers import HARDCODED_ROLE, ROOT

EXAMPLE = ROOT / "examples" / "payment-processing" / "template.yaml"
CFNFIX = [sys.executable, "-m", "cfnfix.cli"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*CFNFIX, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


# -- item 1: no lost update ---------------------------------------------------------------------


def test_an_edit_between_read_and_rename_is_kept_and_the_run_stops(tmp_path, monkeypatch, capsys):
    path = tmp_path / "t.yaml"
    path.write_text(HARDCODED_ROLE)
    theirs = HARDCODED_ROLE.replace("MaxCapacity: 2", "MaxCapacity: 3")
    real_fsync = fileio._fsync

    def another_writer_meanwhile(fd):
        # the temporary file is complete; before cfnfix renames it, someone saves the template
        real_fsync(fd)
        path.write_text(theirs)

    monkeypatch.setattr(fileio, "_fsync", another_writer_meanwhile)
    assert cli.main(["apply", "--jobs", "1", str(path)]) == 2
    assert capsys.readouterr().err == f"cfnfix: error: {path}: changed while cfnfix was fixing it; run again\n"
    assert path.read_text() == theirs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.yaml"]


def test_a_replaced_file_with_the_same_bytes_is_still_a_change(tmp_path, monkeypatch, capsys):
    # another tool wrote the same text through its own rename: the file cfnfix read is gone
    path = tmp_path / "t.yaml"
    path.write_text(HARDCODED_ROLE)
    real_fsync = fileio._fsync

    def replaced_meanwhile(fd):
        real_fsync(fd)
        (tmp_path / "other").write_text(HARDCODED_ROLE)
        os.replace(tmp_path / "other", path)

    monkeypatch.setattr(fileio, "_fsync", replaced_meanwhile)
    assert cli.main(["apply", "--jobs", "1", str(path)]) == 2
    assert "changed while cfnfix was fixing it; run again" in capsys.readouterr().err
    assert path.read_text() == HARDCODED_ROLE


def test_fix_file_stops_on_a_change_too(tmp_path, monkeypatch):
    import cfnfix

    path = tmp_path / "t.yaml"
    path.write_text(HARDCODED_ROLE)
    real_fsync = fileio._fsync

    def edited_meanwhile(fd):
        real_fsync(fd)
        path.write_text(HARDCODED_ROLE + "# saved by an editor\n")

    monkeypatch.setattr(fileio, "_fsync", edited_meanwhile)
    result = cfnfix.fix_file(str(path), write=True)
    assert str(result.error) == f"{path}: changed while cfnfix was fixing it; run again"
    assert path.read_text() == HARDCODED_ROLE + "# saved by an editor\n"


def test_two_concurrent_runs_never_lose_a_fix(tmp_path):
    # two hooks with different selections on one file, at the same time, twenty times
    role_fixed = "RoleARN: !GetAtt ServiceAutoScalingRole.Arn"
    endpoint_fixed = "AWS::EC2::VPCEndpoint"
    original = EXAMPLE.read_text()
    assert role_fixed not in original and endpoint_fixed not in original
    outcomes = set()
    for trial in range(20):
        path = tmp_path / f"t{trial}.yaml"
        path.write_text(original)
        runs = {marker: subprocess.Popen([*CFNFIX, "apply", "--select", code, str(path)], cwd=tmp_path,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for code, marker in (("CFX101", role_fixed), ("CFX301", endpoint_fixed))}
        final = None
        for marker, process in runs.items():
            out, err = process.communicate(timeout=300)
            if process.returncode == 2:
                assert err == f"cfnfix: error: {path}: changed while cfnfix was fixing it; run again\n"
            else:
                assert process.returncode in (0, 1), err
                final = final or path.read_text()
                assert marker in path.read_text(), f"trial {trial}: the fixes of {marker!r} were lost"
            outcomes.add((marker, process.returncode == 2))
        assert final is not None, f"trial {trial}: neither run wrote"
    # whichever order the runs took, no run that reported success lost its fixes
    assert outcomes


# -- item 14: a killed run leaves no temporary file ---------------------------------------------


KILLED_MID_WRITE = """
import os, signal, sys
from cfnfix import cli, fileio

def write_half_then_die(fd, data):
    os.write(fd, data[: len(data) // 2])
    os.kill(os.getpid(), signal.SIGKILL)

fileio._write_all = write_half_then_die
sys.exit(cli.main(["apply", "--jobs", "1", sys.argv[1]]))
"""


def test_sigkill_mid_write_leaves_only_the_old_file(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(HARDCODED_ROLE)
    done = subprocess.run([sys.executable, "-c", KILLED_MID_WRITE, str(path)], cwd=ROOT, timeout=300)
    assert done.returncode == -9
    assert path.read_text() == HARDCODED_ROLE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.yaml"]


def test_a_stale_temporary_file_is_removed_by_the_next_run_of_its_folder(tmp_path):
    # where the system has no anonymous files, a killed run leaves a named one behind
    path = tmp_path / "t.yaml"
    path.write_text(HARDCODED_ROLE)
    stale = tmp_path / ".t.yaml.k2x9_q1z.cfnfix-tmp"
    stale.write_text(HARDCODED_ROLE[:40])
    old = os.stat(stale).st_mtime - fileio.STALE_AFTER_SECONDS - 60
    os.utime(stale, (old, old))
    fresh = tmp_path / ".t.yaml.abcdefgh.cfnfix-tmp"  # may be another run's, mid-write
    fresh.write_text("x")
    unrelated = tmp_path / ".t.yaml.old"
    unrelated.write_text("x")
    os.utime(unrelated, (old, old))
    assert run("apply", "t.yaml", cwd=tmp_path).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [fresh.name, unrelated.name, "t.yaml"]


def test_without_anonymous_files_a_named_temporary_file_is_used_and_cleaned(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    path = tmp_path / "t.yaml"
    path.write_text("old\n")
    fileio.write_atomic(str(path), b"new\n")
    assert path.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.yaml"]


def test_when_the_anonymous_file_cannot_be_named_a_named_copy_is_written(tmp_path, monkeypatch):
    monkeypatch.setattr(fileio, "_name_anonymous", lambda fd, folder, target: None)
    path = tmp_path / "t.yaml"
    path.write_text("old\n")
    os.chmod(path, 0o640)
    fileio.write_atomic(str(path), b"new\n")
    assert path.read_text() == "new\n"
    assert oct(os.stat(path).st_mode & 0o777) == "0o640"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.yaml"]


# -- item 4: folder mode does not write through links that leave the folder ---------------------


def test_a_link_to_a_template_outside_the_folder_is_not_followed(tmp_path):
    outside = tmp_path / "elsewhere" / "victim.yaml"
    outside.parent.mkdir()
    outside.write_text(HARDCODED_ROLE)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "link.yaml").symlink_to(outside)
    done = run("apply", "repo", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (2, "cfnfix: error: repo: no CloudFormation templates found in this folder\n")
    assert outside.read_text() == HARDCODED_ROLE
    followed = run("apply", "--follow-links-outside", "repo", cwd=tmp_path)
    assert (followed.returncode, followed.stdout, followed.stderr) == (
        0, "repo/link.yaml: fixed 1 finding\nFixed 1 finding in 1 file.\n", "")
    assert outside.read_text() != HARDCODED_ROLE and (repo / "link.yaml").is_symlink()


def test_a_link_inside_the_folder_counts_for_it_and_is_fixed_once(tmp_path):
    repo = tmp_path / "repo"
    (repo / "real").mkdir(parents=True)
    (repo / "real" / "t.yaml").write_text(HARDCODED_ROLE)
    (repo / "alias.yaml").symlink_to(repo / "real" / "t.yaml")
    done = run("apply", "repo", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (
        0, "repo/alias.yaml: fixed 1 finding\nFixed 1 finding in 1 file.\n", "")
    assert (repo / "alias.yaml").is_symlink()


def test_a_folder_that_is_itself_a_link_is_scanned_inside_its_target(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "t.yaml").write_text(HARDCODED_ROLE)
    (tmp_path / "link").symlink_to(real)
    done = run("check", "link", cwd=tmp_path)
    assert done.returncode == 1 and done.stdout.startswith("link/t.yaml:8:16: CFX101")


# -- item 6: signals stop the run, the queue and the workers ------------------------------------


SLOW_RUN = """
import sys, time
from cfnfix import cli, runner

real = runner.process

def slow(*args, **kwargs):
    time.sleep(0.2)  # a slow file system: the stop lands while files remain
    return real(*args, **kwargs)

runner.process = slow
sys.exit(cli.main(["apply", "--jobs", sys.argv[2], sys.argv[1]]))
"""


def _slow_run(folder: Path, jobs: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SLOW_RUN, str(folder), jobs], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _many_templates(tmp_path: Path, count: int = 60) -> Path:
    folder = tmp_path / "stacks"
    folder.mkdir()
    for i in range(count):
        (folder / f"t{i:02}.yaml").write_text(HARDCODED_ROLE)
    return folder


def _written(folder: Path) -> int:
    return sum(1 for p in folder.iterdir() if p.read_text() != HARDCODED_ROLE)


def _wait_for_a_write(folder: Path, process: subprocess.Popen) -> None:
    import time

    while _written(folder) == 0:
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)


@pytest.mark.parametrize("jobs,name", [("2", "SIGTERM"), ("1", "SIGTERM"), ("2", "SIGINT")])
def test_a_signal_stops_the_queue_says_what_was_written_and_leaves_no_worker(tmp_path, jobs, name):
    import signal

    folder = _many_templates(tmp_path)
    process = _slow_run(folder, jobs)
    _wait_for_a_write(folder, process)
    process.send_signal(getattr(signal, name))
    # communicate returns once every holder of the pipes (the workers too) has exited
    out, err = process.communicate(timeout=120)
    written = _written(folder)
    assert process.returncode == 130
    assert err == f"cfnfix: stopped: {written} file{'s' * (written != 1)} written before the stop\n"
    assert 0 < written < 60
    assert sorted(p.name for p in folder.iterdir()) == [f"t{i:02}.yaml" for i in range(60)]


def test_workers_die_with_their_parent(tmp_path):
    import signal

    folder = _many_templates(tmp_path)
    process = _slow_run(folder, "2")
    _wait_for_a_write(folder, process)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=120)  # hangs while an orphaned worker holds the pipes
    assert process.returncode == -9
    assert _written(folder) < 60
