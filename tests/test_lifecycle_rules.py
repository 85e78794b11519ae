"""CFX501-CFX505 beyond their examples: severity by date, option checks, cross-rule passes."""

from __future__ import annotations

import subprocess
import sys

import pytest

import cfnfix
from cfnfix.config import settings_from
from cfnfix.errors import CfnfixError

PYTHON39 = """\
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.9
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: {S3Bucket: b, S3Key: k}
"""


def _cfx501(text: str, as_of: str):
    settings = cfnfix.Settings(select=("CFX501",), rules={"CFX501": {"as-of": as_of}})
    return cfnfix.check_text(text, "yaml", settings).findings


@pytest.mark.parametrize("as_of,severity", [("2026-06-01", "critical"), ("2026-05-31", "high"),
                                            ("2025-12-15", "high")])
def test_cfx501_is_critical_once_creation_is_blocked(as_of, severity):
    finding, = _cfx501(PYTHON39, as_of)
    assert finding.severity == severity
    assert finding.fix.safety == "unsafe"
    assert [op for op in finding.fix.patch if op["op"] == "replace"] == [
        {"op": "replace", "path": "/Resources/Fn/Properties/Runtime", "value": "python3.14"}]


def test_cfx501_nothing_before_the_deprecation_date():
    assert _cfx501(PYTHON39, "2025-12-14") == ()


def test_cfx501_successor_skips_runtimes_deprecated_by_then():
    # on 2029-07-01 python3.13 and python3.14 are deprecated too: no python runtime is left
    finding, = _cfx501(PYTHON39, "2029-07-01")
    assert "no successor is known" in finding.message and finding.fix is None


def test_cfx501_function_sharing_a_parameter_is_one_finding():
    text = """\
Parameters:
  Runtime: {Type: String, Default: nodejs16.x}
Resources:
  A:
    Type: AWS::Lambda::Function
    Properties: {Runtime: !Ref Runtime, Handler: i.h, Role: r, Code: {S3Bucket: b, S3Key: k}}
  B:
    Type: AWS::Lambda::Function
    Properties: {Runtime: !Ref Runtime, Handler: i.h, Role: r, Code: {S3Bucket: b, S3Key: k}}
"""
    finding, = _cfx501(text, "2026-12-01")
    assert finding.pointer == "/Resources/A/Properties/Runtime"
    assert finding.fix.patch == ({"op": "test", "path": "/Parameters/Runtime/Default", "value": "nodejs16.x"},
                                 {"op": "replace", "path": "/Parameters/Runtime/Default", "value": "nodejs24.x"})


def test_cfx501_as_of_must_be_a_date(tmp_path):
    with pytest.raises(CfnfixError) as exc:
        settings_from({"rules": {"CFX501": {"as-of": "soon"}}}, tmp_path / ".cfnfix.toml")
    assert "rules.CFX501.as-of" in exc.value.problem.message


STANDBY_BLOCKED = """\
Parameters:
  DBPassword:
    Type: String
    NoEcho: true
Resources:
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: [subnet-1, subnet-2]
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t3.micro
      AllocatedStorage: "20"
      MasterUsername: app
      MasterUserPassword: !Ref DBPassword
"""


def test_cfx102_lets_the_engine_reach_cfx202s_standby_stack_set():
    settings = cfnfix.Settings(select=("CFX102", "CFX202"), unsafe_fixes=True)
    before = {f.code: f.fix.safety for f in cfnfix.check_text(STANDBY_BLOCKED, "yaml", settings).findings}
    assert before == {"CFX102": "unsafe", "CFX202": "display-only"}
    fixed = cfnfix.fix_text(STANDBY_BLOCKED, "yaml", settings=settings)
    assert fixed.error is None
    assert [f.code for f in fixed.applied] == ["CFX102", "CFX202"]
    assert fixed.remaining == ()
    data = cfnfix.parse.document.parse_text(fixed.text, "yaml").data
    assert "DBPassword" not in data["Parameters"]
    assert data["Resources"]["Database"]["Properties"]["ManageMasterUserPassword"] is True
    assert data["Resources"]["StandbyStackSet"]["Type"] == "AWS::CloudFormation::StackSet"
    passed = data["Resources"]["StandbyStackSet"]["Properties"]["Parameters"]
    assert [p["ParameterKey"] for p in passed] == ["DeploymentRole"]


def test_cfx102_keeps_a_parameter_something_else_uses():
    text = STANDBY_BLOCKED.replace("Resources:\n", "Outputs:\n  Leak:\n    Value: !Ref DBPassword\nResources:\n", 1)
    finding, = cfnfix.check_text(text, "yaml", cfnfix.Settings(select=("CFX102",))).findings
    assert not any(op["path"].startswith("/Parameters") for op in finding.fix.patch)
    assert finding.fix.impact.parameters_removed == ()


def test_cfx102_shared_parameter_is_one_finding_and_goes_once_unused():
    text = STANDBY_BLOCKED + """\
  Replica:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t3.micro
      AllocatedStorage: "20"
      MasterUsername: app
      MasterUserPassword: !Ref DBPassword
"""
    settings = cfnfix.Settings(select=("CFX102",), unsafe_fixes=True)
    finding, = cfnfix.check_text(text, "yaml", settings).findings
    assert finding.message.startswith("RDS DBInstance Database and RDS DBInstance Replica take MasterUserPassword")
    fixed = cfnfix.fix_text(text, "yaml", settings=settings)
    assert "Parameters" not in cfnfix.parse.document.parse_text(fixed.text, "yaml").data
    assert fixed.text.count("ManageMasterUserPassword: true") == 2


RETAINED = """\
Resources:
  Uploads:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
"""


@pytest.mark.parametrize("lifecycle,codes", [(None, []), ("ephemeral", ["CFX504"]), ("production", ["CFX505"])])
def test_lifecycle_setting_turns_on_one_of_cfx504_and_cfx505(tmp_path, lifecycle, codes):
    table = {"select": ["CFX504", "CFX505"], **({"lifecycle": lifecycle} if lifecycle else {})}
    settings = settings_from(table, tmp_path / ".cfnfix.toml")
    findings = cfnfix.check_text(RETAINED, "yaml", settings).findings
    assert [f.code for f in findings] == codes
    if codes == ["CFX504"]:
        assert findings[0].pointer == "/Resources/Uploads/DeletionPolicy"
        assert "cannot be deleted while it holds objects" in findings[0].message
    if codes == ["CFX505"]:
        assert findings[0].pointer == "/Resources/Table"  # the bucket is retained already


def test_lifecycle_setting_read_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.cfnfix]\nlifecycle = "ephemeral"\n')
    (tmp_path / "t.yaml").write_text(RETAINED)
    result = subprocess.run([sys.executable, "-m", "cfnfix.cli", "check", "--select", "CFX5", "t.yaml"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert [line.split()[1] for line in result.stdout.splitlines()[:-1]] == ["CFX504"]


def test_lifecycle_setting_rejects_other_values(tmp_path):
    with pytest.raises(CfnfixError) as exc:
        settings_from({"lifecycle": "staging"}, tmp_path / ".cfnfix.toml")
    assert exc.value.problem.message.startswith("lifecycle:")


@pytest.mark.parametrize("code,line", [
    ("CFX501", "Severity: critical. Fix: Move to the newest supported runtime of the same family. "
               "Resolves cfn-lint E2531, E2533, W2531."),
    ("CFX503", "Severity: medium. Fix: Add the missing policy with the same value. Resolves cfn-lint W3011."),
])
def test_cfnfix_rule_names_the_cfn_lint_ids_it_resolves(code, line):
    result = subprocess.run([sys.executable, "-m", "cfnfix.cli", "rule", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0
    assert result.stdout.splitlines()[2] == line


def test_cfx502_reads_the_engine_name_in_any_case():
    text = """\
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: MySQL
      EngineVersion: 8.0.36
      DBInstanceClass: db.t3.small
      AllocatedStorage: '20'
      MasterUsername: app
      ManageMasterUserPassword: true
"""
    finding, = cfnfix.check_text(text, "yaml", cfnfix.Settings(select=("CFX502",))).findings
    assert finding.message.startswith("DBInstance Db runs mysql 8.0.36, which is deprecated")
    replaced = [op for op in finding.fix.patch if op["op"] == "replace"]
    assert replaced == [{"op": "replace", "path": "/Resources/Db/Properties/EngineVersion", "value": "8.0.46"}]
