"""cfn-lint before and after `apply --unsafe-fixes` on every corpus template (marker: corpus).

After the fixes no template keeps a finding of the cfn-lint rules CFX102, CFX501, CFX502 and
CFX503 resolve, except those listed below with their reason, and no template gains a cfn-lint
finding (rule, path and message; value lists in messages collapsed).
"""

from __future__ import annotations

import importlib.util

import pytest

import cfnfix

from .helpers import CORPUS, ROOT
from .test_corpus import accepted_templates

pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project")]

RESOLVED = ("E2533", "W3691", "W3690", "W1011", "W3011")
# a template without any of these words cannot have one of those findings: not linted when unchanged
HINTS = ("Runtime", "EngineVersion", "Password", "AuthToken", "DeletionPolicy", "UpdateReplacePolicy")

# (file, cfn-lint rule) pairs that stay, and why.
STAYS = {
    # DeletionPolicy and UpdateReplacePolicy values that are themselves invalid (cfn-lint E3035,
    # E3036): copying one to the other attribute would add a second error
    ("cfn-lint-fixtures/bad/resources_deletionpolicy.yaml", "W3011"): "CopyRegion, Snapshot on AWS::IAM::User, an unsupported intrinsic",
    ("cfn-lint-fixtures/bad/resources_updatereplacepolicy.yaml", "W3011"): "the same values on UpdateReplacePolicy",
}


def _lint_yield():
    spec = importlib.util.spec_from_file_location("lint_yield", ROOT / "benchmarks" / "lint_yield.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fixes_resolve_their_cfn_lint_findings_and_add_none():
    lint = _lint_yield().lint
    settings = cfnfix.Settings(unsafe_fixes=True)
    stays: dict[tuple[str, str], list[str]] = {}
    added: list[tuple[str, tuple[str, str, str]]] = []
    resolved = 0
    for name, doc in accepted_templates():
        result = cfnfix.fix_text(doc.text, doc.format, settings=settings)
        assert result.error is None, (name, result.error)
        if not result.changed and not any(hint in doc.text for hint in HINTS):
            continue
        before = lint(doc.text)
        after = lint(result.text) if result.changed else before
        added += [(name, finding) for finding in sorted(after - before)]
        resolved += sum(1 for rule, _, _ in before - after if rule in RESOLVED)
        for rule, where, _ in after:
            if rule in RESOLVED:
                stays.setdefault((name, rule), []).append(where)
    assert added == []
    assert sorted(stays) == sorted(STAYS)
    assert resolved >= 110  # 117 resolved; the 25 templates CloudFormation rejects are left out
