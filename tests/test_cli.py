"""The command line: exit codes, the JSON report's exact shape, diff and patch output, folders."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonpatch
import pytest
import yaml

from cfnfix.parse.document import parse_text

from .helpers import CLEAN, HARDCODED_ROLE, ROOT, SLR

EXAMPLE = ROOT / "examples" / "payment-processing"
BAD = HARDCODED_ROLE


def cfnfix(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cfnfix.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=60)


def test_version():
    result = cfnfix("--version", cwd=ROOT)
    assert (result.returncode, result.stdout) == (0, "cfnfix 0.1.0\n")


def test_check_exit_codes_and_text(tmp_path):
    (tmp_path / "clean.yaml").write_text(CLEAN)
    (tmp_path / "bad.yaml").write_text(BAD)
    clean = cfnfix("check", "clean.yaml", cwd=tmp_path)
    assert (clean.returncode, clean.stdout) == (0, "All checks passed.\n")
    bad = cfnfix("check", "bad.yaml", cwd=tmp_path)
    assert bad.returncode == 1
    assert bad.stdout.splitlines() == [
        "bad.yaml:8:16: CFX101 [*] ScalableTarget Target hard-codes the service-linked role "
        "AWSServiceRoleForApplicationAutoScaling_ECSService in RoleARN; early validation fails in any "
        "account where that role does not exist yet",
        "Found 1 finding (1 fixable with `cfnfix apply`, marked [*]).",
    ]
    ignored = cfnfix("check", "--ignore", "CFX1", "bad.yaml", cwd=tmp_path)
    assert ignored.returncode == 0


def test_check_json_report_shape(tmp_path):
    (tmp_path / "bad.yaml").write_text(BAD)
    result = cfnfix("check", "--format", "json", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["version"] == "0.1.0"
    assert report["summary"] == {"files": 1, "findings": 1, "fixable": 1, "errors": 0, "suppressed": 0}
    (file,) = report["files"]
    assert (file["path"], file["format"], file["error"]) == ("bad.yaml", "yaml", None)
    (finding,) = file["findings"]
    assert set(finding) == {"code", "name", "severity", "message", "resource", "pointer", "line", "column",
                            "end_line", "end_column", "fix"}
    assert (finding["code"], finding["name"], finding["severity"], finding["resource"]) == (
        "CFX101", "hardcoded-service-linked-role", "critical", "Target")
    assert finding["pointer"] == "/Resources/Target/Properties/RoleARN"
    line = BAD.splitlines()[7]
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (
        8, line.index("!Sub") + 1, 8, len(line) + 1)
    assert finding["fix"] == {
        "title": "Remove RoleARN so Application Auto Scaling uses its service-linked role",
        "safety": "safe",
        "reason": "Application Auto Scaling then uses its service-linked role, which it creates where it does "
                  "not exist yet.",
        "patch": [{"op": "test", "path": "/Resources/Target/Properties/RoleARN", "value": {"Fn::Sub": SLR}},
                  {"op": "remove", "path": "/Resources/Target/Properties/RoleARN"}],
        "impact": {"adds": [], "modifies": ["Target"], "replaces": [], "removes": [],
                   "parameters_added": [], "parameters_removed": []},
    }


def test_json_error_entry(tmp_path):
    (tmp_path / "broken.json").write_text('{"Resources": {')
    result = cfnfix("check", "--format", "json", "broken.json", cwd=tmp_path)
    assert result.returncode == 2
    (file,) = json.loads(result.stdout)["files"]
    assert file["error"] == {"message": "Expecting property name enclosed in double quotes", "line": 1, "column": 16}


def test_apply_diff_patch_and_in_place(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    diff = cfnfix("apply", "--diff", "bad.yaml", cwd=tmp_path)
    assert diff.returncode == 1
    assert diff.stdout == (
        "--- a/bad.yaml\n+++ b/bad.yaml\n@@ -5,6 +5,5 @@\n       MaxCapacity: 2\n       MinCapacity: 1\n"
        "       ResourceId: service/c/s\n-      RoleARN: !Sub " + SLR + "\n"
        "       ScalableDimension: ecs:service:DesiredCount\n       ServiceNamespace: ecs\n")
    patch = cfnfix("apply", "--patch", "bad.yaml", cwd=tmp_path)
    assert patch.returncode == 1
    (entry,) = json.loads(patch.stdout)["files"]
    assert entry["path"] == "bad.yaml"
    assert path.read_text() == BAD  # --diff and --patch write nothing
    applied = cfnfix("apply", "bad.yaml", cwd=tmp_path)
    assert (applied.returncode, applied.stdout) == (0, "bad.yaml: fixed 1 finding\nFixed 1 finding in 1 file.\n")
    assert parse_text(path.read_text()).data == jsonpatch.apply_patch(parse_text(BAD).data, entry["patch"])
    again = cfnfix("apply", "--diff", "bad.yaml", cwd=tmp_path)
    assert (again.returncode, again.stdout) == (0, "")


def test_apply_leaves_unsafe_fixes_unless_asked(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    (tmp_path / ".cfnfix.toml").write_text('[rules.CFX101]\nstrategy = "dedicated-role"\n')
    result = cfnfix("apply", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.endswith("Fixed 0 findings in 0 files; 1 remain (1 fixable with --unsafe-fixes, marked [~]).\n")
    assert path.read_text() == BAD
    result = cfnfix("apply", "--unsafe-fixes", "bad.yaml", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "bad.yaml: fixed 1 finding\nFixed 1 finding in 1 file.\n")
    assert "ServiceAutoScalingRole" in path.read_text()


def test_folder_input_skips_non_templates_and_sorts(tmp_path):
    (tmp_path / "b.yaml").write_text(BAD)
    (tmp_path / "a.json").write_text(json.dumps(yaml.safe_load(BAD.replace("!Sub ", ""))))
    (tmp_path / "config.yaml").write_text("name: app\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.template").write_text(CLEAN)
    result = cfnfix("check", "--format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1
    paths = [f["path"] for f in json.loads(result.stdout)["files"]]
    assert paths == ["a.json", "b.yaml", "sub/c.template"]


def test_rules_and_rule_print_from_the_rule_modules():
    listing = cfnfix("rules", "--format", "json", cwd=ROOT)
    assert listing.returncode == 0
    codes = [r["code"] for r in json.loads(listing.stdout)]
    assert codes == sorted(codes) and "CFX101" in codes
    by_name = cfnfix("rule", "hardcoded-service-linked-role", cwd=ROOT)
    by_code = cfnfix("rule", "cfx101", cwd=ROOT)
    assert by_name.stdout == by_code.stdout
    assert by_code.stdout.startswith("# hardcoded-service-linked-role (CFX101)\n")
    assert "## Why does this fail?" in by_code.stdout
    missing = cfnfix("rule", "CFX999", cwd=ROOT)
    assert missing.returncode == 2


def test_rules_lists_the_cfn_lint_fixers_after_the_native_rules():
    listing = cfnfix("rules", cwd=ROOT)
    assert listing.returncode == 0
    native, fixers = listing.stdout.split("\nWith --cfn-lint, cfnfix also fixes these cfn-lint findings:\n")
    assert native.splitlines()[0].split()[:2] == ["CFX101", "hardcoded-service-linked-role"]
    assert "E3002   invalid-property                   error    a property the resource type does not have" \
        in fixers.splitlines()
    codes = [line.split()[0] for line in fixers.splitlines()]
    assert "W2001" in codes and all(code[0] in "EW" and code[1:].isdigit() for code in codes)


def test_example_diff_in_readme_is_current(tmp_path):
    """The README shows the diff of the example; this test produces it, so it cannot go stale."""
    shutil.copy(EXAMPLE / "template.yaml", tmp_path / "template.yaml")
    result = cfnfix("apply", "--diff", "--select", "CFX101", "template.yaml", cwd=tmp_path)
    diff = result.stdout.replace("a/template.yaml", "a/examples/payment-processing/template.yaml").replace(
        "b/template.yaml", "b/examples/payment-processing/template.yaml")
    readme = (ROOT / "README.md").read_text()
    assert "```diff\n" + diff + "```" in readme


def _apply_with(tool: list[str], folder: Path, diff: bytes) -> subprocess.CompletedProcess:
    return subprocess.run(tool, cwd=folder, input=diff, capture_output=True, timeout=60)


def _diff_bytes(folder: Path, name: str) -> bytes:
    # bytes: a text-mode pipe would turn the CRLF of a CRLF file into LF
    return subprocess.run([sys.executable, "-m", "cfnfix.cli", "apply", "--diff", name], cwd=folder,
                          capture_output=True, timeout=60).stdout


@pytest.mark.parametrize("tool", [["git", "apply"], ["patch", "-p1", "--quiet"]], ids=["git-apply", "patch"])
@pytest.mark.parametrize("ending", ["\n", "", "\r\n"], ids=["final-newline", "no-final-newline", "crlf"])
def test_diff_applies_with_git_apply_and_patch(tmp_path, tool, ending):
    """Issue 10 item 5: without a final newline the diff needs the `\\ No newline at end of file`
    marker, or both tools reject it."""
    text = BAD.replace("\n", "\r\n") if ending == "\r\n" else BAD if ending else BAD.rstrip("\n")
    (tmp_path / "bad.yaml").write_bytes(text.encode())
    diff = _diff_bytes(tmp_path, "bad.yaml")
    assert (b"\\ No newline at end of file\n" in diff) == (ending == "")
    applied = _apply_with(tool, tmp_path, diff)
    assert applied.returncode == 0, applied.stderr + applied.stdout
    expected = text.replace("      RoleARN: !Sub " + SLR + (ending or "\n"), "")
    assert (tmp_path / "bad.yaml").read_bytes() == expected.encode()


@pytest.mark.parametrize("tool", [["git", "apply"], ["patch", "-p1", "--quiet"]], ids=["git-apply", "patch"])
def test_diff_lines_are_split_at_line_feeds_only(tmp_path, tool):
    """U+2028 inside a JSON string is no line break to git or patch (str.splitlines splits there)."""
    data = yaml.safe_load(BAD.replace("!Sub ", ""))
    properties = data["Resources"]["Target"]["Properties"]
    role = properties.pop("RoleARN")
    properties.update({"Note": "a\u2028b", "RoleARN": role})  # the line right above the one removed
    text = json.dumps(data, indent=2, ensure_ascii=False)
    assert "\u2028" in text
    (tmp_path / "bad.json").write_bytes(text.encode())
    diff = _diff_bytes(tmp_path, "bad.json")
    assert "\u2028".encode() in diff
    applied = _apply_with(tool, tmp_path, diff)
    assert applied.returncode == 0, applied.stderr + applied.stdout
    assert json.loads((tmp_path / "bad.json").read_text()) == jsonpatch.apply_patch(
        data, [{"op": "remove", "path": "/Resources/Target/Properties/RoleARN"}])


def test_try_it_command_of_the_readme_exits_0_and_shows_the_diff():
    """Issue 10: the README's first command exited 1, which stops a `set -e` script."""
    readme = (ROOT / "README.md").read_text()
    command = "cfnfix apply --diff --exit-zero examples/payment-processing/template.yaml"
    assert f"&& {command}\n" in readme
    result = cfnfix(*command.split()[1:], cwd=ROOT)
    assert result.returncode == 0 and result.stdout.startswith("--- a/examples/payment-processing/template.yaml\n")
    assert cfnfix(*command.replace(" --exit-zero", "").split()[1:], cwd=ROOT).returncode == 1


@pytest.mark.parametrize("argv", [
    ["check", "t.yaml", "--select", "CFX1", "-q", "--format", "json"], ["apply", "--diff", "--unsafe-fixes", "t.yaml"],
    ["outputs", "Stack", "--region", "eu-west-1"], ["tests", "t.yaml", "--write", "x.py"], ["config", "t.yaml"],
    ["server", "--debounce", "10"], ["mcp", "--root", "d"], ["rules", "--format", "json"], ["rule", "CFX101"],
])
def test_the_parser_made_for_the_named_command_reads_it_as_the_whole_parser_does(argv):
    from cfnfix import cli

    assert cli._command(argv) == argv[0]
    assert cli._parser(argv[0]).parse_args(argv) == cli._parser().parse_args(argv)
    assert cli._parser(argv[0])._subparsers._group_actions[0].choices[argv[0]].format_help() == \
        cli._parser()._subparsers._group_actions[0].choices[argv[0]].format_help()
