"""`apply --cfn-lint --unsafe-fixes` on every template of ../shared/corpus (marker: corpus): cfn-lint's
findings before and after, no template gains one, and every rejected fix with its reason."""

from __future__ import annotations

from collections import Counter

import pytest

from cfnfix.engine import NotATemplate, fix_document, load
from cfnfix.errors import CfnfixError
from cfnfix.lint.linter import LintFailed, lint
from cfnfix.lint.verify import added
from cfnfix.settings import Settings

from .helpers import CORPUS, corpus_files

pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project")]

# templates cfnfix reads but cfn-lint's decoder cannot (reported as one line, not fixed)
CFN_LINT_CANNOT_READ = {"cfn-lint-fixtures/bad/core/parse_invalid_map.yaml"}  # a mapping as a key


def test_apply_cfn_lint_on_the_corpus_adds_no_cfn_lint_finding():
    settings = Settings(cfn_lint=True, unsafe_fixes=True)
    before_errors, after_errors = Counter(), Counter()
    with_errors = [0, 0]
    gained, rejected, unreadable, failed = {}, [], set(), {}
    for path in corpus_files():
        name = str(path.relative_to(CORPUS))
        try:
            doc = load(path.read_bytes(), name, named=False)
        except (CfnfixError, NotATemplate):
            continue
        try:
            before = lint(doc.text)
        except LintFailed:
            unreadable.add(name)
            continue
        fixed = fix_document(doc, settings, name)
        if fixed.error is not None:
            failed[name] = str(fixed.error)
            continue
        after = lint(fixed.text)
        new = added(before, after)
        if new:
            gained[name] = sorted((m.rule_id, m.message) for m in new)
        rejected += [(name, r.finding.code, r.finding.pointer, r.reason) for r in fixed.rejected]
        before_errors.update(m.rule_id for m in before if m.rule_id.startswith("E"))
        after_errors.update(m.rule_id for m in after if m.rule_id.startswith("E"))
        with_errors[0] += any(m.rule_id.startswith("E") for m in before)
        with_errors[1] += any(m.rule_id.startswith("E") for m in after)
    report = [f"templates with a cfn-lint error: {with_errors[0]} before, {with_errors[1]} after",
              "errors by rule, before -> after:"]
    report += [f"  {rule} {before_errors[rule]} -> {after_errors[rule]}"
               for rule in sorted(set(before_errors) | set(after_errors), key=lambda r: (-before_errors[r], r))]
    report += [f"rejected fixes: {len(rejected)}"] + [f"  {r}" for r in rejected]
    print("\n" + "\n".join(report))
    assert gained == {}
    assert failed == {}
    assert unreadable == CFN_LINT_CANNOT_READ
    assert sum(after_errors.values()) < sum(before_errors.values())
    # every rejection says why
    assert all(reason for *_, reason in rejected)
