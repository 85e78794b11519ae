"""The Python API of DESIGN.md section 6: typed, immutable results; fix_file writes only when asked."""

from __future__ import annotations

import dataclasses

import pytest

import cfnfix

from .helpers import HARDCODED_ROLE


def test_check_text_and_check_file(tmp_path):
    result = cfnfix.check_text(HARDCODED_ROLE, format="yaml", settings=cfnfix.Settings(select=("CFX101",)))
    (finding,) = result.findings
    assert isinstance(finding, cfnfix.Finding) and finding.line == 8 and finding.code == "CFX101"
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.code = "X"  # type: ignore[misc]
    path = tmp_path / "t.yaml"
    path.write_text(HARDCODED_ROLE)
    assert cfnfix.check_file(str(path), cfnfix.Settings(select=("CFX101",))).findings == result.findings
    assert cfnfix.check_text("a: [", format="yaml").error.line == 2


def test_fix_text_writes_nothing_and_fix_file_writes_when_asked(tmp_path):
    fixed = cfnfix.fix_text(HARDCODED_ROLE, unsafe_fixes=True, settings=cfnfix.Settings(select=("CFX101",)))
    assert fixed.changed and "RoleARN" not in fixed.text and fixed.diff.startswith("--- a/template\n")
    assert [op["op"] for op in fixed.patch] == ["test", "remove"]
    path = tmp_path / "t.yaml"
    path.write_text(HARDCODED_ROLE)
    dry = cfnfix.fix_file(str(path), settings=cfnfix.Settings(select=("CFX101",)))
    assert dry.text == fixed.text and path.read_text() == HARDCODED_ROLE
    wet = cfnfix.fix_file(str(path), write=True, settings=cfnfix.Settings(select=("CFX101",)))
    assert wet.error is None and path.read_text() == fixed.text
    assert cfnfix.fix_file(str(tmp_path / "missing.yaml")).error.message.startswith("cannot read")


def test_diff_headers_prefix_relative_paths_only(tmp_path, monkeypatch):
    (tmp_path / "t.yaml").write_text(HARDCODED_ROLE)
    settings = cfnfix.Settings(select=("CFX101",))
    absolute = str(tmp_path / "t.yaml")
    assert cfnfix.fix_file(absolute, settings=settings).diff.startswith(f"--- {absolute}\n+++ {absolute}\n")
    monkeypatch.chdir(tmp_path)
    assert cfnfix.fix_file("t.yaml", settings=settings).diff.startswith("--- a/t.yaml\n+++ b/t.yaml\n")


def test_outputs_stop_at_cloudformation_limit_of_200():
    queues = "".join(f"  Queue{i}:\n    Type: AWS::SQS::Queue\n" for i in range(205))
    text = "Resources:\n" + queues + "Outputs:\n  Existing:\n    Value: x\n"
    settings = cfnfix.Settings(select=("CFX401",))
    findings = cfnfix.check_text(text, settings=settings).findings
    assert len(findings) == 205
    assert sum(1 for f in findings if f.fix is None) == 6 and all("200 outputs" in f.message for f in findings if f.fix is None)
    fixed = cfnfix.fix_text(text, settings=settings)
    from cfnfix.parse.document import parse_text

    assert len(parse_text(fixed.text).data["Outputs"]) == 200
    assert len(fixed.remaining) == 6 and all(f.fix is None for f in fixed.remaining)


@pytest.mark.parametrize("resources,expected", [
    ("  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {Runtime: python3.12, Handler: i.h, InlineCode: x}\n",
     ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]),
    ("  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: https://example.com/c.yaml}\n",
     ["CAPABILITY_NAMED_IAM"]),
    ("  Queue:\n    Type: AWS::SQS::Queue\n", None),
])
def test_standby_stack_set_acknowledges_what_the_template_needs(resources, expected):
    transform = "Transform: AWS::Serverless-2016-10-31\n" if "Serverless" in resources else ""
    text = f"AWSTemplateFormatVersion: '2010-09-09'\n{transform}Resources:\n{resources}"
    settings = cfnfix.Settings(select=("CFX202",), rules={"CFX202": {"any-template": True}})
    (finding,) = cfnfix.check_text(text, settings=settings).findings
    (stack_set,) = [op["value"] for op in finding.fix.patch
                    if op["op"] == "add" and op["value"].get("Type") == "AWS::CloudFormation::StackSet"]
    assert stack_set["Properties"].get("Capabilities") == expected


def test_api_matches_the_readme(tmp_path, monkeypatch):
    """Issue 9: `.errors`, a pathlib.Path, the configuration file, help(cfnfix), hashable findings."""
    import pathlib
    import pydoc

    stack = tmp_path / "stack"
    stack.mkdir()
    path = stack / "t.yaml"
    path.write_text(HARDCODED_ROLE)
    result = cfnfix.check_file(path)  # a Path, and no settings: the configuration file decides
    assert result.errors == () and result.path == str(path)
    assert [f.code for f in result.findings] == ["CFX101"]
    (tmp_path / "pyproject.toml").write_text('[tool.cfnfix]\nignore = ["CFX1"]\n')
    monkeypatch.chdir(tmp_path)  # the nearest file to the template counts, not the working folder's
    from cfnfix.config import forget

    forget()  # configuration files are read once per process
    assert cfnfix.check_file(pathlib.Path("stack/t.yaml")).findings == ()
    assert cfnfix.fix_file(path).changed is False
    # settings given by the caller replace the configuration files
    assert len(cfnfix.check_file(path, cfnfix.Settings()).findings) == 1
    (tmp_path / "pyproject.toml").write_text('[tool.cfnfix]\nselect = ["CXF1"]\n')
    forget()
    (problem,) = cfnfix.check_file(path).errors
    assert problem.path == str(tmp_path / "pyproject.toml") and "did you mean CFX1?" in problem.message
    missing = cfnfix.fix_file(tmp_path / "nothing.yaml", settings=cfnfix.Settings())
    assert missing.errors == (missing.error,) and missing.error.message.startswith("cannot read")

    findings = cfnfix.check_file(path, cfnfix.Settings()).findings
    assert len({*findings, *findings}) == 1 and hash(findings[0]) == hash(findings[0])

    text = pydoc.render_doc(cfnfix, renderer=pydoc.plaintext)
    for name in ("check_file(path", "check_text(text", "fix_file(path", "fix_text(text", "class Settings",
                 "class Finding"):
        assert name in text, name


def test_ruledocs_help_writes_nothing(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "cfnfix.ruledocs", "--help"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("usage: python -m cfnfix.ruledocs")
    assert list(tmp_path.iterdir()) == []
