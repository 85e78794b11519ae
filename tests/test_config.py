"""Configuration files, flags and in-template suppression, each behaviour and each error path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import HARDCODED_ROLE

TEMPLATE = HARDCODED_ROLE + "  Queue:\n    Type: AWS::SQS::Queue\n"


def cfnfix(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cfnfix.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=60)


def codes(result: subprocess.CompletedProcess) -> list[str]:
    return [f["code"] for file in json.loads(result.stdout)["files"] for f in file["findings"]]


INTEGRATION_TEST = 'import json\n\nOUTPUTS = json.load(open("cfn-outputs/flat-outputs.json"))\n'


@pytest.fixture
def project(tmp_path):
    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "app.yaml").write_text(TEMPLATE)
    # integration tests that read the stack's outputs: what CFX401 needs to run
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_stack.py").write_text(INTEGRATION_TEST)
    return tmp_path


def test_defaults_run_every_rule(project):
    assert codes(cfnfix("check", "--format", "json", "stack", cwd=project)) == ["CFX101", "CFX401"]


def test_cfx401_runs_only_with_evidence_of_integration_tests_or_when_selected(tmp_path):
    """Issue 10 item 7: CFX401 fired on every template with a VPC, a subnet or a key."""
    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "app.yaml").write_text(TEMPLATE)

    def found(*flags):
        return codes(cfnfix("check", "--format", "json", *flags, "stack", cwd=tmp_path))

    assert found() == ["CFX101"]
    assert found("--select", "ALL") == ["CFX101"]  # ALL is not a selection by name
    assert found("--select", "CFX401") == ["CFX401"]
    assert found("--extend-select", "CFX4") == ["CFX101", "CFX401"]
    # unit tests that read no outputs are no evidence; integration tests beside the template are
    (tmp_path / "stack" / "tests").mkdir()
    (tmp_path / "stack" / "tests" / "test_unit.py").write_text('assert "Queue" in TEMPLATE["Resources"]\n')
    assert found() == ["CFX101"]
    (tmp_path / "stack" / "tests" / "test_live.py").write_text('def test_queue(outputs):\n    outputs["QueueUrl"]\n')
    assert found() == ["CFX101", "CFX401"]
    # or a tests path in the configuration file, relative to that file
    (tmp_path / "stack" / "tests" / "test_live.py").unlink()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "test_e2e.ts").write_text('expect(outputs.QueueUrl).toBeDefined();\n')
    (tmp_path / ".cfnfix.toml").write_text('[rules.CFX401]\ntests = "elsewhere"\n')
    assert found() == ["CFX101", "CFX401"]
    assert json.loads(cfnfix("config", "stack/app.yaml", cwd=tmp_path).stdout)["settings"]["rules"]["CFX401"] == {
        "tests": str((tmp_path / "elsewhere").resolve())}


def test_pyproject_table(project):
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.cfnfix]\nselect = ["CFX4"]\n')
    assert codes(cfnfix("check", "--format", "json", "stack", cwd=project)) == ["CFX401"]


def test_dotfile_wins_over_pyproject_in_one_folder(project):
    (project / "pyproject.toml").write_text('[tool.cfnfix]\nselect = ["CFX4"]\n')
    (project / ".cfnfix.toml").write_text('select = ["CFX1"]\n')
    assert codes(cfnfix("check", "--format", "json", "stack", cwd=project)) == ["CFX101"]


def test_nearest_folder_wins(project):
    (project / ".cfnfix.toml").write_text('select = ["CFX1"]\n')
    (project / "stack" / "pyproject.toml").write_text('[tool.cfnfix]\nignore = ["CFX1"]\n')
    assert codes(cfnfix("check", "--format", "json", "stack", cwd=project)) == ["CFX401"]


def test_pyproject_without_table_is_passed_over(project):
    (project / ".cfnfix.toml").write_text('select = ["CFX1"]\n')
    (project / "stack" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert codes(cfnfix("check", "--format", "json", "stack", cwd=project)) == ["CFX101"]


def test_flags_win_over_files(project):
    (project / ".cfnfix.toml").write_text('select = ["CFX1"]\n')
    assert codes(cfnfix("check", "--format", "json", "--select", "CFX401", "stack", cwd=project)) == ["CFX401"]


def test_rule_options_and_unsafe_fixes(project):
    (project / ".cfnfix.toml").write_text('select = ["CFX101"]\n[rules.CFX101]\nstrategy = "dedicated-role"\n')
    result = cfnfix("check", "--format", "json", "stack", cwd=project)
    (finding,) = json.loads(result.stdout)["files"][0]["findings"]
    assert finding["fix"]["safety"] == "unsafe"  # the template's first IAM resource
    (project / ".cfnfix.toml").write_text('select = ["CFX101"]\nunsafe-fixes = true\n'
                                          '[rules.hardcoded-service-linked-role]\nstrategy = "dedicated-role"\n')
    applied = cfnfix("apply", "stack", cwd=project)
    assert (applied.returncode, applied.stdout) == (0, "stack/app.yaml: fixed 1 finding\nFixed 1 finding in 1 file.\n")
    assert "ServiceAutoScalingRole" in (project / "stack" / "app.yaml").read_text()


def test_exclude_globs(project):
    (project / "stack" / "generated").mkdir()
    (project / "stack" / "generated" / "copy.yaml").write_text(TEMPLATE)
    (project / ".cfnfix.toml").write_text('exclude = ["*/generated/*"]\n')
    result = cfnfix("check", "--format", "json", "stack", cwd=project)
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == ["stack/app.yaml"]


def test_config_command_prints_resolved_settings(project):
    (project / ".cfnfix.toml").write_text('select = ["CFX1"]\n[rules.CFX101]\nstrategy = "remove-role-arn"\n')
    result = cfnfix("config", "stack/app.yaml", cwd=project)
    assert result.returncode == 0
    shown = json.loads(result.stdout)
    assert shown["config"] == str((project / ".cfnfix.toml").resolve())
    assert shown["settings"]["select"] == ["CFX1"]
    assert shown["settings"]["rules"] == {"CFX101": {"strategy": "remove-role-arn"}}
    assert shown["settings"]["unsafe-fixes"] is False


@pytest.mark.parametrize("content,message", [
    ('colour = "red"\n', "unknown key 'colour'"),
    ('select = "CFX1"\n', "select: Input should be a valid tuple"),
    ('unsafe-fixes = "maybe"\n', "unsafe-fixes: Input should be a valid boolean"),
    ('[rules.CFX999]\nx = 1\n', "unknown rule 'rules.CFX999'"),
    ('[rules.CFX101]\nstrategy = "guess"\n', "rules.CFX101.strategy: Input should be 'auto', 'dedicated-role' or 'remove-role-arn'"),
    ('[rules.CFX101]\ncolour = 1\n', "rules.CFX101.colour: Extra inputs are not permitted"),
    ('[rules.CFX202]\nstandby-region = "mars"\n', "rules.CFX202.standby-region: String should match pattern"),
    ('rules = 3\n', "'rules' must be a table of rule codes"),
    ('select = [\n', "invalid TOML"),
])
def test_configuration_errors_name_the_key_and_the_file(project, content, message):
    (project / ".cfnfix.toml").write_text(content)
    for command in (["check", "stack"], ["apply", "stack"], ["config", "stack"]):
        result = cfnfix(*command, cwd=project)
        assert result.returncode == 2, command
        line = result.stderr.strip()
        assert "\n" not in line and "Traceback" not in line
        assert line.startswith(f"cfnfix: error: {(project / '.cfnfix.toml').resolve()}: {message}"), line


SUPPRESSED = TEMPLATE.replace("  Queue:\n    Type: AWS::SQS::Queue\n", """\
  Queue:
    Type: AWS::SQS::Queue
    Metadata:
      cfnfix:
        ignore:
          - code: CFX401
            reason: the tests find this queue by its tag
""")


def test_resource_suppression_is_counted(project):
    (project / "stack" / "app.yaml").write_text(SUPPRESSED)
    result = cfnfix("check", "--format", "json", "stack", cwd=project)
    report = json.loads(result.stdout)
    assert codes(result) == ["CFX101"]
    assert report["summary"]["suppressed"] == 1


def test_template_suppression_covers_every_resource(project):
    (project / "stack" / "app.yaml").write_text(
        "Metadata:\n  cfnfix:\n    ignore:\n      - {code: CFX1, reason: migrated next sprint}\n" + TEMPLATE)
    result = cfnfix("check", "--format", "json", "stack", cwd=project)
    assert codes(result) == ["CFX401"]
    assert json.loads(result.stdout)["summary"]["suppressed"] == 1


def test_suppression_of_another_resource_does_not_apply(project):
    (project / "stack" / "app.yaml").write_text(SUPPRESSED.replace("code: CFX401", "code: CFX101"))
    assert codes(cfnfix("check", "--format", "json", "stack", cwd=project)) == ["CFX101", "CFX401"]


@pytest.mark.parametrize("entry,message", [
    ("          - code: CFX401\n", "16:13: suppressing CFX401 needs a reason"),
    ("          - CFX401\n", "16:13: a suppression needs a code and a reason"),
])
def test_suppression_errors(project, entry, message):
    text = SUPPRESSED.replace("          - code: CFX401\n            reason: the tests find this queue by its tag\n", entry)
    (project / "stack" / "app.yaml").write_text(text)
    assert text.splitlines()[15] == entry.rstrip("\n")
    result = cfnfix("check", "stack", cwd=project)
    assert (result.returncode, result.stderr) == (2, f"cfnfix: error: stack/app.yaml:{message}\n")


def test_unused_suppressions_are_reported_on_request(project):
    (project / "stack" / "app.yaml").write_text(SUPPRESSED.replace("code: CFX401", "code: CFX301"))
    quiet = cfnfix("check", "--format", "json", "stack", cwd=project)
    assert codes(quiet) == ["CFX101", "CFX401"]
    loud = cfnfix("check", "--format", "json", "--report-unused-suppressions", "stack", cwd=project)
    findings = json.loads(loud.stdout)["files"][0]["findings"]
    # in file order: the target's RoleARN, the queue, then the entry inside the queue's Metadata
    assert [f["code"] for f in findings] == ["CFX101", "CFX401", "CFX000"]
    assert [f["line"] for f in findings] == sorted(f["line"] for f in findings)
    assert findings[-1]["pointer"] == "/Resources/Queue/Metadata/cfnfix/ignore/0"
    assert findings[-1]["message"] == "the suppression of CFX301 matches no finding; remove it"
    assert loud.returncode == 1


def test_flags_select_rules_even_after_the_files_settings_made_theirs(tmp_path):
    # a long-lived process (language server, MCP server) asks for a folder's settings with and without
    # flags; the flagged settings once kept the rules the unflagged ones had made
    from cfnfix.config import settings_for

    path = str(tmp_path / "t.yaml")
    assert len(settings_for(path, {}).rule_instances()) > 1
    assert [r.code for r in settings_for(path, {"select": ("cfx101",)}).rule_instances()] == ["CFX101"]


def test_a_copy_of_settings_makes_its_own_rules():
    """pydantic's model_copy copied the cached rule instances of the original: a copy with other
    rules or options ran the original's (a tests folder found for CFX401 was ignored)."""
    from cfnfix.settings import Settings

    base = Settings()
    assert "CFX401" not in [r.code for r in base.rule_instances()]  # opt-in, and now cached
    with_tests = base.model_copy(update={"rules": {"CFX401": {"tests": "tests"}}})
    assert "CFX401" in [r.code for r in with_tests.rule_instances()]
    narrowed = base.model_copy(update={"select": ("CFX1",)})
    assert [r.code for r in narrowed.rule_instances()] == ["CFX101", "CFX102"]
