"""Fix impact from the resource provider schemas, its place in the reports, the safety it forces,
and the harness (`cfnfix.testing`) on a small rule of the test suite."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace

import pytest

import cfnfix
from cfnfix import kit
from cfnfix.impact import Impact, impact_of
from cfnfix.kit import Plan, Safety
from cfnfix.rule import Fix, Rule, read_examples
from cfnfix.model.template import Template
from cfnfix.testing import check_example, update_example

from .helpers import ROOT


@dataclass(frozen=True)
class _Zone:
    zone: str


class PinnedZone(Rule):
    """## What it does
    Test rule: a subnet in `us-east-1a` moves to `us-east-1b`.

    ## Why does this fail?
    It does not; the rule exists to show a replacement.

    ## Fix
    `AvailabilityZone` becomes `us-east-1b`.

    ## Fix safety
    Safe as far as the rule knows; the engine knows better.

    ## Options
    None.
    """

    code = "CFX990"
    name = "pinned-zone"
    severity = "low"
    summary = "A subnet in us-east-1a"
    fix_title = "Move it"

    ZONE = {"AWS::EC2::Subnet": "AvailabilityZone", "AWS::EFS::FileSystem": "AvailabilityZoneName"}

    def detect(self, template):
        for resource in template.of_type(*self.ZONE):
            key = self.ZONE[resource.type]
            zone = resource.properties.get(key)
            if zone == "us-east-1a":
                yield self.finding(f"{resource.name} is in us-east-1a", ("Resources", resource.name, "Properties", key),
                                   resource.name, _Zone(zone))

    def fix(self, finding, template, plan):
        return Fix("Move it to us-east-1b", Safety.SAFE, "The rule says so.",
                   (kit.test_op(finding.pointer, finding.payload.zone), kit.replace_op(finding.pointer, "us-east-1b")))


SUBNET = """\
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  WebSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.0.0/24
      AvailabilityZone: us-east-1a
"""


def settings(**more):
    return cfnfix.Settings(select=("CFX990",), extra_rules=(PinnedZone,), **more)


def test_a_changed_create_only_property_replaces_the_resource():
    (finding,) = cfnfix.check_text(SUBNET, "yaml", settings()).findings
    assert finding.fix.impact.to_json() == {"adds": [], "modifies": [], "replaces": ["WebSubnet"], "removes": [],
                                            "parameters_added": [], "parameters_removed": []}
    assert finding.fix.impact.lines() == ["replaces AWS::EC2::Subnet WebSubnet"]
    # a subnet holds no data: the rule's safety stands
    assert finding.fix.safety == Safety.SAFE and finding.fix.reason == "The rule says so."


def test_replacing_a_stateful_resource_is_never_safe():
    text = """\
Resources:
  Files:
    Type: AWS::EFS::FileSystem
    Properties:
      AvailabilityZoneName: us-east-1a
"""
    (finding,) = cfnfix.check_text(text, "yaml", settings()).findings
    assert finding.fix.impact.replaces == ("Files",)
    assert finding.fix.safety == Safety.UNSAFE
    assert finding.fix.reason == "Never safe: it replaces AWS::EFS::FileSystem Files, and the data it holds is lost."
    # so apply leaves it, and --unsafe-fixes applies it
    assert cfnfix.fix_text(text, "yaml", settings=settings()).applied == ()
    assert len(cfnfix.fix_text(text, "yaml", settings=settings(unsafe_fixes=True)).applied) == 1


def _template(data):
    return Template.from_data(data)


def test_impact_of_each_kind_of_change():
    t = _template({
        "Parameters": {"Env": {"Type": "String"}, "Old": {"Type": "String", "Default": "x"}},
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "a"}},
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "t"}},
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Runtime": "python3.8"}},
        }})
    impact = impact_of([
        {"op": "test", "path": "/Resources/Bucket/Type", "value": "AWS::S3::Bucket"},
        {"op": "replace", "path": "/Resources/Bucket/Properties/BucketName", "value": "b"},
        {"op": "replace", "path": "/Resources/Topic/Properties/DisplayName", "value": "u"},
        {"op": "remove", "path": "/Resources/Queue"},
        {"op": "replace", "path": "/Resources/Fn/Properties/Runtime", "value": "python3.12"},
        {"op": "add", "path": "/Resources/Key", "value": {"Type": "AWS::KMS::Key"}, "position": {"before": "/Resources/Fn"}},
        {"op": "add", "path": "/Parameters/Zone", "value": {"Type": "String"}},
        {"op": "add", "path": "/Parameters/Region", "value": {"Type": "String", "Default": "us-west-2"}},
        {"op": "remove", "path": "/Parameters/Old"},
        {"op": "add", "path": "/Outputs", "value": {"K": {"Value": "v"}}},
    ], t)
    assert impact.to_json() == {"adds": ["Key"], "modifies": ["Topic", "Fn"], "replaces": ["Bucket"],
                                "removes": ["Queue"], "parameters_added": ["Zone", "Region"],
                                "parameters_removed": ["Old"]}
    assert impact.stateful_loss() == ["Bucket", "Queue"]
    assert impact.required_parameters_added == ("Zone",) and impact.changes_interface()
    assert impact.lines() == ["adds AWS::KMS::Key Key", "modifies AWS::SNS::Topic Topic",
                              "modifies AWS::Serverless::Function Fn", "replaces AWS::S3::Bucket Bucket",
                              "removes AWS::SQS::Queue Queue", "adds parameter Zone", "adds parameter Region",
                              "removes parameter Old"]
    # a changed type replaces; outputs alone change nothing deployed
    assert impact_of([{"op": "replace", "path": "/Resources/Topic/Type", "value": "AWS::SQS::Queue"}], t).replaces \
        == ("Topic",)
    assert impact_of([{"op": "add", "path": "/Outputs/K", "value": {"Value": "v"}}], t).to_json() == {
        "adds": [], "modifies": [], "replaces": [], "removes": [], "parameters_added": [], "parameters_removed": []}
    # a patch that does not apply has no impact to state (the writer refuses it)
    assert impact_of([{"op": "remove", "path": "/Resources/Nothing"}], t) is None


def test_a_nested_create_only_property():
    t = _template({"Resources": {"Check": {"Type": "AWS::Route53::HealthCheck", "Properties": {
        "HealthCheckConfig": {"Type": "HTTP", "RequestInterval": 30, "FailureThreshold": 3}}}}})
    base = "/Resources/Check/Properties/HealthCheckConfig"
    assert impact_of([{"op": "replace", "path": f"{base}/RequestInterval", "value": 10}], t).replaces == ("Check",)
    assert impact_of([{"op": "replace", "path": f"{base}/FailureThreshold", "value": 2}], t).modifies == ("Check",)


def test_a_new_parameter_with_a_default_keeps_the_interface():
    """adding `X` with a Default changes no deployment; without one, every deployment must pass it."""
    t = _template({"Resources": {}})
    with_default = impact_of([{"op": "add", "path": "/Parameters", "value": {"X": {"Type": "String", "Default": ""}}}], t)
    assert with_default.parameters_added == ("X",) and with_default.never_safe() is None
    without = impact_of([{"op": "add", "path": "/Parameters", "value": {"X": {"Type": "String"}}}], t)
    assert without.never_safe() == "every deployment must now pass the new parameter X"


def test_a_changed_parameter_default_or_type_reaches_the_resources_that_read_it():
    """a stack deployed with the default gets the new value on its next update: read into a
    create-only property it replaces the resource, elsewhere it modifies it in place."""
    t = _template({"Parameters": {"Ami": {"Type": "AWS::EC2::Image::Id", "Default": "ami-0abc"},
                                  "Runtime": {"Type": "String", "Default": "python3.9"}},
                   "Resources": {"Web": {"Type": "AWS::EC2::Instance", "Properties": {"ImageId": {"Ref": "Ami"}}},
                                 "Fn": {"Type": "AWS::Lambda::Function",
                                        "Properties": {"Runtime": {"Ref": "Runtime"},
                                                       "Description": {"Fn::Sub": "built on ${Ami}"}}},
                                 "Logs": {"Type": "AWS::S3::Bucket"}}})
    retyped = impact_of([{"op": "replace", "path": "/Parameters/Ami/Type",
                          "value": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"}], t)
    assert (retyped.replaces, retyped.modifies) == (("Web",), ("Fn",))
    assert retyped.lines() == ["modifies AWS::Lambda::Function Fn", "replaces AWS::EC2::Instance Web"]
    moved = impact_of([{"op": "replace", "path": "/Parameters/Runtime/Default", "value": "python3.13"}], t)
    assert moved.to_json() == {"adds": [], "modifies": ["Fn"], "replaces": [], "removes": [],
                               "parameters_added": [], "parameters_removed": []}
    # the same default written again changes nothing
    same = impact_of([{"op": "replace", "path": "/Parameters/Runtime/Default", "value": "python3.9"}], t)
    assert same.to_json() == Impact().to_json()


def test_json_and_sarif_carry_reason_and_impact(tmp_path):
    from cfnfix.report import sarif, to_json

    result = cfnfix.check_text(SUBNET, "yaml", settings())
    result = replace(result, path="t.yaml")
    (entry,) = json.loads(to_json([result]))["files"][0]["findings"]
    assert entry["fix"]["reason"] == "The rule says so." and entry["fix"]["safety"] == "safe"
    assert entry["fix"]["impact"]["replaces"] == ["WebSubnet"]
    fixed = cfnfix.fix_text(SUBNET, "yaml", settings=settings()).text
    (run,) = json.loads(sarif([result], {"t.yaml": ((SUBNET, fixed),)}))["runs"]
    (fix,) = run["results"][0]["fixes"]
    assert fix["properties"] == {"safety": "safe", "reason": "The rule says so.",
                                 "impact": entry["fix"]["impact"]}


def test_the_harness_updates_and_checks_an_example(tmp_path, monkeypatch):
    folder = tmp_path / "examples" / "pinned-zone" / "subnet"
    folder.mkdir(parents=True)
    (folder / "template.yaml").write_text(SUBNET)
    monkeypatch.setattr(PinnedZone, "examples_folder", classmethod(lambda cls: tmp_path / "examples" / cls.name))
    (example,) = read_examples(tmp_path / "examples" / "pinned-zone")
    assert update_example(PinnedZone, example) is True
    assert (folder / "fixed.yaml").read_text() == SUBNET.replace("us-east-1a", "us-east-1b")
    assert json.loads((folder / "expected.json").read_text()) == {
        "pointers": ["/Resources/WebSubnet/Properties/AvailabilityZone"],
        "impact": [{"adds": [], "modifies": [], "replaces": ["WebSubnet"], "removes": [], "parameters_added": [],
                    "parameters_removed": []}]}
    (example,) = read_examples(tmp_path / "examples" / "pinned-zone")
    check_example(PinnedZone, example)
    assert update_example(PinnedZone, example) is False  # nothing left to rewrite
    # a wrong expectation fails, saying what differs
    (folder / "fixed.yaml").write_text(SUBNET)
    (example,) = read_examples(tmp_path / "examples" / "pinned-zone")
    with pytest.raises(AssertionError, match="fixed text differs"):
        check_example(PinnedZone, example)
    (folder / "expected.json").write_text(json.dumps({"pointers": [], "impact": []}))
    (example,) = read_examples(tmp_path / "examples" / "pinned-zone")
    with pytest.raises(AssertionError, match="pointers"):
        check_example(PinnedZone, example)


def test_python_m_cfnfix_testing_checks_every_example():
    done = subprocess.run([sys.executable, "-m", "cfnfix.testing"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    total = sum(len(r.examples) for r in __import__("cfnfix.rules", fromlist=["_"]).all_rules())
    assert done.stdout.splitlines()[-1] == f"{total} passed, 0 failed"


def test_the_schema_table_matches_the_installed_cfn_lint():
    """The table is generated from cfn-lint's bundled schemas: regenerate it when the pin moves
    (`python scripts/schema_table.py`)."""
    import importlib.util
    from importlib import metadata

    import tomllib

    from cfnfix import schemas

    spec = importlib.util.spec_from_file_location("schema_table", ROOT / "scripts" / "schema_table.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    files = script.rendered()
    shipped = {p.name: p.read_text(encoding="utf-8") for p in script.OUT.glob("*.json")}
    assert set(files) == set(shipped)
    assert [name for name in files if files[name] != shipped[name]] == []
    pinned = [d for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["test"]
              if d.startswith("cfn-lint==")]
    assert schemas.source()["cfn_lint"] == metadata.version("cfn-lint") == pinned[0].split("==")[1]
    assert schemas.source()["region"] == "us-east-1"


def test_schemas_load_only_for_the_services_a_template_has():
    from cfnfix import schemas

    schemas._load.cache_clear()
    schemas.schema.cache_clear()
    cfnfix.check_text(SUBNET, "yaml", settings())
    assert schemas._load.cache_info().currsize == 1  # AWS-EC2.json alone


_DOCUMENT = {"Resources": {"A": {"Type": "T", "Properties": {"L": [1, 2], "M": {"k": "v"}}}}}


@pytest.mark.parametrize("op", [
    {"op": "add", "path": "/Resources/A/Properties/N", "value": {"x": [1]}},
    {"op": "add", "path": "/Resources/A/Properties/L/0", "value": 0},
    {"op": "add", "path": "/Resources/A/Properties/L/2", "value": 3},
    {"op": "add", "path": "/Resources/A/Properties/L/-", "value": 3},
    {"op": "add", "path": "/Resources/A/Properties/M", "value": 1},
    {"op": "replace", "path": "/Resources/A/Properties/L/1", "value": "two"},
    {"op": "replace", "path": "/Resources/A/Type", "value": "U"},
    {"op": "remove", "path": "/Resources/A/Properties/M/k"},
    {"op": "remove", "path": "/Resources/A/Properties/L/0"},
    {"op": "move", "from": "/Resources/A/Properties/M", "path": "/Resources/A/Properties/M2"},
    {"op": "move", "from": "/Resources/A/Properties/L/0", "path": "/Resources/A/Properties/L/1"},
    {"op": "copy", "from": "/Resources/A/Properties/M", "path": "/Resources/B"},
    {"op": "add", "path": "", "value": {"Resources": {}}},
    # none of these applies: jsonpatch refuses them too
    {"op": "add", "path": "/Resources/A/Properties/L/3", "value": 3},
    {"op": "add", "path": "/Resources/A/Properties/L/01", "value": 3},
    {"op": "add", "path": "/Resources/Missing/Properties", "value": {}},
    {"op": "replace", "path": "/Resources/A/Properties/Missing", "value": 1},
    {"op": "replace", "path": "/Resources/A/Properties/L/2", "value": 1},
    {"op": "remove", "path": "/Resources/A/Properties/L/x"},
    {"op": "remove", "path": "/Resources/A/Type/x"},
    {"op": "remove", "path": ""},
    {"op": "move", "from": "/Resources/A", "path": "/Resources/A/Properties/A"},
    {"op": "move", "from": "/Resources/Missing", "path": "/Resources/B"},
    {"op": "copy", "from": "/Resources/A/Properties/L/5", "path": "/Resources/B"},
])
def test_the_impact_applies_each_op_as_jsonpatch_does_and_leaves_the_template_as_it_was(op):
    import copy

    import jsonpatch
    import jsonpointer

    from cfnfix.impact import patched

    try:
        expected = jsonpatch.apply_patch(copy.deepcopy(_DOCUMENT), [op])
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException):
        expected = None
    original = copy.deepcopy(_DOCUMENT)
    assert patched(original, [op]) == expected
    assert original == _DOCUMENT  # the ops changed copies only


def test_an_op_into_a_value_an_earlier_op_copied_leaves_the_copy_source_alone():
    from cfnfix.impact import _apply

    original = {"Resources": {"A": {"Properties": {"M": {"k": "v"}}}}}
    document = {"Resources": dict(original["Resources"])}
    document = _apply(document, {"op": "copy", "from": "/Resources/A/Properties/M", "path": "/Resources/B"})
    document = _apply(document, {"op": "add", "path": "/Resources/B/k2", "value": 1})
    assert document["Resources"]["B"] == {"k": "v", "k2": 1}
    assert document["Resources"]["A"]["Properties"]["M"] == {"k": "v"}
    assert original == {"Resources": {"A": {"Properties": {"M": {"k": "v"}}}}}
