"""Every example of every rule: exact pointers, byte-exact fixed text, re-parse, idempotence."""

from __future__ import annotations

import jsonpatch
import pytest

import cfnfix
from cfnfix.document import parse_text
from cfnfix.rule import DOC_HEADINGS
from cfnfix.rules import all_rules
from cfnfix.settings import Settings

from .helpers import ROOT, new_lint_findings

CASES = [(rule, example) for rule in all_rules() for example in rule.examples]


def settings_for(rule, example) -> Settings:
    return Settings(select=(rule.code,), rules={rule.code: example.options}, unsafe_fixes=example.unsafe_fixes,
                    lifecycle=getattr(rule, "lifecycle", None))


@pytest.fixture(autouse=True)
def _at_project_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # example options name project folders (a `tests` folder, ...)


@pytest.mark.parametrize("rule,example", CASES, ids=[f"{r.code}-{e.name}" for r, e in CASES])
def test_example(rule, example):
    settings = settings_for(rule, example)
    checked = cfnfix.check_text(example.text, example.format, settings)
    assert checked.error is None
    assert tuple(f.pointer for f in checked.findings) == example.pointers
    if example.good:
        return
    assert all(f.code == rule.code and f.line and f.column for f in checked.findings)
    fixed = cfnfix.fix_text(example.text, example.format, settings=settings)
    assert fixed.error is None
    assert fixed.text == example.fixed
    # what stays has no fix this run may apply: none, display-only, or unsafe when not enabled
    applicable = [f for f in checked.findings if f.fix is not None and (
        f.fix.safety == "safe" or (f.fix.safety == "unsafe" and example.unsafe_fixes))]
    assert len(fixed.applied) == len(applicable)
    assert all(f.fix is None or f.fix.safety == "display-only" or (f.fix.safety == "unsafe" and not example.unsafe_fixes)
               for f in fixed.remaining)
    # the written text reads back as the original data with the emitted patch applied
    original = parse_text(example.text, example.format).data
    patched = jsonpatch.apply_patch(original, [dict(op) for op in fixed.patch])
    assert parse_text(fixed.text, example.format).data == patched
    # idempotent: a second apply changes nothing
    again = cfnfix.fix_text(fixed.text, example.format, settings=settings)
    assert again.text == fixed.text and again.applied == ()


@pytest.mark.parametrize("rule,example", [c for c in CASES if not c[1].good],
                         ids=[f"{r.code}-{e.name}" for r, e in CASES if not e.good])
def test_example_fix_adds_no_cfn_lint_findings(rule, example):
    fixed = cfnfix.fix_text(example.text, example.format, settings=settings_for(rule, example))
    assert new_lint_findings(example.text, fixed.text) == set()


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_metadata_and_docs(rule):
    assert rule.code.startswith("CFX") and len(rule.code) == 6
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.severity in ("critical", "high", "medium", "low")
    assert list(rule.doc_sections()) == list(DOC_HEADINGS)
    goods = [e for e in rule.examples if e.good]
    bads = [e for e in rule.examples if not e.good]
    assert goods and bads
    assert {e.format for e in bads} == {"yaml", "json"}
    assert all(e.fixed for e in bads)
