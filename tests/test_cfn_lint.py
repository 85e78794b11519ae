"""`--cfn-lint`: cfn-lint's findings as cfnfix findings, merged with native ones, and its failures as one line."""

from __future__ import annotations

import json

import pytest

import cfnfix
from cfnfix import cli
from cfnfix.parse.document import parse_text
from cfnfix.lint import linter
from cfnfix.lint.findings import lint_findings
from cfnfix.rule import Finding
from cfnfix.rules.hardcoded_service_linked_role import HardcodedServiceLinkedRole
from cfnfix.settings import Settings
from cfnfix.model.template import Template

from .helpers import HARDCODED_ROLE

LINTED = Settings(cfn_lint=True)
TRAIL = """\
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: bucket
"""
# a lone surrogate escape: cfnfix reads it, cfn-lint's decoder cannot
UNDECODABLE = '{"Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "\\ud800"}}}}\n'


def test_cfn_lint_match_becomes_a_finding_at_the_value():
    checked = cfnfix.check_text(TRAIL, "yaml", LINTED)
    assert checked.error is None
    (finding,) = checked.findings
    assert (finding.code, finding.severity, finding.message, finding.pointer, finding.resource) == (
        "E3003", "high", "'IsLogging' is a required property", "/Resources/Trail/Properties", "Trail")
    assert (finding.line, finding.column) == (5, 7)


def test_without_the_flag_cfn_lint_does_not_run():
    assert cfnfix.check_text(TRAIL, "yaml").findings == ()


def test_select_and_ignore_apply_to_cfn_lint_ids():
    assert cfnfix.check_text(TRAIL, "yaml", Settings(cfn_lint=True, ignore=("E3",))).findings == ()
    assert cfnfix.check_text(TRAIL, "yaml", Settings(cfn_lint=True, select=("CFX",))).findings == ()
    (finding,) = cfnfix.check_text(TRAIL, "yaml", Settings(cfn_lint=True, select=("E3003",))).findings
    assert finding.code == "E3003"


def test_suppression_in_the_template_applies_to_cfn_lint_ids():
    text = TRAIL.replace("    Properties:", "    Metadata:\n      cfnfix:\n        ignore:\n"
                         "          - code: E3003\n            reason: logging starts later\n    Properties:")
    checked = cfnfix.check_text(text, "yaml", LINTED)
    assert (checked.findings, checked.suppressed) == ((), 1)


def test_a_native_finding_that_resolves_the_id_absorbs_the_match(monkeypatch):
    text = TRAIL.replace("S3BucketName: bucket", "S3BucketName: bucket\n      IsLogging: true\n      Bogus: 1")
    template = Template.from_data(parse_text(text, "yaml").data)
    rule = HardcodedServiceLinkedRole()
    native = Finding(rule.code, rule.name, rule.severity, "m", "/Resources/Trail/Properties/Bogus", "Trail")
    codes = [f.code for _, f in lint_findings(text, template, [(rule, native)], {})]
    assert codes == ["E3002"]  # CFX101 lists no cfn-lint id
    monkeypatch.setattr(HardcodedServiceLinkedRole, "cfn_lint_ids", ("E3002",), raising=False)
    assert [f.code for _, f in lint_findings(text, template, [(rule, native)], {})] == []
    # elsewhere in the template the same id is still reported
    elsewhere = Finding(rule.code, rule.name, rule.severity, "m", "/Resources/Other", "Other")
    assert [f.code for _, f in lint_findings(text, template, [(rule, elsewhere)], {})] == ["E3002"]


def test_config_file_turns_it_on(tmp_path, capsys):
    (tmp_path / ".cfnfix.toml").write_text("cfn-lint = true\n")
    (tmp_path / "trail.yaml").write_text(TRAIL)
    status = cli.main(["check", str(tmp_path / "trail.yaml")])
    out = capsys.readouterr().out
    assert status == 1
    assert out.splitlines()[0] == f"{tmp_path / 'trail.yaml'}:5:7: E3003 [*] 'IsLogging' is a required property"


def test_missing_extra_is_one_line_and_the_templates_are_still_checked(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(linter, "available", lambda: False)
    (tmp_path / "role.yaml").write_text(HARDCODED_ROLE)
    (tmp_path / "trail.yaml").write_text(TRAIL)
    status = cli.main(["check", "--cfn-lint", "--format", "json", str(tmp_path)])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err == ("cfnfix: error: --cfn-lint needs cfn-lint, which is not installed: "
                            "pip install 'cfnfix[cfn-lint]'\n")
    report = json.loads(captured.out)
    # the missing extra is an error of the run, in the report too; the templates are still checked
    assert [f["error"]["message"] for f in report["files"] if f["path"] is None] == [
        "--cfn-lint needs cfn-lint, which is not installed: pip install 'cfnfix[cfn-lint]'"]
    assert [(f["path"].rsplit("/", 1)[1], [x["code"] for x in f["findings"]]) for f in report["files"]
            if f["path"] is not None] == [("role.yaml", ["CFX101"]), ("trail.yaml", [])]


def test_cfn_lint_crash_on_one_template_is_one_line_and_the_others_go_on(tmp_path, monkeypatch, capsys):
    real = linter._run

    def crashing(template):
        if "Trail" in template["Resources"]:
            raise RuntimeError("simulated crash")
        return real(template)

    linter.lint.cache_clear()
    monkeypatch.setattr(linter, "_run", crashing)
    (tmp_path / "role.yaml").write_text(HARDCODED_ROLE)
    (tmp_path / "trail.yaml").write_text(TRAIL)
    status = cli.main(["check", "--cfn-lint", str(tmp_path)])
    captured = capsys.readouterr()
    linter.lint.cache_clear()
    assert status == 2
    assert captured.err == (f"cfnfix: error: {tmp_path / 'trail.yaml'}: cfn-lint failed on this template "
                            "(RuntimeError: simulated crash)\n")
    assert captured.out.splitlines()[0].startswith(f"{tmp_path / 'role.yaml'}:8:16: CFX101 [*] ")


def test_template_cfn_lint_cannot_decode_is_one_line_and_the_others_go_on(tmp_path, capsys):
    (tmp_path / "bad.json").write_text(UNDECODABLE)
    (tmp_path / "trail.yaml").write_text(TRAIL)
    status = cli.main(["apply", "--cfn-lint", str(tmp_path)])
    captured = capsys.readouterr()
    assert status == 2
    # cfnfix's own reader refuses this one first, with the position, before cfn-lint would see it
    assert captured.err == (f"cfnfix: error: {tmp_path / 'bad.json'}:1:78: a lone surrogate escape \\ud800 "
                            "names no character\n")
    assert (tmp_path / "bad.json").read_text() == UNDECODABLE
    assert captured.out == f"{tmp_path / 'trail.yaml'}: fixed 1 finding\nFixed 1 finding in 1 file.\n"
    assert (tmp_path / "trail.yaml").read_text() == TRAIL + "      IsLogging: true\n"


@pytest.mark.parametrize("message,expected", [
    ("2555 is not one of [1, 3, 5]", "2555 is not one of […]"),
    ("'X' is not one of ['a', 'b'] in us-east-1", "'X' is not one of […] in us-east-1"),
    ("Parameter Unused not used.", "Parameter Unused not used."),
])
def test_messages_compare_with_value_lists_collapsed(message, expected):
    assert linter.collapsed(message) == expected


README_APP = """\
Parameters:
  Owner:
    Type: String
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: audit-logs
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 2555
  Target:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 2
      MinCapacity: 1
      ResourceId: service/payments/api
      RoleArn: !GetAtt ScalingRole.Arn
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
  ScalingRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: application-autoscaling.amazonaws.com
            Action: sts:AssumeRole
"""


def test_readme_example_output_and_exit_codes(tmp_path, monkeypatch, capsys):
    """The README's "cfnfix as cfn-lint's fixer" session, line for line."""
    from .helpers import ROOT

    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text(README_APP)
    readme = (ROOT / "README.md").read_text()
    session = readme.split("$ cfnfix check --cfn-lint app.yaml\n", 1)[1].split("```", 1)[0]
    check_out, apply_out = session.split("$ cfnfix apply --cfn-lint --unsafe-fixes app.yaml\n")
    assert cli.main(["check", "--cfn-lint", "app.yaml"]) == 1
    assert capsys.readouterr().out == check_out
    assert cli.main(["apply", "--cfn-lint", "--unsafe-fixes", "app.yaml"]) == 1
    assert capsys.readouterr().out == apply_out
    assert (tmp_path / "app.yaml").read_text() == README_APP.replace(
        "audit-logs\n", "audit-logs\n      IsLogging: true\n").replace("2555", "2557").replace("RoleArn", "RoleARN")
