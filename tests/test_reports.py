"""SARIF 2.1.0 (validated against the schema) and GitHub annotations."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import jsonschema

from cfnfix.rules import all_rules

from .helpers import ROOT

EXAMPLE = ROOT / "examples" / "payment-processing"
# kept with the tests (its source and license: data/sarif-schema-2.1.0.NOTICE.md)
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"


def cfnfix(*args, cwd):
    return subprocess.run([sys.executable, "-m", "cfnfix.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_sarif_of_the_example_validates_against_the_schema(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "payment", ignore=shutil.ignore_patterns("tests", "wrong-tests", "fixed"))
    result = cfnfix("check", "--format", "sarif", "payment", cwd=tmp_path)
    assert result.returncode == 1
    sarif = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.validate(sarif, schema)
    (run,) = sarif["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    # every rule, in code order (the list grows as rules are added)
    assert [r["id"] for r in rules] == sorted(r.code for r in all_rules())
    assert {"CFX101", "CFX201", "CFX202", "CFX301", "CFX401"} <= {r["id"] for r in rules}
    assert rules[0]["defaultConfiguration"]["level"] == "error"
    assert "## Why does this fail?" in rules[0]["help"]["markdown"]
    first = next(r for r in run["results"] if r["ruleId"] == "CFX101"
                 and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "payment/template.yaml")
    region = first["locations"][0]["physicalLocation"]["region"]
    line = (EXAMPLE / "template.yaml").read_text().splitlines()[region["startLine"] - 1]
    assert line[region["startColumn"] - 1:].startswith("!Sub arn:aws:iam::")
    assert region["endLine"] == region["startLine"] and region["endColumn"] == len(line) + 1
    (fix,) = first["fixes"]
    (change,) = fix["artifactChanges"]
    (replacement,) = change["replacements"]
    original = (EXAMPLE / "template.yaml").read_text()
    deleted = replacement["deletedRegion"]
    patched = (original[:deleted["charOffset"]] + replacement["insertedContent"]["text"]
               + original[deleted["charOffset"] + deleted["charLength"]:])
    assert "ServiceAutoScalingRole" in patched and "AWSServiceRoleForApplicationAutoScaling_ECSService" not in patched


def test_github_annotations(tmp_path):
    shutil.copy(EXAMPLE / "template.yaml", tmp_path / "t.yaml")
    result = cfnfix("check", "--format", "github", "--select", "CFX101,CFX301", "t.yaml", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    role_line = (EXAMPLE / "template.yaml").read_text().splitlines()[375]
    assert role_line.startswith("      RoleARN: !Sub ")
    # in file order: the VPC (line 24) comes long before the scaling target's RoleARN
    assert lines[2] == (
        f"::error file=t.yaml,line=376,col=16,endLine=376,endColumn={len(role_line) + 1},title=CFX101::ScalableTarget "
        "ServiceAutoScalingTarget hard-codes the service-linked role AWSServiceRoleForApplicationAutoScaling_ECSService "
        "in RoleARN; early validation fails in any account where that role does not exist yet")
    assert [l.split(" ", 1)[0] for l in lines[:2]] == ["::warning", "::warning"]
    assert all(l.startswith("::warning file=t.yaml,line=24,col=5,") and ",title=CFX301::VPC VPC sends " in l
               for l in lines[:2])


def test_a_missing_path_is_an_error_in_every_report_format(tmp_path):
    """Issue 10: a path that does not exist showed only in the exit status."""
    shutil.copy(EXAMPLE / "template.yaml", tmp_path / "t.yaml")
    as_json = cfnfix("check", "--format", "json", "--select", "CFX101", "t.yaml", "missing.yaml", cwd=tmp_path)
    assert as_json.returncode == 2
    report = json.loads(as_json.stdout)
    assert report["summary"]["errors"] == 1
    assert {"path": "missing.yaml", "format": None, "findings": [],
            "error": {"message": "no such file or folder", "line": None, "column": None}} in report["files"]

    sarif = cfnfix("check", "--format", "sarif", "--select", "CFX101", "t.yaml", "missing.yaml", cwd=tmp_path)
    assert sarif.returncode == 2
    doc = json.loads(sarif.stdout)
    jsonschema.validate(doc, json.loads(SARIF_SCHEMA.read_text()))
    (invocation,) = doc["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["message"]["text"] == "no such file or folder"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "missing.yaml"

    github = cfnfix("check", "--format", "github", "--select", "CFX101", "t.yaml", "missing.yaml", cwd=tmp_path)
    assert github.returncode == 2
    assert "::error file=missing.yaml,line=1,col=1,title=cfnfix::no such file or folder" in github.stdout.splitlines()

    text = cfnfix("check", "--select", "CFX101", "missing.yaml", cwd=tmp_path)
    assert (text.returncode, text.stdout, text.stderr) == (2, "", "cfnfix: error: missing.yaml: no such file or folder\n")


def test_the_tests_need_nothing_outside_the_project():
    """Issue 11: the SARIF schema came from ../shared; what a test reads lies in the project."""
    assert SARIF_SCHEMA.is_file() and (ROOT / "tests" / "data" / "sarif-schema-2.1.0.NOTICE.md").is_file()
    assert json.loads(SARIF_SCHEMA.read_text())["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
