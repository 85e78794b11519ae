"""Every example of every cfn-lint fixer: exact pointers, byte-exact fixed text, re-parse, idempotence,
and cfn-lint itself finding the fixed text clean of the fixer's finding."""

from __future__ import annotations

import jsonpatch
import pytest

import cfnfix
from cfnfix.parse.document import parse_text
from cfnfix.lint.fixers import all_fixers
from cfnfix.lint.linter import lint
from cfnfix.rule import DOC_HEADINGS
from cfnfix.settings import Settings

from .helpers import new_lint_findings

CASES = [(fixer, example) for fixer in all_fixers() for example in fixer.examples]


def settings_for(fixer, example) -> Settings:
    return Settings(cfn_lint=True, select=(fixer.code,), rules={fixer.code: example.options},
                    unsafe_fixes=example.unsafe_fixes)


@pytest.mark.parametrize("fixer,example", CASES, ids=[f"{f.code}-{e.name}" for f, e in CASES])
def test_example(fixer, example):
    settings = settings_for(fixer, example)
    checked = cfnfix.check_text(example.text, example.format, settings)
    assert checked.error is None
    assert tuple(f.pointer for f in checked.findings) == example.pointers
    if example.good:
        return
    assert all(f.code == fixer.code and f.name == fixer.name and f.line and f.column for f in checked.findings)
    fixes = [f.fix for f in checked.findings if f.fix is not None]
    if fixes:
        assert {k: v for k, v in fixes[0].impact.to_json().items() if v} == fixer.impacts[example.name]
    else:
        assert example.name not in fixer.impacts
    fixed = cfnfix.fix_text(example.text, example.format, settings=settings)
    assert (fixed.error, fixed.rejected) == (None, ())
    assert fixed.text == example.fixed
    assert all(f.fix is None or f.fix.safety == "display-only" or (f.fix.safety == "unsafe" and not example.unsafe_fixes)
               for f in fixed.remaining)
    original = parse_text(example.text, example.format).data
    patched = jsonpatch.apply_patch(original, [dict(op) for op in fixed.patch])
    assert parse_text(fixed.text, example.format).data == patched
    again = cfnfix.fix_text(fixed.text, example.format, settings=settings)
    assert again.text == fixed.text and again.applied == ()


@pytest.mark.parametrize("fixer,example", [c for c in CASES if not c[1].good and c[1].fixed != c[1].text],
                         ids=[f"{f.code}-{e.name}" for f, e in CASES if not e.good and e.fixed != e.text])
def test_example_fix_clears_its_finding_and_adds_none(fixer, example):
    assert new_lint_findings(example.text, example.fixed) == set()
    assert fixer.code not in {m.rule_id for m in lint(example.fixed)}


@pytest.mark.parametrize("fixer", all_fixers(), ids=lambda f: f.code)
def test_fixer_metadata_and_docs(fixer):
    assert fixer.code[0] in "EW" and fixer.code[1:].isdigit() and len(fixer.code) == 5
    assert fixer.name == fixer.name.lower() and " " not in fixer.name
    assert list(fixer.doc_sections()) == list(DOC_HEADINGS)
    bads = [e for e in fixer.examples if not e.good]
    assert [e for e in fixer.examples if e.good] and bads
    assert {e.format for e in bads} == {"yaml", "json"}
    assert all(e.fixed is not None for e in bads)


def test_curated_renames_name_real_properties_of_each_type():
    from cfnfix.lint.schema import property_names
    from cfnfix.values import aws_data

    for type_name, renames in aws_data("property_renames.json")["renames"].items():
        names = property_names(type_name, ())
        assert names is not None, type_name
        for wrong, right in renames.items():
            assert right in names and wrong not in names, (type_name, wrong, right)


def test_required_values_name_real_properties():
    from cfnfix.lint.schema import property_names
    from cfnfix.values import aws_data

    table = aws_data("required_values.json")
    for type_name, places in table["required"].items():
        for where, values in places.items():
            names = property_names(type_name, tuple(p for p in where.split("/") if p and p != "*"))
            assert names is not None and set(values) <= set(names), (type_name, where)
    for type_name, places in table["companions"].items():
        for where, triggers in places.items():
            names = property_names(type_name, tuple(p for p in where.split("/") if p))
            for trigger, values in triggers.items():
                assert {trigger, *values} <= set(names or ()), (type_name, where, trigger)


def test_a_fix_cfn_lint_refuses_is_dropped_and_reported(monkeypatch):
    """A fixer whose fix leaves its finding in place: the second cfn-lint run rejects it, the file
    is fixed without it, and the finding stays without a fix."""
    from cfnfix.lint.fixers.needless_sub import NeedlessSub
    from cfnfix.rule import replace_op, test_op

    def stubborn(self, finding, template, plan):
        path = ("Resources", "Alerts", "Properties", "DisplayName")
        return cfnfix.rule.Fix("keep the Sub", "safe", "test double",
                               (test_op(path, template.data["Resources"]["Alerts"]["Properties"]["DisplayName"]),
                                replace_op(path, {"Fn::Sub": "Alerts"})))

    monkeypatch.setattr(NeedlessSub, "fix", stubborn)
    text = ("Resources:\n  Alerts:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: !Sub Payment alerts\n"
            "  Queue:\n    Type: AWS::SQS::Queue\n    DependsOn: Alerts\n    Properties:\n"
            "      QueueName: !GetAtt Alerts.TopicName\n")
    fixed = cfnfix.fix_text(text, "yaml", settings=Settings(cfn_lint=True, select=("W1020", "W3005")))
    assert fixed.error is None
    assert [(r.finding.code, r.finding.line, r.reason) for r in fixed.rejected] == [
        ("W1020", 5, "cfn-lint still reports W1020 after the fix")]
    assert fixed.text == text.replace("    DependsOn: Alerts\n", "")
    assert [(f.code, f.fix) for f in fixed.remaining] == [("W1020", None)]


def test_a_new_finding_at_no_changed_path_is_traced_to_its_fix_alone(monkeypatch):
    """The fix that leaves a parameter unused changes no path under /Parameters: each fix is tried
    alone, and only the one that adds W2001 is rejected; the other stays."""
    from cfnfix.lint.fixers.needless_sub import NeedlessSub
    from cfnfix.rule import remove_op, replace_op, test_op

    def drops_a_reference(self, finding, template, plan):
        path = ("Resources", "Alerts", "Properties", "TopicName")
        if "TopicName" not in template.data["Resources"]["Alerts"]["Properties"]:
            return None
        name = ("Resources", "Alerts", "Properties", "DisplayName")
        return cfnfix.rule.Fix("unwrap and drop TopicName", "safe", "test double",
                               (test_op(path, template.data["Resources"]["Alerts"]["Properties"]["TopicName"]),
                                remove_op(path), replace_op(name, "Alerts")))

    monkeypatch.setattr(NeedlessSub, "fix", drops_a_reference)
    text = ("Parameters:\n  Env:\n    Type: String\nMappings:\n  Amis:\n    us-east-1:\n      Id: ami-12345678\n"
            "Resources:\n  Alerts:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: !Sub Alerts\n"
            "      TopicName: !Ref Env\n")
    fixed = cfnfix.fix_text(text, "yaml", settings=Settings(cfn_lint=True, select=("W1020", "W7001")))
    assert fixed.error is None
    assert [(r.finding.code, r.reason) for r in fixed.rejected] == [
        ("W1020", "the fix adds cfn-lint W2001 at /Parameters/Env: Parameter Env not used.")]
    assert [f.code for f in fixed.applied] == ["W7001"]
    assert "Mappings" not in fixed.text and "TopicName: !Ref Env" in fixed.text
