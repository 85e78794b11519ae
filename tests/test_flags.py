"""What a ruff or cfn-lint user reaches for: selection by code, exit status, output shape and colour."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import CLEAN, HARDCODED_ROLE, ROOT

EXAMPLE = ROOT / "examples" / "payment-processing"
QUEUE = HARDCODED_ROLE + "  Queue:\n    Type: AWS::SQS::Queue\n"  # CFX101 (critical) and, selected, CFX401 (medium)


def cfnfix(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "cfnfix.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})})


@pytest.fixture
def bad(tmp_path):
    (tmp_path / "bad.yaml").write_text(QUEUE)
    return tmp_path


@pytest.mark.parametrize("flag,value,message", [
    ("--select", "CXF101", "--select: unknown rule code or prefix 'CXF101' (did you mean CFX101?)"),
    ("--ignore", "CFX9", "--ignore: unknown rule code or prefix 'CFX9' (did you mean CFX?)"),
    ("--extend-select", "XYZ", "--extend-select: unknown rule code or prefix 'XYZ' (`cfnfix rules` lists the codes)"),
    ("--extend-ignore", "CFX1O1", "--extend-ignore: unknown rule code or prefix 'CFX1O1' (did you mean CFX101?)"),
])
def test_unknown_codes_in_flags_are_errors_naming_the_closest_code(bad, flag, value, message):
    for command in ("check", "apply"):
        result = cfnfix(command, flag, value, "bad.yaml", cwd=bad)
        assert (result.returncode, result.stdout, result.stderr) == (2, "", f"cfnfix: error: {message}\n")
    assert (bad / "bad.yaml").read_text() == QUEUE


def test_unknown_code_in_configuration_is_an_error_naming_the_file(bad):
    (bad / ".cfnfix.toml").write_text('select = ["CXF3"]\n')
    result = cfnfix("check", "bad.yaml", cwd=bad)
    assert result.returncode == 2
    assert result.stderr == (f"cfnfix: error: {(bad / '.cfnfix.toml').resolve()}: select: unknown rule code or "
                             "prefix 'CXF3' (did you mean CFX3?)\n")


def test_lower_case_codes_and_all_are_accepted(bad):
    lower = cfnfix("check", "--select", "cfx101", "--format", "json", "bad.yaml", cwd=bad)
    assert [f["code"] for f in json.loads(lower.stdout)["files"][0]["findings"]] == ["CFX101"]
    every = cfnfix("check", "--select", "ALL", "--format", "json", "bad.yaml", cwd=bad)
    assert every.returncode == 1 and json.loads(every.stdout)["summary"]["findings"] >= 1


def test_extend_select_and_extend_ignore_add_to_the_configuration(bad):
    (bad / ".cfnfix.toml").write_text('select = ["CFX1"]\n')

    def codes(*flags):
        result = cfnfix("check", "--format", "json", *flags, "bad.yaml", cwd=bad)
        return [f["code"] for f in json.loads(result.stdout)["files"][0]["findings"]]

    assert codes() == ["CFX101"]
    assert codes("--extend-select", "CFX401") == ["CFX101", "CFX401"]
    assert codes("--extend-select", "CFX401", "--extend-ignore", "CFX1") == ["CFX401"]
    # the more specific selector wins, as in ruff
    assert codes("--select", "ALL", "--ignore", "CFX4", "--extend-select", "CFX401") == ["CFX101", "CFX401"]


def test_exit_zero_and_fail_on(bad):
    assert cfnfix("check", "bad.yaml", cwd=bad).returncode == 1
    assert cfnfix("check", "--exit-zero", "bad.yaml", cwd=bad).returncode == 0
    selected = ("--select", "CFX401")
    assert cfnfix("check", *selected, "bad.yaml", cwd=bad).returncode == 1
    assert cfnfix("check", *selected, "--fail-on", "high", "bad.yaml", cwd=bad).returncode == 0  # medium only
    assert cfnfix("check", "--fail-on", "critical", "bad.yaml", cwd=bad).returncode == 1  # CFX101 is critical
    # errors are never hidden
    assert cfnfix("check", "--exit-zero", "missing.yaml", cwd=bad).returncode == 2
    assert cfnfix("apply", "--diff", "--exit-zero", "bad.yaml", cwd=bad).returncode == 0


def test_quiet_prints_findings_only_and_verbose_says_what_ran(bad):
    quiet = cfnfix("check", "-q", "--select", "CFX101", "bad.yaml", cwd=bad)
    assert quiet.returncode == 1 and len(quiet.stdout.splitlines()) == 1
    assert quiet.stdout.startswith("bad.yaml:8:16: CFX101 [*] ")
    (bad / "clean.yaml").write_text(CLEAN)
    assert (cfnfix("check", "-q", "clean.yaml", cwd=bad).stdout, cfnfix("check", "clean.yaml", cwd=bad).stdout) == (
        "", "All checks passed.\n")
    verbose = cfnfix("check", "-v", "--select", "CFX1,CFX401", "bad.yaml", cwd=bad)
    assert verbose.stderr == "cfnfix: bad.yaml: settings from defaults; rules CFX101, CFX102, CFX401\n"
    (bad / ".cfnfix.toml").write_text('select = ["CFX2"]\n')
    verbose = cfnfix("check", "--verbose", "clean.yaml", cwd=bad)
    assert verbose.stderr == f"cfnfix: clean.yaml: settings from {(bad / '.cfnfix.toml').resolve()}; rules CFX201, CFX202\n"


def test_statistics_count_findings_by_rule(tmp_path):
    shutil.copy(EXAMPLE / "template.yaml", tmp_path / "t.yaml")
    result = cfnfix("check", "--statistics", "--extend-select", "CFX401", "t.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ("10  CFX401  [*] missing-test-outputs\n"
                             " 2  CFX301  [*] missing-gateway-endpoints\n"
                             " 1  CFX101  [*] hardcoded-service-linked-role\n"
                             " 1  CFX201  [~] missing-dns-failover\n"
                             " 1  CFX202  [*] missing-standby-region\n")
    as_json = json.loads(cfnfix("check", "--statistics", "--format", "json", "--select", "CFX2", "t.yaml",
                                cwd=tmp_path).stdout)
    assert as_json == [{"code": "CFX201", "name": "missing-dns-failover", "count": 1, "fixable": 1},
                       {"code": "CFX202", "name": "missing-standby-region", "count": 1, "fixable": 1}]


def test_show_fixes_prints_title_and_safety(bad):
    result = cfnfix("check", "--show-fixes", "--select", "CFX101", "bad.yaml", cwd=bad)
    lines = result.stdout.splitlines()
    why = ("why safe: Application Auto Scaling then uses its service-linked role, which it creates where "
           "it does not exist yet.")
    assert lines[1:4] == ["    fix (safe): Remove RoleARN so Application Auto Scaling uses its service-linked role",
                          "    " + why, "    impact: modifies Target"]
    assert lines[-1] == "Found 1 finding (1 fixable with `cfnfix apply`, marked [*])."
    applied = cfnfix("apply", "--show-fixes", "--select", "CFX101", "bad.yaml", cwd=bad)
    assert applied.stdout.splitlines() == [
        "bad.yaml: fixed 1 finding",
        "    CFX101 /Resources/Target/Properties/RoleARN",
        "      fix (safe): Remove RoleARN so Application Auto Scaling uses its service-linked role",
        "      " + why,
        "      impact: modifies Target",
        "Fixed 1 finding in 1 file.",
    ]


def test_show_fixes_prints_the_reason_and_impact_a_fix_carries():
    from dataclasses import dataclass

    from cfnfix.report import fix_lines

    @dataclass(frozen=True)
    class KitFix:  # the rule kit's Fix: a reason and an impact beside title and safety
        title: str
        safety: str
        reason: str
        impact: dict

    fix = KitFix("Add the role R", "unsafe", "the stack gains an IAM role, which needs CAPABILITY_IAM",
                 {"adds": ["R"], "modifies": ["Target"], "replaces": [], "removes": [],
                  "parameters_added": [], "parameters_removed": []})
    assert fix_lines(fix) == ["    fix (unsafe): Add the role R",
                              "    why unsafe: the stack gains an IAM role, which needs CAPABILITY_IAM",
                              "    impact: adds R; modifies Target"]


def test_colour_on_request_or_a_terminal_only(bad):
    plain = cfnfix("check", "--select", "CFX101", "bad.yaml", cwd=bad)
    assert "\033[" not in plain.stdout  # a pipe is not a terminal
    forced = cfnfix("check", "--color", "always", "--select", "CFX101", "bad.yaml", cwd=bad)
    assert forced.stdout.startswith("\033[1mbad.yaml:8:16:\033[0m \033[31mCFX101\033[0m\033[36m [*]\033[0m ")
    assert "\033[" not in cfnfix("check", "--color", "never", "bad.yaml", cwd=bad).stdout


def test_colour_auto_follows_the_terminal_and_no_color(bad, monkeypatch, capsys):
    from cfnfix import cli

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert cli._color("auto") is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli._color("auto") is False
    assert cli._color("always") is True


def test_apply_summary_names_the_changed_files_and_json_summary(tmp_path):
    (tmp_path / "a.yaml").write_text(HARDCODED_ROLE)
    (tmp_path / "b.yaml").write_text(CLEAN)
    (tmp_path / "c.yaml").write_text(QUEUE)
    text = cfnfix("apply", "--select", "CFX101", "a.yaml", "b.yaml", "c.yaml", cwd=tmp_path)
    assert (text.returncode, text.stdout) == (
        0, "a.yaml: fixed 1 finding\nc.yaml: fixed 1 finding\nFixed 2 findings in 2 files.\n")
    (tmp_path / "a.yaml").write_text(HARDCODED_ROLE)
    (tmp_path / "c.yaml").write_text(QUEUE)
    result = cfnfix("apply", "--format", "json", "--select", "CFX101,CFX401", "a.yaml", "b.yaml", "c.yaml",
                    "missing.yaml", cwd=tmp_path)
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["summary"] == {"files": 4, "changed": 2, "applied": 3, "remaining": 0, "errors": 1}
    by_path = {f["path"]: f for f in report["files"]}
    assert by_path["missing.yaml"]["error"]["message"] == "no such file or folder"
    assert (by_path["b.yaml"]["changed"], by_path["b.yaml"]["applied"]) == (False, [])
    assert [(f["code"], f["pointer"]) for f in by_path["c.yaml"]["applied"]] == [
        ("CFX101", "/Resources/Target/Properties/RoleARN"), ("CFX401", "/Resources/Queue")]
    assert by_path["c.yaml"]["applied"][0]["fix"]["safety"] == "safe"


def test_output_dash_is_stdout(bad):
    result = cfnfix("check", "--format", "json", "-o", "-", "bad.yaml", cwd=bad)
    assert json.loads(result.stdout)["summary"]["findings"] >= 1
    assert not (bad / "-").exists()
    saved = bad / "saved.json"
    saved.write_text(json.dumps({"Stacks": [{"StackName": "s", "StackStatus": "CREATE_COMPLETE",
                                             "Outputs": [{"OutputKey": "K", "OutputValue": "v"}]}]}))
    outputs = cfnfix("outputs", "--from", "saved.json", "-o", "-", cwd=bad)
    assert (outputs.returncode, json.loads(outputs.stdout)) == (0, {"K": "v"})
    assert not (bad / "-").exists()
