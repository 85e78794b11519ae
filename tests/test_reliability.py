"""Issue 18's corners: errors that are values, escaped paths and annotations, limits, links, jobs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cfnfix
from cfnfix import cli, report
from cfnfix.engine import CheckResult
from cfnfix.errors import Problem
from cfnfix.rule import Finding

from .helpers import HARDCODED_ROLE

TOPIC = "Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      X: {}\n"


# -- item 7: every unreadable value is a parse error with a position ----------------------------


@pytest.mark.parametrize("text,format,expected", [
    ('{"Resources": {"A\\ud800": {"Type": "AWS::SNS::Topic"}}}', "json",
     "<text>:1:18: a lone surrogate escape \\ud800 names no character"),
    ('{"Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": {"N": "x\\udc00y"}}}}', "json",
     "<text>:1:71: a lone surrogate escape \\udc00 names no character"),
    ('{"Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": {"N": "\\ud83d"}}}}', "json",
     "<text>:1:70: a lone surrogate escape \\ud83d names no character"),
    ('{"Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": {"N": ' + "9" * 5000 + "}}}}", "json",
     "<text>:1:69: a number too long to read (5000 digits)"),
    (TOPIC.replace("{}", "!!int abc"), "yaml", "<text>:5:10: 'abc' is not a valid !!int"),
    (TOPIC.replace("{}", "!!float abc"), "yaml", "<text>:5:10: 'abc' is not a valid !!float"),
    (TOPIC.replace("{}", "!!bool maybe"), "yaml", "<text>:5:10: 'maybe' is not a valid !!bool"),
    (TOPIC.replace("{}", "0b_"), "yaml", "<text>:5:10: '0b_' is not a valid !!int"),
    (TOPIC.replace("{}", "9" * 5000), "yaml", "<text>:5:10: an integer too long to read (5000 digits)"),
])
def test_unreadable_values_are_errors_with_a_position(text, format, expected):
    checked = cfnfix.check_text(text, format)
    fixed = cfnfix.fix_text(text, format)
    assert (str(checked.error), str(fixed.error)) == (expected, expected)
    assert checked.findings == () and fixed.text == text


def test_a_surrogate_pair_and_an_escaped_backslash_are_fine():
    pair = '{"Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": {"N": "\\ud83d\\ude00 \\\\ud800"}}}}'
    assert cfnfix.check_text(pair, "json").error is None


def test_a_lone_surrogate_in_a_file_is_one_line_exit_2(tmp_path):
    path = tmp_path / "t.json"
    path.write_text('{"Resources": {"A\\ud800": {"Type": "AWS::SNS::Topic"}}}')
    for command in ("check", "apply"):
        done = subprocess.run([sys.executable, "-m", "cfnfix.cli", command, str(path)], capture_output=True,
                              text=True, timeout=120)
        assert (done.returncode, done.stderr) == (
            2, f"cfnfix: error: {path}:1:18: a lone surrogate escape \\ud800 names no character\n")
        assert done.stdout == ("" if command == "check" else "Fixed 0 findings in 0 files.\n")


# -- item 10: CR-only line endings are refused with the reason ---------------------------------


@pytest.mark.parametrize("text,format,position", [
    ("Resources:\r  A:\r    Type: AWS::SNS::Topic\r", "yaml", "1:11"),
    ("Resources:\n  A:\r    Type: AWS::SNS::Topic\n", "yaml", "2:5"),
    ('{"Resources":\r{}}', "json", "1:14"),
])
def test_cr_only_line_endings_are_refused_with_the_reason(text, format, position):
    message = (f"<text>:{position}: a line ends in a carriage return alone (CR line endings): cfnfix reads "
               "LF or CRLF; convert the file's line endings")
    assert str(cfnfix.check_text(text, format).error) == message
    assert str(cfnfix.fix_text(text, format).error) == message


def test_crlf_is_still_read():
    assert cfnfix.check_text(HARDCODED_ROLE.replace("\n", "\r\n"), "yaml").findings[0].line == 8


# -- item 13: paths with control characters stay on one line ------------------------------------


def test_a_newline_in_a_path_is_escaped_in_the_error(tmp_path, capsys):
    path = tmp_path / "bad\nname\x1b[31m.yaml"
    path.write_text("Resources: [\n")
    assert cli.main(["check", "--jobs", "1", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == f"cfnfix: error: {tmp_path}/bad\\nname\\x1b[31m.yaml:2:1: while parsing a flow node, did not find expected node content\n"
    assert err.count("\n") == 1


def test_a_newline_in_a_path_is_escaped_in_the_text_report():
    result = CheckResult("a\nb.yaml", "yaml", (Finding("CFX101", "x", "critical", "boom", "", None, line=3, column=4),))
    assert report.text([result]).splitlines()[0] == "a\\nb.yaml:3:4: CFX101 boom"


def test_problem_keeps_printable_unicode():
    assert str(Problem("bad", "café/t.yaml", 1, 2)) == "café/t.yaml:1:2: bad"


# -- item 5: annotations and URIs escape the path ---------------------------------------------------


def test_github_annotation_file_names_cannot_inject_commands():
    name = "x.yaml,line=99::\n::add-mask::secret%0A\r::stop-commands::t"
    finding = Finding("CFX101", "x", "critical", "boom\nline 2 50%", "", None, line=3, column=4)
    out = report.github([CheckResult(name, "yaml", error=Problem("bad: yes", name, 1, 2)),
                         CheckResult(name, "yaml", (finding,))])
    assert out == (
        "::error file=x.yaml%2Cline=99%3A%3A%0A%3A%3Aadd-mask%3A%3Asecret%250A%0D%3A%3Astop-commands%3A%3At,"
        "line=1,col=2,title=cfnfix::bad: yes\n"
        "::error file=x.yaml%2Cline=99%3A%3A%0A%3A%3Aadd-mask%3A%3Asecret%250A%0D%3A%3Astop-commands%3A%3At,"
        "line=3,col=4,endLine=3,endColumn=4,title=CFX101::boom%0Aline 2 50%25\n")
    assert len(out.splitlines()) == 2


def test_sarif_uris_are_percent_encoded():
    finding = Finding("CFX101", "hardcoded-service-linked-role", "critical", "boom", "", None, line=1, column=1)
    doc = json.loads(report.sarif([CheckResult("dir name/a#b?\n.yaml", "yaml", (finding,))]))
    uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "dir%20name/a%23b%3F%0A.yaml"


def _cfnfix(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cfnfix.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


# -- item 12: one file named twice is processed once ------------------------------------------


def test_a_file_named_twice_is_reported_once(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "t.yaml").write_text(HARDCODED_ROLE)
    (tmp_path / "d" / "same.yaml").symlink_to("t.yaml")
    done = _cfnfix("check", "--format", "json", "d", "d/t.yaml", "./d/t.yaml", cwd=tmp_path)
    files = json.loads(done.stdout)["files"]
    assert [f["path"] for f in files] == ["d/t.yaml"]
    assert [f["code"] for f in files[0]["findings"]] == ["CFX101"]


# -- item 11: --jobs is capped ------------------------------------------------------------------


def test_jobs_are_capped_by_the_work_and_the_cores(monkeypatch):
    from cfnfix import runner

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    work = [(f"t{i}.yaml", True, "check", 0) for i in range(8)]
    assert runner._workers(300, work) == 8
    assert runner._workers(300, work * 10) == 2 * runner.MAX_JOBS_PER_CORE
    assert runner._workers(3, work) == 3
    assert runner._workers(1, work) == 1


def test_the_default_is_one_process_for_a_small_batch(tmp_path, monkeypatch):
    from cfnfix import runner

    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    small = []
    for i in range(100):
        path = tmp_path / f"t{i}.yaml"
        path.write_text(HARDCODED_ROLE)  # 100 files of 400 bytes: starting processes costs more
        small.append((str(path), True, "check", 0))
    assert runner._workers(0, small) == 1
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * runner.BYTES_PER_WORKER)
    large = [(str(big), True, "check", 0)] * (runner.FILES_PER_WORKER * 3)
    assert runner._workers(0, large) == 3


# -- issue 10 item 3: exclude relative to the configuration file; folders a scan skips -----------


def _tree(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(HARDCODED_ROLE)


def _checked(done: subprocess.CompletedProcess) -> list[str]:
    return sorted(f["path"] for f in json.loads(done.stdout)["files"])


def test_exclude_patterns_are_relative_to_the_configuration_file(tmp_path):
    (tmp_path / ".cfnfix.toml").write_text('exclude = ["stacks/generated/*", "scratch"]\n')
    _tree(tmp_path, "stacks/generated/a.yaml", "stacks/app.yaml", "other/generated/b.yaml",
          "deep/scratch/c.yaml")
    expected = ["app.yaml"]
    assert _checked(_cfnfix("check", "--format", "json", ".", cwd=tmp_path / "stacks")) == expected
    assert _checked(_cfnfix("check", "--format", "json", "stacks", cwd=tmp_path)) == ["stacks/app.yaml"]
    # pre-commit names each file: exclude applies to them too (--only-templates)
    named = _cfnfix("check", "--only-templates", "--format", "json", "generated/a.yaml", "app.yaml",
                    cwd=tmp_path / "stacks")
    assert _checked(named) == expected
    assert _checked(_cfnfix("check", "--format", "json", ".", cwd=tmp_path)) == [
        "other/generated/b.yaml", "stacks/app.yaml"]


def test_a_folder_scan_skips_tool_folders_virtualenvs_and_gitignored_files(tmp_path):
    _tree(tmp_path, "app.yaml", ".git/t.yaml", "node_modules/pkg/t.yaml", ".aws-sam/build/template.yaml",
          "cdk.out/Stack.template.json", "env/lib/t.yaml", "build/out.yaml", "keep/ignored.yaml",
          "keep/kept.yaml", "sub/local.yaml", "sub/x.yaml")
    (tmp_path / "cdk.out" / "Stack.template.json").write_text('{"Resources": {}}')
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / ".gitignore").write_text("build/\nkeep/*.yaml\n!keep/kept.yaml\n")
    (tmp_path / "sub" / ".gitignore").write_text("local.yaml\n")
    assert _checked(_cfnfix("check", "--format", "json", ".", cwd=tmp_path)) == [
        "app.yaml", "keep/kept.yaml", "sub/x.yaml"]
    assert _checked(_cfnfix("check", "--format", "json", "--no-respect-gitignore", ".", cwd=tmp_path)) == [
        "app.yaml", "build/out.yaml", "keep/ignored.yaml", "keep/kept.yaml", "sub/local.yaml", "sub/x.yaml"]
    # a file named on the command line is read whatever .gitignore says
    assert _checked(_cfnfix("check", "--format", "json", "build/out.yaml", cwd=tmp_path)) == ["build/out.yaml"]


def test_gitignore_outside_a_git_work_tree_is_not_read(tmp_path):
    _tree(tmp_path, "build/out.yaml")
    (tmp_path / ".gitignore").write_text("build/\n")
    assert _checked(_cfnfix("check", "--format", "json", ".", cwd=tmp_path)) == ["build/out.yaml"]


# -- item 3: fixes do not push a template over CloudFormation's limits -------------------------

WITH_IAM = HARDCODED_ROLE + "  Existing:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n"
TOPICS = "".join(f"  Topic{i}:\n    Type: AWS::SNS::Topic\n" for i in range(498))
HELD = "(not fixed: it would take the template past CloudFormation's limit of {})"


def _cfx1():
    from cfnfix.settings import Settings

    return Settings(select=("CFX1",))


def test_a_fix_that_would_pass_500_resources_is_held_back_and_named():
    text = WITH_IAM + TOPICS  # 500 resources; the fix adds a role
    fixed = cfnfix.fix_text(text, "yaml", settings=_cfx1())
    assert fixed.error is None and fixed.text == text and fixed.applied == ()
    [left] = fixed.remaining
    assert left.pointer == "/Resources/Target/Properties/RoleARN" and left.fix is None
    assert left.message.endswith(HELD.format("500 resources"))


def test_the_same_fix_is_applied_with_room_to_spare():
    text = WITH_IAM + TOPICS.replace("  Topic497:\n    Type: AWS::SNS::Topic\n", "")
    fixed = cfnfix.fix_text(text, "yaml", settings=_cfx1())
    assert [f.code for f in fixed.applied] == ["CFX101"] and fixed.remaining == ()
    assert "RoleARN: !GetAtt ServiceAutoScalingRole.Arn" in fixed.text


def test_a_fix_that_would_pass_the_s3_template_size_is_held_back():
    pad = 1_000_000 - len(WITH_IAM.encode()) - 200
    text = WITH_IAM + "# " + "x" * pad + "\n"
    fixed = cfnfix.fix_text(text, "yaml", settings=_cfx1())
    assert fixed.text == text
    assert fixed.remaining[0].message.endswith(HELD.format("1,000,000 bytes"))


def test_the_fixes_that_fit_are_kept_most_severe_first():
    # 199 parameters; CFX201 adds two (HostedZoneId, DomainName), CFX101 none: only CFX101 fits
    from cfnfix.settings import Settings

    params = "Parameters:\n" + "".join(f"  P{i}:\n    Type: String\n" for i in range(199))
    alb = ("  LoadBalancer:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n"
           "      Scheme: internet-facing\n      Subnets: [subnet-1, subnet-2]\n")
    text = params + HARDCODED_ROLE + alb
    fixed = cfnfix.fix_text(text, "yaml", settings=Settings(select=("CFX101", "CFX201"), unsafe_fixes=True))
    assert fixed.error is None
    assert [f.code for f in fixed.applied] == ["CFX101"]
    held = [f for f in fixed.remaining if f.code == "CFX201"]
    assert held and held[0].message.endswith(HELD.format("200 parameters")) and held[0].fix is None


def test_fixes_that_would_cross_a_limit_are_held_back_before_their_pass_is_written(monkeypatch):
    # the file is written once, with the fixes that fit, not fixed whole and then fixed again
    from cfnfix.settings import Settings
    from cfnfix.write import writer

    written: list[list[str]] = []
    real = writer.write

    def counted(doc, ops, *args, **kwargs):
        written.append([op["path"] for op in ops])
        return real(doc, ops, *args, **kwargs)

    monkeypatch.setattr(writer, "write", counted)
    params = "Parameters:\n" + "".join(f"  P{i}:\n    Type: String\n" for i in range(199))
    alb = ("  LoadBalancer:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n"
           "      Scheme: internet-facing\n      Subnets: [subnet-1, subnet-2]\n")
    fixed = cfnfix.fix_text(params + HARDCODED_ROLE + alb, "yaml",
                            settings=Settings(select=("CFX101", "CFX201"), unsafe_fixes=True))
    assert [f.code for f in fixed.applied] == ["CFX101"] and fixed.passes == 1
    assert written == [[op["path"] for op in fixed.applied[0].fix.patch]]
    written.clear()
    fixed = cfnfix.fix_text(WITH_IAM + TOPICS, "yaml", settings=_cfx1())
    assert (written, fixed.applied, fixed.passes) == ([], (), 0)


def test_passing_the_template_body_size_is_a_warning(tmp_path):
    path = tmp_path / "t.yaml"
    pad = 51_200 - len(WITH_IAM.encode()) - 100
    path.write_text(WITH_IAM + "# " + "x" * pad + "\n")
    done = _cfnfix("apply", "--select", "CFX101", "t.yaml", cwd=tmp_path)
    size = len(path.read_bytes())
    assert size > 51_200
    assert (done.returncode, done.stdout) == (0, "t.yaml: fixed 1 finding\nFixed 1 finding in 1 file.\n")
    assert done.stderr == (f"cfnfix: warning: t.yaml: the fixed template is {size:,} bytes, past the 51,200 a "
                           "TemplateBody can pass; deploy it from S3 (TemplateURL)\n")


def test_limits_are_cfn_lints():
    done = subprocess.run([sys.executable, "scripts/limits.py", "--check"], cwd=Path(__file__).parent.parent,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, "")


# -- item 9: one fix that cannot be written does not drop the others ----------------------------

ALIASED = """\
Resources:
  TargetA:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Metadata: &common
      MaxCapacity: 2
    Properties:
      MaxCapacity: 2
      MinCapacity: 1
      ResourceId: service/c/a
      RoleARN: !Sub {slr}
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
  TargetB:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      <<: *common
      MinCapacity: 1
      ResourceId: service/c/b
      RoleARN: !Sub {slr}
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
"""
NOT_WRITABLE = (" (not fixed: cfnfix cannot write this fix: /Resources/TargetB/Properties/RoleARN passes through a "
                "YAML anchor, alias or merge key; cfnfix does not edit there)")


def test_a_fix_through_a_merge_key_is_held_and_the_others_are_kept():
    from .helpers import SLR

    text = ALIASED.format(slr=SLR)
    fixed = cfnfix.fix_text(text, "yaml")
    assert fixed.error is None
    assert fixed.text == text.replace(f"      RoleARN: !Sub {SLR}\n", "", 1)
    [left] = fixed.remaining
    assert (left.pointer, left.fix) == ("/Resources/TargetB/Properties/RoleARN", None)
    assert left.message.endswith(NOT_WRITABLE)


def test_check_marks_that_fix_not_fixable():
    from .helpers import SLR

    checked = cfnfix.check_text(ALIASED.format(slr=SLR), "yaml")
    assert [(f.pointer, f.fix is None) for f in checked.findings] == [
        ("/Resources/TargetA/Properties/RoleARN", False), ("/Resources/TargetB/Properties/RoleARN", True)]
    assert checked.findings[1].message.endswith(NOT_WRITABLE)
    assert report.text([checked]).splitlines()[-1] == "Found 2 findings (1 fixable with `cfnfix apply`, marked [*])."


def test_a_write_that_does_not_verify_names_the_fix_with_its_position(tmp_path, monkeypatch, capsys):
    # issue 17 item 5: a refused write says which fix, with file, line and column, and writes nothing
    from cfnfix.write import writer

    path = tmp_path / "t.yaml"
    path.write_text(HARDCODED_ROLE)
    monkeypatch.setattr(writer, "same", lambda a, b: False)  # every written text reads back wrong
    assert cli.main(["apply", "--jobs", "1", "--select", "CFX101", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{path}:8:16: CFX101 ScalableTarget Target hard-codes the service-linked role ")
    assert out[0].endswith(" (not fixed: cfnfix cannot write this fix: the edited text does not read back as the "
                           "patched data; nothing was written)")
    assert out[1:] == ["Fixed 0 findings in 0 files; 1 remain."]
    assert path.read_text() == HARDCODED_ROLE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.yaml"]


def test_fixes_that_write_alone_but_not_together_keep_the_first_and_name_the_other(monkeypatch):
    from cfnfix.write import writer

    from .helpers import SLR

    text = ALIASED.format(slr=SLR).replace("    Metadata: &common\n      MaxCapacity: 2\n", "") \
        .replace("      <<: *common\n", "      MaxCapacity: 2\n")
    real_same = writer.same

    def both_fixed_reads_back_wrong(a, b):
        if not (isinstance(a, dict) and "Resources" in a):  # same() recurses: judge only the whole template
            return real_same(a, b)
        targets = a["Resources"]["TargetA"]["Properties"], a["Resources"]["TargetB"]["Properties"]
        return real_same(a, b) and any("RoleARN" in t for t in targets)

    monkeypatch.setattr(writer, "same", both_fixed_reads_back_wrong)
    fixed = cfnfix.fix_text(text, "yaml")
    assert fixed.error is None
    assert fixed.text == text.replace(f"      RoleARN: !Sub {SLR}\n", "", 1)
    [left] = fixed.remaining
    assert (left.pointer, left.fix, left.line, left.column) == ("/Resources/TargetB/Properties/RoleARN", None, 16, 16)
    assert left.message.endswith(" (not fixed: cfnfix cannot write this fix together with the others: the edited "
                                 "text does not read back as the patched data; nothing was written)")


# -- item 15: what CloudFormation rejects is an error with a position ---------------------------

UNKNOWN = ("{} (short form {}) is not a CloudFormation function, so CloudFormation rejects the template "
           "(expand it with its tool first)")


@pytest.mark.parametrize("text,format,expected", [
    (TOPIC.replace("{}", "!!python/name:os.system"), "yaml",
     "<text>:5:10: tag !!python/name:os.system is not one CloudFormation reads"),
    (TOPIC.replace("{}", "!!python/tuple [1, 2]"), "yaml", "<text>:5:10: tag !!python/tuple is not one CloudFormation reads"),
    (TOPIC.replace("{}", "!<tag:example.com,2000:x> 1"), "yaml",
     "<text>:5:10: tag !<tag:example.com,2000:x> is not one CloudFormation reads"),
    (TOPIC.replace("{}", "!Foo bar"), "yaml", "<text>:5:10: " + UNKNOWN.format("Fn::Foo", "!Foo")),
    (TOPIC.replace("{}", "\n        Fn::Foo: bar"), "yaml", "<text>:6:9: " + UNKNOWN.format("Fn::Foo", "!Foo")),
    ("Resources:\n  Net:\n    Type: !Rain::Module ./network.yaml\n", "yaml",
     "<text>:3:11: " + UNKNOWN.format("Fn::Rain::Module", "!Rain::Module")),
    ('{"Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": {"X": {"Fn::Foo": 1}}}}}', "json",
     "<text>:1:69: " + UNKNOWN.format("Fn::Foo", "!Foo")),
    ("Resources:\n  - A\n", "yaml", "<text>:2:3: Resources must be a mapping of names, not a list"),
    ("Parameters: x\nResources: {}\n", "yaml", "<text>:1:13: Parameters must be a mapping of names, not a string"),
    ("Resources:\n  A: [1]\n", "yaml", "<text>:2:6: resource A must be a mapping with a Type, not a list"),
    ("Resources:\n  A:\n    Properties: {}\n", "yaml", "<text>:3:5: resource A has no Type"),
    ("Resources:\n  A:\n    Type: !Ref AWS::Region\n", "yaml", "<text>:3:11: the Type of resource A must be a string"),
])
def test_what_cloudformation_rejects_is_an_error_with_a_position(text, format, expected):
    assert str(cfnfix.check_text(text, format).error) == expected
    assert str(cfnfix.fix_text(text, format).error) == expected


@pytest.mark.parametrize("text", [
    TOPIC.replace("{}", "!!binary aGVsbG8="),
    TOPIC.replace("{}", "!Sub 'Hello !World ${AWS::Region}'"),
    TOPIC.replace("{}", "!ValueOf [P, Attr]"),
    "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::B:\n    - N\n    - [a, b]\n"
    "    - ${N}:\n        Type: AWS::S3::Bucket\n",
])
def test_what_cloudformation_reads_is_still_read(text):
    assert cfnfix.check_text(text, "yaml").error is None


def test_an_unknown_tag_in_a_file_is_one_line_exit_2(tmp_path):
    (tmp_path / "t.yaml").write_text(TOPIC.replace("{}", "!Foo bar"))
    done = _cfnfix("apply", "t.yaml", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (2, "cfnfix: error: t.yaml:5:10: " + UNKNOWN.format("Fn::Foo", "!Foo") + "\n")


def test_intrinsic_functions_are_cfn_lints():
    done = subprocess.run([sys.executable, "scripts/intrinsics.py", "--check"], cwd=Path(__file__).parent.parent,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, "")
