"""`cfnfix check -` and `cfnfix apply -`: the template from stdin, the fixed text to stdout."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import CLEAN, HARDCODED_ROLE, ROOT

EXAMPLE = ROOT / "examples" / "payment-processing"


def cfnfix(*args: str, stdin: bytes, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cfnfix.cli", *args], input=stdin, cwd=cwd,
                          capture_output=True, timeout=120)


def _renderings(name: str) -> dict[str, bytes]:
    raw = (EXAMPLE / name).read_bytes()
    assert b"\r" not in raw and not raw.startswith(b"\xef\xbb\xbf")
    return {"lf": raw, "crlf": raw.replace(b"\n", b"\r\n"), "bom": b"\xef\xbb\xbf" + raw,
            "bom-crlf": b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n")}


@pytest.mark.parametrize("rendering", ["lf", "crlf", "bom", "bom-crlf"])
@pytest.mark.parametrize("name", ["template.yaml", "template.json"])
def test_apply_stdin_writes_what_apply_writes_in_place(tmp_path, name, rendering):
    raw = _renderings(name)[rendering]
    (tmp_path / name).write_bytes(raw)
    piped = cfnfix("apply", "-", "--stdin-filename", name, stdin=raw, cwd=tmp_path)
    assert (tmp_path / name).read_bytes() == raw  # stdin mode writes no file
    in_place = cfnfix("apply", name, stdin=b"", cwd=tmp_path)
    assert (piped.returncode, in_place.returncode) == (1, 1)  # CFX201 stays: it is unsafe
    written = (tmp_path / name).read_bytes()
    assert written != raw
    assert piped.stdout == written
    # the summary goes to stderr, exactly as `apply` prints it to stdout
    assert piped.stderr.decode() == in_place.stdout.decode()
    # CFX401 stays off: no integration tests beside the copy
    assert piped.stderr.decode().endswith(
        "Fixed 4 findings in 1 file; 1 remain (1 fixable with --unsafe-fixes, marked [~]).\n")


def test_apply_stdin_without_a_name_guesses_the_format(tmp_path):
    for name in ("template.yaml", "template.json"):
        raw = (EXAMPLE / name).read_bytes()
        # from the example's folder, as its integration tests make CFX401 run (stdin writes no file)
        piped = cfnfix("apply", "-", "--unsafe-fixes", stdin=raw, cwd=EXAMPLE)
        assert piped.returncode == 0
        assert piped.stdout == (EXAMPLE / "fixed" / name).read_bytes()


def test_apply_stdin_with_nothing_to_fix_echoes_the_input(tmp_path):
    raw = CLEAN.replace("\n", "\r\n").encode()
    piped = cfnfix("apply", "-", stdin=raw, cwd=tmp_path)
    assert (piped.returncode, piped.stdout, piped.stderr) == (0, raw, b"Fixed 0 findings in 0 files.\n")


def test_check_stdin_reports_under_the_given_name(tmp_path):
    result = cfnfix("check", "-", "--stdin-filename", "app/bad.yaml", stdin=HARDCODED_ROLE.encode(), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.decode().splitlines()[0].startswith("app/bad.yaml:8:16: CFX101 [*] ScalableTarget Target")
    unnamed = cfnfix("check", "-", "--format", "json", stdin=HARDCODED_ROLE.encode(), cwd=tmp_path)
    report = json.loads(unnamed.stdout)
    assert unnamed.returncode == 1
    assert [(f["path"], f["format"], [x["code"] for x in f["findings"]]) for f in report["files"]] == \
        [("-", "yaml", ["CFX101"])]


def test_stdin_filename_finds_the_configuration_of_its_folder(tmp_path):
    shutil.copy(EXAMPLE / "template.yaml", tmp_path / "t.yaml")
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / ".cfnfix.toml").write_text('select = ["CFX101"]\n')
    raw = (EXAMPLE / "template.yaml").read_bytes()
    inside = cfnfix("check", "-", "--stdin-filename", "infra/t.yaml", "--format", "json", stdin=raw, cwd=tmp_path)
    outside = cfnfix("check", "-", "--stdin-filename", "t.yaml", "--format", "json", stdin=raw, cwd=tmp_path)
    codes = lambda r: sorted({f["code"] for f in json.loads(r.stdout)["files"][0]["findings"]})  # noqa: E731
    assert codes(inside) == ["CFX101"]
    assert codes(outside) == ["CFX101", "CFX201", "CFX202", "CFX301"]  # no integration tests: no CFX401
    # and --select --diff of stdin is the same diff as of the file
    diff = cfnfix("apply", "-", "--diff", "--select", "CFX101", "--stdin-filename", "t.yaml", stdin=raw, cwd=tmp_path)
    on_file = cfnfix("apply", "t.yaml", "--diff", "--select", "CFX101", stdin=b"", cwd=tmp_path)
    assert (diff.returncode, diff.stdout) == (1, on_file.stdout)


@pytest.mark.parametrize("command", ["check", "apply"])
def test_bad_stdin_is_one_line_exit_2_and_nothing_on_stdout_for_apply(tmp_path, command):
    result = cfnfix(command, "-", "--stdin-filename", "broken.yaml", stdin=b"Resources:\n  A: [\n", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cfnfix: error: broken.yaml:3:1: ")
    if command == "apply":
        assert result.stdout == b""
    binary = cfnfix(command, "-", stdin=b"\x00\x01\x02", cwd=tmp_path)
    assert (binary.returncode, binary.stderr.decode()) == (2, "cfnfix: error: -: binary file, not a template\n")


def test_stdin_is_not_mixed_with_paths(tmp_path):
    (tmp_path / "a.yaml").write_text(CLEAN)
    result = cfnfix("check", "-", "a.yaml", stdin=CLEAN.encode(), cwd=tmp_path)
    assert (result.returncode, result.stderr.decode()) == \
        (2, "cfnfix: error: - (stdin) cannot be combined with other paths\n")
