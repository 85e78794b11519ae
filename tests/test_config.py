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


@pytest.mark.parametrize("values", [
    {},
    # of the declared types: taken without pydantic, the codes normalised as its validator does
    {"select": ("cfx1 ", ""), "extend_ignore": ("CFX401",), "unsafe_fixes": True, "lifecycle": "production",
     "rules": {"CFX101": {"strategy": "auto"}}},
    # converted by pydantic
    {"select": ["cfx1"], "unsafe_fixes": "yes", "exclude": ["*/generated/*"], "rules": {"CFX501": {"as-of": "2026-01-01"}}},
])
def test_settings_are_what_their_pydantic_model_makes_of_the_same_values(values):
    from cfnfix.settings import Settings, settings_model

    made = Settings(**values)
    checked = settings_model().model_validate(values)
    assert made.model_dump() == {name: getattr(checked, name) for name in made.model_dump()}
    assert made == Settings.model_validate(values)
    if values:
        assert (made.select, made.unsafe_fixes) == (("CFX1",), True)


def test_settings_given_by_their_file_key_names_dump_as_pydantic_does():
    from cfnfix.settings import Settings

    made = Settings.model_validate({"extend-select": ("cfx4",), "cfn-lint": True, "rules": {"CFX401": {"tests": "t"}}})
    assert (made.extend_select, made.cfn_lint) == (("CFX4",), True)
    assert made.model_dump(by_alias=True, mode="json") == {
        "select": [], "ignore": [], "extend-select": ["CFX4"], "extend-ignore": [], "unsafe-fixes": False,
        "exclude": [], "report-unused-suppressions": False, "cfn-lint": True, "rules": {"CFX401": {"tests": "t"}},
        "lifecycle": None}


def test_a_bad_settings_value_raises_pydantics_error():
    from pydantic import ValidationError

    from cfnfix.config import validation_message
    from cfnfix.settings import Settings

    with pytest.raises(ValidationError) as raised:
        Settings(select=("CFX9x",))
    assert validation_message(raised.value) == "select: unknown rule code or prefix 'CFX9x' (did you mean CFX?)"
    with pytest.raises(ValidationError) as raised:
        Settings.model_validate({"colour": "red"})
    assert validation_message(raised.value) == "colour: Extra inputs are not permitted"


def _rules_with_options():
    from cfnfix.lint.fixers import all_fixers
    from cfnfix.options import names
    from cfnfix.rules import all_rules

    return [rule for rule in (*all_rules(), *all_fixers()) if names(rule.Options)]


@pytest.mark.parametrize("rule", _rules_with_options(), ids=lambda rule: rule.code)
def test_a_rules_default_options_are_what_their_pydantic_model_makes_of_nothing(rule):
    import dataclasses

    from cfnfix.validation import model_of

    plain = rule(None).options
    assert dataclasses.is_dataclass(plain) and type(plain) is rule.Options
    assert dataclasses.asdict(plain) == dict(model_of(rule.Options).model_validate({}))


def test_rule_options_are_given_by_their_file_key_or_field_name_and_checked():
    from pydantic import ValidationError

    from cfnfix.rules import find_rule

    rule = find_rule("CFX202")
    assert rule({"standby-region": "eu-west-1"}).options == rule.Options(standby_region="eu-west-1", template_url="",
                                                                           any_template=False)
    assert rule({"standby_region": "eu-west-1"}).options.standby_region == "eu-west-1"
    given = rule.Options(any_template=True)
    assert rule(given).options is given  # an Options value is taken as it is
    with pytest.raises(ValidationError, match="String should match pattern"):
        rule({"standby-region": "mars"})
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        find_rule("CFX502")({"colour": 1})  # a rule without options


@pytest.mark.parametrize("code, values", [
    ("CFX401", {"tests": "t", "export": True}),  # of the fields' plain types: taken as they are
    ("CFX401", {"tests": None}),
    ("CFX202", {"any-template": True, "template_url": "u"}),
    ("CFX202", {"standby-region": "eu-west-1"}),  # a constraint: pydantic checks it
    ("CFX501", {"as-of": "2026-01-01"}),  # converted to a date
    ("CFX301", {"services": ["s3"]}),
    ("CFX101", {"strategy": "dedicated-role"}),
])
def test_rule_options_are_what_their_pydantic_model_makes_of_the_same_values(code, values):
    import dataclasses

    from cfnfix.rules import find_rule
    from cfnfix.validation import model_of

    rule = find_rule(code)
    assert dataclasses.asdict(rule(values).options) == dict(model_of(rule.Options).model_validate(values))
