"""Every example of every rule through the public harness: exact pointers, byte-exact fixed text,
re-parse, idempotence, exact impact, no new cfn-lint finding; examples ship as package data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cfnfix.kit import Safety
from cfnfix.rule import DOC_HEADINGS
from cfnfix.rules import all_rules
from cfnfix.testing import check_example, run_example

from .helpers import ROOT, new_lint_findings

CASES = [(rule, example) for rule in all_rules() for example in rule.examples]
BAD = [c for c in CASES if not c[1].good]


@pytest.fixture(autouse=True)
def _at_project_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # example options name project folders (a `tests` folder, ...)


@pytest.mark.parametrize("rule,example", CASES, ids=[f"{r.code}-{e.name}" for r, e in CASES])
def test_example(rule, example):
    assert example.impact is not None, "every example states the impact of its fixes"
    check_example(rule, example)


@pytest.mark.parametrize("rule,example", BAD, ids=[f"{r.code}-{e.name}" for r, e in BAD])
def test_example_fix_adds_no_cfn_lint_findings(rule, example):
    fixed = run_example(rule, example).fixed
    assert new_lint_findings(example.text, fixed.text) == set()


@pytest.mark.parametrize("rule,example", BAD, ids=[f"{r.code}-{e.name}" for r, e in BAD])
def test_no_example_fix_is_safe_that_loses_data_or_changes_the_parameters(rule, example):
    for finding in run_example(rule, example).checked.findings:
        impact = finding.fix.impact if finding.fix else None
        if impact is None:
            continue
        if impact.stateful_loss() or impact.parameters_removed or impact.required_parameters_added:
            assert finding.fix.safety != Safety.SAFE, (finding.pointer, impact)


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
    assert all(isinstance(code, str) for code in rule.resolves)


def test_a_rule_module_holds_no_example_text():
    for rule in all_rules():
        source = Path(__import__(rule.__module__, fromlist=["_"]).__file__).read_text()
        assert "Example(" not in source and "fixed='''" not in source, rule.code


def test_examples_are_package_data():
    """CI installs the package: the example files must be in it, not only in the source tree."""
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["cfnfix"]
    folder = ROOT / "cfnfix"
    shipped = {p.relative_to(folder) for pattern in data for p in folder.glob(pattern)}
    files = {p.relative_to(folder) for p in (folder / "rules" / "examples").rglob("*") if p.is_file()}
    assert files and files <= shipped


def test_expected_files_are_plain_json():
    for rule in all_rules():
        for example in rule.examples:
            expected = json.loads((Path(example.folder) / "expected.json").read_text())
            assert set(expected) <= {"pointers", "impact", "options", "unsafe_fixes"}, example.folder
