"""cfn-lint before and after `apply --unsafe-fixes --select CFX701` where CFX701 fires (marker: corpus).

E3004 goes from every template whose cycle CFX701 breaks; it stays only where CFX701 reports the
cycle without a fix (listed below), and no template gains a cfn-lint finding.
"""

from __future__ import annotations

import pytest

import cfnfix

from .helpers import CORPUS
from .test_corpus import accepted_templates
from .test_lifecycle_corpus import _lint_yield

# (file, cfn-lint rule) pairs a fix adds, and why: none (a policy with actions cfn-lint does not
# know stays inline, as moving it out would show them as W3037)
ADDED: dict[tuple[str, str], str] = {}

pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project")]


def test_cycles_are_broken_and_no_cfn_lint_finding_is_added():
    lint = _lint_yield().lint
    settings = cfnfix.Settings(unsafe_fixes=True, select=("CFX701",))
    added: list[tuple[str, tuple[str, str, str]]] = []
    e3004_left: list[str] = []
    display_only: set[str] = set()
    fired = 0
    for name, doc in accepted_templates():
        checked = cfnfix.check_text(doc.text, doc.format, settings=settings)
        if not checked.findings:
            continue
        fired += 1
        if any(f.fix is None for f in checked.findings):
            display_only.add(name)
        result = cfnfix.fix_text(doc.text, doc.format, settings=settings)
        assert result.error is None, (name, result.error)
        before = lint(doc.text)
        after = lint(result.text) if result.changed else before
        added += [(name, finding) for finding in sorted(after - before)]
        if any(rule == "E3004" for rule, _, _ in after):
            e3004_left.append(name)
    assert sorted({(name, finding[0]) for name, finding in added}) == sorted(ADDED)
    assert set(e3004_left) <= display_only
    assert fired >= 1
