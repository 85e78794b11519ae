"""The payment-processing example: what each issue promises of it, measured."""

from __future__ import annotations

import difflib
import importlib.util
import shutil
import subprocess
import sys

import pytest

import cfnfix
from cfnfix.parse.document import parse_text

from .helpers import ROOT, lint_findings

EXAMPLE = ROOT / "examples" / "payment-processing"
TEMPLATES = ["template.yaml", "template.json"]


@pytest.mark.parametrize("name", TEMPLATES)
def test_cfx101_changes_only_the_role_arn_line_and_adds_the_role(name):
    text = (EXAMPLE / name).read_text()
    fixed = cfnfix.fix_text(text, settings=cfnfix.Settings(select=("CFX101",))).text
    before, after = text.splitlines(), fixed.splitlines()
    changes = [op for op in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
               if op[0] != "equal"]
    inserted = [line for tag, _, _, j1, j2 in changes if tag == "insert" for line in after[j1:j2]]
    assert [tag for tag, *_ in changes] == ["insert", "replace"]
    assert any("ServiceAutoScalingRole" in line for line in inserted)
    assert any("AmazonEC2ContainerServiceAutoscaleRole" in line for line in inserted)
    # the replaced lines are those of the RoleARN value, and nothing else
    doc = parse_text(text)
    node = doc.sourcemap.node("/Resources/ServiceAutoScalingTarget/Properties/RoleARN")
    first, last = text.count("\n", 0, node.start), text.count("\n", 0, node.end)
    ((_, i1, i2, j1, j2),) = [op for op in changes if op[0] == "replace"]
    assert first <= i1 and i2 - 1 <= last
    assert "AWSServiceRoleForApplicationAutoScaling_ECSService" in "".join(before[i1:i2])
    assert "ServiceAutoScalingRole" in "".join(after[j1:j2])
    assert parse_text(fixed).data["Resources"]["ServiceAutoScalingTarget"]["Properties"]["RoleARN"] == {
        "Fn::GetAtt": ["ServiceAutoScalingRole", "Arn"]}


@pytest.mark.parametrize("name", TEMPLATES)
def test_all_rules_fix_the_example_cleanly_and_once(name):
    text = (EXAMPLE / name).read_text()
    settings = cfnfix.Settings(unsafe_fixes=True, rules={"CFX401": {"tests": str(EXAMPLE / "tests")}})
    result = cfnfix.fix_text(text, settings=settings)
    assert result.error is None and result.remaining == ()
    assert sorted({f.code for f in result.applied}) == ["CFX101", "CFX201", "CFX202", "CFX301", "CFX401"]
    assert lint_findings(result.text) - lint_findings(text) == set()
    again = cfnfix.fix_text(result.text, settings=settings)
    assert again.text == result.text and again.applied == ()
    data = parse_text(result.text).data
    endpoints = {r["Properties"]["ServiceName"]["Fn::Sub"]: r["Properties"]["RouteTableIds"]
                 for r in data["Resources"].values() if r["Type"] == "AWS::EC2::VPCEndpoint"}
    private = [{"Ref": "PrivateRouteTableA"}, {"Ref": "PrivateRouteTableB"}]
    assert endpoints == {"com.amazonaws.${AWS::Region}.s3": private, "com.amazonaws.${AWS::Region}.dynamodb": private}


def cfnfix_cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "cfnfix.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_tests_command_reports_the_wrong_table():
    result = cfnfix_cli("tests", "examples/payment-processing/template.yaml",
                        "--tests", "examples/payment-processing/wrong-tests")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    prefix = "examples/payment-processing/template.yaml: "
    assert prefix + "tests use resource TurnAroundPromptTable, which the template does not have" in lines
    assert prefix + ("tests expect a resource of type AWS::DynamoDB::Table, which the template does not have") in lines
    assert prefix + "tests read output TurnAroundPromptTableArn, which the template does not define" in lines
    assert prefix + "untested resource: VPC" in lines


def test_tests_command_finds_the_tests_folder_as_cfx401_does(tmp_path):
    found = cfnfix_cli("tests", "examples/payment-processing/template.yaml")
    given = cfnfix_cli("tests", "examples/payment-processing/template.yaml", "--tests", "examples/payment-processing/tests")
    assert (found.returncode, found.stdout) == (given.returncode, given.stdout)
    assert "tests read output VPCId, which the template does not define" in found.stdout
    (tmp_path / "t.yaml").write_text((EXAMPLE / "template.yaml").read_text())
    alone = cfnfix_cli("tests", "t.yaml", cwd=tmp_path)
    assert alone.returncode == 2 and alone.stderr.startswith("cfnfix: error: t.yaml: no tests folder (tests, test,")


def test_generated_test_module_passes_and_catches_any_missing_resource(tmp_path):
    shutil.copy(EXAMPLE / "template.yaml", tmp_path / "template.yaml")
    module = tmp_path / "test_template_generated.py"
    written = cfnfix_cli("tests", "template.yaml", "--tests", str(EXAMPLE / "tests"), "--write", module.name,
                         cwd=tmp_path)
    count = len(parse_text((tmp_path / "template.yaml").read_text()).data["Resources"])
    assert written.stdout.startswith(f"Wrote {module.name} ({count} resources).")
    # it imports only what the package itself re-exports, so it outlives moves inside cfnfix
    assert [l for l in module.read_text().splitlines() if "cfnfix" in l and "import" in l] == [
        "from cfnfix import parse_bytes, references"]
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", module.name],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and f"{count} passed" in run.stdout, run.stdout

    # every resource is checked: without any one of them, its test fails
    spec = importlib.util.spec_from_file_location("generated", module)
    generated = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generated)
    resources = parse_text((tmp_path / "template.yaml").read_text()).data["Resources"]
    for name in resources:
        missing = {k: v for k, v in resources.items() if k != name}
        with pytest.raises(AssertionError, match=f"no resource {name}"):
            generated.test_resource(missing, name)

    # and pytest says so for a copy without one
    text = (tmp_path / "template.yaml").read_text()
    start = text.index("  DatabaseCPUAlarm:\n")  # referenced by nothing: only its own test fails
    end = text.index("\n\n", start) + 2
    (tmp_path / "template.yaml").write_text(text[:start] + text[end:])
    broken = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", module.name],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert broken.returncode == 1 and "1 failed" in broken.stdout
    assert "test_resource[DatabaseCPUAlarm]" in broken.stdout


@pytest.mark.parametrize("name", TEMPLATES)
def test_fixed_example_is_what_apply_makes_of_it(name):
    """`examples/payment-processing/fixed/` is current; to refresh it, copy the two templates
    there and run `cfnfix apply --unsafe-fixes examples/payment-processing/fixed/`."""
    # as the CLI reads it: CFX401 runs because the example's tests/ read the stack's outputs
    result = cfnfix.fix_file(EXAMPLE / name, unsafe_fixes=True)
    assert result.error is None and "CFX401" in {f.code for f in result.applied}
    assert result.text == (EXAMPLE / "fixed" / name).read_text()
