"""The committed rule docs are what the rule modules generate (run `python -m cfnfix.ruledocs` to refresh)."""

from __future__ import annotations

from cfnfix.ruledocs import pages

from .helpers import ROOT


def test_rule_docs_are_current():
    folder = ROOT / "docs" / "rules"
    committed = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    assert committed == pages(), "docs/rules is stale: run `python -m cfnfix.ruledocs`"


def test_cfn_lint_fixer_docs_are_current():
    from cfnfix.ruledocs import fixer_pages

    folder = ROOT / "docs" / "cfn-lint"
    committed = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    assert committed == fixer_pages(), "docs/cfn-lint is stale: run `python -m cfnfix.ruledocs`"
