"""Bad input: one line on stderr with file, line and column; exit 2; no traceback; file untouched."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from cfnfix import cli

MEMORY = 500 * 1024 * 1024
GOOD = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n"


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cfnfix.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=10, preexec_fn=_limit)


def alias_bomb() -> bytes:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return ("Resources:\n  X:\n    Type: AWS::SNS::Topic\n" + "\n".join(lines) + "\n").encode()


CASES = {
    "malformed.yaml": (b"Resources:\n  A: [1, 2\n", "malformed.yaml:3:1: "),
    "malformed.json": (b'{"Resources": {"A": }}', "malformed.json:1:21: Expecting value"),
    "duplicate.yaml": (b"Resources:\n  A:\n    Type: X\n  A:\n    Type: Y\n", "duplicate.yaml:4:3: duplicate key 'A'"),
    "bomb.yaml": (alias_bomb(), "bomb.yaml:"),
    "deep.yaml": (b"Resources: " + b"[" * 10001 + b"]" * 10001 + b"\n", "deep.yaml:1:"),
    "deep.json": (b'{"Resources": ' + b"[" * 10001 + b"]" * 10001 + b"}", "deep.json:1:"),
    "binary.yaml": (bytes(range(256)) * 4, "binary.yaml: binary file, not a template"),
    "empty.yaml": (b"", "empty.yaml: empty file"),
    "notatemplate.yaml": (b"name: my-app\nversion: 3\n", "notatemplate.yaml:1:1: not a CloudFormation template"),
    "latin1.yaml": ("Resources:\n  A:\n    Type: café\n".encode("latin-1"), "latin1.yaml:3:14: not UTF-8 (byte 0xe9)"),
    # the two mistakes behind most of model output's unreadable templates, named
    "fenced.yaml": (b"```yaml\nResources:\n  A:\n    Type: AWS::SNS::Topic\n```\n",
                    "fenced.yaml:1:1: while scanning for the next token, found character that cannot start any "
                    "token (a Markdown code fence: remove the ``` lines around the template)"),
    "fenced.json": (b'```json\n{"Resources": {"A": {"Type": "AWS::SNS::Topic"}}}\n```\n',
                    "fenced.json:1:1: while scanning for the next token, found character that cannot start any "
                    "token (a Markdown code fence: remove the ``` lines around the template)"),
    # JSON that CloudFormation rejects stays an error, whatever the name, and says why
    "comment.json": (b'{\n  // the stack\n  "Resources": {"A": {"Type": "AWS::SNS::Topic"}}\n}\n',
                     "comment.json:2:3: a // comment: JSON has no comments, and CloudFormation rejects the template"),
    "block-comment.template": (b'{"Resources": {"A": {"Type": "AWS::SNS::Topic"}} /* topic */}\n',
                               "block-comment.template:1:50: a /* */ comment: JSON has no comments, and "
                               "CloudFormation rejects the template"),
    "trailing-comma.yaml": (b'{\n  "Resources": {"A": {"Type": "AWS::SNS::Topic"}},\n}\n',
                            "trailing-comma.yaml:2:50: a trailing comma before '}': JSON does not allow one, and "
                            "CloudFormation rejects the template"),
    "tab.yaml": (b"Resources:\n  A:\n\tType: AWS::SNS::Topic\n",
                 "tab.yaml:3:1: while scanning for the next token, found character that cannot start any token "
                 "(a tab: YAML indents with spaces only)"),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("command", ["check", "apply"])
def test_bad_file_is_one_line_and_exit_2(tmp_path, name, command):
    raw, expected = CASES[name]
    path = tmp_path / name
    path.write_bytes(raw)
    result = run(command, name, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cfnfix: error: " + expected), lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert path.read_bytes() == raw


def test_other_files_are_still_processed(tmp_path):
    (tmp_path / "a_bad.yaml").write_bytes(b"Resources: [\n")
    (tmp_path / "b_good.yaml").write_text(GOOD)
    result = run("check", "--format", "json", "a_bad.yaml", "b_good.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert '"path": "b_good.yaml"' in result.stdout and '"path": "a_bad.yaml"' in result.stdout


def test_folder_without_templates(tmp_path):
    folder = tmp_path / "configs"
    folder.mkdir()
    (folder / "app.yaml").write_text("name: app\n")
    (folder / "notes.txt").write_text("hello\n")
    result = run("check", "configs", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "cfnfix: error: configs: no CloudFormation templates found in this folder\n"


def test_missing_file(tmp_path):
    result = run("check", "nope.yaml", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, "cfnfix: error: nope.yaml: no such file or folder\n")


def test_unreadable_file(tmp_path, monkeypatch, capsys):
    # CI runs as root, where no mode makes a file unreadable: inject the operating system's refusal
    path = tmp_path / "locked.yaml"
    path.write_text(GOOD)

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert cli.main(["check", "--jobs", "1", str(path)]) == 2
    assert capsys.readouterr().err == f"cfnfix: error: {path}: cannot read: Permission denied\n"


def test_a_bug_in_a_rule_is_one_line_for_that_file_only(tmp_path, monkeypatch, capsys):
    from cfnfix.rules.missing_standby_region import MissingStandbyRegion

    def broken(self, template):
        raise KeyError("boom")

    (tmp_path / "a.yaml").write_text(GOOD)
    monkeypatch.setattr(MissingStandbyRegion, "detect", broken)  # a rule that runs on every template
    assert cli.main(["check", "--jobs", "1", str(tmp_path / "a.yaml")]) == 2
    err = capsys.readouterr().err
    assert err == f"cfnfix: error: {tmp_path / 'a.yaml'}: internal error (KeyError: 'boom'); please report it with this file\n"
